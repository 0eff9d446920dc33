"""Big and odd journals at full size, and a check that their cost grows linearly.

    python benchmarks/odd_journals.py [--repeat 3]

For each shape (a huge note, long front matter, deep nesting, many contacts in one folder)
it builds a journal of size N and of size 2N, measures the user CPU time of `check` and
`build` (median of the repeats, in fresh processes) and prints the time at 2N over the time
at N.
A ratio near 2 is linear, near 4 quadratic; the script exits 1 if any ratio is over 2.6.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

LIMIT = 2.6  # 2N over N; linear is 2, quadratic 4
RUN = "from refjournal.cli import run; run()"  # as the refjournal script runs it


def big_note(root: Path, n: int) -> None:
    """One contact whose body is about n MB of Markdown, with wikilinks, lists and links."""
    para = ("Word " * 40 + "[[bob]] and **bold** with a [link](https://example.com).\n\n"
            "- item one\n- item two\n\n")
    write(root / "contacts" / "ada.md", "---\nname: Ada\n---\n" + para * (n * 5200))
    write(root / "contacts" / "bob.md", "---\nname: Bob\n---\n")


def long_front_matter(root: Path, n: int) -> None:
    """Fifty contacts, each with n thousand lines of front matter."""
    tags = "".join(f"  - tag {i}\n" for i in range(n * 1000))
    for i in range(50):
        write(root / "contacts" / f"c{i}.md", f"---\nname: C{i}\ntags:\n{tags}---\n")


def deep_nesting(root: Path, n: int) -> None:
    """n times 20 notes whose bodies nest lists and quotes 200 levels deep."""
    nested = "".join("  " * i + f"- level {i}\n" for i in range(200))
    quoted = "> " * 200 + "deep\n"
    for i in range(n * 20):
        write(root / "contacts" / f"c{i}.md", f"---\nname: C{i}\n---\n{nested}\n{quoted}")


def crowd(root: Path, n: int) -> None:
    """n times 5,000 contacts in one folder, names in many scripts, a meeting with 500."""
    names = ("José Núñez", "سارة الحربي", "山田 太郎", "Zoë 👩‍💼", "Ада Лавлейс")
    for i in range(n * 5000):
        write(root / "contacts" / f"person {i:05d}.md",
              f"---\nname: {names[i % 5]} {i}\ntags: [crowd]\nmet: 2026-01-01\n---\n")
    people = ", ".join(f"person-{i:05d}" for i in range(0, n * 5000, n * 10))
    write(root / "meetings" / "2026-11-01 all.md", f"---\nwith: [{people}]\n---\n")


SHAPES: dict[str, tuple[Callable[[Path, int], None], Callable[[int], str]]] = {
    "huge note": (big_note, lambda n: f"{n} MB"),
    "long front matter (50 notes)": (long_front_matter, lambda n: f"{n * 1000:,} lines"),
    "nesting 200 levels deep": (deep_nesting, lambda n: f"{n * 20} notes"),
    "contacts in one folder": (crowd, lambda n: f"{n * 5000:,} contacts"),
}
NOISE = 0.05  # seconds; a time below this is not worth a ratio


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def timed(args: list[str], repeat: int) -> tuple[float, float]:
    """Median user and system CPU seconds of `repeat` runs of refjournal in fresh processes.

    The linearity check uses user time, the time spent in refjournal's own code. System
    time, spent in the kernel creating and removing thousands of files, is shown but not
    judged: on a virtual machine it varies by a factor of two from run to run.
    """
    user, system = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-c", RUN, *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        user.append(after.ru_utime - before.ru_utime)
        system.append(after.ru_stime - before.ru_stime)
    return statistics.median(user), statistics.median(system)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--size", type=int, default=5, help="N for the huge note (MB)")
    args = parser.parse_args()
    startup = timed(["--version"], args.repeat)[0]
    print(f"User CPU seconds, python start-up and import ({startup:.2f} s) subtracted; "
          "system seconds (the file system's share) in the last two columns.\n")
    print("| shape | N | check N | check 2N | ratio | build N | build 2N | ratio "
          "| build sys N | build sys 2N |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    worst = 0.0
    for title, (make, label) in SHAPES.items():
        n = args.size if make is big_note else 1
        checks, builds, kernel = [], [], []
        with tempfile.TemporaryDirectory() as tmp:
            for size in (n, 2 * n):
                root = Path(tmp) / f"j{size}"
                make(root, size)
                out = Path(tmp) / f"site{size}"
                checks.append(timed(["check", "--journal", str(root)], args.repeat)[0] - startup)
                user, system = timed(["build", "--journal", str(root), "--out", str(out),
                                      "--today", "2026-11-24"], args.repeat)
                builds.append(user - startup)
                kernel.append(system)
                shutil.rmtree(out, ignore_errors=True)
        cells = [title, label(n)]
        for at_n, at_2n in (checks, builds):
            ratio = at_2n / at_n if at_n >= NOISE else None
            worst = max(worst, ratio or 0.0)
            cells += [f"{max(at_n, 0):.2f} s", f"{max(at_2n, 0):.2f} s",
                      f"{ratio:.2f}" if ratio else "-"]
        cells += [f"{kernel[0]:.2f} s", f"{kernel[1]:.2f} s"]
        print("| " + " | ".join(cells) + " |")
    print(f"\nworst ratio {worst:.2f} ({'linear' if worst <= LIMIT else 'SUPERLINEAR'}; "
          f"limit {LIMIT})")
    return 0 if worst <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
