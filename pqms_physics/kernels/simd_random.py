"""Per-pair random setting on the CPU: the ``"random"`` rule of stream v2 with ``S`` = 2 or 4 settings.

The stream (:mod:`.rng`) takes the setting ``s`` of pair ``i`` from the top ``b = log2(S)`` bits of
``u_i`` and the outcome from the next 53 bits; the kernels read ``v = u >> (11 - b) = (s << 53) | r'``
and compare it with the joint thresholds ``J = (s << 53) + T[s, j]`` of *the lane's own setting*:
``v < (s << 53) + T[s, j]`` exactly when ``r' < T[s, j]`` (also for ``T = 0`` and ``T = 2**53``), so
each pair costs the ``K - 1`` compares of one row instead of the ``S*K - 1`` of the joint table.

:func:`w16_chunk` (explicit LLVM vector IR, a Numba ``@intrinsic``; variant "B-w16" of
``benchmarks/random_rule_study.py``) hashes blocks of :data:`LANES` counters; per eight lanes and
threshold it fetches each lane's threshold by a per-lane permute of the ``<S x i64>`` row of that
threshold, compares, and adds the lane's setting weight ``1 << (16 s)`` (permuted the same way) to a
per-lane packed counter: ``S`` 16-bit fields per 64-bit lane. A lane gains at most ``LANES / 8`` per
block, so the fields are summed into int64 every :data:`FLUSH` blocks, before they can overflow.
The permute is chosen when the intrinsic is compiled: ``llvm.x86.avx2.permd`` (``S = 4``) on x86
targets with AVX2 and without AVX-512 (0.55 of the raw generator in the study, against 0.31 for the
joint table), the generic extract/insert form otherwise (0.43 on AVX-512, against 0.21); ``S = 2``
selects between the two entries by the setting bit. On x86 with AVX2 or AVX-512BW the blocks are
counted by :mod:`.simd_narrow` instead (16-bit compares, 0.72-0.86 of the raw generator), chosen at
import (:data:`_counted`), so only one of the two is compiled. The remainder of a segment (fewer pairs
than a block) is counted one pair at a time with the same compares.
"""

from __future__ import annotations

import platform

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic
from numba.np.unsafe.ndarray import to_fixed_tuple

from pqms_physics.kernels import narrow, simd_narrow
from pqms_physics.kernels.rng import DRAW_BITS, GAMMA, MIX_MUL1, MIX_MUL2
from pqms_physics.kernels.simd import LANES, _hash_block, _splat, target_features

#: Lanes per compare (one 512-bit vector of int64).
PART: int = 8
#: Bits per packed per-setting counter; S * FIELD <= 64, so S <= 4.
FIELD: int = 16
#: Blocks per flush: a field gains at most LANES / PART = 8 per block, 8 * 4096 = 32768 < 2**16.
FLUSH: int = 4096
#: Padded thresholds per setting of the packed-counter path (1..4 exact, 5..8 as 8, 9..16 as 16).
WIDTHS: tuple[int, ...] = (1, 2, 3, 4, 8, 16)

_G = np.uint64(GAMMA)
_M1 = np.uint64(MIX_MUL1)
_M2 = np.uint64(MIX_MUL2)
_LOW = np.int64((1 << DRAW_BITS) - 1)
_i32, _i64 = ir.IntType(32), ir.IntType(64)


def permute_mode(n_settings: int) -> str:
    """How :func:`w16_chunk` fetches per-lane entries: ``"select"`` (S = 2), ``"permd"`` (S = 4, x86 with
    AVX2 and without AVX-512) or ``"generic"`` (extract/insert, LLVM picks the lowering)."""
    if n_settings == 2:
        return "select"
    feats = target_features()
    x86 = platform.machine().lower() in ("x86_64", "amd64")
    return "permd" if x86 and "+avx2" in feats and "+avx512f" not in feats else "generic"


def _part(builder, v, p, w):
    return builder.shuffle_vector(v, v, ir.Constant(ir.VectorType(_i32, w), list(range(p, p + w))))


def _concat(builder, vs):
    """Concatenate equal-width vectors (count a power of two) by a shuffle tree."""
    while len(vs) > 1:
        w = vs[0].type.count
        mask = ir.Constant(ir.VectorType(_i32, 2 * w), list(range(2 * w)))
        vs = [builder.shuffle_vector(a, b, mask) for a, b in zip(vs[0::2], vs[1::2], strict=True)]
    return vs[0]


def _permute(builder, tab, idx, mode):
    """``<PART x i64>`` of ``tab[idx[l]]`` (tab: ``<S x i64>``; idx: ``<PART x i64>``, values < S)."""
    w = PART
    if mode == "select":  # S = 2
        one = ir.Constant(ir.VectorType(_i64, w), [0] * w)
        hi = builder.icmp_unsigned("!=", idx, one)
        t0 = _splat(builder, builder.extract_element(tab, ir.Constant(_i32, 0)), idx.type)
        t1 = _splat(builder, builder.extract_element(tab, ir.Constant(_i32, 1)), idx.type)
        return builder.select(hi, t1, t0)
    if mode == "permd":  # vpermd ymm: 8 dwords = 4 qwords of tab, dword indices (2s, 2s + 1) per qword lane
        v8, v4 = ir.VectorType(_i32, 8), ir.VectorType(_i64, 4)
        fn = builder.module.declare_intrinsic("llvm.x86.avx2.permd", fnty=ir.FunctionType(v8, [v8, v8]))
        t8 = builder.bitcast(tab, v8)
        quarters = []
        for h in range(0, w, 4):
            s2 = builder.shl(_part(builder, idx, h, 4), ir.Constant(v4, [1] * 4))
            di = builder.or_(
                builder.or_(s2, builder.shl(s2, ir.Constant(v4, [32] * 4))), ir.Constant(v4, [1 << 32] * 4)
            )
            quarters.append(builder.bitcast(builder.call(fn, [t8, builder.bitcast(di, v8)]), v4))
        return _concat(builder, quarters)
    out = ir.Constant(ir.VectorType(_i64, w), ir.Undefined)
    for lane in range(w):
        k = builder.extract_element(idx, ir.Constant(_i32, lane))
        out = builder.insert_element(out, builder.extract_element(tab, k), ir.Constant(_i32, lane))
    return out


@intrinsic
def w16_chunk(typingctx, x, dx, nb, table, acc):
    """``nb <= FLUSH`` blocks of LANES pairs from counter ``x`` (stride ``dx``), counted per setting.

    ``table``: ``NT*S`` int64, ``table[j*S + s] = (s << 53) + T[s, j + 1]``; ``acc``: ``NT*S + S``
    int64, returned with ``#{lanes of setting s with v < table[j*S + s]}`` added at ``s*NT + j`` and the
    lanes of setting ``s`` at ``NT*S + s``. ``S = len(acc) - len(table)`` must be 2 or 4.
    """
    if not (isinstance(table, types.UniTuple) and isinstance(acc, types.UniTuple)):
        return None
    S = acc.count - table.count
    if S not in (2, 4) or table.count % S:
        return None
    NT = table.count // S
    b = S.bit_length() - 1
    sig = acc(types.uint64, types.uint64, types.int64, table, acc)

    def codegen(context, builder, signature, args):
        xv, dxv, nbv, tv, av = args
        mode = permute_mode(S)
        vt, pt = ir.VectorType(_i64, LANES), ir.VectorType(_i64, PART)
        tabs = []
        for j in range(NT):
            tab = ir.Constant(ir.VectorType(_i64, S), ir.Undefined)
            for s in range(S):
                tab = builder.insert_element(tab, builder.extract_value(tv, j * S + s), ir.Constant(_i32, s))
            tabs.append(tab)
        wtab = ir.Constant(ir.VectorType(_i64, S), [1 << (FIELD * s) for s in range(S)])
        zero = ir.Constant(pt, [0] * PART)
        slots = [cgutils.alloca_once_value(builder, zero) for _ in range(NT + 1)]
        xs = cgutils.alloca_once_value(builder, xv)
        dxw = builder.mul(dxv, ir.Constant(_i64, LANES))
        with cgutils.for_range(builder, nbv):
            xcur = builder.load(xs)
            u, const = _hash_block(builder, xcur, dxv, vt)
            builder.store(builder.add(xcur, dxw), xs)
            v = builder.lshr(u, const(64 - DRAW_BITS - b))  # (s << 53) | r', < 2**55
            sv = builder.lshr(u, const(64 - b))
            accs = [builder.load(sl) for sl in slots]
            for p in range(0, LANES, PART):
                vp, ip = _part(builder, v, p, PART), _part(builder, sv, p, PART)
                w = _permute(builder, wtab, ip, mode)
                for j in range(NT):
                    c = builder.icmp_signed("<", vp, _permute(builder, tabs[j], ip, mode))
                    accs[j] = builder.add(accs[j], builder.select(c, w, zero))
                accs[NT] = builder.add(accs[NT], w)
            for sl, a in zip(slots, accs, strict=True):
                builder.store(a, sl)
        red = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(_i64, [pt]), f"llvm.vector.reduce.add.v{PART}i64"
        )
        out = [builder.extract_value(av, k) for k in range(NT * S + S)]
        fmask = ir.Constant(pt, [(1 << FIELD) - 1] * PART)
        for j in range(NT + 1):
            a = builder.load(slots[j])
            for s in range(S):
                f = builder.and_(builder.lshr(a, ir.Constant(pt, [FIELD * s] * PART)), fmask)
                k = s * NT + j if j < NT else NT * S + s
                out[k] = builder.add(out[k], builder.call(red, [f]))
        return context.make_tuple(builder, signature.return_type, out)

    return sig, codegen


@njit(cache=True)
def _run(x, nb, tab, acc, lt):
    """lt[k] = acc[k] + the counts of nb blocks from counter x (stride GAMMA), FLUSH blocks per chunk."""
    dxw = _G * np.uint64(LANES)
    done = 0
    while done < nb:
        m = min(FLUSH, nb - done)
        acc = w16_chunk(x, _G, m, tab, acc)
        x += dxw * np.uint64(m)
        done += m
    for k in range(len(acc)):
        lt[k] = acc[k]


@njit(cache=True)
def _blocks(x, nb, n_settings, nt, ctab, lt):
    """:func:`_run` with the table as a tuple of the compile-time length nt * n_settings (lt zeroed first)."""
    lt[:] = 0
    if n_settings == 2:
        if nt == 1:
            _run(x, nb, to_fixed_tuple(ctab, 2), to_fixed_tuple(lt, 4), lt)
        elif nt == 2:
            _run(x, nb, to_fixed_tuple(ctab, 4), to_fixed_tuple(lt, 6), lt)
        elif nt == 3:
            _run(x, nb, to_fixed_tuple(ctab, 6), to_fixed_tuple(lt, 8), lt)
        elif nt == 4:
            _run(x, nb, to_fixed_tuple(ctab, 8), to_fixed_tuple(lt, 10), lt)
        elif nt == 8:
            _run(x, nb, to_fixed_tuple(ctab, 16), to_fixed_tuple(lt, 18), lt)
        else:
            _run(x, nb, to_fixed_tuple(ctab, 32), to_fixed_tuple(lt, 34), lt)
    elif nt == 1:
        _run(x, nb, to_fixed_tuple(ctab, 4), to_fixed_tuple(lt, 8), lt)
    elif nt == 2:
        _run(x, nb, to_fixed_tuple(ctab, 8), to_fixed_tuple(lt, 12), lt)
    elif nt == 3:
        _run(x, nb, to_fixed_tuple(ctab, 12), to_fixed_tuple(lt, 16), lt)
    elif nt == 4:
        _run(x, nb, to_fixed_tuple(ctab, 16), to_fixed_tuple(lt, 20), lt)
    elif nt == 8:
        _run(x, nb, to_fixed_tuple(ctab, 32), to_fixed_tuple(lt, 36), lt)
    else:
        _run(x, nb, to_fixed_tuple(ctab, 64), to_fixed_tuple(lt, 68), lt)


@njit(cache=True)
def _w16_counted(x, n, n_settings, nt, ctab, lt):
    """Count the whole blocks of LANES pairs among the n from counter x into lt; the pairs counted."""
    nb = n // LANES
    _blocks(x, nb, n_settings, nt, ctab, lt)
    return nb * LANES


#: The block counter of this process: the narrow keys of :mod:`.simd_narrow` on x86 with AVX2 or
#: AVX-512BW, else the packed counters above (chosen at import, so only one is compiled).
_counted = narrow.narrow_counted if simd_narrow.MODE is not None else _w16_counted


@njit(cache=True, inline="always")
def random_segment(x, n, n_settings, nt, n_outcomes, ctab, out, lt):
    """Add to out (S*K cells, flat s*K + o) the cells of the n consecutive pairs from counter x.

    ctab: :func:`packed_table` (nt thresholds per setting, threshold-major, then the narrow-key flag and
    tables); lt: int64 scratch of at least nt*S + S + :data:`.simd_narrow.TIE_BUFFER` entries.
    """
    nb = _counted(x, n, n_settings, nt, ctab, lt)
    x += _G * np.uint64(nb)
    sh = np.uint64(64 - DRAW_BITS - (1 if n_settings == 2 else 2))
    for _ in range(n - nb):
        z = (x ^ (x >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        v = np.int64((z ^ (z >> np.uint64(31))) >> sh)
        s = v >> DRAW_BITS
        for j in range(nt):
            lt[s * nt + j] += v < ctab[j * n_settings + s]
        lt[nt * n_settings + s] += 1
        x += _G
    for s in range(n_settings):
        below = 0
        for o in range(n_outcomes - 1):
            c = lt[s * nt + o]
            out[s * n_outcomes + o] += c - below
            below = c
        out[s * n_outcomes + n_outcomes - 1] += lt[nt * n_settings + s] - below


def width(n_settings: int, n_outcomes: int, bits: int | None) -> int:
    """Padded thresholds per setting of the packed-counter path, or 0 when it does not apply (``bits``:
    :func:`.rng.setting_bits`; the path takes S = 2 or 4 and at most 16 inner thresholds per row)."""
    if bits not in (1, 2) or n_outcomes - 1 > WIDTHS[-1]:
        return 0
    return next(w for w in WIDTHS if w >= n_outcomes - 1)


def packed_table(table: np.ndarray, n_settings: int, nt: int) -> np.ndarray:
    """``C[j*S + s] = J[s*K + j + 1]`` (``= (s << 53) + T[s, j + 1]``) for ``j < K - 1``, padded with
    ``s << 53`` (counts nothing) to ``nt`` thresholds per setting, then the narrow-key tables
    (:func:`.narrow.narrow_table`) where that path is compiled; one int64 row."""
    k = (table.shape[1] - 1) // n_settings
    c = np.repeat(np.arange(n_settings, dtype=np.int64)[None, :] << DRAW_BITS, nt, axis=0)  # (nt, S)
    for s in range(n_settings):
        c[: k - 1, s] = table[0, s * k + 1 : s * k + k]
    parts = [c.reshape(-1)]
    if simd_narrow.MODE is not None:
        parts.append(narrow.narrow_table(c.T.copy(), n_settings, simd_narrow.MODE).view(np.int64))
    return np.concatenate(parts)[None, :]
