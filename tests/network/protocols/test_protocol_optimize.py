"""Cutoff optimisation: the optimum of a closed-form objective, brute force over the grid, the same result on a
dask cluster, and input validation."""

import itertools
import json
import math

import numpy as np
import pytest

from pqms_physics.errors import PQMSValueError
from pqms_physics.network.protocols.optimize import CutoffOptimum, default_candidates, optimize_cutoffs
from pqms_physics.network.protocols.spec import ProtocolSpec


def _two_segment_rate(p, a, tau, t_coh, w0):
    """BB84 bits per round of 2 segments with cutoff tau, from the renewal argument (independent of the engines):
    one attempt lasts m + min(d, tau) rounds with m = min(G1, G2) ~ Geom(p(2 - p)), d = |G1 - G2| (independent
    of m; P(d = 0) = p/(2 - p), P(d = k) = 2 p q^k/(2 - p)); it succeeds iff d <= tau and the swap succeeds;
    E[T] = E[duration]/P(success) (Wald) and E[w] = w0^2 E[exp(-d/T_coh) | d <= tau]."""
    q = 1 - p
    k = np.arange(0, 100_000)
    pd = np.where(k == 0, p / (2 - p), 2 * p * q**k / (2 - p))
    kept = k <= tau
    theta = pd[kept].sum()
    duration = 1 / (p * (2 - p)) + (np.minimum(k, tau) * pd).sum()
    mean_t = duration / (a * theta)
    w = w0**2 * (pd * np.exp(-k / t_coh))[kept].sum() / theta
    e = (1 - w) / 2
    h = -e * math.log2(e) - (1 - e) * math.log2(1 - e) if 0 < e < 1 else 0.0
    return max(0.0, 1 - 2 * h) / mean_t


def test_two_segment_optimum_is_the_argmax_of_the_closed_form():
    p, a, t_coh, w0 = 0.1, 0.8, 20.0, 0.99
    cands = [0, 1, 2, 3, 4, 5, 6, 8, 10, 15, 25, 50]
    opt = optimize_cutoffs(2, p, p_swap=a, link_werner=w0, coherence_time=t_coh, candidates=cands)
    rates = {c: _two_segment_rate(p, a, c, t_coh, w0) for c in cands}
    rates[None] = _two_segment_rate(p, a, math.inf, t_coh, w0)
    best = max(rates, key=lambda c: rates[c])
    assert opt.cutoffs == (best,)
    assert opt.secret_key_rate == pytest.approx(rates[best], rel=1e-7)
    assert opt.no_cutoff_rate == pytest.approx(rates[None], rel=1e-7, abs=1e-15)
    assert opt.secret_key_rate > opt.no_cutoff_rate  # a cutoff pays when memories decohere


def test_four_segment_coordinate_search_finds_the_grid_optimum():
    from pqms_physics.network.protocols.exact import exact_protocol

    kw = dict(p_swap=0.7, link_werner=0.995, coherence_time=60.0)
    cands = [[2, 5, 10, 20], [5, 15, 40]]
    opt = optimize_cutoffs(4, 0.3, candidates=cands, **kw)
    rates = {}
    for c1, c2 in itertools.product([None, *cands[0]], [None, *cands[1]]):
        cut = None if c1 is None and c2 is None else (c1 if c1 is not None else 2**62, c2 if c2 is not None else 2**62)
        rates[(c1, c2)] = exact_protocol(ProtocolSpec(4, 0.3, cutoff=cut, **kw)).secret_key_rate()
    best = max(rates, key=lambda c: rates[c])
    assert rates[opt.cutoffs] == pytest.approx(rates[best], rel=1e-9)
    assert opt.secret_key_rate == pytest.approx(rates[best], rel=1e-9)
    assert opt.spec.cutoff_for_level(1) == opt.cutoffs[0]


def test_dask_cluster_gives_the_same_optimum_as_the_local_loop():
    import distributed

    kw = dict(p_swap=0.7, link_werner=0.995, coherence_time=60.0, candidates=[2, 5, 10, 20, 40])
    local = optimize_cutoffs(4, 0.3, **kw)
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = optimize_cutoffs(4, 0.3, scheduler=client, **kw)
    # the same search: the same optimum and evaluations; the rates agree to the last bits (a worker thread's
    # BLAS may sum in another order, so exact float equality is not part of the promise)
    assert (remote.cutoffs, remote.evaluations, remote.sweeps) == (local.cutoffs, local.evaluations, local.sweeps)
    for name in ("secret_key_rate", "no_cutoff_rate", "mean_time", "mean_werner"):
        assert getattr(remote, name) == pytest.approx(getattr(local, name), rel=1e-12, abs=1e-300), name


def test_monte_carlo_method_is_seeded_and_agrees_with_exact_on_two_segments():
    kw = dict(p_swap=0.8, link_werner=0.99, coherence_time=20.0, candidates=[1, 3, 5, 8, 15])
    a = optimize_cutoffs(2, 0.1, method="monte-carlo", seed=4, samples=20_000, **kw)
    b = optimize_cutoffs(2, 0.1, method="monte-carlo", seed=4, samples=20_000, **kw)
    exact = optimize_cutoffs(2, 0.1, **kw)
    assert a == b and a.seed == 4 and a.method == "monte-carlo"
    assert a.secret_key_rate != exact.secret_key_rate  # a Monte Carlo estimate, not the exact value
    # the rate near the optimum is flat; the Monte Carlo optimum is within 10 % of the exact best rate
    assert _two_segment_rate(0.1, 0.8, a.cutoffs[0], 20.0, 0.99) >= 0.9 * exact.secret_key_rate


def test_result_serialises_and_progress_counts_evaluations():
    seen = []
    opt = optimize_cutoffs(
        2, 0.5, link_werner=0.99, coherence_time=5.0, candidates=[0, 1, 3], progress=lambda d, t: seen.append(d)
    )
    assert isinstance(opt, CutoffOptimum)
    assert seen[-1] == opt.evaluations == 4  # None, 0, 1, 3
    d = json.loads(json.dumps(opt.to_dict()))
    assert d["cutoffs"] == list(opt.cutoffs) and d["method"] == "exact"
    with pytest.raises(AttributeError):
        opt.cutoffs = (1,)


def test_default_candidates_span_the_coherence_time():
    c = default_candidates(ProtocolSpec(4, 0.1, coherence_time=100.0))
    assert c[:2] == [None, 0] and c[-1] == 300  # 3 T_coh
    assert all(x < y for x, y in zip(c[1:], c[2:], strict=False))
    assert default_candidates(ProtocolSpec(4, 0.1))[-1] == 100  # 10 / p without decoherence


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(segments=1, p_link=0.5), "segments must be >= 2"),
        (dict(segments=6, p_link=0.5), "segments must be a power of two"),
        (dict(segments=2, p_link=0.0), r"p_link must be in \(0, 1\], got 0.0"),
        (dict(segments=2, p_link=0.5, protocol="e91"), "protocol must be one of"),
        (dict(segments=2, p_link=0.5, method="grid"), "method must be one of"),
        (dict(segments=2, p_link=0.5, method="monte-carlo"), "seed must be an integer"),
        (dict(segments=2, p_link=0.5, candidates=[-1]), r"candidates\[0\] must be >= 0, got -1"),
        (dict(segments=4, p_link=0.5, candidates=[[1], [2], [3]]), "one list per nesting level"),
    ],
)
def test_bad_input_names_the_parameter(kwargs, match):
    with pytest.raises(PQMSValueError, match=match):
        optimize_cutoffs(**kwargs)
