r"""
Dephasing study: fidelity of Phi+ versus storage time
=====================================================

One half or both halves of a stored Phi+ pair dephase. Each stored qubit dephases by the Lindblad equation
with L = sqrt(gamma) sigma_z (the design documents' c_op sqrt(0.05) sigma_z), i.e.
rho -> (1 - p) rho + p Z rho Z with p = (1 - exp(-2 gamma t))/2 per qubit. Dephasing one half multiplies
the Phi+ coherence by exp(-2 gamma t), both halves by exp(-4 gamma t), so

.. math::

    F_\mathrm{one}(t) = \frac{1 + e^{-2\gamma t}}{2}, \qquad F_\mathrm{two}(t) = \frac{1 + e^{-4\gamma t}}{2}.

The table is computed with the channel module (:func:`pqms_physics.core.channels.dephasing`) and the squared
fidelity (:func:`pqms_physics.core.states.fidelity`); the closed forms above are printed beside it as a
check, with the time at which each case falls to a target fidelity. The figure shows both, with the target.

Run: ``python examples/dephasing_study.py [--gamma-per-s 0.05] [--t-max-s 10] [--target 0.999]
[--figure STEM]``
"""

from __future__ import annotations

import argparse
import math

import numpy as np

from pqms_physics.core.noise import dephasing
from pqms_physics.core.states import bell_state, fidelity
from pqms_physics.plots import new_figure, save_figure, style_context


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().split("\n")[0])
    parser.add_argument("--gamma-per-s", type=float, default=0.05, help="dephasing rate gamma, 1/s")
    parser.add_argument("--t-max-s", type=float, default=10.0, help="longest storage time, s")
    parser.add_argument("--points", type=int, default=11, help="rows in the table")
    parser.add_argument("--target", type=float, default=0.999, help="fidelity target for the storage-time line")
    parser.add_argument("--figure", default=None, help="save the figure as STEM.pdf and STEM.png")
    args = parser.parse_args()

    gamma = args.gamma_per_s
    phi = bell_state("phi+")
    print(
        f"Phi+ stored under dephasing L = sqrt(gamma) sigma_z, gamma = {gamma:g} /s "
        f"(coherence time T2 = 1/(2 gamma) = {1 / (2 * gamma):g} s per qubit)\n"
    )
    print(f"{'t_s':>8} {'F_one_sided':>12} {'F_two_sided':>12} {'closed_one':>12} {'closed_two':>12}")
    rows = []
    for t in np.linspace(0.0, args.t_max_s, args.points):
        one = dephasing(gamma, t).on(0, n=2)  # sender's half only
        two = dephasing(gamma, t) & dephasing(gamma, t)  # both halves
        f_one, f_two = fidelity(one(phi), phi), fidelity(two(phi), phi)
        rows.append((t, f_one, f_two))
        print(
            f"{t:8.3f} {f_one:12.8f} {f_two:12.8f} {(1 + math.exp(-2 * gamma * t)) / 2:12.8f} "
            f"{(1 + math.exp(-4 * gamma * t)) / 2:12.8f}"
        )

    # Longest storage with F >= target: solve (1 + exp(-k gamma t))/2 = target, k = 2 (one side), 4 (both).
    if 0.5 < args.target < 1.0 and gamma > 0:
        for k, name in ((2, "one half"), (4, "both halves")):
            t_max = -math.log(2 * args.target - 1) / (k * gamma)
            print(f"\nF >= {args.target:g} with {name} dephased holds for t <= {t_max:.6g} s", end="")
        print()

    fig = storage_figure(np.array(rows), gamma, args.target)
    if args.figure:
        save_figure(fig, args.figure)


def storage_figure(rows: np.ndarray, gamma: float, target: float):
    """F(t) from the channel module (points) and the closed forms (lines), with the target fidelity."""
    t_fine = np.linspace(0.0, rows[-1, 0], 200)
    with style_context():
        fig = new_figure("single", height_in=2.6)
        ax = fig.add_subplot()
        ax.plot(rows[:, 0], rows[:, 1], "o", ms=4, label="one half dephased")
        ax.plot(rows[:, 0], rows[:, 2], "s", ms=4, label="both halves dephased")
        for k in (2, 4):
            ax.plot(
                t_fine,
                (1 + np.exp(-k * gamma * t_fine)) / 2,
                color="0.3",
                ls="-",
                lw=0.8,
                label="closed forms" if k == 2 else None,
            )
        if 0.5 < target < 1.0:
            ax.axhline(target, color="0.5", ls=":", lw=0.8, label=f"target F = {target:g}")
        ax.set_xlabel("storage time t (s)")
        ax.set_ylabel("fidelity to $\\Phi^+$")
        ax.set_title(f"dephasing, $\\gamma$ = {gamma:g} /s")
        ax.legend(fontsize="small")
    return fig


if __name__ == "__main__":
    main()
