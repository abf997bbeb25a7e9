"""No user-facing text names an internal issue: the README, the changelog, the documentation's sources,
the examples and the package's docstrings (every file under sklearn_redcore/, as the release check greps)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_GENERATED = {"_build", "generated", "auto_examples", "_static"}

#: "issue 14", "issues 14 and 17", "issue #14", "the issue tracker", "the RedCoreClassifier issue".
INTERNAL_REFERENCE = re.compile(
    r"\bissues? #?\d+|\bthe issue tracker\b|\bthe [A-Z]\w+ issue\b|(?<![\w/])#\d{1,4}\b(?![\w.])", re.IGNORECASE
)


def _user_facing_files() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "CHANGELOG.md"]
    for folder, suffixes in (("docs", {".rst", ".md", ".txt"}), ("examples", {".py", ".rst", ".txt"})):
        files += [
            path
            for path in (ROOT / folder).rglob("*")
            if path.suffix in suffixes and not _GENERATED & set(path.relative_to(ROOT).parts)
        ]
    files += sorted((ROOT / "sklearn_redcore").rglob("*.py"))
    return sorted(files)


def _references(text: str) -> list[str]:
    return [match.group(0) for match in INTERNAL_REFERENCE.finditer(text)]


def test_the_pattern_finds_internal_references_and_nothing_else():
    assert _references("the target of issue 14; issues 16 and 17; Issue #3") == ["issue 14", "issues 16", "Issue #3"]
    assert _references("the RedCoreClassifier issue and the issue tracker") == [
        "the RedCoreClassifier issue",
        "the issue tracker",
    ]
    assert _references("an issue with NaN; 14 issues; colour #fff; see [0, 1)") == []


@pytest.mark.parametrize("path", _user_facing_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_user_facing_text_names_an_internal_issue(path):
    found = _references(path.read_text(encoding="utf-8"))
    assert not found, f"{path.relative_to(ROOT)} names internal issues: {found}; say what was measured instead"
