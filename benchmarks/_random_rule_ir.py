"""LLVM-IR block counters of ``random_rule_study.py`` (issue 15): per-pair random setting from the top bits.

One draw ``u = mix64(x)`` per pair, setting ``s = u >> (64 - b)`` (``S = 2**b`` settings), outcome draw
``r = (u << b) >> 11`` (the next 53 bits). The kernels compare ``r' = u >> (11 - b)`` (``53 + b`` bits,
``s`` on top of ``r``) with prefixed thresholds ``C[s, j] = (s << 53) + T[s, j]``: for a lane of setting
``s``, ``r' < C[s, j]`` exactly when ``r < T[s, j]`` (also for ``T = 0`` and ``T = 2**53``). The threshold of
each lane's own setting is fetched by a per-lane permute of a ``<S x i64>`` table:

- ``generic``: ``extractelement`` / ``insertelement`` per lane (LLVM picks the lowering);
- ``permd``: ``llvm.x86.avx2.permd`` on dword indices ``(2s, 2s + 1)`` (x86 with AVX2 only, ``S = 4``);
- ``none``: no lookup, every lane gets setting 0's entry (timing-only bound; it counts setting 0 only).

Counting: ``m8``/``m64`` (:func:`make_block`) turn the compare masks into 8-bit / 64-bit integers, AND them
with the lanes-of-setting-s mask and ``ctpop``; ``w16`` (:func:`make_chunk`) adds ``1 << (16 s)`` per lane
and threshold into packed 16-bit per-setting counters, flushed every ``FLUSH`` blocks.

``acc`` layout (tuple of int64): ``N[s, j]`` (lanes of setting s with ``r < T[s, j + 1]``) at ``s*NT + j``,
then the setting totals ``N_s`` at ``NT*S + s``.
"""

from __future__ import annotations

import platform

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

from pqms_physics.kernels.simd import _hash_block as _hash
from pqms_physics.kernels.simd import _splat
from pqms_physics.kernels.simd_random import _concat, _part

LANES = 64  # pairs hashed per block, as pqms_physics.kernels.simd.LANES
PW = 8  # lanes per compare (one 512-bit vector)
FIELD = 16  # bits per packed per-setting counter (w16)
FLUSH = 4096  # blocks per w16 chunk: LANES / PW * FLUSH = 32768 < 2**16 increments per field
i32, i64 = ir.IntType(32), ir.IntType(64)


def has_avx2_permd() -> bool:
    """Whether Numba compiles for an x86 target with AVX2 (so ``llvm.x86.avx2.permd`` can be lowered)."""
    from numba.core.registry import cpu_target

    feats = set(cpu_target.target_context.codegen()._tm_features.split(","))
    return platform.machine().lower() in ("x86_64", "amd64") and "+avx2" in feats


def _permute(builder, tab, idx, w, mode):
    """Vector of ``tab[idx[l]]`` for ``l < w`` (tab: ``<S x i64>``, idx: ``<w x i64>`` with values < S)."""
    if mode == "generic":
        out = ir.Constant(ir.VectorType(i64, w), ir.Undefined)
        for lane in range(w):
            k = builder.extract_element(idx, ir.Constant(i32, lane))
            out = builder.insert_element(out, builder.extract_element(tab, k), ir.Constant(i32, lane))
        return out
    if mode == "none":
        return _splat(builder, builder.extract_element(tab, ir.Constant(i32, 0)), ir.VectorType(i64, w))
    if mode == "permd":  # vpermd ymm: 8 dwords = 4 qwords of tab, dword indices (2s, 2s + 1) per qword lane
        v8, v4 = ir.VectorType(i32, 8), ir.VectorType(i64, 4)
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
    raise ValueError(mode)


def _check(S, perm):
    b = S.bit_length() - 1
    if S < 2 or 1 << b != S:
        raise ValueError("S must be a power of two >= 2")
    if perm == "permd" and (S != 4 or not has_avx2_permd()):
        raise ValueError("the permd permute needs S = 4 and an x86 target with AVX2")
    return b


def _tables(builder, tv, S, NT):
    tabs = []
    for j in range(NT):
        tab = ir.Constant(ir.VectorType(i64, S), ir.Undefined)
        for t in range(S):
            tab = builder.insert_element(tab, builder.extract_value(tv, j * S + t), ir.Constant(i32, t))
        tabs.append(tab)
    return tabs


def _sig_ok(table, acc, S, NT):
    return (
        isinstance(table, types.UniTuple)
        and table.count == NT * S
        and isinstance(acc, types.UniTuple)
        and acc.count == NT * S + S
    )


def make_block(S, NT, perm="generic", count="m64"):
    """Intrinsic ``rb(x, dx, table, acc) -> acc'`` for one block of LANES pairs (counts by mask popcount).

    ``table``: NT*S int64, ``table[j*S + s] = C[s, j]``. ``count``: ``m8`` (8-bit masks per compare, setting
    masks by equality) or ``m64`` (the whole block's compare mask as one i64, setting masks from the bits of s,
    the top one read from the sign of u).
    """
    b = _check(S, perm)

    @intrinsic
    def rb(typingctx, x, dx, table, acc):
        if not _sig_ok(table, acc, S, NT):
            return None
        sig = acc(types.uint64, types.uint64, table, acc)

        def codegen(context, builder, signature, args):
            xv, dxv, tv, av = args
            vt = ir.VectorType(i64, LANES)
            u, const = _hash(builder, xv, dxv, vt)
            rp = builder.lshr(u, const(11 - b))  # s | r, 53 + b bits
            sv = builder.lshr(u, const(64 - b))
            tabs = _tables(builder, tv, S, NT)
            acc = [builder.extract_value(av, k) for k in range(NT * S + S)]
            nparts = LANES // PW
            cmps = [[None] * nparts for _ in range(NT)]
            for p in range(nparts):
                rpp, ip = _part(builder, rp, p * PW, PW), _part(builder, sv, p * PW, PW)
                for j in range(NT):
                    cmps[j][p] = builder.icmp_signed("<", rpp, _permute(builder, tabs[j], ip, PW, perm))
            if count == "m64":
                ctpop = builder.module.declare_intrinsic("llvm.ctpop", [i64])
                cm = [builder.bitcast(_concat(builder, cmps[j]), i64) for j in range(NT)]
                zero = ir.Constant(vt, [0] * LANES)
                bits = [builder.bitcast(builder.icmp_signed("<", u, zero), i64)]  # bit b-1 of s: sign of u
                for k in range(1, b):
                    t = builder.and_(sv, const(1 << (b - 1 - k)))
                    bits.append(builder.bitcast(builder.icmp_unsigned("!=", t, zero), i64))
                for s in range(S):
                    m = None
                    for k in range(b):
                        bk = bits[k] if (s >> (b - 1 - k)) & 1 else builder.not_(bits[k])
                        m = bk if m is None else builder.and_(m, bk)
                    for j in range(NT):
                        acc[s * NT + j] = builder.add(acc[s * NT + j], builder.call(ctpop, [builder.and_(cm[j], m)]))
                    acc[NT * S + s] = builder.add(acc[NT * S + s], builder.call(ctpop, [m]))
            elif count == "m8":
                mi = ir.IntType(PW)
                ctpop = builder.module.declare_intrinsic("llvm.ctpop", [mi])
                for p in range(nparts):
                    sp = _part(builder, sv, p * PW, PW)
                    for s in range(S):
                        ms = builder.icmp_unsigned("==", sp, ir.Constant(ir.VectorType(i64, PW), [s] * PW))
                        for j in range(NT):
                            c = builder.call(ctpop, [builder.bitcast(builder.and_(cmps[j][p], ms), mi)])
                            acc[s * NT + j] = builder.add(acc[s * NT + j], builder.zext(c, i64))
                        c = builder.call(ctpop, [builder.bitcast(ms, mi)])
                        acc[NT * S + s] = builder.add(acc[NT * S + s], builder.zext(c, i64))
            else:
                raise ValueError(count)
            return context.make_tuple(builder, signature.return_type, acc)

        return sig, codegen

    return rb


def make_chunk(S, NT, perm="generic"):
    """Intrinsic ``rc(x, dx, nb, table, acc) -> acc'``: ``nb <= FLUSH`` blocks counted in per-lane packed counters.

    Per lane and threshold ``accv_j += W[s]`` if ``r' < C[s, j]``, ``accvN += W[s]``, ``W[s] = 1 << (FIELD*s)``;
    after the nb blocks every field is summed over the lanes into ``acc``. Requires ``S * FIELD <= 64``.
    """
    b = _check(S, perm)
    if S * FIELD > 64:
        raise ValueError("w16 packs S 16-bit counters into one 64-bit lane: S <= 4")

    @intrinsic
    def rc(typingctx, x, dx, nb, table, acc):
        if not _sig_ok(table, acc, S, NT):
            return None
        sig = acc(types.uint64, types.uint64, types.int64, table, acc)

        def codegen(context, builder, signature, args):
            xv, dxv, nbv, tv, av = args
            vt, pt = ir.VectorType(i64, LANES), ir.VectorType(i64, PW)
            tabs = _tables(builder, tv, S, NT)
            wtab = ir.Constant(ir.VectorType(i64, S), [1 << (FIELD * s) for s in range(S)])
            zero = ir.Constant(pt, [0] * PW)
            slots = [cgutils.alloca_once_value(builder, zero) for _ in range(NT + 1)]
            xs = cgutils.alloca_once_value(builder, xv)
            dxw = builder.mul(dxv, ir.Constant(i64, LANES))
            with cgutils.for_range(builder, nbv):
                xcur = builder.load(xs)
                u, const = _hash(builder, xcur, dxv, vt)
                builder.store(builder.add(xcur, dxw), xs)
                rp = builder.lshr(u, const(11 - b))
                sv = builder.lshr(u, const(64 - b))
                accs = [builder.load(sl) for sl in slots]
                for p in range(LANES // PW):
                    rpp, ip = _part(builder, rp, p * PW, PW), _part(builder, sv, p * PW, PW)
                    w = _permute(builder, wtab, ip, PW, perm)
                    for j in range(NT):
                        c = builder.icmp_signed("<", rpp, _permute(builder, tabs[j], ip, PW, perm))
                        accs[j] = builder.add(accs[j], builder.select(c, w, zero))
                    accs[NT] = builder.add(accs[NT], w)
                for sl, a in zip(slots, accs):
                    builder.store(a, sl)
            red = cgutils.get_or_insert_function(
                builder.module, ir.FunctionType(i64, [pt]), f"llvm.vector.reduce.add.v{PW}i64"
            )
            acc = [builder.extract_value(av, k) for k in range(NT * S + S)]
            fmask = ir.Constant(pt, [(1 << FIELD) - 1] * PW)
            for j in range(NT + 1):
                a = builder.load(slots[j])
                for s in range(S):
                    f = builder.and_(builder.lshr(a, ir.Constant(pt, [FIELD * s] * PW)), fmask)
                    k = s * NT + j if j < NT else NT * S + s
                    acc[k] = builder.add(acc[k], builder.call(red, [f]))
            return context.make_tuple(builder, signature.return_type, acc)

        return sig, codegen

    return rc


def block_driver(rb):
    """njit ``run(x, dx, nb, table, acc)``: nb blocks of :func:`make_block`."""

    @njit
    def run(x, dx, nb, table, acc):
        dxw = dx * np.uint64(LANES)
        for _ in range(nb):
            acc = rb(x, dx, table, acc)
            x += dxw
        return acc

    return run


def chunk_driver(rc):
    """njit ``run(x, dx, nb, table, acc)``: nb blocks of :func:`make_chunk`, FLUSH blocks per chunk."""

    @njit
    def run(x, dx, nb, table, acc):
        dxw = dx * np.uint64(LANES)
        done = 0
        while done < nb:
            m = min(FLUSH, nb - done)
            acc = rc(x, dx, m, table, acc)
            x += dxw * np.uint64(m)
            done += m
        return acc

    return run
