"""Benchmark of the NCT pool-bias experiment (issue 6): time per run, ratios to a naive NumPy run, peak memory.

Measured in one run, each configuration in a fresh Python process (so peak RSS is per configuration):

- ``pool_bias_experiment(N, ..., sampler="kernel")``: two pools of N pairs each (2N pairs sampled from the
  exact joint (2, 4) table, interleaved with ``setting_choice="cyclic"``), after a warm-up call that loads
  (or compiles) the Numba kernels; best of ``--repeats`` for N <= 1e8, one run above;
- the naive NumPy approach (baseline), timed at ``--baseline-n`` pairs per pool and scaled linearly to
  N: per pool ``Generator.choice(4, size=N, p=row)``, the receiver's bit ``outcome & 1``, its mean,
  the difference of means. It materialises per-pair arrays;
- ``pool_bias_experiment(..., sampler="multinomial")``: an exact multinomial draw per pool, O(1) in N
  (no per-pair stream; shown for scale).

Reports seconds, pairs/s (2N pairs per run), the ratio naive / kernel, and the peak RSS of each process.

Usage::

    python benchmarks/bench_nct.py                 # N = 1e6, 1e8, 1e9 per pool on the CPU
    python benchmarks/bench_nct.py --big           # adds N = 1e10 per pool (2e10 pairs, ~30 s or more)
    python benchmarks/bench_nct.py --device cuda   # the kernels' GPU path (needs CUDA)

The machine is shared with other engineers' jobs: the load average is printed; absolute times are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

KERNEL = """
import json, resource, time
from pqms_physics.core.noise import dephasing
from pqms_physics.nct import pool_bias_experiment
import numba
ch = dephasing(gamma_per_s=0.05, t_s=1.0)   # the design documents' operation on pool 1
t = time.perf_counter()
pool_bias_experiment(1000, seed=0, sender_channel=ch, device={device!r})   # loads / compiles the kernels
warm = time.perf_counter() - t
rss_warm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
best, res = float("inf"), None
for rep in range({repeats}):
    t = time.perf_counter()
    res = pool_bias_experiment({n}, seed=1 + rep, sender_channel=ch, device={device!r})
    best = min(best, time.perf_counter() - t)
print(json.dumps(dict(seconds=best, warm_s=warm, rss_warm_mb=rss_warm, threads=numba.get_num_threads(),
                      rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      z=res.z, delta_mu=res.delta_mu, stderr=res.stderr, stream_version=res.stream_version)))
"""

NAIVE = """
import json, resource, time
import numpy as np
from pqms_physics.nct import pool_probabilities
from pqms_physics.core.noise import dephasing
table = pool_probabilities(sender_channel=dephasing(gamma_per_s=0.05, t_s=1.0))
rng = np.random.default_rng(1)
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t = time.perf_counter()
mu = []
for row in table:                                   # pool 0, pool 1
    outcomes = rng.choice(4, size={n}, p=row)       # one joint outcome 2a+b per pair
    mu.append(float((outcomes & 1).mean()))         # the receiver's bit b
delta = mu[1] - mu[0]
sec = time.perf_counter() - t
print(json.dumps(dict(seconds=sec, delta_mu=delta,
                      rss_growth_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss0)))
"""

MULTINOMIAL = """
import json, time
from pqms_physics.nct import pool_bias_experiment
pool_bias_experiment(1000, seed=0, sampler="multinomial")
t = time.perf_counter()
for s in range(100):
    pool_bias_experiment({n}, seed=s, sampler="multinomial")
print(json.dumps(dict(seconds=(time.perf_counter() - t) / 100)))
"""


def _child(code: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": REPO},
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    ap.add_argument("--baseline-n", type=float, default=1e7, help="pairs per pool of the naive baseline")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--big", action="store_true", help="also N = 1e10 pairs per pool")
    args = ap.parse_args(argv)
    sizes = [10**6, 10**8, 10**9] + ([10**10] if args.big else [])
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cpus, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f} at start"
    )

    nb = int(args.baseline_n)
    naive = _child(NAIVE.format(n=nb))
    per_pair = naive["seconds"] / (2 * nb)
    print(
        f"naive NumPy baseline at {nb:.0e} pairs/pool: {naive['seconds']:.2f} s "
        f"({2 * nb / naive['seconds']:.2e} pairs/s), RSS growth {naive['rss_growth_mb']:.0f} MB "
        f"-> scaled to 1e8/pool: {per_pair * 2e8:.1f} s, {naive['rss_growth_mb'] * 1e8 / nb / 1024:.1f} GB"
    )

    rows = []
    for n in sizes:
        k = _child(KERNEL.format(n=n, device=args.device, repeats=args.repeats if n <= 10**8 else 1))
        rows.append((n, k))
        print(
            f"kernel ({args.device}, {k['threads']} threads) N = {n:.0e}/pool: {k['seconds']:.3f} s, "
            f"{2 * n / k['seconds']:.2e} pairs/s, naive/kernel = {per_pair * 2 * n / k['seconds']:.0f}x, "
            f"peak RSS {k['rss_mb']:.0f} MB (after warm-up {k['rss_warm_mb']:.0f} MB; warm-up call "
            f"{k['warm_s']:.1f} s), z = {k['z']:+.3f}, stderr = {k['stderr']:.3e}"
        )
    m = _child(MULTINOMIAL.format(n=10**8))
    print(f"multinomial sampler N = 1e8/pool: {m['seconds'] * 1e3:.2f} ms per call (exact, O(1) in N)")
    rss = [k["rss_mb"] for _, k in rows]
    print(
        f"peak RSS over N = {sizes[0]:.0e}..{sizes[-1]:.0e}: {min(rss):.0f}-{max(rss):.0f} MB "
        f"(flat: counts only, no per-pair arrays)"
    )
    print(f"load average {os.getloadavg()[0]:.1f} at end")


if __name__ == "__main__":
    main()
