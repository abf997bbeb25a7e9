"""Sphinx configuration of the sklearn-redcore documentation.

Build with ``make docs`` from the repository root (warnings are errors and the
gallery is executed); the pages land in ``docs/_build/html``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from sphinx.util import logging

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "sphinxext"))  # gallery_order

import sklearn_redcore  # noqa: E402

# -- Project -------------------------------------------------------------------
project = "sklearn-redcore"
author = "sklearn-redcore developers"
copyright = "the sklearn-redcore developers"  # noqa: A001 - Sphinx's name
version = release = sklearn_redcore.__version__

# -- General -------------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "_templates", "_static", "sphinxext"]
default_role = "literal"
smartquotes_action = "qe"  # keep "--n-jobs" as typed (no en dashes) in the Markdown pages
# No intersphinx: the build must work offline, so references to other projects'
# documentation (numpy, scikit-learn, torch) stay plain text.

# -- Equations -----------------------------------------------------------------
# MathJax is served by the site itself, not by a CDN, so that the equations
# render offline. `make docs` fetches it into docs/_static/mathjax (not in git;
# version and checksum in the Makefile); Sphinx copies it into the site's
# _static folder. MathJax is Apache-2.0; its LICENSE travels with it.
html_static_path = ["_static"]
mathjax_path = "mathjax/tex-chtml-full.js"  # relative to _static; every TeX extension, nothing loaded later

# -- API pages -----------------------------------------------------------------
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"  # the numpydoc sections describe the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
toc_object_entries_show_parents = "hide"  # "fit()" rather than "RedCoreClassifier.fit()" in page tables of contents

# -- Markdown pages (docs/*.md, e.g. benchmarks.md) -----------------------------
myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3

# -- Gallery -------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": "/plot_",
    "subsection_order": "gallery_order.section_order",  # one section per sub-folder of examples/
    "within_subsection_order": "gallery_order.ExampleOrder",
    "doc_module": ("sklearn_redcore",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"sklearn_redcore": None},
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "plot_gallery": "True",
}

# -- HTML ----------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sklearn-redcore {release}"
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "header_links_before_dropdown": 6,
    "secondary_sidebar_items": ["page-toc", "sg_download_links", "sg_launcher_links"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
}
html_sidebars = {"index": [], "api": [], "install": [], "release_notes": []}
# The theme's mode, said explicitly: without it the theme's script logs an error on every page.
html_context = {"default_mode": "auto"}
html_show_sourcelink = False


# -- Markdown pages are listed automatically -------------------------------------
#: Markdown pages that the main table of contents (index.rst) lists itself.
_MARKDOWN_IN_INDEX = {"release_notes"}


def _list_markdown_pages(app, docname, source):
    """Put every ``docs/*.md`` page but those of the main table of contents into the toctree of ``performance.rst``.

    Adding a Markdown page to ``docs/`` is then enough for it to appear in the
    site (an unlisted page would fail the build, which treats warnings as errors).
    """
    if docname != "performance":
        return
    pages = sorted(path.stem for path in DOCS.glob("*.md") if path.stem not in _MARKDOWN_IN_INDEX)
    entries = "\n".join(f"   {page}" for page in pages)
    source[0] = source[0].replace("   .. markdown pages are inserted here by conf.py", entries)


def _offline_execution_times(app, docname, source):
    """Drop the CDN scripts and stylesheets from sphinx-gallery's ``sg_execution_times`` pages.

    sphinx-gallery writes a ``raw:: html`` block that loads jQuery and
    DataTables from CDNs to make its timing table sortable. The site loads
    nothing from other hosts (``tools/check_site.py`` checks it), so the
    block goes and the table stays a plain table.
    """
    if docname.endswith("sg_execution_times"):
        source[0] = re.sub(r"\n  \.\. raw:: html\n\n(?:    .*\n|\n)*", "\n", source[0])


def _always_reread_performance(app, env, added, changed, removed):
    """Re-read ``performance.rst`` on every build, so that a new Markdown page is listed."""
    return ["performance"]


def _plain_text_for_scikit_learn_refs(app, env, node, contnode):
    """Show cross-references inside scikit-learn's own docstrings as plain text.

    The API pages include methods inherited from scikit-learn (``score``,
    ``set_output``, ...), whose docstrings refer to labels of scikit-learn's
    documentation. Without intersphinx (the build is offline) those labels do
    not exist here; only these references become plain text, ours still fail
    the build when broken.
    """
    source = node.source or ""
    if ":docstring of sklearn." in source:
        return contnode
    return None


def _check_mathjax(app):
    """Warn (an error under ``-W``, as in ``make docs``) when the local MathJax is missing."""
    if not (DOCS / "_static" / mathjax_path).is_file():
        logging.getLogger(__name__).warning(
            "MathJax is missing from %s, so the equations would show as TeX source: build the "
            "documentation with `make docs`, which fetches it first.",
            DOCS / "_static" / "mathjax",
        )


def setup(app):
    app.connect("builder-inited", _check_mathjax)
    app.connect("missing-reference", _plain_text_for_scikit_learn_refs)
    app.connect("source-read", _list_markdown_pages)
    app.connect("source-read", _offline_execution_times)
    app.connect("env-get-outdated", _always_reread_performance)
