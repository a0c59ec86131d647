"""Tests of the ``pqms`` command line: every command's --help, --json and --csv output, and bad arguments.

Numbers printed by the CLI are compared with direct library calls (same seed, same
stream) and, where one exists, with a closed form computed here; bad arguments must
end with exit code 2 and one line naming the parameter, never a traceback.
Most tests use click's CliRunner (in-process, fast); two run the real console entry
point in a subprocess to check the exit code and stderr as a user sees them.
"""

import csv
import io
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from pqms_physics.cli import cli

COMMANDS = ("fidelity", "chsh", "nct", "audit", "sweep", "report", "fpga-vectors")


def run(*args):
    return CliRunner().invoke(cli, list(args), prog_name="pqms")


def run_json(*args):
    res = run(*args, "--json")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def werner_chain(f_link, n):
    """F_n = 1/4 + (3/4) w^n with w = (4F - 1)/3: n Werner links, ideal swaps (closed form)."""
    w = (4 * f_link - 1) / 3
    return 0.25 + 0.75 * w**n


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    res = run(command, "--help")
    assert res.exit_code == 0, res.output
    assert "Example" in res.stdout
    assert f"pqms {command}" in res.stdout  # the example is a real command line


def test_top_level_help_lists_every_command_and_version_prints():
    res = run("--help")
    assert res.exit_code == 0
    for command in COMMANDS:
        assert command in res.stdout
    version = run("--version")
    assert version.exit_code == 0 and "pqms" in version.stdout


# --------------------------------------------------------------------------- fidelity


def test_fidelity_json_equals_the_werner_chain_closed_form():
    doc = run_json("fidelity", "--link-fidelity", "0.99", "--hops", "1,2,10,100,1000")
    assert doc["command"] == "fidelity"
    hops = [r["hops"] for r in doc["rows"]]
    assert hops == [1, 2, 10, 100, 1000]
    got = np.array([r["fidelity"] for r in doc["rows"]])
    np.testing.assert_allclose(got, werner_chain(0.99, np.array(hops)), rtol=0, atol=1e-12)


def test_fidelity_noisy_twirled_csv_equals_the_library():
    from pqms_physics.core.states import werner_state
    from pqms_physics.network.chains import fidelity_vs_hops

    res = run(
        "fidelity",
        "--link-fidelity",
        "0.995",
        "--hops",
        "1,3,30",
        "--gate-fidelity",
        "0.99",
        "--measurement-fidelity",
        "0.98",
        "--twirl",
        "--csv",
    )
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    expected = fidelity_vs_hops(werner_state(0.995), [1, 3, 30], 0.99, 0.98, twirl=True)
    assert [int(r["hops"]) for r in rows] == [1, 3, 30]
    np.testing.assert_array_equal([float(r["fidelity"]) for r in rows], expected)  # repr round-trips exactly


def test_fidelity_table_is_the_default_output():
    res = run("fidelity", "--hops", "1,2")
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    header = [line for line in lines if line.startswith("hops")]
    assert header and "fidelity" in header[0]
    with pytest.raises(json.JSONDecodeError):
        json.loads(res.stdout)


# --------------------------------------------------------------------------- chsh


def test_chsh_json_matches_estimate_chsh_with_the_same_seed_and_the_exact_werner_value():
    from pqms_physics.chsh import estimate_chsh
    from pqms_physics.core.states import werner_state
    from pqms_physics.network.chains import chain_state

    doc = run_json(
        "chsh", "--link-fidelity", "0.98", "--hops", "1,3", "--pairs", "2e4", "--seed", "11", "--sampler", "multinomial"
    )
    for row in doc["rows"]:
        n = row["hops"]
        w = (4 * 0.98 - 1) / 3
        assert row["s_exact"] == pytest.approx(2 * math.sqrt(2) * w**n, abs=1e-12)  # Horodecki: 2 sqrt2 w^n
        est = estimate_chsh(chain_state(werner_state(0.98), n), 20_000, 11, sampler="multinomial")
        assert row["s_estimate"] == est.value and row["stderr"] == est.stderr
        assert row["ci_low"] == pytest.approx(est.value - 1.959963984540054 * est.stderr, abs=1e-12)
    assert doc["parameters"]["pairs"] == 20_000


def test_chsh_kernel_sampler_runs_and_reports_a_violation_for_phi_plus():
    doc = run_json("chsh", "--pairs", "1e5", "--seed", "3")
    (row,) = doc["rows"]
    assert row["s_exact"] == pytest.approx(2 * math.sqrt(2))
    # sigma_S = sqrt(8/N) = 0.0089 for Phi+ at random settings; 6 sigma: false-failure probability 2e-9
    assert abs(row["s_estimate"] - 2 * math.sqrt(2)) < 6 * math.sqrt(8 / 1e5)
    assert row["p_value_local"] < 1e-12


# --------------------------------------------------------------------------- nct


def test_nct_rows_equal_pool_bias_experiment_on_the_same_streams():
    from pqms_physics.core.noise import dephasing
    from pqms_physics.nct import pool_bias_experiment

    doc = run_json(
        "nct",
        "--pairs-per-pool",
        "5e4",
        "--runs",
        "3",
        "--seed",
        "5",
        "--sampler",
        "multinomial",
        "--sender",
        "dephasing:0.05:1.0",
    )
    assert [r["stream"] for r in doc["rows"]] == [0, 1, 2]
    for r in doc["rows"]:
        ref = pool_bias_experiment(
            50_000, 5, sender_channel=dephasing(0.05, 1.0), sampler="multinomial", stream=r["stream"]
        )
        assert r["delta_mu"] == ref.delta_mu and r["z"] == ref.z
        assert r["expected_delta_mu"] == 0.0  # no-signalling: exact, any local operation
    assert doc["summary"]["sigma_no_signalling"] == pytest.approx(math.sqrt(0.5 / 5e4), rel=1e-12)


@pytest.mark.parametrize("sender", ["none", "measure-z", "depolarizing:0.3", "amplitude-damping:0.5:1"])
def test_nct_local_senders_have_zero_expected_bias(sender):
    doc = run_json("nct", "--pairs-per-pool", "1000", "--sender", sender, "--sampler", "multinomial")
    assert doc["rows"][0]["expected_delta_mu"] == pytest.approx(0.0, abs=1e-12)


def test_nct_cnot_sender_is_not_local_and_is_detected():
    doc = run_json("nct", "--pairs-per-pool", "1e4", "--sender", "cnot", "--sampler", "multinomial")
    (row,) = doc["rows"]
    # CNOT(sender -> receiver) maps Phi+ to |+>|0>: the receiver's bit is always 0 in pool 1
    assert row["expected_delta_mu"] == pytest.approx(-0.5)
    assert row["detected"] is True


def test_nct_fixed_threshold_probability_matches_the_library():
    from pqms_physics.nct.power import threshold_pass_probability

    doc = run_json("nct", "--pairs-per-pool", "1e8", "--sampler", "multinomial", "--threshold", "1e-6")
    key = "P(|delta_mu| < 1e-06) under no-signalling (exact)"
    assert doc["summary"][key] == threshold_pass_probability(1e-6, 10**8).probability_exact


# --------------------------------------------------------------------------- bad arguments


@pytest.mark.parametrize(
    "args, name",
    [
        pytest.param(["fidelity", "--link-fidelity", "1.5"], "--link-fidelity", id="fidelity>1"),
        pytest.param(["fidelity", "--hops", "0,2"], "--hops", id="hops<1"),
        pytest.param(["fidelity", "--hops", "1,x"], "--hops", id="hops-not-int"),
        pytest.param(["fidelity", "--gate-fidelity", "-0.1"], "--gate-fidelity", id="gate<0"),
        pytest.param(["chsh", "--pairs", "0"], "--pairs", id="pairs<1"),
        pytest.param(["chsh", "--pairs", "1.5e0"], "--pairs", id="pairs-not-int"),
        pytest.param(["chsh", "--seed", "-1"], "--seed", id="seed<0"),
        pytest.param(["chsh", "--sampler", "magic"], "--sampler", id="sampler"),
        pytest.param(
            ["chsh", "--setting-choice", "blocks", "--pairs", "10"],
            "pairs must be a multiple of 4",
            id="blocks-not-multiple-of-4",
        ),
        pytest.param(["nct", "--sender", "teleport"], "--sender", id="sender-kind"),
        pytest.param(["nct", "--sender", "dephasing:0.05"], "--sender", id="sender-arity"),
        pytest.param(["nct", "--sender", "depolarizing:1.5"], "--sender", id="sender-range"),
        pytest.param(["nct", "--pairs-per-pool", "-5"], "--pairs-per-pool", id="pairs-per-pool<1"),
        pytest.param(["nct", "--alpha", "1"], "--alpha", id="alpha"),
        pytest.param(["sweep", "/nonexistent/config.toml"], "CONFIG", id="missing-config"),
        pytest.param(["report", "--seed", "x"], "--seed", id="report-seed"),
        pytest.param(["fidelity", "--bogus"], "--bogus", id="unknown-option"),
        pytest.param(["nonsense"], "nonsense", id="unknown-command"),
    ],
)
def test_bad_arguments_exit_2_with_one_line_naming_the_parameter(args, name):
    res = run(*args)
    assert res.exit_code == 2, res.output
    err = res.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert name in err
    assert "Traceback" not in res.output
    assert res.stdout == ""


# --------------------------------------------------------------------------- sweep


SWEEP_TOML = """
[sweep]
quantity = "fidelity_vs_hops"
chunk_points = 4
[parameters]
hops = [1, 2, 8]
link_fidelity = [0.99, 0.999]
[fixed]
twirl = false
"""


def test_sweep_writes_netcdf_whose_values_equal_the_closed_form(tmp_path):
    import xarray as xr

    cfg = tmp_path / "s.toml"
    cfg.write_text(SWEEP_TOML)
    out = tmp_path / "s.nc"
    doc = run_json("sweep", str(cfg), "--out", str(out), "--workers", "1", "--no-progress")
    assert doc["summary"]["points"] == 6
    assert {r["dimension"]: r["values"] for r in doc["rows"]} == {"hops": [1, 2, 8], "link_fidelity": [0.99, 0.999]}
    with xr.open_dataset(out, engine="h5netcdf") as ds:
        for f in (0.99, 0.999):
            got = ds["fidelity"].sel(link_fidelity=f).values
            np.testing.assert_allclose(got, werner_chain(f, np.array([1, 2, 8])), atol=1e-12)


def test_sweep_bad_config_exits_2_naming_the_key_and_writes_nothing(tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(SWEEP_TOML.replace("link_fidelity = [0.99, 0.999]", "link_fidelity = [0.99, 1.2]"))
    res = run("sweep", str(cfg), "--out", str(tmp_path / "bad.nc"), "--workers", "1")
    assert res.exit_code == 2
    assert "link_fidelity" in res.stderr and "1.2" in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


# --------------------------------------------------------------------------- fpga-vectors


def test_fpga_vectors_calls_write_fpga_vectors_with_its_signature_and_prints_the_manifest(tmp_path, monkeypatch):
    # The vectors themselves are tested in the FPGA tests (3e6 pairs, seconds); here: the wiring.
    import inspect

    from pqms_physics.rpu import vectors as fpga_vectors

    real = fpga_vectors.write_fpga_vectors
    calls = []

    def fake(out_dir, **kwargs):
        inspect.signature(real).bind(out_dir, **kwargs)  # the CLI must call the real signature
        calls.append((out_dir, kwargs))
        return fpga_vectors.VectorManifest(
            str(out_dir),
            kwargs.get("suite", "default"),
            kwargs.get("seed", fpga_vectors.DEFAULT_SEED),
            ("a", "b"),
            10,
            2,
        )

    monkeypatch.setattr(fpga_vectors, "write_fpga_vectors", fake)
    doc = run_json("fpga-vectors", "--out", str(tmp_path / "v"), "--seed", "9", "--suite", "full")
    assert calls == [(tmp_path / "v", {"suite": "full", "seed": 9})]
    assert [r["case"] for r in doc["rows"]] == ["a", "b"]
    assert doc["summary"] == {"pairs": 10, "windows": 2}
    assert doc["parameters"]["seed"] == 9


# --------------------------------------------------------------------------- as a user runs it


def test_real_process_bad_argument_exits_2_with_one_stderr_line_and_no_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "pqms_physics.cli", "chsh", "--link-fidelity", "2"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and "--link-fidelity" in proc.stderr
    assert "Traceback" not in proc.stderr


CONSOLE_SCRIPT = Path(sys.executable).with_name("pqms")


@pytest.mark.skipif(not CONSOLE_SCRIPT.exists(), reason="the pqms console script is not installed in this env")
def test_console_script_is_installed_and_lists_every_command():
    proc = subprocess.run([str(CONSOLE_SCRIPT), "--help"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    for command in COMMANDS:
        assert command in proc.stdout


@pytest.mark.parametrize(
    "command",
    [["chsh", "--pairs", "4000", "--seed", "2"], ["nct", "--pairs-per-pool", "3000", "--seed", "2", "--runs", "2"]],
)
def test_kernel_devices_give_the_same_numbers_or_cuda_exits_1_with_the_reason(command):
    # The kernels promise identical counts on every device for one seed (pqms_physics.kernels).
    cpu = run_json(*command)
    assert run_json(*command, "--device", "numpy")["rows"] == cpu["rows"]
    res = run(*command, "--device", "cuda", "--json")
    if res.exit_code == 0:  # a machine with a usable CUDA GPU
        assert json.loads(res.stdout)["rows"] == cpu["rows"]
    else:
        assert res.exit_code == 1
        assert "--device cuda is not usable here" in res.stderr and "Traceback" not in res.output


# --------------------------------------------------------------------------- audit


def cheap_claims_file(tmp_path, ids=("hops10_per_hop", "chsh28")):
    """A claims file holding only some (exact, fast) claims of examples/seed_claims.toml, copied verbatim."""
    text = (Path(__file__).resolve().parents[2] / "examples" / "seed_claims.toml").read_text()
    blocks = text.split("[[claims]]")
    keep = [b for b in blocks[1:] if any(f'id = "{i}"' in b for i in ids)]
    assert len(keep) == len(ids)
    path = tmp_path / "claims.toml"
    path.write_text("".join("[[claims]]" + b for b in keep))
    return path


def test_audit_json_has_one_entry_per_claim_of_the_given_file(tmp_path):
    from pqms_physics.audit.runner import run_audit

    claims = cheap_claims_file(tmp_path)
    res = run("audit", "--claims", str(claims), "--json", "--no-progress")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert [e["claim_id"] for e in doc["entries"]] == ["hops10_per_hop", "chsh28"]
    direct = run_audit(claims_path=claims, progress=False)
    assert [e["computed"] for e in doc["entries"]] == [e.computed for e in direct.entries]
    assert [e["verdict"] for e in doc["entries"]] == [e.verdict for e in direct.entries]


def test_audit_table_and_csv_outputs(tmp_path):
    claims = cheap_claims_file(tmp_path, ids=("chsh28",))
    table = run("audit", "--claims", str(claims), "--no-progress")
    assert table.exit_code == 0 and "chsh28" in table.stdout and "verdict" in table.stdout
    rows = list(csv.DictReader(io.StringIO(run("audit", "--claims", str(claims), "--csv").stdout)))
    assert [r["claim_id"] for r in rows] == ["chsh28"] and rows[0]["verdict"]


def test_audit_malformed_claims_file_exits_2_naming_it(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[claims]]\nid = 'x'\n")
    res = run("audit", "--claims", str(bad))
    assert res.exit_code == 2
    assert "claims" in res.stderr and len(res.stderr.strip().splitlines()) == 1
