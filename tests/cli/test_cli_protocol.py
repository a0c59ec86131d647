"""``pqms protocol``: help, table / --json / --csv, numbers equal to the library and to closed forms, bad arguments
(exit 2, naming the parameter)."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from pqms_physics.cli import cli


def run(*args):
    return CliRunner().invoke(cli, ["protocol", *args], prog_name="pqms")


def run_json(*args):
    res = run(*args, "--json")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def values(doc):
    return {row["quantity"]: row for row in doc["rows"]}


def test_help_shows_an_example():
    res = run("--help")
    assert res.exit_code == 0
    assert "Example:" in res.output and "pqms protocol --segments 8" in res.output


@pytest.mark.parametrize("p, a", [(0.5, 1.0), (0.2, 0.6)])
def test_two_segment_mean_time_is_the_shchukin_closed_form(p, a):
    # Shchukin, Schmidt, van Loock, PRA 100, 032322 (2019): E[T] = (3 - 2p) / (a p (2 - p))
    doc = run_json("--segments", "2", "--p-link", str(p), "--p-swap", str(a))
    assert values(doc)["mean_time_rounds"]["value"] == pytest.approx((3 - 2 * p) / (a * p * (2 - p)), rel=1e-9)
    assert doc["parameters"]["method"] == "exact" and doc["command"] == "protocol"


def test_monte_carlo_rows_equal_the_library_call_with_the_same_seed():
    from pqms_physics.network.protocols.montecarlo import simulate
    from pqms_physics.network.protocols.spec import ProtocolSpec

    doc = run_json(
        "--segments",
        "4",
        "--p-link",
        "0.3",
        "--p-swap",
        "0.7",
        "--link-werner",
        "0.97",
        "--coherence-time",
        "30",
        "--cutoff",
        "3,9",
        "--method",
        "monte-carlo",
        "--samples",
        "2e4",
        "--seed",
        "5",
    )
    res = simulate(
        ProtocolSpec(4, 0.3, p_swap=0.7, link_werner=0.97, coherence_time=30.0, cutoff=(3, 9)), samples=20_000, seed=5
    )
    v = values(doc)
    assert v["mean_time_rounds"]["value"] == res.mean_time and v["mean_time_rounds"]["stderr"] == res.mean_time_stderr
    assert v["mean_werner"]["value"] == res.mean_werner
    assert doc["parameters"]["seed"] == 5 and doc["parameters"]["cutoff"] == [3, 9]


def test_csv_and_pmf_outputs():
    res = run("--segments", "2", "--p-link", "0.5", "--csv")
    assert res.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert rows[0]["quantity"] == "mean_time_rounds"
    doc = run_json("--segments", "2", "--p-link", "0.5", "--pmf")
    pmf = [r["pmf"] for r in doc["rows"]]
    assert doc["rows"][0]["t_rounds"] == 1
    # P(T = 1) = P(both links in round 1) = p^2 (p_swap = 1)
    assert pmf[0] == pytest.approx(0.25, rel=1e-12)
    assert sum(pmf) + doc["summary"]["truncated_mass"] == pytest.approx(1.0, abs=1e-12)


def test_table_output_names_the_quantities():
    res = run("--segments", "2", "--p-link", "0.5")
    assert res.exit_code == 0
    assert "mean_time_rounds" in res.output and "skr_bb84_bits_per_round" in res.output


@pytest.mark.parametrize(
    "args, name",
    [
        (["--p-link", "0"], "--p-link"),
        (["--p-swap", "1.5"], "--p-swap"),
        (["--segments", "3"], "segments"),
        (["--cutoff", "-1"], "--cutoff"),
        (["--cutoff", "1,2,3"], "cutoff"),
        (["--coherence-time", "0"], "--coherence-time"),
        (["--samples", "1.5"], "--samples"),
    ],
)
def test_bad_arguments_exit_2_naming_the_parameter(args, name):
    res = run("--segments", "4", *args) if "--segments" not in args else run(*args)
    assert res.exit_code == 2
    assert name in res.output and "Traceback" not in res.output


def test_distillation_at_deterministic_links_gives_the_bbpssw_closed_form():
    # p_link = 1: one BBPSSW attempt per round, success P = (1 + w0^2)/2 on Werner inputs; each swap input is a
    # Geometric(P) time, so E[T] = (3 - 2P) / (P (2 - P)) (max of two geometrics, p_swap = 1).
    w0 = 0.8
    big_p = (1 + w0 * w0) / 2
    doc = run_json("--segments", "2", "--p-link", "1", "--link-werner", str(w0), "--distillation", "1")
    assert values(doc)["mean_time_rounds"]["value"] == pytest.approx((3 - 2 * big_p) / (big_p * (2 - big_p)))
    assert doc["parameters"]["distillation"] == 1


def test_distillation_per_level_of_the_wrong_length_exits_2_naming_it():
    res = run("--segments", "4", "--distillation", "1,2,3")
    assert res.exit_code == 2 and "distillation must have one entry per nesting level" in res.output
