"""Narrow-key counting of the random rule (kernels/simd_narrow.py): 16-bit compares, exact by tie correction.

The law the kernels rest on is checked for every input (hypothesis): the top 16 bits ``k`` of a draw
decide ``v < J`` unless ``k`` equals the fast threshold ``t``. The counts are checked against the per-pair
definition (tests/helpers/random_rule_oracle.py) on ranges that contain such ties, so the exact
correction of flagged lanes is exercised (the flushes of the per-lane fields: ``test_kernels_random_v2.py``).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from random_rule_oracle import draws, per_pair_counts

from pqms_physics.kernels import cpu, narrow, sample_counts, simd_narrow, simd_random
from pqms_physics.kernels.rng import DRAW_BITS, GAMMA, mix64_array, thresholds


@given(
    bits=st.sampled_from([0, 1, 2]),
    j_val=st.integers(min_value=0, max_value=4 << DRAW_BITS),
    u=st.integers(min_value=0, max_value=(1 << 64) - 1),
)
def test_the_top_sixteen_bits_decide_every_compare_but_the_fast_threshold(bits, j_val, u):
    j_val = min(j_val, (1 << bits) << DRAW_BITS)  # J <= S << 53
    v, k = u >> (64 - DRAW_BITS - bits), u >> 48
    t = int(narrow.fast_thresholds(np.array([j_val], dtype=np.int64), bits)[0])
    assert 0 <= t <= 0xFFFF
    if k != t:
        assert (v < j_val) == (k < t)


@given(bits=st.sampled_from([0, 1, 2]), j_val=st.integers(min_value=0, max_value=4 << DRAW_BITS))
def test_a_key_equal_to_the_fast_threshold_can_fall_on_either_side_only_when_j_has_low_bits(bits, j_val):
    j_val = min(j_val, (1 << bits) << DRAW_BITS)
    sh = 64 - DRAW_BITS - bits
    t = int(narrow.fast_thresholds(np.array([j_val], dtype=np.int64), bits)[0])
    lo_v, hi_v = t << (48 - sh), ((t + 1) << (48 - sh)) - 1  # the v values whose key is t
    below = {lo_v < j_val, hi_v < j_val}
    assert len(below) == 1 or (j_val & ((1 << (48 - sh)) - 1)) != 0


def _tie_pairs(probs, pairs, seed, start=0, stream=0):
    """Pairs whose key equals a fast threshold of their own setting (the lanes the kernels correct)."""
    p = np.asarray(probs)
    s_count = p.shape[0]
    b = s_count.bit_length() - 1
    rows = thresholds(p, "cyclic")[:, 1:-1]
    joint = (np.arange(s_count, dtype=np.int64)[:, None] << DRAW_BITS) + rows
    fast = narrow.fast_thresholds(joint, b)
    u = draws(pairs, seed, start, stream)
    s, k = (u >> np.uint64(64 - b)).astype(np.int64), (u >> np.uint64(48)).astype(np.int64)
    return int((k[:, None] == fast[s]).any(axis=1).sum())


CASES = {
    "chsh": np.array(
        [[0.4267767, 0.0732233, 0.0732233, 0.4267767]] * 3 + [[0.0732233, 0.4267767, 0.4267767, 0.0732233]]
    ),
    "dyadic": np.array(
        [[0.25, 0.25, 0.25, 0.25], [0.5, 0.0, 0.5, 0.0], [0.125, 0.375, 0.5, 0.0], [1.0, 0.0, 0.0, 0.0]]
    ),
    "edges": np.array([[0.0, 0.3, 0.7], [0.2, 0.8, 0.0]]),
    "eight": np.random.default_rng(3).dirichlet(np.ones(9), size=2),
    "sixteen": np.random.default_rng(4).dirichlet(np.ones(17), size=4),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_counts_with_tie_lanes_equal_the_per_pair_definition(name):
    probs = CASES[name]
    pairs, start = 1 << 19, 12_345  # ~30 tie lanes per inner threshold; a remainder after the last block
    ties = _tie_pairs(probs, pairs, 21, start=start, stream=1)
    assert ties > 0  # the correction path runs
    res = sample_counts(probs, pairs, 21, start=start, total_pairs=1 << 20, stream=1, device="cpu")
    np.testing.assert_array_equal(res.counts, per_pair_counts(probs, pairs, 21, start=start, stream=1))


@pytest.mark.parametrize("step", [1, 3])
def test_fixed_row_counts_with_tie_lanes_equal_numpy(step):
    # one threshold row on r = u >> 11 (blocks and cyclic rules), stride step * GAMMA; thresholds with low
    # bits (ties at their key), dyadic ones (flagged but decided), 0 and 2**53
    one = 1 << DRAW_BITS
    ts = (0, one // 4, 1234567890123457, one // 2, 5 * one // 7, one)
    n, x0, dx = (1 << 19) + 77, np.uint64(0x1234_5678_9ABC_DEF1), np.uint64(step * GAMMA % 2**64)
    u = mix64_array(x0 + np.arange(n, dtype=np.uint64) * dx)
    r, k = (u >> np.uint64(11)).astype(np.int64), (u >> np.uint64(48)).astype(np.int64)
    fast = narrow.fast_thresholds(np.array(ts, dtype=np.int64), 0)
    assert (k[:, None] == fast[None, :]).any(axis=1).sum() > 0  # the correction path runs
    lt = np.zeros(len(ts), dtype=np.int64)
    cpu._fused(x0, dx, n, ts, lt, np.zeros(cpu.TILE, dtype=np.int64))
    assert lt.tolist() == [int((r < t).sum()) for t in ts]


def test_block_lanes_are_a_permutation_of_the_block():
    lanes = sorted(simd_narrow.lane_of(v, bit) for v in range(simd_narrow.NV) for bit in range(simd_narrow.KV))
    assert lanes == list(range(simd_narrow.NLANES))


def test_packed_table_carries_the_narrow_tables_only_where_they_are_compiled():
    t = thresholds(CASES["chsh"], "random")
    row = simd_random.packed_table(t, 4, 3)[0]
    extra = 0 if simd_narrow.MODE is None else narrow.n_tables(3) * simd_narrow.TW // 4
    assert row.size == 3 * 4 + extra
