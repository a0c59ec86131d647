"""Every script in examples/ runs (in a subprocess, as a user would), exits 0 and prints sensible output.

The scripts are discovered at collection time, so examples added later are run too. For the
dephasing and repeater-chain studies the printed numbers are also checked against closed forms
computed here, independently of the script.
"""

import functools
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
TIMEOUT_S = 300  # generous: a loaded 2-core CI machine; each script takes seconds when idle


@functools.cache
def run_example(name: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONUNBUFFERED="1")
    return subprocess.run(
        [sys.executable, str(ROOT / "examples" / name)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        cwd=ROOT,
        env=env,
    )


def numeric_rows(text: str, columns: int) -> np.ndarray:
    """Rows of `columns` numbers (lines made only of numbers), as an array."""
    rows = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == columns:
            try:
                rows.append([float(p) for p in parts])
            except ValueError:
                continue
    return np.array(rows)


def test_the_examples_directory_holds_the_studies():
    names = {p.name for p in EXAMPLES}
    assert {"dephasing_study.py", "repeater_chain_study.py", "chsh_experiment_plan.py", "nct_pool_bias.py"} <= names


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs_and_prints_numbers_without_errors(script):
    proc = run_example(script.name)
    assert proc.returncode == 0, f"{script.name} failed:\n{proc.stderr[-3000:]}"
    out = proc.stdout
    assert len(out.strip().splitlines()) >= 3, f"{script.name} printed almost nothing:\n{out}"
    assert re.search(r"\d\.\d", out), "no decimal numbers in the output"
    assert not re.search(r"\bnan\b", out, re.IGNORECASE), "the output contains NaN"
    assert "Traceback" not in proc.stderr


def test_dephasing_study_matches_the_closed_forms():
    out = run_example("dephasing_study.py").stdout
    rows = numeric_rows(out, 5)
    assert rows.shape[0] == 11
    t, one, two = rows[:, 0], rows[:, 1], rows[:, 2]
    gamma = 0.05  # the script's default (the documents' sqrt(0.05) sigma_z)
    # printed with 8 decimals: tolerance half a unit in the last place
    np.testing.assert_allclose(one, (1 + np.exp(-2 * gamma * t)) / 2, atol=5e-9)
    np.testing.assert_allclose(two, (1 + np.exp(-4 * gamma * t)) / 2, atol=5e-9)
    t_one = float(re.search(r"one half dephased holds for t <= ([0-9.e+-]+) s", out).group(1))
    assert (1 + math.exp(-2 * gamma * t_one)) / 2 == pytest.approx(0.999, abs=1e-8)


def test_repeater_chain_study_matches_werner_closed_form_and_plob():
    out = run_example("repeater_chain_study.py").stdout
    part1, part2 = out.split("Part 2")
    rows = numeric_rows(part1, 7)
    n = rows[:, 0]
    for k, f in enumerate((0.99, 0.999, 0.9999)):
        w = (4 * f - 1) / 3
        np.testing.assert_allclose(rows[:, 1 + 2 * k], 0.25 + 0.75 * w**n, atol=5e-7)  # ideal swaps
        assert np.all(rows[1:, 2 + 2 * k] < rows[1:, 1 + 2 * k])  # noisy swaps are worse after one swap
    rates = numeric_rows(part2, 7)
    d, direct, plob = rates[:, 0], rates[:, 1], rates[:, 6]
    eta = 10 ** (-0.2 * d / 10)
    np.testing.assert_allclose(plob, -np.log1p(-eta) / math.log(2), rtol=1e-3)  # printed to 4 digits
    assert np.all(direct < plob)  # no repeaterless scheme beats PLOB
    assert "direct: never" in part2
