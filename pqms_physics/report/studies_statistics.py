"""Report studies that sample: CHSH against hop count with error bars, and the NCT pool-bias experiment."""

from __future__ import annotations

import math

import numpy as np

from pqms_physics._provenance import derive_seed
from pqms_physics.errors import check_seed
from pqms_physics.report.study import DEFAULT_SEED, STUDY_KEYS, Study, _py, log_grid

#: Werner link fidelities of the CHSH figure.
CHSH_LINKS: tuple[float, ...] = (0.999, 0.99)
#: Pairs per estimate (the "stated number of pairs" of the finite-sample bands).
CHSH_PAIRS: int = 10_000
#: Confidence level of the bands.
CHSH_LEVEL: float = 0.95


def study_chsh_vs_hops(quick: bool = False, seed: int = DEFAULT_SEED) -> Study:
    """Exact S_max vs hops for Werner chains and Monte Carlo estimates with their 95% intervals."""
    from pqms_physics.chsh import chsh_vs_hops, estimate_chsh
    from pqms_physics.core.states import werner_state
    from pqms_physics.network.chains import chain_state

    hops = np.array([1, 2, 4, 8, 16, 32, 64, 128, 256, 300]) if quick else log_grid(300, 14)
    base = check_seed("seed", seed)
    curves, bands, estimates, rows, seeds = {}, {}, {}, [], []
    bounds = None
    for ci, f in enumerate(CHSH_LINKS):
        label = f"Werner link F = {f:g}"
        link = werner_state(f)
        curve = chsh_vs_hops(link, hops)  # exact S_max per chain length
        bounds = (curve.local_bound, curve.tsirelson_bound)
        exact, val, lo, hi = [], [], [], []
        for hi_idx, n in enumerate(hops.tolist()):
            rho = chain_state(link, n)
            s = float(curve.s_value[hi_idx])
            run_seed = derive_seed(base, STUDY_KEYS["chsh_vs_hops"], ci, hi_idx)
            est = estimate_chsh(rho, CHSH_PAIRS, run_seed, sampler="kernel", setting_choice="random")
            interval = est.ci(CHSH_LEVEL)
            exact.append(s)
            val.append(est.value)
            lo.append(interval[0])
            hi.append(interval[1])
            seeds.append(run_seed)
            rows.append(
                (label, f, n, s, CHSH_PAIRS, run_seed, est.value, est.stderr, interval[0], interval[1], est.p_value)
            )
        curves[label] = np.array(exact)
        bands[label] = (np.array(lo), np.array(hi))
        estimates[label] = (np.array(val), np.array(lo), np.array(hi))
    covered = sum(r[8] <= r[3] <= r[9] for r in rows)
    params = {
        "hops": hops.tolist(),
        "werner_link_fidelities": list(CHSH_LINKS),
        "swaps": "ideal",
        "pairs_per_estimate": CHSH_PAIRS,
        "level": CHSH_LEVEL,
        "sampler": "kernel",
        "setting_choice": "random",
        "settings": "optimal_settings of each chain state",
        "base_seed": base,
    }
    caption = (
        f"CHSH S_max vs number of Werner links (ideal swaps), with Monte Carlo estimates from "
        f"N = {CHSH_PAIRS} pairs each and their {CHSH_LEVEL:.0%} intervals (shaded); S = 2 and 2 sqrt 2 marked."
    )
    return Study(
        name="chsh_vs_hops",
        caption=caption,
        parameters=params,
        columns=(
            "curve",
            "link_fidelity",
            "hops",
            "s_exact",
            "pairs",
            "seed",
            "s_estimate",
            "stderr",
            "ci_low",
            "ci_high",
            "p_value_local",
        ),
        rows=tuple(tuple(_py(v) for v in r) for r in rows),
        functions=(
            "pqms_physics.chsh.chsh_vs_hops",
            "pqms_physics.network.chains.chain_state",
            "pqms_physics.chsh.estimate_chsh",
        ),
        plot="plot_chsh_vs_hops",
        plot_args=(hops, curves),
        plot_kwargs={
            "band": bands,
            "estimates": estimates,
            "pairs": CHSH_PAIRS,
            "band_level": CHSH_LEVEL,
            "local_bound": bounds[0],
            "tsirelson_bound": bounds[1],
        },
        seeds=tuple(seeds),
        summary={"intervals_covering_exact": f"{covered}/{len(rows)}"},
    )


# ----------------------------------------------------------------------------- NCT pool bias


#: The documents' sender operation on pool 1: L = sqrt(0.05) sigma_z for 1 s on the sender's qubit.
NCT_SENDER: dict = {"gamma_per_s": 0.05, "t_s": 1.0}
#: The documents' fixed threshold on |delta_mu|.
NCT_THRESHOLD: float = 1e-6
#: Band width in standard errors.
NCT_K_SIGMA: float = 3.0


def study_nct_pool_bias(quick: bool = False, seed: int = DEFAULT_SEED) -> Study:
    """Pool-bias runs on the kernels at N = 1e3..1e10 pairs per pool, and z over many windows."""
    from scipy import stats

    from pqms_physics.core.noise import dephasing
    from pqms_physics.nct import pool_bias_experiment
    from pqms_physics.nct.power import no_signalling_stderr, threshold_pass_probability

    base = check_seed("seed", seed)
    key = STUDY_KEYS["nct_pool_bias"]
    sender = dephasing(**NCT_SENDER)
    exponents = range(3, 7) if quick else range(3, 11)
    runs_at = {e: (2 if quick else 3 if e <= 9 else 1) for e in exponents}
    rows, seeds, n_list, dmu, se = [], [], [], [], []
    for e in exponents:
        n = 10**e
        for r in range(runs_at[e]):
            run_seed = derive_seed(base, key, e, r)
            res = pool_bias_experiment(n, run_seed, sender_channel=sender, sampler="kernel")
            sigma = no_signalling_stderr(n)
            seeds.append(run_seed)
            n_list.append(n)
            dmu.append(res.delta_mu)
            se.append(sigma)
            rows.append(
                (
                    "delta_mu_vs_N",
                    n,
                    run_seed,
                    0,
                    None,
                    res.delta_mu,
                    sigma,
                    res.stderr,
                    res.z,
                    res.p_value,
                    abs(res.delta_mu) < NCT_THRESHOLD,
                    abs(res.delta_mu) < NCT_K_SIGMA * sigma,
                )
            )
    # z histogram: the windows of one long kernel run are independent experiments of `window` pairs per pool
    window, n_windows = (10_000, 200) if quick else (100_000, 1000)
    z_seed = derive_seed(base, key, 0, 0)
    seeds.append(z_seed)
    long_run = pool_bias_experiment(
        window * n_windows, z_seed, sender_channel=sender, sampler="kernel", window_per_pool=window
    )
    wstat = long_run.window_statistics()
    z = np.asarray(wstat.z, dtype=float)
    sigma_w = no_signalling_stderr(window)
    for i in range(n_windows):
        d = float(wstat.delta_mu[i])
        rows.append(
            (
                "z_histogram",
                window,
                z_seed,
                0,
                i,
                d,
                sigma_w,
                float(wstat.stderr[i]),
                float(z[i]),
                float(wstat.p_value[i]),
                abs(d) < NCT_THRESHOLD,
                abs(d) < NCT_K_SIGMA * sigma_w,
            )
        )
    ks = stats.kstest(z, "norm")
    claim = threshold_pass_probability(NCT_THRESHOLD, 10**8)
    params = {
        "pairs_per_pool": sorted(set(n_list)),
        "runs_per_pool_size": {f"1e{e}": r for e, r in runs_at.items()},
        "state": "Phi+",
        "sender_channel": f"dephasing(gamma_per_s={NCT_SENDER['gamma_per_s']}, "
        f"t_s={NCT_SENDER['t_s']}) on the sender's qubit of pool 1",
        "basis": "z",
        "sampler": "kernel",
        "k_sigma": NCT_K_SIGMA,
        "fixed_threshold": NCT_THRESHOLD,
        "z_histogram": {"window_pairs_per_pool": window, "windows": n_windows, "seed": z_seed},
        "base_seed": base,
    }
    caption = (
        f"NCT pool bias: |delta mu| of single runs vs pairs per pool (kernel sampler, sender dephased), "
        f"the +-{NCT_K_SIGMA:g} sigma band (sigma = sqrt(0.5/N)) and the fixed threshold "
        f"{NCT_THRESHOLD:g}; right: z over {n_windows} independent windows vs N(0, 1)."
    )
    return Study(
        name="nct_pool_bias",
        caption=caption,
        parameters=params,
        columns=(
            "panel",
            "pairs_per_pool",
            "seed",
            "stream",
            "window",
            "delta_mu",
            "sigma_no_signalling",
            "stderr_pooled",
            "z",
            "p_value",
            "passes_fixed_threshold",
            "within_k_sigma",
        ),
        rows=tuple(tuple(_py(v) for v in r) for r in rows),
        functions=(
            "pqms_physics.nct.pool_bias_experiment",
            "pqms_physics.nct.power.no_signalling_stderr",
            "pqms_physics.nct.power.threshold_pass_probability",
            "pqms_physics.core.channels.dephasing",
        ),
        plot="plot_nct_pool_bias",
        plot_args=(np.array(n_list, dtype=float), np.array(dmu), np.array(se), z),
        plot_kwargs={
            "k_sigma": NCT_K_SIGMA,
            "threshold": NCT_THRESHOLD,
            "z_pairs_per_pool": window,
            "z_label": f"{n_windows} windows of $10^{{{round(math.log10(window))}}}$ pairs/pool",
        },
        seeds=tuple(seeds),
        summary={
            "ks_pvalue_z_vs_normal": float(ks.pvalue),
            "z_mean": float(z.mean()),
            "z_std": float(z.std(ddof=1)),
            "runs_passing_fixed_threshold": sum(bool(r[10]) for r in rows),
            "runs_total": len(rows),
            "p_fixed_threshold_met_at_1e8_exact": claim.probability_exact,
        },
    )


# ----------------------------------------------------------------------------- rate vs distance


__all__ = ["study_chsh_vs_hops", "study_nct_pool_bias"]
