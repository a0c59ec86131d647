"""``pqms purify``: tables, JSON and CSV equal the library; bad arguments exit 2 naming the parameter."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from pqms_physics.cli import cli


def run(*args):
    return CliRunner().invoke(cli, list(args), prog_name="pqms")


def run_json(*args):
    res = run(*args, "--json")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


@pytest.mark.parametrize("sub", ["", "rounds", "fixed-point", "nested", "target"])
def test_help_has_an_example(sub):
    res = run("purify", *([sub] if sub else []), "--help")
    assert res.exit_code == 0, res.output
    assert "Example" in res.stdout and "pqms purify" in res.stdout


def test_purify_is_listed_in_the_top_level_help():
    assert "purify" in run("--help").stdout


def test_rounds_json_is_the_published_bbpssw_recurrence():
    doc = run_json("purify", "rounds", "--fidelity", "0.7,0.9", "--rounds", "1", "--protocol", "bbpssw")
    rows = [r for r in doc["rows"] if r["round"] == 1]
    for row in rows:
        f = row["input_fidelity"]
        q = (1 - f) / 3
        n = f**2 + 2 * f * q + 5 * q**2  # Bennett et al. 1996
        assert row["fidelity"] == pytest.approx((f**2 + q**2) / n, abs=1e-14)
        assert row["success_probability"] == pytest.approx(n, abs=1e-14)
        assert row["raw_pairs"] == pytest.approx(2 / n, rel=1e-14)


def test_fixed_point_json_and_unreachable_is_null():
    doc = run_json("purify", "fixed-point", "--protocol", "bbpssw")
    assert doc["rows"][0]["f_min"] == pytest.approx(0.5) and doc["rows"][0]["f_max"] == pytest.approx(1.0)
    doc = run_json("purify", "fixed-point", "--protocol", "bbpssw", "--gate-fidelity", "0.9")
    assert doc["rows"][0]["f_max"] is None and doc["rows"][0]["purifiable"] is False


def test_nested_csv_equals_the_library():
    from pqms_physics.network.purification import nested_repeater

    res = run(
        "purify",
        "nested",
        "--hops",
        "1,4",
        "--link-fidelity",
        "0.9",
        "--rounds",
        "2",
        "--csv",
        "--link-length-km",
        "10",
    )
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    for row in rows:
        lib = nested_repeater(0.9, int(row["hops"]), 2, link_length_km=10)
        assert float(row["fidelity"]) == lib.fidelity and float(row["raw_pairs"]) == lib.raw_pairs
        assert float(row["distance_km"]) == 10 * int(row["hops"])


def test_target_reports_reachable_schedule_or_the_reason():
    doc = run_json(
        "purify", "target", "--target", "0.99", "--hops", "4", "--link-fidelities", "0.9,0.95", "--max-rounds", "2"
    )
    assert doc["summary"]["reachable"] is True and doc["rows"][0]["link_fidelity"] == 0.9
    doc = run_json(
        "purify",
        "target",
        "--target",
        "0.999",
        "--hops",
        "10",
        "--gate-fidelity",
        "0.99",
        "--measurement-fidelity",
        "0.99",
    )
    assert doc["summary"]["reachable"] is False and "F_max" in doc["summary"]["reason"]
    assert run("purify", "target", "--target", "0.99", "--hops", "4").stdout.startswith("Cheapest")


@pytest.mark.parametrize(
    "args, name",
    [
        (["purify", "rounds", "--fidelity", "1.3"], "fidelity"),
        (["purify", "rounds", "--fidelity", "a,b"], "--fidelity"),
        (["purify", "nested", "--gate-fidelity", "2"], "--gate-fidelity"),
        (["purify", "nested", "--hops", "0"], "--hops"),
        (["purify", "target", "--target", "0.1", "--hops", "3"], "target_fidelity"),
        (["purify", "target", "--target", "0.9", "--hops", "3", "--link-fidelities", "1.5"], "link_fidelities"),
    ],
)
def test_bad_arguments_exit_2_naming_the_parameter(args, name):
    res = run(*args)
    assert res.exit_code == 2
    assert name in res.output and "Traceback" not in res.output
