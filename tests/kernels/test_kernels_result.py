"""SampleCounts: merging shards is exact, ordered and refuses incompatible shards."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pqms_physics.errors import PQMSValueError
from pqms_physics.kernels import SampleCounts, sample_counts

P = np.array([[0.6, 0.1, 0.1, 0.2], [0.25, 0.25, 0.25, 0.25]])
TOTAL, W = 6000, 200


def shard(lo, hi, seed=3, probs=P, **kw):
    args = dict(setting_choice="cyclic", window=W, start=lo, total_pairs=TOTAL, device="numpy")
    args.update(kw)
    return sample_counts(probs, hi - lo, seed, **args)


@given(cuts=st.lists(st.integers(1, TOTAL // W - 1), unique=True, max_size=6), order=st.randoms(use_true_random=False))
def test_merging_shards_in_any_order_equals_the_single_run(cuts, order):
    edges = [0] + sorted(c * W for c in cuts) + [TOTAL]
    parts = [shard(lo, hi) for lo, hi in zip(edges[:-1], edges[1:], strict=True)]
    order.shuffle(parts)
    merged = parts[0]
    for p in parts[1:]:
        merged = merged + p
    whole = shard(0, TOTAL)
    np.testing.assert_array_equal(merged.counts, whole.counts)
    np.testing.assert_array_equal(merged.window_counts, whole.window_counts)
    assert (merged.pairs, merged.start, merged.ranges, merged.complete) == (TOTAL, 0, ((0, TOTAL),), True)


def test_disjoint_shards_keep_their_ranges_and_window_rows_in_pair_order():
    a, c = shard(0, 1000), shard(4000, 6000)
    ac = c + a
    assert ac.ranges == ((0, 1000), (4000, 6000)) and ac.pairs == 3000 and not ac.complete
    np.testing.assert_array_equal(ac.window_counts[:5], a.window_counts)
    np.testing.assert_array_equal(ac.window_counts[5:], c.window_counts)
    whole = ac + shard(1000, 4000)
    np.testing.assert_array_equal(whole.window_counts, shard(0, TOTAL).window_counts)


def test_shards_from_different_devices_merge_and_record_both():
    merged = shard(0, 2000) + shard(2000, 6000, device="cpu")
    assert merged.device == "cpu+numpy"
    np.testing.assert_array_equal(merged.counts, shard(0, TOTAL).counts)


@pytest.mark.parametrize(
    "other, match",
    [
        pytest.param(lambda: shard(1000, 2000, seed=4), "seed", id="seed"),
        pytest.param(lambda: shard(1000, 2000, stream=1), "stream", id="stream"),
        pytest.param(lambda: shard(1000, 2000, setting_choice="blocks"), "setting_choice", id="rule"),
        pytest.param(lambda: shard(1000, 2000, total_pairs=12000), "total_pairs", id="total"),
        pytest.param(lambda: shard(1000, 2000, window=100), "window", id="window"),
        pytest.param(lambda: shard(1000, 2000, probs=P[::-1]), "table_hash", id="other-probs"),
        pytest.param(
            lambda: shard(800, 2000), r"must not overlap, got ranges \[0, 1000\) and \[800, 2000\)", id="overlap"
        ),
    ],
)
def test_incompatible_shards_refuse_to_merge(other, match):
    first, second = shard(0, 1000), other()
    with pytest.raises(PQMSValueError, match=match):
        first + second


def test_shards_with_a_different_outcome_count_refuse_to_merge():
    a = sample_counts([[0.5, 0.5]], 100, 1, total_pairs=200, device="numpy")
    b = sample_counts([[0.5, 0.25, 0.25]], 100, 1, start=100, total_pairs=200, device="numpy")
    with pytest.raises(PQMSValueError, match="table_hash|counts shape"):
        a + b


def test_adding_something_else_is_a_type_error():
    with pytest.raises(TypeError):
        shard(0, 1000) + 1
    with pytest.raises(TypeError):
        np.zeros((2, 4)) + shard(0, 1000)


def test_constructor_rejects_window_counts_of_the_wrong_shape():
    with pytest.raises(PQMSValueError, match=r"window_counts must have shape \(n_windows, 2, 2\)"):
        SampleCounts(
            counts=np.zeros((2, 2)),
            window_counts=np.zeros((3, 2, 3)),
            pairs=0,
            start=0,
            total_pairs=1,
            seed=0,
            stream=0,
            setting_choice="random",
            window=1,
            device="cpu",
            stream_version="x",
        )
