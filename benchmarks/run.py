"""The benchmark: refjournal against the generators a user would otherwise pick, on the same
notes, in the same run.

    bash benchmarks/setup.sh                 # Hugo (Debian) and Pelican, MkDocs (PyPI)
    python benchmarks/run.py                 # 1,000 contacts + 10,000 meetings
    python benchmarks/run.py --sizes 200:2000,1000:10000,3000:32000 --repeat 3
    python benchmarks/run.py --linearity     # the 2N/N check: 2,200 notes, then 4,400

The project reports three sizes (contacts:meetings): 200:2000 (2,200 notes), 1000:10000
(11,000, the default) and 3000:32000 (35,000).

For each size it generates a journal (benchmarks/generate.py) and measures, as medians of
`--repeat` runs, each in its own process (wall time, user and system CPU, peak RSS from
`wait4`; refjournal's modules compiled to bytecode first, as `pip install` leaves them):

- refjournal: a cold build (an empty parse cache), a build with nothing changed, a build
  after one note's text was edited, one after a note's front matter was edited, and
  `check`; then a build as the GitLab recipe makes it on a new runner after one note's
  text was edited (the fresh-checkout edit build: the journal checked out anew, every note
  a new file; the parse cache and the site put back by GitLab's cache, a zip, as new files
  whose modification times are kept to the second); then serve's edit-to-reload
  (benchmarks/serve_reload.py, on the first size) unless `--no-serve`;
- when installed, the same notes built by Hugo, Pelican and MkDocs, each rendering one
  HTML page per note with a minimal template (no navigation, no lists beyond Hugo's
  section pages). MkDocs runs on at most `--mkdocs-limit` notes (2,200 by default, the
  size at which a theme with its navigation over all pages already takes most of a
  minute; raise it to compare at full size).

After each size come the ratio of refjournal's cold build to Hugo's and the cost of the
other builds relative to a cold one. With several sizes, a last table compares, for each
pair of consecutive sizes, the cold build's cost per note at the larger over the smaller:
1.00 is linear, for user CPU (refjournal's own work), system time (the kernel creating
files, which on ext4 grows faster than the number of files after many were removed) and
wall time. Python's start-up and imports (about 0.15 s) weigh more at small sizes.

`--linearity` runs only the 2N/N check: it generates `--linearity-notes` notes (N, one
contact for every ten meetings, as the sizes above) and twice as many, measures
refjournal's builds and `check` at both, prints the time at 2N over the time at N for
each, and exits 1 when one is over `--max-ratio` (2.6): a cost that grows linearly gives
about 2, a quadratic one about 4. It judges user CPU time less Python's start-up and
imports (`refjournal --version`): that is refjournal's own work. System time is shown but
not judged: it is the kernel creating files, which on ext4 grows faster than the number of
files after many have been deleted, for every generator alike. A command whose own work is
under 0.05 s at N is not judged (`-`). The same check is made stage by stage, from the
builds' `--timings`: reading and deriving in a cold build, and rendering in a build after
a front-matter edit (which compares pages instead of writing them). A quadratic step in
one stage shows there before it is large enough to show in a whole build: a quadratic
loop over the meetings injected into derive, 0.25 s at N = 2,200, gives 4.0 and fails.

    python benchmarks/run.py --linearity --linearity-notes 2200 --repeat 3 --max-ratio 2.6

Everything runs under a temporary folder that is removed.
"""

from __future__ import annotations

import argparse
import itertools
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
# Found beside this script; unused under --ignore-missing-imports, hence the second code.
from generate import generate  # type: ignore[import-not-found, unused-ignore]  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-24"
VENV_BIN = REPO / "benchmarks" / ".venv" / "bin"  # made by benchmarks/setup.sh
MEETINGS_PER_CONTACT = 10  # as in the sizes the project reports
MAX_RATIO = 2.6  # time at 2N over time at N: linear cost gives about 2, quadratic 4
NOISE = 0.05  # seconds; a time less start-up below this is not worth a ratio


# The stages of a build whose time the 2N/N check judges, as `refjournal build --timings`
# names them: reading, deriving, and rendering without writing (a front-matter edit
# compares its pages with the site's instead). Writing is shown, not judged (see above).
JUDGED_STAGES = (("cold build", "read"), ("cold build", "derive"),
                 ("front-matter edit build", "render"))


# Every command runs as an installed program does: Python keeps the bytecode of the modules
# it compiled (pip compiles a package's modules as it installs them), even where the
# environment says not to write it (PYTHONDONTWRITEBYTECODE, set on some CI machines).
INSTALLED = {name: value for name, value in os.environ.items()
             if name != "PYTHONDONTWRITEBYTECODE"}


def compile_package() -> None:
    """Compile refjournal's modules once, as `pip install` does (an editable install does
    not: the first run would compile them, and pay for it)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "refjournal")],
                   check=True, env=INSTALLED)


@dataclass(frozen=True)
class Run:
    wall: float
    user: float
    system: float
    rss_mb: float
    stages: tuple[tuple[str, float], ...] = ()  # from `--timings`, in seconds


def measure(command: Sequence[str], cwd: Path | None = None) -> Run:
    """Run `command` to its end, and say what it cost; a failure stops the benchmark."""
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr,
                                   env=INSTALLED)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        stderr.seek(0)
        errors = stderr.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{errors[-2000:]}")
    return Run(wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss / 1024,
               _stages(errors))


def _stages(errors: str) -> tuple[tuple[str, float], ...]:
    """`timings: read 1.92 s, derive 0.34 s` -> (("read", 1.92), ("derive", 0.34))."""
    for line in errors.splitlines():
        if line.startswith("timings: "):
            parts = (part.rsplit(" ", 2) for part in line.removeprefix("timings: ").split(", "))
            return tuple((name, float(seconds)) for name, seconds, _ in parts)
    return ()


def median(runs: list[Run]) -> Run:
    stages = {name for run in runs for name, _ in run.stages}
    return Run(*(statistics.median(getattr(r, f) for r in runs)
                 for f in ("wall", "user", "system", "rss_mb")),
               tuple((name, statistics.median(dict(r.stages).get(name, 0.0) for r in runs))
                     for name in sorted(stages)))


def cpu(run: Run) -> float:
    return run.user + run.system


def refjournal(*args: str) -> list[str]:
    return [sys.executable, "-m", "refjournal.cli", *args]


def bench_refjournal(journal: Path, work: Path, repeat: int) -> dict[str, Run]:
    """Median cost of refjournal's builds and `check`.

    `check` runs last in each round, with the parse cache the builds have filled.
    """
    site, cache = work / "site", work / "cache"
    build = refjournal("build", "--journal", str(journal), "--out", str(site), "--today",
                       TODAY, "--cache-dir", str(cache), "--timings")
    check = refjournal("check", "--journal", str(journal), "--cache-dir", str(cache))
    names = ("cold build", "no-change build", "one-note edit build",
             "front-matter edit build", "check", "fresh-checkout edit build")
    results: dict[str, list[Run]] = {name: [] for name in names}
    meetings = sorted((journal / "meetings").rglob("*.md"))
    note = meetings[len(meetings) // 2]
    for n in range(repeat):
        shutil.rmtree(site, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        results["cold build"].append(measure(build))
        results["no-change build"].append(measure(build))
        with note.open("a", encoding="utf-8") as out:
            out.write(f"\nOne more line, edit {n}.\n")
        results["one-note edit build"].append(measure(build))
        text = note.read_text(encoding="utf-8")  # a new title: its lists change too
        note.write_text(text.replace("\n---\n", f"\ntitle: Edited {n}\n---\n", 1)
                        if "\ntitle:" not in text else
                        text.replace("\ntitle: ", f"\ntitle: Edited {n} ", 1),
                        encoding="utf-8")
        results["front-matter edit build"].append(measure(build))
        results["check"].append(measure(check))
        new_runner(journal, cache, site)
        with note.open("a", encoding="utf-8") as out:
            out.write(f"\nOne more line, on a new runner, edit {n}.\n")
        results["fresh-checkout edit build"].append(measure(build))
    return {name: median(runs) for name, runs in results.items()}


def new_runner(journal: Path, cache: Path, site: Path) -> None:
    """Make the journal, the parse cache and the site what a GitLab runner starts from: the
    journal a fresh checkout (every note a new file, with new times), the cache and the
    site put back by GitLab's cache, a zip (new files, their modification times kept to
    the second: its extended timestamp)."""
    def unzipped(source: str, target: str) -> None:
        shutil.copyfile(source, target)
        mtime = os.stat(source).st_mtime_ns
        os.utime(target, ns=(mtime, mtime - mtime % 1_000_000_000))

    for folder in (journal, cache, site):
        kept = folder.with_name(f"{folder.name}.kept")
        folder.rename(kept)
        shutil.copytree(kept, folder,
                        copy_function=shutil.copyfile if folder == journal else unzipped)
        shutil.rmtree(kept)


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
        found["hugo"] = (timed(hugo_site(journal, site), repeat, site / "public",
                               site / "resources"), total)
    if tool("pelican"):
        site = work / "pelican"
        found["pelican"] = (timed(pelican_site(journal, site), repeat, site / "output"), total)
    if tool("mkdocs"):
        site = work / "mkdocs"
        command, count = mkdocs_site(journal, site, mkdocs_limit)
        found["mkdocs"] = (timed(command, repeat, site / "out"), count)
    return found


def timed(command: list[str], repeat: int, *outputs: Path) -> Run:
    """The median of `repeat` runs of a generator, each after removing what it wrote."""
    runs = []
    for _ in range(repeat):
        for output in outputs:
            shutil.rmtree(output, ignore_errors=True)
        runs.append(measure(command))
    return median(runs)


def row(name: str, run: Run, notes_count: int) -> str:
    return (f"| {name} | {notes_count:,} | {run.wall:.2f} | {run.user:.2f} | "
            f"{run.system:.2f} | {run.rss_mb:.0f} |")


def header(repeat: int) -> None:
    print(f"{platform.platform()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; medians of {repeat} runs; times in seconds, "
          "RSS in MB\n")
    print("| what | notes | wall | user | system | peak RSS |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")


def bench_size(contacts: int, meetings: int, args: argparse.Namespace) -> tuple[int, Run]:
    """Measure one size and print its rows; return its number of notes and cold build."""
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
              f"CPU {cpu(cold) / cpu(hugo):.2f} |  |  |  |  |")
    print(f"|  | no-change / cold: {mine['no-change build'].wall / cold.wall:.0%}; "
          f"one-note edit / cold: {mine['one-note edit build'].wall / cold.wall:.0%}; "
          f"front-matter edit / cold: {mine['front-matter edit build'].wall / cold.wall:.0%}; "
          "fresh-checkout edit / cold: "
          f"{mine['fresh-checkout edit build'].wall / cold.wall:.1%} |  |  |  |  |", flush=True)
    return total, cold


def per_note(cold_builds: list[tuple[int, Run]]) -> None:
    """For each pair of consecutive sizes, print the cold build's cost per note at the
    larger size over its cost per note at the smaller: 1.00 is linear. User CPU is
    refjournal's own work; system time (the kernel creating files) is shown beside it."""
    ordered = sorted(cold_builds, key=lambda sized: sized[0])
    if len(ordered) < 2:
        return
    print("\nCold build, cost per note at the larger size over the smaller (the time ratio "
          "over the notes ratio; 1.00 is linear):\n")
    print("| notes | notes ratio | user CPU per note | system per note | wall per note |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for (small, at_small), (large, at_large) in itertools.pairwise(ordered):
        grown = large / small
        print(f"| {small:,} → {large:,} | {grown:.2f} | "
              f"{at_large.user / at_small.user / grown:.2f} | "
              f"{at_large.system / at_small.system / grown:.2f} | "
              f"{at_large.wall / at_small.wall / grown:.2f} |")


def startup(repeat: int) -> Run:
    """What every refjournal command costs before its work: Python's start-up and imports."""
    return median([measure(refjournal("--version")) for _ in range(repeat)])


def linearity(n: int, repeat: int, max_ratio: float) -> int:
    """The 2N/N check: exit code 1 when a command's CPU time at 2N is over `max_ratio` times
    its time at N."""
    contacts = max(1, round(n / (MEETINGS_PER_CONTACT + 1)))
    header(repeat)
    measured: list[dict[str, Run]] = []
    for factor in (1, 2):
        with tempfile.TemporaryDirectory(prefix="refjournal-bench-") as tmp:
            journal = generate(Path(tmp) / "journal", factor * contacts,
                               factor * (n - contacts))
            total = len(notes(journal))
            measured.append(bench_refjournal(journal, Path(tmp), repeat))
        for name, run in measured[-1].items():
            print(row(f"refjournal {name}", run, total), flush=True)
    fixed = startup(repeat).user
    print(f"\nTime at 2N over time at N (N = {n:,} notes; linear about 2, quadratic 4; "
          f"start-up and imports: {fixed:.2f} s of user CPU):\n")
    print("| command | user CPU at N | at 2N | ratio less start-up (judged) | system ratio "
          "| wall ratio |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    over = []
    for name, at_n in measured[0].items():
        at_2n = measured[1][name]
        own = at_n.user - fixed
        net = (at_2n.user - fixed) / own if own >= NOISE else None
        system = f"{at_2n.system / at_n.system:.2f}" if at_n.system >= NOISE else "-"
        print(f"| {name} | {at_n.user:.2f} | {at_2n.user:.2f} | "
              f"{'-' if net is None else f'{net:.2f}'} | {system} | "
              f"{at_2n.wall / at_n.wall:.2f} |")
        if net is not None and net > max_ratio:
            over.append(f"{name} takes {net:.2f} times the CPU time at {2 * n:,} notes "
                        f"as at {n:,}")
    print("\nStage by stage (seconds from `--timings`; judged where marked):\n")
    print("| build | stage | at N | at 2N | ratio |")
    print("| --- | --- | ---: | ---: | ---: |")
    for name, at_n in measured[0].items():
        at_2n = dict(measured[1][name].stages)
        for stage_name, seconds in at_n.stages:
            judged = (name, stage_name) in JUDGED_STAGES
            ratio = at_2n.get(stage_name, 0.0) / seconds if seconds >= NOISE else None
            print(f"| {name} | {stage_name}{' (judged)' if judged else ''} | {seconds:.2f} | "
                  f"{at_2n.get(stage_name, 0.0):.2f} | "
                  f"{'-' if ratio is None else f'{ratio:.2f}'} |")
            if judged and ratio is not None and ratio > max_ratio:
                over.append(f"the {stage_name} stage of a {name} takes {ratio:.2f} times as "
                            f"long at {2 * n:,} notes as at {n:,}")
    print(flush=True)
    if over:
        print(f"FAIL: not linear: {'; '.join(over)} (limit {max_ratio}; linear cost gives "
              "about 2, quadratic 4).", file=sys.stderr)
        return 1
    print(f"OK: every judged ratio is at most {max_ratio}.")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000:10000",
                        help="contacts:meetings, comma-separated (default 1000:10000)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mkdocs-limit", type=int, default=2200)
    parser.add_argument("--no-serve", action="store_true", help="skip serve's edit-to-reload")
    parser.add_argument("--no-others", action="store_true", help="refjournal only")
    parser.add_argument("--linearity", action="store_true",
                        help="only the 2N/N check of refjournal's cold build and check")
    parser.add_argument("--linearity-notes", type=int, default=2200, metavar="N",
                        help="N for --linearity, one contact per ten meetings (default 2200)")
    parser.add_argument("--max-ratio", type=float, default=MAX_RATIO,
                        help=f"--linearity fails above this time(2N)/time(N) "
                             f"(default {MAX_RATIO})")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    compile_package()
    if args.linearity:
        if args.linearity_notes < MEETINGS_PER_CONTACT + 1:
            parser.error(f"--linearity-notes must be at least {MEETINGS_PER_CONTACT + 1}")
        return linearity(args.linearity_notes, args.repeat, args.max_ratio)
    header(args.repeat)
    sizes = [[int(n) for n in size.split(":")] for size in args.sizes.split(",")]
    cold_builds = [bench_size(contacts, meetings, args) for contacts, meetings in sizes]
    per_note(cold_builds)
    if not args.no_serve:
        contacts, meetings = sizes[0]
        subprocess.run([sys.executable, str(REPO / "benchmarks" / "serve_reload.py"),
                        "--contacts", str(contacts), "--meetings", str(meetings),
                        "--edits", "5"], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
