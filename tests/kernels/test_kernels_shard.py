"""One run spread over a dask.distributed cluster gives exactly the single call's counts."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pqms_physics.errors import PQMSValueError
from pqms_physics.kernels import sample_counts
from pqms_physics.kernels.shard import merge_shards, sample_counts_sharded, shard_ranges

distributed = pytest.importorskip("distributed", reason="dask.distributed is the optional 'dask' extra")

CHSH = np.array([[0.425, 0.075, 0.075, 0.425]] * 3 + [[0.075, 0.425, 0.425, 0.075]])


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            processes=False, n_workers=2, threads_per_worker=1, dashboard_address=":0", silence_logs=50
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


@pytest.mark.parametrize("rule", ["random", "cyclic", "blocks"])
@pytest.mark.parametrize("window", [None, 3_000])
def test_sharded_run_equals_the_single_call_exactly(client, rule, window):
    kw = dict(setting_choice=rule, window=window, stream=4, start=6_000, total_pairs=60_000)
    whole = sample_counts(CHSH, 30_000, 11, **kw)
    sharded = sample_counts_sharded(CHSH, 30_000, 11, scheduler=client, shards=7, progress=False, **kw)
    np.testing.assert_array_equal(sharded.counts, whole.counts)
    if window is not None:
        np.testing.assert_array_equal(sharded.window_counts, whole.window_counts)
    assert sharded.ranges == whole.ranges and sharded.to_dict()["counts"] == whole.to_dict()["counts"]


def test_shards_on_mixed_devices_and_a_scheduler_address_give_the_same_counts(client):
    whole = sample_counts(CHSH, 20_000, 5, setting_choice="cyclic")
    by_address = sample_counts_sharded(
        CHSH,
        20_000,
        5,
        setting_choice="cyclic",
        scheduler=client.scheduler.address,
        shards=3,
        device="numpy",
        progress=False,
    )
    np.testing.assert_array_equal(by_address.counts, whole.counts)
    assert by_address.device == "numpy"


def test_progress_counts_every_shard_once(client):
    seen = []
    sample_counts_sharded(
        CHSH, 10_000, 1, scheduler=client, shards=5, progress=lambda done, total: seen.append((done, total))
    )
    assert seen == [(k, 5) for k in range(1, 6)]


@settings(max_examples=200, deadline=None)
@given(
    start=st.integers(0, 10**6),
    units=st.integers(1, 500),
    unit=st.integers(1, 50),
    shards=st.integers(1, 80),
    windowed=st.booleans(),
)
def test_shard_ranges_tile_the_run_with_whole_windows(start, units, unit, shards, windowed):
    window = unit if windowed else None
    start = start * unit
    pairs = units * unit
    ranges = shard_ranges(start, pairs, shards, window)
    assert ranges[0][0] == start and ranges[-1][1] == start + pairs
    assert all(a[1] == b[0] for a, b in zip(ranges[:-1], ranges[1:], strict=True))
    assert all(hi > lo for lo, hi in ranges) and len(ranges) <= shards
    if window:
        assert all(lo % window == 0 and hi % window == 0 for lo, hi in ranges)
    assert max(hi - lo for lo, hi in ranges) - min(hi - lo for lo, hi in ranges) <= unit


def test_merging_shards_out_of_order_or_with_gaps_is_refused():
    a = sample_counts(CHSH, 100, 1, total_pairs=300, device="numpy")
    b = sample_counts(CHSH, 100, 1, start=200, total_pairs=300, device="numpy")
    with pytest.raises(PQMSValueError, match="shards to merge must be consecutive"):
        merge_shards([a, b])
    other = sample_counts(CHSH, 100, 2, start=100, total_pairs=300, device="numpy")
    with pytest.raises(PQMSValueError, match="shards to merge must have the same seed"):
        merge_shards([a, other])


def test_bad_scheduler_and_shards_are_named():
    with pytest.raises(PQMSValueError, match="scheduler must be a distributed.Client, .local-cluster. or a sch"):
        sample_counts_sharded(CHSH, 100, 1, scheduler=42, shards=2)
    with pytest.raises(PQMSValueError, match="shards must be >= 1, got 0"):
        sample_counts_sharded(CHSH, 100, 1, scheduler="tcp://nowhere:1", shards=0)


def test_sharded_pool_bias_equals_the_single_process_experiment(client):
    from pqms_physics.core.noise import dephasing
    from pqms_physics.nct.pools import pool_bias_experiment
    from pqms_physics.nct.sharded import pool_bias_sharded

    kw = dict(sender_channel=dephasing(0.3, 1.0), basis="x", stream=2, window_per_pool=2_000)
    single = pool_bias_experiment(10_000, 9, **kw)
    sharded = pool_bias_sharded(10_000, 9, scheduler=client, shards=4, progress=False, **kw)
    assert sharded.to_dict() == single.to_dict()
