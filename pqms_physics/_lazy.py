"""Lazy re-exports (PEP 562) for package ``__init__`` modules: a name's module loads on first use.

This keeps ``import pqms_physics`` and ``import pqms_physics.<area>`` light: QuTiP, Numba and matplotlib load
only when a name that needs them is first looked up.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``(__getattr__, __dir__)`` for `package`, resolving ``name -> package.exports[name]``.

    Parameters
    ----------
    package : str
        The package's dotted name (its ``__name__``).
    exports : dict of str to str
        Public name -> submodule below `package` (``""`` for the package's own namespace is not needed:
        names defined in ``__init__`` are found before ``__getattr__`` is consulted).

    Examples
    --------
    >>> getattr_, dir_ = lazy_exports("pqms_physics", {"fidelity": "core.states"})
    >>> getattr_("fidelity").__name__
    'fidelity'
    """

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        importlib.import_module(package).__dict__[name] = value  # cache: later lookups skip __getattr__
        return value

    def __dir__() -> list[str]:
        return sorted(set(importlib.import_module(package).__dict__) | set(exports))

    return __getattr__, __dir__
