"""
Pool-bias study: can a local operation on one pool of Bell pairs be seen in the other side's statistics?
========================================================================================================

The design documents propose to signal by "biasing" a pool of Phi+ pairs: the sender dephases her halves
of one pool (Lindblad L = sqrt(0.05) sigma_z) and the receiver compares the mean Z outcome of that pool
with an untouched one. Quantum mechanics says the receiver's reduced state is I/2 whatever the sender
does locally (no-communication theorem), so the difference of means delta_mu is pure noise with
standard deviation sigma = sqrt(0.5/N) for N pairs per pool.

The study shows this four ways:

1. exactly: the trace distance between the receiver's states with and without each operation
   (:func:`pqms_physics.nct.signalling_distance`) - zero for local operations, 1/2 for a CNOT between halves;
2. by Monte Carlo at the documents' scale: pool-bias experiments at up to 1e8 pairs per pool on the
   streaming kernels, where z = delta_mu / stderr is N(0, 1) noise;
3. the documents' fixed criterion ``|delta_mu| < 1e-6`` at N = 1e8 under exact no-signalling, and the
   k-sigma form that should replace it;
4. power: the smallest bias N pairs can see, and the N a claimed bias would need; and a message sent
   through the protocol, decoded at chance.

The figure shows the observed delta_mu against the 3-sigma noise band and the documents' threshold, and the
z values of 200 further runs at N = 1e4 against N(0, 1).

Run: ``python examples/nct_pool_bias.py [--seed 2025] [--max-pairs 1e8] [--figure STEM]``
"""

from __future__ import annotations

import argparse
import math

import numpy as np
import qutip as qt

from pqms_physics.core.channels import Channel
from pqms_physics.core.noise import amplitude_damping, dephasing, depolarizing, pauli_channel
from pqms_physics.core.states import bell_state
from pqms_physics.nct import (
    detectable_bias,
    no_signalling_stderr,
    pairs_needed,
    pool_bias_experiment,
    signalling_distance,
    signalling_trial,
    threshold_pass_probability,
)
from pqms_physics.plots import plot_nct_pool_bias, save_figure


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").strip().split("\n")[0])
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--max-pairs", type=float, default=1e8, help="largest pairs per pool (powers of 100 up to it)")
    ap.add_argument("--figure", default=None, help="save the figure as STEM.pdf and STEM.png")
    args = ap.parse_args()
    documents = dephasing(gamma_per_s=0.05, t_s=1.0)

    print("1. Exact audit: trace distance between the receiver's states (Phi+), with and without the operation")
    cnot = Channel.from_unitary(
        qt.Qobj([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]], dims=[[2, 2], [2, 2]]),
        label="CNOT sender->receiver",
    )
    local = {
        "documents' dephasing, 1 s": documents,
        "Z measurement": pauli_channel(0, 0, 0.5),
        "amplitude damping": amplitude_damping(0.7, 1.0),
        "depolarizing p=0.6": depolarizing(0.6),
    }
    for name, ch in local.items():
        print(f"   sender {name:<28s} D = {signalling_distance(bell_state('phi+'), ch.on(0, 2), 1):.1e}")
    plus_zero = qt.tensor((qt.basis(2, 0) + qt.basis(2, 1)).unit(), qt.basis(2, 0))
    print(
        f"   CNOT between halves on |+>|0>       D = {signalling_distance(plus_zero, cnot, 1):.3f}"
        "  (not local: the audit fails, as it must)"
    )

    print("\n2. Pool-bias Monte Carlo (kernels, joint outcomes sampled from the exact table)")
    print(f"   {'N/pool':>8s} {'delta_mu':>11s} {'sigma':>9s} {'z':>7s} {'p-value':>8s}")
    n = 10**4
    runs = []
    while n <= args.max_pairs:
        r = pool_bias_experiment(n, seed=args.seed, sender_channel=documents)
        runs.append((n, r.delta_mu))
        print(f"   {n:8.0e} {r.delta_mu:+11.3e} {no_signalling_stderr(n):9.2e} {r.z:+7.2f} {r.p_value:8.3f}")
        n *= 100
    cn = pool_bias_experiment(10**4, seed=args.seed, sender_channel=cnot)
    print(f"   CNOT presented as 'local', N = 1e4: delta_mu = {cn.delta_mu:+.3f}, z = {cn.z:+.0f}: detected")

    print("\n3. The documents' fixed criterion |delta_mu| < 1e-6 at N = 1e8, under exact no-signalling")
    t = threshold_pass_probability(1e-6, 1e8)
    print(f"   sigma = {t.sigma:.3e}; the threshold is {t.threshold_in_sigma:.4f} sigma")
    print(f"   P(met) exact = {t.probability_exact:.4%}, normal approximation = {t.probability_normal:.4%}")
    print("   -> a correct quantum experiment almost never passes it. Use |delta_mu| < k sigma instead:")
    for k in (3, 5):
        print(f"      k = {k}: threshold {k * t.sigma:.2e}, passes with probability {math.erf(k / math.sqrt(2)):.7f}")

    print("\n4. Power (two-sided alpha = 0.05, power = 0.8)")
    for n in (1e6, 1e8, 1e10):
        print(f"   N = {n:.0e}/pool detects |delta_mu| >= {detectable_bias(n):.2e}")
    for d in (0.0316, 1e-6):
        print(f"   a bias of {d:g} needs N = {pairs_needed(d):.3g} pairs per pool")
    print(
        "   (a delta_mu of 0.0316 at N = 1e8 would be a "
        f"{0.0316 / no_signalling_stderr(1e8):.0f}-sigma effect; physics predicts exactly 0)"
    )
    msg = np.random.default_rng(args.seed).integers(0, 2, 256).tolist()
    tr = signalling_trial(msg, 10**5, seed=args.seed, sender_channel=documents)
    print(
        f"   signalling trial, 256 bits x 1e5 pairs/pool: BER = {tr.ber:.3f} "
        f"(95% CI {tr.ber_ci[0]:.3f}-{tr.ber_ci[1]:.3f}; chance is 0.5), vetoed {tr.veto_rate:.1%} "
        f"(RPU veto below 0.95 confidence; expected 95%)"
    )

    # figure: the runs above, 10 more at each N = 1e4..1e7 and 200 at N = 1e4 for the z histogram
    # (seeds seed * 1000 + 40..299: none of them is a seed used above)
    more = [
        (10**e, pool_bias_experiment(10**e, seed=args.seed * 1000 + 10 * e + i, sender_channel=documents))
        for e in (4, 5, 6, 7)
        for i in range(10)
    ]
    n_z = 10**4
    z_runs = [pool_bias_experiment(n_z, seed=args.seed * 1000 + 100 + i, sender_channel=documents) for i in range(200)]
    sizes = np.array([n for n, _ in runs] + [n for n, _ in more])
    deltas = np.array([d for _, d in runs] + [r.delta_mu for _, r in more])
    stderr = np.array([no_signalling_stderr(int(n)) for n in sizes])
    fig = plot_nct_pool_bias(sizes, deltas, stderr, np.array([r.z for r in z_runs]), z_pairs_per_pool=n_z)
    if args.figure:
        save_figure(fig, args.figure)


if __name__ == "__main__":
    main()
