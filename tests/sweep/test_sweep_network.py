"""The random-network capacity sweep quantity: the sweep engine (local and on a dask LocalCluster) gives, per
point, the statistics of the capacity matrix of the topology built from that point's seed."""

import numpy as np
import pytest
from sweep_helpers import write_config

from pqms_physics.network.graphs import capacity_matrix, random_geometric_network
from pqms_physics.sweep.engine import run_sweep
from pqms_physics.sweep.spec import point_seeds

QUANTITY = "pqms_physics.sweep.quantities_network:RANDOM_NETWORK_CAPACITY"
SWEEP = {"quantity": QUANTITY, "seed": 11, "chunk_points": 2}
PARAMS = {"trial": [0, 1, 2], "multipath": [False, True]}
FIXED = {"topology": "random_geometric", "n_nodes": 30, "side_km": 40.0, "radius_km": 12.0}


def test_each_point_is_the_capacity_matrix_of_its_seeded_topology(tmp_path):
    ds = run_sweep(write_config(tmp_path / "c.toml", SWEEP, PARAMS, FIXED), workers=1, progress=False)
    seeds = point_seeds(11, np.arange(6)).reshape(3, 2)
    for i in range(3):
        for j, multipath in enumerate((False, True)):
            g = random_geometric_network(30, 40.0, 12.0, seed=int(seeds[i, j]))
            m = capacity_matrix(g, multipath=multipath).values
            pairs = m[np.triu_indices(30, 1)]
            point = ds.isel(trial=i, multipath=j)
            assert float(point["mean_capacity"]) == pytest.approx(pairs.mean(), rel=1e-12)
            assert float(point["connected_fraction"]) == pytest.approx(np.mean(pairs > 0))
            assert int(point["n_edges"]) == g.number_of_edges()
    # flooding is never below single-path: compare on the same topology (same seed) only
    g = random_geometric_network(30, 40.0, 12.0, seed=int(seeds[0, 0]))
    single, multi = capacity_matrix(g).values, capacity_matrix(g, multipath=True).values
    assert np.all(np.nan_to_num(multi) >= np.nan_to_num(single) * (1 - 1e-12))


def test_dask_local_cluster_gives_the_local_result(tmp_path):
    distributed = pytest.importorskip("distributed")
    local = run_sweep(write_config(tmp_path / "l.toml", SWEEP, PARAMS, FIXED), workers=1, progress=False)
    # threads in this process, on tcp: the sweep engine takes tcp:// or tls:// addresses
    with distributed.LocalCluster(n_workers=2, processes=False, protocol="tcp://", dashboard_address=":0") as cluster:
        remote = run_sweep(
            write_config(tmp_path / "d.toml", SWEEP, PARAMS, FIXED), scheduler=cluster.scheduler_address, progress=False
        )
    for name in local.data_vars:
        assert np.array_equal(local[name].values, remote[name].values)
