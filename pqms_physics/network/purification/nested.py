"""Nested repeaters with purification (Briegel, Duer, Cirac, Zoller): purify at every level, then swap.

A chain of ``hops`` elementary links is joined as a balanced binary tree: a segment of ``n`` hops is the swap
of a left segment of ``n // 2`` hops and a right one of ``n - n // 2`` hops, and sits at nesting level
``ceil(log2 n)`` (the elementary links at level 0, the end-to-end pair at level ``L = ceil(log2 hops)``).
Every segment's pair is purified with ``rounds[level]`` rounds (recurrence or pumping) before it is used;
the swaps are the Duer-model Bell measurements of :func:`pqms_physics.core.bell_algebra.swap_weights` with the
same ``p2`` and ``eta`` as the purification. For ``hops = 2^L`` this is the BDCZ scheme exactly.

Resources: expected raw (elementary) pairs per delivered end-to-end pair. A swap consumes one pair of each
half (it always succeeds in this model), so costs add; a purification round divides by its success
probability (:mod:`~pqms_physics.network.purification.pumping`). Pumping at a level uses fresh pairs of that
level (the level's unpurified pairs, of the same length, as in Duer et al. 1999).

With a fixed number of rounds per level the fidelity settles at a fixed point of the level map and the cost
per level tends to a constant factor ``M``, so ``R(N) ~ N^(log2 M)``: polynomial in the distance (Briegel et al.
1998), instead of the exponential growth of a chain without purification.

References
----------
H.-J. Briegel, W. Duer, J. I. Cirac, P. Zoller, Phys. Rev. Lett. 81, 5932 (1998); W. Duer, H.-J. Briegel,
J. I. Cirac, P. Zoller, Phys. Rev. A 59, 169 (1999).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from pqms_physics.core import bell_algebra as ba
from pqms_physics.errors import PQMSValueError, check_choice, check_int, check_nonnegative, check_probability
from pqms_physics.network.purification import bell_diagonal as bd
from pqms_physics.network.purification.pumping import PROTOCOLS, SCHEMES, apply_rounds
from pqms_physics.network.purification.result import _jsonable


def nesting_levels(hops: int) -> int:
    """``L = ceil(log2 hops)``: the level of the end-to-end pair (0 for one hop)."""
    return int(math.ceil(math.log2(hops))) if hops > 1 else 0


def nested_kernel(
    link_weights: np.ndarray, hops: int, rounds: np.ndarray, scheme: str, protocol: str, p2: float, eta: float
) -> tuple[np.ndarray, np.ndarray]:
    """End-to-end weights (n, 4) and expected raw pairs (n,) for ``n`` schedules ``rounds`` (n, L + 1). Trusted."""
    rounds = np.atleast_2d(np.asarray(rounds, dtype=np.int64))
    n = rounds.shape[0]
    memo: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def segment(size: int) -> tuple[np.ndarray, np.ndarray]:
        if size in memo:
            return memo[size]
        if size == 1:
            w = np.broadcast_to(np.asarray(link_weights, dtype=float), (n, 4)).copy()
            c = np.ones(n)
        else:
            wl, cl = segment(size // 2)
            wr, cr = segment(size - size // 2)
            w, c = ba.swap_weights(wl, wr, p2, eta), cl + cr
        w, c = apply_rounds(protocol, scheme, w, c, rounds[:, nesting_levels(size)], p2, eta)
        memo[size] = (w, c)
        return w, c

    return segment(hops)


@dataclass(frozen=True)
class NestedRepeaterResult:
    """End-to-end pair of a nested repeater with purification.

    Attributes: ``fidelity`` (to Phi+), ``raw_pairs`` (expected elementary pairs per delivered pair),
    ``weights`` (Bell weights), ``hops``, ``rounds`` (per level 0..L), ``scheme``, ``protocol``,
    ``gate_fidelity``, ``measurement_fidelity``, ``link_weights``, ``distance_km`` (``nan`` if no link length).
    """

    fidelity: float
    raw_pairs: float
    weights: tuple[float, ...]
    hops: int
    rounds: tuple[int, ...]
    scheme: str
    protocol: str
    gate_fidelity: float
    measurement_fidelity: float
    link_weights: tuple[float, ...]
    distance_km: float = math.nan

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {k: _jsonable(getattr(self, k)) for k in self.__dataclass_fields__}


def link_weights_from(name: str, link: ArrayLike) -> np.ndarray:
    """A Werner fidelity (float) or Bell weights (length 4) as validated weights."""
    arr = np.asarray(link) if not isinstance(link, (bool, str)) else None
    if arr is not None and arr.ndim == 0:
        f = check_probability(name, link)
        return bd.werner_from_fidelity(f)
    w = bd.check_weights(name, link)
    if w.ndim != 1:
        raise PQMSValueError(f"{name} must be one fidelity or one weight vector of length 4, got shape {w.shape}")
    return w


def check_rounds(rounds: int | Sequence[int], levels: int) -> tuple[int, ...]:
    """Rounds per level: an int (every level) or a sequence of ``levels + 1`` ints >= 0."""
    if np.ndim(rounds) == 0:
        k = check_int("rounds", rounds, 0)
        return (k,) * (levels + 1)
    seq = tuple(check_int("rounds", r, 0) for r in rounds)
    if len(seq) != levels + 1:
        raise PQMSValueError(f"rounds must have one entry per level 0..{levels} ({levels + 1} entries), got {len(seq)}")
    return seq


def nested_repeater(
    link: ArrayLike,
    hops: int,
    rounds: int | Sequence[int] = 1,
    *,
    scheme: str = "recurrence",
    protocol: str = "dejmps",
    gate_fidelity: float = 1.0,
    measurement_fidelity: float = 1.0,
    link_length_km: float | None = None,
) -> NestedRepeaterResult:
    """Fidelity and raw-pair cost of a nested (BDCZ) repeater: purify at every level, then swap.

    Parameters
    ----------
    link : float or array_like of 4 floats
        Elementary link: Werner fidelity in [0, 1], or Bell weights (phi+, psi+, psi-, phi-).
    hops : int
        Number of elementary links, >= 1 (a power of two gives the symmetric BDCZ tree).
    rounds : int or sequence of int, optional
        Purification rounds per level, for levels ``0..L`` (``L = ceil(log2 hops)``; level ``L`` purifies the
        end-to-end pair); an int applies to every level. Default 1.
    scheme : {"recurrence", "pumping"}
    protocol : {"dejmps", "bbpssw"}
    gate_fidelity, measurement_fidelity : float, optional
        ``p2`` and ``eta`` in [0, 1] of the purification CNOTs / readout and of the swaps (Duer model).
    link_length_km : float, optional
        Length of one hop (km, >= 0); sets ``distance_km = hops * link_length_km``.

    Returns
    -------
    NestedRepeaterResult

    Notes
    -----
    Costs: a swap adds the costs of its halves; a recurrence round ``R -> 2R/P``, a pumping round
    ``R -> (R + R_level)/P`` (``P``: success probability of the round).

    References
    ----------
    H.-J. Briegel, W. Duer, J. I. Cirac, P. Zoller, Phys. Rev. Lett. 81, 5932 (1998); W. Duer et al., Phys. Rev.
    A 59, 169 (1999).

    Examples
    --------
    >>> r = nested_repeater(0.99, 8, rounds=0)
    >>> print(f"{r.fidelity:.6f} {r.raw_pairs:.1f}")     # 1/4 + 3/4 w^8 with w = (4 F - 1)/3
    0.923635 8.0
    >>> r = nested_repeater(0.99, 8, rounds=1)
    >>> print(f"{r.fidelity:.6f} {r.raw_pairs:.1f}")
    0.999999 133.4
    """
    check_choice("scheme", scheme, SCHEMES)
    check_choice("protocol", protocol, PROTOCOLS)
    w = link_weights_from("link", link)
    n = check_int("hops", hops, 1)
    p2 = check_probability("gate_fidelity", gate_fidelity)
    eta = check_probability("measurement_fidelity", measurement_fidelity)
    levels = nesting_levels(n)
    r = check_rounds(rounds, levels)
    distance = math.nan if link_length_km is None else n * check_nonnegative("link_length_km", link_length_km)
    out_w, cost = nested_kernel(w, n, np.array([r]), scheme, protocol, p2, eta)
    return NestedRepeaterResult(
        float(out_w[0, 0]),
        float(cost[0]),
        tuple(float(x) for x in out_w[0]),
        n,
        r,
        scheme,
        protocol,
        p2,
        eta,
        tuple(float(x) for x in w),
        distance,
    )


@dataclass(frozen=True)
class ResourceScaling:
    """Raw pairs and fidelity against hops ``2^n`` for fixed rounds per level, with the fitted exponent.

    ``exponent`` is the slope of ``log R`` against ``log N`` over the last two points (``R ~ N^exponent``).
    """

    hops: tuple[int, ...]
    fidelity: tuple[float, ...]
    raw_pairs: tuple[float, ...]
    exponent: float
    rounds_per_level: int
    scheme: str
    protocol: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {k: _jsonable(getattr(self, k)) for k in self.__dataclass_fields__}


def resource_scaling(
    link: ArrayLike,
    max_level: int,
    rounds_per_level: int = 1,
    *,
    scheme: str = "recurrence",
    protocol: str = "dejmps",
    gate_fidelity: float = 1.0,
    measurement_fidelity: float = 1.0,
) -> ResourceScaling:
    """Raw pairs per delivered pair for ``N = 1, 2, 4, ..., 2^max_level`` hops (BDCZ with fixed rounds).

    Parameters
    ----------
    link : float or array_like
        Werner fidelity or Bell weights of the elementary links.
    max_level : int
        Largest nesting level, in [1, 30].
    rounds_per_level : int
        Rounds at every level (>= 0).
    scheme, protocol, gate_fidelity, measurement_fidelity
        As in :func:`nested_repeater`.

    Returns
    -------
    ResourceScaling

    Notes
    -----
    Once the fidelity has settled, every level multiplies the cost by the same ``M``, so ``R ~ N^(log2 M)``
    (Briegel et al. 1998): a straight line on log-log axes.

    Examples
    --------
    >>> s = resource_scaling(0.95, 10, 1)
    >>> print(f"{s.exponent:.3f}", f"{s.fidelity[-1]:.4f}")
    2.000 1.0000
    """
    n_max = check_int("max_level", max_level, 1, 30)
    hops = tuple(2**k for k in range(n_max + 1))
    results = [
        nested_repeater(
            link,
            h,
            rounds_per_level,
            scheme=scheme,
            protocol=protocol,
            gate_fidelity=gate_fidelity,
            measurement_fidelity=measurement_fidelity,
        )
        for h in hops
    ]
    r = [x.raw_pairs for x in results]
    exponent = math.log(r[-1] / r[-2]) / math.log(2.0)
    return ResourceScaling(
        hops,
        tuple(x.fidelity for x in results),
        tuple(r),
        exponent,
        check_int("rounds_per_level", rounds_per_level, 0),
        scheme,
        protocol,
    )


__all__ = [
    "nesting_levels",
    "nested_kernel",
    "NestedRepeaterResult",
    "nested_repeater",
    "ResourceScaling",
    "resource_scaling",
    "check_rounds",
    "link_weights_from",
]
