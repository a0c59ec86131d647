"""C simulation of the HLS RPU (fpga/run_csim.sh): the C++ kernel, built with g++ against the
real Xilinx ap_types headers, reproduces every golden output of the Python model bit for bit,
and its testbench rejects malformed vector files."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUN_CSIM = ROOT / "fpga" / "run_csim.sh"
CXX = os.environ.get("CXX", "g++")

pytestmark = pytest.mark.skipif(
    shutil.which(CXX) is None, reason=f"no C++ compiler '{CXX}' on PATH: the C-sim needs one"
)


def run_csim(build, out, *args):
    env = {**os.environ, "PYTHON": sys.executable}
    return subprocess.run(
        ["bash", str(RUN_CSIM), "--build", str(build), "--out", str(out), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )


@pytest.fixture(scope="module")
def csim(tmp_path_factory):
    build = tmp_path_factory.mktemp("rpu_build")
    proc = run_csim(build, build / "vectors")
    return proc, build / "rpu_csim", build / "vectors"


def test_csim_reproduces_every_golden_output_bit_for_bit(csim):
    proc, _, vectors = csim
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "selftest: arithmetic OK" in proc.stdout
    total = re.search(r"total: (\d+) pairs, (\d+) windows, (\d+) mismatches", proc.stdout)
    assert total and int(total.group(1)) >= 10**6 and total.group(3) == "0"
    cases = (vectors / "manifest.txt").read_text().split()
    assert sum(line.startswith("ok ") for line in proc.stdout.splitlines()) == len(cases)


def mutate(src: Path, dst: Path, old: str, new: str, count: int = 1) -> Path:
    text = src.read_text()
    assert old in text
    dst.write_text(text.replace(old, new, count))
    return dst


def run_tb(binary, rpuin, rpuout):
    return subprocess.run([str(binary), str(rpuin), str(rpuout)], capture_output=True, text=True)


CASE = "nct_all_one"  # W = 64, 16 windows


@pytest.mark.parametrize(
    "which, old, new, message",
    [
        pytest.param("in", "PQMS-RPU-IN 1", "PQMS-RPU-IN 2", "expected header 'PQMS-RPU-IN 1'", id="bad-header"),
        pytest.param("in", "window 64", "window 0", r"window must be in \[1, 1048575\], got 0", id="window-0"),
        pytest.param(
            "in",
            "records 1024",
            "records 1000",
            "records must equal window \\* n_windows = 1024, got 1000",
            id="record-count",
        ),
        pytest.param("in", "\n17", "\ng7", r"record digit must be in \[0-9a-f\], got 'g'", id="bad-digit"),
        pytest.param("in", "END\n", "", "unexpected end of file, expected END", id="no-end"),
        pytest.param("in", "END\n", "END\n0\n", "content after END", id="after-end"),
        pytest.param("in", "prune_en 0", "prune_en yes", "prune_en must be a decimal integer", id="not-a-number"),
        pytest.param("out", "\nW 0 ", "\nW ", "expected 'W' and 29 integers", id="short-window-line"),
        pytest.param("out", "summary", "sumary", "expected 'summary", id="bad-summary"),
        pytest.param("out", "topk 10", "topk 0", r"topk must be in \[1, 1024\], got 0", id="topk-0"),
    ],
)
def test_malformed_vector_files_exit_2_with_a_located_message(csim, tmp_path, which, old, new, message):
    _, binary, vectors = csim
    rpuin, rpuout = vectors / f"{CASE}.rpuin", vectors / f"{CASE}.rpuout"
    if which == "in":
        rpuin = mutate(rpuin, tmp_path / "bad.rpuin", old, new)
    else:
        rpuout = mutate(rpuout, tmp_path / "bad.rpuout", old, new)
    proc = run_tb(binary, rpuin, rpuout)
    assert proc.returncode == 2
    assert re.search(r"malformed vector file: .*bad\.rpu(in|out):\d+: " + message, proc.stderr), proc.stderr


def test_missing_file_and_bad_usage_exit_2(csim, tmp_path):
    _, binary, vectors = csim
    proc = run_tb(binary, tmp_path / "none.rpuin", vectors / f"{CASE}.rpuout")
    assert proc.returncode == 2 and "cannot open file" in proc.stderr
    proc = subprocess.run([str(binary), str(vectors / f"{CASE}.rpuin")], capture_output=True, text=True)
    assert proc.returncode == 2 and "usage:" in proc.stderr


def test_vectors_for_another_top_k_size_are_refused(csim, tmp_path):
    _, binary, vectors = csim
    rpuin = mutate(vectors / f"{CASE}.rpuin", tmp_path / "k5.rpuin", "topk 10", "topk 5")
    proc = run_tb(binary, rpuin, vectors / f"{CASE}.rpuout")
    assert proc.returncode == 2 and "RPU_TOPK=10" in proc.stderr


def test_a_one_lsb_difference_in_an_expected_z_fails_the_comparison(csim, tmp_path):
    _, binary, vectors = csim
    src = vectors / "nct_signal_w1000.rpuout"
    lines = src.read_text().splitlines()
    fields = lines[2].split()
    assert fields[0] == "W"
    want = int(fields[18])
    fields[18] = str(want + 1)
    lines[2] = " ".join(fields)
    bad = tmp_path / "off_by_one.rpuout"
    bad.write_text("\n".join(lines) + "\n")
    proc = run_tb(binary, vectors / "nct_signal_w1000.rpuin", bad)
    assert proc.returncode == 1
    assert f"field z: expected {want + 1}, got {want}" in proc.stderr


@pytest.mark.slow
def test_full_suite_of_twenty_million_pairs_matches_bit_for_bit(tmp_path):
    # 3 more seeds, windows 16 to 65536, both modes: 2.0e7 pairs in all (~30 s)
    proc = run_csim(tmp_path, tmp_path / "vectors-full", "--suite", "full")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    total = re.search(r"total: (\d+) pairs, (\d+) windows, (\d+) mismatches", proc.stdout)
    assert total and int(total.group(1)) >= 10**7 and total.group(3) == "0"
