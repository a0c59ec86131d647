"""Benchmark of the repeater-protocol Monte Carlo (issue 12): protocol runs per second and memory.

Case (Li–Coopmans–Elkouss 2021's Monte Carlo test case): nested, 8 segments, p_link 0.1, p_swap 0.5,
w0 0.98, T_coh 400 rounds, cutoffs (16, 31, 55). Goal: >= 1e6 runs/s on 2 cores; their Monte Carlo runs
4.4e4 runs/s on a 2-core machine of this class (the issue's figure, quoted, not re-measured here).

Measured in one run:

- ``simulate`` (Numba kernel, all threads) at ``--runs`` runs: runs per wall-clock second and per
  CPU-second of this process;
- the plain-Python twin (``kernels/protocol_reference.py``) on ``--twin-runs`` runs: the ratio;
- peak RSS of a fresh process running ``simulate`` at 1e5 and at ``--runs`` runs (memory flat in runs);
- ``--device cuda``: instead of the above, ``simulate(..., device="cuda")`` (kernels/protocol_cuda.py) at
  ``--runs`` runs: GPU runs per second (kernel compiled first), the CPU kernel's rate on the same case, and
  whether GPU and CPU give the same pmf and means at ``--check-runs`` runs;
- ``--sweep``: the time of a ``--sweep-points``-point sweep of protocol_mean_time and of
  protocol_mean_werner over p_link in [0.1, 0.9], p_swap in [0.5, 1], cutoff in 10..~220 rounds (w0 0.98,
  T_coh 400) for 8 segments through ``run_sweep`` (exact engine), and of the grid helper alone.

Usage::

    python benchmarks/bench_protocols_mc.py
    python benchmarks/bench_protocols_mc.py --runs 10000000 --sweep
    python benchmarks/bench_protocols_mc.py --device cuda --runs 100000000

The machine is shared: absolute numbers are noisy (look at the CPU-time rate), the ratios less so.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _timing import best_of  # noqa: E402

LCE_RUNS_PER_S = 4.4e4  # issue 12: Li-Coopmans-Elkouss's Monte Carlo on a 2-core machine of this class
SPEC = dict(segments=8, p_link=0.1, p_swap=0.5, link_werner=0.98, coherence_time=400.0, cutoff=(16, 31, 55))


def _rss_child(runs: int) -> float:
    code = (
        "import resource, json\n"
        "from pqms_physics.network.protocols.spec import ProtocolSpec\n"
        "from pqms_physics.network.protocols.montecarlo import simulate\n"
        f"simulate(ProtocolSpec(**{SPEC!r}), samples={runs}, seed=1, t_trunc=20000, progress=False)\n"
        "print(json.dumps(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def monte_carlo(runs: int, twin_runs: int, repeats: int) -> dict:
    """Runs per second of the kernel and of the twin, and peak RSS versus runs."""
    import numba

    from pqms_physics.kernels import protocol_reference as ref
    from pqms_physics.network.protocols.montecarlo import kernel_args, simulate
    from pqms_physics.network.protocols.spec import ProtocolSpec

    spec = ProtocolSpec(**SPEC)
    simulate(spec, samples=1000, seed=1, t_trunc=20000, progress=False)  # compile / load the cache
    c0 = time.process_time()
    wall, res = best_of(lambda: simulate(spec, samples=runs, seed=1, t_trunc=20000, progress=False), repeats)
    cpu = (time.process_time() - c0) / repeats
    args = kernel_args(spec)
    t0 = time.perf_counter()
    ref.simulate_reference(*args, 1, 0, twin_runs, 20000)
    twin = time.perf_counter() - t0
    out = {
        "threads": numba.get_num_threads(),
        "runs": runs,
        "runs_per_s": runs / wall,
        "runs_per_cpu_s": runs / cpu,
        "twin_runs_per_s": twin_runs / twin,
        "mean_time": res.mean_time,
        "mean_werner": res.mean_werner,
        "rss_mb_1e5": _rss_child(100_000),
        f"rss_mb_{runs:.0e}": _rss_child(runs),
    }
    out["ratio_vs_twin"] = out["runs_per_s"] / out["twin_runs_per_s"]
    out["ratio_vs_lce_quoted"] = out["runs_per_s"] / LCE_RUNS_PER_S
    return out


def monte_carlo_cuda(runs: int, check_runs: int, repeats: int) -> dict:
    """GPU runs per second of ``simulate(..., device="cuda")``, the CPU kernel's on the same case, and the
    GPU-CPU comparison at ``check_runs`` runs (the same pmf and means expected; see kernels/protocol_cuda.py)."""
    import numpy as np

    from pqms_physics.kernels import cuda as kcuda
    from pqms_physics.kernels.protocol_cpu import MAX_BLOCK_RUNS
    from pqms_physics.network.protocols.montecarlo import simulate
    from pqms_physics.network.protocols.spec import ProtocolSpec

    nc = kcuda.require_cuda()
    name = getattr(nc.get_current_device(), "name", "CUDA simulator")
    spec = ProtocolSpec(**SPEC)
    kw = dict(seed=1, t_trunc=20000, progress=False, chunk=MAX_BLOCK_RUNS)
    t0 = time.perf_counter()
    simulate(spec, samples=1000, device="cuda", **kw)  # compile
    compile_s = time.perf_counter() - t0
    wall, res = best_of(lambda: simulate(spec, samples=runs, device="cuda", **kw), repeats)
    cpu_runs = min(runs, 4_000_000)
    cpu_wall, _ = best_of(lambda: simulate(spec, samples=cpu_runs, **kw), 1)
    g = simulate(spec, samples=check_runs, device="cuda", **kw)
    c = simulate(spec, samples=check_runs, **kw)
    return {
        "device": name.decode() if isinstance(name, bytes) else str(name),
        "runs": runs,
        "gpu_runs_per_s": runs / wall,
        "gpu_compile_s": compile_s,
        "cpu_runs_per_s": cpu_runs / cpu_wall,
        "mean_time": res.mean_time,
        "mean_werner": res.mean_werner,
        "check_runs": check_runs,
        "same_pmf": bool(np.array_equal(g.pmf, c.pmf)),
        "same_mean_time": g.mean_time == c.mean_time,
        "same_mean_werner": g.mean_werner == c.mean_werner,
        "mean_werner_diff": abs(g.mean_werner - c.mean_werner),
    }


def sweep(points: int, workers: int) -> dict:
    """Wall time of a registered-quantity sweep (protocol_mean_time and protocol_mean_werner) over
    (p_link, p_swap, cutoff) for 8 segments through ``run_sweep``; also the grid helper alone, serially."""
    import tempfile

    import numpy as np

    from pqms_physics.sweep.engine import run_sweep
    from pqms_physics.sweep.quantities_protocols import evaluate_protocol_grid

    n = round(points ** (1 / 3))
    out = {"points": n**3, "workers": workers}
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("protocol_mean_time", "protocol_mean_werner"):
            cfg = os.path.join(tmp, f"{name}.toml")
            with open(cfg, "w") as fh:
                fh.write(
                    f'[sweep]\nquantity = "{name}"\nchunk_points = 250\n[parameters]\n'
                    f"p_link = {{ start = 0.1, stop = 0.9, num = {n} }}\n"
                    f"p_swap = {{ start = 0.5, stop = 1.0, num = {n} }}\n"
                    f"cutoff = {list(range(10, 10 + 10 * n, 10))}\n"
                    "[fixed]\nsegments = 8\nlink_werner = 0.98\ncoherence_time = 400.0\n"
                )
            t0 = time.perf_counter()
            ds = run_sweep(cfg, workers=workers, progress=False, resume=False)
            out[f"{name}_s"] = time.perf_counter() - t0
            out[f"{name}_finite"] = bool(all(np.all(np.isfinite(ds[v].values)) for v in ds.data_vars))
    grid = [
        a.ravel()
        for a in np.meshgrid(
            np.linspace(0.1, 0.9, n), np.linspace(0.5, 1.0, n), np.arange(10, 10 + 10 * n, 10), indexing="ij"
        )
    ]
    t0 = time.perf_counter()
    evaluate_protocol_grid(8, grid[0], grid[1], grid[2], link_werner=0.98, coherence_time=400.0)
    out["grid_helper_serial_s"] = time.perf_counter() - t0
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=4_000_000)
    ap.add_argument("--twin-runs", type=int, default=2_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    ap.add_argument("--check-runs", type=int, default=1_000_000, help="--device cuda: GPU-CPU comparison runs")
    ap.add_argument("--sweep", action="store_true")
    ap.add_argument("--sweep-points", type=int, default=10_000)
    ap.add_argument("--sweep-workers", type=int, default=2)
    args = ap.parse_args(argv)
    if args.device == "cuda":
        g = monte_carlo_cuda(args.runs, args.check_runs, args.repeats)
        print(json.dumps({"monte_carlo_cuda": g}, indent=1))
        print(
            f"Monte Carlo on {g['device']}: {g['gpu_runs_per_s']:.3g} runs/s "
            f"({g['gpu_runs_per_s'] / g['cpu_runs_per_s']:.0f}x the CPU kernel's {g['cpu_runs_per_s']:.3g}); "
            f"GPU = CPU at {g['check_runs']:.0e} runs: pmf "
            f"{g['same_pmf']}, mean_time {g['same_mean_time']}, mean_werner {g['same_mean_werner']}"
        )
        sys.exit(0 if g["same_pmf"] and g["same_mean_time"] and g["mean_werner_diff"] <= 2.0**-32 else 1)
    mc = monte_carlo(args.runs, args.twin_runs, args.repeats)
    print(json.dumps({"monte_carlo": mc}, indent=1))
    print(
        f"Monte Carlo: {mc['runs_per_s']:.3g} runs/s wall ({mc['runs_per_cpu_s']:.3g} per CPU-s) on "
        f"{mc['threads']} threads; {mc['ratio_vs_twin']:.0f}x the NumPy/Python twin; "
        f"{mc['ratio_vs_lce_quoted']:.1f}x LCE's quoted 4.4e4 runs/s; goal 1e6 runs/s"
    )
    if args.sweep:
        sw = sweep(args.sweep_points, args.sweep_workers)
        print(json.dumps({"sweep": sw}, indent=1))
        print(
            f"Sweep of {sw['points']} points, 8 segments, {sw['workers']} workers: mean_time "
            f"{sw['protocol_mean_time_s']:.1f} s, mean_werner {sw['protocol_mean_werner_s']:.1f} s "
            f"(goal < 30 s); grid helper alone, serial: {sw['grid_helper_serial_s']:.1f} s"
        )


if __name__ == "__main__":
    main()
