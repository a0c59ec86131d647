"""SampleCounts: the immutable result of a sampling call, mergeable across shards."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pqms_physics.errors import PQMSValueError


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.int64, copy=True)
    a.flags.writeable = False
    return a


def _coalesce(ranges: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[list[int]] = []
    for lo, hi in sorted(ranges):
        if out and out[-1][1] == lo:
            out[-1][1] = hi
        else:
            out.append([lo, hi])
    return tuple((lo, hi) for lo, hi in out)


@dataclass(frozen=True, eq=False)
class SampleCounts:
    """Counts of sampled pairs per (setting, outcome), optionally per window.

    Attributes
    ----------
    counts : numpy.ndarray of int64, shape (S, K)
        Number of pairs with setting ``s`` and outcome ``o`` (read-only).
    window_counts : numpy.ndarray of int64, shape (n_windows, S, K), or None
        The same per window of ``window`` consecutive pairs, in pair order (read-only).
    pairs : int
        Number of pairs counted (``counts.sum()``).
    start : int
        First global pair index counted.
    total_pairs : int
        Size of the run the pairs belong to (fixes the "blocks" rule and the window grid).
    seed, stream : int
        The stream (see :mod:`pqms_physics.kernels.rng`).
    setting_choice : str
        "random", "cyclic" or "blocks".
    window : int or None
        Window size in pairs.
    device : str
        Sampler that produced the counts ("cpu", "numpy", "cuda"; merged shards from several
        devices join their names with "+": the counts do not depend on the device).
    stream_version : str
        Name of the stream definition, e.g. "splitmix64-53bit-v2".
    ranges : tuple of (int, int)
        Half-open global pair ranges counted, sorted and coalesced; ``((start, start + pairs),)``
        for a single call. ``window_counts`` rows are the windows of these ranges in order.
    table_hash : str
        Digest of the threshold table; shards of different probability tables refuse to merge.

    Notes
    -----
    ``a + b`` merges two shards of one run (same seed, stream, setting_choice, total_pairs,
    window, stream_version and probability table; non-overlapping ranges) by adding counts and
    ordering window rows by pair index. The result equals a single call over the union of the
    ranges exactly.

    Examples
    --------
    >>> from pqms_physics.kernels import sample_counts
    >>> a = sample_counts([[0.5, 0.5]], 1000, seed=1, total_pairs=2000, device="numpy")
    >>> b = sample_counts([[0.5, 0.5]], 1000, seed=1, start=1000, total_pairs=2000, device="numpy")
    >>> whole = sample_counts([[0.5, 0.5]], 2000, seed=1, device="numpy")
    >>> bool(((a + b).counts == whole.counts).all())
    True
    """

    counts: np.ndarray
    window_counts: np.ndarray | None
    pairs: int
    start: int
    total_pairs: int
    seed: int
    stream: int
    setting_choice: str
    window: int | None
    device: str
    stream_version: str
    ranges: tuple[tuple[int, int], ...] = field(default=())
    table_hash: str = ""

    __array_ufunc__ = None  # ndarray + SampleCounts must not silently become an array

    def __post_init__(self) -> None:
        counts = _readonly(self.counts)
        if counts.ndim != 2:
            raise PQMSValueError(f"counts must have shape (settings, outcomes), got shape {counts.shape}")
        object.__setattr__(self, "counts", counts)
        if self.window_counts is not None:
            wc = _readonly(self.window_counts)
            if wc.ndim != 3 or wc.shape[1:] != counts.shape:
                raise PQMSValueError(
                    f"window_counts must have shape (n_windows, {counts.shape[0]}, {counts.shape[1]}), "
                    f"got shape {wc.shape}"
                )
            object.__setattr__(self, "window_counts", wc)
        ranges = self.ranges or ((self.start, self.start + self.pairs),)
        object.__setattr__(self, "ranges", tuple((int(lo), int(hi)) for lo, hi in ranges))

    @property
    def n_settings(self) -> int:
        """Number of settings S."""
        return int(self.counts.shape[0])

    @property
    def n_outcomes(self) -> int:
        """Number of outcomes K per setting."""
        return int(self.counts.shape[1])

    @property
    def complete(self) -> bool:
        """True when the counts cover the whole run ``[0, total_pairs)``."""
        return self.ranges == ((0, self.total_pairs),)

    def _check_compatible(self, other: SampleCounts) -> None:
        for name in ("seed", "stream", "setting_choice", "total_pairs", "window", "stream_version", "table_hash"):
            a, b = getattr(self, name), getattr(other, name)
            if a != b:
                raise PQMSValueError(f"shards to merge must have the same {name}, got {a!r} and {b!r}")
        if self.counts.shape != other.counts.shape:
            raise PQMSValueError(
                f"shards to merge must have the same counts shape, got {self.counts.shape} and {other.counts.shape}"
            )
        for lo, hi in self.ranges:
            for lo2, hi2 in other.ranges:
                if lo < hi2 and lo2 < hi:
                    raise PQMSValueError(
                        f"shards to merge must not overlap, got ranges [{lo}, {hi}) and [{lo2}, {hi2})"
                    )

    def __add__(self, other: Any) -> SampleCounts:
        if not isinstance(other, SampleCounts):
            return NotImplemented
        self._check_compatible(other)
        window_counts = None
        if self.window is not None:
            pieces = []
            for res in (self, other):
                row = 0
                for lo, hi in res.ranges:
                    n = (hi - lo) // res.window
                    pieces.append((lo, res.window_counts[row : row + n]))
                    row += n
            pieces.sort(key=lambda t: t[0])
            window_counts = np.concatenate([p for _, p in pieces], axis=0)
        ranges = _coalesce(list(self.ranges) + list(other.ranges))
        devices = sorted(set(self.device.split("+")) | set(other.device.split("+")))
        return SampleCounts(
            counts=self.counts + other.counts,
            window_counts=window_counts,
            pairs=self.pairs + other.pairs,
            start=ranges[0][0],
            total_pairs=self.total_pairs,
            seed=self.seed,
            stream=self.stream,
            setting_choice=self.setting_choice,
            window=self.window,
            device="+".join(devices),
            stream_version=self.stream_version,
            ranges=ranges,
            table_hash=self.table_hash,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python (JSON-ready) dictionary of every field."""
        return {
            "counts": self.counts.tolist(),
            "window_counts": None if self.window_counts is None else self.window_counts.tolist(),
            "pairs": self.pairs,
            "start": self.start,
            "total_pairs": self.total_pairs,
            "seed": self.seed,
            "stream": self.stream,
            "setting_choice": self.setting_choice,
            "window": self.window,
            "device": self.device,
            "stream_version": self.stream_version,
            "ranges": [list(r) for r in self.ranges],
            "table_hash": self.table_hash,
        }
