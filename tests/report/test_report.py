"""Tests of ``pqms report``: every file is produced, readable, and holds the numbers the library computes.

One quick report is generated per test module through the real CLI (``pqms report --quick
--json``, click's CliRunner) and shared by the tests below. Each CSV is checked against
an independent closed form where one exists and against a direct library call with the
seed written in the CSV row otherwise, so a wrong wiring (wrong parameter, wrong seed,
wrong column) fails.
"""

import csv
import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from report_helpers import pdf_fonts, png_size_and_dpi, werner_chain

from pqms_physics.cli import cli
from pqms_physics.errors import PQMSValueError
from pqms_physics.report.runner import STEPS, render_index, run_report
from pqms_physics.report.studies import (
    CHSH_LINKS,
    CHSH_PAIRS,
    DEFAULT_SEED,
    FIDELITY_DEPHASING,
    NCT_SENDER,
    RATE_SOURCE,
    STUDY_KEYS,
    chsh_threshold_fidelity,
    derive_seed,
    log_grid,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
SEED = 424242  # fixed before looking at any result
FIGURES = ("fidelity_vs_hops", "rate_vs_distance", "chsh_vs_hops", "nct_pool_bias")
EXPECTED_FILES = {f"{name}.{ext}" for name in FIGURES for ext in ("pdf", "png", "csv")} | {
    "sweep.toml",
    "sweep.nc",
    "audit.md",
    "audit.json",
    "report.json",
    "index.md",
}
# issue 13: the purification figure (double column), checked in tests/report/test_studies_purification.py
EXPECTED_FILES |= {f"purification.{ext}" for ext in ("pdf", "png", "csv")}
# issue 14: the network figure (double column), checked in tests/report/test_studies_network.py
EXPECTED_FILES |= {f"network.{ext}" for ext in ("pdf", "png", "csv")}
# issue 12: the protocols-in-time figures, checked in tests/report/test_studies_protocols.py
EXPECTED_FILES |= {
    f"{name}.{ext}" for name in ("waiting_time", "cutoff_tradeoff", "protocol_rates") for ext in ("pdf", "png", "csv")
}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    res = CliRunner().invoke(
        cli, ["report", "--out", str(out), "--quick", "--seed", str(SEED), "--no-progress", "--json"], prog_name="pqms"
    )
    assert res.exit_code == 0, res.output
    return out, json.loads(res.stdout)


def read_csv(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------- files


def test_report_writes_every_listed_file_non_empty(report):
    out, doc = report
    listed = {r["file"] for r in doc["rows"]}
    assert listed == EXPECTED_FILES
    for name in EXPECTED_FILES:
        assert (out / name).stat().st_size > 0, name
    assert doc["parameters"]["seed"] == SEED and doc["parameters"]["quick"] is True


@pytest.mark.parametrize("name", FIGURES)
def test_figure_pdfs_parse_and_embed_truetype_fonts(report, name):
    from pypdf import PdfReader

    out, _ = report
    reader = PdfReader(str(out / f"{name}.pdf"))
    assert len(reader.pages) == 1
    fonts = pdf_fonts(out / f"{name}.pdf")
    assert fonts and all(sub != "/Type3" and embedded for sub, embedded in fonts)
    width_pt = float(reader.pages[0].mediabox.width)
    assert width_pt == pytest.approx(72 * (7.0 if name == "nct_pool_bias" else 3.4), abs=0.5)


@pytest.mark.parametrize("name", FIGURES)
def test_figure_pngs_are_300_dpi(report, name):
    out, _ = report
    width, _height, dpi = png_size_and_dpi(out / f"{name}.png")
    assert dpi == pytest.approx(300, abs=0.5)
    assert width == pytest.approx(300 * (7.0 if name == "nct_pool_bias" else 3.4), abs=1)


# --------------------------------------------------------------------------- CSV values


def test_fidelity_csv_matches_closed_forms_and_the_chain_module(report):
    from pqms_physics.core.noise import dephasing
    from pqms_physics.core.states import bell_state
    from pqms_physics.network.chains import fidelity_vs_hops

    rows = read_csv(report[0] / "fidelity_vs_hops.csv")
    by_curve = {}
    for r in rows:
        by_curve.setdefault(r["curve"], []).append(r)
    assert len(by_curve) == 7
    for f in (0.99, 0.999, 0.9999):
        rs = by_curve[f"Werner link F = {f:g}"]
        n = np.array([int(r["hops"]) for r in rs])
        assert n[0] == 1 and n[-1] == 1000
        np.testing.assert_allclose([float(r["fidelity"]) for r in rs], werner_chain(f, n), rtol=0, atol=1e-12)
    # n one-qubit-dephased links joined by ideal swaps = one link dephased for n t: F = (1 + e^{-2 gamma n t})/2
    gt = FIDELITY_DEPHASING["gamma_per_s"] * FIDELITY_DEPHASING["t_s"]
    rs = by_curve["dephased link, exact"]
    n = np.array([int(r["hops"]) for r in rs])
    np.testing.assert_allclose([float(r["fidelity"]) for r in rs], (1 + np.exp(-2 * gt * n)) / 2, atol=1e-12)
    # the noisy-swap curves: same numbers as a direct library call with the parameters in the row
    link = dephasing(**FIDELITY_DEPHASING).on(1, 2)(bell_state("phi+"))
    for label in ("dephased, noisy swap 0.999, exact", "dephased, noisy swap 0.999, twirled"):
        rs = by_curve[label]
        n = [int(r["hops"]) for r in rs]
        p, eta, twirl = float(rs[0]["gate_fidelity"]), float(rs[0]["measurement_fidelity"]), rs[0]["twirl"] == "True"
        assert (p, eta, twirl) == (0.999, 0.999, label.endswith("twirled"))
        expected = fidelity_vs_hops(link, n, gate_fidelity=p, measurement_fidelity=eta, twirl=twirl)
        np.testing.assert_array_equal([float(r["fidelity"]) for r in rs], expected)


def test_rate_csv_matches_entanglement_rate_and_the_plob_closed_form(report):
    from pqms_physics.network.bounds import entanglement_rate

    rows = read_csv(report[0] / "rate_vs_distance.csv")
    plob = [r for r in rows if r["curve"] == "PLOB bound (direct)"]
    d = np.array([float(r["distance_km"]) for r in plob])
    eta = 10 ** (-RATE_SOURCE["loss_db_per_km"] * d / 10)
    # -log2(1 - eta) and log2((1 + eta)/(1 - eta)), written with log1p: 1 - eta cancels for eta ~ 1e-6
    plob_closed = -np.log1p(-eta) / math.log(2)
    np.testing.assert_allclose([float(r["ebits_per_channel_use"]) for r in plob], plob_closed, rtol=1e-12)
    tgw = [float(r["ebits_per_channel_use"]) for r in rows if r["curve"] == "TGW bound (direct)"]
    np.testing.assert_allclose(tgw, (np.log1p(eta) - np.log1p(-eta)) / math.log(2), rtol=1e-12)
    for n in (1, 2, 4, 8, 16):
        rs = [r for r in rows if r["n_links"] == str(n)]
        dd = np.array([float(r["distance_km"]) for r in rs])
        ref = entanglement_rate(dd, n, **RATE_SOURCE)
        np.testing.assert_array_equal([float(r["ebits_per_channel_use"]) for r in rs], ref.ebits_per_mode)
        # no repeaterless protocol beats PLOB: direct transmission must stay below it at every distance
        if n == 1:
            assert np.all(ref.ebits_per_mode < plob_closed)


def test_chsh_csv_exact_values_and_seeded_estimates_reproduce(report):
    from pqms_physics.chsh import estimate_chsh
    from pqms_physics.core.states import werner_state
    from pqms_physics.network.chains import chain_state

    rows = read_csv(report[0] / "chsh_vs_hops.csv")
    assert {float(r["link_fidelity"]) for r in rows} == set(CHSH_LINKS)
    for r in rows:
        w = (4 * float(r["link_fidelity"]) - 1) / 3
        assert float(r["s_exact"]) == pytest.approx(2 * math.sqrt(2) * w ** int(r["hops"]), abs=1e-12)
        assert int(r["pairs"]) == CHSH_PAIRS
        assert float(r["ci_low"]) < float(r["s_estimate"]) < float(r["ci_high"])
    # seeds are derived from the base seed as documented, and rerunning a row gives its numbers exactly
    for ci, hi in ((0, 0), (1, 3)):
        r = [x for x in rows if float(x["link_fidelity"]) == CHSH_LINKS[ci]][hi]
        seed = derive_seed(SEED, STUDY_KEYS["chsh_vs_hops"], ci, hi)
        assert int(r["seed"]) == seed
        est = estimate_chsh(
            chain_state(werner_state(CHSH_LINKS[ci]), int(r["hops"])),
            CHSH_PAIRS,
            seed,
            sampler="kernel",
            setting_choice="random",
        )
        assert float(r["s_estimate"]) == est.value and float(r["stderr"]) == est.stderr


def test_nct_csv_rows_reproduce_and_z_behaves_as_standard_normal(report):
    from pqms_physics.core.noise import dephasing
    from pqms_physics.nct import pool_bias_experiment

    rows = read_csv(report[0] / "nct_pool_bias.csv")
    runs = [r for r in rows if r["panel"] == "delta_mu_vs_N"]
    sizes = sorted({int(r["pairs_per_pool"]) for r in runs})
    assert sizes[0] == 1000 and all(b == 10 * a for a, b in zip(sizes, sizes[1:]))
    for r in runs:
        assert float(r["sigma_no_signalling"]) == pytest.approx(math.sqrt(0.5 / int(r["pairs_per_pool"])), rel=1e-12)
        assert r["passes_fixed_threshold"] == str(abs(float(r["delta_mu"])) < 1e-6)
    r = runs[-1]
    ref = pool_bias_experiment(
        int(r["pairs_per_pool"]), int(r["seed"]), sender_channel=dephasing(**NCT_SENDER), sampler="kernel"
    )
    assert float(r["delta_mu"]) == ref.delta_mu and float(r["z"]) == ref.z
    z = np.array([float(r["z"]) for r in rows if r["panel"] == "z_histogram"])
    assert z.size == 200
    # z ~ N(0, 1) under no-signalling: |mean| < 4/sqrt(200) fails with probability 6e-5;
    # the sample variance of 200 normals has sd sqrt(2/199) = 0.1, so |var - 1| < 0.45 fails with p < 1e-5
    assert abs(z.mean()) < 4 / math.sqrt(z.size)
    assert abs(z.var(ddof=1) - 1) < 0.45


def test_audit_json_has_one_entry_per_claim_with_a_verdict(report):
    claims = tomllib.loads((ROOT / "examples" / "seed_claims.toml").read_text())["claims"]
    doc = json.loads((report[0] / "audit.json").read_text())
    assert [e["claim_id"] for e in doc["entries"]] == [c["id"] for c in claims]
    allowed = {"consistent", "inconsistent", "conditional", "not a physical quantity", "not checked"}
    assert all(e["verdict"] in allowed for e in doc["entries"])
    md = (report[0] / "audit.md").read_text()
    assert all(c["id"] in md for c in claims)


def test_sweep_netcdf_holds_the_werner_chain_fidelity_and_its_config(report):
    import xarray as xr

    out = report[0]
    with xr.open_dataset(out / "sweep.nc", engine="h5netcdf") as ds:
        assert set(ds.sizes) == {"hops", "link_fidelity", "gate_fidelity"}
        assert "config_hash" in ds.attrs
        ideal = ds["fidelity"].sel(gate_fidelity=1.0)
        f, n = np.meshgrid(ideal["link_fidelity"].values, ideal["hops"].values)
        np.testing.assert_allclose(ideal.transpose("hops", "link_fidelity").values, werner_chain(f, n), atol=1e-12)


def test_index_lists_every_file_with_captions_parameters_seeds_and_versions(report):
    import numpy

    out, _ = report
    index = (out / "index.md").read_text()
    for name in EXPECTED_FILES - {"index.md"}:
        assert f"({name})" in index or f"`{name}`" in index, name
    assert f"Base seed: `{SEED}`" in index
    assert "pqms report --out" in index and "--quick" in index  # the command line as typed
    assert f"| numpy | {numpy.__version__} |" in index
    meta = json.loads((out / "report.json").read_text())
    csv_seeds = {int(r["seed"]) for r in read_csv(out / "chsh_vs_hops.csv")}
    assert csv_seeds == set(meta["entries"]["chsh_vs_hops"]["seeds"])
    for seed in csv_seeds:
        assert str(seed) in index
    for step in STEPS:
        assert meta["entries"][step]["caption"] in index
    # captions sit in a Markdown table: a '|' inside one must be escaped
    table = [line for line in index.splitlines() if line.startswith("| nct_pool_bias")]
    assert table and table[0].count(" | ") == 2


# --------------------------------------------------------------------------- library behaviour


def test_chsh_threshold_from_the_library_equals_the_closed_form():
    assert chsh_threshold_fidelity() == pytest.approx((1 + 3 / math.sqrt(2)) / 4, abs=1e-12)


def test_derived_seeds_are_deterministic_and_distinct():
    seeds = {derive_seed(DEFAULT_SEED, k, i) for k in (1, 2) for i in range(50)}
    assert len(seeds) == 100
    assert derive_seed(7, 1, 2) == derive_seed(7, 1, 2)


def test_log_grid_spans_one_to_stop_without_repeats():
    g = log_grid(1000, 46)
    assert g[0] == 1 and g[-1] == 1000 and np.all(np.diff(g) > 0)


def test_same_seed_same_numbers_and_another_seed_other_numbers():
    from pqms_physics.report.studies import study_chsh_vs_hops

    a, b, c = (study_chsh_vs_hops(quick=True, seed=s) for s in (5, 5, 6))
    assert a.rows == b.rows
    assert a.column("s_estimate") != c.column("s_estimate")
    assert a.column("s_exact") == c.column("s_exact")  # the exact values do not depend on the seed


def test_index_says_which_steps_did_not_run(tmp_path):
    run_report(tmp_path, quick=True, steps=("rate_vs_distance",), progress=False)
    assert "Steps not run in this report: fidelity_vs_hops, chsh_vs_hops" in (tmp_path / "index.md").read_text()


def test_progress_callable_is_called_once_per_step(tmp_path):
    calls = []
    run_report(
        tmp_path,
        quick=True,
        steps=("rate_vs_distance", "sweep"),
        progress=lambda step, done, total: calls.append((step, done, total)),
    )
    assert calls == [("rate_vs_distance", 1, 2), ("sweep", 2, 2)]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        pytest.param(dict(steps=("figures",)), "steps must contain only", id="unknown-step"),
        pytest.param(dict(seed=-1), "seed must be >= 0", id="negative-seed"),
    ],
)
def test_run_report_rejects_bad_arguments_naming_them(tmp_path, kwargs, match):
    with pytest.raises(PQMSValueError, match=match):
        run_report(tmp_path, quick=True, progress=False, **kwargs)


def test_run_report_refuses_a_file_as_output_directory(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(PQMSValueError, match="out_dir must be a directory"):
        run_report(f, quick=True, steps=("fidelity_vs_hops",), progress=False)


def test_render_index_escapes_pipes_in_captions():
    meta = {
        "generated_utc": "t",
        "command": "c",
        "quick": False,
        "base_seed": 1,
        "steps": ["x"],
        "timings_s": {"x": 1.0},
        "versions": {"numpy": "1"},
        "entries": {
            "x": {
                "caption": "a |b| c",
                "files": ["x.csv"],
                "functions": [],
                "parameters": {},
                "seeds": [],
                "summary": {},
            }
        },
    }
    row = [line for line in render_index(meta).splitlines() if line.startswith("| x |")][0]
    assert "a \\|b\\| c" in row


@pytest.mark.slow
def test_full_report_writes_every_file(tmp_path):
    res = run_report(tmp_path, quick=False, progress=False)
    assert set(res.files) == EXPECTED_FILES
    rows = read_csv(tmp_path / "nct_pool_bias.csv")
    assert max(int(r["pairs_per_pool"]) for r in rows) == 10**10
