"""Monte Carlo engine of the repeater protocols against closed forms, published numbers and the exact engine.

Statistical tolerances: 5 standard errors of the Monte Carlo mean (a false failure has probability < 1e-6 per
assertion); pmf bins are checked with the binomial standard error of each bin.
"""

import math

import numpy as np
import pytest

from pqms_physics.errors import PQMSValueError
from pqms_physics.network.bounds import expected_attempts
from pqms_physics.network.protocols.montecarlo import PROTOCOL_STREAM_VERSION, simulate
from pqms_physics.network.protocols.spec import ProtocolSpec

N = 100_000


def _within(res, exact, *, werner=None):
    assert abs(res.mean_time - exact) <= 5 * res.mean_time_stderr, (res.mean_time, exact, res.mean_time_stderr)
    if werner is not None:
        assert abs(res.mean_werner - werner) <= 5 * res.mean_werner_stderr + 1e-9, (res.mean_werner, werner)


@pytest.mark.parametrize("scheme", ["nested", "swap-asap", "parallel"])
@pytest.mark.parametrize("p, a", [(0.5, 1.0), (0.3, 0.6), (0.1, 0.5), (1.0, 0.25)])
def test_two_segments_mean_time_is_shchukin_closed_form(scheme, p, a):
    # Shchukin, Schmidt, van Loock, PRA 100, 032322 (2019): n = 2, swap probability a, no decoherence:
    # E[T] = (3 - 2p) / (a p (2 - p)); the three schemes coincide for two segments.
    res = simulate(ProtocolSpec(2, p, p_swap=a, scheme=scheme), samples=N, seed=3)
    _within(res, (3 - 2 * p) / (a * p * (2 - p)))


@pytest.mark.parametrize("p", [0.2, 0.7])
def test_cutoff_zero_needs_both_links_in_one_round(p):
    # issue 12: cutoff = 0, 2 segments, p_swap = 1: a round succeeds iff both links appear, E[T] = 1/p^2
    res = simulate(ProtocolSpec(2, p, cutoff=0), samples=N, seed=4)
    _within(res, 1 / p**2)


def _two_segment_cutoff(p, a, tau, r, w0):
    """E[T] and E[w] of 2 segments with cutoff tau, derived independently of the engines (renewal argument).

    One attempt: m = min(G1, G2) ~ Geom(p(2 - p)); d = |G1 - G2| is independent of m with P(d = 0) = p/(2 - p)
    and P(d = k) = 2 p q^k / (2 - p) for k >= 1 (q = 1 - p). The attempt lasts m + tau if d > tau (cutoff), else
    m + d and succeeds with the swap (probability a). Attempts are i.i.d., so E[T] = E[duration] / P(success)
    (Wald), and E[w] = w0^2 E[r^d | d <= tau]. Iñesta et al., npj Quantum Inf. 9, 46 (2023) give this case in
    closed form; the sum below is the same quantity term by term.
    """
    q = 1 - p
    k = np.arange(0, 200_000)
    pd = np.where(k == 0, p / (2 - p), 2 * p * q**k / (2 - p))
    kept = k <= tau
    theta = pd[kept].sum()
    duration = 1 / (p * (2 - p)) + tau * (1 - theta) + (k * pd)[kept].sum() if math.isfinite(tau) else None
    if duration is None:
        duration = 1 / (p * (2 - p)) + (k * pd).sum()
    mean_t = duration / (a * theta)
    mean_w = w0**2 * (pd * r**k)[kept].sum() / theta
    return mean_t, mean_w


@pytest.mark.parametrize(
    "p, a, tau, t_coh", [(0.1, 1.0, 5, 20.0), (0.3, 0.5, 2, 4.0), (0.05, 0.8, 30, math.inf), (0.2, 1.0, math.inf, 10.0)]
)
@pytest.mark.parametrize("scheme", ["nested", "swap-asap"])
def test_two_segments_with_cutoff_and_decoherence(p, a, tau, t_coh, scheme):
    cut = None if math.isinf(tau) else tau
    res = simulate(
        ProtocolSpec(2, p, p_swap=a, scheme=scheme, link_werner=0.9, coherence_time=t_coh, cutoff=cut),
        samples=N,
        seed=5,
    )
    mean_t, mean_w = _two_segment_cutoff(p, a, tau, math.exp(-1 / t_coh), 0.9)
    _within(res, mean_t, werner=mean_w)


@pytest.mark.parametrize(
    "n, scheme",
    [(n, s) for n in (3, 4, 8) for s in ("nested", "swap-asap", "parallel") if not (s == "nested" and n == 3)],
)  # nested needs a power of two
def test_deterministic_swaps_wait_for_the_last_link(n, scheme):
    # p_swap = 1, no cutoff: every scheme delivers when the last of n links exists, E[T] = Z_n(p)
    # (Bernardes, Praxmeyer, van Loock, PRA 83, 012323 (2011)); the pmf is that of a max of n geometrics.
    p = 0.2
    res = simulate(ProtocolSpec(n, p, scheme=scheme), samples=N, seed=6)
    _within(res, float(expected_attempts(n, p)))
    t = np.arange(res.t_trunc + 1)
    cdf = np.where(t >= 1, (1 - (1 - p) ** t) ** n, 0.0)
    pmf = np.diff(cdf, prepend=0.0)
    se = np.sqrt(pmf * (1 - pmf) / N) + 1 / N
    assert np.all(np.abs(res.pmf - pmf) <= 6 * se)


def test_parallel_werner_parameter_matches_independent_sum():
    # parallel scheme, p_swap = 1: w = w0^n prod_i r^(T - t_i). With F_t = E[r^(t - G) 1{G <= t}],
    # E[w] = w0^n sum_t (F_t^n - r^n F_{t-1}^n) (all links by t, minus all links by t - 1, decayed to t).
    n, p, w0, t_coh = 4, 0.15, 0.97, 30.0
    r = math.exp(-1 / t_coh)
    res = simulate(ProtocolSpec(n, p, scheme="parallel", link_werner=w0, coherence_time=t_coh), samples=N, seed=7)
    f, total = 0.0, 0.0
    for t in range(1, 3000):
        prev = f
        f = r * f + p * (1 - p) ** (t - 1)
        total += f**n - r**n * prev**n
    _within(res, float(expected_attempts(n, p)), werner=w0**n * total)


def test_werner_parameter_never_exceeds_perfect_memory_value():
    spec = ProtocolSpec(4, 0.3, p_swap=0.7, link_werner=0.95, coherence_time=15.0, cutoff=(4, 9))
    res = simulate(spec, samples=20_000, seed=8)
    assert res.mean_werner <= 0.95**4 + 1e-9
    assert np.nanmax(res.werner) <= 0.95**4 + 1e-9


def test_pmf_sums_to_one_minus_truncated_mass_and_means_include_the_tail():
    spec = ProtocolSpec(4, 0.2, p_swap=0.5)
    full = simulate(spec, samples=20_000, seed=9)
    cut = simulate(spec, samples=20_000, seed=9, t_trunc=20)
    assert cut.truncated_mass > 0.1
    assert math.isclose(cut.pmf.sum() + cut.truncated_mass, 1.0, abs_tol=1e-12)
    assert cut.pmf[0] == 0.0 and full.pmf[0] == 0.0
    assert cut.mean_time == full.mean_time and cut.mean_werner == full.mean_werner
    np.testing.assert_array_equal(cut.pmf, full.pmf[:21])


def test_result_does_not_depend_on_chunking_and_records_provenance():
    spec = ProtocolSpec(8, 0.1, p_swap=0.5, link_werner=0.98, coherence_time=400.0, cutoff=(16, 31, 55))
    a = simulate(spec, samples=5_000, seed=10, t_trunc=3000)
    b = simulate(spec, samples=5_000, seed=10, t_trunc=3000, chunk=777)
    np.testing.assert_array_equal(a.pmf, b.pmf)
    np.testing.assert_array_equal(a.werner, b.werner)
    assert (a.mean_time, a.mean_werner, a.mean_time_stderr) == (b.mean_time, b.mean_werner, b.mean_time_stderr)
    assert (a.method, a.samples, a.seed, a.stream_version) == ("monte-carlo", 5_000, 10, PROTOCOL_STREAM_VERSION)
    d = a.to_dict(arrays=False)
    assert d["samples"] == 5_000 and d["stream_version"] == PROTOCOL_STREAM_VERSION


def test_progress_callback_sees_every_chunk():
    seen = []
    simulate(ProtocolSpec(2, 0.5), samples=1000, seed=1, chunk=300, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(samples=0, seed=1), "samples must be >= 1, got 0"),
        (dict(samples=10, seed=-1), "seed must be >= 0, got -1"),
        (dict(samples=10, seed=1, t_trunc=0), "t_trunc must be >= 1, got 0"),
        (dict(samples=10, seed=1, chunk=0), "chunk must be >= 1, got 0"),
    ],
)
def test_bad_input_names_the_parameter(kwargs, match):
    with pytest.raises(PQMSValueError, match=match):
        simulate(ProtocolSpec(2, 0.5), **kwargs)


def test_spec_must_be_a_protocol_spec():
    with pytest.raises(PQMSValueError, match="spec must be a ProtocolSpec"):
        simulate({"segments": 2}, samples=10, seed=1)


EXACT_GRID = [  # (segments, p_link, p_swap, cutoff, T_coh, scheme): exact engine vs Monte Carlo
    pytest.param(2, 0.3, 0.6, 3, 10.0, "nested", id="n2-cut3"),
    pytest.param(2, 0.05, 0.3, 0, 100.0, "nested", id="n2-cut0"),
    pytest.param(4, 0.2, 0.5, (2, 8), 25.0, "nested", id="n4-cuts"),
    pytest.param(4, 0.5, 0.9, None, 5.0, "nested", id="n4-nocut"),
    pytest.param(8, 0.1, 0.5, (16, 31, 55), 400.0, "nested", id="n8-lce"),
    pytest.param(8, 0.4, 1.0, 1, math.inf, "nested", id="n8-cut1"),
    pytest.param(16, 0.6, 0.8, (1, 3, 6, 10), 50.0, "nested", id="n16"),
    pytest.param(3, 0.3, 0.7, None, 20.0, "swap-asap", id="asap3"),
    pytest.param(4, 0.3, 0.7, None, 20.0, "swap-asap", id="asap4"),
    pytest.param(5, 0.2, 0.5, None, 8.0, "swap-asap", id="asap5"),
    pytest.param(3, 0.3, 0.7, None, 20.0, "parallel", id="par3"),
    pytest.param(6, 0.3, 0.7, None, 20.0, "parallel", id="par6"),
]


@pytest.mark.parametrize("segments, p, a, cutoff, t_coh, scheme", EXACT_GRID)
def test_monte_carlo_agrees_with_exact_engine(segments, p, a, cutoff, t_coh, scheme):
    from pqms_physics.network.protocols.exact import exact_protocol

    spec = ProtocolSpec(segments, p, p_swap=a, scheme=scheme, link_werner=0.97, coherence_time=t_coh, cutoff=cutoff)
    exact = exact_protocol(spec)
    res = simulate(spec, samples=N, seed=12)
    _within(res, exact.mean_time, werner=exact.mean_werner)
    n = min(exact.t_trunc, res.t_trunc) + 1
    se = np.sqrt(exact.pmf[:n] * (1 - exact.pmf[:n]) / N) + 1 / N
    assert np.all(np.abs(res.pmf[:n] - exact.pmf[:n]) <= 6 * se)
    assert res.mean_werner <= 0.97**segments + 1e-9


@pytest.mark.parametrize("werner_cutoff", [0.85, 0.9])
def test_fidelity_cutoff_agrees_with_exact_engine(werner_cutoff):
    from pqms_physics.network.protocols.exact import exact_protocol

    spec = ProtocolSpec(2, 0.2, p_swap=0.8, link_werner=0.97, coherence_time=30.0, werner_cutoff=werner_cutoff)
    res = simulate(spec, samples=N, seed=13)
    exact = exact_protocol(spec)
    _within(res, exact.mean_time, werner=exact.mean_werner)
    assert np.nanmin(res.werner) >= werner_cutoff


def test_a_single_run_has_no_standard_error():
    res = simulate(ProtocolSpec(2, 1.0), samples=1, seed=1)
    assert res.mean_time == 1.0 and math.isnan(res.mean_time_stderr) and math.isnan(res.mean_werner_stderr)


def test_a_huge_level1_cutoff_is_no_cutoff():
    # optimize_cutoffs writes "no cutoff at this level" as 2**62 rounds: same law as no cutoff (5 sigma)
    spec = ProtocolSpec(4, 0.3, p_swap=0.8, cutoff=(2**62, 5))
    res = simulate(spec, samples=20_000, seed=3)
    from pqms_physics.network.protocols.exact import exact_protocol

    _within(res, exact_protocol(spec).mean_time)
