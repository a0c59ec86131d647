"""Many-scenario capacity matrices: a dask LocalCluster (threads) gives exactly the local result, in order."""

import numpy as np
import pytest

from pqms_physics.errors import PQMSValueError
from pqms_physics.network.graphs import capacity_matrix, random_geometric_network
from pqms_physics.network.graphs.distributed import capacity_matrices, random_scenarios

distributed = pytest.importorskip("distributed")


def test_local_cluster_equals_local_and_each_matrix_equals_a_direct_call():
    scenarios = random_scenarios("random_geometric", 5, seed=3, n_nodes=25, side_km=50.0, radius_km=15.0)
    local = capacity_matrices(scenarios, multipath=True)
    with (
        distributed.LocalCluster(n_workers=2, processes=False, dashboard_address=":0") as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = capacity_matrices(scenarios, multipath=True, scheduler=client, chunk_size=2)
    assert len(remote) == 5
    for a, b in zip(local, remote, strict=True):
        assert a.nodes == b.nodes
        np.testing.assert_array_equal(a.values, b.values)
    s = scenarios[3]
    direct = capacity_matrix(random_geometric_network(25, 50.0, 15.0, seed=s["seed"]), multipath=True)
    np.testing.assert_array_equal(local[3].values, direct.values)


def test_scenarios_must_name_a_topology():
    with pytest.raises(PQMSValueError, match=r"scenarios\[0\] must name its topology"):
        capacity_matrices([{"seed": 1}])
