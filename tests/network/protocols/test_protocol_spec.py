"""ProtocolSpec validation, round_time_s, and the ProtocolResult accessors (cdf, quantile, key fractions)."""

import json
import math

import numpy as np
import pytest

from pqms_physics.errors import PQMSValueError
from pqms_physics.network.protocols.result import ProtocolResult, secret_key_fraction
from pqms_physics.network.protocols.spec import ProtocolSpec, round_time_s


@pytest.mark.parametrize(
    "kwargs, match",
    [
        pytest.param(dict(segments=2, p_link=0.0), r"p_link must be in \(0, 1\], got 0.0", id="p_link-0"),
        pytest.param(dict(segments=2, p_link=1.5), r"p_link must be in \(0, 1\], got 1.5", id="p_link-big"),
        pytest.param(dict(segments=2, p_link=0.5, p_swap=0.0), r"p_swap must be in \(0, 1\], got 0.0", id="p_swap"),
        pytest.param(dict(segments=0, p_link=0.5), r"segments must be >= 1, got 0", id="segments-0"),
        pytest.param(dict(segments=3, p_link=0.5), r"segments must be a power of two .* got 3", id="not-pow2"),
        pytest.param(dict(segments=2, p_link=0.5, cutoff=-1), r"cutoff must be >= 0 rounds, got -1", id="cutoff-neg"),
        pytest.param(
            dict(segments=4, p_link=0.5, cutoff=(1,)), r"cutoff must have one entry per nesting level", id="cutoff-len"
        ),
        pytest.param(
            dict(segments=4, p_link=0.5, cutoff=(1, -2)),
            r"cutoff\[1\] must be >= 0 rounds, got -2",
            id="cutoff-tuple-neg",
        ),
        pytest.param(dict(segments=2, p_link=0.5, coherence_time=-1.0), r"coherence_time must be > 0", id="tcoh-neg"),
        pytest.param(dict(segments=2, p_link=0.5, coherence_time=0.0), r"coherence_time must be > 0", id="tcoh-0"),
        pytest.param(dict(segments=2, p_link=0.5, scheme="bdcz"), r"scheme must be one of", id="scheme"),
        pytest.param(
            dict(segments=2, p_link=0.5, link_werner=1.2), r"link_werner must be in \[0.0, 1.0\], got 1.2", id="w0"
        ),
        pytest.param(dict(segments=2, p_link=0.5, modes=0), r"modes must be >= 1, got 0", id="modes"),
        pytest.param(
            dict(segments=3, p_link=0.5, scheme="parallel", cutoff=2),
            r"cutoff is not defined for scheme",
            id="parallel-cutoff",
        ),
        pytest.param(
            dict(segments=3, p_link=0.5, scheme="swap-asap", cutoff=(1, 2)),
            r"cutoff must be a single int",
            id="asap-tuple",
        ),
    ],
)
def test_bad_parameters_name_the_parameter_and_the_value(kwargs, match):
    with pytest.raises(PQMSValueError, match=match):
        ProtocolSpec(**kwargs)


def test_spec_accepts_any_segment_count_for_swap_asap_and_parallel():
    assert ProtocolSpec(3, 0.5, scheme="swap-asap").segments == 3
    assert ProtocolSpec(5, 0.5, scheme="parallel").segments == 5


def test_multiplexed_success_probability_is_one_minus_all_modes_failing():
    # M independent modes: the round fails only if all M fail.
    spec = ProtocolSpec(2, 0.01, modes=50)
    assert spec.p_eff == pytest.approx(1 - 0.99**50, rel=1e-14)


def test_cutoff_for_level_is_one_based_over_nesting_levels():
    spec = ProtocolSpec(8, 0.1, cutoff=(16, 31, 55))
    assert [spec.cutoff_for_level(j) for j in (1, 2, 3)] == [16, 31, 55]
    with pytest.raises(PQMSValueError, match=r"level must be in \[1, 3\]"):
        spec.cutoff_for_level(4)
    assert ProtocolSpec(8, 0.1, cutoff=7).cutoff_for_level(3) == 7


def test_spec_to_dict_is_json_ready():
    d = ProtocolSpec(4, 0.5, cutoff=(1, 2)).to_dict()
    assert json.loads(json.dumps(d))["cutoff"] == [1, 2]
    assert d["coherence_time"] == "inf"


def test_round_time_is_the_heralding_time_of_one_segment_plus_local_time():
    # Heralding: the signal crosses L0/2 and the message L0/2 back: L0 / (2e5 km/s).
    assert round_time_s(100.0) == pytest.approx(100.0 / 2.0e5, rel=1e-15)
    assert round_time_s(100.0, 1e-6) == pytest.approx(5e-4 + 1e-6, rel=1e-15)
    with pytest.raises(PQMSValueError, match="length_km must be >= 0"):
        round_time_s(-1.0)


def _geometric_result(p=0.5, n=20):
    t = np.arange(n + 1)
    pmf = np.where(t > 0, p * (1 - p) ** (t - 1.0), 0.0)
    return ProtocolResult(ProtocolSpec(1, p), "exact", pmf, np.where(t > 0, 1.0, np.nan), (1 - p) ** n, 1 / p, 1.0)


def test_cdf_and_quantile_of_a_geometric_law():
    res = _geometric_result()
    # Geometric(1/2): P(T <= t) = 1 - 2^-t; median 1, 0.99-quantile ceil(log2 100) = 7.
    assert res.cdf(3) == pytest.approx(1 - 0.5**3, abs=1e-15)
    np.testing.assert_allclose(res.cdf(np.arange(1, 5)), 1 - 0.5 ** np.arange(1, 5), atol=1e-15)
    assert res.quantile(0.5) == 1
    assert res.quantile(0.99) == 7
    with pytest.raises(PQMSValueError, match=r"t must be in \[0, 20\]"):
        res.cdf(21)
    with pytest.raises(PQMSValueError, match=r"q must be <= P\(T <= t_trunc\)"):
        res.quantile(1.0)


def test_result_arrays_are_read_only_and_to_dict_is_json_ready():
    res = _geometric_result()
    with pytest.raises(ValueError):
        res.pmf[1] = 0.0
    d = json.loads(json.dumps(res.to_dict()))
    assert d["werner"][0] is None and d["t_trunc"] == 20


def _h2(x):
    return 0.0 if x in (0.0, 1.0) else -x * math.log2(x) - (1 - x) * math.log2(1 - x)


@pytest.mark.parametrize("w", [1.0, 0.95, 0.9, 0.8, 0.78, 0.75, 0.5])
def test_bb84_key_fraction_is_one_minus_two_binary_entropies_clipped(w):
    # Shor-Preskill 2000: r = 1 - 2 h(e), e = (1 - w)/2 for a Werner pair; no key below zero.
    e = (1 - w) / 2
    assert secret_key_fraction(w, "bb84") == pytest.approx(max(0.0, 1 - 2 * _h2(e)), abs=1e-14)


@pytest.mark.parametrize("w", [1.0, 0.95, 0.8, 0.75, 0.74, 0.5])
def test_six_state_key_fraction_matches_lo_2001(w):
    # Lo, QIC 1, 81 (2001): r = 1 + (1 - 3e/2) log2(1 - 3e/2) + (3e/2) log2(e/2), clipped at 0.
    e = (1 - w) / 2
    a = 1 - 1.5 * e
    r = 1 + a * math.log2(a) + (1.5 * e * math.log2(e / 2) if e > 0 else 0.0)
    assert secret_key_fraction(w, "six-state") == pytest.approx(max(0.0, r), abs=1e-14)


def test_key_thresholds_bb84_11_percent_six_state_12_6_percent():
    # Thresholds on the QBER: BB84 e* = 11.00 %, six-state e* = 12.62 % (Lo 2001).
    for protocol, e_star in (("bb84", 0.1100278644), ("six-state", 0.1261864)):
        assert secret_key_fraction(1 - 2 * (e_star - 1e-4), protocol) > 0
        assert secret_key_fraction(1 - 2 * (e_star + 1e-4), protocol) == 0.0
