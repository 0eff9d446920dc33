"""Take the README's screenshots: the example journal's site in headless Chromium.

    python docs/screenshots.py [--out docs/screenshots] [--chromium /usr/bin/chromium]

Builds the example journal as of 2026-11-24 and opens its pages at a desktop and a phone
size, in light and dark mode; the browser's clock is set to that day too, so the due
labels read as they did on the build day.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from refjournal.build import build  # noqa: E402

TODAY = dt.date(2026, 11, 24)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SHOTS = [  # name, page, width, height, colour scheme, full page
    ("dashboard", "index.html", 1280, 900, "light", True),
    ("dashboard-dark", "index.html", 1280, 900, "dark", False),
    ("insights", "insights/index.html", 1280, 900, "light", True),
    ("review", "review/index.html", 1280, 900, "light", False),
    ("connector", "connections/index.html", 1280, 900, "dark", False),
    ("contacts", "contacts/index.html", 1280, 900, "light", False),
    ("contact", "contacts/priya-raman/index.html", 1280, 900, "light", False),
    ("phone-dashboard", "index.html", 360, 780, "light", False),
    ("phone-contact", "contacts/priya-raman/index.html", 360, 780, "dark", False),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--search", default="pri", help="text typed in the search box")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        built = build(REPO / "journal", site, TODAY)
        if not built.written:
            print("the example journal did not build", file=sys.stderr)
            return 1
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=ARGS)
            for name, rel, width, height, scheme, full in SHOTS:
                page = browser.new_page(viewport={"width": width, "height": height},
                                        color_scheme=scheme)
                page.clock.set_fixed_time(dt.datetime(2026, 11, 24, 9, 0))
                page.goto((site / rel).as_uri())
                page.screenshot(path=args.out / f"{name}.png", full_page=full)
                page.close()
            page = browser.new_page(viewport={"width": 1280, "height": 700})
            page.goto((site / "contacts" / "index.html").as_uri())
            page.fill("#site-search", args.search)
            page.wait_for_selector("#search-results [role=option]")
            page.screenshot(path=args.out / "search.png")
            browser.close()
    print(f"screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
