"""CHSH value of the end-to-end pair of a repeater chain, versus hop count and versus distance.

Re-exported from :mod:`pqms_physics.chsh`. The chain physics (sequential
swapping, Duer gate/readout noise, memory while the swap result travels) is
:mod:`pqms_physics.network.chains`; this module only evaluates the exact CHSH value of
the states it returns (:func:`~pqms_physics.chsh.exact.chsh_value`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from pqms_physics.chsh.exact import LOCAL_BOUND, TSIRELSON_BOUND, CHSHSettings, chsh_value
from pqms_physics.conventions import FIBRE_SPEED_KM_PER_S
from pqms_physics.errors import PQMSValueError, check_int, check_nonnegative, check_positive, check_probability
from pqms_physics.validation import int_array, nonnegative_array

if TYPE_CHECKING:
    import qutip as qt

    from pqms_physics.core.channels import Channel


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, CHSHSettings):
        return value.to_dict()
    return value


def _readonly(values: ArrayLike) -> np.ndarray:
    arr = np.array(values, dtype=float)
    arr.flags.writeable = False
    return arr


class _CurveMethods:
    """Methods shared by the frozen curve results (fields ``s_value`` and ``local_bound``)."""

    @property
    def violates(self) -> np.ndarray:
        """``s_value > 2`` for each entry."""
        return self.s_value > self.local_bound

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary of every field."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True, eq=False)
class CHSHvsHops(_CurveMethods):
    """Exact CHSH value of the end-to-end pair for each number of links (:func:`chsh_vs_hops`).

    Attributes
    ----------
    hops : ndarray of int
        Numbers of elementary links (as given).
    s_value : ndarray of float
        ``S_max`` of each end-to-end pair, or S at ``settings`` when those were given.
    fidelity : ndarray of float
        Squared fidelity of each end-to-end pair to ``Phi+``.
    settings : CHSHSettings or None
        Fixed settings, or None for ``S_max`` (settings re-optimised for every chain).
    gate_fidelity, measurement_fidelity : float
        Duer noise of every swap.
    twirl : bool
        Whether every intermediate pair was Werner-twirled.
    local_bound, tsirelson_bound : float
        2 and 2 sqrt(2), for plotting.
    """

    hops: np.ndarray
    s_value: np.ndarray
    fidelity: np.ndarray
    settings: CHSHSettings | None
    gate_fidelity: float
    measurement_fidelity: float
    twirl: bool
    local_bound: float = LOCAL_BOUND
    tsirelson_bound: float = TSIRELSON_BOUND


def _chain_curve(
    link_state: qt.Qobj,
    hops: np.ndarray,
    settings: CHSHSettings | Sequence[ArrayLike] | None,
    gate_fidelity: float,
    measurement_fidelity: float,
    memory: Channel | None,
    twirl: bool,
) -> tuple[np.ndarray, np.ndarray]:
    from pqms_physics.core.states import bell_state, fidelity
    from pqms_physics.network.chains import chain_state

    phi = bell_state("phi+")
    s_vals, f_vals = [], []
    for n in hops.tolist():
        rho = chain_state(link_state, n, gate_fidelity, measurement_fidelity, memory=memory, twirl=twirl)
        s_vals.append(chsh_value(rho, settings=settings))
        f_vals.append(fidelity(rho, phi))
    return np.array(s_vals), np.array(f_vals)


def chsh_vs_hops(
    link_state: qt.Qobj,
    hops: int | Sequence[int] | np.ndarray,
    gate_fidelity: float = 1.0,
    measurement_fidelity: float = 1.0,
    memory: Channel | None = None,
    twirl: bool = False,
    settings: CHSHSettings | Sequence[ArrayLike] | None = None,
) -> CHSHvsHops:
    """Exact CHSH value of the end-to-end pair of a chain of identical links, for each hop count.

    Parameters
    ----------
    link_state : qutip.Qobj
        Two-qubit state of one elementary link.
    hops : int or 1-D sequence of int
        Numbers of elementary links, each ``>= 1`` (1 = the link itself).
    gate_fidelity, measurement_fidelity : float, optional
        Duer ``p`` and ``eta`` of every swap, in [0, 1]. Default 1.
    memory : Channel, optional
        One-qubit channel on each outer qubit at every swap
        (see :func:`pqms_physics.network.chains.chain_state`).
    twirl : bool, optional
        Werner-twirl every intermediate pair (BDCZ analysis). Default False (exact).
    settings : None or sequence of 4 directions, optional
        None (default): ``S_max`` of every pair (settings re-optimised per chain
        length). Given: S at these fixed directions.

    Returns
    -------
    CHSHvsHops
        ``s_value`` and ``fidelity`` per hop count, plus the bounds 2 and 2 sqrt(2).

    Notes
    -----
    ``S`` of ``chain_state(link_state, n, ...)``. For Werner links of parameter
    ``w`` and ideal swaps the chain is Werner with ``w^n``, so
    ``S_max = 2 sqrt(2) w^n``: it violates ``S <= 2`` iff ``w^n > 1/sqrt(2)``.

    Examples
    --------
    >>> from pqms_physics.core.states import werner_state
    >>> r = chsh_vs_hops(werner_state(0.999), [1, 2])   # one swap: 2 sqrt(2) w^2, w = 0.998667
    >>> r.s_value.round(4).tolist()
    [2.8247, 2.8209]
    """
    from pqms_physics.core.states import as_density_matrix

    as_density_matrix("link_state", link_state, n_qubits=2)
    gate_fidelity = check_probability("gate_fidelity", gate_fidelity)
    measurement_fidelity = check_probability("measurement_fidelity", measurement_fidelity)
    hops_arr = int_array("hops", hops, 1)
    if hops_arr.ndim > 1:
        raise PQMSValueError(f"hops must be an integer or a 1-D sequence of integers, got shape {hops_arr.shape}")
    hops_arr = np.atleast_1d(hops_arr)
    chosen = None if settings is None else CHSHSettings.from_any(settings)
    s_vals, f_vals = _chain_curve(
        link_state, hops_arr, chosen, gate_fidelity, measurement_fidelity, memory, bool(twirl)
    )
    hops_ro = hops_arr.copy()
    hops_ro.flags.writeable = False
    return CHSHvsHops(
        hops=hops_ro,
        s_value=_readonly(s_vals),
        fidelity=_readonly(f_vals),
        settings=chosen,
        gate_fidelity=gate_fidelity,
        measurement_fidelity=measurement_fidelity,
        twirl=bool(twirl),
    )


@dataclass(frozen=True, eq=False)
class CHSHvsDistance(_CurveMethods):
    """Exact CHSH value of the end-to-end pair versus total distance (:func:`chsh_vs_distance`).

    Attributes
    ----------
    length_km : ndarray
        Total distances ``L`` in km (as given).
    n_links : int
        Number of equal segments.
    gamma_per_s : float
        Memory dephasing rate (coherence decays as ``exp(-2 gamma t)``, ``T2 = 1/(2 gamma)``).
    fibre_speed_km_per_s : float
        Signal speed in the fibre.
    segment_length_km : ndarray
        ``L / n``.
    heralding_wait_s : ndarray
        ``L/(n c)``: the time each link's two memories wait for the midpoint herald (the heralding
        round trip ``L0/c`` of :func:`pqms_physics.network.protocols.round_time_s`).
    swap_wait_s : ndarray
        ``L/(n c)``: the time the two outer memories wait at every swap.
    s_value : ndarray
        ``S_max`` of the end-to-end pair (or S at ``settings``).
    fidelity : ndarray
        Squared fidelity of the end-to-end pair to ``Phi+``.
    settings : CHSHSettings or None
        Fixed settings, or None for ``S_max``.
    gate_fidelity, measurement_fidelity : float
        Duer noise of every swap.
    local_bound, tsirelson_bound : float
        2 and 2 sqrt(2), for plotting.
    """

    length_km: np.ndarray
    n_links: int
    gamma_per_s: float
    fibre_speed_km_per_s: float
    segment_length_km: np.ndarray
    heralding_wait_s: np.ndarray
    swap_wait_s: np.ndarray
    s_value: np.ndarray
    fidelity: np.ndarray
    settings: CHSHSettings | None
    gate_fidelity: float
    measurement_fidelity: float
    local_bound: float = LOCAL_BOUND
    tsirelson_bound: float = TSIRELSON_BOUND


def chsh_vs_distance(
    link_state: qt.Qobj,
    length_km: ArrayLike,
    n_links: int = 1,
    *,
    gamma_per_s: float,
    fibre_speed_km_per_s: float = FIBRE_SPEED_KM_PER_S,
    gate_fidelity: float = 1.0,
    measurement_fidelity: float = 1.0,
    settings: CHSHSettings | Sequence[ArrayLike] | None = None,
) -> CHSHvsDistance:
    """Exact CHSH value of the end-to-end pair over a distance, with memories dephasing while signals travel.

    Parameters
    ----------
    link_state : qutip.Qobj
        Two-qubit state of one elementary link as produced, before any waiting
        (generation noise only; it does not depend on the segment length).
    length_km : float or array_like
        Total distance ``L`` in km, ``>= 0``.
    n_links : int, optional
        Number of equal segments ``n >= 1`` (``n - 1`` swaps). Default 1.
    gamma_per_s : float
        Dephasing rate of every memory in 1/s, ``>= 0`` (keyword-only; the
        :func:`~pqms_physics.core.channels.dephasing` convention: coherence decays as
        ``exp(-2 gamma t)``, so ``T2 = 1/(2 gamma)``).
    fibre_speed_km_per_s : float, optional
        Signal speed ``c`` in the fibre, > 0. Default 2.0e5 km/s (group index ~1.5).
    gate_fidelity, measurement_fidelity : float, optional
        Duer ``p`` and ``eta`` of every swap, in [0, 1]. Default 1.
    settings : None or sequence of 4 directions, optional
        None (default): ``S_max``. Given: S at these fixed directions.

    Returns
    -------
    CHSHvsDistance
        ``s_value`` and ``fidelity`` per distance, the waiting times and the bounds.

    Notes
    -----
    What distance does to the state (and nothing else; fibre loss changes the
    *rate* of heralded links, see :func:`pqms_physics.network.bounds.entanglement_rate`,
    not their state):

    1. **Heralding.** Each segment of length ``L0 = L/n`` has its source or
       Bell-state measurement at the midpoint; a memory knows that its link
       exists only when the heralding signal is back, ``t_h = L0/c`` after its
       qubit was entangled (photon or pair to the midpoint, ``L0/(2c)``, and the
       herald back, ``L0/(2c)``; for a midpoint Bell measurement and a midpoint
       source alike). Both memories hold their qubit for ``t_h``: the link
       delivered is ``(D (x) D)(link_state)`` with ``D = dephasing(gamma_per_s, t_h)``.
    2. **Swapping.** The chain of :mod:`pqms_physics.network.chains` (sequential
       swapping) with ``memory = dephasing(gamma_per_s, L0/c)``: at every swap
       the two outer memories wait for the Bell-measurement result to travel
       one segment.

    ``n = 1`` is a single heralded link (no swap). For ``|Phi+>`` links and
    ideal swaps every error is a Z flip and the coherences multiply, so the
    end-to-end pair is ``(1 + C)/2 Phi+ + (1 - C)/2 Phi-`` with
    ``C = exp(-4 gamma (L + (n - 1) L0)/c)`` (``2 n`` memories waiting ``L0/c`` each
    for the herald, ``2 (n - 1)`` waiting ``L0/c`` at the swaps) and
    ``S_max = 2 sqrt(1 + C^2)``:
    dephasing alone never takes ``S_max`` below 2 (only towards it), whereas
    depolarising noise does.

    Examples
    --------
    >>> from pqms_physics.core.states import bell_state
    >>> r = chsh_vs_distance(bell_state("phi+"), [0.0, 200.0], n_links=2, gamma_per_s=100.0)
    >>> r.swap_wait_s.tolist()                              # L0/c = 100 km / 2e5 km/s
    [0.0, 0.0005]
    >>> r.heralding_wait_s.tolist()                         # one heralding round trip, also L0/c
    [0.0, 0.0005]
    >>> r.s_value.round(4).tolist()                         # 2 sqrt(1 + C^2), C = exp(-400 * 1.5e-3)
    [2.8284, 2.2814]
    """
    from pqms_physics.core.noise import dephasing
    from pqms_physics.core.states import as_density_matrix, bell_state, fidelity
    from pqms_physics.network.chains import chain_state

    link_state = as_density_matrix("link_state", link_state, n_qubits=2)
    gate_fidelity = check_probability("gate_fidelity", gate_fidelity)
    measurement_fidelity = check_probability("measurement_fidelity", measurement_fidelity)
    length = nonnegative_array("length_km", length_km)
    if length.ndim > 1:
        raise PQMSValueError(f"length_km must be a number or a 1-D sequence, got shape {length.shape}")
    length = np.atleast_1d(length)
    n = check_int("n_links", n_links, 1)
    gamma = check_nonnegative("gamma_per_s", gamma_per_s)
    speed = check_positive("fibre_speed_km_per_s", fibre_speed_km_per_s)
    chosen = None if settings is None else CHSHSettings.from_any(settings)

    segment = length / n
    herald_t = swap_t = segment / speed  # heralding round trip L0/c; swap message over one segment L0/c
    phi = bell_state("phi+")
    s_vals, f_vals = [], []
    for t_h, t_s in zip(herald_t.tolist(), swap_t.tolist(), strict=True):
        wait = dephasing(gamma, t_h)
        link = (wait & wait)(link_state) if t_h > 0 else link_state
        rho = chain_state(link, n, gate_fidelity, measurement_fidelity, memory=dephasing(gamma, t_s) if n > 1 else None)
        s_vals.append(chsh_value(rho, settings=chosen))
        f_vals.append(fidelity(rho, phi))
    return CHSHvsDistance(
        length_km=_readonly(length),
        n_links=n,
        gamma_per_s=gamma,
        fibre_speed_km_per_s=speed,
        segment_length_km=_readonly(segment),
        heralding_wait_s=_readonly(herald_t),
        swap_wait_s=_readonly(swap_t),
        s_value=_readonly(s_vals),
        fidelity=_readonly(f_vals),
        settings=chosen,
        gate_fidelity=gate_fidelity,
        measurement_fidelity=measurement_fidelity,
    )


__all__ = ["FIBRE_SPEED_KM_PER_S", "CHSHvsHops", "CHSHvsDistance", "chsh_vs_hops", "chsh_vs_distance"]
