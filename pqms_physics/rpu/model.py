"""Golden model of the RPU, the FPGA streaming window-statistics processor (``fpga/``).

The RPU reads per-pair records (setting id, two outcome bits), counts them per window of ``W``
pairs and computes, per window, either the NCT pool-bias z-score (mode ``"nct"``) or the CHSH
correlators and ``S`` (mode ``"chsh"``); it keeps the top-k windows by ``|z|``, raises a
decision bit, a guardian veto bit, and forwards only windows whose ``|z|`` exceeds a pruning
threshold. This module computes all of that in the exact integer / fixed-point arithmetic of
``fpga/rpu/rpu.hpp`` (bit for bit; the C++ testbench and the Verilog simulation compare against
it) and, separately, in float64 (:func:`float_reference`).

Notes
-----
Record: ``cell = 4*setting + outcome`` with ``outcome = 2*a + b``
(:mod:`pqms_physics.conventions`). Counters have :data:`COUNT_BITS` = 20 bits and the window is
at most :data:`W_MAX` = 2**20 - 1 pairs, so no counter can overflow (a counter counts at most
``W`` pairs and is cleared at the end of each window).

NCT mode (pool 0 = setting 0, pool 1 = setting 1; ``m_p`` = pairs of pool ``p`` with receiver
bit ``b = 1``; ``N = n0 + n1``, ``M = m0 + m1``). Pooled estimator ``p = M/N``::

    z = (m1/n1 - m0/n0) / sqrt(p (1 - p) (1/n0 + 1/n1)),   z**2 = D**2 N / P,
    D = m1 n0 - m0 n1,   P = n0 n1 M (N - M).

``z**2`` is Pearson's chi-square of the 2x2 table, so ``z**2 <= N <= W_MAX``. The window is
*valid* iff ``P > 0``. With :data:`FRAC_BITS` F = 16 the hardware computes the exact integer
``zsq = floor(z**2 * 2**(2F+2))`` (restoring division, :func:`divide_floor`),
``r = floor(sqrt(zsq)) = floor(2**(F+1) |z|)`` (:func:`isqrt_floor`) and
``z_raw = sign(D) * ((r + 1) >> 1)``: ``z`` rounded to the nearest multiple of ``2**-F``, ties
away from zero (``ap_fixed<32,16,AP_RND_INF,AP_SAT>``), so ``|z_raw/2**F - z| <= 2**-(F+1)``.
Threshold registers are unsigned Q16.16 (``ap_ufixed<32,16>``), the requested value rounded *up*
(:func:`threshold_raw`). Comparisons use ``zsq`` and are exact on ``z``: ``|z| >= t`` iff
``zsq >= 4 t_raw**2``. With ``k`` the decision threshold, ``c`` the guardian level as a
two-sided critical value (:func:`confidence_to_z`; 0.95 -> 1.959964) and ``t`` the prune level::

    veto = not valid or |z| < c;  decision = valid and |z| >= k and not veto
    forwarded = (prune off) or (valid and |z| > t)

Top-k: valid windows ranked by ``zsq`` descending; equal ``zsq`` keep the earlier window first.

CHSH mode: ``E_s = (n_same - n_diff) / n_s`` rounded like ``z`` to ``ap_fixed<18,2>`` (Q2.16)
from ``floor(|c| 2**17 / n_s)``; ``E_s = 0`` and its valid bit clear when ``n_s = 0``.
``S = E00 + E01 + E10 - E11`` summed exactly from the rounded ``E_s`` (``ap_fixed<20,4>``, so
``|S_raw/2**16 - S| <= 2**-15``), valid iff all four settings occurred, else 0. No z-score is
formed in this mode: ``z`` is 0, invalid (so vetoed, never a decision), every window is
forwarded and the top-k stays empty.

References
----------
A. Agresti, *Categorical Data Analysis*, 3rd ed., Wiley (2013), sec. 3.1 (two-proportion z-test,
Pearson chi-square of 2x2 tables). J. F. Clauser et al., Phys. Rev. Lett. 23, 880 (1969).

Examples
--------
>>> cfg = RPUConfig(mode="nct", window=8)
>>> w = window_stats([3, 1, 0, 0, 1, 3, 0, 0] + [0] * 8, 0, cfg)
>>> w.z_valid, round(w.z, 4), w.decision, w.veto
(True, 1.4142, False, True)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from pqms_physics.errors import PQMSValueError, check_choice, check_int, check_real
from pqms_physics.rpu.fixed_point import (  # noqa: F401 (the registers are part of this module's namespace)
    COUNT_BITS,
    E_QBITS,
    FRAC_BITS,
    MODES,
    N_OUTCOMES,
    N_SETTINGS,
    THRESHOLD_MAX,
    TOPK_DEFAULT,
    W_MAX,
    ZSQ_BITS,
    ZSQ_SHIFT,
    _divide_floor,
    _isqrt_floor,
    _round_half_away,
    divide_floor,
    isqrt_floor,
    threshold_raw,
)

# The statistic and the veto level are defined once, in pqms_physics.stats; the RPU computes the same ones.
from pqms_physics.stats import confidence_to_z


@dataclass(frozen=True)
class RPUConfig:
    """Register settings of one RPU run.

    Parameters
    ----------
    mode : {"nct", "chsh"}
        Statistic computed per window.
    window : int
        Pairs per window ``W``, in ``[1, W_MAX]``.
    k_threshold : float
        Decision threshold on ``|z|`` (dimensionless), in ``[0, THRESHOLD_MAX]``.
    veto_confidence : float
        Guardian level in (0, 1): veto when the two-sided confidence is below it (0.95).
    prune_threshold : float or None
        Forward only windows with ``|z|`` above it; ``None`` forwards every window.
    top_k : int
        Entries of the top-k table, ``>= 1`` (the HLS template parameter).
    """

    mode: str = "nct"
    window: int = 1000
    k_threshold: float = 1.959964
    veto_confidence: float = 0.95
    prune_threshold: float | None = None
    top_k: int = TOPK_DEFAULT

    def __post_init__(self) -> None:
        check_choice("mode", self.mode, MODES)
        object.__setattr__(self, "window", check_int("window", self.window, 1, W_MAX))
        object.__setattr__(self, "top_k", check_int("top_k", self.top_k, 1, 1024))
        threshold_raw("k_threshold", self.k_threshold)
        level = check_real("veto_confidence", self.veto_confidence)
        if not 0.0 < level < 1.0:
            raise PQMSValueError(f"veto_confidence must be in (0, 1), got {level}")
        threshold_raw("veto_z", confidence_to_z(level))
        if self.prune_threshold is not None:
            threshold_raw("prune_threshold", self.prune_threshold)

    def registers(self) -> dict[str, int]:
        """Raw register values, as the host writes them (``mode`` 0/1, thresholds Q16.16)."""
        prune = self.prune_threshold
        return {
            "mode": MODES.index(self.mode),
            "window": self.window,
            "k_thresh": threshold_raw("k_threshold", self.k_threshold),
            "veto_z": threshold_raw("veto_z", confidence_to_z(self.veto_confidence)),
            "prune_z": 0 if prune is None else threshold_raw("prune_threshold", prune),
            "prune_en": int(prune is not None),
            "topk": self.top_k,
        }

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "registers": self.registers()}


@dataclass(frozen=True)
class WindowStats:
    """Fixed-point statistics of one window, exactly as the hardware emits them.

    ``z_raw``, ``e_raw`` and ``s_raw`` are integers in units of ``2**-16``; ``zsq`` is
    ``floor(z**2 * 2**34)``; ``e_valid`` has bit ``s`` set when setting ``s`` occurred.
    """

    index: int
    counts: tuple[int, ...]
    mode: str
    z_raw: int
    zsq: int
    z_valid: bool
    decision: bool
    veto: bool
    forwarded: bool
    e_raw: tuple[int, int, int, int]
    e_valid: int
    s_raw: int
    s_valid: bool

    @property
    def z(self) -> float:
        """z-score as a float (the Q16.16 value)."""
        return self.z_raw / 2**FRAC_BITS

    @property
    def e(self) -> tuple[float, ...]:
        return tuple(v / 2**FRAC_BITS for v in self.e_raw)

    @property
    def s(self) -> float:
        return self.s_raw / 2**FRAC_BITS

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "z": self.z, "e": list(self.e), "s": self.s}


def window_stats(counts: Any, index: int, config: RPUConfig) -> WindowStats:
    """Statistics of one window from its 16 counts (``counts[4*setting + outcome]``).

    See the module Notes for the formulas, formats and rounding.

    Parameters
    ----------
    counts : array-like of int, 16 entries (or shape (4, 4))
        Per-cell counts of the window, each >= 0, summing to at most ``W_MAX``.
    index : int
        Window index (0-based), ``< 2**32``.
    config : RPUConfig
        Registers.
    """
    c = [check_int("counts", v, 0) for v in np.asarray(counts).reshape(-1).tolist()]
    if len(c) != N_SETTINGS * N_OUTCOMES:
        raise PQMSValueError(f"counts must have 16 entries, got {len(c)}")
    if sum(c) > W_MAX:
        raise PQMSValueError(f"counts must sum to <= {W_MAX}, got {sum(c)}")
    return _window_stats(c, check_int("index", index, 0, 2**32 - 1), config, config.registers())


def _window_stats(c: list[int], index: int, config: RPUConfig, reg: dict[str, int]) -> WindowStats:
    e_raw, e_valid, s_raw = [0, 0, 0, 0], 0, 0
    z_raw = zsq = 0
    z_valid = False
    if config.mode == "nct":
        n0, n1 = sum(c[0:4]), sum(c[4:8])
        m0, m1 = c[1] + c[3], c[5] + c[7]
        n, m = n0 + n1, m0 + m1
        d = m1 * n0 - m0 * n1
        p = n0 * n1 * m * (n - m)
        z_valid = p > 0
        if z_valid:
            zsq = _divide_floor((d * d * n) << ZSQ_SHIFT, p, ZSQ_BITS)
            z_raw = _round_half_away(_isqrt_floor(zsq, ZSQ_BITS), d < 0)
    else:
        for s in range(N_SETTINGS):
            n_s = sum(c[4 * s : 4 * s + 4])
            corr = c[4 * s] + c[4 * s + 3] - c[4 * s + 1] - c[4 * s + 2]
            if n_s:
                q2 = _divide_floor(abs(corr) << (FRAC_BITS + 1), n_s, E_QBITS)
                e_raw[s] = _round_half_away(q2, corr < 0)
                e_valid |= 1 << s
        if e_valid == 0b1111:
            s_raw = e_raw[0] + e_raw[1] + e_raw[2] - e_raw[3]
    veto = not z_valid or zsq < 4 * reg["veto_z"] ** 2
    decision = z_valid and zsq >= 4 * reg["k_thresh"] ** 2 and not veto
    if config.mode == "chsh" or not reg["prune_en"]:
        forwarded = True
    else:
        forwarded = z_valid and zsq > 4 * reg["prune_z"] ** 2
    return WindowStats(
        index=index,
        counts=tuple(c),
        mode=config.mode,
        z_raw=z_raw,
        zsq=zsq,
        z_valid=z_valid,
        decision=decision,
        veto=veto,
        forwarded=forwarded,
        e_raw=tuple(e_raw),  # type: ignore[arg-type]
        e_valid=e_valid,
        s_raw=s_raw,
        s_valid=e_valid == 0b1111,
    )


def window_counts(settings: Any, outcomes: Any, window: int) -> np.ndarray:
    """Per-window counts ``(n_windows, 4, 4)`` of per-pair records, as the RPU's counters see them.

    Parameters
    ----------
    settings, outcomes : array-like of int, shape (pairs,)
        Setting ids in [0, 4) and outcome indices ``2*a + b`` in [0, 4) (e.g. from
        :func:`pqms_physics.kernels.reference.sample_records`).
    window : int
        Pairs per window, in ``[1, W_MAX]``; ``pairs`` must be a multiple of it.

    Examples
    --------
    >>> window_counts([0, 1, 0, 1], [0, 3, 1, 1], 2)[1, :2].tolist()
    [[0, 1, 0, 0], [0, 1, 0, 0]]
    """
    s = np.asarray(settings, dtype=np.int64).reshape(-1)
    o = np.asarray(outcomes, dtype=np.int64).reshape(-1)
    window = check_int("window", window, 1, W_MAX)
    if s.size != o.size:
        raise PQMSValueError(f"outcomes must have the length of settings ({s.size}), got {o.size}")
    for name, arr in (("settings", s), ("outcomes", o)):
        if arr.size and (arr.min() < 0 or arr.max() > 3):
            raise PQMSValueError(f"{name} must be in [0, 3], got values in [{arr.min()}, {arr.max()}]")
    if s.size % window:
        raise PQMSValueError(f"window must divide the number of pairs ({s.size}), got {window}")
    n_windows = s.size // window
    flat = (np.arange(s.size, dtype=np.int64) // window) * 16 + 4 * s + o
    return np.bincount(flat, minlength=16 * n_windows).reshape(n_windows, 4, 4)


@dataclass(frozen=True)
class TopKEntry:
    """One row of the top-k table (``valid`` False for an unused row, all else 0)."""

    valid: bool
    index: int
    z_raw: int
    zsq: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RPURun:
    """Everything one RPU run produces. ``windows`` holds every window (forwarded or not);
    the hardware's output stream is ``[w for w in windows if w.forwarded]``."""

    config: RPUConfig
    windows: tuple[WindowStats, ...]
    topk: tuple[TopKEntry, ...]
    n_forwarded: int
    n_decisions: int
    n_vetoes: int
    n_valid: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "config": self.config.to_dict(),
            "windows": [w.to_dict() for w in self.windows],
            "topk": [t.to_dict() for t in self.topk],
            "n_forwarded": self.n_forwarded,
            "n_decisions": self.n_decisions,
            "n_vetoes": self.n_vetoes,
            "n_valid": self.n_valid,
        }


def run_rpu(counts: Any, config: RPUConfig) -> RPURun:
    """Run the RPU model over per-window counts of shape ``(n_windows, S, 4)``, ``S <= 4``.

    Each window's counts must sum to ``config.window`` (the hardware closes a window after
    exactly ``W`` records). Top-k: valid windows by ``zsq`` descending, ties to the earlier
    window (a stable sort here; an insertion network in hardware).

    Examples
    --------
    >>> run = run_rpu(np.zeros((0, 2, 4), dtype=int), RPUConfig(window=4))
    >>> len(run.windows), len(run.topk), run.topk[0].valid
    (0, 10, False)
    """
    arr = np.asarray(counts)
    if arr.ndim != 3 or arr.shape[1] > N_SETTINGS or arr.shape[2] != N_OUTCOMES:
        raise PQMSValueError(f"counts must have shape (n_windows, S <= 4, 4), got {arr.shape}")
    full = np.zeros((arr.shape[0], N_SETTINGS, N_OUTCOMES), dtype=np.int64)
    full[:, : arr.shape[1], :] = arr
    sums = full.sum(axis=(1, 2))
    if np.any(sums != config.window):
        bad = int(np.flatnonzero(sums != config.window)[0])
        raise PQMSValueError(
            f"counts of every window must sum to window = {config.window}, got {int(sums[bad])} in window {bad}"
        )
    if full.size and full.min() < 0:
        raise PQMSValueError(f"counts must be >= 0, got {int(full.min())}")
    reg = config.registers()
    wins = tuple(_window_stats(row, i, config, reg) for i, row in enumerate(full.reshape(-1, 16).tolist()))
    ranked = sorted((w for w in wins if w.z_valid), key=lambda w: (-w.zsq, w.index))
    top = [TopKEntry(True, w.index, w.z_raw, w.zsq) for w in ranked[: config.top_k]]
    top += [TopKEntry(False, 0, 0, 0)] * (config.top_k - len(top))
    return RPURun(
        config=config,
        windows=wins,
        topk=tuple(top),
        n_forwarded=sum(w.forwarded for w in wins),
        n_decisions=sum(w.decision for w in wins),
        n_vetoes=sum(w.veto for w in wins),
        n_valid=sum(w.z_valid for w in wins),
    )
