"""Drivers of the narrow-key block counters (:mod:`.simd_narrow`): tables, chunks, exact tie corrections.

:func:`narrow_counted` counts the ``"random"`` rule (``S`` = 2 or 4, the packed-counter layout of
:mod:`.simd_random`) and :func:`fixed_counted` one threshold row of a fixed setting (the block counter of
:mod:`.cpu`), both over whole blocks of :data:`.simd_narrow.NLANES` pairs. After each chunk the pairs whose
16-bit key equals a fast threshold (:func:`fast_thresholds`) are re-hashed and their compares redone in
64 bits, replacing the 16-bit verdict: the counts are the stream definition's, bit for bit.
Only compiled where :data:`.simd_narrow.MODE` is set (x86 with AVX2 or AVX-512BW).
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numba.np.unsafe.ndarray import to_fixed_tuple

from pqms_physics.kernels.cpu_search import _mix64
from pqms_physics.kernels.rng import DRAW_BITS, GAMMA
from pqms_physics.kernels.simd_narrow import CHUNK, NLANES, NV, TIE_BUFFER, TW, _cttz, fixed_chunk, random_chunk

_G = np.uint64(GAMMA)


def n_tables(nt: int) -> int:
    """Tables of :func:`narrow_table` for ``nt`` thresholds per setting: the setting weights, then the
    fast thresholds."""
    return nt + 1


def fast_thresholds(joint: np.ndarray, bits: int) -> np.ndarray:
    """``t = min(J >> (37 + b), 65535)``: ``v < J`` is ``k < t`` unless ``k == t`` (``k = u >> 48``,
    ``v = u >> (11 - b)``). For ``k != t``: if the low bits of J are zero, ``v < J`` iff ``k < J >> (37 + b)``;
    otherwise ``k == J >> (37 + b) == t`` is the only key the high bits cannot decide; and ``J >> (37 + b)``
    exceeds 65535 only for ``J = S << 53``, where every key (65535 included, a flagged one) is below."""
    return np.minimum(joint >> (48 - (64 - DRAW_BITS - bits)), 0xFFFF)


def narrow_table(joint: np.ndarray, n_settings: int, mode: str) -> np.ndarray:
    """The int16 tables of :func:`narrow_chunk` (``n_tables(nt) * 32`` words) for joint thresholds
    ``joint[s, j] = (s << 53) + T[s, j + 1]`` (shape (S, nt))."""
    bits = n_settings.bit_length() - 1
    nt = joint.shape[1]
    fast = fast_thresholds(joint, bits)
    tab = np.zeros((n_tables(nt), TW), dtype=np.int64)
    if mode == "permw":  # index i = k >> 11 (top five bits of k): setting i >> (5 - b)
        s_of = np.arange(TW) >> (5 - bits)
        tab[0] = 1 << (4 * s_of)
        tab[1:] = fast[s_of].T
    else:  # byte tables of vpshufb: index s2 = k >> 14, low bytes at s2, high bytes at s2 + 4
        s_of = np.arange(4) >> (2 - bits)

        def bytes_of(vals):
            b16 = np.zeros(16, dtype=np.int64)
            b16[:4], b16[4:8] = vals & 0xFF, (vals >> 8) & 0xFF
            b64 = np.tile(b16, 4)
            return b64[0::2] | (b64[1::2] << 8)

        tab[0] = bytes_of(1 << (4 * s_of))
        for j in range(nt):
            tab[1 + j] = bytes_of(fast[s_of, j] ^ 0x8000)
    return tab.astype(np.uint16).view(np.int16).ravel()


@njit(cache=True)
def _pair(x, dx, rec, i):
    """(counter of the pair, remaining mask word) for the lowest flagged lane of mask word ``rec``."""
    p = _cttz(rec)
    vec, bit = 2 * i + p // 32, p % 32
    return x + np.uint64((4 * vec + bit % 4) * 8 + bit // 4) * dx, rec & (rec - np.uint64(1))


@njit(cache=True)
def _fix(x, rec, n_settings, nt, ctab, lt):
    """Exact counts of the flagged lanes of one tie record (random rule): lt[s*nt + j] += [v < J] - [k < t]."""
    bits = 1 if n_settings == 2 else 2
    sv, ss, sk = np.uint64(11 - bits), np.uint64(64 - bits), 37 + bits
    for i in range(NV // 2):
        word = np.uint64(rec[i])
        while word != 0:
            z, word = _pair(x, _G, word, i)
            u = _mix64(z)
            v, s, k = np.int64(u >> sv), np.int64(u >> ss), np.int64(u >> np.uint64(48))
            for j in range(nt):
                jv = ctab[j * n_settings + s]
                lt[s * nt + j] += (v < jv) - (k < min(jv >> sk, 0xFFFF))


@njit(cache=True)
def _run(x, nb, n_settings, nt, ctab, lt, acc):
    """lt[:nt*S + S] = the counts (packed-counter layout) of nb blocks from counter x; acc: zeros."""
    tab = np.uint64(ctab[nt * n_settings :].ctypes.data)
    buf = lt[lt.size - TIE_BUFFER :]
    bufp = np.uint64(buf.ctypes.data)
    lt[: nt * n_settings + n_settings] = 0
    dxb = _G * np.uint64(NLANES)
    done = 0
    while done < nb:
        m = min(CHUNK, nb - done)
        acc = random_chunk(x, _G, m, tab, bufp, acc)
        for r in range(0, acc[len(acc) - 1], 1 + NV // 2):
            _fix(x + dxb * np.uint64(buf[r]), buf[r + 1 :], n_settings, nt, ctab, lt)
        x += dxb * np.uint64(m)
        done += m
    for s in range(n_settings):
        for j in range(nt + 1):
            k = s * nt + j if j < nt else nt * n_settings + s
            lt[k] += acc[s * (nt + 1) + j]


@njit(cache=True, inline="always")
def _blocks(x, nb, n_settings, nt, ctab, lt):
    """:func:`_run` with the accumulator tuple of the compile-time width nt (1, 2, 3, 4, 8 or 16)."""
    z = np.zeros(4 * 17 + 1, dtype=np.int64)
    if nt == 1:
        _run(x, nb, n_settings, nt, ctab, lt, to_fixed_tuple(z, 9))
    elif nt == 2:
        _run(x, nb, n_settings, nt, ctab, lt, to_fixed_tuple(z, 13))
    elif nt == 3:
        _run(x, nb, n_settings, nt, ctab, lt, to_fixed_tuple(z, 17))
    elif nt == 4:
        _run(x, nb, n_settings, nt, ctab, lt, to_fixed_tuple(z, 21))
    elif nt == 8:
        _run(x, nb, n_settings, nt, ctab, lt, to_fixed_tuple(z, 37))
    else:
        _run(x, nb, n_settings, nt, ctab, lt, to_fixed_tuple(z, 69))


@njit(cache=True, inline="always")
def narrow_counted(x, n, n_settings, nt, ctab, lt):
    """Count the whole blocks of NLANES pairs among the n from counter x into lt[:nt*S + S] (packed-counter
    layout of :mod:`.simd_random`; ctab: its :func:`.simd_random.packed_table` row; the tie buffer is the
    last TIE_BUFFER words of lt); the pairs counted."""
    nb = n // NLANES
    _blocks(x, nb, n_settings, nt, ctab, lt)
    return nb * NLANES


@njit(cache=True)
def fixed_counted(x, dx, n, ts, lt, buf):
    """lt[j] += #(r < ts[j]) over the whole blocks of NLANES pairs among the n draws r = u >> 11 from
    counter x, stride dx (ts: tuple of thresholds; buf: at least TIE_BUFFER int64); the pairs counted."""
    nb = n // NLANES
    bufp = np.uint64(buf.ctypes.data)
    dxb = dx * np.uint64(NLANES)
    sk = 48 - (64 - DRAW_BITS)
    done = 0
    while done < nb:
        m = min(CHUNK, nb - done)
        res = fixed_chunk(x, dx, m, ts, bufp)
        for j in range(len(ts)):
            lt[j] += res[j]
        for r in range(0, res[len(ts)], 1 + NV // 2):
            xb = x + dxb * np.uint64(buf[r])
            for i in range(NV // 2):
                word = np.uint64(buf[r + 1 + i])
                while word != 0:
                    z, word = _pair(xb, dx, word, i)
                    u = _mix64(z)
                    r53, k = np.int64(u >> np.uint64(64 - DRAW_BITS)), np.int64(u >> np.uint64(48))
                    for j in range(len(ts)):
                        lt[j] += (r53 < ts[j]) - (k < min(ts[j] >> sk, 0xFFFF))
        x += dxb * np.uint64(m)
        done += m
    return nb * NLANES
