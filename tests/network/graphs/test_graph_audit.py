"""The swarm audit rows: the route's fidelity is the Werner product along it; the 'needed' link fidelity
reproduces the claimed figure when put back into the model; the light-time bound is distance / c."""

import math

import pytest

from pqms_physics.audit.claims import COMPUTATIONS, AuditContext
from pqms_physics.conventions import FIBRE_SPEED_KM_PER_S, SPEED_OF_LIGHT_KM_PER_S

PARAMS = dict(
    n_districts=4,
    nodes_per_district=20,
    district_radius_km=2.0,
    metro_radius_km=10.0,
    neighbours=2,
    seed=1,
    target_district=2,
    link_fidelity=0.999,
    gate_fidelity=0.9995,
    measurement_fidelity=1.0,
    coherence_time_s=0.01,
    loss_db_per_km=0.2,
)
CTX = AuditContext(seed=0, quick=True)


def test_swarm_fidelity_is_the_werner_product_along_the_route():
    f = COMPUTATIONS["swarm_fidelity"](PARAMS, 0.999, CTX)
    n, length = f.details["hops"], f.details["route_length_km"]
    w = ((4 * 0.999 - 1) / 3) ** n * 0.9995 ** (n - 1)
    # best-case memory waits (routing module docstring): each link's two qubits wait L_e/c, the two end qubits
    # L_route/c: total exposure 2 L_route/c + 2 L_route/c with T = 0.01 s
    w *= math.exp(-4 * length / FIBRE_SPEED_KM_PER_S / 0.01)
    assert f.computed == pytest.approx((1 + 3 * w) / 4, rel=1e-12)
    assert f.verdict == "inconsistent"


def test_needed_link_fidelity_reaches_the_claimed_qber():
    params = dict(PARAMS, coherence_time_s=1.0)
    q = COMPUTATIONS["swarm_qber"](params, 0.004, CTX)
    needed = q.details["link_fidelity_needed"]
    again = COMPUTATIONS["swarm_qber"](dict(params, link_fidelity=needed), 0.004, CTX)
    assert again.computed == pytest.approx(0.004, rel=1e-9)


def test_swarm_latency_and_capacity_rows():
    lat = COMPUTATIONS["swarm_latency"](PARAMS, 1e-8, CTX)
    assert lat.computed >= 2 * 10.0 / SPEED_OF_LIGHT_KM_PER_S  # gateways on opposite sides of a 10 km ring
    assert lat.verdict == "inconsistent"
    cap = COMPUTATIONS["swarm_capacity"](PARAMS, 1e10, CTX)
    assert cap.details["multipath"] >= cap.details["single_path"] > 0
    assert cap.verdict == "conditional"
