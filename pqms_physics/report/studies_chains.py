"""Report studies of repeater chains: fidelity against hop count, and rate against distance (exact)."""

from __future__ import annotations

import numpy as np

from pqms_physics.report.study import DEFAULT_SEED, Study, _py, chsh_threshold_fidelity, log_grid

#: Werner link fidelities of the fidelity-vs-hops figure.
FIDELITY_WERNER_LINKS: tuple[float, ...] = (0.99, 0.999, 0.9999)
#: Dephased link: Phi+ with qubit 1 dephased by L = sqrt(gamma) sigma_z for t (the documents' 0.05 and 0.1).
FIDELITY_DEPHASING: dict = {"gamma_per_s": 0.05, "t_s": 0.1}
#: Duer gate and measurement fidelity of the noisy swaps.
FIDELITY_NOISY_SWAP: dict = {"gate_fidelity": 0.999, "measurement_fidelity": 0.999}


def study_fidelity_vs_hops(quick: bool = False, seed: int = DEFAULT_SEED) -> Study:
    """F vs number of links (1..1000): Werner links, dephased links, Duer-noisy swaps twirled and untwirled."""
    from pqms_physics.core.noise import dephasing
    from pqms_physics.core.states import bell_state, werner_state
    from pqms_physics.network.chains import fidelity_vs_hops

    hops = log_grid(1000, 16 if quick else 46)
    deph = dict(FIDELITY_DEPHASING)
    dephased_link = dephasing(**deph).on(1, 2)(bell_state("phi+"))
    p, eta = FIDELITY_NOISY_SWAP["gate_fidelity"], FIDELITY_NOISY_SWAP["measurement_fidelity"]
    # (label, link description, link state, link_fidelity parameter, p, eta, twirl, plot style)
    specs = []
    for i, f in enumerate(FIDELITY_WERNER_LINKS):
        specs.append(
            (f"Werner link F = {f:g}", "werner", werner_state(f), f, 1.0, 1.0, False, {"color": f"C{i}", "ls": "-"})
        )
    for label, pp, ee, colour in (("dephased link", 1.0, 1.0, "C4"), (f"dephased, noisy swap {p:g}", p, eta, "C3")):
        for twirl in (False, True):
            specs.append(
                (
                    f"{label}, {'twirled' if twirl else 'exact'}",
                    "dephased",
                    dephased_link,
                    None,
                    pp,
                    ee,
                    twirl,
                    {"color": colour, "ls": "--" if twirl else "-"},
                )
            )
    curves, styles, rows = {}, {}, []
    for label, kind, link, f_link, pp, ee, twirl, style in specs:
        fid = fidelity_vs_hops(link, hops, gate_fidelity=pp, measurement_fidelity=ee, twirl=twirl)
        curves[label] = fid
        styles[label] = style
        f1 = float(fid[0]) if hops[0] == 1 else float("nan")
        for n, value in zip(hops.tolist(), fid.tolist()):
            rows.append((label, kind, f1 if f_link is None else f_link, pp, ee, twirl, n, value))
    threshold = chsh_threshold_fidelity()
    params = {
        "hops": hops.tolist(),
        "werner_link_fidelities": list(FIDELITY_WERNER_LINKS),
        "dephased_link": {
            **deph,
            "state": "Phi+ with dephasing(gamma_per_s, t_s) on qubit 1",
            "link_fidelity": float(curves["dephased link, exact"][0]),
        },
        "noisy_swap": dict(FIDELITY_NOISY_SWAP),
        "memory": None,
        "chsh_threshold_fidelity": threshold,
        "classical_limit": 0.5,
    }
    caption = (
        "Fidelity to Phi+ vs number of elementary links: Werner links (ideal swaps), dephased links "
        f"(gamma t = {deph['gamma_per_s'] * deph['t_s']:g}) with ideal and Duer-noisy swaps "
        f"(p = eta = {p:g}), exact vs twirled; F = 1/2 and the Werner CHSH threshold marked."
    )
    return Study(
        name="fidelity_vs_hops",
        caption=caption,
        parameters=params,
        columns=(
            "curve",
            "link",
            "link_fidelity",
            "gate_fidelity",
            "measurement_fidelity",
            "twirl",
            "hops",
            "fidelity",
        ),
        rows=tuple(rows),
        functions=(
            "pqms_physics.network.chains.fidelity_vs_hops",
            "pqms_physics.core.channels.dephasing",
            "pqms_physics.core.states.werner_state",
            "pqms_physics.chsh.chsh_value",
        ),
        plot="plot_fidelity_vs_hops",
        plot_args=(hops, curves),
        plot_kwargs={"chsh_threshold": threshold, "classical_limit": 0.5, "styles": styles},
        summary={
            "werner_0.999_at_1000": float(curves["Werner link F = 0.999"][-1]),
            "chsh_threshold_fidelity": threshold,
        },
    )


# ----------------------------------------------------------------------------- CHSH vs hops


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
        for d, v, f, z in zip(
            distance.tolist(),
            per_mode.tolist(),
            np.asarray(r.delivered_fidelity).tolist(),
            np.asarray(r.expected_pulses).tolist(),
        ):
            rows.append((label, n, d, v, f, z))
    eta = np.asarray(fiber_transmissivity(distance, src["loss_db_per_km"]), dtype=float)
    bounds = {
        "PLOB bound (direct)": np.asarray(plob_bound(eta), dtype=float),
        "TGW bound (direct)": np.asarray(tgw_bound(eta), dtype=float),
    }
    for label, vals in bounds.items():
        for d, v in zip(distance.tolist(), vals.tolist()):
            rows.append((label, None, d, v, None, None))
    beats = {
        lbl: (
            float(distance[np.argmax(v > bounds["PLOB bound (direct)"])])
            if np.any(v > bounds["PLOB bound (direct)"])
            else None
        )
        for lbl, v in rates.items()
    }
    params = {
        "distance_km": {"start": float(distance[0]), "stop": float(distance[-1]), "num": int(distance.size)},
        "segments": list(RATE_SEGMENTS),
        **src,
        "gate_fidelity": 1.0,
        "measurement_fidelity": 1.0,
        "rate": "EntanglementRate.ebits_per_mode (hashing yield / expected pulses / 2 modes)",
        "bounds": "plob_bound and tgw_bound of the total fibre transmissivity",
    }
    caption = (
        "Distillable ebits per channel use (optical mode) vs distance for direct transmission and SPDC "
        f"repeater chains of 2-16 segments (lambda = {src['mean_pairs_per_mode']:g}, "
        f"{src['loss_db_per_km']:g} dB/km, perfect memories, hashing yield), with the PLOB and TGW "
        "bounds of the direct link."
    )
    return Study(
        name="rate_vs_distance",
        caption=caption,
        parameters=params,
        columns=("curve", "n_links", "distance_km", "ebits_per_channel_use", "delivered_fidelity", "expected_pulses"),
        rows=tuple(tuple(_py(v) for v in r) for r in rows),
        functions=(
            "pqms_physics.network.bounds.entanglement_rate",
            "pqms_physics.network.bounds.plob_bound",
            "pqms_physics.network.bounds.tgw_bound",
            "pqms_physics.network.bounds.fiber_transmissivity",
        ),
        plot="plot_rate_vs_distance",
        plot_args=(distance, rates),
        plot_kwargs={"bounds": bounds, "ylabel": "Rate (ebit per channel use)"},
        summary={"first_distance_km_above_plob": beats},
    )


__all__ = ["study_fidelity_vs_hops", "study_rate_vs_distance"]
