"""The protocol-in-time studies of the report: their data obey the laws of the model they plot.

The engines themselves are tested in tests/network/protocols/; here the figure's data is checked against
independent statements (normalisation, moments recomputed from the CSV columns, exact vs Monte Carlo within their
error bar, monotone laws of the cutoff model) so that a wiring mistake in the study cannot pass.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from pqms_physics.report.studies_protocols import (
    CUTOFF_COHERENCE_ROUNDS,
    WAITING_RUNS,
    study_cutoff_tradeoff,
    study_waiting_time,
)

SEED = 97531  # fixed before looking at any result


@pytest.fixture(scope="module")
def waiting():
    return study_waiting_time(quick=True, seed=SEED)


@pytest.fixture(scope="module")
def cutoff():
    return study_cutoff_tradeoff(quick=True)


def test_waiting_time_columns_are_a_distribution_and_its_cumulative(waiting):
    pmf = np.array(waiting.column("pmf_exact"))
    cdf = np.array(waiting.column("cdf_exact"))
    np.testing.assert_allclose(np.cumsum(pmf), cdf, atol=1e-12)
    assert pmf[0] == 0.0  # a pair needs at least one round
    assert 0.999 <= cdf[-1] <= 1.0  # the figure stops at the 0.999 quantile


def test_the_plotted_monte_carlo_histogram_agrees_with_the_exact_pmf(waiting):
    pmf = np.array(waiting.column("pmf_exact"))
    mc = np.array(waiting.column("pmf_monte_carlo"))
    runs = WAITING_RUNS[1]
    # per-bin binomial standard error; 6 sigma over ~100 bins keeps the false-alarm rate negligible
    sigma = np.sqrt(np.maximum(pmf * (1 - pmf), 1e-12) / runs)
    assert np.all(np.abs(mc - pmf) <= 6 * sigma + 1e-9)
    s = waiting.summary
    assert abs(s["z_mean_time"]) < 5
    assert s["mean_time_mc_rounds"] == pytest.approx(s["mean_time_exact_rounds"], abs=5 * s["mean_time_mc_stderr"])


def test_mean_time_recomputed_from_the_csv_matches_the_summary(waiting):
    t = np.array(waiting.column("t_rounds"), dtype=float)
    pmf = np.array(waiting.column("pmf_exact"))
    # the CSV stops at the 0.999 quantile: the mean of the shown part is within the tail's share of E[T]
    shown = float(np.sum(t * pmf))
    assert (
        shown <= waiting.summary["mean_time_exact_rounds"] <= shown + 0.05 * waiting.summary["mean_time_exact_rounds"]
    )


def test_delivered_fidelity_is_below_the_product_of_fresh_links(waiting):
    w0 = waiting.parameters["link_werner"]
    n = waiting.parameters["segments"]
    assert waiting.summary["mean_fidelity_exact"] <= (1 + 3 * w0**n) / 4 + 1e-12


def test_a_longer_cutoff_never_raises_the_mean_fidelity(cutoff):
    for t_coh in CUTOFF_COHERENCE_ROUNDS:
        fid = [r[3] for r in cutoff.rows if r[0] == t_coh]
        assert np.all(np.diff(fid) <= 1e-12), t_coh


def test_a_longer_cutoff_never_lengthens_the_mean_waiting_time(cutoff):
    for t_coh in CUTOFF_COHERENCE_ROUNDS:
        times = [r[2] for r in cutoff.rows if r[0] == t_coh]
        assert np.all(np.diff(times) <= 1e-9 * max(times)), t_coh


def test_better_memories_favour_longer_cutoffs_and_more_key(cutoff):
    best = [cutoff.summary["best_cutoff_rounds"][f"T_coh = {t:g} rounds"] for t in CUTOFF_COHERENCE_ROUNDS]
    assert best == sorted(best)
    peak = [max(r[4] for r in cutoff.rows if r[0] == t) for t in CUTOFF_COHERENCE_ROUNDS]
    assert peak == sorted(peak) and peak[0] < peak[-1]


def test_key_rate_column_is_the_bb84_formula_of_the_fidelity_column(cutoff):
    for _, _, mean_t, fid, skr in cutoff.rows:
        e = (1 - (4 * fid - 1) / 3) / 2  # QBER of a Werner pair with this fidelity
        h = 0.0 if e <= 0 else -e * math.log2(e) - (1 - e) * math.log2(1 - e)
        assert skr == pytest.approx(max(0.0, 1 - 2 * h) / mean_t, rel=1e-9, abs=1e-15)


@pytest.fixture(scope="module")
def rates():
    from pqms_physics.report.studies_protocols import study_protocol_rates

    return study_protocol_rates(quick=True)


def test_rate_rows_convert_rounds_to_seconds_with_the_heralding_time(rates):
    segments, c_km_per_s = rates.parameters["segments"], 2.0e5  # fibre: group index ~1.5
    for _, length, t_round, _, mean_t, _, ebits, _, _ in rates.rows:
        assert t_round == pytest.approx(length / segments / c_km_per_s, rel=1e-12)  # L0 / c, no local time
        assert ebits == pytest.approx(1.0 / (mean_t * t_round), rel=1e-12)


def test_plob_line_is_the_repeaterless_bound_at_the_same_repetition_rate(rates):
    rep = rates.parameters["repetition_rate_hz"]
    for row in rates.rows:
        eta = 10 ** (-0.2 * row[1] / 10)  # the whole distance of fibre, no repeater
        assert row[8] == pytest.approx(-math.log1p(-eta) / math.log(2) * rep, rel=1e-9)  # log1p: eta ~ 1e-40


def test_without_a_cutoff_the_memory_changes_the_key_rate_but_not_the_pair_rate(rates):
    by_memory: dict[float, list] = {}
    for row in rates.rows:
        by_memory.setdefault(row[0], []).append(row)
    memories = sorted(by_memory)
    for k in range(len(by_memory[memories[0]])):
        pair_rates = [by_memory[m][k][6] for m in memories]
        keys = [by_memory[m][k][7] for m in memories]
        fids = [by_memory[m][k][5] for m in memories]
        assert max(pair_rates) == pytest.approx(min(pair_rates), rel=1e-12)
        assert keys == sorted(keys) and fids == sorted(fids)  # better memories never hurt
