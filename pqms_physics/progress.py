"""Progress bars for long runs: one helper, used by the kernels, sweeps, report, audit and optimisers.

``progress`` arguments across the package mean the same thing: ``None`` shows a bar only when stderr is a
terminal, ``True``/``False`` force it on or off, and a callable ``progress(done, total)`` receives the
updates instead of a bar (for GUIs and tests).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    from tqdm.auto import tqdm

ProgressArg = Union[None, bool, Callable[[int, int], Any]]  # noqa: UP007 (runtime alias, Python 3.10 safe)


class _Callback:
    def __init__(self, fn: Callable[[int, int], Any], total: int, initial: int):
        self.fn, self.total, self.n = fn, total, initial

    def update(self, k: int = 1) -> None:
        self.n += k
        self.fn(self.n, self.total)

    def close(self) -> None:
        return None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Silent(_Callback):
    def __init__(self, total: int, initial: int):
        super().__init__(lambda done, total: None, total, initial)


def progress_bar(
    progress: ProgressArg, total: int, *, desc: str, unit: str, initial: int = 0, unit_scale: bool = False
) -> _Callback | tqdm:
    """A context manager with ``update(k)`` and ``n``: a tqdm bar on stderr, a callback, or nothing.

    Parameters
    ----------
    progress : None, bool or callable
        ``None``: a bar only when stderr is a terminal; ``True``/``False``: forced; a callable
        ``progress(done, total)``: called after each update instead of a bar.
    total : int
        Number of units of work.
    desc, unit : str
        Bar label and unit name.
    initial : int, optional
        Units already done (a resumed run).

    Examples
    --------
    >>> seen = []
    >>> with progress_bar(lambda done, total: seen.append((done, total)), 3, desc="demo", unit="step") as bar:
    ...     bar.update(); bar.update(2)
    >>> seen
    [(1, 3), (3, 3)]
    """
    if callable(progress):
        return _Callback(progress, total, initial)
    enabled = sys.stderr.isatty() if progress is None else bool(progress)
    if not enabled:
        return _Silent(total, initial)
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, desc=desc, unit=unit, unit_scale=unit_scale, file=sys.stderr, leave=False)


__all__ = ["progress_bar"]  # ProgressArg (a typing alias) stays importable for annotations
