r"""
Plan a CHSH experiment: how many pairs for a 5-sigma violation of S <= 2?
=========================================================================

For Werner pairs of fidelity F (Werner parameter w = (4F - 1)/3) measured at the optimal settings with
the setting drawn at random per pair, S = 2 sqrt(2) w and each correlator is E_k = +-w/sqrt(2). The
error bar after N pairs is sigma_S = sqrt(sum_k (1 - E_k^2)/N_k) ~ sqrt(16 (1 - w^2/2)/N), so a
violation of n_sigma standard errors with probability `power` needs

.. math::

    N = 4 \sum_k (1 - E_k^2) \, \frac{(n_\sigma + z_\mathrm{power})^2}{(S - 2)^2}

(:func:`pqms_physics.chsh.pairs_for_violation`). The script prints N for each fidelity (power 0.5: the
expected violation is n_sigma; power 0.95), then checks the plan by simulation: many experiments of the
planned size with the exact-multinomial sampler, and one with the streaming kernel. Below
F = (1 + 3/sqrt(2))/4 = 0.7803 no number of pairs suffices. The figure shows N against F.

Run: ``python examples/chsh_experiment_plan.py [--fidelity 0.9 0.95] [--n-sigma 5] [--rate-hz 1e3]
[--figure STEM]``
"""

from __future__ import annotations

import argparse
import math

import numpy as np

from pqms_physics.chsh import chsh_value, estimate_chsh, pairs_for_violation
from pqms_physics.core.states import werner_state
from pqms_physics.plots import new_figure, save_figure, style_context

F_THRESHOLD = (1 + 3 / math.sqrt(2)) / 4


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().split("\n")[0])
    parser.add_argument("--fidelity", type=float, nargs="+", default=[0.78, 0.80, 0.85, 0.90, 0.95, 0.99])
    parser.add_argument("--n-sigma", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=400, help="simulated experiments per fidelity")
    parser.add_argument("--rate-hz", type=float, default=None, help="pair rate, to print the run time")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--figure", default=None, help="save the figure as STEM.pdf and STEM.png")
    args = parser.parse_args()

    print(f"Werner pairs, optimal settings, random setting per pair; target {args.n_sigma:g} sigma above S = 2")
    print(f"threshold fidelity for any violation: F > {F_THRESHOLD:.4f}\n")
    header = (
        f"{'F':>6} {'S_exact':>8} {'N (50%)':>10} {'N (95%)':>10} {'sim P(>=n sigma)':>17} {'kernel run at N95':>26}"
    )
    print(header + ("  time at rate" if args.rate_hz else ""))
    for k, f in enumerate(args.fidelity):
        rho = werner_state(f)
        s = chsh_value(rho)
        if s <= 2:
            print(f"{f:6.3f} {s:8.4f} {'never':>10} {'never':>10}   (S_max <= 2: no violation at any N)")
            continue
        n50 = pairs_for_violation(rho, args.n_sigma, power=0.5)
        n95 = pairs_for_violation(rho, args.n_sigma, power=0.95)
        seeds = args.seed * 1000 + k * args.runs + np.arange(args.runs)
        hits = np.mean(
            [estimate_chsh(rho, n95, int(sd), sampler="multinomial").n_sigma >= args.n_sigma for sd in seeds]
        )
        se = math.sqrt(hits * (1 - hits) / args.runs)
        one = estimate_chsh(rho, n95, seed=args.seed + k, sampler="kernel")
        line = (
            f"{f:6.3f} {s:8.4f} {n50:10d} {n95:10d} {hits:10.3f} +- {se:.3f} "
            f"  S = {one.value:.3f} +- {one.stderr:.3f} ({one.n_sigma:4.1f} sigma)"
        )
        if args.rate_hz:
            line += f"  {n95 / args.rate_hz:10.3g} s"
        print(line)
    print(
        "\nN (95%) is planned for a 95% chance of reaching the target; the simulated fraction checks it "
        "(the plan is a normal approximation: 2-3 per cent optimistic at N of a few thousand)."
    )

    fig = plan_figure(args.fidelity, args.n_sigma)
    if args.figure:
        save_figure(fig, args.figure)


def plan_figure(table_fidelities, n_sigma: float):
    """Pairs needed versus link fidelity (log y), power 0.5 and 0.95; the table's fidelities marked."""
    f_grid = np.linspace(F_THRESHOLD + 0.004, 0.999, 120)
    with style_context():
        fig = new_figure("single", height_in=2.6)
        ax = fig.add_subplot()
        for power in (0.5, 0.95):
            n = [pairs_for_violation(werner_state(f), n_sigma, power=power) for f in f_grid]
            ax.plot(f_grid, n, label=f"power {power:g}")
        marked = [f for f in table_fidelities if chsh_value(werner_state(f)) > 2]
        ax.plot(
            marked,
            [pairs_for_violation(werner_state(f), n_sigma, power=0.95) for f in marked],
            "o",
            ms=4,
            color="0.2",
            label="table (simulated)",
        )
        ax.axvline(F_THRESHOLD, color="0.5", ls=":", lw=0.8, label=f"no violation below F = {F_THRESHOLD:.4f}")
        ax.set_yscale("log")
        ax.set_xlabel("link fidelity F (Werner)")
        ax.set_ylabel(f"pairs for a {n_sigma:g}-sigma violation")
        ax.legend(fontsize="small")
    return fig


if __name__ == "__main__":
    main()
