"""Exact engine: waiting-time pmf and Werner parameter of the nested and parallel schemes.

The nested scheme is a sequence of units (:mod:`~pqms_physics.network.protocols.units`), one swap unit per
nesting level (a distillation unit fits in the same sequence, see :func:`unit_sequence`). Each level's
distribution is computed on its own support: the length is grown until the geometric tail, extrapolated
from the resolved part of the pmf, leaves less than ``TAIL_EPS`` beyond it, and never beyond ``t_trunc``.
Beyond that support the pmf is below double-precision resolution, so the arrays are exact to roundoff while
1024 segments cost milliseconds instead of ``O(t_trunc log t_trunc)`` per level.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
from scipy.signal import lfilter

from pqms_physics.errors import PQMSValueError
from pqms_physics.network.protocols import units as U
from pqms_physics.network.protocols.result import ProtocolResult
from pqms_physics.network.protocols.spec import ProtocolSpec

#: Mass left beyond a level's support (far below the 1e-12 the API promises).
TAIL_EPS: float = 1e-20
#: Truncation mass the automatic ``t_trunc`` leaves out.
AUTO_TRUNC_MASS: float = 1e-13
#: Above this truncated mass a RuntimeWarning is issued.
WARN_TRUNC_MASS: float = 1e-9
#: Largest support the automatic truncation may choose (rounds).
MAX_AUTO_ROUNDS: int = 1 << 22
_ROUNDOFF_MASS = 1e-14  # a truncated mass below this is roundoff of the sum, not a tail
_RESOLVED = 1e-10  # pmf values above this fraction of the maximum are far above FFT roundoff


def _tail_ratio(pmf: np.ndarray) -> tuple[int, float] | None:
    """Last resolved index and the geometric decay ratio of the tail there (None if undetermined)."""
    peak = int(np.argmax(pmf))
    resolved = np.nonzero(pmf > _RESOLVED * pmf[peak])[0]
    last = int(resolved[-1])
    first = max(peak, last - max(8, (last - peak) // 2))
    if last - first < 4 or pmf[first] <= 0:
        return None
    ratio = (pmf[last] / pmf[first]) ** (1.0 / (last - first))
    return last, float(min(ratio, 1.0 - 1e-15))


def _grow(compute: Callable[[int], tuple], guess: int, cap: int) -> tuple:
    """Call ``compute(L)`` with growing ``L <= cap`` until the tail beyond ``L`` is below TAIL_EPS."""
    length = int(min(cap, max(64, guess)))
    while True:
        out = compute(length)
        pmf = out[0]
        if length >= cap:
            return out
        tail = _tail_ratio(pmf)
        if tail is None:  # too few resolved points for a ratio: done if they all lie well inside
            peak = float(np.max(pmf))
            if peak > 0 and int(np.nonzero(pmf > _RESOLVED * peak)[0][-1]) < length // 2:
                return out
            length = min(cap, 2 * length)
            continue
        if tail[0] >= length - 2:
            length = min(cap, 2 * length)
            continue
        last, ratio = tail
        need = last + math.log(TAIL_EPS * (1.0 - ratio) / pmf[last]) / math.log(ratio)
        if need <= length:
            return out
        length = int(min(cap, max(math.ceil(1.1 * need), length + 64)))


def _decay(coherence_time: float) -> float:
    return 0.0 if coherence_time == 0 else math.exp(-1.0 / coherence_time)


def geometric_support(p: float) -> int:
    """Rounds after which a Geometric(p) tail is below TAIL_EPS."""
    return 2 if p >= 1 else int(math.ceil(math.log(TAIL_EPS * p) / math.log1p(-p))) + 2


def unit_sequence(
    a: np.ndarray, b: np.ndarray, units: Sequence[tuple], *, coherence_time: float, cap: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Apply units to an input delivery distribution ``(a, b)``; return (pmf, weighted, success, fail).

    Each unit is ``("swap", p_swap, cutoff, keep_window)`` or ``("distil", cutoff[, coefficients])`` (noisy
    BBPSSW coefficients of :func:`pqms_physics.network.purification.unit.bbpssw_werner_coefficients`; perfect
    operations when omitted) with ``cutoff`` in rounds
    (``math.inf`` for none); every unit takes two independent copies of the current link. ``success`` and
    ``fail`` are the last unit's single-attempt arrays (for the exact mean time).
    """
    r = _decay(coherence_time)
    success = fail = None
    for unit in units:

        def compute(n: int, a: np.ndarray = a, b: np.ndarray = b, unit: tuple = unit) -> tuple:
            if unit[0] == "swap":
                s, f, ws = U.swap_attempt(a, b, n, p_swap=unit[1], cutoff=unit[2], r=r, keep_window=unit[3])
            else:
                coeffs = unit[2] if len(unit) > 2 else None  # noisy BBPSSW (purification.unit), else perfect
                s, f, ws = U.distil_attempt(a, b, n, cutoff=unit[1], r=r, coefficients=coeffs)
            pmf, w = U.renewal(s, f, ws, n)
            return pmf, w, s, f

        a, b, success, fail = _grow(compute, 2 * a.size + 64, cap)
    return a, b, success, fail


def _keep_window(spec: ProtocolSpec) -> float | None:
    """The level-1 fidelity cutoff as a window on ``|t1 - t2|`` (inputs have the fixed Werner ``w0``)."""
    if spec.werner_cutoff is None:
        return None
    if spec.distillation_for_level(1):
        raise PQMSValueError(
            f"werner_cutoff: the exact engine needs level-1 swap inputs of fixed Werner parameter w0, but "
            f"distillation={spec.distillation} distils them first; use werner_cutoff=None"
        )
    if spec.segments != 2:
        raise PQMSValueError(
            f"werner_cutoff: the exact engine supports it for segments=2 only (the Werner "
            f"parameter of higher-level inputs is random); use method='monte-carlo', got "
            f"segments={spec.segments}"
        )
    w2 = spec.link_werner**2
    if w2 < spec.werner_cutoff:
        raise PQMSValueError(
            f"werner_cutoff must be <= link_werner**2 = {w2} (no pair could be delivered), got {spec.werner_cutoff}"
        )
    if math.isinf(spec.coherence_time) or spec.werner_cutoff == 0:
        return math.inf
    return float(math.floor(spec.coherence_time * math.log(w2 / spec.werner_cutoff) + 1e-9))


def nested_units(spec: ProtocolSpec) -> list[tuple]:
    """The units of the nested scheme, level 1 to k: the level's distillation rounds, then its swap."""
    units: list[tuple] = []
    for level in range(1, spec.levels + 1):
        cut = spec.cutoff_for_level(level)
        cut = math.inf if cut is None else float(cut)
        units += [("distil", cut)] * spec.distillation_for_level(level)
        keep = _keep_window(spec) if level == 1 else None
        units.append(("swap", spec.p_swap, cut, keep))
    return units


def _nested(spec: ProtocolSpec, cap: int) -> tuple[np.ndarray, np.ndarray]:
    n0 = min(cap, geometric_support(spec.p_eff))
    a, b = U.geometric_link(spec.p_eff, spec.link_werner, n0)
    pmf, w, _, _ = unit_sequence(a, b, nested_units(spec), coherence_time=spec.coherence_time, cap=cap)
    return pmf, w


def parallel_max(p: float, n: int, w0: float, r: float, length: int) -> tuple[np.ndarray, np.ndarray]:
    """Distribution of ``max`` of ``n`` Geometric(p) link times and ``E[w0^n r^(sum_i (T - t_i)) 1{T = t}]``.

    With ``alpha(t) = sum_{s <= t} p (1 - p)^(s - 1) r^(t - s)``:
    ``E[prod_i r^(t - t_i) 1{max = t}] = alpha(t)^n - r^n alpha(t - 1)^n``.
    """
    g, _ = U.geometric_link(p, 1.0, length)
    t = np.arange(length, dtype=float)
    cdf = -np.expm1(t * math.log1p(-p)) if p < 1 else (t >= 1) * 1.0
    pmf = np.diff(cdf**n, prepend=0.0)
    alpha = lfilter([1.0], [1.0, -r], g)
    weighted = (
        (w0**n) * np.diff(alpha**n, prepend=0.0)
        if r == 1.0
        else (w0**n) * (alpha**n - (r**n) * np.concatenate([[0.0], alpha[:-1] ** n]))
    )
    return pmf, weighted


def _parallel(spec: ProtocolSpec, cap: int) -> tuple[np.ndarray, np.ndarray]:
    n, r = spec.segments, _decay(spec.coherence_time)
    p_all = spec.p_swap ** (n - 1)

    def compute(length: int) -> tuple[np.ndarray, np.ndarray]:
        m, wm = parallel_max(spec.p_eff, n, spec.link_werner, r, length)
        return U.renewal(p_all * m, (1.0 - p_all) * m, p_all * wm, length)

    guess = geometric_support(spec.p_eff) + int(math.log(n) / spec.p_eff)
    return _grow(compute, guess, cap)


def exact_protocol(spec: ProtocolSpec, t_trunc: int | None = None, *, _stacklevel: int = 2) -> ProtocolResult:
    """Exact waiting-time pmf and Werner parameter of a protocol (nested, parallel, or small swap-asap).

    Parameters
    ----------
    spec : ProtocolSpec
        The protocol.
    t_trunc : int or None, optional
        Last round of the pmf. None: the smallest truncation leaving less than ``AUTO_TRUNC_MASS`` (1e-13)
        of the mass beyond it.

    Returns
    -------
    ProtocolResult
        ``method="exact"``.

    Examples
    --------
    >>> res = exact_protocol(ProtocolSpec(2, 0.5, cutoff=0))
    >>> print(f"{res.mean_time:.6f}")      # 1 / p^2 (both links in the same round)
    4.000000
    """
    cap = MAX_AUTO_ROUNDS if t_trunc is None else int(t_trunc) + 1
    if spec.scheme == "nested":
        pmf, w = _nested(spec, cap)
    elif spec.scheme == "swap-asap" and spec.segments == 2 and spec.werner_cutoff is not None:
        pmf, w = _nested(replace(spec, scheme="nested"), cap)  # one swap: the schemes coincide for 2 segments
    elif spec.scheme == "parallel":
        pmf, w = _parallel(spec, cap)
    else:
        from pqms_physics.network.protocols.swap_asap import swap_asap_distribution

        pmf, w = swap_asap_distribution(spec, cap, TAIL_EPS)
    return finish(spec, pmf, w, t_trunc, _stacklevel=_stacklevel + 1)


def finish(
    spec: ProtocolSpec, pmf: np.ndarray, weighted: np.ndarray, t_trunc: int | None, *, _stacklevel: int = 2
) -> ProtocolResult:
    """Assemble a :class:`ProtocolResult` from exact arrays (roundoff negatives set to 0, tail accounted)."""
    pmf = np.where(pmf > 0, pmf, 0.0)
    pmf[0] = 0.0  # no pair before the first round (FFT roundoff would leave ~1e-18 there)
    weighted = np.where(pmf > 0, weighted, 0.0)
    tail_after = np.concatenate([np.cumsum(pmf[::-1])[::-1][1:], [0.0]])  # P(t < T <= support end)
    if t_trunc is None:
        below = np.nonzero(tail_after < AUTO_TRUNC_MASS)[0]  # the support already holds all but TAIL_EPS
        beyond = 1.0 - math.fsum(pmf)  # mass the engine could not reach within MAX_AUTO_ROUNDS
        if below.size == 0 or beyond > 10 * AUTO_TRUNC_MASS:
            raise PQMSValueError(
                f"t_trunc: the automatic truncation needs more than {pmf.size - 1} rounds (P(T > {pmf.size - 1}) = "
                f"{beyond:.3g}); pass t_trunc explicitly (the tail is then reported as truncated_mass) or use "
                f"method='monte-carlo', got None"
            )
        t_trunc = int(below[0])
    n = t_trunc + 1
    pmf, weighted = np.pad(pmf[:n], (0, max(0, n - pmf.size))), np.pad(weighted[:n], (0, max(0, n - pmf.size)))
    kept = math.fsum(pmf)
    truncated = max(0.0, 1.0 - kept)
    if truncated > WARN_TRUNC_MASS:
        warnings.warn(
            f"t_trunc={t_trunc} leaves {truncated:.3g} of the waiting-time mass beyond it (reported as truncated_mass)",
            RuntimeWarning,
            stacklevel=_stacklevel + 1,
        )
    t = np.arange(n, dtype=float)
    mean_time = math.fsum(t * pmf)
    tail = _tail_ratio(pmf) if truncated > _ROUNDOFF_MASS and kept > 0 else None
    if truncated > _ROUNDOFF_MASS:  # geometric extrapolation of the tail beyond t_trunc
        ratio = tail[1] if tail is not None else 0.0
        mean_time += truncated * (t_trunc + 1.0 / (1.0 - ratio))
    with np.errstate(invalid="ignore", divide="ignore"):
        resolved = pmf > _RESOLVED * 1e-3 * (pmf.max() if kept > 0 else 1.0)
        werner = np.where(resolved, weighted / np.where(resolved, pmf, 1.0), np.nan)
    mean_werner = math.fsum(weighted) / kept if kept > 0 else math.nan
    return ProtocolResult(spec, "exact", pmf, werner, truncated, mean_time, mean_werner)


__all__ = ["TAIL_EPS", "exact_protocol", "finish", "geometric_support", "nested_units", "parallel_max", "unit_sequence"]
