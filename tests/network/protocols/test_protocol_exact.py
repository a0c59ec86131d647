"""Exact engine against closed forms, published values, a direct recursion and a brute-force enumeration."""

import math
import warnings
from itertools import product

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from protocol_oracle import two_segment_cutoff_closed_form

from pqms_physics.errors import PQMSValueError
from pqms_physics.network.bounds import expected_attempts
from pqms_physics.network.protocols.api import repeater_protocol
from pqms_physics.network.protocols.reference import direct_nested

GRID_P = [1.0, 0.5, 0.1, 0.02]


@pytest.mark.parametrize("p", GRID_P)
@pytest.mark.parametrize("a", [1.0, 0.7, 0.2])
def test_two_segment_waiting_time_matches_shchukin_schmidt_van_loock(p, a):
    # Shchukin, Schmidt, van Loock, PRA 100, 032322 (2019), eq. for n = 2: E[T] = (3 - 2p) / (a p (2 - p)).
    res = repeater_protocol(2, p, p_swap=a)
    assert res.mean_time == pytest.approx((3 - 2 * p) / (a * p * (2 - p)), rel=1e-11)
    assert math.fsum(res.pmf) == pytest.approx(1 - res.truncated_mass, abs=1e-15)
    assert res.truncated_mass < 1e-12


@pytest.mark.parametrize("p", [0.9, 0.5, 0.1, 0.03])
@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 16])
def test_parallel_scheme_reproduces_bernardes_z_n(n, p):
    # Bernardes, Praxmeyer, van Loock, PRA 83, 012323 (2011): Z_n = sum_j C(n,j) (-1)^(j+1) / (1 - (1-p)^j),
    # written out here (the alternating sum is fine for n <= 16 at this precision).
    z = sum(math.comb(n, j) * (-1) ** (j + 1) / (1 - (1 - p) ** j) for j in range(1, n + 1))
    res = repeater_protocol(n, p, scheme="parallel")
    assert res.mean_time == pytest.approx(z, rel=1e-9)
    assert res.mean_time == pytest.approx(expected_attempts(n, p), rel=1e-11)


@pytest.mark.parametrize("p", [0.9, 0.5, 0.1, 0.01])
@pytest.mark.parametrize("a", [1.0, 0.5])
@pytest.mark.parametrize("tau", [0, 1, 2, 5, 40])
def test_two_segment_cutoff_matches_closed_form(p, a, tau):
    # Closed form for E[T](p, t_cut) of two segments (Inesta, Vardoyan, Scavuzzo, Wehner, npj QI 9, 46 (2023),
    # two-segment case; derived independently in two_segment_cutoff_closed_form).
    res = repeater_protocol(2, p, p_swap=a, cutoff=tau)
    assert res.mean_time == pytest.approx(two_segment_cutoff_closed_form(p, a, tau), rel=1e-10)


@pytest.mark.parametrize("p", [0.5, 0.05])
def test_cutoff_zero_needs_both_links_in_one_round(p):
    # Both links in the same round: a Bernoulli(p^2) trial per round, E[T] = 1/p^2 (issue 12).
    assert repeater_protocol(2, p, cutoff=0).mean_time == pytest.approx(1 / p**2, rel=1e-10)


@pytest.mark.parametrize("p, tc, tau", [(0.3, 10.0, None), (0.05, 50.0, None), (0.3, 10.0, 3), (0.05, 20.0, 12)])
def test_two_segment_werner_parameter_is_w0_squared_times_mean_decay(p, tc, tau):
    # E[w] = w0^2 E[r^d | d <= tau], r = exp(-1/T_coh); with P(d = k) as above this is
    # w0^2 (1 + 2 sum_{k=1..tau} (q r)^k) / (1 + 2 sum_{k=1..tau} q^k), independent of p_swap.
    q, r, w0 = 1 - p, math.exp(-1 / tc), 0.97
    top = tau if tau is not None else 100_000
    num = 1 + 2 * sum((q * r) ** k for k in range(1, top + 1))
    den = 1 + 2 * sum(q**k for k in range(1, top + 1))
    res = repeater_protocol(2, p, p_swap=0.6, link_werner=w0, coherence_time=tc, cutoff=tau)
    assert res.mean_werner == pytest.approx(w0**2 * num / den, rel=1e-10)


def test_li_coopmans_elkouss_published_key_rate():
    # BoxiLi/repeater-cut-off-optimization, test_protocol.py::test_secret_key_rate (Li, Coopmans, Elkouss,
    # IEEE TQE 2021): one swap, p_gen 0.1, p_swap 0.5, w0 0.99, tau 5, t_coh 30 -> key rate 0.0148367 (rtol 1e-3).
    # Their secret fraction is 1 - 2 H(e) with H in *nats* (utility_functions.entropy uses np.log), so the
    # comparison uses that convention; our secret_key_rate uses bits (checked in test_protocol_spec.py).
    res = repeater_protocol(2, 0.1, p_swap=0.5, link_werner=0.99, cutoff=5, coherence_time=30)
    e = (1 - res.mean_werner) / 2
    nats = -e * math.log(e) - (1 - e) * math.log(1 - e)
    assert (1 - 2 * nats) / res.mean_time == pytest.approx(0.0148367, rel=1e-6)


@pytest.mark.parametrize(
    "segments, p, a, w0, tc, cutoffs",
    [
        pytest.param(4, 0.5, 0.8, 1.0, 50.0, None, id="li-swap-only"),  # parameters of Li et al.'s swap_only test
        pytest.param(8, 0.5, 0.8, 1.0, 30.0, (5, 5, 5), id="li-memory-cutoff"),  # their memory_cutoff_parameters1
        pytest.param(4, 0.3, 0.5, 0.95, 15.0, (2, 7), id="per-level-cutoff"),
        pytest.param(8, 0.6, 1.0, 0.9, math.inf, (0, 3, 9), id="cutoff-zero-level"),
    ],
)
def test_fast_engine_equals_direct_recursion(segments, p, a, w0, tc, cutoffs):
    # Slow twin: explicit pair enumeration and direct renewal sum, no FFT; agreement to 1e-12 absolute.
    length = 160
    pmf_d, wpmf_d = direct_nested(segments, p, p_swap=a, w0=w0, coherence_time=tc, cutoffs=cutoffs, length=length)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = repeater_protocol(
            segments, p, p_swap=a, link_werner=w0, coherence_time=tc, cutoff=cutoffs, t_trunc=length - 1
        )
    np.testing.assert_allclose(res.pmf, pmf_d, rtol=0, atol=1e-12)
    weighted = np.where(res.pmf > 0, res.pmf * np.nan_to_num(res.werner), 0.0)
    np.testing.assert_allclose(weighted, wpmf_d, rtol=0, atol=1e-12)


def _brute_force_swap_asap(n, p, a, w0, r, t_max):
    """Enumerate every history of swap-asap up to t_max rounds, carrying each link's Werner parameter.

    State: tuple of links (start, end, w). Each round: every uncovered segment succeeds with p; adjacent links
    are joined by swaps (each succeeds with a; a failure destroys the whole joined run); stored links decay by r.
    """
    pmf, wsum = np.zeros(t_max + 1), np.zeros(t_max + 1)
    states = {(): 1.0}
    for t in range(1, t_max + 1):
        nxt = {}
        for links, prob in states.items():
            links = tuple((s, e, w * r) for s, e, w in links)  # one round of storage
            covered = {i for s, e, _ in links for i in range(s, e)}
            free = [i for i in range(n) if i not in covered]
            for pick in product((0, 1), repeat=len(free)):
                pg = prob
                cur = list(links)
                for i, bit in zip(free, pick, strict=True):
                    pg *= p if bit else 1 - p
                    if bit:
                        cur.append((i, i + 1, w0))
                cur.sort()
                runs, i = [], 0
                while i < len(cur):  # group adjacent links into runs
                    j = i
                    while j + 1 < len(cur) and cur[j + 1][0] == cur[j][1]:
                        j += 1
                    runs.append(cur[i : j + 1])
                    i = j + 1
                options = [[]]
                for run in runs:
                    w = math.prod(x[2] for x in run)
                    ok = a ** (len(run) - 1)
                    joined = (run[0][0], run[-1][1], w)
                    options = [o + [(joined, ok)] for o in options] + (
                        [o + [(None, 1 - ok)] for o in options] if ok < 1 else []
                    )
                for opt in options:
                    pr = pg * math.prod(x[1] for x in opt)
                    kept = tuple(x[0] for x in opt if x[0] is not None)
                    if len(kept) == 1 and kept[0][:2] == (0, n):
                        pmf[t] += pr
                        wsum[t] += pr * kept[0][2]
                    else:
                        nxt[kept] = nxt.get(kept, 0.0) + pr
        states = nxt
    return pmf, wsum


@pytest.mark.parametrize("n, p, a, tc", [(2, 0.4, 0.7, 5.0), (3, 0.5, 0.6, 8.0), (4, 0.6, 0.8, 4.0)])
def test_swap_asap_chain_equals_brute_force_enumeration(n, p, a, tc):
    w0, t_max = 0.95, 6
    pmf, wsum = _brute_force_swap_asap(n, p, a, w0, math.exp(-1 / tc), t_max)
    res = repeater_protocol(n, p, p_swap=a, scheme="swap-asap", link_werner=w0, coherence_time=tc)
    np.testing.assert_allclose(res.pmf[: t_max + 1], pmf, rtol=1e-12, atol=1e-15)
    got = np.where(res.pmf[: t_max + 1] > 0, res.pmf[: t_max + 1] * np.nan_to_num(res.werner[: t_max + 1]), 0.0)
    np.testing.assert_allclose(got, wsum, rtol=1e-11, atol=1e-15)


@pytest.mark.parametrize(
    "kw",
    [
        dict(p_link=0.3, p_swap=0.6, link_werner=0.95, coherence_time=20.0),
        dict(p_link=0.05),
        dict(p_link=0.7, p_swap=0.3, coherence_time=3.0),
    ],
)
def test_schemes_coincide_for_two_segments(kw):
    results = [repeater_protocol(2, scheme=s, **kw) for s in ("nested", "swap-asap", "parallel")]
    for other in results[1:]:
        n = min(other.pmf.size, results[0].pmf.size)
        np.testing.assert_allclose(other.pmf[:n], results[0].pmf[:n], atol=1e-14)
        assert other.mean_werner == pytest.approx(results[0].mean_werner, rel=1e-12)


@pytest.mark.parametrize("n", [3, 4, 6])
def test_swap_asap_with_deterministic_swaps_waits_for_the_last_link(n):
    # p_swap = 1, no decoherence: the end-to-end pair exists when the last segment succeeds: E[T] = Z_n.
    assert repeater_protocol(n, 0.2, scheme="swap-asap").mean_time == pytest.approx(
        expected_attempts(n, 0.2), rel=1e-11
    )


@settings(max_examples=15, deadline=None)
@given(
    k=st.integers(0, 3),
    p=st.floats(0.2, 1.0),
    a=st.floats(0.5, 1.0),
    w0=st.floats(0.5, 1.0),
    tc=st.floats(2.0, 1e4),
    tau=st.one_of(st.none(), st.integers(2, 30)),
)
def test_nested_laws_pmf_normalised_and_werner_below_perfect_memory_bound(k, p, a, w0, tc, tau):
    res = repeater_protocol(2**k, p, p_swap=a, link_werner=w0, coherence_time=tc, cutoff=tau)
    assert res.pmf[0] == 0.0 and (res.pmf >= 0).all()
    assert math.fsum(res.pmf) + res.truncated_mass == pytest.approx(1.0, abs=1e-12)
    assert res.truncated_mass < 1e-12
    assert res.mean_werner <= w0 ** (2**k) * (1 + 1e-12)  # decoherence only lowers w
    # The engine is accurate to ~1e-16 absolute on the joint quantity E[w 1{T = t}] (FFT convolutions), so the
    # conditional E[w | T = t] is checked through it: far in the tail (P(T = t) ~ 1e-13) a ratio of two numbers
    # at roundoff level would be noise, not physics.
    mask = np.isfinite(res.werner)
    joint = res.werner[mask] * res.pmf[mask]
    assert (joint <= w0 ** (2**k) * res.pmf[mask] + 1e-14).all()


@settings(max_examples=10, deadline=None)
@given(k=st.integers(1, 3), p=st.floats(0.3, 1.0), tau=st.integers(0, 10))
def test_cutoff_never_helps_waiting_time_without_decoherence(k, p, tau):
    # p >= 0.3: with tau = 0 and 8 segments E[T] ~ p^-8 rounds, which the automatic truncation must reach.
    # Discarding links only delays delivery: E[T] with a cutoff >= E[T] without one.
    assert repeater_protocol(2**k, p, cutoff=tau).mean_time >= repeater_protocol(2**k, p).mean_time * (1 - 1e-12)


def test_multiplexing_equals_a_single_mode_with_the_combined_probability():
    a = repeater_protocol(4, 0.01, modes=20, p_swap=0.5)
    b = repeater_protocol(4, 1 - 0.99**20, p_swap=0.5)
    assert a.mean_time == pytest.approx(b.mean_time, rel=1e-12)


def test_small_explicit_t_trunc_reports_the_mass_and_warns():
    with pytest.warns(RuntimeWarning, match="t_trunc=20 leaves"):
        res = repeater_protocol(4, 0.1, t_trunc=20)
    # p_swap = 1, no cutoff: T is the max of 4 Geometric(0.1) times, P(T > 20) = 1 - (1 - 0.9^20)^4.
    assert res.t_trunc == 20 and res.truncated_mass == pytest.approx(1 - (1 - 0.9**20) ** 4, rel=1e-12)
    assert math.fsum(res.pmf) + res.truncated_mass == pytest.approx(1.0, abs=1e-14)


def test_t_trunc_too_small_for_the_requested_accuracy_raises_naming_it():
    # P(T > 20) = 1 - (1 - 0.9^20)^4 = 0.39 for 4 segments, p = 0.1, p_swap = 1 (max of four geometrics).
    with pytest.raises(ValueError, match=r"t_trunc=20 is too small for max_truncated_mass=1e-06"):
        repeater_protocol(4, 0.1, t_trunc=20, max_truncated_mass=1e-6)
    # The same bound met: no warning (the caller stated the accuracy), the tail is the closed form's.
    t = 400  # (1 - (1 - 0.9^400)^4) ~ 4 * 0.9^400 = 2e-18
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = repeater_protocol(4, 0.1, t_trunc=t, max_truncated_mass=1e-12)
    assert res.truncated_mass <= 1e-12
    # A loose bound that 20 rounds meet: the 0.39 tail is accepted silently and reported.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loose = repeater_protocol(4, 0.1, t_trunc=20, max_truncated_mass=0.5)
    assert loose.truncated_mass == pytest.approx(1 - (1 - 0.9**20) ** 4, rel=1e-12)


def test_automatic_truncation_that_cannot_reach_the_mass_raises_instead_of_warning():
    # 8 segments, cutoff 0 at every level, p = 0.1: each level needs both halves in one round, so
    # P(success per round) = p^8 = 1e-8 and E[T] ~ 1e8 rounds, far beyond the engine's 2**22-round reach.
    with pytest.raises(ValueError, match=r"t_trunc: the automatic truncation needs more than"):
        repeater_protocol(8, 0.1, cutoff=0)


def test_t_trunc_before_any_delivery_raises():
    # With a 2-round floor the Monte Carlo histogram of 4-segment runs at p = 1e-3 is empty by round 1
    # (P(T = 1) = 1e-12); the exact engine keeps that 1e-12, so only the Monte Carlo run can be empty.
    with pytest.raises(ValueError, match="t_trunc=1 is too small"):
        repeater_protocol(4, 1e-3, t_trunc=1, method="monte-carlo", samples=100, seed=1)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        pytest.param(dict(segments=3, p_link=0.5), "power of two", id="nested-3"),
        pytest.param(dict(segments=2, p_link=0.5, t_trunc=0), r"t_trunc must be >= 1, got 0", id="t_trunc"),
        pytest.param(dict(segments=2, p_link=0.5, method="mc"), "method must be one of", id="method"),
        pytest.param(
            dict(segments=2, p_link=0.5, t_trunc=50, max_truncated_mass=1.5), "max_truncated_mass", id="max-mass"
        ),
        pytest.param(dict(segments=2, p_link=0.5, method="monte-carlo"), "needs samples", id="mc-no-samples"),
        pytest.param(dict(segments=2, p_link=0.5, seed=1), "samples and seed are for", id="exact-seed"),
        pytest.param(dict(segments=16, p_link=0.5, scheme="swap-asap"), r"segments must be <= 8", id="asap-big"),
        pytest.param(
            dict(segments=4, p_link=0.5, scheme="swap-asap", werner_cutoff=0.5),
            "chain has no fidelity cutoff",
            id="asap-werner-cutoff",
        ),
        pytest.param(dict(segments=4, p_link=0.5, werner_cutoff=0.5), "segments=2 only", id="wcut-4"),
        pytest.param(
            dict(segments=2, p_link=0.5, link_werner=0.8, werner_cutoff=0.7),
            r"werner_cutoff must be <=",
            id="wcut-unreachable",
        ),
    ],
)
def test_bad_input_raises_naming_the_parameter(kwargs, match):
    with pytest.raises(PQMSValueError, match=match):
        repeater_protocol(**kwargs)


@pytest.mark.parametrize("p, tc, wcut", [(0.3, 10.0, 0.8), (0.1, 40.0, 0.9)])
def test_werner_cutoff_keeps_exactly_the_pairs_above_the_threshold(p, tc, wcut):
    # Two segments: w = w0^2 r^d >= wcut <=> d <= D = floor(T ln(w0^2 / wcut)); pairs with larger d are dropped
    # at the swap time max(t1, t2), so each attempt lasts max(t1, t2) and succeeds with P(d <= D):
    # E[T] = E[max] / P(d <= D) with E[max] = (3 - 2p)/(p (2 - p)), and E[w] = w0^2 E[r^d | d <= D].
    w0 = 0.99
    D = math.floor(tc * math.log(w0**2 / wcut))
    q, r = 1 - p, math.exp(-1 / tc)
    keep = (p + 2 * q * (1 - q**D)) / (2 - p)
    res = repeater_protocol(2, p, link_werner=w0, coherence_time=tc, werner_cutoff=wcut)
    assert res.mean_time == pytest.approx((3 - 2 * p) / (p * (2 - p)) / keep, rel=1e-10)
    num = 1 + 2 * sum((q * r) ** k for k in range(1, D + 1))
    den = 1 + 2 * sum(q**k for k in range(1, D + 1))
    assert res.mean_werner == pytest.approx(w0**2 * num / den, rel=1e-10)
    assert np.nanmin(res.werner) >= wcut - 1e-12


def _li_key_rate(res):
    """Li-Coopmans-Elkouss's merit function: (1 - 2 H(e)) / E[T] with H in nats (their utility_functions)."""
    e = (1 - res.mean_werner) / 2
    return max(0.0, 1 - 2 * (-e * math.log(e) - (1 - e) * math.log(1 - e))) / res.mean_time


@pytest.mark.parametrize(
    "segments, p, a, w0, tc, grid, best",
    [
        # BoxiLi/repeater-cut-off-optimization unit_test.py::test_opt_adaptive_trunc: protocol (0,), optimum tau = 6
        pytest.param(2, 0.1, 0.5, 0.99, 30, [(t,) for t in range(0, 30)], (6,), id="li-one-swap-tau6"),
        # unit_test.py::test_opt_uniform: protocol (0, 0), uniform cutoff, optimum (45, 45)
        pytest.param(4, 0.1, 0.8, 0.99, 400, [(t, t) for t in range(30, 61)], (45, 45), id="li-uniform-45"),
        # unit_test.py::test_opt_adaptive_search_range: protocol (0, 0), optimum (18, 30)
        pytest.param(4, 0.2, 0.6, 0.95, 300, list(product(range(12, 25), range(24, 37))), (18, 30), id="li-18-30"),
    ],
)
def test_li_coopmans_elkouss_published_optimal_cutoffs(segments, p, a, w0, tc, grid, best):
    # Exhaustive search over the grid reproduces the optimum their differential-evolution tests assert.
    rates = {
        cut: _li_key_rate(
            repeater_protocol(
                segments, p, p_swap=a, link_werner=w0, coherence_time=tc, cutoff=cut if segments > 2 else cut[0]
            )
        )
        for cut in grid
    }
    assert max(rates, key=rates.get) == best
