"""Protocol units on exact (pmf, Werner-weighted pmf) pairs: swap, distil, and the restart (renewal) sum.

A *delivery distribution* is a pair of arrays over rounds ``t = 0..L-1``: ``a[t] = P(T = t)`` and
``b[t] = E[w 1{T = t}]`` (the Werner parameter ``w`` of the delivered link, weighted by the event). Two
independent copies of a delivery distribution enter a unit; one attempt of the unit either succeeds (the output
link exists at some round) or fails (both inputs are discarded and regenerated from that round on). The output
distribution is the renewal sum over failed attempts, ``pmf = s + f * pmf``, i.e. ``pmf = s / (1 - f)`` in
generating functions (``*`` is convolution), computed by power-series division with FFTs (Newton iteration).

Trusted kernels: no validation here (the public API validates). Arrays are float64.

References
----------
B. Li, T. Coopmans, D. Elkouss, IEEE Trans. Quantum Eng. 2, 4103015 (2021): protocols as units (swap,
distil, cutoff), distributions by convolution. C. H. Bennett et al., Phys. Rev. Lett. 76, 722 (1996): BBPSSW.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import fft as sfft
from scipy.signal import lfilter


def _fft_mul(x: np.ndarray, y: np.ndarray, n: int) -> np.ndarray:
    """First ``n`` coefficients of the polynomial product ``x * y``."""
    x, y = x[:n], y[:n]
    size = sfft.next_fast_len(x.size + y.size - 1, real=True)
    if min(x.size, y.size) <= 64:
        return np.convolve(x, y)[:n]
    out = sfft.irfft(sfft.rfft(x, size) * sfft.rfft(y, size), size)[:n]
    return np.pad(out, (0, n - out.size)) if out.size < n else out


def series_inverse(h: np.ndarray, n: int) -> np.ndarray:
    """First ``n`` coefficients of ``1 / h(x)`` for a power series with ``h[0] != 0`` (Newton iteration).

    Each step doubles the number of correct coefficients: ``g <- g + g (1 - h g) mod x^(2k)``.
    """
    g = np.array([1.0 / h[0]])
    k = 1
    while k < n:
        k2 = min(2 * k, n)
        e = _fft_mul(h[:k2], g, k2)  # h g = 1 + O(x^k)
        corr = _fft_mul(g, e[k:k2], k2 - k)
        g = np.concatenate([g, -corr])
        k = k2
    return g[:n]


def renewal(success: np.ndarray, fail: np.ndarray, weighted: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Output (pmf, Werner-weighted pmf) of a unit restarted after every failure, length ``n``.

    ``pmf = success / (1 - fail)`` and ``weighted / (1 - fail)`` as power series (``fail[0] = 0``).
    """
    h = -fail[:n].copy()
    h[0] += 1.0
    h = np.pad(h, (0, n - h.size))
    g = series_inverse(h, n)
    return _fft_mul(success, g, n), _fft_mul(weighted, g, n)


def _decayed_window_sum(x: np.ndarray, r: float, window: float) -> np.ndarray:
    """``y[t] = sum_{s = t - window}^{t - 1} x[s] r^(t - s)`` (``window`` may be inf)."""
    full = lfilter([0.0, r], [1.0, -r], x)  # sum over all s < t
    if math.isinf(window) or window >= x.size:
        return full
    w = int(window)
    out = full.copy()
    if w + 1 <= x.size - 1:
        out[w + 1 :] -= r**w * full[1 : x.size - w]  # remove s <= t - w - 1: r^w * full[t - w]
    return out


def _pad(x: np.ndarray, n: int) -> np.ndarray:
    return np.pad(x[:n], (0, max(0, n - x.size)))


def swap_attempt(
    a: np.ndarray, b: np.ndarray, n: int, *, p_swap: float, cutoff: float, r: float, keep_window: float | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One swap attempt of two independent inputs: (success, fail, Werner-weighted success), length ``n``.

    Inputs delivered at ``t1, t2`` (distribution ``a``, weighted ``b``); ``d = |t1 - t2|``.

    * ``d <= cutoff``: the swap happens at ``max(t1, t2)``; success with ``p_swap``, output weight
      ``w1 w2 r^d`` (``r = exp(-1/T_coh)``), failure otherwise.
    * ``d > cutoff``: failure at ``min(t1, t2) + cutoff`` (the older link is discarded).
    * ``keep_window`` (``<= cutoff``): pairs with ``keep_window < d <= cutoff`` are discarded at
      ``max(t1, t2)`` without a swap (a fidelity cutoff expressed as a time window; level-1 inputs only).
    """
    a, b = _pad(a, n), _pad(b, n)
    cdf = np.cumsum(a)
    keep = cutoff if keep_window is None else min(keep_window, cutoff)
    near_all = _decayed_window_sum(a, 1.0, cutoff)  # P(other in [t - cutoff, t - 1])
    near_keep = near_all if keep == cutoff else _decayed_window_sum(a, 1.0, keep)
    near_b = _decayed_window_sum(b, r, keep)
    both_all = a * a + 2.0 * a * near_all  # P(max = t, d <= cutoff)
    both_keep = a * a + 2.0 * a * near_keep
    success = p_swap * both_keep
    weighted = p_swap * (b * b + 2.0 * b * near_b)
    fail = both_all - success
    if not math.isinf(cutoff) and cutoff < n:
        c = int(cutoff)
        # min(t1, t2) = m, the other > m + c: failure at t = m + c, probability 2 a(m) (1 - CDF(m + c))
        fail[c:] += 2.0 * a[: n - c] * (1.0 - cdf[c:]) if c > 0 else 2.0 * a * (1.0 - cdf)
    return success, fail, weighted


def distil_attempt(
    a: np.ndarray, b: np.ndarray, n: int, *, cutoff: float, r: float, coefficients: object | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One BBPSSW distillation attempt on two independent Werner links: (success, fail, weighted success).

    Both links must exist (the older waited ``d`` rounds and decayed by ``r^d``); the memory cutoff acts as
    in :func:`swap_attempt`. For Werner inputs ``w1, w2`` (after decay), BBPSSW with twirling succeeds with
    ``p = (1 + w1 w2) / 2`` and outputs ``w' = (w1 + w2 + 4 w1 w2) / (3 (1 + w1 w2))``, so
    ``p w' = (w1 + w2 + 4 w1 w2) / 6``: both are linear in ``w1``, ``w2``, ``w1 w2`` and their expectations
    follow from ``a`` and ``b`` exactly. With noisy gates and readout (Dür et al. 1999) ``p`` and ``p w'`` stay
    bilinear: pass ``coefficients`` from
    :func:`pqms_physics.network.purification.unit.bbpssw_werner_coefficients`; either link is the kept one with
    probability 1/2, so the kept and measured linear coefficients enter as their mean.
    """
    if coefficients is None:  # perfect gates and readout: the closed form above
        c0, c1, c2, d0, d1, d2 = 0.5, 0.0, 0.5, 0.0, 1.0 / 6.0, 2.0 / 3.0
    else:
        k = coefficients
        c0, c1, c2 = k.c0, (k.c_kept + k.c_measured) / 2.0, k.c2
        d0, d1, d2 = k.d0, (k.d_kept + k.d_measured) / 2.0, k.d2
    a, b = _pad(a, n), _pad(b, n)
    cdf = np.cumsum(a)
    near_a = _decayed_window_sum(a, 1.0, cutoff)
    near_b_decayed = _decayed_window_sum(b, r, cutoff)  # older link decayed: sum b(s) r^(t-s)
    both = a * a + 2.0 * a * near_a
    ww = b * b + 2.0 * b * near_b_decayed  # E[w1 w2 r^d 1{max = t}]
    # E[(w_old r^d + w_new) 1{max = t}]: same-round pairs give 2 a b; otherwise old decayed + new fresh
    w_sum = 2.0 * a * b + 2.0 * (a * near_b_decayed + b * near_a)
    success = c0 * both + c1 * w_sum + c2 * ww
    weighted = d0 * both + d1 * w_sum + d2 * ww
    fail = both - success
    if not math.isinf(cutoff) and cutoff < n:
        c = int(cutoff)
        fail[c:] += 2.0 * a[: n - c] * (1.0 - cdf[c:]) if c > 0 else 2.0 * a * (1.0 - cdf)
    return success, fail, weighted


def geometric_link(p: float, w0: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Elementary link: ``P(T = t) = p (1 - p)^(t - 1)`` for ``t >= 1``, Werner ``w0``; length ``n``."""
    t = np.arange(n, dtype=float)
    with np.errstate(divide="ignore"):
        pmf = np.where(t >= 1, p * np.exp((t - 1) * math.log1p(-p)) if p < 1 else (t == 1) * 1.0, 0.0)
    return pmf, w0 * pmf


__all__ = ["distil_attempt", "geometric_link", "renewal", "series_inverse", "swap_attempt"]
