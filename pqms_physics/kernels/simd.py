"""Explicit SIMD for the CPU counting loop: draws in blocks of :data:`LANES`, counted by mask popcount.

Numba's auto-vectoriser turns ``c += r < t`` into a compare, a mask-to-vector move and a vector
add per threshold: three vector instructions per eight pairs next to the eleven of the hash. This
module writes the block of draws as LLVM vector IR instead (a Numba ``@intrinsic``): the hash of
``LANES`` consecutive counters as one ``<LANES x i64>`` value, then per threshold and per eight
lanes one vector compare whose ``<8 x i1>`` mask is bit-cast to a byte and counted with ``ctpop``,
so the counting moves off the vector units. On AVX-512 the
mask lives in a mask register (``vpcmpq`` then ``kmov`` + ``popcnt`` on the scalar ports); on AVX2
it is gathered with ``vmovmskpd``-style moves; on other targets LLVM lowers the generic IR. The
arithmetic is exactly :func:`pqms_physics.kernels.rng.draw` (wrap-around ``uint64``), so counts do
not change; the CPU tests compare these loops with the NumPy twin, and a test compiles them for
another instruction set (``NUMBA_CPU_NAME``) in a subprocess.
"""

from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.extending import intrinsic

from pqms_physics.kernels.rng import DRAW_BITS, MIX_MUL1, MIX_MUL2

#: Pairs hashed per block: eight 512-bit (or sixteen 256-bit) vectors. 64 beat 16 and 32 on Zen 4
#: (AVX-512) and on the same machine compiled for Haswell (AVX2): the counter broadcast and the loop
#: overhead are shared by more pairs.
LANES: int = 64
#: Mask bits counted per popcount: one 512-bit compare's worth (8 lanes of 64 bits). Joining masks
#: into wider words first was slower with few thresholds on both instruction sets; with 8 or 16
#: thresholds 16-bit masks were 10% faster on AVX-512 but 12% slower on AVX2, so one width serves all.
MASK_BITS: int = 8


def _signed64(v: int) -> int:
    """A 64-bit word as the signed integer LLVM's IR printer expects."""
    return v - (1 << 64) if v >= 1 << 63 else v


def _splat(builder, value, vtype):
    undef = ir.Constant(vtype, ir.Undefined)
    one = builder.insert_element(undef, value, ir.Constant(ir.IntType(32), 0))
    return builder.shuffle_vector(
        one, undef, ir.Constant(ir.VectorType(ir.IntType(32), vtype.count), [0] * vtype.count)
    )


def _hash_block(builder, xv, dxv, vt):
    """The ``<LANES x i64>`` words ``u = mix64(x + l*dx)`` of a block, and a splat-constant maker."""

    def const(v):
        return ir.Constant(vt, [_signed64(v)] * vt.count)

    lanes = ir.Constant(vt, list(range(vt.count)))
    z = builder.add(_splat(builder, xv, vt), builder.mul(_splat(builder, dxv, vt), lanes))
    z = builder.mul(builder.xor(z, builder.lshr(z, const(30))), const(MIX_MUL1))
    z = builder.mul(builder.xor(z, builder.lshr(z, const(27))), const(MIX_MUL2))
    return builder.xor(z, builder.lshr(z, const(31))), const


def _count_below(builder, r, tv, av, m):
    """``av[j] + #{lanes of r < tv[j]}`` for j < m (r: ``<LANES x i64>`` below 2**63)."""
    i64 = ir.IntType(64)
    mask_int = ir.IntType(MASK_BITS)
    ctpop = builder.module.declare_intrinsic("llvm.ctpop", [mask_int])
    i32 = ir.IntType(32)
    parts = [
        builder.shuffle_vector(r, r, ir.Constant(ir.VectorType(i32, MASK_BITS), list(range(p, p + MASK_BITS))))
        for p in range(0, LANES, MASK_BITS)
    ]
    pt = ir.VectorType(i64, MASK_BITS)
    outs = []
    for j in range(m):
        tj = _splat(builder, builder.extract_value(tv, j), pt)
        total = builder.extract_value(av, j)
        for part in parts:
            below = builder.icmp_signed("<", part, tj)
            total = builder.add(total, builder.zext(builder.call(ctpop, [builder.bitcast(below, mask_int)]), i64))
        outs.append(total)
    return outs


def _tuples_ok(thresholds, acc):
    return isinstance(thresholds, types.UniTuple) and isinstance(acc, types.UniTuple) and thresholds.count == acc.count


@intrinsic
def block_counts(typingctx, x, dx, thresholds, acc):
    """``acc[j] + #{l < LANES: draw(x + l*dx) < thresholds[j]}`` for every j, as a tuple.

    ``x``, ``dx``: uint64 counter words (``key + (i0 + 1)*GAMMA`` and ``step*GAMMA``);
    ``thresholds``, ``acc``: equal-length tuples of int64.
    """
    if not _tuples_ok(thresholds, acc):
        return None
    sig = types.UniTuple(types.int64, thresholds.count)(types.uint64, types.uint64, thresholds, acc)

    def codegen(context, builder, signature, args):
        xv, dxv, tv, av = args
        u, const = _hash_block(builder, xv, dxv, ir.VectorType(ir.IntType(64), LANES))
        r = builder.lshr(u, const(64 - DRAW_BITS))  # < 2**53: signed compares are exact
        return context.make_tuple(builder, signature.return_type, _count_below(builder, r, tv, av, thresholds.count))

    return sig, codegen


@intrinsic
def zeros_like_tuple(typingctx, thresholds):
    """A tuple of int64 zeros as long as ``thresholds`` (the initial ``acc`` of :func:`block_counts`)."""
    if not isinstance(thresholds, types.UniTuple):
        return None
    sig = types.UniTuple(types.int64, thresholds.count)(thresholds)

    def codegen(context, builder, signature, args):
        zero = ir.Constant(ir.IntType(64), 0)
        return context.make_tuple(builder, signature.return_type, [zero] * thresholds.count)

    return sig, codegen


def target_features() -> set[str]:
    """The CPU features Numba compiles for (``NUMBA_CPU_FEATURES`` or the host's), as ``{"+avx2", ...}``."""
    from numba.core.registry import cpu_target

    return set(cpu_target.target_context.codegen()._tm_features.split(","))
