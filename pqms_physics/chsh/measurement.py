"""CHSH measurements as quantum-to-classical channels: two qubits in, a classical outcome register out.

Two binary detectors measure qubit 0 along ``a`` and qubit 1 along ``b`` (X-Z-plane
angles in radians, 0 = +Z, pi/2 = +X, or unit Bloch vectors, as in
:mod:`pqms_physics.chsh.settings`); bit 0 is the +1 eigenvalue and the joint outcome
index is ``2*a + b`` (:mod:`pqms_physics.conventions`). The output register holds a
diagonal density matrix: the outcome distribution.

* :func:`measurement_channel` ``(angles)``: one setting, output dims ``(4,)``;
* :func:`settings_measurement_channel` ``(pairs)``: ``S`` settings, each chosen with
  probability ``1/S``, output dims ``(S, 4)`` = (setting, outcome);
* :func:`chsh_measurement_channel` ``(settings)``: the four CHSH settings in the order
  a0b0, a0b1, a1b0, a1b1;
* :func:`register_table` reads the register as the ``(S, 4)`` table of conditional outcome
  probabilities ``p(o | s)``, the table that :func:`pqms_physics.kernels.sample_counts`
  consumes (:func:`pqms_physics.chsh.exact.outcome_table` is this, for the CHSH settings).

Examples
--------
>>> from pqms_physics.core.states import bell_state
>>> from pqms_physics.chsh.settings import STANDARD_ANGLES
>>> meas = chsh_measurement_channel(STANDARD_ANGLES)
>>> meas.in_dims, meas.out_dims
((2, 2), (4, 4))
>>> register_table(meas(bell_state("phi+")))[0].round(4).tolist()   # a0b0: E = cos(pi/4)
[0.4268, 0.0732, 0.0732, 0.4268]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import qutip as qt
from numpy.typing import ArrayLike

from pqms_physics.chsh.settings import CHSHSettings, direction
from pqms_physics.conventions import N_OUTCOMES_PAIR, STATE_ATOL
from pqms_physics.core.channels import Channel
from pqms_physics.core.states import PAULI_MATRICES
from pqms_physics.errors import DimensionError, PQMSValueError

_SIGMA_XYZ = PAULI_MATRICES[1:]  # X, Y, Z


def _projectors(vec: np.ndarray) -> np.ndarray:
    """``P[bit] = (I + (-1)^bit n.sigma)/2`` for a unit Bloch vector, shape (2, 2, 2)."""
    obs = np.einsum("k,kab->ab", vec, _SIGMA_XYZ)
    return np.stack([(np.eye(2) + obs) / 2, (np.eye(2) - obs) / 2])


def _pair_effects(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Effects ``P_bit_a(a) (x) P_bit_b(b)`` in outcome order ``2*bit_a + bit_b``, shape (4, 4, 4)."""
    pa, pb = _projectors(a), _projectors(b)
    return np.stack([np.kron(pa[x], pb[y]) for x in (0, 1) for y in (0, 1)])


def _pair(name: str, angles: Sequence[ArrayLike]) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(angles, (str, bytes)) or not isinstance(angles, (Sequence, np.ndarray)) or len(angles) != 2:
        raise PQMSValueError(f"{name} must be a pair (a, b) of directions (angles or Bloch vectors), got {angles!r}")
    return direction(f"{name}[0] (a)", angles[0]), direction(f"{name}[1] (b)", angles[1])


def measurement_channel(angles: Sequence[ArrayLike]) -> Channel:
    """Two binary detectors as a channel from two qubits to a 4-outcome classical register.

    Parameters
    ----------
    angles : pair (a, b)
        Directions of qubit 0 and qubit 1: X-Z-plane angles in radians (0 = +Z) or unit
        Bloch vectors.

    Returns
    -------
    Channel
        ``in_dims == (2, 2)``, ``out_dims == (4,)``: ``rho -> sum_o p(o) |o><o|``.

    Notes
    -----
    ``p(2 x + y) = tr[(P_x(a) (x) P_y(b)) rho]`` with ``P_bit(n) = (I + (-1)^bit n.sigma)/2``;
    the correlator is ``E(a, b) = p(0) - p(1) - p(2) + p(3)``.

    Examples
    --------
    >>> from pqms_physics.core.states import bell_state
    >>> out = measurement_channel((0.0, 0.0))(bell_state("phi+"))
    >>> out.full().diagonal().real.round(12).tolist()
    [0.5, 0.0, 0.0, 0.5]
    """
    a, b = _pair("angles", angles)
    return Channel.from_povm(_pair_effects(a, b), in_dims=(2, 2), label=f"measure(a={a.tolist()}, b={b.tolist()})")


def settings_measurement_channel(pairs: Sequence[Sequence[ArrayLike]]) -> Channel:
    """A measurement with a uniformly random setting: two qubits -> (setting, outcome) register.

    Parameters
    ----------
    pairs : sequence of S pairs (a, b)
        The settings, each a pair of directions as in :func:`measurement_channel`; ``S >= 1``.

    Returns
    -------
    Channel
        ``in_dims == (2, 2)``, ``out_dims == (S, 4)``: setting ``s`` is chosen with probability
        ``1/S`` and recorded with its outcome, ``rho -> sum_{s,o} p(o|s)/S |s o><s o|``.
    """
    if isinstance(pairs, (str, bytes)) or not isinstance(pairs, (Sequence, np.ndarray)) or len(pairs) == 0:
        raise PQMSValueError(f"pairs must be a non-empty sequence of (a, b) direction pairs, got {pairs!r}")
    effects = np.concatenate([_pair_effects(*_pair(f"pairs[{s}]", p)) for s, p in enumerate(pairs)])
    n = len(pairs)
    return Channel.from_povm(effects / n, in_dims=(2, 2), out_dims=(n, N_OUTCOMES_PAIR), label=f"measure({n} settings)")


def chsh_measurement_channel(settings: CHSHSettings | Sequence[ArrayLike]) -> Channel:
    """The four CHSH settings as one channel: two qubits -> (setting, outcome) register, dims ``(4, 4)``.

    Parameters
    ----------
    settings : sequence of 4 directions or CHSHSettings
        ``(a0, a1, b0, b1)``; setting ``2*i + j`` measures ``(a_i, b_j)`` (a0b0, a0b1, a1b0, a1b1).

    Returns
    -------
    Channel
        :func:`settings_measurement_channel` of the four pairs.

    Examples
    --------
    >>> from pqms_physics.chsh.settings import STANDARD_ANGLES
    >>> chsh_measurement_channel(STANDARD_ANGLES).is_cptp()
    True
    """
    s = CHSHSettings.from_any(settings)
    a0, a1, b0, b1 = s
    return settings_measurement_channel([(a0, b0), (a0, b1), (a1, b0), (a1, b1)])


def _table(register: np.ndarray, n_settings: int) -> np.ndarray:
    """Conditional table ``p(o | s)`` from a register density matrix (trusted), shape (n_settings, K)."""
    table = np.real(np.diagonal(register)).reshape(n_settings, -1).copy()
    low = table.min()
    if low < -STATE_ATOL:
        raise PQMSValueError(f"rho gives a negative outcome probability {low}; it must be a valid state")
    if low < 0:
        table = np.clip(table, 0.0, None)
    return table / table.sum(axis=1, keepdims=True)


def register_table(register: qt.Qobj) -> np.ndarray:
    """The outcome table ``p(o | s)`` held by a classical register (output of a measurement channel).

    Parameters
    ----------
    register : qutip.Qobj
        Density matrix with dims ``[K]`` (one setting) or ``[S, K]`` (setting, outcome).

    Returns
    -------
    numpy.ndarray
        Shape ``(S, K)`` (``S = 1`` for one setting): each row the outcome distribution of
        one setting, entries ``>= 0``, rows summing to 1 within 1e-12, ready for
        :func:`pqms_physics.kernels.sample_counts`.

    Notes
    -----
    Entries that come out negative by rounding (down to ``-STATE_ATOL``, the state
    validation's tolerance) are set to 0 and each row is divided by its sum; anything
    more negative raises. Off-diagonal elements are ignored (a measurement channel's
    output has none).
    """
    if not isinstance(register, qt.Qobj) or not register.isoper:
        raise PQMSValueError(f"register must be a density-matrix Qobj, got {type(register).__name__}")
    dims = [int(d) for d in register.dims[0]]
    if len(dims) not in (1, 2):
        raise DimensionError(f"register must have dims [K] or [S, K], got {dims}")
    return _table(register.full(), 1 if len(dims) == 1 else dims[0])


__all__ = ["measurement_channel", "settings_measurement_channel", "chsh_measurement_channel", "register_table"]
