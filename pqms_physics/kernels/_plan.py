"""Validation of a sampling request into a :class:`SamplingPlan` that every sampler trusts.

The public entry points (:func:`~pqms_physics.kernels.sample.sample_counts`,
:func:`~pqms_physics.kernels.reference.sample_counts_reference`, ...) validate here, once; the
kernels behind them take the plan's integers and tables as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from pqms_physics.errors import PQMSValueError, check_choice, check_int, check_seed

if TYPE_CHECKING:
    from pqms_physics.kernels.result import SampleCounts

from pqms_physics.kernels.rng import (
    RULE_CODES,
    SETTING_CHOICES,
    draw_shift,
    stream_key,
    table_hash,
    thresholds,
    validate_probs,
)

#: Largest window_counts array (entries = n_windows * S * K) a call may request (2 GiB of int64).
MAX_WINDOW_ENTRIES: int = 1 << 28
#: Largest total_pairs: global pair indices must stay well inside int64.
MAX_TOTAL_PAIRS: int = 1 << 62
#: Fields of the packed int64 array ``spec`` that carries a plan's integers into the kernels
#: (:func:`pack_spec`), so that no kernel takes more than about eight positional arguments.
SPEC_RULE, SPEC_S, SPEC_K, SPEC_BLOCK, SPEC_WINDOW, SPEC_W_FIRST, SPEC_ROWS, SPEC_DIRECT, SPEC_SHIFT, SPEC_W16 = range(
    10
)


@dataclass(frozen=True)
class SamplingPlan:
    """A validated request: sample global pairs ``[start, start + pairs)`` of a run."""

    probs: np.ndarray  # (S, K) float64, read-only
    table: np.ndarray  # thresholds(probs, setting_choice), int64 read-only
    pairs: int
    start: int
    total_pairs: int
    seed: int
    stream: int
    key: int  # stream_key(seed, stream)
    setting_choice: str
    rule: int  # RULE_CODES[setting_choice]
    window: int | None
    block_len: int  # total_pairs // S for "blocks", else 0
    table_hash: str

    @property
    def n_settings(self) -> int:
        return int(self.probs.shape[0])

    @property
    def n_outcomes(self) -> int:
        return int(self.probs.shape[1])

    @property
    def shift(self) -> int:
        """Right shift of ``u_i`` giving the integer compared with the table (:func:`.rng.draw_shift`)."""
        return draw_shift(self.n_settings, self.setting_choice)

    @property
    def n_windows(self) -> int:
        return 0 if self.window is None else self.pairs // self.window

    def result(self, counts: np.ndarray, windows: np.ndarray | None, device: str) -> SampleCounts:
        """The :class:`SampleCounts` of this plan from flat (or shaped) counts and window counts."""
        from pqms_physics.kernels.result import SampleCounts
        from pqms_physics.kernels.rng import STREAM_VERSION

        s, k = self.n_settings, self.n_outcomes
        return SampleCounts(
            counts=counts.reshape(s, k),
            window_counts=None if windows is None else windows.reshape(-1, s, k),
            pairs=self.pairs,
            start=self.start,
            total_pairs=self.total_pairs,
            seed=self.seed,
            stream=self.stream,
            setting_choice=self.setting_choice,
            window=self.window,
            device=device,
            stream_version=STREAM_VERSION,
            table_hash=self.table_hash,
        )


def make_plan(
    probs: Any,
    pairs: Any,
    seed: Any,
    *,
    setting_choice: str = "random",
    window: Any = None,
    stream: Any = 0,
    start: Any = 0,
    total_pairs: Any = None,
) -> SamplingPlan:
    """Validate the arguments of ``sample_counts`` (see its docstring) and build the plan."""
    p = validate_probs(probs)
    n_settings = p.shape[0]
    pairs = check_int("pairs", pairs, 1, MAX_TOTAL_PAIRS)
    seed = check_seed("seed", seed)
    stream = check_seed("stream", stream)
    check_choice("setting_choice", setting_choice, SETTING_CHOICES)
    start = check_int("start", start, 0, MAX_TOTAL_PAIRS)
    if total_pairs is None:
        total_pairs = start + pairs
    total_pairs = check_int("total_pairs", total_pairs, 1, MAX_TOTAL_PAIRS)
    if start + pairs > total_pairs:
        raise PQMSValueError(f"start + pairs must be <= total_pairs ({total_pairs}), got start={start}, pairs={pairs}")
    block_len = 0
    if setting_choice == "blocks":
        if total_pairs % n_settings:
            raise PQMSValueError(
                f"total_pairs must be divisible by the number of settings ({n_settings}) for "
                f"setting_choice='blocks', got {total_pairs}"
            )
        block_len = total_pairs // n_settings
    if window is not None:
        window = check_int("window", window, 1, total_pairs)
        if total_pairs % window:
            raise PQMSValueError(f"window must divide total_pairs ({total_pairs}), got {window}")
        if start % window:
            raise PQMSValueError(f"window must divide start ({start}) so shards hold whole windows, got {window}")
        if pairs % window:
            raise PQMSValueError(f"window must divide pairs ({pairs}) so shards hold whole windows, got {window}")
        entries = (pairs // window) * p.size
        if entries > MAX_WINDOW_ENTRIES:
            raise PQMSValueError(
                f"window must give at most {MAX_WINDOW_ENTRIES} window_counts entries "
                f"(pairs/window * settings * outcomes), got window={window} giving {entries}"
            )
    table = thresholds(p, setting_choice)
    return SamplingPlan(
        probs=p,
        table=table,
        pairs=pairs,
        start=start,
        total_pairs=total_pairs,
        seed=seed,
        stream=stream,
        key=stream_key(seed, stream),
        setting_choice=setting_choice,
        rule=RULE_CODES[setting_choice],
        window=window,
        block_len=block_len,
        table_hash=table_hash(table),
    )


def pack_spec(plan: SamplingPlan, a: int, b: int, direct: bool = False, w16: int = 0) -> np.ndarray:
    """The plan's integers for a device call over global pairs ``[a, b)``, as one int64 array.

    Fields (indices ``SPEC_*``): setting rule code, S, K, block length (1 unless "blocks"), window
    (0 = none), first window index ``a // window``, rows of the result (windows touched by
    ``[a, b)``, or 1), whether tasks write window rows directly (CPU task plan), the right shift of
    ``u_i`` that gives the compared draw (:attr:`SamplingPlan.shift`) and ``w16``: the thresholds per
    setting of the CPU's packed-counter random path (0: not used).

    Examples
    --------
    >>> plan = make_plan([[0.5, 0.5], [0.9, 0.1]], 8, seed=1, setting_choice="blocks", window=2)
    >>> pack_spec(plan, 2, 8).tolist()
    [2, 2, 2, 4, 2, 1, 3, 0, 11, 0]
    """
    window = plan.window or 0
    w_first = a // window if window else 0
    n_rows = (b - 1) // window - w_first + 1 if window else 1
    fields = [0] * 10
    fields[SPEC_RULE], fields[SPEC_S], fields[SPEC_K] = plan.rule, plan.n_settings, plan.n_outcomes
    fields[SPEC_BLOCK], fields[SPEC_WINDOW], fields[SPEC_W_FIRST] = max(plan.block_len, 1), window, w_first
    fields[SPEC_ROWS], fields[SPEC_DIRECT] = n_rows, int(direct)
    fields[SPEC_SHIFT], fields[SPEC_W16] = plan.shift, w16
    return np.array(fields, dtype=np.int64)
