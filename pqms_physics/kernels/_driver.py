"""Walk a validated plan in device calls and add up their counts: the loop every device shares.

A device supplies only ``count_range(lo, hi)`` (per-window rows of cell counts of global pairs
``[lo, hi)``); this module splits the plan's range into calls and adds the rows. It imports NumPy
only, so :mod:`.sample` (the public entry point) and :mod:`.cuda` (a device) both import it
without importing each other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from pqms_physics.kernels._plan import SamplingPlan


def call_edges(plan: SamplingPlan, call_pairs: int) -> list[tuple[int, int]]:
    """Consecutive ranges covering ``[start, start + pairs)``; whole windows per call when they fit.

    Examples
    --------
    >>> from pqms_physics.kernels._plan import make_plan
    >>> call_edges(make_plan([[0.5, 0.5]], 10, seed=1, start=4, total_pairs=20), 4)
    [(4, 8), (8, 12), (12, 14)]
    """
    if plan.window is not None and plan.window <= call_pairs:
        call_pairs = (call_pairs // plan.window) * plan.window
    end = plan.start + plan.pairs
    return [(lo, min(end, lo + call_pairs)) for lo in range(plan.start, end, call_pairs)]


def accumulate_calls(
    plan: SamplingPlan,
    call_pairs: int,
    count_range: Callable[[int, int], np.ndarray],
    update: Callable[[int], Any] | None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Run ``count_range(lo, hi)`` over the plan in calls of at most ``call_pairs`` pairs.

    Returns the total counts ``(S*K,)`` and the window counts ``(n_windows, S*K)`` (None without
    windows). ``update(pairs_done)`` is called after each call (a progress bar's ``update``).
    Integer sums do not depend on the call size, so neither do the counts.
    """
    cells = plan.n_settings * plan.n_outcomes
    counts = np.zeros(cells, dtype=np.int64)
    windows = None if plan.window is None else np.zeros((plan.n_windows, cells), dtype=np.int64)
    w_start = 0 if plan.window is None else plan.start // plan.window
    for lo, hi in call_edges(plan, call_pairs):
        rows = count_range(lo, hi)
        counts += rows.sum(axis=0)
        if windows is not None:
            first = lo // plan.window - w_start
            windows[first : first + rows.shape[0]] += rows
        if update is not None:
            update(hi - lo)
    return counts, windows
