"""Edit-to-reload time of `refjournal serve`: from saving a note to the reload signal.

    python benchmarks/serve_reload.py                     # the example journal
    python benchmarks/serve_reload.py --contacts 1000 --meetings 10000

Starts `refjournal serve` on a copy of the journal, listens on its event stream as a page
does, then saves one meeting note the way vim does (new file renamed over the old), first
adding text, then changing its title, and measures the time until the stream announces the
new build: the quiet period, the rebuild and the event. The browser's own reload of a local
page comes on top. Prints the median and the worst of `--edits` saves of each kind.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import generate  # type: ignore[import-not-found]  # beside this script

REPO = Path(__file__).resolve().parent.parent
RUN = "from refjournal.cli import run; run()"  # as the refjournal script runs it
# Two kinds of save: more text in the note (the usual edit while writing), and a change to
# its front matter (a new title), which every index page shows.
EDIT_KINDS = {
    "text": lambda text, n: text + f"\nEdit {n}.\n",
    "front matter": lambda text, n: text.replace("\ntitle: ", f"\ntitle: ({n}) ", 1)
    if "\ntitle: " in text else text.replace("---\n", f"---\ntitle: Edit {n}\n", 1),
}


def events(port: int) -> tuple[socket.socket, object]:
    stream = socket.create_connection(("127.0.0.1", port), timeout=60)
    stream.sendall(f"GET /__refjournal__/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
                   .encode())
    return stream, stream.makefile("rb")


def next_version(reader: object) -> int:
    for raw in reader:  # type: ignore[attr-defined]
        if raw.startswith(b"data: "):
            return int(json.loads(raw[6:])["version"])
    raise RuntimeError("the event stream ended")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=0, help="0: the example journal")
    parser.add_argument("--meetings", type=int, default=10000)
    parser.add_argument("--edits", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "journal"
        if args.contacts:
            generate(root, args.contacts, args.meetings, seed=1)
        else:
            shutil.copytree(REPO / "journal", root)
        process = subprocess.Popen(
            [sys.executable, "-c", RUN, "serve", "--journal", str(root), "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            assert process.stdout is not None
            port = 0
            for line in process.stdout:
                match = re.search(r"at http://127\.0\.0\.1:(\d+)/", line)
                if match:
                    port = int(match.group(1))
                    break
            stream, reader = events(port)
            version = next_version(reader)
            notes = sorted((root / "meetings").rglob("*.md"))
            note = notes[len(notes) // 2]
            original = note.read_text(encoding="utf-8")
            results: dict[str, list[float]] = {}
            for kind in EDIT_KINDS:
                times = results.setdefault(kind, [])
                for edit in range(args.edits):
                    temp = note.with_name(note.name + "~")
                    temp.write_text(EDIT_KINDS[kind](original, edit), encoding="utf-8")
                    began = time.perf_counter()
                    os.replace(temp, note)
                    while (seen := next_version(reader)) <= version:
                        pass
                    times.append((time.perf_counter() - began) * 1000)
                    version = seen
                    time.sleep(0.3)
            stream.close()
        finally:
            process.terminate()
            process.wait(timeout=120)  # it removes its folder: 11,000 pages take seconds
    size = (f"{args.contacts:,} contacts + {args.meetings:,} meetings" if args.contacts
            else "the example journal")
    for kind, times in results.items():
        print(f"{size}, {kind}: edit to reload signal, median {statistics.median(times):.0f} "
              f"ms, worst {max(times):.0f} ms ({args.edits} saves, in order: "
              f"{', '.join(f'{t:.0f}' for t in times)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
