"""Repeater chains: fast paths of pqms_physics.network.chains against hop-by-hop baselines, in one run.

1. ``fidelity_vs_hops`` for hops 1..N (default 1000) of a general, non-Bell-diagonal link
   (amplitude-damped Phi+) with Duer-noisy swaps and a memory channel (amplitude damping + dephasing
   of both outer qubits while the swap result travels), versus the loop a user would write without
   the library's 16x16 map: per hop, tensor the chain pair with a new link, apply the noisy Bell
   measurement circuit (tests/chains_helpers.py), evolve each outcome's A-D state under the memory
   Lindbladian with ``qutip.mesolve``, correct, sum. Prints the time ratio and the largest fidelity
   difference over all hops (goal: >= 1000x, exact to 1e-9).
2. A sweep of 1e4 points (hops x link fidelity x gate fidelity x measurement fidelity) for Werner
   links: ``werner_chain_fidelity`` in one broadcast call, ``fidelity_vs_hops`` once per
   (F, p, eta) with the vector of hops, and a baseline of one ``fidelity_vs_hops`` call per point.
   Prints times (goal: under 10 s on 2 cores), ratios, and the largest disagreement.

Run: ``.venv/bin/python benchmarks/bench_chain.py [--hops 1000] [--repeats 5]``
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import qutip as qt

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the test oracle's circuit pieces
from _timing import best_of  # noqa: E402  (benchmarks/ is on sys.path when run as a script)
from chains_helpers import CORRECTION, PAULIS, bell_measurement_unitary, readout_povm  # noqa: E402

import pqms_physics as pq  # noqa: E402
from pqms_physics.network.chains import werner_chain_fidelity  # noqa: E402

I2 = qt.qeye(2)


def mesolve_loop(link: qt.Qobj, n_max: int, p: float, eta: float, one_qubit_c_ops, t_s: float, opts) -> np.ndarray:
    """Hop-by-hop baseline: explicit four-qubit swap, memory by qutip.mesolve, fidelity per hop."""
    phi = pq.bell_state("phi+")
    u = bell_measurement_unitary()
    c_ops = [qt.tensor(c, I2) for c in one_qubit_c_ops] + [qt.tensor(I2, c) for c in one_qubit_c_ops]
    h0 = qt.qzero([2, 2])
    effects = {bits: qt.tensor(I2, readout_povm(bits[0], eta), readout_povm(bits[1], eta), I2) for bits in CORRECTION}
    corrections = {bits: qt.tensor(I2, PAULIS[name]) for bits, name in CORRECTION.items()}
    state, fids = link, [pq.fidelity(link, phi)]
    for _ in range(n_max - 1):
        rho = qt.tensor(state, link)
        mixed = qt.tensor(rho.ptrace([0, 3]), qt.qeye([2, 2]) / 4).permute([0, 2, 3, 1])
        rho = p * (u * rho * u.dag()) + (1 - p) * mixed
        out = 0
        for bits, effect in effects.items():
            cond = (effect * rho).ptrace([0, 3])
            cond = qt.mesolve(h0, cond, [0.0, t_s], c_ops, options=opts).states[-1]
            out = out + corrections[bits] * cond * corrections[bits].dag()
        state = out
        fids.append(float(np.real(phi.dag() * state * phi)))  # QuTiP 5: bra * ket is a complex scalar
    return np.array(fids)


def bench_general_link(n_hops: int, repeats: int) -> None:
    # Inputs fixed up front (not tuned): a 10 km link's classical signalling time, T1 = 1 s, T2 ~ 0.5 s.
    t_s = 10.0 / 2e5
    gamma_1, gamma_z = 1.0, 0.5
    link = pq.amplitude_damping(1.0, 2e-4).on(1, 2)(pq.bell_state("phi+"))  # not Bell-diagonal
    p, eta = 0.9999, 0.99995
    one_qubit_c_ops = [np.sqrt(gamma_1) * qt.destroy(2), np.sqrt(gamma_z) * qt.sigmaz()]
    memory = pq.lindblad_channel(None, one_qubit_c_ops, t_s)
    hops = np.arange(1, n_hops + 1)

    pq.fidelity_vs_hops(link, hops[:3], p, eta, memory)  # warm caches
    t_fast, fast = best_of(lambda: pq.fidelity_vs_hops(link, hops, p, eta, memory), repeats)
    opts = {"atol": 1e-14, "rtol": 1e-14, "method": "dop853"}  # adams at 1e-12 drifts ~1e-11 per hop
    t0 = time.perf_counter()
    slow = mesolve_loop(link, n_hops, p, eta, one_qubit_c_ops, t_s, opts)
    t_slow = time.perf_counter() - t0
    print(
        f"[1] general link, hops 1..{n_hops}, Duer p={p}, eta={eta}, memory T1=1 s, gamma_z=0.5/s, "
        f"t={t_s:.1e} s per swap"
    )
    print(f"    fidelity_vs_hops (16x16 map, best of {repeats}): {t_fast * 1e3:10.2f} ms")
    print(
        f"    hop-by-hop QuTiP swap + mesolve loop (once):  {t_slow * 1e3:10.0f} ms "
        f"({4 * (n_hops - 1)} mesolve calls, dop853, atol=rtol=1e-14)"
    )
    print(f"    ratio loop / fidelity_vs_hops:                 {t_slow / t_fast:10.0f} x   (goal >= 1000 x)")
    print(f"    max |F_fast - F_loop| over all hops:           {np.abs(fast - slow).max():10.2e}   (goal <= 1e-9)")
    print(f"    F at hops 1, {n_hops // 10}, {n_hops}: {fast[0]:.6f}, {fast[n_hops // 10 - 1]:.6f}, {fast[-1]:.6f}")


def bench_sweep(repeats: int) -> None:
    hops = np.unique(np.round(np.geomspace(1, 1000, 27)).astype(int))  # 25 distinct values, 1..1000
    f_link = np.linspace(0.9, 0.9999, 20)
    gate = np.linspace(0.99, 1.0, 5)
    meas = np.linspace(0.99, 1.0, 4)
    n_points = hops.size * f_link.size * gate.size * meas.size
    grid = np.meshgrid(hops, f_link, gate, meas, indexing="ij")

    def vectorised():
        return werner_chain_fidelity(grid[1], grid[0], grid[2], grid[3])

    def per_triple():
        out = np.empty((hops.size, f_link.size, gate.size, meas.size))
        for i, f in enumerate(f_link):
            link = pq.werner_state(f)
            for j, pg in enumerate(gate):
                for k, pm in enumerate(meas):
                    out[:, i, j, k] = pq.fidelity_vs_hops(link, hops, pg, pm)
        return out

    def per_point():
        out = np.empty((hops.size, f_link.size, gate.size, meas.size))
        for idx in np.ndindex(out.shape):
            h, i, j, k = idx
            out[idx] = pq.fidelity_vs_hops(pq.werner_state(f_link[i]), [hops[h]], gate[j], meas[k])[0]
        return out

    vectorised()
    t_vec, a = best_of(vectorised, repeats)
    t_tri, b = best_of(per_triple, max(1, repeats // 2))
    t_pt, c = best_of(per_point, 1)
    print(
        f"[2] sweep of {n_points} points: {hops.size} hop counts (1..1000) x {f_link.size} link F x "
        f"{gate.size} gate p x {meas.size} readout eta, Werner links, exact (untwirled)"
    )
    print(f"    werner_chain_fidelity, one broadcast call:     {t_vec * 1e3:10.2f} ms   (goal < 10 s)")
    print(f"    fidelity_vs_hops per (F, p, eta), hops vector: {t_tri * 1e3:10.2f} ms")
    print(f"    baseline: fidelity_vs_hops per point:          {t_pt * 1e3:10.0f} ms")
    print(f"    ratios baseline / broadcast, baseline / per-triple: {t_pt / t_vec:8.0f} x, {t_pt / t_tri:6.1f} x")
    print(f"    max disagreement between the three:            {max(np.abs(a - c).max(), np.abs(b - c).max()):10.2e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hops", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}, qutip {qt.__version__}; load average {os.getloadavg()[0]:.1f}"
    )
    bench_general_link(args.hops, args.repeats)
    bench_sweep(args.repeats)


if __name__ == "__main__":
    main()
