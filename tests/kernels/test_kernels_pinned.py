"""Known-answer tests (numpy ``test_direct`` style): counts pinned in data/pinned_counts.csv.

The file was written by data/make_pinned_counts.py from the stream as specified in the rng docstring
(Python integers) and checked there against the NumPy twin. Every sampler must reproduce it exactly:
the CPU kernel (natively and compiled for another instruction set), the NumPy twin, and the CUDA kernel
in Numba's CUDA simulator. A change to how draws map to cells fails here; a deliberate change of the
stream must bump STREAM_VERSION and regenerate the file.
"""

import csv
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import llvmlite.binding as llvm
import numpy as np
import pytest

from pqms_physics.kernels import STREAM_VERSION, CudaUnavailableError, sample_counts
from pqms_physics.kernels import cuda as kcuda

DATA = Path(__file__).parent / "data" / "pinned_counts.csv"
REPO = Path(__file__).resolve().parents[2]


def _cases():
    with open(DATA, newline="") as fh:
        return list(csv.DictReader(fh))


CASES = _cases()
RUN_CASES = textwrap.dedent("""
    import csv, json, sys, warnings
    warnings.simplefilter("ignore")  # the CUDA simulator runs uint64 arithmetic on NumPy scalars
    from pqms_physics.kernels import sample_counts
    device = sys.argv[1]
    out = {}
    for row in csv.DictReader(open(sys.argv[2], newline="")):
        res = sample_counts(json.loads(row["probs_json"]), int(row["pairs"]), int(row["seed"]),
                            setting_choice=row["setting_choice"], stream=int(row["stream"]),
                            start=int(row["start"]), total_pairs=int(row["total_pairs"]), device=device)
        out[row["case"]] = res.counts.ravel().tolist()
    from numba.core.registry import cpu_target
    cg = cpu_target.target_context.codegen()
    print(json.dumps(dict(counts=out, cpu=cg._get_host_cpu_name(), features=cg._tm_features)))
""")


def _pinned(row):
    return [int(v) for v in row["counts"].split()]


def _run(row, device):
    res = sample_counts(
        json.loads(row["probs_json"]),
        int(row["pairs"]),
        int(row["seed"]),
        setting_choice=row["setting_choice"],
        stream=int(row["stream"]),
        start=int(row["start"]),
        total_pairs=int(row["total_pairs"]),
        device=device,
    )
    return res.counts.ravel().tolist()


def test_the_pinned_file_belongs_to_the_current_stream_and_covers_every_rule_and_code_path():
    assert {row["stream_version"] for row in CASES} == {STREAM_VERSION}
    assert {row["setting_choice"] for row in CASES} == {"random", "cyclic", "blocks"}
    # inner thresholds per row: 1..4 and 5..16 (block counter), 17..32 (buffered), > 32 (binary search)
    widths = set()
    for row in CASES:
        p = np.array(json.loads(row["probs_json"]))
        widths.add(p.size - 1 if row["setting_choice"] == "random" else p.shape[1] - 1)
    assert any(w <= 4 for w in widths) and any(4 < w <= 16 for w in widths)
    assert any(16 < w <= 32 for w in widths) and any(w > 32 for w in widths)


@pytest.mark.parametrize("row", CASES, ids=[row["case"] for row in CASES])
@pytest.mark.parametrize("device", ["cpu", "numpy"])
def test_counts_equal_the_pinned_known_answers(row, device):
    assert _run(row, device) == _pinned(row)


def _other_isa():
    """(cpu name, feature string) of an instruction set this host can run but does not use natively."""
    if llvm.get_process_triple().split("-")[0] not in ("x86_64", "amd64"):
        return None
    feats = llvm.get_host_cpu_features()
    base = "+64bit,+cmov,+cx16,+sse,+sse2,+sse3,+ssse3,+sse4.1,+sse4.2,+popcnt"
    if feats.get("avx512f") and feats.get("avx2"):  # AVX-512 host: compile the AVX2 (Haswell) path
        return "haswell", base + ",+avx,+avx2,+bmi,+bmi2,+f16c,+fma,+lzcnt,+movbe,+xsave"
    return "x86-64", base  # AVX2 (or older) host: the SSE baseline


OTHER_ISA = _other_isa()


@pytest.mark.skipif(OTHER_ISA is None, reason="not an x86-64 host: no second instruction set to compile for")
def test_cpu_kernel_compiled_for_another_instruction_set_gives_the_pinned_counts():
    name, features = OTHER_ISA
    env = dict(os.environ, NUMBA_CPU_NAME=name, NUMBA_CPU_FEATURES=features)
    proc = subprocess.run(
        [sys.executable, "-c", RUN_CASES, "cpu", str(DATA)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["cpu"] == name and "+avx512f" not in out["features"]
    assert out["counts"] == {row["case"]: _pinned(row) for row in CASES}


def _numba_cuda_reason():
    try:
        kcuda._import_cuda()
    except CudaUnavailableError as exc:
        return str(exc)
    return None


@pytest.mark.skipif(_numba_cuda_reason() is not None, reason=f"{_numba_cuda_reason()}")
def test_cuda_kernel_in_the_simulator_gives_the_pinned_counts():
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    proc = subprocess.run(
        [sys.executable, "-c", RUN_CASES, "cuda", str(DATA)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["counts"] == {row["case"]: _pinned(row) for row in CASES}
