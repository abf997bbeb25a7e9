"""Every public estimator's docstring documents exactly the parameters of its ``__init__``, in order."""

import inspect

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
