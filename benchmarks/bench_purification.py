"""Entanglement purification: vectorised Bell-diagonal DEJMPS and the compiled general-state path, in one run.

1. Bell-diagonal DEJMPS on 1e6 pairs of weight vectors (noisy: p2 = eta = 0.99): the trusted kernel
   (``bell_diagonal.dejmps_weights``) and the public ``dejmps`` (with validation). Goal: <= 0.1 s on 2 cores.
   In-run baselines: one elementwise product of the inputs (memory-bandwidth floor) and a per-vector Python
   loop over the same kernel (timed on a sample, scaled).
2. General two-qubit states: ``general.recurrence_arrays`` (the compiled bilinear map) and the public
   ``dejmps`` on ``qutip.Qobj`` inputs, against the explicit QuTiP four-qubit circuit of the tests
   (``tests/helpers/purification_oracle.py``: gates, Duer noise by partial traces, noisy readout, post-selection).
   Goal: >= 100x faster, same kept state to 1e-12.

Run: ``.venv/bin/python benchmarks/bench_purification.py [--n 1000000] [--states 50]``
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path

import numpy as np
import qutip as qt
from _timing import best_of  # benchmarks/ is on sys.path when run as a script

from pqms_physics.network.purification import dejmps
from pqms_physics.network.purification.bell_diagonal import dejmps_weights
from pqms_physics.network.purification.general import recurrence_arrays

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "helpers"))
from purification_oracle import purify_circuit  # noqa: E402  (the independent QuTiP circuit of the tests)

P2 = ETA = 0.99


def bell_diagonal_part(n: int, repeats: int) -> None:
    rng = np.random.default_rng(1)
    w1, w2 = rng.dirichlet(np.ones(4), size=n), rng.dirichlet(np.ones(4), size=n)
    t_floor, _ = best_of(lambda: w1 * w2, repeats)
    t_kernel, (out, succ) = best_of(lambda: dejmps_weights(w1, w2, P2, ETA), repeats)
    t_public, res = best_of(lambda: dejmps(w1, w2, gate_fidelity=P2, measurement_fidelity=ETA), repeats)
    sample = 2000
    t_loop, _ = best_of(lambda: [dejmps_weights(w1[i], w2[i], P2, ETA) for i in range(sample)], 1)
    t_loop *= n / sample
    assert np.array_equal(res.weights, out) and np.allclose(out.sum(axis=-1), 1.0, atol=1e-12)
    print(f"1. Bell-diagonal DEJMPS, {n:.0e} input pairs (p2 = eta = {P2}):")
    print(
        f"   kernel            {t_kernel:8.4f} s   ({t_kernel / t_floor:5.1f}x one elementwise product, "
        f"{t_floor:.4f} s)"
    )
    print(f"   public dejmps     {t_public:8.4f} s   (validation included)")
    print(
        f"   per-vector loop   {t_loop:8.2f} s   (scaled from {sample}): vectorised is {t_loop / t_kernel:,.0f}x faster"
    )
    print(
        f"   goal <= 0.1 s: kernel {'met' if t_kernel <= 0.1 else 'NOT met'}, "
        f"public {'met' if t_public <= 0.1 else 'NOT met'}"
    )


def general_part(n_states: int, repeats: int) -> None:
    rhos = [(qt.rand_dm([2, 2], seed=2 * k), qt.rand_dm([2, 2], seed=2 * k + 1)) for k in range(n_states)]
    arrays = [(a.full(), b.full()) for a, b in rhos]
    t_qutip, ref = best_of(lambda: [purify_circuit(a, b, P2, ETA) for a, b in rhos], 1)
    recurrence_arrays(arrays[0][0], arrays[0][1], P2, ETA)  # build the compiled map once (cached)
    t_arrays, got = best_of(lambda: [recurrence_arrays(a, b, P2, ETA) for a, b in arrays], repeats)
    t_public, pub = best_of(
        lambda: [dejmps(a, b, gate_fidelity=P2, measurement_fidelity=ETA) for a, b in rhos], repeats
    )
    stack1, stack2 = np.array([a for a, _ in arrays]), np.array([b for _, b in arrays])
    t_batch, batch = best_of(lambda: recurrence_arrays(stack1, stack2, P2, ETA), repeats)
    err = max(
        max(np.abs(g / np.trace(g).real - r[0].full()).max(), abs(np.trace(g).real - r[1]))
        for g, r in zip(got, ref, strict=True)
    )
    err_pub = max(np.abs(p.state.full() - r[0].full()).max() for p, r in zip(pub, ref, strict=True))
    err_batch = max(np.abs(batch[k] - got[k]).max() for k in range(n_states))
    per = t_qutip / n_states
    print(f"2. General two-qubit states ({n_states} random pairs, p2 = eta = {P2}), per pair:")
    print(f"   QuTiP circuit        {per * 1e3:8.3f} ms")
    print(f"   recurrence_arrays    {t_arrays / n_states * 1e6:8.1f} us   {t_qutip / t_arrays:7.0f}x faster")
    print(f"   batched (one call)   {t_batch / n_states * 1e6:8.1f} us   {t_qutip / t_batch:7.0f}x faster")
    print(
        f"   public dejmps(Qobj)  {t_public / n_states * 1e6:8.1f} us   {t_qutip / t_public:7.0f}x faster "
        f"(validation and Qobj creation included)"
    )
    print(f"   max |difference| to the QuTiP circuit: {max(err, err_pub, err_batch):.1e} (goal <= 1e-12)")
    print(f"   goal >= 100x: {'met' if t_qutip / t_arrays >= 100 else 'NOT met'} (recurrence_arrays)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--states", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"python {platform.python_version()}, numpy {np.__version__}, qutip {qt.__version__}, {os.cpu_count()} cores")
    bell_diagonal_part(args.n, args.repeats)
    general_part(args.states, args.repeats)


if __name__ == "__main__":
    main()
