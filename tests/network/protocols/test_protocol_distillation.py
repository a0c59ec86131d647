"""Distillation rounds in the nested scheme: closed forms, an independent Monte Carlo, and bad input."""

import math

import pytest
from protocol_oracle import nested_means

from pqms_physics import repeater_protocol
from pqms_physics.network.protocols.bell import nested_bell_weights
from pqms_physics.network.protocols.spec import ProtocolSpec


def _bbpssw(w1, w2):
    """BBPSSW on two Werner states (Bennett et al. 1996), in fidelities, returned as (p, w)."""
    f1, f2 = (1 + 3 * w1) / 4, (1 + 3 * w2) / 4
    p = f1 * f2 + f1 * (1 - f2) / 3 + (1 - f1) * f2 / 3 + 5 * (1 - f1) * (1 - f2) / 9
    f = (f1 * f2 + (1 - f1) * (1 - f2) / 9) / p
    return p, (4 * f - 1) / 3


def test_deterministic_links_give_a_geometric_distillation_time_and_the_bbpssw_werner_parameter():
    # p_link = 1: every round makes fresh links, so one distillation attempt per round; it succeeds with
    # P = p_BBPSSW(w0, w0), independently per round, so each swap input arrives after Geometric(P) rounds and
    # the swap (p_swap = 1) waits for the later: E[T] = (3 - 2P) / (P (2 - P)) (max of two geometrics;
    # Shchukin et al. 2019's two-segment formula with a = 1). Perfect memories: w = w_d^2.
    w0 = 0.8
    big_p, w_d = _bbpssw(w0, w0)
    res = repeater_protocol(2, 1.0, link_werner=w0, distillation=1)
    assert res.mean_time == pytest.approx((3 - 2 * big_p) / (big_p * (2 - big_p)), rel=1e-12)
    assert res.mean_werner == pytest.approx(w_d**2, rel=1e-12)
    assert res.pmf[1] == pytest.approx(big_p**2, rel=1e-12)  # both inputs distilled in the first round


def test_distillation_raises_the_werner_parameter_with_perfect_memories_and_costs_time():
    plain = repeater_protocol(4, 0.3, p_swap=0.8, link_werner=0.9)
    distilled = repeater_protocol(4, 0.3, p_swap=0.8, link_werner=0.9, distillation=1)
    assert distilled.mean_werner > plain.mean_werner  # BBPSSW raises w of Werner pairs with F > 1/2
    assert distilled.mean_time > 2 * plain.mean_time  # two inputs per attempt, and attempts fail


@pytest.mark.parametrize(
    "segments, p_link, p_swap, w0, t_coh, distillation",
    [
        (4, 0.1, 0.5, (4 * 0.95 - 1) / 3, 250.0, 1),  # Brand-Coopmans-Elkouss 2020's distillation example
        (4, 0.3, 0.9, 0.9, 40.0, (0, 2)),
        (2, 0.2, 0.7, 0.97, 30.0, 1),
    ],
)
def test_exact_engine_matches_an_independent_recursive_monte_carlo_within_5_sigma(
    segments, p_link, p_swap, w0, t_coh, distillation
):
    levels = segments.bit_length() - 1
    per_level = distillation if isinstance(distillation, tuple) else (distillation,) * levels
    mean_t, err_t, mean_w, err_w = nested_means(11, 8000, levels, p_link, p_swap, w0, t_coh, per_level)
    res = repeater_protocol(
        segments, p_link, p_swap=p_swap, link_werner=w0, coherence_time=t_coh, distillation=distillation
    )
    assert abs(res.mean_time - mean_t) < 5 * err_t
    assert abs(res.mean_werner - mean_w) < 5 * err_w


def test_zero_rounds_per_level_is_the_plain_nested_scheme():
    a = repeater_protocol(4, 0.2, p_swap=0.6, link_werner=0.95, coherence_time=50.0, distillation=(0, 0))
    b = repeater_protocol(4, 0.2, p_swap=0.6, link_werner=0.95, coherence_time=50.0)
    assert a.spec.distillation == 0
    assert a.mean_time == b.mean_time and a.mean_werner == b.mean_werner


@pytest.mark.parametrize(
    "kwargs, match",
    [
        pytest.param(dict(segments=4, distillation=-1), "distillation must be >= 0", id="negative"),
        pytest.param(dict(segments=4, distillation=(1,)), "one entry per nesting level", id="length"),
        pytest.param(dict(segments=3, scheme="swap-asap", distillation=1), "'nested' only", id="swap-asap"),
        pytest.param(
            dict(segments=4, distillation=1, method="monte-carlo", samples=10, seed=1), "exact engine only", id="mc"
        ),
        pytest.param(
            dict(segments=2, link_werner=0.9, werner_cutoff=0.5, distillation=1), "distils them first", id="wcut"
        ),
    ],
)
def test_bad_distillation_input_raises_naming_the_parameter(kwargs, match):
    with pytest.raises(ValueError, match=match):
        repeater_protocol(p_link=0.5, **kwargs)


def test_bell_weight_engine_refuses_distillation():
    with pytest.raises(ValueError, match="distillation"):
        nested_bell_weights(ProtocolSpec(2, 0.5, distillation=1), dephasing_time=10.0)


def test_spec_records_the_schedule():
    spec = ProtocolSpec(8, 0.5, distillation=(1, 0, 2))
    assert [spec.distillation_for_level(k) for k in (1, 2, 3)] == [1, 0, 2]
    assert spec.to_dict()["distillation"] == [1, 0, 2]
    assert math.isinf(spec.coherence_time)
