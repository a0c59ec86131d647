"""``target`` mode: the cheapest nested-repeater configuration that reaches a target end-to-end fidelity.

For a target fidelity and hop count, every candidate link fidelity and every schedule of rounds per level
(``0..max_rounds`` at each level ``0..L``) is evaluated exactly (vectorised over schedules). "Cheapest" means:
the **lowest link fidelity** for which some schedule reaches the target (link quality is the hardware cost),
and for it the schedule with the **fewest expected raw pairs per delivered pair**. Every feasible candidate is
kept in ``options``. When nothing reaches the target, the result says why: with gate fidelity ``p2`` and
measurement fidelity ``eta`` the recurrence cannot exceed ``F_max(p2, eta)``, and a chain of perfect links
without purification reaches only ``F_chain`` (swap noise alone).

References
----------
W. Duer, H.-J. Briegel, J. I. Cirac, P. Zoller, Phys. Rev. A 59, 169 (1999); H.-J. Briegel et al., Phys. Rev.
Lett. 81, 5932 (1998).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from pqms_physics.errors import check_choice, check_in_range, check_int, check_probability
from pqms_physics.network.purification import bell_diagonal as bd
from pqms_physics.network.purification.fixed_point import purification_fixed_point
from pqms_physics.network.purification.nested import nested_kernel, nesting_levels
from pqms_physics.network.purification.pumping import PROTOCOLS, SCHEMES
from pqms_physics.network.purification.result import _jsonable
from pqms_physics.validation import in_range_array

#: Default candidate link (Werner) fidelities.
DEFAULT_LINK_FIDELITIES: tuple[float, ...] = (0.8, 0.85, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999, 0.9995, 0.9999)
#: Above this many schedules, only schedules with equal rounds below the top level are searched.
MAX_SCHEDULES = 50_000


@dataclass(frozen=True)
class TargetResult:
    """Outcome of :func:`purification_target`.

    Attributes
    ----------
    reachable : bool
        Whether some candidate reaches ``target_fidelity``.
    link_fidelity, rounds, raw_pairs, fidelity
        The cheapest configuration (``nan`` / empty when unreachable).
    f_max, f_min : float
        Fixed points of the recurrence for ``p2``, ``eta`` (:func:`purification_fixed_point`).
    chain_fidelity_perfect_links : float
        End-to-end fidelity of perfect links swapped without purification (swap noise only).
    link_fidelity_without_purification : float
        Smallest Werner link fidelity that reaches the target with no purification (``nan`` if none).
    reason : str
        A sentence saying what was found or why the target is out of reach.
    options : tuple of dict
        For each feasible candidate link fidelity: its cheapest ``rounds``, ``raw_pairs``, ``fidelity``.
    """

    target_fidelity: float
    hops: int
    reachable: bool
    link_fidelity: float
    rounds: tuple[int, ...]
    raw_pairs: float
    fidelity: float
    f_min: float
    f_max: float
    chain_fidelity_perfect_links: float
    link_fidelity_without_purification: float
    reason: str
    protocol: str
    scheme: str
    gate_fidelity: float
    measurement_fidelity: float
    options: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {k: _jsonable(getattr(self, k)) for k in self.__dataclass_fields__}


def schedules(levels: int, max_rounds: int) -> np.ndarray:
    """Schedules searched: every ``rounds[0..levels]`` in ``0..max_rounds``, or (above ``MAX_SCHEDULES``) equal
    rounds on levels ``0..levels-1`` with any rounds on the top level. Shape (n, levels + 1)."""
    if (max_rounds + 1) ** (levels + 1) <= MAX_SCHEDULES:
        return np.array(list(itertools.product(range(max_rounds + 1), repeat=levels + 1)), dtype=np.int64)
    return np.array([[k] * levels + [t] for k in range(max_rounds + 1) for t in range(max_rounds + 1)], dtype=np.int64)


def cheapest_schedule(
    link_weights: np.ndarray,
    hops: int,
    target: float,
    p2: float,
    eta: float,
    max_rounds: int,
    protocol: str = "dejmps",
    scheme: str = "recurrence",
) -> dict[str, Any] | None:
    """Fewest expected raw pairs over :func:`schedules` reaching ``target`` (trusted inputs), or ``None``.

    Returns ``{"rounds", "raw_pairs", "fidelity"}`` for the cheapest feasible schedule.
    """
    sched = schedules(nesting_levels(hops), max_rounds)
    w, cost = nested_kernel(link_weights, hops, sched, scheme, protocol, p2, eta)
    ok = w[:, 0] >= target
    if not ok.any():
        return None
    i = int(np.flatnonzero(ok)[np.argmin(cost[ok])])
    return {"rounds": tuple(int(x) for x in sched[i]), "raw_pairs": float(cost[i]), "fidelity": float(w[i, 0])}


def _fidelity_no_purification(f_link: ArrayLike, hops: int, p2: float, eta: float) -> np.ndarray:
    w = bd.werner_from_fidelity(np.atleast_1d(f_link))
    out = [
        nested_kernel(wi, hops, np.zeros((1, nesting_levels(hops) + 1)), "recurrence", "dejmps", p2, eta)[0] for wi in w
    ]
    return np.array([o[0, 0] for o in out])


def _min_link_fidelity(target: float, hops: int, p2: float, eta: float) -> float:
    if _fidelity_no_purification(1.0, hops, p2, eta)[0] < target:
        return math.nan
    lo, hi = 0.25, 1.0
    for _ in range(60):  # end-to-end fidelity increases with the link fidelity; bisection to ~1e-18
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if _fidelity_no_purification(mid, hops, p2, eta)[0] >= target else (mid, hi)
    return hi


def purification_target(
    target_fidelity: float,
    hops: int,
    *,
    link_fidelities: Sequence[float] = DEFAULT_LINK_FIDELITIES,
    max_rounds: int = 3,
    protocol: str = "dejmps",
    scheme: str = "recurrence",
    gate_fidelity: float = 1.0,
    measurement_fidelity: float = 1.0,
) -> TargetResult:
    """Cheapest (link fidelity, rounds per level) reaching ``target_fidelity`` over ``hops`` links, or why not.

    Parameters
    ----------
    target_fidelity : float
        End-to-end fidelity to Phi+ to reach, in (0.25, 1].
    hops : int
        Number of elementary links, >= 1.
    link_fidelities : sequence of float, optional
        Candidate Werner link fidelities in [0, 1].
    max_rounds : int, optional
        Largest number of rounds per level searched, in [0, 6]. Default 3.
    protocol, scheme : str
        ``"dejmps"`` / ``"bbpssw"`` and ``"recurrence"`` / ``"pumping"``.
    gate_fidelity, measurement_fidelity : float
        ``p2`` and ``eta`` in [0, 1] (purification and swaps).

    Returns
    -------
    TargetResult

    Notes
    -----
    All ``(max_rounds + 1)^(L + 1)`` schedules are searched when that is at most ``MAX_SCHEDULES``; otherwise
    schedules with the same rounds on levels ``0..L-1`` and any rounds on the top level.

    Examples
    --------
    >>> r = purification_target(0.999, 10, gate_fidelity=1.0, measurement_fidelity=1.0)
    >>> print(r.reachable, r.link_fidelity, r.rounds, f"{r.raw_pairs:.1f}")
    True 0.8 (3, 1, 1, 1, 0) 940.2
    >>> r = purification_target(0.999, 10, gate_fidelity=0.99, measurement_fidelity=0.99)
    >>> print(r.reachable, f"{r.f_max:.4f}")
    False 0.9860
    """
    target = check_in_range("target_fidelity", target_fidelity, 0.25, 1.0)
    n = check_int("hops", hops, 1)
    links = in_range_array("link_fidelities", link_fidelities, 0.0, 1.0).ravel()
    k_max = check_int("max_rounds", max_rounds, 0, 6)
    check_choice("protocol", protocol, PROTOCOLS)
    check_choice("scheme", scheme, SCHEMES)
    p2 = check_probability("gate_fidelity", gate_fidelity)
    eta = check_probability("measurement_fidelity", measurement_fidelity)
    fp = purification_fixed_point(protocol, gate_fidelity=p2, measurement_fidelity=eta)
    f_chain = float(_fidelity_no_purification(1.0, n, p2, eta)[0])
    f_link0 = _min_link_fidelity(target, n, p2, eta)
    options = []
    for f in np.sort(links):
        best = cheapest_schedule(bd.werner_from_fidelity(f), n, target, p2, eta, k_max, protocol, scheme)
        if best is not None:
            options.append({"link_fidelity": float(f), **best})
    common = dict(
        f_min=fp.f_min,
        f_max=fp.f_max,
        chain_fidelity_perfect_links=f_chain,
        link_fidelity_without_purification=f_link0,
        protocol=protocol,
        scheme=scheme,
        gate_fidelity=p2,
        measurement_fidelity=eta,
        options=tuple(options),
    )
    if options:
        best = options[0]
        reason = (
            f"F = {target:g} over {n} hops: links of F = {best['link_fidelity']:g} with rounds per level "
            f"{best['rounds']} give F = {best['fidelity']:.6f} at {best['raw_pairs']:.4g} raw pairs per "
            f"delivered pair."
        )
        return TargetResult(
            target,
            n,
            True,
            best["link_fidelity"],
            best["rounds"],
            best["raw_pairs"],
            best["fidelity"],
            reason=reason,
            **common,
        )
    bound = max(fp.f_max if fp.purifiable else 0.0, f_chain)
    if target > bound:
        reason = (
            f"unreachable: with gate fidelity {p2:g} and measurement fidelity {eta:g} the recurrence "
            f"saturates at F_max = {fp.f_max:.6f} and perfect links without purification give "
            f"{f_chain:.6f}; both are below the target {target:g}."
        )
    else:
        reason = (
            f"not found: no candidate link fidelity and at most {k_max} rounds per level reaches "
            f"{target:g} (F_max = {fp.f_max:.6f}); try higher link fidelities or more rounds."
        )
    return TargetResult(target, n, False, math.nan, (), math.nan, math.nan, reason=reason, **common)


__all__ = [
    "DEFAULT_LINK_FIDELITIES",
    "MAX_SCHEDULES",
    "TargetResult",
    "purification_target",
    "schedules",
    "cheapest_schedule",
]
