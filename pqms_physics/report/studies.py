"""The standard studies behind ``pqms report``: each computes one figure's data with the library.

Every study is a plain function ``study_<name>(quick, seed) -> Study`` that calls
the physics modules (no formula is re-derived here) and returns a frozen
:class:`Study` holding the exact parameters, the seeds, the library functions
used, a one-line caption, the table written as CSV and the arguments of the
plot function in :mod:`pqms_physics.plots`. ``quick=True`` keeps the physics
parameters and thins only the grids and the Monte Carlo sizes.

Seeds: a study that samples derives every seed it uses from the report's base
seed with :func:`derive_seed` (NumPy ``SeedSequence`` with a fixed spawn key per
study and run), so one base seed reproduces the whole report, and every derived
seed is written into the CSV next to the number it produced.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pqms_physics._provenance import derive_seed
from pqms_physics.errors import check_seed
from pqms_physics.report.studies_network import study_network
from pqms_physics.report.studies_protocols import study_cutoff_tradeoff, study_protocol_rates, study_waiting_time
from pqms_physics.report.studies_purification import study_purification

#: Base seed of ``pqms report`` when none is given (chosen before any result was seen).
DEFAULT_SEED: int = 20251123
#: Spawn key of each randomised study (fixed: changing one changes that study's numbers).
STUDY_KEYS: dict[str, int] = {"chsh_vs_hops": 1, "nct_pool_bias": 2}


@dataclass(frozen=True, eq=False)
class Study:
    """One standard figure's data, provenance and plot arguments.

    Attributes
    ----------
    name : str
        File stem (``<name>.pdf``, ``.png``, ``.csv``).
    caption : str
        One-line caption for ``index.md``.
    parameters : dict
        Every parameter that fixes the numbers (JSON-ready).
    columns : tuple of str
        CSV header.
    rows : tuple of tuple
        CSV rows (numbers as Python scalars).
    functions : tuple of str
        The library functions that computed the data.
    plot : str
        Name of the plot function in :mod:`pqms_physics.plots`.
    plot_args : tuple
        Positional arguments of the plot function.
    plot_kwargs : dict
        Keyword arguments of the plot function.
    seeds : tuple of int
        Every seed used (empty for exact studies).
    summary : dict
        Headline numbers for ``index.md`` (JSON-ready).
    """

    name: str
    caption: str
    parameters: dict
    columns: tuple
    rows: tuple
    functions: tuple
    plot: str
    plot_args: tuple = ()
    plot_kwargs: dict = field(default_factory=dict)
    seeds: tuple = ()
    summary: dict = field(default_factory=dict)

    def figure(self):
        """Draw the figure (a :class:`matplotlib.figure.Figure`)."""
        from pqms_physics import plots

        return getattr(plots, self.plot)(*self.plot_args, **self.plot_kwargs)

    def column(self, name: str) -> list:
        """The values of one CSV column, in row order."""
        i = self.columns.index(name)
        return [row[i] for row in self.rows]

    def to_dict(self) -> dict:
        """JSON-ready description (without the plot arguments; the data is in ``rows``)."""
        return {"name": self.name, "caption": self.caption, "parameters": self.parameters,
                "columns": list(self.columns), "rows": [list(r) for r in self.rows],
                "functions": list(self.functions), "seeds": list(self.seeds), "summary": self.summary}


def log_grid(stop: int, num: int) -> np.ndarray:
    """Distinct integers 1..stop, about evenly spaced in log (always including 1 and stop)."""
    return np.unique(np.round(np.logspace(0, math.log10(stop), num)).astype(np.int64))


def _py(x: Any) -> Any:
    """NumPy scalar -> Python scalar for CSV/JSON."""
    return x.item() if hasattr(x, "item") else x


def chsh_threshold_fidelity() -> float:
    """Werner fidelity at which ``S_max = 2``, solved numerically with :func:`pqms_physics.chsh.chsh_value`.

    (The closed form is (1 + 3/sqrt 2)/4 ~ 0.7803; the figure shows what the toolkit
    computes, and the tests compare the two.)
    """
    from scipy.optimize import brentq

    from pqms_physics.chsh import chsh_value
    from pqms_physics.core.states import werner_state

    return float(brentq(lambda f: chsh_value(werner_state(f)) - 2.0, 0.5, 1.0, xtol=1e-15, rtol=1e-15))


# ----------------------------------------------------------------------------- fidelity vs hops

#: Werner link fidelities of the fidelity-vs-hops figure.
FIDELITY_WERNER_LINKS: tuple[float, ...] = (0.99, 0.999, 0.9999)
#: Dephased link: Phi+ with qubit 1 dephased by L = sqrt(gamma) sigma_z for t (the documents' 0.05 and 0.1).
FIDELITY_DEPHASING: dict = {"gamma_per_s": 0.05, "t_s": 0.1}
#: Duer gate and measurement fidelity of the noisy swaps.
FIDELITY_NOISY_SWAP: dict = {"gate_fidelity": 0.999, "measurement_fidelity": 0.999}


def study_fidelity_vs_hops(quick: bool = False, seed: int = DEFAULT_SEED) -> Study:
    """F vs number of links (1..1000): Werner links, dephased links, Duer-noisy swaps twirled and untwirled."""
    from pqms_physics.core.channels import dephasing
    from pqms_physics.core.states import bell_state, werner_state
    from pqms_physics.network.chains import fidelity_vs_hops

    hops = log_grid(1000, 16 if quick else 46)
    deph = dict(FIDELITY_DEPHASING)
    dephased_link = dephasing(**deph).on(1, 2)(bell_state("phi+"))
    p, eta = FIDELITY_NOISY_SWAP["gate_fidelity"], FIDELITY_NOISY_SWAP["measurement_fidelity"]
    # (label, link description, link state, link_fidelity parameter, p, eta, twirl, plot style)
    specs = []
    for i, f in enumerate(FIDELITY_WERNER_LINKS):
        specs.append((f"Werner link F = {f:g}", "werner", werner_state(f), f, 1.0, 1.0, False,
                      {"color": f"C{i}", "ls": "-"}))
    for label, pp, ee, colour in (("dephased link", 1.0, 1.0, "C4"),
                                  (f"dephased, noisy swap {p:g}", p, eta, "C3")):
        for twirl in (False, True):
            specs.append((f"{label}, {'twirled' if twirl else 'exact'}", "dephased", dephased_link, None, pp,
                          ee, twirl, {"color": colour, "ls": "--" if twirl else "-"}))
    curves, styles, rows = {}, {}, []
    for label, kind, link, f_link, pp, ee, twirl, style in specs:
        fid = fidelity_vs_hops(link, hops, gate_fidelity=pp, measurement_fidelity=ee, twirl=twirl)
        curves[label] = fid
        styles[label] = style
        f1 = float(fid[0]) if hops[0] == 1 else float("nan")
        for n, value in zip(hops.tolist(), fid.tolist()):
            rows.append((label, kind, f1 if f_link is None else f_link, pp, ee, twirl, n, value))
    threshold = chsh_threshold_fidelity()
    params = {"hops": hops.tolist(), "werner_link_fidelities": list(FIDELITY_WERNER_LINKS),
              "dephased_link": {**deph, "state": "Phi+ with dephasing(gamma_per_s, t_s) on qubit 1",
                                "link_fidelity": float(curves["dephased link, exact"][0])},
              "noisy_swap": dict(FIDELITY_NOISY_SWAP), "memory": None,
              "chsh_threshold_fidelity": threshold, "classical_limit": 0.5}
    caption = ("Fidelity to Phi+ vs number of elementary links: Werner links (ideal swaps), dephased links "
               f"(gamma t = {deph['gamma_per_s'] * deph['t_s']:g}) with ideal and Duer-noisy swaps "
               f"(p = eta = {p:g}), exact vs twirled; F = 1/2 and the Werner CHSH threshold marked.")
    return Study(
        name="fidelity_vs_hops", caption=caption, parameters=params,
        columns=("curve", "link", "link_fidelity", "gate_fidelity", "measurement_fidelity", "twirl", "hops",
                 "fidelity"),
        rows=tuple(rows), functions=("pqms_physics.network.chains.fidelity_vs_hops",
                                     "pqms_physics.core.channels.dephasing",
                                     "pqms_physics.core.states.werner_state", "pqms_physics.chsh.chsh_value"),
        plot="plot_fidelity_vs_hops", plot_args=(hops, curves),
        plot_kwargs={"chsh_threshold": threshold, "classical_limit": 0.5, "styles": styles},
        summary={"werner_0.999_at_1000": float(curves["Werner link F = 0.999"][-1]),
                 "chsh_threshold_fidelity": threshold})


# ----------------------------------------------------------------------------- CHSH vs hops

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
            rows.append((label, f, n, s, CHSH_PAIRS, run_seed, est.value, est.stderr, interval[0], interval[1],
                         est.p_value))
        curves[label] = np.array(exact)
        bands[label] = (np.array(lo), np.array(hi))
        estimates[label] = (np.array(val), np.array(lo), np.array(hi))
    covered = sum(r[8] <= r[3] <= r[9] for r in rows)
    params = {"hops": hops.tolist(), "werner_link_fidelities": list(CHSH_LINKS), "swaps": "ideal",
              "pairs_per_estimate": CHSH_PAIRS, "level": CHSH_LEVEL, "sampler": "kernel",
              "setting_choice": "random", "settings": "optimal_settings of each chain state",
              "base_seed": base}
    caption = (f"CHSH S_max vs number of Werner links (ideal swaps), with Monte Carlo estimates from "
               f"N = {CHSH_PAIRS} pairs each and their {CHSH_LEVEL:.0%} intervals (shaded); S = 2 and 2 sqrt 2 marked.")
    return Study(
        name="chsh_vs_hops", caption=caption, parameters=params,
        columns=("curve", "link_fidelity", "hops", "s_exact", "pairs", "seed", "s_estimate", "stderr", "ci_low",
                 "ci_high", "p_value_local"),
        rows=tuple(tuple(_py(v) for v in r) for r in rows),
        functions=("pqms_physics.chsh.chsh_vs_hops", "pqms_physics.network.chains.chain_state",
                   "pqms_physics.chsh.estimate_chsh"),
        plot="plot_chsh_vs_hops", plot_args=(hops, curves),
        plot_kwargs={"band": bands, "estimates": estimates, "pairs": CHSH_PAIRS, "band_level": CHSH_LEVEL,
                     "local_bound": bounds[0], "tsirelson_bound": bounds[1]},
        seeds=tuple(seeds),
        summary={"intervals_covering_exact": f"{covered}/{len(rows)}"})


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

    from pqms_physics.core.channels import dephasing
    from pqms_physics.nct import pool_bias_experiment
    from pqms_physics.nct.power import no_signalling_stderr, threshold_pass_probability

    base = check_seed("seed", seed)
    key = STUDY_KEYS["nct_pool_bias"]
    sender = dephasing(**NCT_SENDER)
    exponents = range(3, 7) if quick else range(3, 11)
    runs_at = {e: (2 if quick else 3 if e <= 9 else 1) for e in exponents}
    rows, seeds, n_list, dmu, se = [], [], [], [], []
    for e in exponents:
        n = 10 ** e
        for r in range(runs_at[e]):
            run_seed = derive_seed(base, key, e, r)
            res = pool_bias_experiment(n, run_seed, sender_channel=sender, sampler="kernel")
            sigma = no_signalling_stderr(n)
            seeds.append(run_seed)
            n_list.append(n)
            dmu.append(res.delta_mu)
            se.append(sigma)
            rows.append(("delta_mu_vs_N", n, run_seed, 0, None, res.delta_mu, sigma, res.stderr, res.z,
                         res.p_value, abs(res.delta_mu) < NCT_THRESHOLD, abs(res.delta_mu) < NCT_K_SIGMA * sigma))
    # z histogram: the windows of one long kernel run are independent experiments of `window` pairs per pool
    window, n_windows = (10_000, 200) if quick else (100_000, 1000)
    z_seed = derive_seed(base, key, 0, 0)
    seeds.append(z_seed)
    long_run = pool_bias_experiment(window * n_windows, z_seed, sender_channel=sender, sampler="kernel",
                                    window_per_pool=window)
    wstat = long_run.window_statistics()
    z = np.asarray(wstat.z, dtype=float)
    sigma_w = no_signalling_stderr(window)
    for i in range(n_windows):
        d = float(wstat.delta_mu[i])
        rows.append(("z_histogram", window, z_seed, 0, i, d, sigma_w, float(wstat.stderr[i]), float(z[i]),
                     float(wstat.p_value[i]), abs(d) < NCT_THRESHOLD, abs(d) < NCT_K_SIGMA * sigma_w))
    ks = stats.kstest(z, "norm")
    claim = threshold_pass_probability(NCT_THRESHOLD, 10 ** 8)
    params = {"pairs_per_pool": sorted(set(n_list)), "runs_per_pool_size": {f"1e{e}": r for e, r in runs_at.items()},
              "state": "Phi+", "sender_channel": f"dephasing(gamma_per_s={NCT_SENDER['gamma_per_s']}, "
                                                f"t_s={NCT_SENDER['t_s']}) on the sender's qubit of pool 1",
              "basis": "z", "sampler": "kernel", "k_sigma": NCT_K_SIGMA, "fixed_threshold": NCT_THRESHOLD,
              "z_histogram": {"window_pairs_per_pool": window, "windows": n_windows, "seed": z_seed},
              "base_seed": base}
    caption = (f"NCT pool bias: |delta mu| of single runs vs pairs per pool (kernel sampler, sender dephased), "
               f"the +-{NCT_K_SIGMA:g} sigma band (sigma = sqrt(0.5/N)) and the fixed threshold "
               f"{NCT_THRESHOLD:g}; right: z over {n_windows} independent windows vs N(0, 1).")
    return Study(
        name="nct_pool_bias", caption=caption, parameters=params,
        columns=("panel", "pairs_per_pool", "seed", "stream", "window", "delta_mu", "sigma_no_signalling",
                 "stderr_pooled", "z", "p_value", "passes_fixed_threshold", "within_k_sigma"),
        rows=tuple(tuple(_py(v) for v in r) for r in rows),
        functions=("pqms_physics.nct.pool_bias_experiment", "pqms_physics.nct.power.no_signalling_stderr",
                   "pqms_physics.nct.power.threshold_pass_probability", "pqms_physics.core.channels.dephasing"),
        plot="plot_nct_pool_bias", plot_args=(np.array(n_list, dtype=float), np.array(dmu), np.array(se), z),
        plot_kwargs={"k_sigma": NCT_K_SIGMA, "threshold": NCT_THRESHOLD, "z_pairs_per_pool": window,
                     "z_label": f"{n_windows} windows of $10^{{{round(math.log10(window))}}}$ pairs/pool"},
        seeds=tuple(seeds),
        summary={"ks_pvalue_z_vs_normal": float(ks.pvalue), "z_mean": float(z.mean()), "z_std": float(z.std(ddof=1)),
                 "runs_passing_fixed_threshold": sum(bool(r[10]) for r in rows),
                 "runs_total": len(rows),
                 "p_fixed_threshold_met_at_1e8_exact": claim.probability_exact})


# ----------------------------------------------------------------------------- rate vs distance

#: Segments of the chains (1 = direct transmission, the repeaterless reference).
RATE_SEGMENTS: tuple[int, ...] = (1, 2, 4, 8, 16)
#: Source and fibre parameters of the rate figure (inputs, not optimised).
RATE_SOURCE: dict = {"mean_pairs_per_mode": 0.001, "detector_efficiency": 1.0, "loss_db_per_km": 0.2}


def study_rate_vs_distance(quick: bool = False, seed: int = DEFAULT_SEED) -> Study:
    """Ebits per channel use vs distance for direct transmission and chains, with PLOB and TGW."""
    from pqms_physics.network.bounds import entanglement_rate, fiber_transmissivity, plob_bound, tgw_bound

    distance = np.linspace(0.0, 600.0, 61 if quick else 301)[1:]  # PLOB diverges at L = 0
    src = dict(RATE_SOURCE)
    rates, rows = {}, []
    for n in RATE_SEGMENTS:
        label = "direct transmission" if n == 1 else f"{n} segments"
        r = entanglement_rate(distance, n, **src)
        per_mode = np.asarray(r.ebits_per_mode, dtype=float)
        rates[label] = per_mode
        for d, v, f, z in zip(distance.tolist(), per_mode.tolist(), np.asarray(r.delivered_fidelity).tolist(),
                              np.asarray(r.expected_pulses).tolist()):
            rows.append((label, n, d, v, f, z))
    eta = np.asarray(fiber_transmissivity(distance, src["loss_db_per_km"]), dtype=float)
    bounds = {"PLOB bound (direct)": np.asarray(plob_bound(eta), dtype=float),
              "TGW bound (direct)": np.asarray(tgw_bound(eta), dtype=float)}
    for label, vals in bounds.items():
        for d, v in zip(distance.tolist(), vals.tolist()):
            rows.append((label, None, d, v, None, None))
    beats = {lbl: (float(distance[np.argmax(v > bounds["PLOB bound (direct)"])])
                   if np.any(v > bounds["PLOB bound (direct)"]) else None)
             for lbl, v in rates.items()}
    params = {"distance_km": {"start": float(distance[0]), "stop": float(distance[-1]), "num": int(distance.size)},
              "segments": list(RATE_SEGMENTS), **src, "gate_fidelity": 1.0, "measurement_fidelity": 1.0,
              "rate": "EntanglementRate.ebits_per_mode (hashing yield / expected pulses / 2 modes)",
              "bounds": "plob_bound and tgw_bound of the total fibre transmissivity"}
    caption = ("Distillable ebits per channel use (optical mode) vs distance for direct transmission and SPDC "
               f"repeater chains of 2-16 segments (lambda = {src['mean_pairs_per_mode']:g}, "
               f"{src['loss_db_per_km']:g} dB/km, perfect memories, hashing yield), with the PLOB and TGW "
               "bounds of the direct link.")
    return Study(
        name="rate_vs_distance", caption=caption, parameters=params,
        columns=("curve", "n_links", "distance_km", "ebits_per_channel_use", "delivered_fidelity",
                 "expected_pulses"),
        rows=tuple(tuple(_py(v) for v in r) for r in rows),
        functions=("pqms_physics.network.bounds.entanglement_rate", "pqms_physics.network.bounds.plob_bound",
                   "pqms_physics.network.bounds.tgw_bound", "pqms_physics.network.bounds.fiber_transmissivity"),
        plot="plot_rate_vs_distance", plot_args=(distance, rates),
        plot_kwargs={"bounds": bounds, "ylabel": "Rate (ebit per channel use)"},
        summary={"first_distance_km_above_plob": beats})


#: The standard figures of the report, in order.
STUDIES = {
    "fidelity_vs_hops": study_fidelity_vs_hops,
    "rate_vs_distance": study_rate_vs_distance,
    "chsh_vs_hops": study_chsh_vs_hops,
    "nct_pool_bias": study_nct_pool_bias,
    "purification": study_purification,
    "network": study_network,
    "waiting_time": study_waiting_time,
    "cutoff_tradeoff": study_cutoff_tradeoff,
    "protocol_rates": study_protocol_rates,
}
