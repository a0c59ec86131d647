"""Narrow-key counting of the ``"random"`` rule (stream v2, ``S`` = 2 or 4) on x86 with AVX-512BW or AVX2.

The packed counters of :mod:`.simd_random` compare each pair's 64-bit ``v = u >> (11 - b)`` with its own
setting's joint thresholds ``J`` (:func:`.simd_random.packed_table`): eight pairs per 512-bit compare, and
a per-lane lookup of every threshold. Here the compares run on the *top 16 bits* ``k = u >> 48`` of the
draws, 32 pairs per compare: ``v < J`` is decided by ``k < t`` with the fast threshold
``t = min(J >> (37 + b), 65535)`` for every key but ``k == t`` (:func:`fast_thresholds`). Keys equal to a
fast threshold of their setting are flagged in the same pass (one equality compare per threshold, ORed
over the block and tested once), and :func:`_fix` recounts those pairs exactly afterwards (re-hashed,
compared in 64 bits): the counts are those of the stream definition, bit for bit, for any table. About one
pair in ``2**14 / (K - 1)`` is flagged. Counts go to four 4-bit fields (one per setting) of per-lane 16-bit
counters, flushed into 8-bit fields every :data:`GROUP` blocks and summed into int64 every :data:`CHUNK`.
The top 31 bits of ``mix64`` do not depend on its last xor-shift, so the block hash stops before it.

Two lowerings, chosen when the intrinsic is compiled (:func:`narrow_mode`; the tables follow it):

- ``"permw"`` (AVX-512BW): the lane's thresholds and setting weight fetched by ``vpermw`` from 32-entry
  tables indexed by the top five bits of ``k``; unsigned word compares;
- ``"pshufb"`` (AVX2): byte tables indexed by the setting (``vpshufb``, low bytes at ``s``, high bytes at
  ``s + 4``); the keys compared as signed words (``k ^ 0x8000`` against ``t ^ 0x8000``).

Elsewhere (no AVX2, other architectures) :mod:`.simd_random` keeps its packed counters. On Zen 4 this
path counts the 4 x 4 random rule at 0.72-0.76 of the raw generator (AVX-512) and 0.86 (AVX2), against
0.41 / 0.53 for the packed counters (``benchmarks/README.md``). Tests: ``tests/kernels/test_kernels_narrow.py``
(the fast-threshold law for every input, counts with flagged lanes against the per-pair definition, the
flushes) and the other instruction sets compiled in subprocesses (``test_kernels_random_v2.py``).
"""

from __future__ import annotations

import platform

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic
from numba.np.unsafe.ndarray import to_fixed_tuple

from pqms_physics.kernels.rng import DRAW_BITS, GAMMA, MIX_MUL1, MIX_MUL2
from pqms_physics.kernels.simd import _signed64, _splat, target_features

#: Pairs hashed per block (4 vectors of 32 keys).
NLANES: int = 128
#: Keys per compare (a <32 x i16> vector: one zmm, or two ymm on AVX2).
KV: int = 32
#: Key vectors per block.
NV: int = NLANES // KV
#: Blocks per nibble flush: a 4-bit field gains at most NV per block, GROUP * NV <= 15.
GROUP: int = 15 // NV
#: Blocks per call of :func:`narrow_chunk`: the 8-bit fields gain at most GROUP * NV = 12 per flush.
CHUNK: int = GROUP * (255 // (GROUP * NV))
#: Words per table (one <32 x i16> vector).
TW: int = 32
#: int64 words of the tie-record buffer of one chunk: (block, NV // 2 masks) per flagged block, at most.
TIE_BUFFER: int = (1 + NV // 2) * CHUNK

_i8, _i16, _i32, _i64 = ir.IntType(8), ir.IntType(16), ir.IntType(32), ir.IntType(64)
_K = ir.VectorType(_i16, KV)
_P = ir.VectorType(_i64, 8)
_G, _M1, _M2 = np.uint64(GAMMA), np.uint64(MIX_MUL1), np.uint64(MIX_MUL2)


def narrow_mode() -> str | None:
    """``"permw"`` (x86 with AVX-512BW), ``"pshufb"`` (x86 with AVX2 and without AVX-512BW) or ``None``,
    for the CPU features Numba compiles for."""
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return None
    feats = target_features()
    if "+avx512bw" in feats:
        return "permw"
    return "pshufb" if "+avx2" in feats else None


def _c16(v: int):
    return ir.Constant(_K, [v & 0xFFFF] * KV)


def _c64(v: int):
    return ir.Constant(_P, [_signed64(v)] * 8)


def _keys(builder, xv, dxv):
    """The NV key vectors ``k = mix64(x + l*dx) >> 48`` of a block (lane order: see :func:`lane_of`)."""
    vt = ir.VectorType(_i64, NLANES)
    const = lambda v: ir.Constant(vt, [_signed64(v)] * NLANES)  # noqa: E731
    z = builder.add(
        _splat(builder, xv, vt), builder.mul(_splat(builder, dxv, vt), ir.Constant(vt, list(range(NLANES))))
    )
    z = builder.mul(builder.xor(z, builder.lshr(z, const(30))), const(MIX_MUL1))
    z = builder.mul(builder.xor(z, builder.lshr(z, const(27))), const(MIX_MUL2))  # top 31 bits as mix64
    part = lambda p: builder.shuffle_vector(z, z, ir.Constant(ir.VectorType(_i32, 8), list(range(8 * p, 8 * p + 8))))  # noqa: E731
    keys = []
    for h in range(NV):
        a, b, c, d = (part(4 * h + f) for f in range(4))  # word f of each 64-bit lane from part f
        lo = builder.or_(builder.lshr(a, _c64(48)), builder.and_(builder.lshr(b, _c64(32)), _c64(0xFFFF0000)))
        hi = builder.or_(
            builder.and_(d, _c64(0xFFFF << 48)), builder.and_(builder.lshr(c, _c64(16)), _c64(0xFFFF << 32))
        )
        keys.append(builder.bitcast(builder.or_(lo, hi), _K))
    return keys


def lane_of(vector: int, bit: int) -> int:
    """Block lane (pair offset, 0..127) of bit ``bit`` of key vector ``vector``'s tie mask."""
    return (4 * vector + bit % 4) * 8 + bit // 4


class _Lookup:
    """Per-lane table lookups of one key vector, for the mode."""

    def __init__(self, builder, mode, k):
        self.b, self.mode = builder, mode
        if mode == "permw":
            self.fn = builder.module.declare_intrinsic(
                "llvm.x86.avx512.permvar.hi.512", fnty=ir.FunctionType(_K, [_K, _K])
            )
            self.idx = builder.lshr(k, _c16(11))
        else:
            v32 = ir.VectorType(_i8, 32)
            self.fn = builder.module.declare_intrinsic("llvm.x86.avx2.pshuf.b", fnty=ir.FunctionType(v32, [v32, v32]))
            s2 = builder.lshr(k, _c16(14))
            self.idx = builder.bitcast(
                builder.or_(builder.or_(s2, builder.shl(s2, _c16(8))), _c16(0x0400)), ir.VectorType(_i8, 64)
            )

    def __call__(self, tab):
        b = self.b
        if self.mode == "permw":
            return b.call(self.fn, [tab, self.idx])
        t8 = b.bitcast(tab, ir.VectorType(_i8, 64))
        halves = []
        for h in (0, 32):
            sel = ir.Constant(ir.VectorType(_i32, 32), list(range(h, h + 32)))
            halves.append(b.call(self.fn, [b.shuffle_vector(t8, t8, sel), b.shuffle_vector(self.idx, self.idx, sel)]))
        both = b.shuffle_vector(halves[0], halves[1], ir.Constant(ir.VectorType(_i32, 64), list(range(64))))
        return b.bitcast(both, _K)


def _make(mode: str):
    @intrinsic
    def narrow_chunk(typingctx, x, dx, nb, tab, buf, acc):
        """``nb <= CHUNK`` blocks of NLANES pairs from counter ``x`` (stride ``dx``); ``tab``, ``buf``:
        addresses of the :func:`narrow_table` words and of the tie-record buffer; ``acc``: ``4*(NT + 1) + 1``
        int64, returned with ``#{lanes of setting s, k < t[s, j]}`` added at ``s*(NT + 1) + j``, the lanes of
        setting s at ``s*(NT + 1) + NT`` and the number of buffer words written last."""
        if not (isinstance(acc, types.UniTuple) and (acc.count - 1) % 4 == 0 and acc.count >= 9):
            return None
        nt = (acc.count - 1) // 4 - 1
        sig = acc(types.uint64, types.uint64, types.int64, types.uint64, types.uint64, acc)

        def codegen(context, builder, signature, args):
            xv, dxv, nbv, tabv, bufv, av = args
            tp = builder.inttoptr(tabv, _K.as_pointer())
            tabs = [builder.load(builder.gep(tp, [ir.Constant(_i64, i)]), align=2) for i in range(n_tables(nt))]
            wt, tts = tabs[0], tabs[1 : nt + 1]
            zero = _c16(0)
            nib = [cgutils.alloca_once_value(builder, zero) for _ in range(nt + 1)]
            byt = [cgutils.alloca_once_value(builder, zero) for _ in range(2 * (nt + 1))]
            xs = cgutils.alloca_once_value(builder, xv)
            blk = cgutils.alloca_once_value(builder, ir.Constant(_i64, 0))
            nrec = cgutils.alloca_once_value(builder, ir.Constant(_i64, 0))
            bp = builder.inttoptr(bufv, _i64.as_pointer())
            one = lambda v: ir.Constant(_i64, v)  # noqa: E731
            ngroups = builder.sdiv(builder.add(nbv, one(GROUP - 1)), one(GROUP))
            with cgutils.for_range(builder, ngroups) as gl:
                left = builder.sub(nbv, builder.mul(gl.index, one(GROUP)))
                cnt = builder.select(builder.icmp_signed("<", left, one(GROUP)), left, one(GROUP))
                with cgutils.for_range(builder, cnt):
                    xcur = builder.load(xs)
                    keys = _keys(builder, xcur, dxv)
                    builder.store(builder.add(xcur, builder.mul(dxv, one(NLANES))), xs)
                    accs = [builder.load(sl) for sl in nib]
                    ties = []
                    for k in keys:
                        look = _Lookup(builder, mode, k)
                        w = look(wt)
                        if mode == "pshufb":  # AVX2 compares words as signed: k ^ 0x8000 against t ^ 0x8000
                            k = builder.xor(k, _c16(0x8000))
                        tie = None
                        for j in range(nt):
                            t = look(tts[j])
                            m = builder.icmp_unsigned("<", k, t) if mode == "permw" else builder.icmp_signed("<", k, t)
                            accs[j] = builder.add(accs[j], builder.select(m, w, zero))
                            e = builder.icmp_unsigned("==", k, t)  # every tie value is a fast threshold
                            tie = e if tie is None else builder.or_(tie, e)
                        accs[nt] = builder.add(accs[nt], w)
                        ties.append(tie)
                    for sl, acc_v in zip(nib, accs, strict=True):
                        builder.store(acc_v, sl)
                    flagged = ties[0]
                    for tie in ties[1:]:
                        flagged = builder.or_(flagged, tie)
                    b = builder.load(blk)
                    with cgutils.if_unlikely(
                        builder, builder.icmp_unsigned("!=", builder.bitcast(flagged, _i32), ir.Constant(_i32, 0))
                    ):
                        n = builder.load(nrec)
                        builder.store(b, builder.gep(bp, [n]))
                        for i in range(NV // 2):
                            lo, hi = (builder.zext(builder.bitcast(ties[2 * i + h], _i32), _i64) for h in range(2))
                            builder.store(
                                builder.or_(lo, builder.shl(hi, one(32))), builder.gep(bp, [builder.add(n, one(1 + i))])
                            )
                        builder.store(builder.add(n, one(1 + NV // 2)), nrec)
                    builder.store(builder.add(b, one(1)), blk)
                for j in range(nt + 1):  # fields s = 0..3 at bits 4s: s = 0, 2 -> bytes of lo; 1, 3 -> hi
                    a = builder.load(nib[j])
                    for h, part in enumerate((a, builder.lshr(a, _c16(4)))):
                        builder.store(
                            builder.add(builder.load(byt[2 * j + h]), builder.and_(part, _c16(0x0F0F))), byt[2 * j + h]
                        )
                    builder.store(zero, nib[j])
            red = cgutils.get_or_insert_function(
                builder.module, ir.FunctionType(_i16, [_K]), f"llvm.vector.reduce.add.v{KV}i16"
            )
            out = [builder.extract_value(av, i) for i in range(acc.count)]
            for j in range(nt + 1):
                for h in range(2):
                    v = builder.load(byt[2 * j + h])
                    for byte in range(2):
                        f = builder.and_(builder.lshr(v, _c16(8 * byte)), _c16(0xFF))
                        i = (h + 2 * byte) * (nt + 1) + j
                        out[i] = builder.add(out[i], builder.zext(builder.call(red, [f]), _i64))
            out[-1] = builder.load(nrec)
            return context.make_tuple(builder, signature.return_type, out)

        return sig, codegen

    return narrow_chunk


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


#: The lowering of this process (None: no narrow path; :func:`.simd_random.packed_table` never selects it).
MODE: str | None = narrow_mode()
narrow_chunk = _make(MODE or "permw")


@intrinsic
def _cttz(typingctx, word):
    """Index of the lowest set bit of a uint64 (64 for 0)."""
    if not isinstance(word, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        return builder.cttz(args[0], ir.Constant(ir.IntType(1), 0))

    return types.int64(types.uint64), codegen


@njit(cache=True)
def _fix(x, rec, nwords, n_settings, nt, ctab, lt):
    """Exact counts of the flagged lanes of one tie record: lt[s*nt + j] += [v < J] - [k < t]."""
    bits = 1 if n_settings == 2 else 2
    sv, ss, sk = np.uint64(11 - bits), np.uint64(64 - bits), 37 + bits
    for i in range(nwords):
        word = np.uint64(rec[i])
        while word != 0:
            p = _cttz(word)
            word &= word - np.uint64(1)
            vec, bit = 2 * i + p // 32, p % 32
            z = x + np.uint64((4 * vec + bit % 4) * 8 + bit // 4) * _G
            z = (z ^ (z >> np.uint64(30))) * _M1
            z = (z ^ (z >> np.uint64(27))) * _M2
            u = z ^ (z >> np.uint64(31))
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
        acc = narrow_chunk(x, _G, m, tab, bufp, acc)
        for r in range(0, acc[len(acc) - 1], 1 + NV // 2):
            _fix(x + dxb * np.uint64(buf[r]), buf[r + 1 :], NV // 2, n_settings, nt, ctab, lt)
        x += dxb * np.uint64(m)
        done += m
    for s in range(n_settings):
        for j in range(nt + 1):
            k = s * nt + j if j < nt else nt * n_settings + s
            lt[k] += acc[s * (nt + 1) + j]


@njit(cache=True)
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


@njit(cache=True)
def narrow_counted(x, n, n_settings, nt, ctab, lt):
    """Count the whole blocks of NLANES pairs among the n from counter x into lt[:nt*S + S] (packed-counter
    layout of :mod:`.simd_random`; ctab: its :func:`.simd_random.packed_table` row); the pairs counted."""
    nb = n // NLANES
    _blocks(x, nb, n_settings, nt, ctab, lt)
    return nb * NLANES
