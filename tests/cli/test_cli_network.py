"""``pqms network``: rows equal the library (and the chain closed form); bad arguments exit 2 naming them."""

import csv
import io
import json
import math

import pytest
from click.testing import CliRunner

from pqms_physics.cli import cli
from pqms_physics.network.graphs import best_path, hierarchical_network, network_capacity


def run(*args):
    return CliRunner().invoke(cli, list(args), prog_name="pqms")


def test_help_has_an_example_and_is_listed():
    res = run("network", "--help")
    assert res.exit_code == 0 and "pqms network --topology hierarchical" in res.stdout
    assert "network" in run("--help").stdout


def test_chain_json_is_plob_of_one_segment_and_the_werner_product():
    res = run(
        "network",
        "--topology",
        "chain",
        "--length-km",
        "500",
        "--repeaters",
        "4",
        "--link-fidelity",
        "0.99",
        "--gate-fidelity",
        "0.995",
        "--json",
    )
    assert res.exit_code == 0, res.output
    (row,) = json.loads(res.stdout)["rows"]
    eta = 10 ** (-0.2 * 100 / 10)  # one 100 km segment; Pirandola 2019: -log2(1 - eta)
    assert row["capacity_single"] == pytest.approx(-math.log2(1 - eta), rel=1e-12)
    assert row["capacity_multipath"] == pytest.approx(-math.log2(1 - eta), rel=1e-12)
    w = ((4 * 0.99 - 1) / 3) ** 5 * 0.995**4
    assert row["fidelity"] == pytest.approx((1 + 3 * w) / 4, rel=1e-12)
    assert row["qber_z"] == pytest.approx((1 - w) / 2, rel=1e-12)


def test_hierarchical_pairs_cross_districts_and_equal_the_library():
    res = run("network", "--districts", "4", "--nodes-per-district", "15", "--pairs", "3", "--seed", "5", "--csv")
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert len(rows) == 3
    g = hierarchical_network(4, 15, seed=5, edge_attrs={"link_fidelity": 0.999})
    for r in rows:
        a, b = int(r["source"]), int(r["target"])
        assert g.nodes[a]["district"] != g.nodes[b]["district"]
        assert float(r["capacity_multipath"]) == pytest.approx(network_capacity(g, a, b, multipath=True).capacity)
        assert float(r["fidelity"]) == pytest.approx(best_path(g, a, b, by="fidelity").fidelity)


def test_table_output_names_the_topology():
    res = run("network", "--topology", "grid", "--rows", "3", "--cols", "3", "--pairs", "2")
    assert res.exit_code == 0, res.output
    assert "grid network, 9 nodes, 12 edges" in res.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["--source", "0", "--target", "999"], "target 999 is not a node"),
        (["--source", "0"], "--source and --target go together"),
        (["--districts", "0"], "--districts"),
        (["--topology", "torus"], "--topology"),
        (["--link-fidelity", "1.5"], "--link-fidelity"),
        (["--district-radius-km", "-1"], "--district-radius-km"),
    ],
)
def test_bad_arguments_exit_2_naming_the_parameter(args, message):
    res = (
        run("network", "--districts", "3", "--nodes-per-district", "5", *args)
        if "--districts" not in args
        else run("network", *args)
    )
    assert res.exit_code == 2
    assert message in res.output
