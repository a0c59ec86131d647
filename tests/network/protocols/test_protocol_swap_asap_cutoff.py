"""Exact swap-asap chain with a memory cutoff: against the chain without cutoff, the two-segment closed form,
the nested engine, a history enumeration written from the Monte Carlo semantics, and the Monte Carlo engine.

Semantics (those of pqms_physics.kernels.protocol_reference, the Monte Carlo twin): a link, elementary or made
by a swap (age 0 at the swap), not swapped within ``tau`` rounds of its creation is discarded at the end of
round ``creation + tau`` and its segments regenerate from the next round.
"""

import math
from itertools import product

import numpy as np
import pytest

# The two-segment closed form of Inesta, Vardoyan, Scavuzzo, Wehner (npj QI 9, 46 (2023)) already lives next to
# the nested engine's tests (derived there by a renewal argument); reused, not retyped.
from protocol_oracle import two_segment_cutoff_closed_form

from pqms_physics.errors import PQMSValueError
from pqms_physics.network.protocols.api import repeater_protocol
from pqms_physics.network.protocols.swap_asap import MAX_CHAIN_SIZE, chain_size


def _asap(n, p, **kw):
    return repeater_protocol(n, p, scheme="swap-asap", **kw)


def _joint(res):
    """``E[w 1{T = t}]`` from a result (``werner`` is nan where the pmf is unresolved)."""
    return np.where(res.pmf > 0, res.pmf * np.nan_to_num(res.werner), 0.0)


@pytest.mark.parametrize("n, p, a, tc", [(3, 0.5, 0.7, 12.0), (4, 0.6, 0.9, 15.0)])
def test_cutoff_beyond_t_trunc_equals_the_chain_without_cutoff(n, p, a, tc):
    # No link can be discarded before round tau + 1, so with tau >= the no-cutoff run's t_trunc (all but 1e-13
    # of the mass delivered by then) the two chains, built on different state spaces (with and without ages),
    # agree on every kept round to roundoff.
    kw = dict(p_swap=a, link_werner=0.95, coherence_time=tc)
    free = _asap(n, p, **kw)
    tau = free.t_trunc
    assert chain_size(n, tau) > chain_size(n, None)  # the aged chain is really built (auto t_trunc: no shortcut)
    cut = _asap(n, p, cutoff=tau, **kw)
    m = min(free.pmf.size, cut.pmf.size)
    np.testing.assert_allclose(cut.pmf[:m], free.pmf[:m], rtol=0, atol=1e-12)
    np.testing.assert_allclose(_joint(cut)[:m], _joint(free)[:m], rtol=0, atol=1e-12)
    assert cut.mean_time == pytest.approx(free.mean_time, abs=1e-12 * free.mean_time)
    assert cut.mean_werner == pytest.approx(free.mean_werner, abs=1e-12)
    # An explicit t_trunc <= tau: the same arrays to the last bit.
    capped = _asap(n, p, cutoff=tau, t_trunc=tau, **kw)
    np.testing.assert_allclose(capped.pmf, free.pmf[: tau + 1], rtol=0, atol=1e-12)


@pytest.mark.parametrize("p", [0.5, 0.2, 0.05])
def test_two_segments_cutoff_zero_is_one_over_p_squared(p):
    # Issue 12: cutoff 0, p_swap 1: a round delivers iff both links appear in it, E[T] = 1/p^2.
    assert _asap(2, p, cutoff=0).mean_time == pytest.approx(1 / p**2, rel=1e-10)


@pytest.mark.parametrize("p", [0.9, 0.5, 0.1])
@pytest.mark.parametrize("a", [1.0, 0.5])
@pytest.mark.parametrize("tau", [0, 1, 2, 5, 40])
def test_two_segments_match_the_inesta_closed_form(p, a, tau):
    # E[T] = (1 + x) / (a p (p + x)), x = 2 q (1 - q^tau) (Inesta et al. 2023, two segments; see the import).
    assert _asap(2, p, p_swap=a, cutoff=tau).mean_time == pytest.approx(
        two_segment_cutoff_closed_form(p, a, tau), rel=1e-10
    )


@pytest.mark.parametrize("p, a, tau, tc", [(0.3, 0.6, 0, 7.0), (0.3, 0.6, 3, 7.0), (0.1, 0.8, 12, 30.0)])
def test_two_segment_swap_asap_equals_nested_with_the_same_cutoff(p, a, tau, tc):
    # Two segments: swap-asap discards the early link at t1 + tau and regenerates its segment; nested restarts
    # both at min + tau, which has the same law (the other segment is memoryless). Same pmf and E[w 1{T = t}].
    kw = dict(p_swap=a, link_werner=0.9, coherence_time=tc, cutoff=tau)
    asap, nested = _asap(2, p, **kw), repeater_protocol(2, p, **kw)
    m = min(asap.pmf.size, nested.pmf.size)
    np.testing.assert_allclose(asap.pmf[:m], nested.pmf[:m], rtol=0, atol=1e-14)
    np.testing.assert_allclose(_joint(asap)[:m], _joint(nested)[:m], rtol=0, atol=1e-14)
    assert asap.mean_werner == pytest.approx(nested.mean_werner, rel=1e-12)


def _enumerate_histories(n, p, a, w0, r, tau, t_max):
    """Every history up to ``t_max`` rounds, written from the Monte Carlo twin's event loop.

    A link is (start, end, w at creation, creation round). Round t: uncovered segments succeed with p; each run
    of adjacent links merges (success a^(links - 1)) into (start, end, prod w_i r^(t - c_i), t), a failure
    empties it; a link spanning the chain is delivered; then links with t - c == tau are discarded.
    """
    pmf, wsum = np.zeros(t_max + 1), np.zeros(t_max + 1)
    states = {(): 1.0}
    for t in range(1, t_max + 1):
        nxt = {}
        for links, prob in states.items():
            covered = {i for s, e, _, _ in links for i in range(s, e)}
            free = [i for i in range(n) if i not in covered]
            for pick in product((0, 1), repeat=len(free)):
                pg = prob * math.prod(p if b else 1 - p for b in pick)
                cur = sorted(list(links) + [(i, i + 1, w0, t) for i, b in zip(free, pick, strict=True) if b])
                runs, i = [], 0
                while i < len(cur):
                    j = i
                    while j + 1 < len(cur) and cur[j + 1][0] == cur[j][1]:
                        j += 1
                    runs.append(cur[i : j + 1])
                    i = j + 1
                options = [(pg, ())]
                for run in runs:
                    if len(run) == 1:
                        options = [(q, o + (run[0],)) for q, o in options]
                        continue
                    ok = a ** (len(run) - 1)
                    joined = (run[0][0], run[-1][1], math.prod(w * r ** (t - c) for _, _, w, c in run), t)
                    options = [(q * ok, o + (joined,)) for q, o in options] + [(q * (1 - ok), o) for q, o in options]
                for q, kept in options:
                    if len(kept) == 1 and kept[0][:2] == (0, n):
                        pmf[t] += q
                        wsum[t] += q * kept[0][2]
                        continue
                    kept = tuple(x for x in kept if t - x[3] != tau)  # discard at the end of the round
                    nxt[kept] = nxt.get(kept, 0.0) + q
        states = nxt
    return pmf, wsum


@pytest.mark.parametrize("n, p, a, tau", [(3, 0.5, 0.7, 0), (3, 0.4, 0.8, 1), (3, 0.5, 0.6, 2), (4, 0.6, 0.8, 2)])
def test_chain_equals_history_enumeration(n, p, a, tau):
    # Independent of the chain's encoding (bitmask, ages, subsets): every history, each link's w carried.
    w0, tc, t_max = 0.95, 6.0, 6
    pmf, wsum = _enumerate_histories(n, p, a, w0, math.exp(-1 / tc), tau, t_max)
    res = _asap(n, p, p_swap=a, link_werner=w0, coherence_time=tc, cutoff=tau)
    np.testing.assert_allclose(res.pmf[: t_max + 1], pmf, rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(_joint(res)[: t_max + 1], wsum, rtol=1e-11, atol=1e-16)


@pytest.mark.parametrize(
    "n, p, a, tau, tc",
    [
        (3, 0.4, 0.7, 0, 10.0),
        (3, 0.3, 0.8, 2, 10.0),
        (3, 0.25, 0.7, 5, 30.0),
        (4, 0.6, 0.8, 0, 5.0),
        (4, 0.5, 0.9, 2, 20.0),
        (4, 0.5, 0.6, 5, 8.0),
    ],
)
def test_exact_matches_monte_carlo_within_five_sigma(n, p, a, tau, tc):
    # The Monte Carlo engine implements the cutoff event by event (kernels/protocol_reference.py); 2e5 runs,
    # fixed seed, both means within 5 standard errors of the exact chain.
    kw = dict(p_swap=a, link_werner=0.97, coherence_time=tc, cutoff=tau)
    exact = _asap(n, p, **kw)
    mc = _asap(n, p, method="monte-carlo", samples=200_000, seed=2023, **kw)
    assert abs(mc.mean_time - exact.mean_time) < 5 * mc.mean_time_stderr
    assert abs(mc.mean_werner - exact.mean_werner) < 5 * mc.mean_werner_stderr


@pytest.mark.parametrize("n, p, a", [(3, 0.5, 0.7), (4, 0.6, 0.8)])
def test_cutoff_zero_needs_every_link_and_swap_in_one_round(n, p, a):
    # tau = 0: nothing survives a round, so a round delivers iff all n links appear and all n - 1 swaps succeed:
    # T ~ Geometric(p^n a^(n - 1)), and no link is ever stored: w = w0^n exactly.
    res = _asap(n, p, p_swap=a, link_werner=0.9, coherence_time=3.0, cutoff=0)
    assert res.mean_time == pytest.approx(1 / (p**n * a ** (n - 1)), rel=1e-10)
    assert res.mean_werner == pytest.approx(0.9**n, rel=1e-12)


@pytest.mark.parametrize("n, p, a, tau, tc", [(3, 0.3, 0.6, 4, 9.0), (4, 0.2, 0.9, 7, 25.0), (5, 0.5, 0.7, 3, 6.0)])
def test_pmf_normalised_and_werner_below_w0_to_the_segments(n, p, a, tau, tc):
    w0 = 0.96
    res = _asap(n, p, p_swap=a, link_werner=w0, coherence_time=tc, cutoff=tau)
    assert res.pmf[0] == 0.0 and (res.pmf >= 0).all()
    assert math.fsum(res.pmf) == pytest.approx(1 - res.truncated_mass, abs=1e-14)
    assert res.truncated_mass < 1e-12
    assert res.mean_werner <= w0**n * (1 + 1e-12)  # storage only lowers w; w0^n with no storage at all
    assert (_joint(res) <= w0**n * res.pmf + 1e-15).all()


@pytest.mark.parametrize("n, p", [(3, 0.3), (4, 0.5)])
def test_cutoff_never_helps_waiting_time_without_decoherence(n, p):
    # Discarding links only delays delivery, and a larger cutoff discards fewer.
    means = [_asap(n, p, p_swap=0.8, cutoff=tau).mean_time for tau in (0, 1, 3, 8)]
    means.append(_asap(n, p, p_swap=0.8).mean_time)
    assert all(x >= y * (1 - 1e-12) for x, y in zip(means, means[1:], strict=False))


def test_too_large_a_chain_raises_naming_the_cutoff_and_the_fallback():
    assert chain_size(8, 20) > MAX_CHAIN_SIZE
    with pytest.raises(PQMSValueError, match=r"cutoff=20 with segments=8.*method='monte-carlo'"):
        _asap(8, 0.5, cutoff=20)


def test_fidelity_cutoff_is_still_monte_carlo_only():
    with pytest.raises(PQMSValueError, match=r"werner_cutoff.*method='monte-carlo'"):
        _asap(3, 0.5, cutoff=3, link_werner=0.9, werner_cutoff=0.5)


def test_two_segment_fidelity_cutoff_is_exact_and_matches_the_swap_asap_monte_carlo():
    # Two segments have one swap, so swap-asap and nested coincide and the exact engine takes the fidelity
    # cutoff; the swap-asap Monte Carlo kernel (its own code path) must agree within 5 sigma.
    kw = dict(p_swap=0.8, link_werner=0.97, coherence_time=15.0, cutoff=6, werner_cutoff=0.85, scheme="swap-asap")
    exact = repeater_protocol(2, 0.2, **kw)
    mc = repeater_protocol(2, 0.2, method="monte-carlo", samples=200_000, seed=5, **kw)
    assert abs(exact.mean_time - mc.mean_time) < 5 * mc.mean_time_stderr
    assert abs(exact.mean_werner - mc.mean_werner) < 5 * mc.mean_werner_stderr
    assert exact.mean_werner >= 0.85  # every delivered pair passed the cutoff
