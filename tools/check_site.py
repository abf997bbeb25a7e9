"""Checks of the built documentation site (``docs/_build/html``), run by ``make docs``.

Two checks, offline and in a few seconds:

* **Nothing external is loaded.** No page may load a script, a stylesheet, a
  font, an image or a frame from another host (``http://``, ``https://``
  or ``//``): the site must work offline and load nothing from a CDN.
  Ordinary links to other sites (``<a href>``) are allowed.
* **Every local link resolves.** Each ``href`` and ``src`` that stays
  inside the site must name a file that exists, and a ``#fragment`` must
  name an ``id`` on the target page.

Usage: ``python tools/check_site.py [SITE_DIR]``. Prints one line per
problem and exits with status 1 if there is any, 0 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

DEFAULT_SITE = Path(__file__).resolve().parents[1] / "docs" / "_build" / "html"

#: (tag, attribute) pairs whose URL the browser loads by itself, with the page.
_LOADED = {("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"), ("embed", "src")}
#: ``<link rel=...>`` values that make the browser load the target.
_LOADED_LINK_RELS = {"stylesheet", "preload", "modulepreload", "icon", "shortcut", "prefetch", "manifest"}


class _Page(HTMLParser):
    """The ids of a page, the URLs it loads and the URLs it links to."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.loaded: list[str] = []
        self.linked: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        for key in ("id", "name"):
            if key in values and (key == "id" or tag == "a"):
                self.ids.add(values[key])
        for name in ("src", "href"):
            if name not in values:
                continue
            url = values[name]
            if (tag, name) in _LOADED:
                self.loaded.append(url)
            elif tag == "link" and name == "href":
                rels = set(values.get("rel", "").lower().split())
                (self.loaded if rels & _LOADED_LINK_RELS else self.linked).append(url)
            else:
                self.linked.append(url)


def _is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme and parts.scheme not in ("file",)) or url.startswith("//")


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def _pages(site: Path) -> list[Path]:
    """The site's pages: every HTML file but the theme's templates and assets under ``_static``."""
    return sorted(path for path in site.rglob("*.html") if "_static" not in path.relative_to(site).parts)


def check_site(site: Path) -> list[str]:
    """Return one message per problem found in the built site ``site``."""
    problems: list[str] = []
    pages = {path: _parse(path) for path in _pages(site)}
    if not pages:
        return [f"{site}: no HTML pages (build the site with `make docs` first)"]
    for path, page in pages.items():
        where = path.relative_to(site)
        for url in page.loaded:
            if _is_external(url):
                problems.append(f"{where}: loads an external resource: {url}")
        for url in page.loaded + page.linked:
            parts = urlsplit(url)
            if _is_external(url) or parts.scheme in ("mailto", "javascript", "data"):
                continue
            target = path if not parts.path else (path.parent / unquote(parts.path)).resolve()
            if parts.path.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                problems.append(f"{where}: broken link: {url}")
                continue
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parse(target).ids
                if fragment not in ids:
                    problems.append(f"{where}: no anchor #{fragment} in {target.relative_to(site)}: {url}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", type=Path, default=DEFAULT_SITE, help="the built site's folder")
    args = parser.parse_args(argv)
    site = args.site.resolve()
    problems = check_site(site)
    for problem in problems:
        print(problem)
    n_pages = len(_pages(site))
    if problems:
        print(f"\ncheck_site: {len(problems)} problem(s) in {n_pages} pages of {site}", file=sys.stderr)
        return 1
    print(f"check_site: {n_pages} pages, no external resources, every local link resolves")
    return 0


if __name__ == "__main__":
    sys.exit(main())
