"""Seed-claims audit: one entry per claim, numbers re-derived independently, claimed values never used as inputs."""

import json
import math
import sys

import pytest

from pqms_physics.audit.claims import VERDICTS
from pqms_physics.audit.runner import DEFAULT_CLAIMS, load_claims, run_audit

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@pytest.fixture(scope="module")
def report():
    return run_audit(quick=True, seed=7, progress=False)


@pytest.fixture(scope="module")
def by_id(report):
    return {e.claim_id: e for e in report.entries}


def test_every_claim_of_the_claims_file_gets_exactly_one_entry_with_a_known_verdict(report):
    ids = [c["id"] for c in tomllib.loads(DEFAULT_CLAIMS.read_text())["claims"]]
    assert [e.claim_id for e in report.entries] == ids
    # the 13 rows of shared/seed_claims.md + 4 swarm rows (audit/claims/network.py)
    # + 2 purification rows (audit/claims/purification.py, issue 13)
    assert len(ids) == 19
    for e in report.entries:
        assert e.verdict in VERDICTS
        assert e.notes and e.function and e.reading


def test_report_serialises_to_json_and_markdown(report):
    data = json.loads(report.to_json())
    assert len(data["entries"]) == len(report.entries)
    assert data["seed"] == 7 and data["quick"] is True
    md = report.to_markdown()
    for e in report.entries:
        assert f"## {e.claim_id}: {e.verdict}" in md


def test_snippet_fidelity_is_the_dephasing_closed_form_and_its_metric_ignores_noise(by_id):
    e = by_id["hops10"]
    # 10 x 0.1 s of L = sqrt(0.05) sigma_z on one half: coherence exp(-2 * 0.05 * 1)
    assert e.computed == pytest.approx((1 + math.exp(-0.1)) / 2, abs=1e-12)
    assert e.details["fidelity_mesolve"] == pytest.approx(e.computed, abs=1e-8)
    assert e.details["snippet_metric"] == pytest.approx(1.0, abs=1e-9)
    assert e.details["snippet_metric_1000x_noise"] == pytest.approx(1.0, abs=1e-9)
    assert e.verdict == "inconsistent"


def test_snippet_as_written_is_reported_to_fail_on_qutip5_dimensions(by_id):
    import qutip as qt

    if int(qt.__version__.split(".")[0]) >= 5:
        assert by_id["hops10"].details["snippet_as_written"].startswith("fails")


def test_werner_chain_claim_matches_the_closed_form(by_id):
    e = by_id["hops10_per_hop"]
    w = (4 * 0.999 - 1) / 3
    assert e.computed == pytest.approx(0.25 + 0.75 * w**10, abs=1e-12)
    w_need = ((4 * 0.999 - 1) / 3) ** 0.1
    assert e.details["link_fidelity_needed"] == pytest.approx((3 * w_need + 1) / 4, abs=1e-12)
    assert e.verdict == "inconsistent"


def test_per_pair_fidelity_does_not_depend_on_pool_size(by_id):
    values = list(by_id["pool_scaling"].details["per_pair_fidelity"].values())
    assert max(values) - min(values) < 1e-12
    assert values[0] == pytest.approx((1 + math.exp(-0.1)) / 2, abs=1e-12)


def test_storage_requirement_inverts_the_two_sided_dephasing_fidelity(by_id):
    gamma = by_id["storage"].computed
    assert (1 + math.exp(-4 * gamma * 3600.0)) / 2 == pytest.approx(0.999, abs=1e-12)


def test_storage_coherence_time_keeps_a_decaying_werner_pair_at_the_target_fidelity(by_id):
    # protocol memory model: w(t) = exp(-t / T_coh) for a perfect pair; F = (1 + 3 w) / 4
    t_coh = by_id["storage"].details["coherence_time_min_s"]
    assert (1 + 3 * math.exp(-3600.0 / t_coh)) / 4 == pytest.approx(0.999, abs=1e-12)


def test_fixed_threshold_pass_probability_is_about_one_percent(by_id):
    e = by_id["nct_threshold"]
    # normal approximation: erf(k / sqrt 2), k = 1e-6 / sqrt(0.5 / 1e8)
    k = 1e-6 / math.sqrt(0.5 / 1e8)
    assert e.computed == pytest.approx(math.erf(k / math.sqrt(2)), abs=2e-4)
    assert e.verdict == "inconsistent"


def test_snr_formula_is_evaluated_as_written_and_the_observed_snr_is_noise(by_id):
    e = by_id["snr447"]
    assert e.details["formula_value"] == pytest.approx(0.05 * (1 - math.exp(-1)) / math.sqrt(0.25 / 1e8))
    assert e.details["expected_delta_mu"] == 0.0
    assert e.computed < 5.0  # |z| of a no-signalling run: P(|z| > 5) = 5.7e-7
    assert e.verdict == "inconsistent"


def test_coin_demo_is_half_the_bias_and_not_a_fidelity(by_id):
    e = by_id["distribution_demo"]
    assert e.computed == pytest.approx(0.5 * 0.95, abs=5 * e.uncertainty)  # 5 sigma Monte Carlo tolerance
    assert e.verdict == "not a physical quantity"


def test_chsh_after_one_swap_of_0999_links_exceeds_28(by_id):
    e = by_id["chsh28"]
    w = (4 * 0.999 - 1) / 3
    assert e.computed == pytest.approx(2 * math.sqrt(2) * w**2, abs=1e-10)
    assert e.verdict == "consistent"  # the audit can find a claim consistent


def test_light_time_bounds_and_bandwidth(by_id):
    assert by_id["latency"].computed == pytest.approx(54.6e6 / 299792.458, rel=1e-12)
    assert by_id["latency"].verdict == "inconsistent"
    # one heralding round over a tenth of the distance, then the swap outcomes cross the whole distance
    c = 299792.458
    assert by_id["latency"].details["first_usable_pair_s"] == pytest.approx(54.6e6 / 10 / c + 54.6e6 / c, rel=1e-12)
    assert by_id["bandwidth"].computed == 0.0
    assert by_id["bandwidth"].uncertainty < 1e-12  # max trace distance of the receiver's states


def test_computed_values_do_not_depend_on_the_claimed_values(tmp_path, report):
    """Nothing is tuned toward a claim: shifting every claimed number leaves every computed number unchanged."""
    text = DEFAULT_CLAIMS.read_text()
    lines = []
    for line in text.splitlines():
        if line.startswith("claimed = "):
            value = float(line.split("=", 1)[1])
            line = f"claimed = {value * 0.37 + 0.01!r}"
        lines.append(line)
    path = tmp_path / "shifted.toml"
    path.write_text("\n".join(lines))
    ids = ["hops10_per_hop", "storage", "chsh28", "latency", "hops10"]
    again = {e.claim_id: e for e in run_audit(path, quick=True, seed=7, only=ids, progress=False).entries}
    for cid in ids:
        original = next(e for e in report.entries if e.claim_id == cid)
        assert again[cid].computed == pytest.approx(original.computed, rel=1e-12, abs=1e-15), cid


@pytest.mark.parametrize(
    "mutate, match",
    [
        pytest.param(
            lambda t: t.replace('compute = "werner_chain"', 'compute = "magic"'),
            "compute must be one of",
            id="unknown-compute",
        ),
        pytest.param(lambda t: t.replace('id = "storage"', 'id = "hops10"'), "is duplicated", id="duplicate-id"),
        pytest.param(lambda t: t.replace("claimed = 0.004", ""), r"claims\[9\].claimed is missing", id="missing-key"),
        pytest.param(lambda t: t + "\n[[claims]\n", "not valid TOML", id="syntax"),
    ],
)
def test_malformed_claims_files_raise_naming_the_key(tmp_path, mutate, match):
    path = tmp_path / "claims.toml"
    path.write_text(mutate(DEFAULT_CLAIMS.read_text()))
    with pytest.raises(ValueError, match=match):
        load_claims(path)


def test_unknown_claim_ids_and_bad_seed_are_rejected():
    with pytest.raises(ValueError, match="only: unknown claim ids"):
        run_audit(only=["nope"])
    with pytest.raises(ValueError, match="seed must be >= 0"):
        run_audit(seed=-1)
