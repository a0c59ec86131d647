"""Audit computations for the documents' "1000-node swarm" claims, on the hierarchical network model.

The documents describe a metro swarm of 10 districts x 100 nodes with end-to-end fidelity 0.999, QBER < 0.004
and consensus latency < 10 ns. We build that network with stated, physical parameters
(:func:`pqms_physics.network.graphs.hierarchical_network`: district and metro radii, 0.2 dB/km fibre, link and
swap fidelities, memory coherence time), pick two users in different districts, and compute what the graph
layer gives: the best route's end-to-end fidelity and QBER, the capacity between the users, and the light-time
lower bound on any exchange across the metro area. Each finding states what the claim would need.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING

from pqms_physics.conventions import FIBRE_SPEED_KM_PER_S, SPEED_OF_LIGHT_KM_PER_S

if TYPE_CHECKING:  # claims.py imports this module to register it: Finding is imported where it is used
    from pqms_physics.audit.findings import AuditContext, Finding
    from pqms_physics.network.graphs.routing import Route


def _finding(*args, **kwargs) -> Finding:
    from pqms_physics.audit.findings import Finding

    return Finding(*args, **kwargs)


@functools.lru_cache(maxsize=4)
def _swarm(key: tuple):
    from pqms_physics.network.graphs import best_path, hierarchical_network, validate_network

    p = dict(key)
    graph = hierarchical_network(
        int(p["n_districts"]),
        int(p["nodes_per_district"]),
        district_radius_km=float(p["district_radius_km"]),
        metro_radius_km=float(p["metro_radius_km"]),
        neighbours=int(p["neighbours"]),
        seed=int(p["seed"]),
        edge_attrs={"link_fidelity": float(p["link_fidelity"]), "loss_db_per_km": float(p["loss_db_per_km"])},
        node_attrs={
            "gate_fidelity": float(p["gate_fidelity"]),
            "measurement_fidelity": float(p["measurement_fidelity"]),
            "coherence_time_s": float(p["coherence_time_s"]),
        },
    )
    model = validate_network(graph)
    m = int(p["nodes_per_district"])
    source, target = 1, int(p["target_district"]) * m + 1  # the first user of district 0 and of the other
    return model, source, target, best_path(model, source, target, by="fidelity")


def _or_none(x: float) -> float | None:
    return None if math.isnan(x) else x


def _key(params: dict) -> tuple:
    return tuple(sorted((k, v) for k, v in params.items() if not isinstance(v, list)))


def _setting(params: dict, route: Route) -> str:
    return (
        f"Hierarchical model: {params['n_districts']} districts x {params['nodes_per_district']} nodes "
        f"(district radius {params['district_radius_km']:g} km, gateways on a {params['metro_radius_km']:g} km "
        f"ring), links of F = {params['link_fidelity']:g}, swaps with gate fidelity {params['gate_fidelity']:g}, "
        f"memories T = {params['coherence_time_s']:g} s, {params['loss_db_per_km']:g} dB/km. Best route by "
        f"fidelity between users in districts 0 and {params['target_district']}: {route.hops} links, "
        f"{route.length_km:.1f} km."
    )


def _link_fidelity_needed(params: dict, route: Route, w_target: float) -> float:
    """Uniform link fidelity that gives end-to-end Werner parameter w_target on the same route, swaps and
    memories (Werner-symmetric swaps: w = w_link^n * p^(n-1) * memory); NaN when no link fidelity suffices."""
    n = route.hops
    w_now = (4 * route.fidelity - 1) / 3
    w_link = (4 * float(params["link_fidelity"]) - 1) / 3
    rest = w_now / w_link**n  # swaps and memories
    if rest <= w_target:
        return math.nan
    return (3 * (w_target / rest) ** (1.0 / n) + 1) / 4


def swarm_fidelity(params: dict, claimed: float, ctx: AuditContext) -> Finding:
    """End-to-end fidelity between users in different districts, and the link fidelity the claim needs."""
    model, source, target, route = _swarm(_key(params))
    f_needed = _link_fidelity_needed(params, route, (4 * claimed - 1) / 3)
    w_rest = (4 * route.fidelity - 1) / 3 / ((4 * float(params["link_fidelity"]) - 1) / 3) ** route.hops
    need = (
        f"F = {claimed:g} end to end needs every link at F >= {f_needed:.7f} on this route with these swaps"
        if not math.isnan(f_needed)
        else f"F = {claimed:g} end to end is out of reach on this route with these swaps: even perfect links give "
        f"F = {(1 + 3 * w_rest) / 4:.6f}; it needs fewer swaps or gate fidelity closer to 1"
    )
    verdict = "consistent" if route.fidelity >= claimed else "inconsistent"
    notes = (
        f"{_setting(params, route)} End-to-end F = {route.fidelity:.6f} (Werner links composed through the "
        f"Bell characters, Duer swap noise at each of the {route.hops - 1} repeaters). {need}."
    )
    return _finding(
        "end-to-end F across districts",
        route.fidelity,
        0.0,
        verdict,
        "network.graphs.best_path(by='fidelity')",
        notes,
        {
            "fidelity": route.fidelity,
            "path": list(route.path),
            "hops": route.hops,
            "route_length_km": route.length_km,
            "link_fidelity_needed": _or_none(f_needed),
        },
    )


def swarm_qber(params: dict, claimed: float, ctx: AuditContext) -> Finding:
    """Z-basis QBER between users in different districts, and the link fidelity QBER < claimed needs."""
    model, source, target, route = _swarm(_key(params))
    # Werner-symmetric route: QBER_Z = (1 - w)/2, so QBER < q needs w > 1 - 2 q
    f_needed = _link_fidelity_needed(params, route, 1 - 2 * claimed)
    verdict = "consistent" if route.qber_z < claimed else "inconsistent"
    notes = f"{_setting(params, route)} QBER (Z basis) = {route.qber_z:.5f}, X basis {route.qber_x:.5f}. " + (
        f"QBER < {claimed:g} needs every link at F >= {f_needed:.7f} on this route with these swaps."
        if not math.isnan(f_needed)
        else f"QBER < {claimed:g} is out of reach on this route with these swaps and memories, even with perfect links."
    )
    return _finding(
        "QBER (Z basis) across districts",
        route.qber_z,
        0.0,
        verdict,
        "network.graphs.best_path(by='fidelity').qber_z",
        notes,
        {"qber_z": route.qber_z, "qber_x": route.qber_x, "link_fidelity_needed": _or_none(f_needed)},
    )


def swarm_capacity(params: dict, claimed: float, ctx: AuditContext) -> Finding:
    """Single-path and multipath capacity between the two users, and the channel-use rate a bit rate needs."""
    from pqms_physics.network.graphs import network_capacity

    model, source, target, route = _swarm(_key(params))
    single = network_capacity(model, source, target).capacity
    multi = network_capacity(model, source, target, multipath=True).capacity
    uses_needed = claimed / multi
    notes = (
        f"{_setting(params, route)} Capacity between the two users (Pirandola 2019, pure-loss edges): "
        f"single-path {single:.3f}, multipath {multi:.3f} ebits (or secret bits) per channel use, with ideal "
        f"repeaters. {claimed:.3g} bit/s would need at least {uses_needed:.3g} channel uses per second on the "
        f"edges of the minimum cut (a mode rate the documents do not state), with perfect repeaters and no other "
        f"traffic."
    )
    return _finding(
        "multipath capacity, ebits per use",
        multi,
        0.0,
        "conditional",
        "network.graphs.network_capacity",
        notes,
        {"single_path": single, "multipath": multi, "channel_uses_per_s_needed": uses_needed},
    )


def swarm_latency(params: dict, claimed: float, ctx: AuditContext) -> Finding:
    """Light-time lower bound on any consensus across the metro area (vacuum and along the fibre route)."""
    model, source, target, route = _swarm(_key(params))
    pos = model.graph.nodes
    from scipy.spatial.distance import pdist

    diameter = float(pdist([d["pos"] for _, d in pos(data=True)]).max())  # the largest node-to-node distance
    t_vacuum = diameter / SPEED_OF_LIGHT_KM_PER_S
    t_route = route.length_km / FIBRE_SPEED_KM_PER_S
    notes = (
        f"{_setting(params, route)} Any consensus across the metro area needs at least one signal across it: "
        f"{diameter:.1f} km in vacuum is {t_vacuum * 1e6:.1f} us ({t_vacuum / claimed:.0f} times the claimed "
        f"{claimed * 1e9:g} ns); along the fibre route between the two users {t_route * 1e6:.1f} us one way. "
        f"{claimed * 1e9:g} ns would need the whole swarm within {claimed * SPEED_OF_LIGHT_KM_PER_S * 1e3:.1f} m."
    )
    verdict = "consistent" if t_vacuum <= claimed else "inconsistent"
    return _finding(
        "light time across the metro area, s",
        t_vacuum,
        0.0,
        verdict,
        "light time d/c",
        notes,
        {"metro_diameter_km": diameter, "vacuum_light_time_s": t_vacuum, "fibre_route_time_s": t_route},
    )


COMPUTATIONS_NETWORK = {
    "swarm_fidelity": swarm_fidelity,
    "swarm_qber": swarm_qber,
    "swarm_capacity": swarm_capacity,
    "swarm_latency": swarm_latency,
}

__all__ = ["swarm_fidelity", "swarm_qber", "swarm_capacity", "swarm_latency", "COMPUTATIONS_NETWORK"]
