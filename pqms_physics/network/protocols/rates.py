"""Rates in physical units: a repeater protocol over fibre, in ebit/s and secret bits/s.

A thin layer over :func:`~pqms_physics.network.protocols.api.repeater_protocol`: it turns a distance, fibre
loss and hardware numbers into the per-round parameters (``p_link``, multiplexed modes, coherence time in
rounds), runs the exact engine, and converts back with :func:`~pqms_physics.network.protocols.spec.round_time_s`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from pqms_physics.errors import PQMSValueError, check_int, check_nonnegative, check_positive, check_probability
from pqms_physics.network.protocols.api import repeater_protocol
from pqms_physics.network.protocols.result import ProtocolResult
from pqms_physics.network.protocols.spec import round_time_s


@dataclass(frozen=True)
class ProtocolRate:
    """Result of :func:`protocol_rate`.

    Attributes
    ----------
    length_km, segments, segment_length_km : total distance, segments, ``L0 = L / segments``.
    round_time_s : duration of one attempt round (:func:`round_time_s`).
    p_link : success probability of one mode of one segment per round.
    modes : modes attempted per segment per round (time-multiplexed pulses times parallel modes).
    coherence_time_rounds : memory coherence time in rounds.
    mean_time_rounds, mean_werner, mean_fidelity : from the exact engine.
    ebits_per_s : delivered pairs per second, ``1 / (E[T] t_round)`` (Werner pairs of ``mean_werner``).
    secret_bits_per_s : asymptotic key rate ``r(E[w]) / (E[T] t_round)`` of ``key_protocol``.
    plob_bits_per_s : repeaterless PLOB bound ``-log2(1 - T(L))`` times the repetition rate (None without it).
    """

    length_km: float
    segments: int
    segment_length_km: float
    round_time_s: float
    p_link: float
    modes: int
    coherence_time_rounds: float
    mean_time_rounds: float
    mean_werner: float
    mean_fidelity: float
    ebits_per_s: float
    secret_bits_per_s: float
    key_protocol: str
    plob_bits_per_s: float | None

    def to_dict(self) -> dict:
        """The fields as a JSON-ready dict (``inf`` as the string ``"inf"``)."""
        out = asdict(self)
        if math.isinf(out["coherence_time_rounds"]):
            out["coherence_time_rounds"] = "inf"
        return out


def midpoint_link_probability(
    segment_length_km: float, *, loss_db_per_km: float = 0.2, detector_efficiency: float = 1.0, bsm_success: float = 0.5
) -> float:
    """Heralding probability of one segment attempt with a midpoint Bell-state measurement.

    Parameters
    ----------
    segment_length_km : float
        Segment length ``L0`` in km, ``>= 0``.
    loss_db_per_km : float, optional
        Fibre attenuation in dB/km, ``>= 0``. Default 0.2.
    detector_efficiency : float, optional
        Efficiency of each of the two detectors that herald, in (0, 1]. Default 1.
    bsm_success : float, optional
        Success probability of the Bell-state measurement given both photons arrive, in (0, 1]. Default 1/2
        (linear optics).

    Notes
    -----
    Each node emits one photon entangled with its memory; both travel ``L0/2`` to the midpoint station, so
    ``p_link = bsm_success * eta_det^2 * 10^(-alpha L0 / 10)``.

    Examples
    --------
    >>> print(f"{midpoint_link_probability(50.0):.4f}")        # 0.5 * 10^(-1)
    0.0500
    """
    length = check_nonnegative("segment_length_km", segment_length_km)
    alpha = check_nonnegative("loss_db_per_km", loss_db_per_km)
    eta = check_probability("detector_efficiency", detector_efficiency)
    bsm = check_probability("bsm_success", bsm_success)
    if eta <= 0 or bsm <= 0:
        raise PQMSValueError(f"detector_efficiency and bsm_success must be in (0, 1], got {eta} and {bsm}")
    return bsm * eta * eta * 10.0 ** (-alpha * length / 10.0)


def protocol_rate(
    length_km: float,
    segments: int,
    *,
    loss_db_per_km: float = 0.2,
    detector_efficiency: float = 1.0,
    bsm_success: float = 0.5,
    modes: int = 1,
    repetition_rate_hz: float | None = None,
    local_time_s: float = 0.0,
    coherence_time_s: float = math.inf,
    p_swap: float = 1.0,
    scheme: str = "nested",
    link_werner: float = 1.0,
    cutoff: int | tuple[int, ...] | None = None,
    key_protocol: str = "bb84",
) -> ProtocolRate:
    """Ebit/s and secret bits/s of a repeater chain over ``length_km`` of fibre (exact engine).

    Parameters
    ----------
    length_km : float
        Total distance in km, ``> 0``.
    segments : int
        Number of segments (a power of two for ``"nested"``).
    loss_db_per_km, detector_efficiency, bsm_success : float, optional
        Link model of :func:`midpoint_link_probability`.
    modes : int, optional
        Parallel modes (frequency, spatial) per segment attempt, ``>= 1``. Default 1.
    repetition_rate_hz : float or None, optional
        Source pulse rate in Hz, ``> 0``. A round lasts ``t_round``, so ``floor(rate * t_round)`` (at least 1)
        time-multiplexed pulses are attempted per round and mode. None: one pulse per round.
    local_time_s : float, optional
        Local time added to each round, ``>= 0`` s.
    coherence_time_s : float, optional
        Memory coherence time in s, ``> 0`` (inf: perfect memories).
    p_swap, scheme, link_werner, cutoff
        As in :func:`~pqms_physics.network.protocols.api.repeater_protocol` (cutoff in rounds).
    key_protocol : {"bb84", "six-state"}, optional
        Key fraction used for ``secret_bits_per_s``.

    Returns
    -------
    ProtocolRate

    Notes
    -----
    ``ebits_per_s = 1 / (E[T] t_round)`` and ``secret_bits_per_s = r(E[w]) / (E[T] t_round)`` with
    ``t_round = L0 / c + t_local`` (:func:`round_time_s`): a memory learns of its link only after the
    heralding signal returns, so at most one attempt per mode and round is useful.

    Examples
    --------
    >>> r = protocol_rate(100.0, 2, coherence_time_s=0.1, link_werner=0.98)
    >>> print(f"{r.round_time_s * 1e3:.2f} ms, {r.ebits_per_s:.1f} ebit/s, F = {r.mean_fidelity:.4f}")
    0.25 ms, 134.5 ebit/s, F = 0.9368
    """
    length = check_positive("length_km", length_km)
    n = check_int("segments", segments, 1)
    modes = check_int("modes", modes, 1)
    segment = length / n
    t_round = round_time_s(segment, local_time_s)
    if t_round <= 0:
        raise PQMSValueError(f"length_km and local_time_s give a round time of 0 s, got {length}, {local_time_s}")
    pulses = 1
    if repetition_rate_hz is not None:
        pulses = max(1, math.floor(check_positive("repetition_rate_hz", repetition_rate_hz) * t_round))
    if not (isinstance(coherence_time_s, (int, float)) and coherence_time_s > 0):
        raise PQMSValueError(f"coherence_time_s must be > 0 s (math.inf for perfect memories), got {coherence_time_s}")
    t_coh = coherence_time_s / t_round
    p = midpoint_link_probability(
        segment, loss_db_per_km=loss_db_per_km, detector_efficiency=detector_efficiency, bsm_success=bsm_success
    )
    res: ProtocolResult = repeater_protocol(
        n,
        p,
        p_swap=p_swap,
        scheme=scheme,
        link_werner=link_werner,
        coherence_time=t_coh,
        cutoff=cutoff,
        modes=modes * pulses,
    )
    plob = None
    if repetition_rate_hz is not None:
        from pqms_physics.network.bounds import fiber_transmissivity, plob_bound

        plob = float(plob_bound(fiber_transmissivity(length, loss_db_per_km))) * float(repetition_rate_hz)
    return ProtocolRate(
        length_km=length,
        segments=n,
        segment_length_km=segment,
        round_time_s=t_round,
        p_link=p,
        modes=modes * pulses,
        coherence_time_rounds=t_coh,
        mean_time_rounds=res.mean_time,
        mean_werner=res.mean_werner,
        mean_fidelity=res.mean_fidelity,
        ebits_per_s=1.0 / (res.mean_time * t_round),
        secret_bits_per_s=res.secret_key_rate(key_protocol) / t_round,
        key_protocol=key_protocol,
        plob_bits_per_s=plob,
    )


__all__ = ["ProtocolRate", "midpoint_link_probability", "protocol_rate"]
