"""The explicit-SIMD block counter and the kernels' calling convention."""

import inspect

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from pqms_physics.kernels import cpu, cpu_search, simd
from pqms_physics.kernels.rng import DRAW_ONE, GAMMA, draws

G = np.uint64(GAMMA)


@njit(cache=True)
def _one_block(x, dx, t3):
    return simd.block_counts(x, dx, t3, simd.zeros_like_tuple(t3))


@njit(cache=True)
def _fused_lt(x, dx, n, ts, lt):
    cpu._fused(x, dx, n, ts, lt, np.zeros(cpu.TILE, dtype=np.int64))


@settings(max_examples=60, deadline=None)
@given(
    key=st.integers(0, 2**64 - 1),
    start=st.integers(0, 2**40),
    step=st.integers(1, 64),
    t=st.lists(st.integers(0, DRAW_ONE), min_size=3, max_size=3),
)
def test_a_block_counts_the_draws_below_each_threshold_as_the_stream_defines_them(key, start, step, t):
    # oracle: rng.draws (NumPy uint64 arithmetic, the documented stream) and a direct comparison
    r = draws(key, start, simd.LANES, step)
    x = np.uint64((key + (start + 1) * GAMMA) % 2**64)
    dx = np.uint64(step * GAMMA % 2**64)
    got = _one_block(x, dx, tuple(t))
    assert list(got) == [int((r < tj).sum()) for tj in t]


@pytest.mark.parametrize("n", [0, 1, simd.LANES - 1, simd.LANES, 5 * simd.LANES + 17, 7 * 128 + 64 + 9])
@pytest.mark.parametrize("width", [1, 2, 3, 4, 8, 16])
def test_fused_loop_with_tail_counts_like_numpy(n, width):
    key = 0xDEADBEEF
    r = draws(key, 7, n)
    rng = np.random.default_rng(width)
    ts = tuple(int(v) for v in np.sort(rng.integers(0, DRAW_ONE + 1, size=width)))
    ts = (0,) + ts[1:-1] + (DRAW_ONE,) if width > 2 else ts  # the edges 0 and 2**53 count none and all
    lt = np.zeros(width, dtype=np.int64)
    _fused_lt(np.uint64((key + 8 * GAMMA) % 2**64), G, n, ts, lt)
    assert lt.tolist() == [int((r < tj).sum()) for tj in ts]


def test_no_kernel_takes_more_than_eight_positional_arguments():
    import pqms_physics.kernels.cuda as kcuda

    kernels = [getattr(cpu, name) for name in dir(cpu) if hasattr(getattr(cpu, name), "py_func")]
    widest = {k.py_func.__name__: len(inspect.signature(k.py_func).parameters) for k in kernels}
    assert widest and max(widest.values()) <= 8, widest
    src = inspect.getsource(kcuda._kernel)
    for line in src.splitlines():
        if line.strip().startswith("def "):
            params = line.split("(", 1)[1].rsplit(")", 1)[0]
            assert len([p for p in params.split(",") if p.strip()]) <= 8, line


@pytest.mark.parametrize("rule", ["random", "blocks"])
def test_guide_table_path_equals_the_numpy_twin_with_zero_and_tiny_cells(rule):
    # 48 cells per row (> 32 thresholds: guide table for segments >= GUIDE_MIN_PAIRS draws), with zero cells
    # and cells of probability 1e-9 whose thresholds share one guide bucket (the forward scan must step over them)
    from pqms_physics.kernels import sample_counts, sample_counts_reference

    rng = np.random.default_rng(5)
    probs = rng.dirichlet(np.ones(48), size=2)
    probs[:, 3:6] = 1e-9
    probs[:, 10] = 0.0
    probs /= probs.sum(axis=1, keepdims=True)
    n = 4 * cpu_search.GUIDE_MIN_PAIRS + 123
    kw = dict(setting_choice=rule, start=10, total_pairs=2 * n, stream=1)
    fast = sample_counts(probs, n, 3, **kw)
    np.testing.assert_array_equal(fast.counts, sample_counts_reference(probs, n, 3, **kw).counts)
    assert fast.counts[:, 10].sum() == 0
