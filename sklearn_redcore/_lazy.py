"""Names of a package that load their module on first use (PEP 562), so that importing the package stays cheap."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping

__all__ = ["lazy_getattr"]


def lazy_getattr(package: str, modules: Mapping[str, str]) -> Callable[[str], object]:
    """The module-level ``__getattr__`` of ``package`` for the names of ``modules`` (name -> relative module).

    A name imports its module the first time it is used and is then kept
    among the package's globals, so that later uses cost nothing; any other
    name raises ``AttributeError`` as usual.
    """

    def __getattr__(name: str) -> object:
        if name not in modules:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(modules[name], package), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
