"""Serve a live preview: build into a temporary folder, serve it, rebuild on every edit.

`serve` wraps the build Session and never reaches into a stage. The journal is only read;
the site lives in a temporary folder that is removed on exit. While the last build has
errors, the last good site stays served and every page shows the problems over it.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import mimetypes
import os
import secrets
import shutil
import signal
import tempfile
import threading
import time
import webbrowser
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..build import Built, Session
from ..journal.read import inside
from ..problems import Problem, error, summary
from ..site.offline import WORKER
from .watch import QUIET, Debouncer, watch

LIVE = "/__refjournal__/"  # the server's own URLs; no page of a site starts with this
EVENTS, SCRIPT = LIVE + "events", LIVE + "live.js"
LIVE_JS = (Path(__file__).parent / "live.js").read_bytes()
PING = 15.0  # seconds between keep-alive comments on an event stream
LOCAL_NAMES = ("localhost", "127.0.0.1", "[::1]")
# Served for the site's service worker (site/offline.py): a preview is always online and
# changes with every save, and a worker would outlive it at this address (where another
# program may serve next). This one deletes what a worker of this scope kept, and goes.
NO_WORKER = b"""// refjournal serve: a live preview keeps nothing for reading offline.
self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  var mine = "refjournal " + self.registration.scope + " ";
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf(mine) === 0; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.registration.unregister(); }));
});
"""


@dataclass
class Live:
    """What the server shows: the version of the last good build, the last build's errors."""

    version: int = 0
    problems: list[str] = field(default_factory=list)
    stopping: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition)
    # Tells a tab left open from an earlier run of serve (whose versions also started at 1)
    # that this is another server: it reloads.
    run: str = field(default_factory=lambda: secrets.token_hex(6))

    def update(self, built: Built) -> None:
        with self.changed:
            if built.written and (built.changed or built.fresh or self.version == 0):
                self.version += 1
            self.problems = [p.format() for p in built.problems if p.severity == "error"]
            self.changed.notify_all()

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()

    def state(self) -> tuple[int, list[str]]:
        with self.changed:
            return self.version, list(self.problems)

    def message(self, state: tuple[int, list[str]]) -> str:
        """The event data for a state (as `state()` gave it)."""
        version, problems = state
        return json.dumps({"run": self.run, "version": version, "problems": problems})


def host_allowed(header: str | None, bound: str, port: int) -> bool:
    """Whether a request's Host header names this server, so a page from another site that
    rebinds its own domain name to 127.0.0.1 (DNS rebinding) cannot read the notes.

    Allowed: `localhost`, `127.0.0.1`, `[::1]` and the bound address, with the port. When
    bound to every interface (`0.0.0.0`, `::`), any IP address is allowed too: a rebinding
    attack needs a domain name, never an address.
    """
    if not header:
        return False
    header = header.strip().lower()
    if header.startswith("["):
        end = header.find("]")
        name, rest = header[: end + 1], header[end + 1:]
    else:
        name, _, after = header.partition(":")
        rest = f":{after}" if after else ""
    if rest != f":{port}" and not (rest == "" and port == 80):
        return False
    bound_name = (f"[{bound}]" if ":" in bound and not bound.startswith("[") else bound).lower()
    if name in LOCAL_NAMES or name == bound_name:
        return True
    if bound_name in ("0.0.0.0", "[::]"):
        try:
            ipaddress.ip_address(name.strip("[]"))
        except ValueError:
            return False
        return True
    return False


def confine(site: Path, url_path: str) -> Path | None:
    """The file under `site` that a URL path names, or None if it names nothing there.

    The path is decoded and normalised, and `..`, NUL bytes, backslashes and anything whose
    real path leaves the folder are refused: no request can read outside the site.
    """
    path = unquote(path_of(url_path))
    if "\x00" in path or "\\" in path:
        return None
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if any(part == ".." for part in parts):
        return None
    target = site.joinpath(*parts)
    root = os.path.realpath(site)
    real = os.path.realpath(target)
    if not inside(real, root):
        return None
    return target


def path_of(target: str) -> str:
    """The path of a request target, without query or fragment (`//x` is a path here, not
    a host, as urllib would read it)."""
    return target.split("?", 1)[0].split("#", 1)[0]


def inject(html: bytes, version: int, run: str = "") -> bytes:
    """Put the live-reload script before the last `</body>` (or at the end)."""
    tag = (f'<script src="{SCRIPT}" data-version="{version}" data-run="{run}" '
           f'data-events="{EVENTS}"></script>').encode()
    at = html.lower().rfind(b"</body>")
    return html + tag if at < 0 else html[:at] + tag + html[at:]


NOT_FOUND = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="robots" content="noindex"><title>Not found · refjournal serve</title></head>
<body style="font:16px/1.5 system-ui,sans-serif;margin:3rem auto;max-width:40rem;padding:0 1rem">
<h1>Not found</h1><p>No page at this address. <a href="/">Back to the dashboard</a>.</p>
</body></html>"""
NO_SITE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="robots" content="noindex"><title>No site yet · refjournal serve</title></head>
<body style="font:16px/1.5 system-ui,sans-serif;margin:3rem auto;max-width:40rem;padding:0 1rem">
<h1>No site yet</h1><p>The journal has errors, so there is nothing to show yet. They are
listed below and in the terminal; save a fix and this page reloads.</p></body></html>"""


class Handler(BaseHTTPRequestHandler):
    """Answers one request: the live-reload routes, or a file of the site. What it serves
    is set on the class `make_handler` makes."""

    server_version = "refjournal"
    sys_version = ""
    site: Path
    live: Live
    bound: str  # the address the server is bound to
    livereload: bool

    def do_GET(self) -> None:  # noqa: N802 - the name http.server looks for
        self._respond(body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(body=False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # the terminal shows builds and problems, not every request

    def _respond(self, body: bool) -> None:
        port = int(self.server.server_address[1])  # type: ignore[index]
        if not host_allowed(self.headers.get("Host"), self.bound, port):
            self._send(HTTPStatus.BAD_REQUEST, b"Bad Host header\n", "text/plain", body)
            return
        path = path_of(self.path)
        if self.livereload and path == EVENTS:
            self._events(body)
        elif self.livereload and path == SCRIPT:
            self._send(HTTPStatus.OK, LIVE_JS, "text/javascript", body)
        elif path == f"/{WORKER}":
            self._send(HTTPStatus.OK, NO_WORKER, "text/javascript", body)
        else:
            self._file(body)

    def _file(self, body: bool) -> None:
        """A file of the site; a folder's index.html; or a page that says why not."""
        version, _ = self.live.state()
        if version == 0:
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, self._page(NO_SITE, version),
                       "text/html", body)
            return
        target = confine(self.site, self.path)
        if target is not None and target.is_dir():
            if not path_of(self.path).endswith("/"):  # relative links need the /
                self._redirect(path_of(self.path) + "/")
                return
            target = target / "index.html"
        try:
            data = target.read_bytes() if target is not None else None
        except OSError:
            data = None
        if target is None or data is None:
            self._send(HTTPStatus.NOT_FOUND, self._page(NOT_FOUND, version), "text/html", body)
            return
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind == "text/html" and self.livereload:
            data = inject(data, version, self.live.run)
        self._send(HTTPStatus.OK, data, kind, body)

    def _page(self, html: str, version: int) -> bytes:
        page = html.encode()
        return inject(page, version, self.live.run) if self.livereload else page

    def _send(self, status: HTTPStatus, data: bytes, kind: str, body: bool) -> None:
        if kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml"):
            kind += "; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()

    def _events(self, body: bool) -> None:
        """A Server-Sent Events stream of the state, sent again whenever it changes."""
        if not body:
            self._send(HTTPStatus.OK, b"", "text/event-stream", body)
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        try:
            self._stream()
        except OSError:
            return  # the browser closed the stream

    def _stream(self) -> None:
        live = self.live
        sent: tuple[int, list[str]] | None = None
        while True:
            with live.changed:
                if live.stopping:
                    return
                if live.state() == sent:
                    live.changed.wait(PING)
                if live.stopping:
                    return
            state = live.state()
            if state != sent:
                self.wfile.write(f"event: state\ndata: {live.message(state)}\n\n".encode())
                sent = state
            else:
                self.wfile.write(b": ping\n\n")  # finds out when the tab is gone
            self.wfile.flush()


def make_handler(site: Path, live: Live, bound: str, livereload: bool
                 ) -> type[BaseHTTPRequestHandler]:
    """The request handler for a server of `site`, bound to the address `bound`."""
    return type("SiteHandler", (Handler,), {"site": site, "live": live, "bound": bound,
                                            "livereload": livereload})


@dataclass
class Options:
    root: Path
    host: str = "127.0.0.1"
    port: int = 8000
    today: Callable[[], dt.date] = dt.date.today
    open_browser: bool = False
    livereload: bool = True
    poll: bool = False
    quiet: float = QUIET


def serve(options: Options, echo: Callable[[str], None],
          report: Callable[[list[Problem]], None]) -> None:
    """Run until interrupted. Raises OSError when the address cannot be bound."""
    live = Live()
    workdir = Path(tempfile.mkdtemp(prefix="refjournal-serve-"))
    site = workdir / "site"
    session = Session(options.root, site, options.today)
    lock = threading.Lock()  # one build at a time

    def rebuild(changed: Iterable[str] = ()) -> None:
        paths = sorted(set(changed))
        with lock:
            if live.stopping:
                return
            began = time.perf_counter()
            try:
                built = session.build(paths)
            except Exception as exc:  # noqa: BLE001 - a preview outlives any failed build
                built = Built([error(".", None, f"the build failed ({type(exc).__name__}: "
                                     f"{exc}); the last good site stays; save to try again")],
                              written=False)
            took = (time.perf_counter() - began) * 1000
        live.update(built)
        report(built.problems)
        what = f" ({', '.join(paths[:3])}{', ...' if len(paths) > 3 else ''})"
        if built.written:
            echo(f"built {built.pages} pages in {took:.0f} ms{what if changed else ''}")
        else:
            echo(f"not rebuilt: {summary(built.problems)}; still serving the last good site"
                 if live.version else f"not built: {summary(built.problems)}")

    httpd = None
    observer = None
    debouncer = Debouncer(lambda changed: rebuild(changed), quiet=options.quiet)
    previous = signal.getsignal(signal.SIGTERM)
    try:
        handler = make_handler(site, live, options.host, options.livereload)
        httpd = ThreadingHTTPServer((options.host, options.port), handler)
        httpd.daemon_threads = True
        port = httpd.server_address[1]
        host = f"[{options.host}]" if ":" in options.host else options.host
        url = f"http://{'127.0.0.1' if options.host in ('0.0.0.0', '::') else host}:{port}/"
        rebuild()
        observer = watch(options.root, debouncer.poke, options.poll)
        debouncer.start()
        threading.Thread(target=_new_day, args=(live, options.today, debouncer.poke),
                         name="refjournal-new-day", daemon=True).start()
        if options.host in ("0.0.0.0", "::"):
            echo("notice: serving on every network interface: anyone on your network can read "
                 "these private notes")
        elif options.host not in ("127.0.0.1", "localhost", "::1"):
            echo(f"notice: serving on {options.host}: anyone who can reach that address can "
                 "read these private notes")
        echo(f"serving {options.root} at {url} (Ctrl-C to stop)")
        if options.open_browser:
            webbrowser.open(url)
        signal.signal(signal.SIGTERM, _interrupt)
        if hasattr(signal, "SIGHUP"):  # the terminal closed
            signal.signal(signal.SIGHUP, _interrupt)
        httpd.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        echo("stopped")
    finally:
        signal.signal(signal.SIGTERM, previous)
        live.stop()  # no new build starts; event streams end
        if observer is not None:
            observer.stop()
        debouncer.stop(wait=0.2)
        if httpd is not None:
            httpd.server_close()
        # A build under way may still be writing: wait a moment for it. If it goes on, it
        # fails on its next file, as nothing is created above the removed folder.
        if lock.acquire(timeout=1.0):
            lock.release()
        shutil.rmtree(workdir, ignore_errors=True)


def _new_day(live: Live, today: Callable[[], dt.date],
             poke: Callable[[Iterable[str]], None], every: float = 30.0) -> None:
    """Rebuild when the day changes, so a preview left open overnight shows what is due."""
    day = today()
    while True:
        with live.changed:
            if live.stopping:
                return
            live.changed.wait(every)
            if live.stopping:
                return
        if today() != day:
            day = today()
            poke([f"a new day, {day.isoformat()}"])


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


# Not left to the system's tables, which vary (and on Windows come from the registry).
mimetypes.add_type("text/css", ".css")
mimetypes.add_type("image/svg+xml", ".svg")
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("image/png", ".png")
