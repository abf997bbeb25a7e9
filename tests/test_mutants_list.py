"""The mutation check's list stays in step with the package: each planted bug's text is where it says."""

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _mutants():
    spec = importlib.util.spec_from_file_location("mutants", ROOT / "tools" / "mutants.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("mutants", module)  # (its dataclass looks its module up there)
    spec.loader.exec_module(module)
    return module.MUTANTS


@pytest.mark.parametrize("mutant", _mutants(), ids=lambda mutant: mutant.name)
def test_each_mutant_finds_its_text_once_and_names_existing_tests(mutant):
    text = (ROOT / mutant.path).read_text()
    assert text.count(mutant.original) == 1, f"{mutant.name}: update its text after a change of {mutant.path}"
    assert mutant.replacement != mutant.original
    for test in mutant.tests:
        assert (ROOT / test.split("::")[0]).is_file(), test


def test_mutant_names_are_unique():
    names = [mutant.name for mutant in _mutants()]
    assert len(names) == len(set(names))
