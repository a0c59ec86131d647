"""Repeater protocols in time: the exact nested engine against in-run baselines (issue 12).

Exact part (:func:`bench_exact`):

1. Nested, 1024 segments, p_link 0.5, p_swap 0.9, w0 0.99, T_coh 1e5 rounds, t_trunc 4e5 (and 256 segments,
   t_trunc 1e5): ``repeater_protocol`` (adaptive per-level support, FFT renewal) versus the same units evaluated
   on the full ``t_trunc`` length at every level (what a fixed-length FFT implementation such as
   Li-Coopmans-Elkouss's does). Goal: <= 0.5 s and <= 0.1 s; agreement to 1e-9 (pmf and E[w 1{T=t}]).
2. Nested, 64 segments with per-level cutoffs, against the slow twin
   (:mod:`pqms_physics.network.protocols.reference`: pair enumeration and direct renewal sum, O(L^2)).
3. A 1e4-point sweep of mean_time / mean_werner over (p_link, p_swap, tau) for 8 segments (goal < 30 s).

The Monte Carlo part lives in its own function (added by the Monte Carlo engine's author).

Run: ``.venv/bin/python benchmarks/bench_protocols.py [--repeats 3] [--sweep-points 10000]``
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time

import numpy as np
from _timing import best_of  # benchmarks/ is on sys.path when run as a script

from pqms_physics.network.protocols import units as U
from pqms_physics.network.protocols.api import repeater_protocol
from pqms_physics.network.protocols.exact import nested_units
from pqms_physics.network.protocols.reference import direct_nested
from pqms_physics.network.protocols.spec import ProtocolSpec


def full_length_nested(spec: ProtocolSpec, t_trunc: int) -> tuple[np.ndarray, np.ndarray]:
    """Baseline: every level on the full ``t_trunc + 1`` rounds (no adaptive support)."""
    n = t_trunc + 1
    a, b = U.geometric_link(spec.p_eff, spec.link_werner, n)
    r = math.exp(-1.0 / spec.coherence_time)
    for _, p_swap, cut, keep in nested_units(spec):
        s, f, ws = U.swap_attempt(a, b, n, p_swap=p_swap, cutoff=cut, r=r, keep_window=keep)
        a, b = U.renewal(s, f, ws, n)
    return a, b


def _compare(res, pmf, wpmf) -> float:
    ours_w = np.where(res.pmf > 0, res.pmf * np.nan_to_num(res.werner), 0.0)
    m = min(res.pmf.size, pmf.size)
    return float(max(np.abs(res.pmf[:m] - pmf[:m]).max(), np.abs(ours_w[:m] - wpmf[:m]).max()))


def bench_exact(args) -> None:
    print("== exact engine (nested) ==")
    for segments, t_trunc, goal in ((1024, 400_000, 0.5), (256, 100_000, 0.1)):
        kw = dict(p_swap=0.9, link_werner=0.99, coherence_time=1e5)
        fast, res = best_of(
            lambda n=segments, tt=t_trunc, kw=kw: repeater_protocol(n, 0.5, t_trunc=tt, **kw), args.repeats
        )
        spec = ProtocolSpec(segments, 0.5, **kw)
        base, (pmf, wpmf) = best_of(lambda s=spec, tt=t_trunc: full_length_nested(s, tt), 1)
        diff = _compare(res, pmf, wpmf)
        print(
            f"{segments:5d} segments, t_trunc {t_trunc:.0e}: engine {fast * 1e3:8.1f} ms (goal <= {goal} s), "
            f"full-length FFT baseline {base * 1e3:8.1f} ms, ratio {base / fast:6.1f}x, "
            f"max |diff| {diff:.1e} (goal <= 1e-9); E[T] = {res.mean_time:.4f}, E[w] = {res.mean_werner:.6f}"
        )
    length = 700
    kw = dict(p_swap=0.8, link_werner=0.98, coherence_time=60.0)
    cut = (8, 16, 30, 60, 120, 200)
    fast, res = best_of(lambda: repeater_protocol(64, 0.6, cutoff=cut, t_trunc=length - 1, **kw), args.repeats)
    slow, (pmf, wpmf) = best_of(
        lambda: direct_nested(64, 0.6, w0=0.98, p_swap=0.8, coherence_time=60.0, cutoffs=cut, length=length), 1
    )
    print(
        f"   64 segments, cutoffs {cut}, {length} rounds: engine {fast * 1e3:.1f} ms, direct twin "
        f"{slow * 1e3:.1f} ms, ratio {slow / fast:.0f}x, max |diff| {_compare(res, pmf, wpmf):.1e}"
    )
    rng = np.random.default_rng(12)
    pts = args.sweep_points
    grid = zip(rng.uniform(0.1, 1.0, pts), rng.uniform(0.5, 1.0, pts), rng.integers(5, 60, pts), strict=True)
    t0 = time.perf_counter()
    out = [
        (r.mean_time, r.mean_werner)
        for r in (
            repeater_protocol(8, p, p_swap=a, cutoff=int(tau), link_werner=0.98, coherence_time=200.0)
            for p, a, tau in grid
        )
    ]
    dt = time.perf_counter() - t0
    print(
        f"sweep of {pts} points (8 segments, p_link x p_swap x tau): {dt:.2f} s (goal < 30 s), "
        f"{pts / dt:.0f} points/s, median E[T] {np.median([o[0] for o in out]):.1f} rounds"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sweep-points", type=int, default=10_000)
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    bench_exact(args)


if __name__ == "__main__":
    main()
