"""The network study of ``pqms report``: its CSV equals closed forms (chain, PLOB) and independent library
calls (per-pair capacities), and it is fast enough for the report."""

import math
import time

import numpy as np
import pytest

from pqms_physics.network.graphs import hierarchical_network, network_capacity
from pqms_physics.report.studies import STUDIES
from pqms_physics.report.studies_network import (
    NETWORK_CHAIN_REPEATERS,
    NETWORK_GEOMETRY,
    NETWORK_LINK_FIDELITY,
    study_network,
)


@pytest.fixture(scope="module")
def study():
    return study_network(quick=True, seed=5)


def rows_of(study, prefix):
    return [dict(zip(study.columns, r, strict=True)) for r in study.rows if r[0].startswith(prefix)]


def test_study_is_registered_and_quick_is_fast():
    assert STUDIES["network"] is study_network
    t0 = time.perf_counter()
    study_network(quick=True)
    assert time.perf_counter() - t0 < 2.0  # the brief: < 2 s quick


def test_chain_curve_is_plob_of_one_segment_and_the_bound_is_plob_of_the_distance(study):
    for r in rows_of(study, "chain"):  # Pirandola 2019: -log2(1 - eta_L^{1/(N+1)})
        eta = 10 ** (-0.2 * r["distance_km"] / 10)
        expected = -math.log2(1 - eta ** (1 / (NETWORK_CHAIN_REPEATERS + 1)))
        assert r["capacity_ebits_per_use"] == pytest.approx(expected, rel=1e-10)
    for r in rows_of(study, "PLOB"):
        eta = 10 ** (-0.2 * r["distance_km"] / 10)
        assert r["capacity_ebits_per_use"] == pytest.approx(-math.log2(1 - eta), rel=1e-10)


def test_hierarchical_rows_equal_per_pair_capacities_and_beat_the_direct_bound(study):
    p = study.parameters["hierarchical"]
    g = hierarchical_network(
        p["n_districts"],
        p["nodes_per_district"],
        seed=p["seed"],
        **NETWORK_GEOMETRY,
        edge_attrs={"link_fidelity": NETWORK_LINK_FIDELITY},
    )
    multi = rows_of(study, "hierarchical multipath")
    single = {r["target"]: r["capacity_ebits_per_use"] for r in rows_of(study, "hierarchical single-path")}
    assert multi
    for r in multi[:5]:
        assert r["capacity_ebits_per_use"] == pytest.approx(
            network_capacity(g, r["source"], r["target"], multipath=True).capacity, rel=1e-9
        )
        assert r["capacity_ebits_per_use"] >= single[r["target"]] * (1 - 1e-12)  # flooding >= one route
    for t, c in list(single.items())[:5]:
        assert c == pytest.approx(network_capacity(g, 1, t).capacity, rel=1e-12)
    s = study.summary
    assert s["route_capacity_multipath"] >= s["route_capacity_single"] > 0
    assert s["route"][0] == 1 and len(s["route"]) == s["route_hops"] + 1


def test_figure_has_two_panels_and_a_colour_bar(study):
    fig = study.figure()
    assert len(fig.axes) == 3
    assert fig.axes[1].get_xscale() == "log" and fig.axes[1].get_yscale() == "log"
    assert np.isfinite(study.plot_args[2]).all()
