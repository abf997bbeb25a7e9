"""The checks of the built site (tools/check_site.py, tools/check_site_browser.py) on small made-up pages."""

import importlib.util
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "tools"


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(name, TOOLS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def site(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "style.css").write_text("")
    (tmp_path / "_static" / "template.html").write_text('<script src="{{ pathto(x) }}"></script>')
    (tmp_path / "index.html").write_text(
        '<link rel="stylesheet" href="_static/style.css"><a href="sub/page.html#part">page</a>'
        '<a href="https://example.org/">an ordinary link elsewhere</a><p id="top">top</p>'
    )
    (tmp_path / "sub" / "page.html").write_text('<h2 id="part">part</h2><a href="../index.html#top">back</a>')
    return tmp_path


def test_a_self_contained_site_passes(site):
    assert _tool("check_site").check_site(site) == []


def test_external_scripts_and_stylesheets_broken_links_and_anchors_are_reported(site):
    (site / "bad.html").write_text(
        '<script src="https://cdn.example.org/lib.js"></script>'
        '<link rel="stylesheet" href="//cdn.example.org/lib.css">'
        '<a href="sub/missing.html">x</a><a href="sub/page.html#nowhere">y</a><img src="_static/gone.png">'
    )
    problems = _tool("check_site").check_site(site)
    assert len(problems) == 5
    assert sum("external resource" in problem for problem in problems) == 2
    assert sum("broken link" in problem for problem in problems) == 2
    assert sum("no anchor #nowhere" in problem for problem in problems) == 1


def test_raw_tex_is_found_in_the_prose_but_not_in_code_or_typeset_maths():
    browser = _tool("check_site_browser")
    text = browser.prose(
        "<p>the loss $$ \\frac{a}{b} $$</p><pre>\\frac{a}{b}</pre><code>$$</code>"
        "<mjx-container>\\sum_m</mjx-container><div class='highlight'>\\begin{x}</div>"
    )
    assert [match.group(0) for match in browser._RAW_TEX.finditer(text)] == ["$$", "\\frac", "$$"]
