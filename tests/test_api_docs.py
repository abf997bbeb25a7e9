"""The API reference (docs/api.rst) lists exactly the public objects of the package and its subpackages."""

import importlib
import re
from pathlib import Path

import pytest

API_PAGE = Path(__file__).resolve().parents[1] / "docs" / "api.rst"


def _listed() -> dict[str, set[str]]:
    """The names of each ``autosummary`` block of the page, by the ``currentmodule`` in force."""
    listed: dict[str, set[str]] = {}
    module, in_block = None, False
    for line in API_PAGE.read_text().splitlines():
        if match := re.match(r"\.\. currentmodule:: (\S+)", line):
            module = match[1]
        elif line.startswith(".. autosummary::"):
            in_block = True
        elif in_block and re.match(r"^   [A-Za-z_]\w*$", line):
            listed.setdefault(module, set()).add(line.strip())
        elif in_block and line and not line.startswith("   "):
            in_block = False
    return listed


@pytest.mark.parametrize("module", ["sklearn_redcore", "sklearn_redcore.datasets", "sklearn_redcore.plotting"])
def test_the_api_page_lists_every_public_object(module):
    public = {name for name in importlib.import_module(module).__all__ if not name.startswith("__")}
    assert _listed().get(module, set()) == public
