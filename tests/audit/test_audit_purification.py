"""Audit rows of issue 13: what purification takes to make the 10-hop claims true, re-derived independently."""

import math

import numpy as np
import pytest

from pqms_physics.audit.runner import run_audit
from pqms_physics.network.purification import nested_repeater, purification_fixed_point

IDS = ["hops10_per_hop_purified", "hops10_purified"]


@pytest.fixture(scope="module")
def by_id():
    report = run_audit(quick=True, seed=7, only=IDS, progress=False)
    return {e.claim_id: e for e in report.entries}


def test_rows_are_conditional_and_start_from_the_existing_rows_numbers(by_id):
    w = (4 * 0.999 - 1) / 3
    e = by_id["hops10_per_hop_purified"]
    assert e.details["fidelity_without_purification"] == pytest.approx(0.25 + 0.75 * w**10, abs=1e-12)
    e2 = by_id["hops10_purified"]
    # ten Z errors of probability (1 - e^{-0.01})/2 compose to the snippet's (1 + e^{-0.1})/2
    assert e2.details["fidelity_without_purification"] == pytest.approx((1 + math.exp(-0.1)) / 2, abs=1e-12)
    assert e.verdict == e2.verdict == "conditional"


@pytest.mark.parametrize("cid", IDS)
def test_the_stated_schedule_reaches_the_target_at_the_stated_cost(by_id, cid):
    e = by_id[cid]
    if cid == "hops10_per_hop_purified":
        link = 0.999
    else:
        f = (1 + math.exp(-2 * 0.05 * 0.1)) / 2
        link = [f, 0.0, 0.0, 1 - f]
    r = nested_repeater(link, 10, e.details["rounds_per_level"])
    assert r.fidelity >= 0.999 and r.fidelity == pytest.approx(e.details["fidelity_with_purification"], abs=1e-14)
    assert r.raw_pairs == pytest.approx(e.computed, rel=1e-14)
    # one fewer round anywhere: either misses the target or is not cheaper (it is the cheapest schedule)
    for level, k in enumerate(e.details["rounds_per_level"]):
        if k:
            fewer = list(e.details["rounds_per_level"])
            fewer[level] -= 1
            x = nested_repeater(link, 10, fewer)
            assert x.fidelity < 0.999 or x.raw_pairs >= r.raw_pairs


def test_min_gate_fidelity_is_where_f_max_crosses_the_target(by_id):
    p = by_id["hops10_per_hop_purified"].details["min_gate_fidelity_for_target"]
    above = purification_fixed_point("dejmps", gate_fidelity=p, measurement_fidelity=p).f_max
    below = purification_fixed_point("dejmps", gate_fidelity=p - 1e-6, measurement_fidelity=p - 1e-6).f_max
    assert below < 0.999 <= above
    noisy = by_id["hops10_per_hop_purified"].details["by_gate_fidelity"]
    assert noisy["0.999"] == "unreachable"  # 0.999 < p_min
    sched = noisy["0.9999"]["rounds"]
    r = nested_repeater(0.999, 10, sched, gate_fidelity=0.9999, measurement_fidelity=0.9999)
    assert r.fidelity >= 0.999 and np.isclose(r.raw_pairs, noisy["0.9999"]["raw_pairs"], rtol=1e-14)
