"""Benchmark of the Monte Carlo kernels (issue 4): throughput, compile time and peak memory.

Everything is measured in one run and reported as ratios against baselines of the same run:

- the naive NumPy approach that materialises N-element arrays (``choice([0, 1], size=(N, 2))``, an
  equality test, ``binomial(1, 0.95, N)``, a mean, with a seeded legacy ``np.random.RandomState``:
  the algorithms of ``np.random.choice`` / ``np.random.binomial``), timed at ``--baseline-n`` (default 1e7)
  and scaled linearly to 1e8 (its peak RSS is measured at ``--baseline-n`` and also scaled);
- the raw generator alone (the SplitMix64 hash of every pair index plus an XOR reduction): the
  ceiling of any sampler of this stream on this machine.

Kernels: a CHSH-like table (4 settings x 4 outcomes) with fixed blocks, cyclic settings and
random settings per pair. First-call compile time is measured in fresh processes, with an empty
Numba cache (uncached) and with the package's cache (cached). Peak RSS of a whole process running
one ``sample_counts`` call is measured per N in a subprocess.

Each rate is given twice: pairs per wall-clock second and pairs per CPU-second of this process
(``time.process_time``). On a shared machine the wall-clock ratio to the raw generator depends on
what else runs at that moment; the CPU-time ratio does not (both are measured with the same threads).
``--curve`` adds the throughput for K = 2..16 outcomes and S = 1..64 settings; ``--isa haswell``
re-runs the whole benchmark compiled for AVX2 (``NUMBA_CPU_NAME`` / ``NUMBA_CPU_FEATURES``) on a
machine that has AVX-512, to time the other code path.

Usage::

    python benchmarks/bench_kernels.py                  # CPU, N = 1e8 and 1e9
    python benchmarks/bench_kernels.py --big            # adds N = 1e10 (about 10 s per kernel)
    python benchmarks/bench_kernels.py --device cuda    # GPU: 1e10 and 1e11 pairs, bit-identity vs CPU

The machine is shared: absolute numbers are noisy, the ratios less so.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from functools import partial

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

CHSH = np.array(
    [
        [0.425, 0.075, 0.075, 0.425],
        [0.425, 0.075, 0.075, 0.425],
        [0.425, 0.075, 0.075, 0.425],
        [0.075, 0.425, 0.425, 0.075],
    ]
)


def _child(code: str, env: dict | None = None) -> dict:
    """Run python code in a fresh process; it prints one JSON line last."""
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=None if env is None else {**os.environ, **env},
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


NAIVE = """
import json, resource, time, numpy as np
n = {n}
rng = np.random.RandomState(1)  # the legacy np.random.choice / binomial, without global state
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t = time.perf_counter()
settings = rng.choice([0, 1], size=(n, 2))
same = settings[:, 0] == settings[:, 1]
agree = rng.binomial(1, 0.95, n)
value = float(np.mean(agree * same))
dt = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(dict(seconds=dt, rss_mb=peak, extra_mb=peak - before)))
"""

COMPILE = """
import json, time
t = time.perf_counter()
from pqms_physics.kernels import sample_counts
sample_counts([[0.5, 0.5]], 10, 1, device={device!r})  # one task: the serial kernel
sample_counts([[0.5, 0.5]], 3 << 20, 1, device={device!r})  # several tasks: the parallel kernel
print(json.dumps(dict(seconds=time.perf_counter() - t)))
"""

RSS = """
import json, resource, time
from pqms_physics.kernels import sample_counts
t = time.perf_counter()
res = sample_counts({probs}, {n}, 1, setting_choice={rule!r}, device={device!r}, progress=False)
dt = time.perf_counter() - t
print(json.dumps(dict(seconds=dt, rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      pairs=int(res.counts.sum()))))
"""


def _rate(fn, n: int, repeat: int = 1) -> float:
    return _rates(fn, n, repeat)[0]


def _rates(fn, n: int, repeat: int = 1) -> tuple[float, float]:
    """Best pairs per wall-clock second and best pairs per CPU-second of this process over ``repeat`` calls."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall = min(wall, time.perf_counter() - t)
        cpu = min(cpu, time.process_time() - c)
    return n / wall, n / cpu


HASWELL_FEATURES = (
    "+64bit,+cmov,+cx16,+sse,+sse2,+sse3,+ssse3,+sse4.1,+sse4.2,+popcnt,+avx,+avx2,+bmi,+bmi2,"
    "+f16c,+fma,+lzcnt,+movbe,+xsave"
)


def _codegen_target() -> str:
    from numba.core.registry import cpu_target

    cg = cpu_target.target_context.codegen()
    feats = cg._tm_features
    isa = "AVX-512" if "+avx512f" in feats else "AVX2" if "+avx2" in feats else "SSE/other"
    return f"{cg._get_host_cpu_name()} ({isa})"


def bench_curve(args, raw: tuple[float, float]) -> None:
    """Throughput as the table grows: K outcomes (S = 4) and S settings (K = 4), every rule."""
    from pqms_physics.kernels import sample_counts

    n = int(float(args.sizes[0]))
    rng = np.random.default_rng(0)
    shapes = [(4, k) for k in (2, 4, 8, 16)] + [(s, 4) for s in (1, 16, 64)] + [(64, 16)]
    print(f"\nthroughput curve at N={n:.0e}:")
    print("| S x K | rule | inner thresholds per pair | pairs/s (wall) | / raw (wall) | / raw (CPU time) |")
    print("|---|---|---|---|---|---|")
    for s_count, k in shapes:
        probs = rng.dirichlet(np.ones(k), size=s_count)
        for rule in args.rules:
            sample_counts(probs, 1 << 21, 1, setting_choice=rule)
            wall, cpu = _rates(partial(sample_counts, probs, n, 1, setting_choice=rule, progress=False), n, 2)
            inner = s_count * k - 1 if rule == "random" else k - 1
            print(f"| {s_count} x {k} | {rule} | {inner} | {wall:.3e} | {wall / raw[0]:.2f} | {cpu / raw[1]:.2f} |")


def bench_cpu(args) -> None:
    import numba

    from pqms_physics.kernels import cpu, sample_counts, stream_key

    print(
        f"# machine: {platform.machine()}, {platform.processor() or '?'}, {os.cpu_count()} CPUs, numba threads "
        f"{numba.get_num_threads()}, Python {platform.python_version()}, NumPy {np.__version__}, "
        f"Numba {numba.__version__}"
    )
    print(f"# code generated for: {_codegen_target()}")
    print(f"# load average at start: {os.getloadavg()}")

    if not args.skip_compile:
        with tempfile.TemporaryDirectory() as empty:
            uncached = _child(COMPILE.format(device="cpu"), {"NUMBA_CACHE_DIR": empty})["seconds"]
        _child(COMPILE.format(device="cpu"))  # make sure the package cache is warm
        cached = _child(COMPILE.format(device="cpu"))["seconds"]
        print(
            f"first calls (import + compile/load + 10 and 3*2**20 pairs): uncached {uncached:.1f} s, "
            f"cached {cached:.2f} s"
        )

    base_n = int(args.baseline_n)
    naive = _child(NAIVE.format(n=base_n))
    naive_rate = base_n / naive["seconds"]
    print(
        f"naive NumPy baseline at N={base_n:.0e}: {naive['seconds']:.2f} s, {naive_rate:.3e} pairs/s, "
        f"peak RSS {naive['rss_mb']:.0f} MB of which {naive['extra_mb']:.0f} MB for the arrays "
        f"(scaled linearly to N=1e8: {naive['seconds'] * 1e8 / base_n:.1f} s, "
        f"{naive['extra_mb'] * 1e8 / base_n / 1024:.1f} GB)"
    )

    key = np.uint64(stream_key(1))
    n_raw = max(int(float(x)) for x in args.sizes)
    cpu.generator_checksum(key, np.int64(0), np.int64(1000), np.int64(cpu.DEFAULT_CHUNK))
    raw = _rates(
        lambda: cpu.generator_checksum(key, np.int64(0), np.int64(n_raw), np.int64(cpu.DEFAULT_CHUNK)), n_raw, 3
    )
    print(
        f"raw generator (hash + XOR reduction), N={n_raw:.0e}: {raw[0]:.3e} pairs/s (wall), "
        f"{raw[1]:.3e} pairs per CPU-second"
    )

    sizes = [int(float(x)) for x in args.sizes] + ([int(1e10)] if args.big else [])
    sample_counts(CHSH, 1000, 1)
    print("\n| kernel | N | pairs/s | x naive | / raw generator (wall) | / raw (CPU time) | peak RSS (process) |")
    print("|---|---|---|---|---|---|---|")
    for rule in args.rules:
        sample_counts(CHSH, 1 << 22, 1, setting_choice=rule)
        for n in sizes:
            rate, cpu_rate = _rates(
                partial(sample_counts, CHSH, n, 1, setting_choice=rule, progress=False), n, 3 if n <= int(1e9) else 1
            )
            rss = ""
            if not args.skip_rss:
                code = RSS.format(probs=CHSH.tolist(), n=n, rule=rule, device="cpu")
                rss = f"{_child(code)['rss_mb']:.0f} MB"
            print(
                f"| {rule} | {n:.0e} | {rate:.3e} | {rate / naive_rate:.0f}x | {rate / raw[0]:.2f} | "
                f"{cpu_rate / raw[1]:.2f} | {rss} |"
            )
    if args.curve:
        bench_curve(args, raw)


def bench_cuda(args) -> None:
    from pqms_physics.kernels import cuda as kcuda
    from pqms_physics.kernels import sample_counts

    nc = kcuda.require_cuda()
    dev = nc.get_current_device()
    print(
        f"# device: {dev.name.decode() if isinstance(dev.name, bytes) else dev.name}, "
        f"{dev.MULTIPROCESSOR_COUNT} SMs; host {os.cpu_count()} CPUs"
    )
    with tempfile.TemporaryDirectory() as empty:
        first = _child(COMPILE.format(device="cuda"), {"NUMBA_CACHE_DIR": empty})["seconds"]
    print(f"first calls (import + CUDA JIT + 10 and 3*2**20 pairs): {first:.1f} s (CUDA kernels are not disk-cached)")

    n_check = int(args.check_n)
    for rule in ("blocks", "cyclic", "random"):
        g = sample_counts(CHSH, n_check, 7, setting_choice=rule, device="cuda", window=n_check // 100)
        c = sample_counts(CHSH, n_check, 7, setting_choice=rule, device="cpu", window=n_check // 100)
        same = np.array_equal(g.counts, c.counts) and np.array_equal(g.window_counts, c.window_counts)
        print(f"bit-identical to CPU ({rule}, N={n_check:.0e}, 100 windows): {same}")

    print("\n| kernel | N | pairs/s (GPU) |")
    print("|---|---|---|")
    for rule in ("blocks", "cyclic", "random"):
        sample_counts(CHSH, 1000, 1, setting_choice=rule, device="cuda")
        for n in (int(1e10), int(1e11)):
            rate = _rate(partial(sample_counts, CHSH, n, 1, setting_choice=rule, device="cuda", progress=False), n)
            print(f"| {rule} | {n:.0e} | {rate:.3e} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--sizes", nargs="+", default=["1e8", "1e9"], help="N of the CPU kernel runs")
    parser.add_argument("--big", action="store_true", help="also N = 1e10 on the CPU")
    parser.add_argument(
        "--rules",
        nargs="+",
        default=["blocks", "cyclic", "random"],
        choices=["blocks", "cyclic", "random"],
        help="setting rules to time",
    )
    parser.add_argument("--baseline-n", type=float, default=1e7, help="N of the naive NumPy baseline")
    parser.add_argument("--skip-rss", action="store_true", help="skip the per-N RSS subprocesses")
    parser.add_argument("--check-n", type=float, default=1e9, help="N of the GPU vs CPU identity check")
    parser.add_argument("--skip-compile", action="store_true", help="skip the first-call compile timings")
    parser.add_argument("--curve", action="store_true", help="throughput for K = 2..16 outcomes, S = 1..64 settings")
    parser.add_argument(
        "--isa",
        choices=["native", "haswell"],
        default="native",
        help="compile the kernels for this instruction set (haswell = AVX2) in a fresh process",
    )
    args = parser.parse_args()
    if args.isa == "haswell" and os.environ.get("NUMBA_CPU_NAME") != "haswell":
        env = dict(os.environ, NUMBA_CPU_NAME="haswell", NUMBA_CPU_FEATURES=HASWELL_FEATURES)
        sys.exit(subprocess.run([sys.executable, *sys.argv], env=env).returncode)
    bench_cuda(args) if args.device == "cuda" else bench_cpu(args)


if __name__ == "__main__":
    main()
