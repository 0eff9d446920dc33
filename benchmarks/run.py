"""The benchmark: refjournal against the generators a user would otherwise pick, on the same
notes, in the same run.

    bash benchmarks/setup.sh                 # Hugo (Debian) and Pelican, MkDocs (PyPI)
    python benchmarks/run.py                 # 1,000 contacts + 10,000 meetings
    python benchmarks/run.py --sizes 200:2000,1000:10000,3000:32000 --repeat 3

For each size it generates a journal (benchmarks/generate.py) and measures, as medians of
`--repeat` runs, each in its own process (wall time, user and system CPU, peak RSS from
`wait4`):

- refjournal: a cold build (an empty parse cache), a build with nothing changed, a build
  after one note's text was edited, and `check`; then serve's edit-to-reload
  (benchmarks/serve_reload.py) unless `--no-serve`;
- when installed, the same notes built by Hugo, Pelican and MkDocs, each rendering one
  HTML page per note with a minimal template (no navigation, no lists beyond Hugo's
  section pages). MkDocs runs on at most `--mkdocs-limit` notes (2,200 by default, the
  size at which a theme with its navigation over all pages already takes most of a
  minute; raise it to compare at full size).

Ratios to Hugo are printed last. Everything runs under a temporary folder that is removed.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # type: ignore[import-not-found]  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-24"
VENV_BIN = REPO / "benchmarks" / ".venv" / "bin"  # made by benchmarks/setup.sh


@dataclass(frozen=True)
class Run:
    wall: float
    user: float
    system: float
    rss_mb: float


def measure(command: Sequence[str], cwd: Path | None = None) -> Run:
    """Run `command` to its end, and say what it cost; a failure stops the benchmark."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    errors = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{errors[-2000:]}")
    return Run(wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss / 1024)


def median(runs: list[Run]) -> Run:
    return Run(*(statistics.median(getattr(r, f) for r in runs)
                 for f in ("wall", "user", "system", "rss_mb")))


def refjournal(*args: str) -> list[str]:
    return [sys.executable, "-m", "refjournal.cli", *args]


def bench_refjournal(journal: Path, work: Path, repeat: int) -> dict[str, Run]:
    site, cache = work / "site", work / "cache"
    build = refjournal("build", "--journal", str(journal), "--out", str(site), "--today",
                       TODAY, "--cache-dir", str(cache))
    results: dict[str, list[Run]] = {"cold build": [], "no-change build": [],
                                     "one-note edit build": [], "check": []}
    note = sorted((journal / "meetings").rglob("*.md"))[len(list(
        (journal / "meetings").rglob("*.md"))) // 2]
    for n in range(repeat):
        shutil.rmtree(site, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        results["cold build"].append(measure(build))
        results["no-change build"].append(measure(build))
        with note.open("a", encoding="utf-8") as out:
            out.write(f"\nOne more line, edit {n}.\n")
        results["one-note edit build"].append(measure(build))
        results["check"].append(measure(refjournal("check", "--journal", str(journal),
                                                   "--cache-dir", str(cache))))
    return {name: median(runs) for name, runs in results.items()}


def tool(name: str) -> str | None:
    found = VENV_BIN / name
    return str(found) if found.is_file() else shutil.which(name)


def notes(journal: Path) -> list[Path]:
    return sorted(journal.rglob("*.md"))


def hugo_site(journal: Path, site: Path) -> list[str]:
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "hugo.toml").write_text(
        'baseURL = "/"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", '
        '"404"]\n[frontmatter]\ndate = [":default"]\n[markup.goldmark.renderer]\nunsafe = '
        "false\n")
    page = ("<!doctype html><title>{{ .Title }}</title><body><h1>{{ .Title }}</h1>"
            "{{ .Content }}</body>")
    (site / "layouts" / "_default" / "single.html").write_text(page)
    (site / "layouts" / "_default" / "list.html").write_text(
        "<!doctype html><title>{{ .Title }}</title><ul>{{ range .Pages }}<li>"
        '<a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>')
    for path in notes(journal):
        rel = path.relative_to(journal)
        target = site / "content" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text(encoding="utf-8")
        # Hugo reads `aliases` as redirects it must write; name them apart, as the notes'
        # other keys, so that Hugo renders one page per note.
        target.write_text(text.replace("\naliases:", "\nnames:", 1), encoding="utf-8")
    return [tool("hugo") or "hugo", "--quiet", "--source", str(site), "--destination",
            str(site / "public")]


def pelican_site(journal: Path, site: Path) -> list[str]:
    content, theme = site / "content", site / "theme" / "templates"
    content.mkdir(parents=True)
    theme.mkdir(parents=True)
    page = ("<!doctype html><title>{{ article.title }}</title><body><h1>{{ article.title }}"
            "</h1>{{ article.content }}</body>")
    (theme / "article.html").write_text(page)
    (theme / "page.html").write_text(page.replace("article.", "page."))
    for n, path in enumerate(notes(journal)):
        head, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
        title = path.stem.replace("-", " ")
        (content / f"{n}.md").write_text(f"Title: {title}\nDate: 2026-01-01\nSlug: n{n}\n\n"
                                         f"{body}", encoding="utf-8")
    (site / "pelicanconf.py").write_text(
        "SITENAME = 'bench'\nPATH = 'content'\nTHEME = 'theme'\nDIRECT_TEMPLATES = []\n"
        "TAG_SAVE_AS = ''\nCATEGORY_SAVE_AS = ''\nAUTHOR_SAVE_AS = ''\nARCHIVES_SAVE_AS = ''\n"
        "AUTHORS_SAVE_AS = ''\nCATEGORIES_SAVE_AS = ''\nTAGS_SAVE_AS = ''\n"
        "FEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\nTRANSLATION_FEED_ATOM = None\n"
        "AUTHOR_FEED_ATOM = None\nAUTHOR_FEED_RSS = None\nTIMEZONE = 'UTC'\n"
        "ARTICLE_SAVE_AS = '{slug}/index.html'\nARTICLE_URL = '{slug}/'\n")
    return [tool("pelican") or "pelican", str(content), "-o", str(site / "output"), "-s",
            str(site / "pelicanconf.py"), "-q"]


def mkdocs_site(journal: Path, site: Path, limit: int) -> tuple[list[str], int]:
    docs, theme = site / "docs", site / "theme"
    docs.mkdir(parents=True)
    theme.mkdir()
    (theme / "main.html").write_text("<!doctype html><title>{{ page.title }}</title><body>"
                                     "{{ page.content }}</body>")
    chosen = notes(journal)[:limit]
    for path in chosen:
        target = docs / path.relative_to(journal)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    (docs / "index.md").write_text("# Journal\n")
    (site / "mkdocs.yml").write_text("site_name: bench\ntheme:\n  name: null\n  custom_dir: "
                                     "theme\nvalidation:\n  links:\n    not_found: ignore\n"
                                     "    unrecognized_links: ignore\n")
    return ([tool("mkdocs") or "mkdocs", "build", "--quiet", "--config-file",
             str(site / "mkdocs.yml"), "--site-dir", str(site / "out")], len(chosen))


def bench_others(journal: Path, work: Path, repeat: int, mkdocs_limit: int
                 ) -> dict[str, tuple[Run, int]]:
    found: dict[str, tuple[Run, int]] = {}
    total = len(notes(journal))
    if tool("hugo"):
        site = work / "hugo"
        command = hugo_site(journal, site)
        runs = []
        for _ in range(repeat):
            shutil.rmtree(site / "public", ignore_errors=True)
            shutil.rmtree(site / "resources", ignore_errors=True)
            runs.append(measure(command))
        found["hugo"] = (median(runs), total)
    if tool("pelican"):
        site = work / "pelican"
        command = pelican_site(journal, site)
        runs = []
        for _ in range(repeat):
            shutil.rmtree(site / "output", ignore_errors=True)
            runs.append(measure(command))
        found["pelican"] = (median(runs), total)
    if tool("mkdocs"):
        site = work / "mkdocs"
        command, count = mkdocs_site(journal, site, mkdocs_limit)
        runs = []
        for _ in range(repeat):
            shutil.rmtree(site / "out", ignore_errors=True)
            runs.append(measure(command))
        found["mkdocs"] = (median(runs), count)
    return found


def row(name: str, run: Run, notes_count: int) -> str:
    return (f"| {name} | {notes_count:,} | {run.wall:.2f} | {run.user:.2f} | "
            f"{run.system:.2f} | {run.rss_mb:.0f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000:10000",
                        help="contacts:meetings, comma-separated (default 1000:10000)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mkdocs-limit", type=int, default=2200)
    parser.add_argument("--no-serve", action="store_true", help="skip serve's edit-to-reload")
    parser.add_argument("--no-others", action="store_true", help="refjournal only")
    args = parser.parse_args()
    print(f"{platform.platform()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; medians of {args.repeat} runs; times in seconds, "
          "RSS in MB\n")
    print("| what | notes | wall | user | system | peak RSS |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for size in args.sizes.split(","):
        contacts, meetings = (int(n) for n in size.split(":"))
        with tempfile.TemporaryDirectory(prefix="refjournal-bench-") as tmp:
            work = Path(tmp)
            journal = generate(work / "journal", contacts, meetings)
            total = len(notes(journal))
            mine = bench_refjournal(journal, work, args.repeat)
            for name, run in mine.items():
                print(row(f"refjournal {name}", run, total), flush=True)
            others = {} if args.no_others else bench_others(journal, work, args.repeat,
                                                             args.mkdocs_limit)
            for name, (run, count) in others.items():
                print(row(name, run, count), flush=True)
            cold = mine["cold build"]
            if "hugo" in others:
                hugo = others["hugo"][0]
                print(f"|  | ratio refjournal cold / Hugo: wall {cold.wall / hugo.wall:.2f}, "
                      f"CPU {(cold.user + cold.system) / (hugo.user + hugo.system):.2f} |"
                      "  |  |  |  |")
            print(f"|  | no-change / cold: {mine['no-change build'].wall / cold.wall:.0%}; "
                  f"one-note edit / cold: {mine['one-note edit build'].wall / cold.wall:.0%} "
                  "|  |  |  |  |", flush=True)
    if not args.no_serve:
        sizes = args.sizes.split(",")[0].split(":")
        subprocess.run([sys.executable, str(REPO / "benchmarks" / "serve_reload.py"),
                        "--contacts", sizes[0], "--meetings", sizes[1], "--edits", "5"],
                       check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
