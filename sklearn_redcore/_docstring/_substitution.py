"""Shared docstring texts, written once and substituted into the estimators' docstrings.

A docstring names a shared text as ``%(name)s``; :class:`Substitution` fills
it in when the class is defined::

    @Substitution(training_parameters=TRAINING_PARAMETERS)
    class SomeClassifier(BaseMultimodalClassifier):
        '''...
        Parameters
        ----------
        %(training_parameters)s
        '''

``tests/test_docstrings.py`` checks that every public estimator's docstring
then documents exactly the parameters of its ``__init__``.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

__all__ = ["Substitution"]

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_LINE_PLACEHOLDER = re.compile(r"^(?P<indent>[ \t]*)%\((?P<name>\w+)\)s[ \t]*$", re.MULTILINE)


class Substitution:
    """Decorator filling ``%(name)s`` placeholders of a docstring with the given texts.

    A placeholder alone on its line receives the text indented as the
    placeholder is, line by line (write the placeholder where the text's
    entries start, e.g. four spaces into a class's docstring); elsewhere the
    text is put in as it is.

    Parameters
    ----------
    **texts : str
        The text of each placeholder name, without indentation of its own.

    Raises
    ------
    KeyError
        When the decorated object's docstring names a placeholder without a text
        (so that a typo cannot leave ``%(...)s`` in the documentation).
    """

    def __init__(self, **texts: str) -> None:
        self.texts = {name: textwrap.dedent(text).strip("\n") for name, text in texts.items()}

    def __call__(self, obj: Any) -> Any:
        doc = obj.__doc__ or ""
        unknown = sorted(set(_PLACEHOLDER.findall(doc)) - set(self.texts))
        if unknown:
            raise KeyError(f"{getattr(obj, '__name__', obj)!r}: no text for the placeholder(s) {unknown}")
        doc = _LINE_PLACEHOLDER.sub(lambda m: textwrap.indent(self.texts[m["name"]], m["indent"]), doc)
        obj.__doc__ = _PLACEHOLDER.sub(lambda match: self.texts[match.group(1)], doc)
        return obj
