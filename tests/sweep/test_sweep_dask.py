"""Sweeps on dask.distributed: a LocalCluster with 2 workers gives the local result point for point."""

from __future__ import annotations

import socket

import numpy as np
import pytest
from sweep_helpers import data_equal, listing, write_config

from pqms_physics.sweep.engine import run_sweep

distributed = pytest.importorskip("distributed", reason="dask.distributed is the optional 'dask' extra")

CASES = {
    "probe": (
        {"quantity": "sweep_probe:SWEEP_PROBE", "seed": 3, "chunk_points": 5},
        {"x": [0.25, -2.0, 9.5], "n": [0, 1, 2, 3, 4, 5, 6]},
        {},
    ),
    "chain": (
        {"quantity": "fidelity_vs_hops", "chunk_points": 10},
        {"hops": [1, 2, 7, 100], "link_fidelity": [0.8, 0.95, 0.999], "twirl": [False, True]},
        {"gate_fidelity": 0.99, "measurement_fidelity": 0.995},
    ),
    "pool_bias": (
        {"quantity": "pool_bias", "seed": 8, "chunk_points": 3},
        {"trial": list(range(6)), "basis": ["z", "x"]},
        {"pairs_per_pool": 300, "sampler": "multinomial", "sender_gamma_per_s": 0.2},
    ),
}


class Stop(Exception):
    pass


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=50
    ) as c:
        yield c


@pytest.mark.parametrize(
    "case",
    [
        "probe",
        "chain",
        # its workers also import the NCT/kernel stack (Numba): several more seconds, so outside the default run
        pytest.param("pool_bias", marks=pytest.mark.slow),
    ],
)
def test_local_cluster_gives_the_local_result_point_for_point(tmp_path, cluster, case):
    sweep, params, fixed = CASES[case]
    local = run_sweep(write_config(tmp_path / "local.toml", sweep, params, fixed), workers=1, progress=False)
    dask = run_sweep(
        write_config(tmp_path / "dask.toml", sweep, params, fixed), scheduler=cluster.scheduler_address, progress=False
    )
    assert dask.attrs["executor"] == f"dask:{cluster.scheduler_address}"
    assert dask.attrs["config_hash"] == local.attrs["config_hash"]
    assert data_equal(local, dask)  # exact equality of every coordinate and every output value
    for name in local.data_vars:
        assert np.array_equal(local[name].values, dask[name].values)


def test_a_dask_run_resumes_a_local_checkpoint(tmp_path, cluster):
    sweep, params, fixed = CASES["probe"]
    config = write_config(tmp_path / "p.toml", sweep, params, fixed)

    def stop_after_two(done, total):
        if done >= 2:
            raise Stop

    with pytest.raises(Stop):
        run_sweep(config, workers=1, progress=stop_after_two)
    ds = run_sweep(config, scheduler=cluster.scheduler_address, progress=False)
    assert (ds.attrs["chunks_resumed"], ds.attrs["chunks_computed"]) == (2, 3)
    reference = run_sweep(write_config(tmp_path / "r.toml", sweep, params, fixed), workers=1, progress=False)
    assert data_equal(ds, reference)


def test_an_unreachable_scheduler_leaves_the_disk_untouched(tmp_path, monkeypatch):
    import pqms_physics.cluster as ex

    monkeypatch.setattr(ex, "CONNECT_TIMEOUT_S", 1.0)
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sweep, params, fixed = CASES["probe"]
    config = write_config(tmp_path / "p.toml", sweep, params, fixed)
    before = listing(tmp_path)
    with pytest.raises(ConnectionError, match=rf"cannot reach the dask scheduler at 'tcp://127.0.0.1:{port}'"):
        run_sweep(config, scheduler=f"tcp://127.0.0.1:{port}", progress=False)
    assert listing(tmp_path) == before


def test_local_cluster_keyword_starts_its_own_cluster(tmp_path):
    sweep, params, fixed = CASES["probe"]
    ds = run_sweep(
        write_config(tmp_path / "p.toml", sweep, params, fixed), scheduler="local-cluster", workers=1, progress=False
    )
    reference = run_sweep(write_config(tmp_path / "r.toml", sweep, params, fixed), workers=1, progress=False)
    assert ds.attrs["executor"].startswith("dask:tcp://127.0.0.1:") and data_equal(ds, reference)
