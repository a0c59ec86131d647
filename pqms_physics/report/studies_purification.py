"""The purification study of ``pqms report``: purification curves with fixed points, and BDCZ resources.

Panel (a): DEJMPS recurrence with identical copies, fidelity after ``PURIFICATION_ROUNDS`` rounds against the
Werner input fidelity, for several ``(p2, eta)``, with ``F_min`` / ``F_max`` marked. Panel (b): expected raw
pairs per delivered pair of the nested repeater against distance (``2^n`` hops of ``PURIFICATION_LINK_KM``
each), with the fewest equal rounds per level (``1..PURIFICATION_MAX_ROUNDS``) that keep the end-to-end
fidelity at the largest distance >= ``PURIFICATION_MIN_FIDELITY``. Exact (no sampling): no seed is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # studies.py imports this module for its STUDIES registry: import Study at call time
    from pqms_physics.report.studies import Study

#: Noise settings (gate fidelity p2, measurement fidelity eta) of the purification figure.
PURIFICATION_NOISE: tuple[tuple[float, float], ...] = ((1.0, 1.0), (0.995, 0.995), (0.99, 0.99), (0.98, 0.98))
#: Rounds of the recurrence in panel (a).
PURIFICATION_ROUNDS: int = 3
#: Link (Werner) fidelity and length of one hop (km) of the nested repeater in panel (b).
PURIFICATION_LINK_FIDELITY: float = 0.95
PURIFICATION_LINK_KM: float = 20.0
#: Panel (b): the end-to-end fidelity to keep at the largest distance, and the most rounds per level tried.
PURIFICATION_MIN_FIDELITY: float = 0.9
PURIFICATION_MAX_ROUNDS: int = 4


def _label(p2: float, eta: float) -> str:
    return (
        "perfect operations"
        if (p2, eta) == (1.0, 1.0)
        else f"p2 = eta = {p2:g}"
        if p2 == eta
        else f"p2 = {p2:g}, eta = {eta:g}"
    )


def study_purification(quick: bool = False, seed: int | None = None) -> Study:
    """DEJMPS after k rounds vs input fidelity (with F_min, F_max) and nested-repeater raw pairs vs distance.

    ``seed`` is accepted for the report's common signature and unused: the study is exact.
    """
    from pqms_physics.network.purification import nested_repeater, purification_fixed_point, recurrence
    from pqms_physics.report.studies import Study

    f_in = np.linspace(0.5, 1.0, 26 if quick else 101)
    werner = np.stack([f_in, (1 - f_in) / 3, (1 - f_in) / 3, (1 - f_in) / 3], axis=-1)
    max_level = 6 if quick else 10
    hops = [2**n for n in range(max_level + 1)]
    distance = np.array(hops, dtype=float) * PURIFICATION_LINK_KM
    curves, fixed, costs, rows, summary = {}, {}, {}, [], {}
    for p2, eta in PURIFICATION_NOISE:
        label = _label(p2, eta)
        s = recurrence(werner, PURIFICATION_ROUNDS, gate_fidelity=p2, measurement_fidelity=eta)
        fp = purification_fixed_point("dejmps", gate_fidelity=p2, measurement_fidelity=eta)
        curves[label] = s.fidelities[-1]
        fixed[label] = (fp.f_min, fp.f_max)
        summary[label] = {"f_min": fp.f_min, "f_max": fp.f_max}
        for f, out, cost in zip(f_in.tolist(), s.fidelities[-1].tolist(), s.raw_pairs[-1].tolist(), strict=True):
            rows.append(("rounds", p2, eta, PURIFICATION_ROUNDS, f, out, cost, None, None, fp.f_min, fp.f_max))
        for k in range(1, PURIFICATION_MAX_ROUNDS + 1):  # fewest rounds per level that keep F at the far end
            nested = [
                nested_repeater(
                    PURIFICATION_LINK_FIDELITY,
                    n,
                    k,
                    gate_fidelity=p2,
                    measurement_fidelity=eta,
                    link_length_km=PURIFICATION_LINK_KM,
                )
                for n in hops
            ]
            if nested[-1].fidelity >= PURIFICATION_MIN_FIDELITY:
                break
        else:
            summary[label]["rounds_per_level"] = None  # no curve: the target is out of reach with these rounds
            continue
        costs[f"{label}, k = {k} (F = {nested[-1].fidelity:.3f})"] = np.array([r.raw_pairs for r in nested])
        for r in nested:
            rows.append(
                (
                    "nested",
                    p2,
                    eta,
                    k,
                    PURIFICATION_LINK_FIDELITY,
                    r.fidelity,
                    r.raw_pairs,
                    r.hops,
                    r.distance_km,
                    fp.f_min,
                    fp.f_max,
                )
            )
        summary[label].update(
            rounds_per_level=k,
            end_to_end_fidelity_at_max_distance=nested[-1].fidelity,
            raw_pairs_at_max_distance=nested[-1].raw_pairs,
        )
    params = {
        "protocol": "dejmps",
        "noise": [list(x) for x in PURIFICATION_NOISE],
        "rounds": PURIFICATION_ROUNDS,
        "input_fidelity": {"start": 0.5, "stop": 1.0, "num": int(f_in.size)},
        "nested": {
            "link_fidelity": PURIFICATION_LINK_FIDELITY,
            "link_length_km": PURIFICATION_LINK_KM,
            "min_fidelity": PURIFICATION_MIN_FIDELITY,
            "max_rounds": PURIFICATION_MAX_ROUNDS,
            "hops": hops,
            "scheme": "recurrence",
        },
    }
    caption = (
        f"(a) Fidelity after {PURIFICATION_ROUNDS} DEJMPS recurrence rounds vs Werner input fidelity, "
        "for gate / measurement fidelities p2, eta (Duer et al. 1999 noise), with the fixed points F_max "
        "(dashed) and F_min (dotted). (b) Expected raw pairs per delivered pair of the nested BDCZ repeater "
        f"(links F = {PURIFICATION_LINK_FIDELITY:g}, {PURIFICATION_LINK_KM:g} km per hop, the fewest k rounds "
        f"per level keeping F >= {PURIFICATION_MIN_FIDELITY:g} at the largest distance) vs distance: "
        "polynomial growth."
    )
    return Study(
        name="purification",
        caption=caption,
        parameters=params,
        columns=(
            "panel",
            "gate_fidelity",
            "measurement_fidelity",
            "rounds",
            "input_fidelity",
            "output_fidelity",
            "raw_pairs",
            "hops",
            "distance_km",
            "f_min",
            "f_max",
        ),
        rows=tuple(rows),
        functions=(
            "pqms_physics.network.purification.recurrence",
            "pqms_physics.network.purification.purification_fixed_point",
            "pqms_physics.network.purification.nested_repeater",
        ),
        plot="plot_purification",
        plot_args=(f_in, curves, fixed, distance, costs),
        plot_kwargs={"rounds": PURIFICATION_ROUNDS},
        summary=summary,
    )


__all__ = [
    "study_purification",
    "PURIFICATION_NOISE",
    "PURIFICATION_ROUNDS",
    "PURIFICATION_LINK_FIDELITY",
    "PURIFICATION_LINK_KM",
    "PURIFICATION_MIN_FIDELITY",
    "PURIFICATION_MAX_ROUNDS",
]
