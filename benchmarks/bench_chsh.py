"""CHSH estimation throughput: kernel and multinomial samplers against a naive NumPy sampler, in one run.

Prints, for ``estimate_chsh`` on Phi+ at its optimal settings with random settings per pair:

* the naive NumPy baseline (per-pair arrays: a setting and a uniform draw per pair, compared
  with the cumulative outcome table, ``bincount``), in pairs/s, on ``--baseline-pairs`` pairs;
* the kernel sampler (``sampler="kernel"``, streaming Numba kernel, after a compile/warm-up call) on
  ``--pairs`` pairs: pairs/s, the ratio to the baseline, and the growth of the process's peak
  resident memory during the call (flat memory: no array of length ``pairs``);
* the multinomial sampler (``sampler="multinomial"``) at 1e15 pairs: time of the whole call
  (validation, settings, table, sampling, estimate) and of the sampling step alone, and the
  equivalent pairs/s ratio to the baseline.

Run: ``.venv/bin/python benchmarks/bench_chsh.py [--pairs 1e8] [--baseline-pairs 1e7] [--device cpu]``
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import resource
import time

import numpy as np
from _timing import best_of  # benchmarks/ is on sys.path when run as a script


def naive_numpy_counts(table: np.ndarray, pairs: int, seed: int) -> np.ndarray:
    """The obvious NumPy sampler: per-pair arrays of settings and uniforms (memory ~ 24 bytes/pair)."""
    rng = np.random.default_rng(seed)
    setting = rng.integers(0, 4, size=pairs)
    u = rng.random(pairs)
    cum = np.cumsum(table, axis=1)
    outcome = np.minimum((u[:, None] >= cum[setting]).sum(axis=1), 3)
    return np.bincount(4 * setting + outcome, minlength=16).reshape(4, 4)


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far (MiB; Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=float, default=1e8, help="pairs for the kernel run")
    parser.add_argument("--baseline-pairs", type=float, default=1e7, help="pairs for the naive NumPy run")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    pairs, base_pairs = int(args.pairs), int(args.baseline_pairs)

    import numba

    from pqms_physics.chsh import estimate_chsh, optimal_settings, outcome_table
    from pqms_physics.chsh.estimate import _multinomial_counts
    from pqms_physics.core.states import bell_state

    rho = bell_state("phi+")
    table = outcome_table(rho, optimal_settings(rho))
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cpus, numba threads {numba.get_num_threads()}, "
        f"python {platform.python_version()}, numpy {np.__version__}, device {args.device}"
    )

    # kernel sampler
    t0 = time.perf_counter()
    estimate_chsh(rho, 4096, seed=0, device=args.device)
    print(f"kernel first call (compile or load cache):    {time.perf_counter() - t0:8.3f} s")
    rss_before = peak_rss_mib()
    est = None

    def run_kernel():
        nonlocal est
        est = estimate_chsh(rho, pairs, seed=1, device=args.device)

    t_kernel, _ = best_of(run_kernel, args.repeats)
    rss_growth = peak_rss_mib() - rss_before
    rate_kernel = pairs / t_kernel

    # naive NumPy baseline (after the kernel, so its per-pair arrays do not mask the kernel's peak memory)
    t_naive, _ = best_of(lambda: naive_numpy_counts(table, base_pairs, 1), args.repeats)
    rate_naive = base_pairs / t_naive
    print(f"naive NumPy sampler, {base_pairs:.0e} pairs:        {t_naive:8.3f} s  {rate_naive:10.3e} pairs/s")
    print(
        f"kernel sampler, {pairs:.0e} pairs:             {t_kernel:8.3f} s  {rate_kernel:10.3e} pairs/s  "
        f"({rate_kernel / rate_naive:6.1f} x naive; goal >= 1e9 pairs/s)"
    )
    print(
        f"  peak RSS growth during the kernel runs:     {rss_growth:8.1f} MiB "
        f"(an int64 array of length pairs would be {pairs * 8 / 2**20:.0f} MiB)"
    )
    print(
        f"  S = {est.value:.6f} +- {est.stderr:.2e} (exact {est.exact_value:.6f}, sqrt(8/N) = "
        f"{math.sqrt(8 / pairs):.2e})"
    )

    # multinomial sampler
    big = 10**15
    estimate_chsh(rho, big, seed=0, sampler="multinomial")
    reps = 200
    t_call, _ = best_of(lambda: estimate_chsh(rho, big, seed=2, sampler="multinomial"), reps)
    t_draw, _ = best_of(lambda: _multinomial_counts(table, big, 2, "random"), reps)
    print(f"multinomial estimate_chsh, 1e15 pairs:        {t_call * 1e6:8.1f} us per call (goal < 1000 us)")
    print(f"  of which drawing the counts:                {t_draw * 1e6:8.1f} us")
    print(f"  equivalent rate: {big / t_call:10.3e} pairs/s ({big / t_call / rate_naive:.1e} x naive)")


if __name__ == "__main__":
    main()
