"""Validation of a sampling request into a :class:`SamplingPlan` that every sampler trusts.

The public entry points (:func:`~pqms_physics.kernels.sample.sample_counts`,
:func:`~pqms_physics.kernels.reference.sample_counts_reference`, ...) validate here, once; the
kernels behind them take the plan's integers and tables as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from pqms_physics.errors import PQMSValueError, check_choice, check_int, check_seed
from pqms_physics.kernels.rng import RULE_CODES, SETTING_CHOICES, stream_key, table_hash, thresholds, validate_probs

#: Largest window_counts array (entries = n_windows * S * K) a call may request (2 GiB of int64).
MAX_WINDOW_ENTRIES: int = 1 << 28
#: Largest total_pairs: global pair indices must stay well inside int64.
MAX_TOTAL_PAIRS: int = 1 << 62


@dataclass(frozen=True)
class SamplingPlan:
    """A validated request: sample global pairs ``[start, start + pairs)`` of a run."""

    probs: np.ndarray          # (S, K) float64, read-only
    table: np.ndarray          # thresholds(probs, setting_choice), int64 read-only
    pairs: int
    start: int
    total_pairs: int
    seed: int
    stream: int
    key: int                   # stream_key(seed, stream)
    setting_choice: str
    rule: int                  # RULE_CODES[setting_choice]
    window: int | None
    block_len: int             # total_pairs // S for "blocks", else 0
    table_hash: str

    @property
    def n_settings(self) -> int:
        return int(self.probs.shape[0])

    @property
    def n_outcomes(self) -> int:
        return int(self.probs.shape[1])

    @property
    def n_windows(self) -> int:
        return 0 if self.window is None else self.pairs // self.window


def make_plan(probs: Any, pairs: Any, seed: Any, *, setting_choice: str = "random",
              window: Any = None, stream: Any = 0, start: Any = 0,
              total_pairs: Any = None) -> SamplingPlan:
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
        raise PQMSValueError(
            f"start + pairs must be <= total_pairs ({total_pairs}), got start={start}, pairs={pairs}"
        )
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
        probs=p, table=table, pairs=pairs, start=start, total_pairs=total_pairs, seed=seed,
        stream=stream, key=stream_key(seed, stream), setting_choice=setting_choice,
        rule=RULE_CODES[setting_choice], window=window, block_len=block_len,
        table_hash=table_hash(table),
    )
