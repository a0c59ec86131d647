"""Recurrence with identical copies and entanglement pumping (Duer et al. 1999), with expected resources.

Resource model (expected raw pairs per delivered pair, failures discard everything involved):

* **recurrence** (Bennett et al. 1996; Deutsch et al. 1996): round ``k`` takes two pairs of round ``k - 1``
  and keeps one with probability ``P_k``: ``R_k = 2 R_{k-1} / P_k``, ``R_0 = 1``;
* **pumping** (Duer et al. 1999): round ``k`` purifies the kept pair (pair 1) with one fresh pair (pair 2,
  the input state, cost ``R_fresh``): ``R_k = (R_{k-1} + R_fresh) / P_k``. Pumping needs only two memories per
  node but its fidelity saturates at a fixed point below the recurrence's ``F_max``.

A BBPSSW round twirls both inputs to Werner form and returns a Werner pair; a DEJMPS round keeps the full
Bell-diagonal weights.

References
----------
W. Duer, H.-J. Briegel, J. I. Cirac, P. Zoller, Phys. Rev. A 59, 169 (1999); H.-J. Briegel, W. Duer,
J. I. Cirac, P. Zoller, Phys. Rev. Lett. 81, 5932 (1998).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from pqms_physics.errors import check_choice, check_int, check_probability
from pqms_physics.network.purification import bell_diagonal as bd
from pqms_physics.network.purification.result import _jsonable

PROTOCOLS: tuple[str, ...] = ("dejmps", "bbpssw")
SCHEMES: tuple[str, ...] = ("recurrence", "pumping")


def step(protocol: str, w1: np.ndarray, w2: np.ndarray, p2: float, eta: float) -> tuple[np.ndarray, np.ndarray]:
    """One round on trusted Bell weights: ``(kept weights, success probability)``."""
    if protocol == "dejmps":
        return bd.dejmps_weights(w1, w2, p2, eta)
    f, success = bd.bbpssw_fidelity(w1[..., 0], w2[..., 0], p2, eta)
    return bd.werner_from_fidelity(f), success


def apply_rounds(
    protocol: str, scheme: str, weights: np.ndarray, cost: np.ndarray, rounds: np.ndarray, p2: float, eta: float
) -> tuple[np.ndarray, np.ndarray]:
    """Apply ``rounds`` (per element, integer array broadcast to the batch) rounds; trusted inputs.

    ``weights`` (..., 4) and ``cost`` (...) describe the input pair (its expected raw pairs); pumping uses the
    input pair itself as the fresh pair of every round. Returns the final ``(weights, cost)``.
    """
    rounds = np.broadcast_to(np.asarray(rounds), cost.shape)
    fresh_w, fresh_c = weights, cost
    w, c = weights, cost
    for r in range(int(rounds.max(initial=0))):
        other, other_c = (w, c) if scheme == "recurrence" else (fresh_w, fresh_c)
        new_w, success = step(protocol, w, other, p2, eta)
        new_c = (c + other_c) / success
        active = r < rounds
        w = np.where(active[..., None], new_w, w)
        c = np.where(active, new_c, c)
    return w, c


@dataclass(frozen=True)
class PurificationSchedule:
    """Fidelity, success probability and expected raw pairs after each of ``rounds`` rounds.

    ``fidelities`` and ``raw_pairs`` have ``rounds + 1`` entries along axis 0 (entry 0: the input pair),
    ``success_probabilities`` has ``rounds``; further axes follow the batch of input weights.
    """

    protocol: str
    scheme: str
    rounds: int
    fidelities: np.ndarray
    success_probabilities: np.ndarray
    raw_pairs: np.ndarray
    weights: np.ndarray
    gate_fidelity: float
    measurement_fidelity: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {k: _jsonable(getattr(self, k)) for k in self.__dataclass_fields__}


def _schedule(
    scheme: str, weights: ArrayLike, rounds: int, protocol: str, gate_fidelity: float, measurement_fidelity: float
) -> PurificationSchedule:
    check_choice("protocol", protocol, PROTOCOLS)
    n = check_int("rounds", rounds, 0)
    p2 = check_probability("gate_fidelity", gate_fidelity)
    eta = check_probability("measurement_fidelity", measurement_fidelity)
    w0 = bd.check_weights("weights", weights)
    if protocol == "bbpssw":
        w0 = bd.werner_from_fidelity(w0[..., 0])
    fids, succ, costs = [w0[..., 0]], [], [np.ones(w0.shape[:-1])]
    w, c = w0, costs[0]
    for _ in range(n):
        other, other_c = (w, c) if scheme == "recurrence" else (w0, costs[0])
        w, s = step(protocol, w, other, p2, eta)
        c = (c + other_c) / s
        fids.append(w[..., 0])
        succ.append(s)
        costs.append(c)
    shape = w0.shape[:-1]
    return PurificationSchedule(
        protocol, scheme, n, np.array(fids), np.array(succ).reshape((n,) + shape), np.array(costs), w, p2, eta
    )


def recurrence(
    weights: ArrayLike,
    rounds: int,
    *,
    protocol: str = "dejmps",
    gate_fidelity: float = 1.0,
    measurement_fidelity: float = 1.0,
) -> PurificationSchedule:
    """``rounds`` rounds of the recurrence: each round purifies two identical copies of the previous output.

    Parameters
    ----------
    weights : array_like, shape (..., 4)
        Bell weights (phi+, psi+, psi-, phi-) of the raw pair; BBPSSW uses only their Werner twirl.
    rounds : int
        Number of rounds, >= 0.
    protocol : {"dejmps", "bbpssw"}
    gate_fidelity, measurement_fidelity : float
        ``p2`` and ``eta`` in [0, 1] (Duer et al. 1999 noise).

    Returns
    -------
    PurificationSchedule
        Fidelity, success probability and expected raw pairs per delivered pair after each round.

    Notes
    -----
    ``R_k = 2 R_{k-1} / P_k``: with perfect success probabilities ``2^k`` raw pairs after ``k`` rounds.

    References
    ----------
    C. H. Bennett et al., Phys. Rev. Lett. 76, 722 (1996); D. Deutsch et al., Phys. Rev. Lett. 77, 2818 (1996).

    Examples
    --------
    >>> s = recurrence([0.8, 0.2 / 3, 0.2 / 3, 0.2 / 3], 3)
    >>> print(" ".join(f"{f:.4f}" for f in s.fidelities), f"{s.raw_pairs[-1]:.2f}")
    0.8000 0.8382 0.9436 0.9880 15.50
    """
    return _schedule("recurrence", weights, rounds, protocol, gate_fidelity, measurement_fidelity)


def entanglement_pumping(
    weights: ArrayLike,
    rounds: int,
    *,
    protocol: str = "dejmps",
    gate_fidelity: float = 1.0,
    measurement_fidelity: float = 1.0,
) -> PurificationSchedule:
    """``rounds`` rounds of entanglement pumping: the kept pair is purified with a fresh raw pair each round.

    Parameters
    ----------
    weights : array_like, shape (..., 4)
        Bell weights (phi+, psi+, psi-, phi-) of the raw pairs (the first pumped pair and every fresh pair).
    rounds : int
        Number of pumping rounds, >= 0.
    protocol : {"dejmps", "bbpssw"}
    gate_fidelity, measurement_fidelity : float
        ``p2`` and ``eta`` in [0, 1].

    Returns
    -------
    PurificationSchedule

    Notes
    -----
    ``rho_k = P(rho_{k-1}, rho_0)`` (pair 1 kept, the fresh pair measured); ``R_k = (R_{k-1} + 1) / P_k``. The
    fidelity converges to a fixed point that depends on the raw fidelity (Duer et al. 1999, Sec. IV).

    References
    ----------
    W. Duer, H.-J. Briegel, J. I. Cirac, P. Zoller, Phys. Rev. A 59, 169 (1999).

    Examples
    --------
    >>> s = entanglement_pumping([0.8, 0.2 / 3, 0.2 / 3, 0.2 / 3], 3)
    >>> print(" ".join(f"{f:.4f}" for f in s.fidelities), f"{s.raw_pairs[-1]:.2f}")
    0.8000 0.8382 0.8874 0.8954 7.26
    """
    return _schedule("pumping", weights, rounds, protocol, gate_fidelity, measurement_fidelity)


__all__ = ["PROTOCOLS", "SCHEMES", "step", "apply_rounds", "PurificationSchedule", "recurrence", "entanglement_pumping"]
