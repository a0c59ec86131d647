"""Two-qubit tomography: maximum likelihood of one state and a 1000-resample bootstrap, against in-run baselines.

Prints, for counts of a noisy Bell state (``--pairs`` per Pauli setting, 9 settings, sampled with
``sample_counts(..., device="numpy")``):

* ``maximum_likelihood_state`` (batched log-barrier Newton, certified log-likelihood gap <= 1e-3 nats): best
  wall time of ``--repeats`` calls (goal <= 50 ms), and two baselines solving the same problem in the same run:
  SciPy's generic L-BFGS-B on a Cholesky parametrisation with finite-difference gradients (James et al. 2001),
  and the plain ``R rho R`` iteration (Hradil 1997) run until its own certificate reaches the same gap;
* ``bootstrap_tomography`` with 1000 resamples (all maximum-likelihood problems solved in one batch; goal <= 5 s)
  against the naive loop that calls ``maximum_likelihood_state`` once per resample (timed on
  ``--naive-resamples`` resamples and scaled to 1000).

Wall times are the figures of merit; the CPU time of this process is printed beside them, because on a shared
machine the wall time also counts other processes.

Run: ``.venv/bin/python benchmarks/bench_tomography.py [--pairs 1000] [--repeats 5] [--naive-resamples 50]``
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
from _timing import best_of  # benchmarks/ is on sys.path when run as a script


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1000, help="pairs per Pauli setting")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--naive-resamples", type=int, default=50)
    args = parser.parse_args()

    from scipy.optimize import minimize

    from pqms_physics.core.states import bell_state, werner_state
    from pqms_physics.kernels import sample_counts
    from pqms_physics.tomography import bootstrap_tomography, maximum_likelihood_state, pauli_outcome_table
    from pqms_physics.tomography.mle import certificate
    from pqms_physics.tomography.pauli import MEASUREMENT_VECTORS

    rho = 0.9 * werner_state(0.97) + 0.1 * bell_state("psi+").proj()
    counts = sample_counts(
        pauli_outcome_table(rho), 9 * args.pairs, seed=1, setting_choice="cyclic", device="numpy"
    ).counts
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cpus, python {platform.python_version()}, "
        f"numpy {np.__version__}; {args.pairs} pairs per setting, 9 settings"
    )

    vecs = MEASUREMENT_VECTORS.reshape(36, 4)
    proj = np.einsum("ka,kb->kab", vecs, vecs.conj())
    n = counts.ravel().astype(float)

    def log_l(m: np.ndarray) -> float:
        p = np.real(np.einsum("kab,ba->k", proj, m))
        return float(np.sum(n[n > 0] * np.log(p[n > 0])))

    # ---- maximum likelihood, one state
    maximum_likelihood_state(counts)  # warm-up (imports)
    t_ours, res = best_of(lambda: maximum_likelihood_state(counts), args.repeats)
    c0 = time.process_time()
    maximum_likelihood_state(counts)
    cpu_ours = time.process_time() - c0  # CPU time of this process: the machine may be shared

    def scipy_generic():
        def nll(x):
            t = (x[:16] + 1j * x[16:]).reshape(4, 4)
            a = t @ t.conj().T
            return -log_l(a / np.trace(a).real)

        x = minimize(
            nll,
            np.concatenate([np.eye(4).ravel(), np.zeros(16)]),
            method="L-BFGS-B",
            options={"maxiter": 20000, "maxfun": 10**6, "ftol": 1e-15},
        ).x
        t = (x[:16] + 1j * x[16:]).reshape(4, 4)
        return t @ t.conj().T / np.trace(t @ t.conj().T).real

    def r_rho_r():
        f = n / n.sum()
        m = np.eye(4, dtype=complex) / 4
        for it in range(200_000):
            p = np.real(np.einsum("kab,ba->k", proj, m))
            r = np.einsum("k,kab->ab", np.where(f > 0, f / p, 0.0), proj)
            if it % 10 == 0 and n.sum() * (np.linalg.eigvalsh(r)[-1] - 1.0) <= res.tol:
                return m, it
            m = r @ m @ r
            m /= np.trace(m).real
        return m, it

    t_scipy, m_scipy = best_of(scipy_generic, max(1, args.repeats // 2))
    t_rrr, (m_rrr, it_rrr) = best_of(r_rho_r, max(1, args.repeats // 2))
    gap_scipy = float(certificate(m_scipy[None], counts[None].astype(float))[0])
    print(
        f"MLE (barrier Newton, batched code): {t_ours * 1e3:9.2f} ms   (cpu {cpu_ours * 1e3:.1f} ms)   "
        f"{res.iterations} Newton steps, "
        f"gap bound {res.gap_bound:.1e} nats, F = {res.fidelity:.5f}   [goal <= 50 ms]"
    )
    print(
        f"  SciPy L-BFGS-B, Cholesky, FD grad: {t_scipy * 1e3:8.2f} ms   ratio {t_scipy / t_ours:7.1f}x   "
        f"log-L {log_l(m_scipy) - res.log_likelihood:+.2e} vs ours, its gap bound {gap_scipy:.1e}"
    )
    print(
        f"  R rho R to the same gap:          {t_rrr * 1e3:8.2f} ms   ratio {t_rrr / t_ours:7.1f}x   "
        f"({it_rrr} iterations, log-L {log_l(m_rrr) - res.log_likelihood:+.2e} vs ours)"
    )

    # ---- bootstrap, 1000 resamples
    c0 = time.process_time()
    t_boot, boot = best_of(lambda: bootstrap_tomography(counts, n_resamples=1000, seed=7), 1)
    cpu_boot = time.process_time() - c0
    rng = np.random.default_rng(7)
    probs = counts / counts.sum(axis=1, keepdims=True)
    per = counts.sum(axis=1)
    tables = [rng.multinomial(per, probs) for _ in range(args.naive_resamples)]
    t0 = time.perf_counter()
    for tab in tables:
        maximum_likelihood_state(tab)
    t_naive = (time.perf_counter() - t0) * 1000 / args.naive_resamples
    print(
        f"bootstrap, 1000 resamples (batched): {t_boot:8.3f} s   (cpu {cpu_boot:.2f} s)   "
        f"F CI [{boot.fidelity_ci.low:.4f}, "
        f"{boot.fidelity_ci.high:.4f}], C CI [{boot.concurrence_ci.low:.4f}, {boot.concurrence_ci.high:.4f}]"
        f"   [goal <= 5 s]"
    )
    print(
        f"  naive loop of single MLEs (x1000): {t_naive:8.3f} s   ratio {t_naive / t_boot:7.1f}x   "
        f"(timed on {args.naive_resamples} resamples)"
    )


if __name__ == "__main__":
    main()
