"""Audit computations of the information claims: latency against light time, the pool channel's capacity."""

from __future__ import annotations

import math

from pqms_physics.audit.findings import AuditContext, Finding
from pqms_physics.conventions import SPEED_OF_LIGHT_KM_PER_S


def _local_channels():
    from pqms_physics.core.noise import amplitude_damping, dephasing, depolarizing, pauli_channel

    return {
        "dephasing": dephasing(0.05, 1.0),
        "amplitude_damping": amplitude_damping(0.5, 1.0),
        "depolarizing": depolarizing(0.7),
        "z_measurement": pauli_channel(0.0, 0.0, 0.5),
    }


def _max_signalling_distance() -> float:
    from pqms_physics.core.states import bell_state
    from pqms_physics.nct import signalling_distance

    chans = [ch.on(0, n=2) for ch in _local_channels().values()]
    return signalling_distance(bell_state("phi+"), chans, receiver=1)


def light_time(params: dict, claimed: float, ctx: AuditContext) -> Finding:
    """Light-time lower bound over the Earth-Mars distance range; information from local operations alone."""
    d_min, d_max = float(params["earth_mars_min_km"]), float(params["earth_mars_max_km"])
    t_min, t_max = d_min / SPEED_OF_LIGHT_KM_PER_S, d_max / SPEED_OF_LIGHT_KM_PER_S
    hop_m = SPEED_OF_LIGHT_KM_PER_S * 1e3 * float(params["claimed_latency_s"]) / int(params["hops"])
    dist = _max_signalling_distance()
    # Time model (pqms_physics.network.protocols): even with links and swaps that never fail, the first
    # end-to-end pair of a chain of `hops` segments over the shortest Earth-Mars distance exists only after one
    # heralding round L0/c per segment, and the end nodes learn the swap outcomes (needed to use the pair) only
    # after a classical message crosses the whole distance.
    from pqms_physics.network.protocols.api import repeater_protocol

    hops = int(params["hops"])
    rounds = repeater_protocol(hops, 1.0, scheme="parallel").mean_time
    segment_round_s = (d_min / hops) / SPEED_OF_LIGHT_KM_PER_S
    first_pair_s = rounds * segment_round_s + t_min
    notes = (
        f"Local operations alone change the receiver's state by a trace distance of {dist:.1e} (zero to "
        f"machine precision, for dephasing, damping, depolarizing and measurement): they carry no "
        f"information, so no latency can be attributed to them. Any protocol that conveys information "
        f"needs a carrier at most at light speed: Earth-Mars light time {t_min:.0f}-{t_max:.0f} s "
        f"({d_min:.3g}-{d_max:.3g} km); the documents' own 120 s is below the minimum. 10 ns over 10 hops "
        f"allows {hop_m:.2f} m per hop in vacuum. With the protocol time model, a {hops}-segment chain of perfect "
        f"links and swaps delivers its first usable pair no earlier than {first_pair_s:.0f} s: "
        f"{rounds:g} heralding round of {segment_round_s:.1f} s plus {t_min:.0f} s for the swap outcomes "
        f"to reach an end node."
    )
    verdict = "consistent" if t_min <= float(params["claimed_latency_s"]) else "inconsistent"
    return Finding(
        "minimum Earth-Mars light time, s",
        t_min,
        0.0,
        verdict,
        "nct.signalling_distance; light time d/c",
        notes,
        {
            "earth_mars_light_time_s": [t_min, t_max],
            "max_signalling_distance": dist,
            "hop_length_for_claim_m": hop_m,
            "first_usable_pair_s": first_pair_s,
        },
    )


def pool_channel_capacity(params: dict, claimed: float, ctx: AuditContext) -> Finding:
    """Classical capacity of the pool-bias channel without a side channel, and the superdense-coding bound."""
    pairs = int(params["pairs"])
    dist = _max_signalling_distance()
    notes = (
        f"The receiver's reduced state is identical (trace distance {dist:.1e}) whatever local operation the "
        f"sender applies, so the mutual information between her choice and anything he measures is zero: "
        f"capacity 0 bit/s at any pair rate. With a quantum channel, superdense coding sends 2 bits per "
        f"transmitted qubit, consuming one pair each: {pairs:.3g} pairs carry at most {2 * pairs:.3g} bits, "
        f"and only by physically sending {pairs:.3g} qubits at light speed."
    )
    if dist >= 1e-12:  # would mean a local operation changed the receiver's state: no zero-capacity argument
        return Finding(
            "capacity, bit/s",
            math.nan,
            dist,
            "not checked",
            "nct.signalling_distance",
            notes,
            {"max_signalling_distance": dist},
        )
    capacity_bits_per_s = 0.0
    verdict = "consistent" if capacity_bits_per_s >= claimed else "inconsistent"
    return Finding(
        "capacity, bit/s",
        capacity_bits_per_s,
        dist,
        verdict,
        "nct.signalling_distance (Holevo: identical states carry 0 bits)",
        notes,
        {"max_signalling_distance": dist, "superdense_bits_max": 2 * pairs},
    )
