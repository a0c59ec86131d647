"""Study (issue 15): exact per-pair counting kernels for a "random setting per pair" rule, against the raw generator.

Why the random rule stayed at the joint-table stream ``splitmix64-53bit-v1`` (variant B-w16 was later adopted as
stream ``splitmix64-53bit-v2``, ``pqms_physics/kernels/simd_random.py``): the v1 random rule draws
one 53-bit value per pair and compares it with the S*K - 1 thresholds of the joint table ``probs / S``
(15 compares per pair for 4 settings x 4 outcomes, against 3 for the fixed rules), about 0.2-0.3 of the raw
generator. The alternative studied here takes the setting from the top ``b = log2(S)`` bits of the same
SplitMix64 draw and the outcome from the next 53 bits, so only K - 1 compares per pair remain - but against
the thresholds of *each lane's own* setting. This script measures every exact way of doing that tried in the
prototype; none reaches 0.7 of the raw generator (the goal of issue 4), so the stream was not changed.
This is a study only: nothing here is used by ``pqms_physics``. What did reach it compares 16-bit keys
instead of 64-bit draws, 32 pairs per compare, and recounts the few undecided pairs exactly
(``pqms_physics/kernels/simd_narrow.py``, ``narrow.py``; the same stream and counts).

Variants (S = 4 settings x K = 4 outcomes, 64 pairs hashed per block; LLVM IR in ``_random_rule_ir.py``):

- ``fixed3``: calibration, the package's fixed-setting block counter ``pqms_physics.kernels.simd.block_counts``
  with 3 thresholds (one setting's row, 53-bit draws): what the per-pair rule would cost without the lookup.
- ``A-m8``: per-lane permute of each threshold to the lane's setting (generic extract/insert IR), compare,
  8-bit masks, AND with the per-setting lane masks (equality of s) and popcount.
- ``A-m64``: as A-m8 but the block's 64 compare bits as one i64 mask and setting masks from the bits of s
  (the top bit read from the sign of u): 4 x (3 + 1) 64-bit popcounts per block.
- ``A-m64-permd``: A-m64 with the permute as ``llvm.x86.avx2.permd`` (x86 with AVX2 only; skipped elsewhere).
- ``B-w16``: per-lane packed counters: per threshold a masked add of ``1 << 16 s`` (the lane's setting
  weight, itself permuted), four 16-bit counters per 64-bit lane, flushed to int64 every 4096 blocks.
- ``B-w16-permd``: B-w16 with the ``permd`` permute (x86 with AVX2 only).
- ``w16-noperm``: timing-only bound, B-w16 without the permute (every lane uses setting 0's thresholds and
  weight, so it counts setting 0's cells only; checked against exactly that).

Every variant's counts are checked for exact equality with a plain NumPy reference on 2**20 pairs (a CHSH-like
table and tables with zero cells, i.e. thresholds 0 and 2**53) before anything is timed; the script exits
with status 1 on a mismatch. Rates are single-thread, best of ``--repeats``, in pairs per wall-clock second and
per CPU-second, as ratios to the raw generator of the same process (serial njit SplitMix64 hash of every pair
+ XOR reduction, timed before and after the variants; the faster is the reference).

Usage::

    python benchmarks/random_rule_study.py                 # native ISA (AVX-512 on Zen 4), 1e9 pairs
    python benchmarks/random_rule_study.py --isa haswell   # fresh process compiled for AVX2
    python benchmarks/random_rule_study.py --pairs 1e8 --variants fixed3 B-w16
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # _random_rule_ir, bench_kernels (which puts the repository on sys.path)

from bench_kernels import CHSH, HASWELL_FEATURES, _codegen_target  # noqa: E402

S, NT = 4, 3  # settings, inner thresholds per setting (K = 4 outcomes)
N_CHECK = 1 << 20
VARIANTS = ["fixed3", "A-m8", "A-m64", "A-m64-permd", "B-w16", "B-w16-permd", "w16-noperm"]
WHAT = {
    "fixed3": "fixed setting, simd.block_counts, 3 thresholds (calibration)",
    "A-m8": "per-lane permute (generic), 8-bit masks + popcount",
    "A-m64": "per-lane permute (generic), 64-bit masks + popcount",
    "A-m64-permd": "per-lane permute (vpermd), 64-bit masks + popcount",
    "B-w16": "per-lane packed 16-bit counters, permute (generic), flush <= 4096 blocks",
    "B-w16-permd": "per-lane packed 16-bit counters, permute (vpermd)",
    "w16-noperm": "timing-only bound: B-w16 without permute (not a per-pair counter)",
}


def reference(key: int, n: int, T: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """NumPy counts of the first n pairs: ``N[s, j] = #{s_i = s, r_i < T[s, j + 1]}`` and ``N_s``."""
    from pqms_physics.kernels.rng import GAMMA, mix64_array

    s_count = T.shape[0]
    b = s_count.bit_length() - 1
    u = mix64_array(np.uint64(key) + (np.arange(n, dtype=np.uint64) + np.uint64(1)) * np.uint64(GAMMA))
    s = (u >> np.uint64(64 - b)).astype(np.int64) if b else np.zeros(n, np.int64)
    r = ((u << np.uint64(b)) >> np.uint64(11)).astype(np.int64)
    N = np.array([[np.count_nonzero(r[s == k] < t) for t in T[k, 1:-1]] for k in range(s_count)], dtype=np.int64)
    return N, np.bincount(s, minlength=s_count)


def table_tuple(T: np.ndarray) -> tuple[int, ...]:
    """Prefixed thresholds ``C[s, j] = (s << 53) + T[s, j + 1]``, threshold-major (``table[j*S + s]``)."""
    C = (np.arange(T.shape[0], dtype=np.int64)[:, None] << 53) + T[:, 1:-1]
    return tuple(int(C[s, j]) for j in range(C.shape[1]) for s in range(C.shape[0]))


def _kernels():
    from numba import njit

    from pqms_physics.kernels import simd

    @njit
    def raw_serial(x, dx, n):
        acc = np.uint64(0)
        for _ in range(n):
            z = x
            z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
            z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
            z = z ^ (z >> np.uint64(31))
            acc ^= z >> np.uint64(11)
            x += dx
        return acc

    @njit
    def fixed3(x, dx, nb, ts):
        acc = simd.zeros_like_tuple(ts)
        dxw = dx * np.uint64(simd.LANES)
        for _ in range(nb):
            acc = simd.block_counts(x, dx, ts, acc)
            x += dxw
        return acc

    return raw_serial, fixed3


def build(name: str):
    """The njit driver ``run(x, dx, nb, table, acc)`` of a per-pair variant."""
    import _random_rule_ir as ir_

    if name == "A-m8":
        return ir_.block_driver(ir_.make_block(S, NT, "generic", "m8"))
    if name.startswith("A-m64"):
        return ir_.block_driver(ir_.make_block(S, NT, "permd" if name.endswith("permd") else "generic", "m64"))
    perm = {"B-w16": "generic", "B-w16-permd": "permd", "w16-noperm": "none"}[name]
    return ir_.chunk_driver(ir_.make_chunk(S, NT, perm))


def check_tables() -> list[np.ndarray]:
    """Threshold tables (S x (K + 1)) of the exactness check: CHSH-like and with zero cells (T = 0, T = 2**53)."""
    from pqms_physics.kernels.rng import thresholds

    rng = np.random.default_rng(5)
    p1 = rng.dirichlet(np.ones(4), size=S)
    p1[0], p1[-1] = [0, 0.5, 0.5, 0], [0.3, 0.7, 0, 0]
    p2 = rng.dirichlet(np.ones(4), size=S)
    p2[1], p2[0] = [1, 0, 0, 0], [0, 0, 0, 1]
    return [thresholds(p, "cyclic") for p in (CHSH, p1, p2)]


def check(name, run, fixed3, key, x0, dx) -> bool:
    """Exact equality of a variant's counts with the NumPy reference on N_CHECK pairs, every check table."""
    ok = True
    for T in check_tables():
        if name == "fixed3":  # one setting: the draw is u >> 11
            ref = reference(key, N_CHECK, T[:1])[0].ravel()
            got = np.array(fixed3(x0, dx, N_CHECK // 64, tuple(int(v) for v in T[0, 1:-1])))
        else:
            N, Ns = reference(key, N_CHECK, T)
            if name == "w16-noperm":  # setting 0's thresholds and weight in every lane
                N[1:], Ns[:] = 0, 0
                Ns[0] = N_CHECK
            ref = np.concatenate([N.ravel(), Ns])
            got = np.array(run(x0, dx, N_CHECK // 64, table_tuple(T), (0,) * (NT * S + S)))
        if not np.array_equal(got, ref):
            print(f"MISMATCH {name}: got {got.tolist()}, NumPy reference {ref.tolist()}", file=sys.stderr)
            ok = False
    return ok


def rates(fn, n: int, repeats: int) -> tuple[float, float]:
    """Best pairs per wall-clock second and per CPU-second of this process over ``repeats`` calls."""
    wall = cpu = float("inf")
    for _ in range(max(1, repeats)):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall, cpu = min(wall, time.perf_counter() - t), min(cpu, time.process_time() - c)
    return n / wall, n / cpu


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            return next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=float, default=1e9, help="pairs per timed call (rounded down to 64)")
    parser.add_argument("--repeats", type=int, default=2, help="timed calls per variant (best is kept)")
    parser.add_argument(
        "--isa",
        choices=["native", "haswell"],
        default="native",
        help="compile for this instruction set (haswell = AVX2) in a fresh process, as bench_kernels.py",
    )
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=VARIANTS, help="variants to run")
    args = parser.parse_args()
    if args.isa == "haswell" and os.environ.get("NUMBA_CPU_NAME") != "haswell":
        env = dict(os.environ, NUMBA_CPU_NAME="haswell", NUMBA_CPU_FEATURES=HASWELL_FEATURES)
        sys.exit(subprocess.run([sys.executable, *sys.argv], env=env).returncode)

    import _random_rule_ir as ir_
    import numba

    from pqms_physics.kernels.rng import GAMMA, stream_key

    print(
        f"# machine: {cpu_model()}, {platform.machine()}, {os.cpu_count()} CPUs, single thread, "
        f"Python {platform.python_version()}, NumPy {np.__version__}, Numba {numba.__version__}"
    )
    print(f"# code generated for: {_codegen_target()}")
    print(f"# load average at start: {os.getloadavg()}")
    variants = list(args.variants)
    if not ir_.has_avx2_permd():
        skipped = [v for v in variants if v.endswith("permd")]
        variants = [v for v in variants if v not in skipped]
        if skipped:
            print(f"# skipped (target is not x86 with AVX2): {', '.join(skipped)}")

    key = stream_key(1)
    x0, dx = np.uint64((key + GAMMA) % 2**64), np.uint64(GAMMA)
    raw_serial, fixed3 = _kernels()
    runs = {name: (None if name == "fixed3" else build(name)) for name in variants}
    bad = [name for name in variants if not check(name, runs[name], fixed3, key, x0, dx)]
    if bad:
        print(f"exactness check failed: {', '.join(bad)}", file=sys.stderr)
        sys.exit(1)
    print(f"# exact vs NumPy on 2**20 pairs, 3 tables: {', '.join(variants)}")

    nb = int(args.pairs) // 64
    n = nb * 64
    raw_serial(x0, dx, 1000)
    raw0 = rates(lambda: raw_serial(x0, dx, n), n, args.repeats)
    table = table_tuple(check_tables()[0])
    ts = table[::S]  # setting 0's thresholds (fixed3)
    acc0 = (0,) * (NT * S + S)
    rows = []
    for name in variants:
        if name == "fixed3":
            r = rates(lambda: fixed3(x0, dx, nb, ts), n, args.repeats)
        else:
            r = rates(lambda run=runs[name]: run(x0, dx, nb, table, acc0), n, args.repeats)
        rows.append((name, r))
    raw1 = rates(lambda: raw_serial(x0, dx, n), n, args.repeats)
    raw = (max(raw0[0], raw1[0]), max(raw0[1], raw1[1]))
    print(
        f"raw generator (serial hash + XOR), N={n:.2e}: {raw0[0]:.3e} pairs/s before, {raw1[0]:.3e} after "
        f"(wall); reference {raw[0]:.3e} pairs/s, {raw[1]:.3e} pairs per CPU-second"
    )
    print(f"\nS = {S} settings x K = {NT + 1} outcomes, N = {n:.2e} pairs per call, best of {args.repeats}:\n")
    print("| variant | what | pairs/s (wall) | / raw (wall) | / raw (CPU time) |")
    print("|---|---|---|---|---|")
    for name, (wall, cpu) in rows:
        print(f"| {name} | {WHAT[name]} | {wall:.3e} | {wall / raw[0]:.2f} | {cpu / raw[1]:.2f} |")
    print(f"# load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
