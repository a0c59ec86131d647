"""Narrow-key block counters (LLVM vector IR) on x86 with AVX-512BW or AVX2: 32 pairs per compare.

The 64-bit compares of :mod:`.simd` and :mod:`.simd_random` take eight pairs per 512-bit vector. Here the
compares run on the *top 16 bits* ``k = u >> 48`` of the draws: ``v < J`` (``v = u >> (11 - b)``, ``b``
setting bits, ``J`` a 53-bit threshold or a joint one of the random rule) is decided by ``k < t`` with the
fast threshold ``t = min(J >> (37 + b), 65535)`` for every key but ``k == t``
(:func:`.narrow.fast_thresholds`). Keys equal to a fast threshold are flagged in the same pass (one
equality compare per threshold, ORed over the block and tested once) and :mod:`.narrow` recounts those
pairs exactly afterwards (re-hashed, compared in 64 bits): counts are the stream definition's, bit for bit,
for any table. About one pair in ``2**(16 - b) / (K - 1)`` is flagged. The top 31 bits of ``mix64`` do not
depend on its last xor-shift, so the block hash stops before it.

- :func:`random_chunk` (the ``"random"`` rule, ``S`` = 2 or 4): each lane's thresholds and setting weight are
  fetched per lane; counts go to four 4-bit fields (one per setting) of per-lane 16-bit counters (in
  :data:`SETS` sets), flushed into 8-bit fields every :data:`GROUP` blocks and summed into int64 every
  :data:`CHUNK` blocks.
- :func:`fixed_chunk` (one row of at most four thresholds, the fixed rules' segments in :mod:`.cpu`):
  broadcast thresholds, plain 16-bit counters summed every :data:`CHUNK` blocks.

Two lowerings, chosen when the intrinsics are compiled (:func:`narrow_mode`; the tables follow it):
``"permw"`` (AVX-512BW: ``vpermw`` from 32-entry tables indexed by the top five bits of ``k``, unsigned word
compares) and ``"pshufb"`` (AVX2: byte tables indexed by the setting, low bytes at ``s``, high bytes at
``s + 4``; words compared as signed, ``k ^ 0x8000`` against ``t ^ 0x8000``). Elsewhere the 64-bit counters
stay. On Zen 4 (2 threads, ``benchmarks/README.md``) the 4 x 4 random rule runs at 0.70-0.74 of the raw
generator on AVX-512 and 0.79-0.81 on AVX2 (packed counters: 0.41 / 0.53), the fixed rules at 0.79-0.82 and
1.00 (64-bit block counter: 0.71 / 0.65-0.79). Tests: ``tests/kernels/test_kernels_narrow.py`` (the
fast-threshold law for every input; counts with flagged pairs against the per-pair definition) and
``test_kernels_random_v2.py`` (the flushes; the other instruction sets compiled in subprocesses).
"""

from __future__ import annotations

import platform

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from pqms_physics.kernels.rng import DRAW_BITS, MIX_MUL1, MIX_MUL2
from pqms_physics.kernels.simd import _signed64, _splat, target_features


def narrow_mode() -> str | None:
    """``"permw"`` (x86 with AVX-512BW), ``"pshufb"`` (x86 with AVX2 and without AVX-512BW) or ``None``,
    for the CPU features Numba compiles for."""
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return None
    feats = target_features()
    if "+avx512bw" in feats:
        return "permw"
    return "pshufb" if "+avx2" in feats else None


#: The lowering of this process (None: no narrow path, :mod:`.simd_random` and :mod:`.cpu` keep theirs).
MODE: str | None = narrow_mode()
#: Pairs hashed per block (4 vectors of 32 keys).
NLANES: int = 128
#: Keys per compare (a <32 x i16> vector: one zmm, or two ymm on AVX2).
KV: int = 32
#: Key vectors per block.
NV: int = NLANES // KV
#: Accumulator sets of the random rule: key vector i counts into set i % SETS, so each set's 4-bit fields
#: fill SETS times slower and are flushed as rarely. Four on AVX-512 (16 of its 32 registers; 0.78 of the
#: raw generator single-threaded, against 0.70-0.76 with one), one on AVX2 (16 registers; four spill: 0.63
#: against 0.87).
SETS: int = 4 if MODE == "permw" else 1
#: Blocks per nibble flush: a 4-bit field gains at most NV / SETS per block, GROUP * NV / SETS <= 15.
GROUP: int = 15 // (NV // SETS)
#: Blocks per chunk call: the 8-bit fields gain at most GROUP * NV per flush (12 to 60), <= 255 per chunk.
CHUNK: int = GROUP * (255 // (GROUP * NV))
#: Words per table (one <32 x i16> vector).
TW: int = 32
#: int64 words of the tie-record buffer of one chunk: (block, NV // 2 masks) per flagged block, at most.
TIE_BUFFER: int = (1 + NV // 2) * CHUNK

_i8, _i16, _i32, _i64 = ir.IntType(8), ir.IntType(16), ir.IntType(32), ir.IntType(64)
_K = ir.VectorType(_i16, KV)
_P = ir.VectorType(_i64, 8)


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


def _count_keys(builder, mode, keys, accs, tts, wt):
    """Count one block's key vectors into the per-lane accumulators ``accs`` (one per threshold, then the
    lanes of each setting when ``wt`` is given); returns the per-vector masks of keys equal to a threshold.

    ``wt`` None: one threshold row for all lanes (``tts``: splat vectors), plain 16-bit counters.
    """
    zero = _c16(0)
    ties = []
    for k in keys:
        if wt is None:
            look, w = (lambda tab: tab), _c16(1)
        else:
            look = _Lookup(builder, mode, k)
            w = look(wt)
        if mode == "pshufb":  # AVX2 compares words as signed: k ^ 0x8000 against t ^ 0x8000
            k = builder.xor(k, _c16(0x8000))
        tie = None
        for j, tab in enumerate(tts):
            t = look(tab)
            m = builder.icmp_unsigned("<", k, t) if mode == "permw" else builder.icmp_signed("<", k, t)
            accs[j] = builder.add(accs[j], builder.select(m, w, zero))
            e = builder.icmp_unsigned("==", k, t)  # every key the high bits cannot decide equals a threshold
            tie = e if tie is None else builder.or_(tie, e)
        if wt is not None:
            accs[len(tts)] = builder.add(accs[len(tts)], w)
        ties.append(tie)
    return ties


def _record_ties(builder, ties, blk, nrec, bp):
    """Append (block, NV // 2 masks) to the tie buffer when a key of the block equals a threshold."""
    one = lambda v: ir.Constant(_i64, v)  # noqa: E731
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
            builder.store(builder.or_(lo, builder.shl(hi, one(32))), builder.gep(bp, [builder.add(n, one(1 + i))]))
        builder.store(builder.add(n, one(1 + NV // 2)), nrec)
    builder.store(builder.add(b, one(1)), blk)


def _block_loop(builder, nbv, xv, dxv, bufv, nacc, count):
    """Loop over nb blocks: hash, ``count(keys, accs) -> ties``, record ties; GROUP blocks per inner loop, then
    ``flush()`` of the per-lane accumulators (returned by the caller's ``count.flush``)."""
    zero = _c16(0)
    slots = [cgutils.alloca_once_value(builder, zero) for _ in range(nacc)]
    xs = cgutils.alloca_once_value(builder, xv)
    blk = cgutils.alloca_once_value(builder, ir.Constant(_i64, 0))
    nrec = cgutils.alloca_once_value(builder, ir.Constant(_i64, 0))
    bp = builder.inttoptr(bufv, _i64.as_pointer())
    one = lambda v: ir.Constant(_i64, v)  # noqa: E731
    ngroups = builder.sdiv(builder.add(nbv, one(GROUP - 1)), one(GROUP))
    with cgutils.for_range(builder, ngroups) as gl:
        left = builder.sub(nbv, builder.mul(gl.index, one(GROUP)))
        with cgutils.for_range(builder, builder.select(builder.icmp_signed("<", left, one(GROUP)), left, one(GROUP))):
            xcur = builder.load(xs)
            keys = _keys(builder, xcur, dxv)
            builder.store(builder.add(xcur, builder.mul(dxv, one(NLANES))), xs)
            accs = [builder.load(sl) for sl in slots]
            ties = count(keys, accs)
            for sl, acc_v in zip(slots, accs, strict=True):
                builder.store(acc_v, sl)
            _record_ties(builder, ties, blk, nrec, bp)
        count.flush(slots)
    return slots, builder.load(nrec)


def _reduce16(builder, v):
    red = cgutils.get_or_insert_function(
        builder.module, ir.FunctionType(_i16, [_K]), f"llvm.vector.reduce.add.v{KV}i16"
    )
    return builder.zext(builder.call(red, [v]), _i64)


def _make(mode: str):
    @intrinsic
    def random_chunk(typingctx, x, dx, nb, tab, buf, acc):
        """``nb <= CHUNK`` blocks of NLANES pairs from counter ``x`` (stride ``dx``); ``tab``, ``buf``: addresses
        of the :func:`.narrow.narrow_table` words and of the tie-record buffer; ``acc``: ``4*(NT + 1) + 1``
        int64, returned with ``#{lanes of setting s, k < t[s, j]}`` added at ``s*(NT + 1) + j``, the lanes of
        setting s at ``s*(NT + 1) + NT`` and the number of buffer words written last."""
        if not (isinstance(acc, types.UniTuple) and (acc.count - 1) % 4 == 0 and acc.count >= 9):
            return None
        nt = (acc.count - 1) // 4 - 1
        sig = acc(types.uint64, types.uint64, types.int64, types.uint64, types.uint64, acc)

        def codegen(context, builder, signature, args):
            xv, dxv, nbv, tabv, bufv, av = args
            tp = builder.inttoptr(tabv, _K.as_pointer())
            tabs = [builder.load(builder.gep(tp, [ir.Constant(_i64, i)]), align=2) for i in range(nt + 1)]
            zero = _c16(0)
            byt = [cgutils.alloca_once_value(builder, zero) for _ in range(2 * (nt + 1))]

            def count(keys, accs):
                ties = []
                for i, k in enumerate(keys):
                    part = accs[(i % SETS) * (nt + 1) : (i % SETS + 1) * (nt + 1)]
                    ties += _count_keys(builder, mode, [k], part, tabs[1:], tabs[0])
                    accs[(i % SETS) * (nt + 1) : (i % SETS + 1) * (nt + 1)] = part
                return ties

            def flush(slots):  # 4-bit fields s = 0..3 at bits 4s: s = 0, 2 -> bytes of lo; 1, 3 -> of hi
                for i, sl in enumerate(slots):
                    j = i % (nt + 1)
                    a = builder.load(sl)
                    for h, part in enumerate((a, builder.lshr(a, _c16(4)))):
                        f = builder.and_(part, _c16(0x0F0F))
                        builder.store(builder.add(builder.load(byt[2 * j + h]), f), byt[2 * j + h])
                    builder.store(zero, sl)

            count.flush = flush
            _, nrec = _block_loop(builder, nbv, xv, dxv, bufv, (nt + 1) * SETS, count)
            out = [builder.extract_value(av, i) for i in range(acc.count)]
            for j in range(nt + 1):
                for h in range(2):
                    v = builder.load(byt[2 * j + h])
                    for byte in range(2):
                        i = (h + 2 * byte) * (nt + 1) + j
                        f = builder.and_(builder.lshr(v, _c16(8 * byte)), _c16(0xFF))
                        out[i] = builder.add(out[i], _reduce16(builder, f))
            out[-1] = nrec
            return context.make_tuple(builder, signature.return_type, out)

        return sig, codegen

    @intrinsic
    def fixed_chunk(typingctx, x, dx, nb, ts, buf):
        """``nb <= CHUNK`` blocks of one threshold row ``ts`` (tuple of 53-bit thresholds on ``r = u >> 11``):
        ``#{k < t_j}`` for every j, then the number of tie-buffer words written (``buf``: its address)."""
        if not isinstance(ts, types.UniTuple):
            return None
        nt = ts.count
        sig = types.UniTuple(types.int64, nt + 1)(types.uint64, types.uint64, types.int64, ts, types.uint64)

        def codegen(context, builder, signature, args):
            xv, dxv, nbv, tv, bufv = args
            tts = []
            for j in range(nt):
                t = builder.lshr(builder.extract_value(tv, j), ir.Constant(_i64, 48 - (64 - DRAW_BITS)))
                t = builder.select(
                    builder.icmp_unsigned(">", t, ir.Constant(_i64, 0xFFFF)), ir.Constant(_i64, 0xFFFF), t
                )
                t = builder.trunc(t, _i16)
                if mode == "pshufb":
                    t = builder.xor(t, ir.Constant(_i16, 0x8000))
                tts.append(_splat(builder, t, _K))

            def count(keys, accs):
                return _count_keys(builder, mode, keys, accs, tts, None)

            count.flush = lambda slots: None  # 16-bit counters: a lane gains at most CHUNK * NV <= 252
            slots, nrec = _block_loop(builder, nbv, xv, dxv, bufv, nt, count)
            out = [_reduce16(builder, builder.load(sl)) for sl in slots] + [nrec]
            return context.make_tuple(builder, signature.return_type, out)

        return sig, codegen

    return random_chunk, fixed_chunk


@intrinsic
def _cttz(typingctx, word):
    """Index of the lowest set bit of a uint64 (64 for 0)."""
    if not isinstance(word, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        return builder.cttz(args[0], ir.Constant(ir.IntType(1), 0))

    return types.int64(types.uint64), codegen


random_chunk, fixed_chunk = _make(MODE or "permw")
