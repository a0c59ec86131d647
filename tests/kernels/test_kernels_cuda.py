"""The optional CUDA path: same counts as the CPU kernel, bit for bit; clean failure without a GPU.

Without a GPU the kernel's logic is checked in Numba's CUDA simulator (NUMBA_ENABLE_CUDASIM=1, in
a subprocess because the simulator is chosen when numba.cuda is first imported). Tests that need a
real GPU skip with the reason.
"""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from cuda_markers import needs_gpu, needs_no_gpu, needs_numba_cuda

from pqms_physics.kernels import CudaUnavailableError, sample_counts
from pqms_physics.kernels import cuda as kcuda

SIM_SCRIPT = textwrap.dedent("""
    import json, warnings
    import numpy as np
    warnings.simplefilter("ignore")  # the simulator runs uint64 arithmetic on NumPy scalars (overflow warnings)
    from numba import config
    assert config.ENABLE_CUDASIM
    from pqms_physics.kernels import cuda as kc, sample_counts
    from pqms_physics.kernels._plan import make_plan
    tables = {"chsh": np.array([[0.425, 0.075, 0.075, 0.425]] * 3 + [[0.075, 0.425, 0.425, 0.075]]),
              "zero-cells": np.array([[0.5, 0.0, 0.2, 0.3], [0.0, 0.0, 1.0, 0.0]]),
              "wide-k40": np.random.default_rng(3).dirichlet(np.ones(40), size=2)}
    results = []
    for name, probs in tables.items():
        for rule in ("random", "cyclic", "blocks"):
            for window in (None, 24, 240):
                kw = dict(setting_choice=rule, window=window, start=240, total_pairs=1440, stream=5)
                plan = make_plan(probs, 480, 2**64 - 3, **kw)
                # tiny tasks, few threads and launches splitting windows: every code path is hit
                c, w = kc.count_plan(plan, per_thread=37, threads_per_block=4, blocks=3, launch_pairs=200)
                cpu = sample_counts(probs, 480, 2**64 - 3, **kw)
                same = np.array_equal(c.reshape(cpu.counts.shape), cpu.counts) and (
                    window is None or np.array_equal(w.reshape(cpu.window_counts.shape), cpu.window_counts))
                results.append([name, rule, window, bool(same)])
    print(json.dumps(results))
""")


@needs_numba_cuda
def test_cuda_kernel_logic_matches_cpu_counts_bit_for_bit_in_the_simulator():
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    proc = subprocess.run([sys.executable, "-c", SIM_SCRIPT], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len(results) == 27
    assert [r for r in results if not r[3]] == []


@needs_no_gpu
def test_cuda_device_without_a_gpu_raises_a_clear_runtime_error():
    with pytest.raises(CudaUnavailableError, match=r"device='cuda'.*(gpu|device='cpu')") as info:
        sample_counts([[0.5, 0.5]], 100, 1, device="cuda")
    assert isinstance(info.value, RuntimeError)


def test_bad_inputs_are_rejected_before_any_cuda_import():
    # validation happens first, so a bad call fails the same way with or without a GPU
    with pytest.raises(ValueError, match="pairs must be >= 1"):
        sample_counts([[0.5, 0.5]], 0, 1, device="cuda")


@needs_numba_cuda
def test_missing_row_stack_is_aliased_to_vstack_before_importing_numba_cuda(monkeypatch):
    # NumPy 2.5 removed np.row_stack, which numba-cuda references; the CUDA module aliases it
    monkeypatch.delattr(np, "row_stack", raising=False)
    kcuda._import_cuda()
    assert np.row_stack is np.vstack


@needs_gpu
@pytest.mark.parametrize("rule", ["random", "cyclic", "blocks"])
@pytest.mark.parametrize("window", [None, 1000, 4_000_000])
def test_gpu_counts_equal_cpu_counts_bit_for_bit(rule, window):
    probs = np.array([[0.425, 0.075, 0.075, 0.425]] * 3 + [[0.075, 0.425, 0.425, 0.075]])
    kw = dict(setting_choice=rule, window=window, start=4_000_000, total_pairs=40_000_000, seed=9)
    gpu = sample_counts(probs, 20_000_000, device="cuda", **kw)
    cpu = sample_counts(probs, 20_000_000, **kw)
    np.testing.assert_array_equal(gpu.counts, cpu.counts)
    if window is not None:
        np.testing.assert_array_equal(gpu.window_counts, cpu.window_counts)
    assert gpu.device == "cuda"


@needs_gpu
def test_gpu_wide_rows_use_the_search_path_and_still_match():
    probs = np.random.default_rng(1).dirichlet(np.ones(50), size=2)
    gpu = sample_counts(probs, 1_000_000, 4, device="cuda", window=10_000)
    np.testing.assert_array_equal(gpu.window_counts, sample_counts(probs, 1_000_000, 4, window=10_000).window_counts)


@needs_numba_cuda
def test_an_existing_row_stack_is_left_alone():
    # the alias is process-wide, so it is set only where NumPy lacks the name
    sentinel = object()
    old = getattr(np, "row_stack", None)
    np.row_stack = sentinel
    try:
        kcuda._import_cuda()
        assert np.row_stack is sentinel
    finally:
        if old is None:
            del np.row_stack
        else:
            np.row_stack = old
