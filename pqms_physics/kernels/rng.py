"""The counter-based random stream of the Monte Carlo kernels, and how a draw picks a cell.

This module is the *stream*; the samplers (:mod:`.cpu`, :mod:`.cuda`, :mod:`.reference`) only
consume it. What is written here is a promise to users: the same ``(seed, stream, probs,
setting_choice, total_pairs)`` gives the same counts on any thread count, any chunking, any
sharding into ``[start, start + pairs)`` ranges, and on CPU, NumPy and GPU. The stream is named
``STREAM_VERSION = "splitmix64-53bit-v2"`` and recorded in every result; any change to what
follows gets a new name.

The stream, exactly (all arithmetic modulo 2**64)
-------------------------------------------------
SplitMix64 constants (Steele, Lea & Flood 2014)::

    GAMMA = 0x9E3779B97F4A7C15
    mix64(z): z ^= z >> 30; z *= 0xBF58476D1CE4E5B9
              z ^= z >> 27; z *= 0x94D049BB133111EB
              z ^= z >> 31

Key of a run, for integers ``seed`` and ``stream`` in ``[0, 2**64 - 1]``::

    key = mix64(mix64(seed + GAMMA) ^ mix64(stream + 2 * GAMMA))

Draw of pair ``i`` (0-based *global* pair index of the run)::

    u_i = mix64(key + (i + 1) * GAMMA)      # the i-th output of SplitMix64 started at state key
    r_i = u_i >> 11                         # top 53 bits: an integer uniform on [0, 2**53)

Each pair uses exactly one draw, whatever the setting rule, so pair ``i``'s draw does not depend on
how the work is split.

Cells and thresholds
--------------------
A probability vector ``p`` over ``C`` cells becomes integer thresholds ``T_0 = 0 <= T_1 <= ... <=
T_C = 2**53`` with ``T_j = min(rint(cumsum(p)[j-1] * 2**53), 2**53)`` (``np.cumsum`` in float64,
round half to even), and ``T_j = 2**53`` from the last non-zero cell on. Cell ``c`` is drawn iff
``T_c <= r_i < T_{c+1}``; a zero-probability cell has ``T_c = T_{c+1}`` and is never drawn. The
sampled probabilities are therefore ``q_c = (T_{c+1} - T_c) / 2**53``: multiples of ``2**-53``
that sum to exactly 1, with ``|q_c - p_c| <= (2*C + 1) * 2**-52`` (float division and cumsum
rounding plus the final rounding to the grid), except that the last non-zero cell also absorbs the
row's deviation ``|sum(p) - 1| <= 1e-12``. The kernels compare 53-bit integers only; no float
arithmetic happens per pair.

For probabilities ``probs`` of shape ``(S, K)`` (row ``s`` = outcome distribution given setting
``s``) and the setting rules of :data:`SETTING_CHOICES`:

- ``"random"`` with ``S = 2**b`` settings, ``0 <= b <= 10`` (``S = 1, 2, 4, ..., 1024``):
  the setting is the top ``b`` bits of the draw and the outcome is drawn from the next 53 bits
  against row ``s``::

      s_i  = u_i >> (64 - b)                  # (s_i = 0 when b = 0)
      r'_i = (u_i << b) >> 11                 # 53 bits, uniform on [0, 2**53) given s_i

  so each setting has probability exactly ``1/S`` per pair. Equivalently (this is how the samplers
  count it), the joint table ``C = S*K`` on ``v_i = u_i >> (11 - b) = (s_i << 53) | r'_i``, an
  integer uniform on ``[0, S * 2**53)``, with joint thresholds ``J_{s*K + j} = (s << 53) + T[s, j]``
  (``j = 0..K-1``, ``T[s]`` the thresholds of row ``s``) and ``J_{S*K} = S << 53``: cell ``s*K + o``
  is drawn iff ``J_{s*K+o} <= v_i < J_{s*K+o+1}``, i.e. ``s_i = s`` and
  ``T[s, o] <= r'_i < T[s, o+1]``. For ``S = 1`` this is ``r_i`` on the row's thresholds (as in v1);
- ``"random"`` with ``S`` not a power of two (or ``S > 1024``): as in ``"splitmix64-53bit-v1"``, one
  draw ``r_i`` picks setting and outcome together from the joint table ``p(s, o) = probs[s, o] / S``
  flattened setting-major (cell ``s*K + o``; ``C = S*K``, thresholds from the ``2**53`` grid as
  above), so each setting has probability ``1/S`` only up to the ``2**-53`` grid and the rounding
  of the cumulative sums;
- ``"cyclic"``: setting ``i mod S``, outcome from row ``s`` (``C = K``);
- ``"blocks"``: setting ``i // (total_pairs // S)`` (``total_pairs`` divisible by ``S``).

How the samplers read the stream (no part of the definition above)
-----------------------------------------------------------------
The CPU kernel (:mod:`.cpu`) hashes 64 consecutive counters at a time and counts, per threshold
``T_j`` of the row, the draws ``r_i < T_j`` (``v_i < J_j`` for ``"random"``), cells being
differences of these counts; rows with more than 32 thresholds find each draw's cell through a
guide table. For ``"random"`` with ``S`` = 2 or 4 and at most 16 inner thresholds per row it counts, per setting, the
draws ``v_i < J`` of each lane's own setting in packed per-lane counters (:mod:`.simd_random`; on
x86 with AVX2 or AVX-512BW on the top 16 bits of the draws, the undecided keys recounted exactly:
:mod:`.simd_narrow`).
The CUDA kernel counts the same way per GPU thread (on the joint table); the NumPy twin
(:mod:`.reference`) bisects each draw's threshold row. These are three readings of one definition,
so they give identical counts; the pinned known answers in
``tests/kernels/data/pinned_counts.csv`` (written from this docstring with Python integers) hold
all of them to it.

A fixed rule costs ``K - 1`` threshold compares per pair. Stream v1 (``"splitmix64-53bit-v1"``)
drew the ``"random"`` rule from the joint table on ``r_i`` for every ``S`` (``S*K - 1`` compares per
pair, 0.2-0.3 of the raw generator); v2 takes the setting from the top bits for power-of-two ``S``,
so the CPU kernel compares each draw with ``K - 1`` thresholds of its own setting, fetched by a
per-lane permute (``benchmarks/README.md``, "Random setting rule"). The cells of the fixed rules,
of ``S = 1`` and of non-power-of-two ``S`` are the same in v1 and v2. For ``S = 2**b >= 2`` the two
definitions pick the same cell except for draws within a few grid steps of a threshold (v1 rounds
``cumsum(probs / S)`` on the ``2**53`` grid, v2 each row's own cumsum), so counts rarely differ,
but v2 is a new definition: its settings are exactly uniform and its threshold tables differ.

Statistical quality and caveats
-------------------------------
The draws of one run are the SplitMix64 output sequence from state ``key``. SplitMix64 passes
TestU01 BigCrush (Steele et al. 2014; Vigna's notes), and the ``mix64`` finaliser is a bijection
of 64-bit words. This package's tests check the counts against the exact probabilities with
chi-square tests at 1e7 pairs over several seeds, compare them with
``numpy.random.Generator.multinomial``, and test serial independence of successive pairs; they do
not replace a BigCrush run. Two runs with keys ``k1 != k2`` walk the *same* Weyl sequence offset by
``m = (k2 - k1) * GAMMA**-1 mod 2**64`` positions; for keys from the hash above, overlapping
windows of ``n`` pairs occur with probability about ``2 n / 2**64`` (1e-8 at n = 1e11).

References
----------
G. L. Steele, D. Lea, C. H. Flood, "Fast splittable pseudorandom number generators",
OOPSLA 2014, doi:10.1145/2660193.2660195.
S. Vigna, "splitmix64.c" (public domain reference), https://prng.di.unimi.it/splitmix64.c.
J. K. Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011 (counter-based RNGs).

Examples
--------
>>> from pqms_physics.kernels.rng import stream_key, draw, thresholds
>>> key = stream_key(seed=7)
>>> 0 <= draw(key, 0) < 2**53
True
>>> thresholds([[0.5, 0.5]], "cyclic").tolist()
[[0, 4503599627370496, 9007199254740992]]
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

from pqms_physics.conventions import PROB_SUM_ATOL
from pqms_physics.errors import PQMSValueError, check_choice, check_seed

#: Name of the stream defined above; recorded in every SampleCounts.
STREAM_VERSION: str = "splitmix64-53bit-v2"
#: SplitMix64 increment (odd; 2**64 / golden ratio).
GAMMA: int = 0x9E3779B97F4A7C15
#: First and second multipliers of the mix64 finaliser.
MIX_MUL1: int = 0xBF58476D1CE4E5B9
MIX_MUL2: int = 0x94D049BB133111EB
#: Number of random bits used per pair, and the size of the integer grid.
DRAW_BITS: int = 53
DRAW_ONE: int = 1 << DRAW_BITS
_MASK64: int = (1 << 64) - 1

#: Largest b for which "random" with S = 2**b settings takes the setting from the top b bits (v < 2**63).
MAX_SETTING_BITS: int = 10

#: Setting rules (see module docstring), and their integer codes in the kernels.
SETTING_CHOICES: tuple[str, ...] = ("random", "cyclic", "blocks")
RULE_CODES: dict[str, int] = {"random": 0, "cyclic": 1, "blocks": 2}


def mix64(z: int) -> int:
    """SplitMix64 finaliser of a 64-bit word (Python integers, exact).

    Parameters
    ----------
    z : int
        Any integer; it is reduced modulo ``2**64`` first.

    Returns
    -------
    int
        ``mix64(z)`` in ``[0, 2**64)`` (see the module docstring for the formula).

    Examples
    --------
    >>> mix64(1234567 + GAMMA)  # first SplitMix64 output for state 1234567
    6457827717110365317
    """
    z &= _MASK64
    z = ((z ^ (z >> 30)) * MIX_MUL1) & _MASK64
    z = ((z ^ (z >> 27)) * MIX_MUL2) & _MASK64
    return z ^ (z >> 31)


def mix64_array(z: np.ndarray) -> np.ndarray:
    """:func:`mix64` of a ``uint64`` array, with NumPy's wrap-around integer arithmetic.

    Examples
    --------
    >>> int(mix64_array(np.array([1234567 + GAMMA], dtype=np.uint64))[0])
    6457827717110365317
    """
    z = np.asarray(z, dtype=np.uint64)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(MIX_MUL1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(MIX_MUL2)
    return z ^ (z >> np.uint64(31))


def stream_key(seed: int, stream: int = 0) -> int:
    """Key of the stream ``(seed, stream)``: ``mix64(mix64(seed + GAMMA) ^ mix64(stream + 2*GAMMA))``.

    Parameters
    ----------
    seed : int
        Run seed, in ``[0, 2**64 - 1]``.
    stream : int, optional
        Sub-stream number in ``[0, 2**64 - 1]``; different values give independent streams for
        the same seed (e.g. successive bits of a signalling trial).

    Returns
    -------
    int
        The key, in ``[0, 2**64)``.

    Examples
    --------
    >>> stream_key(1) != stream_key(1, stream=1)
    True
    """
    seed = check_seed("seed", seed)
    stream = check_seed("stream", stream)
    return mix64(mix64(seed + GAMMA) ^ mix64(stream + 2 * GAMMA))


def draw(key: int, i: int) -> int:
    """The 53-bit draw ``r_i = mix64(key + (i + 1) * GAMMA) >> 11`` of global pair ``i``.

    Examples
    --------
    >>> draw(1234567, 0) == 6457827717110365317 >> 11
    True
    """
    return mix64(key + (i + 1) * GAMMA) >> (64 - DRAW_BITS)


def draws(key: int, start: int, n: int, step: int = 1, shift: int = 64 - DRAW_BITS) -> np.ndarray:
    """Draws ``u_i >> shift`` for ``i = start, start + step, ..., start + (n-1)*step`` as an int64 array.

    The default shift gives ``r_i`` (the NumPy form of :func:`draw`); ``shift=draw_shift(S, "random")``
    gives the ``v_i`` of the random rule. Used by the reference twin (``n`` elements are
    materialised: keep ``n`` small). ``shift`` must be ``>= 1`` (int64 output).
    """
    i = start + step * np.arange(n, dtype=np.uint64)
    x = np.uint64(key) + (i + np.uint64(1)) * np.uint64(GAMMA)
    return (mix64_array(x) >> np.uint64(shift)).astype(np.int64)


def setting_bits(n_settings: int, setting_choice: str) -> int | None:
    """``b`` when the ``"random"`` rule takes the setting from the top ``b`` bits (``S = 2**b``,
    ``b <= MAX_SETTING_BITS``), else None (other rules, or the v1 joint table on ``r_i``).

    Examples
    --------
    >>> setting_bits(4, "random"), setting_bits(3, "random"), setting_bits(4, "cyclic")
    (2, None, None)
    """
    b = n_settings.bit_length() - 1
    if setting_choice != "random" or n_settings != 1 << b or b > MAX_SETTING_BITS:
        return None
    return b


def draw_shift(n_settings: int, setting_choice: str) -> int:
    """Right shift of ``u_i`` that gives the integer the kernels compare with the threshold row:
    ``11 - b`` for the top-bits random rule (``v_i``), else ``11`` (``r_i``).

    Examples
    --------
    >>> draw_shift(4, "random"), draw_shift(3, "random"), draw_shift(4, "blocks")
    (9, 11, 11)
    """
    b = setting_bits(n_settings, setting_choice)
    return 64 - DRAW_BITS - (b or 0)


def validate_probs(probs: Any) -> np.ndarray:
    """Validate a probability table of shape ``(S, K)`` and return it as read-only float64.

    Rows are outcome distributions given the setting: finite, ``>= 0``, each summing to 1 within
    :data:`~pqms_physics.conventions.PROB_SUM_ATOL` (1e-12); ``S >= 1``, ``K >= 2``. Nothing is
    clipped or renormalised.
    """
    try:
        p = np.array(probs, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise PQMSValueError(f"probs must be a real array of shape (settings, outcomes), got {probs!r}") from exc
    if p.ndim != 2:
        raise PQMSValueError(f"probs must be a 2-D array of shape (settings, outcomes), got shape {p.shape}")
    s, k = p.shape
    if s < 1:
        raise PQMSValueError(f"probs must have >= 1 setting (rows), got shape {p.shape}")
    if k < 2:
        raise PQMSValueError(f"probs must have >= 2 outcomes (columns), got shape {p.shape}")
    if not np.all(np.isfinite(p)):
        raise PQMSValueError(f"probs must be finite, got {p.tolist()}")
    if np.any(p < 0):
        bad = tuple(int(x) for x in np.argwhere(p < 0)[0])
        raise PQMSValueError(f"probs must be >= 0, got probs[{bad[0]}, {bad[1]}] = {float(p[bad])!r}")
    dev = np.abs(p.sum(axis=1) - 1.0)
    if np.any(dev > PROB_SUM_ATOL):
        row = int(np.argmax(dev))
        raise PQMSValueError(
            f"probs rows must sum to 1 within {PROB_SUM_ATOL}, got row {row} summing to {float(p[row].sum())!r}"
        )
    p.flags.writeable = False
    return p


def _cell_thresholds(p: np.ndarray) -> np.ndarray:
    """Integer thresholds ``T_0..T_C`` of one validated probability vector (module docstring)."""
    cum = np.cumsum(p)
    nonzero = np.flatnonzero(p)
    cum[nonzero[-1] :] = 1.0  # the last non-zero cell ends exactly at 2**53
    t = np.empty(p.size + 1, dtype=np.int64)
    t[0] = 0
    t[1:] = np.minimum(np.rint(cum * float(DRAW_ONE)), float(DRAW_ONE)).astype(np.int64)
    return t


def thresholds(probs: Any, setting_choice: str) -> np.ndarray:
    """The integer threshold table the kernels compare draws against.

    Parameters
    ----------
    probs : array_like, shape (S, K)
        Outcome probabilities given each setting (validated by :func:`validate_probs`).
    setting_choice : {"random", "cyclic", "blocks"}
        Setting rule (module docstring).

    Returns
    -------
    numpy.ndarray of int64
        Shape ``(S, K + 1)`` for ``"cyclic"`` and ``"blocks"`` (one row per setting, from 0 to
        ``2**53``) and ``(1, S*K + 1)`` for ``"random"``: for ``S = 2**b`` (``b <= 10``) the joint
        thresholds ``J_{s*K + j} = (s << 53) + T[s, j]``, ``J_{S*K} = S << 53``, on ``v_i``; for other
        ``S`` the thresholds of the joint table ``probs / S`` flattened setting-major, from 0 to
        ``2**53``, on ``r_i`` (module docstring). Every row starts at 0 and is non-decreasing.

    Notes
    -----
    ``T_j = min(rint(cumsum(p)[j-1] * 2**53), 2**53)``; from the last non-zero cell on,
    ``T_j = 2**53``. The sampled probability of cell ``c`` is ``(T_{c+1} - T_c) / 2**53``
    (``(J_{c+1} - J_c) / 2**53 / S`` for the top-bits random rule).

    Examples
    --------
    >>> thresholds([[0.25, 0.75], [1.0, 0.0]], "random").tolist()[0][-3:]
    [9007199254740992, 18014398509481984, 18014398509481984]
    >>> thresholds([[0.5, 0.5]] * 3, "random").tolist()[0][-2:]
    [7505999378950826, 9007199254740992]
    """
    p = validate_probs(probs)
    check_choice("setting_choice", setting_choice, SETTING_CHOICES)
    b = setting_bits(p.shape[0], setting_choice)
    if b is not None:
        rows = np.stack([_cell_thresholds(row) for row in p])  # (S, K + 1), each 0 .. 2**53
        offsets = np.arange(p.shape[0], dtype=np.int64)[:, None] << DRAW_BITS
        table = np.append((rows[:, :-1] + offsets).ravel(), np.int64(p.shape[0]) << DRAW_BITS)[None, :]
    elif setting_choice == "random":
        table = _cell_thresholds((p / p.shape[0]).ravel())[None, :]
    else:
        table = np.stack([_cell_thresholds(row) for row in p])
    table.flags.writeable = False
    return table


def table_hash(table: np.ndarray) -> str:
    """Short SHA-256 digest of a threshold table (shape and values), used to refuse merging shards
    that sampled different probability tables."""
    h = hashlib.sha256(repr(table.shape).encode())
    h.update(np.ascontiguousarray(table, dtype="<i8").tobytes())
    return h.hexdigest()[:16]
