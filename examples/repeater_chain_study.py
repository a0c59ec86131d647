"""
Repeater-chain study: fidelity versus number of links, and entanglement rate versus distance
============================================================================================

Part 1: n elementary Werner links of fidelity F joined by n - 1 sequential entanglement swaps
(Duer-noisy Bell measurements: gate fidelity p, measurement fidelity eta) -- end-to-end fidelity for
n = 1..1000 (:func:`pqms_physics.network.chains.fidelity_vs_hops`; ideal swaps give F_n = 1/4 + (3/4) w^n
with w = (4F - 1)/3), and the longest chain that still violates CHSH (F_n > (1 + 3/sqrt 2)/4 for Werner
states) or beats the classical limit F_n > 1/2.

Part 2: distillable ebits per channel use of SPDC repeater chains of 1 (direct), 2, 4, 8 and 16
segments over fibre (:func:`pqms_physics.network.bounds.entanglement_rate`: midpoint sources, perfect
memories, hashing yield; see its docstring for the protocol), next to the PLOB bound -log2(1 - eta) of
direct transmission over the whole distance. A chain can beat PLOB; direct transmission never can.

The two figures show Part 1 (noisy swaps, with the CHSH threshold and the classical limit) and Part 2.

Run: ``python examples/repeater_chain_study.py [--link-fidelity 0.99 0.999] [--gate-fidelity 0.999]
[--figure STEM]``
"""

from __future__ import annotations

import argparse
import math

import numpy as np

from pqms_physics.core.states import werner_state
from pqms_physics.network.bounds import entanglement_rate, fiber_transmissivity, plob_bound
from pqms_physics.network.chains import fidelity_vs_hops, werner_chain_fidelity
from pqms_physics.plots import plot_fidelity_vs_hops, plot_rate_vs_distance, save_figure

CHSH_WERNER_THRESHOLD = (1 + 3 / math.sqrt(2)) / 4  # Werner F above which S_max = 2 sqrt2 w exceeds 2


def longest_chain(link_fidelity: float, gate: float, meas: float, above: float, n_max: int = 10**4) -> str:
    """Largest n <= n_max with F_n > above ("0" if even one link fails); F_n decreases in n."""
    n = np.arange(1, n_max + 1)
    ok = np.nonzero(werner_chain_fidelity(link_fidelity, n, gate, meas) > above)[0]
    if ok.size == n_max:
        return f">={n_max}"
    return str(int(n[ok[-1]]) if ok.size else 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().split("\n")[0])
    parser.add_argument("--link-fidelity", type=float, nargs="+", default=[0.99, 0.999, 0.9999])
    parser.add_argument("--gate-fidelity", type=float, default=0.999, help="Duer p of each swap")
    parser.add_argument("--measurement-fidelity", type=float, default=0.999, help="Duer eta of each swap")
    parser.add_argument("--mean-pairs-per-mode", type=float, default=0.001, help="SPDC lambda per pulse")
    parser.add_argument("--figure", default=None, help="save the figures as STEM_fidelity/STEM_rate .pdf/.png")
    args = parser.parse_args()
    p, eta = args.gate_fidelity, args.measurement_fidelity

    hops = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
    print(f"Part 1: end-to-end fidelity F_n (ideal swaps | noisy swaps p = {p:g}, eta = {eta:g})\n")
    print(f"{'n_links':>8}" + "".join(f"{f'F={f:g} ideal':>15}{f'F={f:g} noisy':>15}" for f in args.link_fidelity))
    table = {
        f: (
            fidelity_vs_hops(werner_state(f), hops),
            fidelity_vs_hops(werner_state(f), hops, gate_fidelity=p, measurement_fidelity=eta),
        )
        for f in args.link_fidelity
    }
    for i, n in enumerate(hops):
        print(f"{n:8d}" + "".join(f"{table[f][0][i]:15.6f}{table[f][1][i]:15.6f}" for f in args.link_fidelity))
    print(f"\nlongest chain with F_n > {CHSH_WERNER_THRESHOLD:.4f} (CHSH violation) / F_n > 0.5, noisy swaps:")
    for f in args.link_fidelity:
        print(
            f"  F = {f:<8g} {longest_chain(f, p, eta, CHSH_WERNER_THRESHOLD):>8} links / "
            f"{longest_chain(f, p, eta, 0.5):>8} links"
        )

    lam = args.mean_pairs_per_mode
    distance = np.array([50.0, 100.0, 200.0, 300.0, 400.0, 500.0, 600.0])
    segments = (1, 2, 4, 8, 16)
    print(f"\nPart 2: ebits per channel use vs distance (SPDC lambda = {lam:g}, 0.2 dB/km, ideal swaps)\n")
    print(f"{'L_km':>6}" + "".join(f"{'direct' if n == 1 else f'{n} segm.':>12}" for n in segments) + f"{'PLOB':>12}")
    rates = {n: entanglement_rate(distance, n, mean_pairs_per_mode=lam).ebits_per_mode for n in segments}
    plob = plob_bound(fiber_transmissivity(distance))
    for i, d in enumerate(distance):
        print(f"{d:6.0f}" + "".join(f"{rates[n][i]:12.3e}" for n in segments) + f"{plob[i]:12.3e}")
    beats = {n: distance[rates[n] > plob] for n in segments}
    print(
        "\nabove the repeaterless PLOB bound at: "
        + "; ".join(
            f"{'direct' if n == 1 else f'{n} segments'}: "
            + (", ".join(f"{d:g}" for d in beats[n]) + " km" if beats[n].size else "never")
            for n in segments
        )
    )

    # figures: the same numbers, on finer grids
    n_fine = np.unique(np.logspace(0, 3, 61).round().astype(int))
    fig_f = plot_fidelity_vs_hops(
        n_fine,
        {f"F = {f:g}": werner_chain_fidelity(f, n_fine, p, eta) for f in args.link_fidelity},
        chsh_threshold=CHSH_WERNER_THRESHOLD,
        title=f"noisy swaps: p = {p:g}, eta = {eta:g}",
    )
    d_fine = np.linspace(1.0, distance[-1], 120)
    fig_r = plot_rate_vs_distance(
        d_fine,
        {
            ("direct" if n == 1 else f"{n} segments"): entanglement_rate(
                d_fine, n, mean_pairs_per_mode=lam
            ).ebits_per_mode
            for n in segments
        },
        bounds={"PLOB (direct)": plob_bound(fiber_transmissivity(d_fine))},
        title=f"SPDC lambda = {lam:g}",
    )
    if args.figure:
        save_figure(fig_f, f"{args.figure}_fidelity")
        save_figure(fig_r, f"{args.figure}_rate")


if __name__ == "__main__":
    main()
