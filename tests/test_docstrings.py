"""Every public estimator's docstring documents exactly the parameters of its ``__init__``, in order."""

import ast
import inspect
import re

import pytest
from numpydoc.docscrape import ClassDoc

from sklearn_redcore._docstring import Substitution
from sklearn_redcore._registry import all_estimators


def _documented(cls: type) -> list[str]:
    names = []
    for parameter in ClassDoc(cls)["Parameters"]:
        names += [name.strip() for name in parameter.name.split(",")]  # "a, b : int" documents two
    return names


@pytest.mark.parametrize("name, cls", all_estimators(), ids=[name for name, _ in all_estimators()])
def test_docstring_documents_exactly_the_parameters(name, cls):
    signature = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
    assert _documented(cls) == signature
    assert "%(" not in cls.__doc__  # every shared text was substituted


@pytest.mark.parametrize("name, cls", all_estimators(), ids=[name for name, _ in all_estimators()])
def test_docstring_has_an_example(name, cls):
    assert ">>> " in "\n".join(ClassDoc(cls)["Examples"])


def test_substitution_fills_placeholders_and_refuses_unknown_ones():
    def documented():
        """Intro.

        %(shared)s
        """

    assert "the shared text" in Substitution(shared="the shared text")(documented).__doc__

    def misspelt():
        """%(sahred)s"""

    with pytest.raises(KeyError, match="sahred"):
        Substitution(shared="text")(misspelt)


@pytest.mark.parametrize("name, cls", all_estimators(), ids=[name for name, _ in all_estimators()])
def test_documented_defaults_are_the_signature_defaults(name, cls):
    defaults = {p.name: p.default for p in inspect.signature(cls.__init__).parameters.values() if p.name != "self"}
    for parameter in ClassDoc(cls)["Parameters"]:
        match = re.search(r"default=(.+)$", parameter.type)
        assert match, f"{name}.{parameter.name}: no default documented"
        for one in parameter.name.split(","):
            documented = match.group(1).strip()
            try:
                documented = ast.literal_eval(documented)
            except (ValueError, SyntaxError):
                pass
            assert documented == defaults[one.strip()], f"{name}.{one.strip()}"
