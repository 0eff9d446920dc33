"""`refjournal serve`: path confinement, the Host check, injection, and a real server process."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from refjournal.serve.server import Live, _new_day, confine, host_allowed, inject

from .conftest import write_journal
from .test_read_only import JOURNAL as READ_ONLY_JOURNAL
from .test_read_only import snapshot

RUN = "from refjournal.cli import main; main()"
JOURNAL = {
    "refjournal.yaml": "owner: Test Owner\n",
    "contacts/ada.md": "---\nname: Ada Lovelace\n---\nFirst notes.\n",
    "meetings/2026-11-01 coffee.md": "---\nwith: ada\n---\nCoffee.\n",
}


# --- units ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                                 "/contacts/../../x", "/a%00b", "/..%5c..%5cwin.ini",
                                 "/%2E%2E%2Fsecret", "/contacts/%2e%2e/%2e%2e/x"])
def test_no_url_leaves_the_site(tmp_path: Path, url: str) -> None:
    (tmp_path / "site").mkdir()
    assert confine(tmp_path / "site", url) is None


def test_a_symlink_out_of_the_site_is_refused(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (tmp_path / "secret").write_text("x")
    (site / "leak").symlink_to(tmp_path / "secret")
    assert confine(site, "/leak") is None


@pytest.mark.parametrize(("url", "rel"), [
    ("/", ""), ("/contacts/ada/", "contacts/ada"), ("/contacts/ada/index.html?x=1#y",
                                                    "contacts/ada/index.html"),
    ("/contacts/jos%C3%A9/", "contacts/josé"), ("//contacts/./ada", "contacts/ada"),
])
def test_urls_inside_the_site(tmp_path: Path, url: str, rel: str) -> None:
    assert confine(tmp_path, url) == tmp_path / rel if rel else tmp_path


@pytest.mark.parametrize(("host", "bound", "ok"), [
    ("127.0.0.1:8000", "127.0.0.1", True), ("localhost:8000", "127.0.0.1", True),
    ("[::1]:8000", "127.0.0.1", True), ("LOCALHOST:8000", "127.0.0.1", True),
    ("evil.example:8000", "127.0.0.1", False),  # DNS rebinding
    ("localhost:9999", "127.0.0.1", False), ("localhost", "127.0.0.1", False),
    ("localhost.evil.example:8000", "127.0.0.1", False), ("", "127.0.0.1", False),
    ("192.168.1.5:8000", "127.0.0.1", False), ("192.168.1.5:8000", "0.0.0.0", True),
    ("[fe80::1]:8000", "::", True), ("myhost.lan:8000", "0.0.0.0", False),
    ("10.0.0.2:8000", "10.0.0.2", True),
])
def test_the_host_header_must_name_this_server(host: str, bound: str, ok: bool) -> None:
    assert host_allowed(host, bound, 8000) is ok


def test_the_script_goes_before_the_last_body_end() -> None:
    html = b"<html><body><p>a</body> in text</p></BODY></html>"
    out = inject(html, 7, "abc")
    assert out.startswith(b"<html><body><p>a</body> in text</p><script src=")
    assert out.endswith(b'data-version="7" data-run="abc" data-events="/__refjournal__/events">'
                        b"</script></BODY></html>")


# --- a real server --------------------------------------------------------------------------


class Server:
    def __init__(self, process: subprocess.Popen[str], port: int, lines: list[str]) -> None:
        self.process, self.port, self.lines = process, port, lines
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self) -> None:
        """Keep the server's output, line by line, as it comes."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_for_line(self, start: str, count: int, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while sum(line.startswith(start) for line in self.lines) < count:
            assert time.monotonic() < deadline, "".join(self.lines)
            time.sleep(0.02)

    def get(self, path: str, host: str | None = None) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", host or f"127.0.0.1:{self.port}")
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def start(root: Path, *args: str) -> Server:
    process = subprocess.Popen([sys.executable, "-c", RUN, "serve", "--journal", str(root),
                                "--port", "0", "--today", "2026-11-24", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "TMPDIR": str(root.parent)})
    lines: list[str] = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)
        match = re.search(r"at http://127\.0\.0\.1:(\d+)/", line)
        if match:
            return Server(process, int(match.group(1)), lines)
    pytest.fail("serve did not start: " + "".join(lines))


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Server]:
    server = start(write_journal(tmp_path / "journal", JOURNAL))
    yield server
    server.process.kill()
    server.process.wait()


def test_pages_types_and_caching(served: Server) -> None:
    status, headers, body = served.get("/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["cache-control"] == "no-cache"
    assert body.count(b"/__refjournal__/live.js") == 1
    assert body.rstrip().endswith(b"</script></body>\n</html>") or b"</script></body>" in body
    status, headers, body = served.get("/assets/style.css")
    assert (status, headers["content-type"]) == (200, "text/css; charset=utf-8")
    assert b"live.js" not in body  # only HTML gets the script
    assert headers["cache-control"] == "no-cache"
    status, headers, _ = served.get("/__refjournal__/live.js")
    assert headers["content-type"] == "text/javascript; charset=utf-8"
    status, headers, _ = served.get("/contacts/ada")
    assert (status, headers["location"]) == (301, "/contacts/ada/")
    status, _, body = served.get("/contacts/ada/")
    assert status == 200 and b"First notes." in body


def test_not_found_traversal_and_a_forged_host(served: Server) -> None:
    status, headers, body = served.get("/no/such/page/")
    assert status == 404 and b"Not found" in body and headers["cache-control"] == "no-cache"
    for path in ("/../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd"):
        status, _, body = served.get(path)
        assert status == 404 and b"root:" not in body
    status, _, body = served.get("/", host=f"attacker.example:{served.port}")
    assert status == 400 and b"Ada" not in body


def test_the_event_stream_carries_the_build_version_and_problems(served: Server,
                                                                  tmp_path: Path) -> None:
    stream = socket.create_connection(("127.0.0.1", served.port), timeout=10)
    stream.sendall(f"GET /__refjournal__/events HTTP/1.1\r\nHost: 127.0.0.1:{served.port}"
                   "\r\n\r\n".encode())
    reader = stream.makefile("rb")

    runs = set()

    def next_state() -> dict[str, object]:
        for raw in reader:
            if raw.startswith(b"data: "):
                state = json.loads(raw[6:])
                runs.add(state.pop("run"))
                return state  # type: ignore[no-any-return]
        raise AssertionError("stream ended")

    assert next_state() == {"version": 1, "problems": []}
    note = tmp_path / "journal" / "contacts" / "ada.md"
    note.write_text("---\nname: [Ada\n---\n", encoding="utf-8")
    state = next_state()
    assert state["version"] == 1
    [problem] = state["problems"]  # type: ignore[misc]
    assert problem.startswith("contacts/ada.md:2: error: bad YAML")
    note.write_text("---\nname: Ada Byron\n---\n", encoding="utf-8")
    assert next_state() == {"version": 2, "problems": []}
    assert len(runs) == 1  # one run of serve: its id is the same in every event
    stream.close()
    status, _, body = served.get("/contacts/ada/")
    assert b"Ada Byron" in body


def test_ctrl_c_stops_fast_and_removes_the_temporary_site(tmp_path: Path) -> None:
    server = start(write_journal(tmp_path / "journal", JOURNAL))
    workdirs = list(tmp_path.glob("refjournal-serve-*"))
    assert len(workdirs) == 1 and (workdirs[0] / "site" / "index.html").is_file()
    began = time.monotonic()
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(timeout=5) == 0
    assert time.monotonic() - began < 2
    time.sleep(0.1)
    assert "Traceback" not in "".join(server.lines)
    assert list(tmp_path.glob("refjournal-serve-*")) == []


def test_a_port_in_use_is_a_one_line_error(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "journal", JOURNAL)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-c", RUN, "serve", "--journal", str(root),
                                 "--port", str(port)], capture_output=True, text=True,
                                timeout=20)
    assert result.returncode == 1
    assert result.stderr == f"Error: port {port} on 127.0.0.1 is in use; choose another with " \
                            "--port (--port 0 picks a free one)\n"


def test_a_first_build_with_errors_still_serves_the_problems(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "journal", {**JOURNAL, "contacts/ada.md": "---\n---\n"})
    server = start(root)
    try:
        status, _, body = server.get("/contacts/ada/")
        assert status == 503 and b"No site yet" in body and b"live.js" in body
        assert "contacts/ada.md:1: error: front matter is empty" in "".join(server.lines)
    finally:
        server.process.kill()
        server.process.wait()


def test_serving_leaves_the_journal_untouched(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "journal", READ_ONLY_JOURNAL)
    before = snapshot(root, skip=root / "site")
    server = start(root)
    try:
        for path in ("/", "/contacts/ada/", "/balances/"):
            assert server.get(path)[0] == 200
    finally:
        server.process.send_signal(signal.SIGINT)
        server.process.wait(timeout=5)
    assert snapshot(root, skip=root / "site") == before


def test_no_livereload_serves_the_pages_as_built(tmp_path: Path) -> None:
    server = start(write_journal(tmp_path / "journal", JOURNAL), "--no-livereload")
    try:
        status, _, body = server.get("/")
        assert status == 200 and b"live.js" not in body
        assert server.get("/__refjournal__/events")[0] == 404
    finally:
        server.process.kill()
        server.process.wait()


def test_listening_on_every_interface_says_so(tmp_path: Path) -> None:
    server = start(write_journal(tmp_path / "journal", JOURNAL), "--host", "0.0.0.0")
    try:
        assert any("anyone on your network can read" in line for line in server.lines)
    finally:
        server.process.kill()
        server.process.wait()




def test_a_new_day_asks_for_a_rebuild() -> None:
    calls = []

    def today() -> dt.date:  # the clock passes midnight after two looks
        calls.append(1)
        return dt.date(2026, 11, 24) if len(calls) <= 2 else dt.date(2026, 11, 25)

    live, poked = Live(), threading.Event()
    seen: list[list[str]] = []

    def poke(paths: Iterable[str]) -> None:
        seen.append(list(paths))
        poked.set()

    thread = threading.Thread(target=_new_day, args=(live, today, poke, 0.01))
    thread.start()
    assert poked.wait(5)
    live.stop()
    thread.join(5)
    assert not thread.is_alive()
    assert seen[0] == ["a new day, 2026-11-25"]


def test_head_of_the_event_stream_does_not_hang(served: Server) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=5)
    connection.request("HEAD", "/__refjournal__/events")
    response = connection.getresponse()
    assert (response.status, response.getheader("content-type")) == (
        200, "text/event-stream; charset=utf-8")
    connection.close()


@pytest.mark.parametrize("editor", ["vim", "jetbrains", "in place"])
def test_one_save_is_one_rebuild(served: Server, tmp_path: Path, editor: str) -> None:
    note = tmp_path / "journal" / "contacts" / "ada.md"
    text = "---\nname: Ada Lovelace\n---\nSaved by an editor.\n"
    if editor == "vim":  # probe, swap file, write a new file beside it, rename it over
        (note.parent / "4913").write_text("")
        (note.parent / "4913").unlink()
        (note.parent / ".ada.md.swp").write_bytes(b"swap")
        (note.parent / "ada.md~").write_text(text)
        os.replace(note.parent / "ada.md~", note)
        (note.parent / ".ada.md.swp").unlink()
    elif editor == "jetbrains":  # write ___jb_tmp___, keep ___jb_old___, swap them in
        (note.parent / "ada.md___jb_tmp___").write_text(text)
        os.replace(note, note.parent / "ada.md___jb_old___")
        os.replace(note.parent / "ada.md___jb_tmp___", note)
        (note.parent / "ada.md___jb_old___").unlink()
    else:
        note.write_text(text)
    served.wait_for_line("built ", 2)  # the first build, then this one
    time.sleep(0.5)  # and no more follow
    assert sum(line.startswith("built ") for line in served.lines) == 2, served.lines
    assert b"Saved by an editor." in served.get("/contacts/ada/")[2]
