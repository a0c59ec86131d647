"""Channel application versus solving the master equation, measured in one run.

Prints the time to apply a composed two-qubit channel (one-qubit dephasing on
qubit 0 after amplitude damping on qubit 1) to Phi+ through the cached
superoperator, the time for ``qutip.mesolve`` to produce the same state, their
ratio, the agreement of the two states, and the cold import time of
``pqms_physics`` (goal < 1.5 s, Numba/matplotlib/QuTiP loaded lazily).

Swapping as a channel: the one-off build of ``swap_channel`` (cached per
parameter set) and the time to apply it to the four-qubit product of two
generic (not Bell-diagonal) pairs, against the functional ``swap`` general path
on the same pairs (goal: at most ~3x slower).

Run: ``.venv/bin/python benchmarks/bench_channels.py [--repeats N]``
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

import numpy as np
import qutip as qt
from _timing import best_of  # benchmarks/ is on sys.path when run as a script

import pqms_physics as pq


def cold_import_s(module: str) -> tuple[float, float]:
    """(import time inside the interpreter, wall time of the whole `python -c "import ..."` command) in s."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip()), time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()

    gamma_z, gamma_ad, t = 0.05, 0.5, 1.0
    rho = qt.ket2dm(pq.bell_state("phi+"))
    channel = pq.dephasing(gamma_z, t).on(0, n=2) @ pq.amplitude_damping(gamma_ad, t).on(1, n=2)
    c_ops = [
        np.sqrt(gamma_z) * qt.tensor(qt.sigmaz(), qt.qeye(2)),
        np.sqrt(gamma_ad) * qt.tensor(qt.qeye(2), qt.destroy(2)),
    ]
    h = qt.qzero([2, 2])
    opts = {"atol": 1e-10, "rtol": 1e-10}

    def solve():
        return qt.mesolve(h, rho, [0.0, t], c_ops, options=opts).states[-1]

    channel(rho)  # warm caches
    t_apply, _ = best_of(lambda: channel(rho), args.repeats)
    t_apply_raw, _ = best_of(lambda: channel.superop_matrix @ rho.full().reshape(-1, order="F"), args.repeats)
    t_solve, _ = best_of(solve, max(5, args.repeats // 20))
    diff = (channel(rho) - solve()).norm()

    print(f"apply composed 2-qubit channel (Qobj in/out): {t_apply * 1e6:9.1f} us")
    print(f"  of which the 16x16 matrix-vector product:   {t_apply_raw * 1e6:9.1f} us")
    print(f"qutip.mesolve, same evolution (tol 1e-10):    {t_solve * 1e6:9.1f} us")
    print(f"ratio mesolve / channel application:          {t_solve / t_apply:9.0f} x")
    print(f"trace-norm difference of the two states:      {diff:9.2e}")
    swap_case(args.repeats)
    for module in ("pqms_physics", "qutip"):
        inside, whole = cold_import_s(module)
        print(
            f"python -c 'import {module}': {whole:6.3f} s wall ({inside:6.3f} s in the import)"
            + ("  (goal < 1.5 s)" if module == "pqms_physics" else "  (for comparison)")
        )


def swap_case(repeats: int) -> None:
    """swap_channel (built once, then applied) against the functional swap's general path."""
    from pqms_physics.network import swap_channel as sc
    from pqms_physics.network.swapping import swap

    rng = np.random.default_rng(1)
    pairs = []
    for _ in range(2):
        g = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
        rho = g @ g.conj().T
        pairs.append(qt.Qobj(rho / np.trace(rho), dims=[[2, 2], [2, 2]]))
    rho_ab, rho_cd = pairs
    kw = {"gate_fidelity": 0.97, "measurement_fidelity": 0.99, "memory": pq.dephasing(0.1, 0.01)}
    sc._channel.cache_clear()
    sc._branches.cache_clear()
    t0 = time.perf_counter()
    channel = sc.swap_channel(**kw)
    t_build = time.perf_counter() - t0
    t_cached, _ = best_of(lambda: sc.swap_channel(**kw), repeats)
    t_apply, out = best_of(lambda: channel(qt.tensor(rho_ab, rho_cd)), repeats)
    rho_abcd = qt.tensor(rho_ab, rho_cd)
    t_apply_only, _ = best_of(lambda: channel(rho_abcd), repeats)
    t_swap, ref = best_of(lambda: swap(rho_ab, rho_cd, **kw), repeats)
    print(f"swap_channel build (one-off, then cached):    {t_build * 1e3:9.1f} ms")
    print(f"swap_channel(...) lookup in the cache:        {t_cached * 1e6:9.1f} us")
    print(
        f"apply swap_channel to tensor(rho_ab, rho_cd): {t_apply * 1e6:9.1f} us"
        f"  (to a ready 4-qubit state: {t_apply_only * 1e6:.1f} us)"
    )
    print(f"functional swap, general path:                {t_swap * 1e6:9.1f} us")
    print(f"ratio channel / functional swap:              {t_apply / t_swap:9.2f} x  (goal <= ~3)")
    print(f"max |difference| of the two A-D states:       {np.abs(out.full() - ref.full()).max():9.1e}")


if __name__ == "__main__":
    main()
