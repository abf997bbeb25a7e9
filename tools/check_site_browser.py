"""Open the main pages of the built site in headless Chromium: screenshots, raw LaTeX, console messages.

Run by ``make docs-check`` after ``make docs``. For each page it

* saves a screenshot (``--shots``, default ``docs/_build/screenshots``);
* reads the page as rendered, after its scripts ran, and fails if TeX source
  shows in the text (``$$``, ``\\frac``, ``\\begin{``, ``\\(`` ...): MathJax
  did not typeset an equation, or Markdown math was not parsed;
* fails if the page wrote anything to the browser's console (an uncaught
  exception, a failed script, ``console.error``), but for the theme's own
  notes (``[PST]: ...``, written with ``console.log``): headless Chromium's
  log does not say the level of a message, and the site's pages write
  nothing else there when they work.

It needs Chromium (Debian: ``apt-get install chromium``); ``--browser``
names another binary. Usage: ``python tools/check_site_browser.py [--site
DIR] [--shots DIR] [PAGE ...]``, pages relative to the site. Exit status 1
on any problem, 2 when no browser is found.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The pages a newcomer meets first, and those with the most equations.
MAIN_PAGES = [
    "index.html",
    "install.html",
    "user_guide/index.html",
    "user_guide/method.html",
    "auto_examples/index.html",
    "auto_examples/getting_started/plot_quickstart.html",
    "api.html",
    "generated/sklearn_redcore.RedCoreClassifier.html",
    "benchmarks.html",
    "release_notes.html",
]

#: TeX that must never reach the reader as text.
_RAW_TEX = re.compile(r"\$\$|\\frac|\\begin\{|\\end\{|\\mathbf|\\mathcal|\\sum_|\\left|\\right|\\\(|\\\)|\\\[|\\\]")
#: Elements whose text is code or typeset maths, not prose.
_SKIPPED = {"script", "style", "code", "pre", "kbd", "samp", "textarea", "mjx-container", "mjx-assistive-mml", "svg"}
_CONSOLE = re.compile(r":CONSOLE(?:\(\d+\)|:\d+)\]\s*(.*)")
#: Notes that pydata-sphinx-theme writes with console.log on every page (the mode it chose, the sidebar scroll).
_THEME_NOTES = re.compile(r'^"\[PST\]: ')


class _Text(HTMLParser):
    """The prose text of a page: everything but code, scripts and typeset maths."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        skipped = tag in _SKIPPED or "highlight" in classes or tag in {"br", "img", "meta", "link", "input", "hr"}
        if tag not in {"br", "img", "meta", "link", "input", "hr"}:
            self.stack.append("skip" if skipped else tag)

    def handle_endtag(self, tag: str) -> None:
        if self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "skip" not in self.stack:
            self.chunks.append(data)


def prose(html: str) -> str:
    """The text of ``html`` outside code blocks, scripts and typeset equations."""
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.chunks)


def _chromium(browser: str, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory() as profile:
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=8000",
            *args,
            url,
        ]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def check_page(browser: str, site: Path, page: str, shots: Path) -> list[str]:
    """The problems of one page; its screenshot lands in ``shots``."""
    path = site / page
    if not path.is_file():
        return [f"{page}: not in the built site"]
    url = path.resolve().as_uri()
    shot = shots / (page.replace("/", "__").removesuffix(".html") + ".png")
    _chromium(browser, url, f"--screenshot={shot}", "--window-size=1280,1600")
    rendered = _chromium(browser, url, "--dump-dom")
    problems = []
    if not shot.is_file():
        problems.append(f"{page}: no screenshot taken")
    for line in rendered.stderr.splitlines():
        match = _CONSOLE.search(line)
        if match and not _THEME_NOTES.match(match.group(1)):
            problems.append(f"{page}: console: {match.group(1)[:200]}")
    text = prose(rendered.stdout)
    for match in _RAW_TEX.finditer(text):
        start = max(match.start() - 40, 0)
        context = " ".join(text[start : match.end() + 40].split())
        problems.append(f"{page}: raw TeX in the text: ...{context}...")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", default=MAIN_PAGES, help="pages relative to the site")
    parser.add_argument("--site", type=Path, default=ROOT / "docs" / "_build" / "html")
    parser.add_argument("--shots", type=Path, default=ROOT / "docs" / "_build" / "screenshots")
    parser.add_argument("--browser", default=None, help="the Chromium binary (default: chromium on PATH)")
    args = parser.parse_args(argv)
    browser = args.browser or shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("check_site_browser: Chromium not found (Debian: apt-get install chromium)", file=sys.stderr)
        return 2
    args.shots.mkdir(parents=True, exist_ok=True)
    problems = [problem for page in args.pages for problem in check_page(browser, args.site, page, args.shots)]
    for problem in problems:
        print(problem)
    if problems:
        print(f"check_site_browser: {len(problems)} problem(s) in {len(args.pages)} pages", file=sys.stderr)
        return 1
    print(f"check_site_browser: {len(args.pages)} pages, no raw TeX, no console messages; screenshots in {args.shots}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
