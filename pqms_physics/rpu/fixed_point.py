"""The RPU's fixed-point arithmetic: register widths, restoring division, integer square root, Q16.16 thresholds.

These are the exact integer operations of ``fpga/rpu/rpu.hpp`` and ``fpga/rtl/rpu_core.v``; the golden model
(:mod:`pqms_physics.rpu.model`) builds the window statistics from them. Widths and rounding are explained in the
model's module docstring.
"""

from __future__ import annotations

import math

from pqms_physics.errors import PQMSValueError, check_int, check_nonnegative

COUNT_BITS: int = 20  #: width of each per-window outcome counter
W_MAX: int = 2**COUNT_BITS - 1  #: largest window (pairs); counters cannot overflow
N_SETTINGS: int = 4  #: setting / pool ids in a record (2 bits)
N_OUTCOMES: int = 4  #: joint outcomes ``2*a + b``
FRAC_BITS: int = 16  #: fractional bits of z, E, S and the threshold registers
THRESHOLD_MAX: float = 2.0**16 - 2.0**-FRAC_BITS  #: largest Q16.16 register value
ZSQ_SHIFT: int = 2 * FRAC_BITS + 2  #: zsq = floor(z**2 * 2**ZSQ_SHIFT)
ZSQ_BITS: int = COUNT_BITS + ZSQ_SHIFT  #: zsq < 2**54 since z**2 <= W_MAX
E_QBITS: int = FRAC_BITS + 2  #: quotient bits of floor(|c| 2**17 / n) (< 2**18 as |c| <= n)
TOPK_DEFAULT: int = 10  #: K of the top-k table (template parameter of the HLS core)
MODES: tuple[str, ...] = ("nct", "chsh")  #: mode register 0, 1


def divide_floor(num: int, den: int, qbits: int) -> int:
    """``floor(num / den)`` by restoring long division over ``qbits`` quotient bits.

    Mirror of ``rpu::divide_floor`` in ``fpga/rpu/rpu.hpp``: the remainder starts as
    ``num >> qbits`` and takes one numerator bit per step (one clock in hardware).

    Parameters
    ----------
    num, den : int
        ``num >= 0``, ``den >= 1`` and ``num < den * 2**qbits`` (so the quotient has ``qbits``
        bits).
    qbits : int
        Quotient width, ``>= 1``.

    Examples
    --------
    >>> divide_floor(100, 7, 5)
    14
    """
    num, den = check_int("num", num, 0), check_int("den", den, 1)
    qbits = check_int("qbits", qbits, 1)
    if num >= den << qbits:
        raise PQMSValueError(f"num must be < den * 2**qbits = {den << qbits}, got {num}")
    return _divide_floor(num, den, qbits)


def _divide_floor(num: int, den: int, qbits: int) -> int:
    rem, q = num >> qbits, 0
    for i in range(qbits - 1, -1, -1):
        rem = (rem << 1) | ((num >> i) & 1)
        if rem >= den:
            rem -= den
            q |= 1 << i
    return q


def isqrt_floor(x: int, xbits: int) -> int:
    """``floor(sqrt(x))`` by the binary digit-by-digit method, ``xbits / 2`` steps.

    Mirror of ``rpu::isqrt_floor``: ``bit`` walks the powers of four from ``2**(xbits-2)``; when
    ``rem >= root + bit`` the digit is 1. ``x`` must lie in ``[0, 2**xbits)``, ``xbits`` even.

    Examples
    --------
    >>> isqrt_floor(99, 8)
    9
    """
    xbits = check_int("xbits", xbits, 2)
    if xbits % 2:
        raise PQMSValueError(f"xbits must be even, got {xbits}")
    return _isqrt_floor(check_int("x", x, 0, 2**xbits - 1), xbits)


def _isqrt_floor(x: int, xbits: int) -> int:
    rem, root, bit = x, 0, 1 << (xbits - 2)
    for _ in range(xbits // 2):
        if rem >= root + bit:
            rem -= root + bit
            root = (root >> 1) + bit
        else:
            root >>= 1
        bit >>= 2
    return root


def threshold_raw(name: str, value: float) -> int:
    """Q16.16 register value of a threshold: ``ceil(value * 2**16)``, in ``[0, 2**32)``.

    Rounding up makes every comparison conservative: ``|z| >= raw / 2**16`` implies
    ``|z| >= value``.

    Examples
    --------
    >>> threshold_raw("k_threshold", 1.959964)
    128449
    """
    v = check_nonnegative(name, value)
    if v > THRESHOLD_MAX:
        raise PQMSValueError(f"{name} must be <= {THRESHOLD_MAX} (Q16.16), got {v}")
    return math.ceil(v * 2**FRAC_BITS)


def _round_half_away(q2: int, negative: bool) -> int:
    """From ``q2 = floor(2**(F+1) |x|)``, ``x`` rounded to ``2**-F`` ties away from zero."""
    mag = (q2 + 1) >> 1
    return -mag if negative else mag


__all__ = [
    "COUNT_BITS",
    "W_MAX",
    "N_SETTINGS",
    "N_OUTCOMES",
    "FRAC_BITS",
    "THRESHOLD_MAX",
    "ZSQ_SHIFT",
    "ZSQ_BITS",
    "E_QBITS",
    "TOPK_DEFAULT",
    "MODES",
    "divide_floor",
    "isqrt_floor",
    "threshold_raw",
]
