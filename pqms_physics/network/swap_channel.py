"""Entanglement swapping as a channel (A, B, C, D) -> (A, D), and as a four-outcome instrument.

The same protocol as :func:`pqms_physics.network.swapping.swap` (Duer, Briegel,
Cirac, Zoller 1999), written as one map on the four-qubit register so that it
composes with sources, noise and measurements
(:class:`~pqms_physics.core.channels.Channel` rules: factor 0 leftmost). It
**consumes** qubits B, C (factors 1, 2) and **keeps** A, D in that order.
Built from its physical steps, each a Kraus map:

1. noisy gate: ``rho -> p U rho U^dag + (1 - p) Tr_BC(rho) (x) I_BC/4`` with
   ``U = H_B CNOT_{B->C}``, ``p = gate_fidelity``;
2. projective readout of B (phase bit) and C (parity bit), each bit read
   correctly with probability ``eta = measurement_fidelity``, independently;
   the read bits name the Bell outcome ``(0,0), (0,1), (1,1), (1,0)`` =
   ``phi+, psi+, psi-, phi-`` (index order of :mod:`pqms_physics.conventions`);
3. the optional one-qubit ``memory`` channel on A and on D while the result travels;
4. the Pauli correction ``sigma_j`` (I, X, Y, Z) on D for read outcome ``j``.

Branch ``j`` of :func:`swap_instrument` keeps the runs in which outcome ``j`` was
*read*: its trace is the probability of reading ``j``, and the four branches sum
to :func:`swap_channel`. Built superoperators are cached per parameter set.

References
----------
W. Duer, H.-J. Briegel, J. I. Cirac, P. Zoller, "Quantum repeaters based on
entanglement purification", Phys. Rev. A 59, 169 (1999).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from pqms_physics.conventions import BELL_NAMES
from pqms_physics.core import reps
from pqms_physics.core.channels import Channel
from pqms_physics.core.instrument import Instrument
from pqms_physics.core.states import PAULI_MATRICES
from pqms_physics.errors import check_probability
from pqms_physics.network.swapping import memory_superop

_EYE2 = np.eye(2)
_HADAMARD = np.array([[1.0, 1.0], [1.0, -1.0]]) / np.sqrt(2.0)
#: CNOT with control B (left factor) and target C, basis |b c>.
_CNOT = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]], dtype=float)
#: Bell index read from (phase bit of B, parity bit of C).
_BELL_INDEX = ((0, 1), (3, 2))


def _kron(*mats) -> np.ndarray:
    out = np.eye(1)
    for m in mats:
        out = np.kron(out, m)
    return out


@lru_cache(maxsize=64)
def _branches(p: float, eta: float, mem_key: bytes | None) -> tuple[np.ndarray, ...]:
    """Superoperators (16 x 256) of the four read-outcome branches, from the Kraus maps of each step."""
    u_bc = np.kron(_HADAMARD, _EYE2) @ _CNOT
    u = _kron(_EYE2, u_bc, _EYE2)
    ideal, failed = {}, reps.partial_trace_superop((2, 2, 2, 2), keep=(0, 3)) / 4.0
    for b in (0, 1):
        for c in (0, 1):
            project = _kron(_EYE2, _EYE2[[b]], _EYE2[[c]], _EYE2)  # I_A (x) <b|_B (x) <c|_C (x) I_D, 4 x 16
            ideal[b, c] = p * reps.kraus_to_superop([project @ u]) + (1.0 - p) * failed
    if mem_key is None:
        memory = np.eye(16, dtype=complex)
    else:
        m = np.frombuffer(mem_key, dtype=complex).reshape(4, 4)
        memory = reps.superop_tensor(m, m)
    read = np.array([[eta, 1.0 - eta], [1.0 - eta, eta]])  # read[read bit, true bit]
    out = [None] * 4
    for rb in (0, 1):
        for rc in (0, 1):
            j = _BELL_INDEX[rb][rc]
            measured = sum(read[rb, b] * read[rc, c] * ideal[b, c] for b in (0, 1) for c in (0, 1))
            correct = reps.kraus_to_superop([np.kron(_EYE2, PAULI_MATRICES[j])])
            branch = correct @ memory @ measured
            branch.flags.writeable = False
            out[j] = branch
    return tuple(out)


def _validated(
    gate_fidelity: float, measurement_fidelity: float, memory: Channel | None
) -> tuple[float, float, bytes | None]:
    p = check_probability("gate_fidelity", gate_fidelity)
    eta = check_probability("measurement_fidelity", measurement_fidelity)
    mem = memory_superop(memory)
    return p, eta, None if mem is None else np.ascontiguousarray(mem, dtype=complex).tobytes()


@lru_cache(maxsize=64)
def _channel(p: float, eta: float, mem_key: bytes | None) -> Channel:
    label = f"swap(gate_fidelity={p}, measurement_fidelity={eta}{', memory' if mem_key else ''})"
    return Channel._from_array(sum(_branches(p, eta, mem_key)), (2, 2, 2, 2), (2, 2), label)


def swap_channel(
    *, gate_fidelity: float = 1.0, measurement_fidelity: float = 1.0, memory: Channel | None = None
) -> Channel:
    """Entanglement swapping as a :class:`~pqms_physics.core.channels.Channel` from (A, B, C, D) to (A, D).

    Parameters
    ----------
    gate_fidelity : float
        Duer ``p`` in [0, 1]: the Bell-measurement gate works with probability ``p``,
        otherwise B, C are left maximally mixed. Default 1.
    measurement_fidelity : float
        ``eta`` in [0, 1]: probability that each of the two read bits is correct. Default 1.
    memory : Channel, optional
        One-qubit channel applied once to A and once to D between the measurement and
        the correction (storage while the result travels).

    Returns
    -------
    Channel
        ``in_dims == (2, 2, 2, 2)``, ``out_dims == (2, 2)``; built once per parameter
        set and cached. On a product input, ``swap_channel(...)(qutip.tensor(rho_ab, rho_cd))``
        equals :func:`~pqms_physics.network.swapping.swap` ``(rho_ab, rho_cd, ...)``.

    Notes
    -----
    ``E = sum_j C_j o (M (x) M) o sum_{b,c} r(j_b|b) r(j_c|c) P_bc o G``: ``G`` the noisy gate,
    ``P_bc`` the projection of B, C on ``|b c>`` (then discarded), ``r`` the bit-read
    probabilities (``eta`` right, ``1 - eta`` wrong), ``M`` the memory, ``C_j`` the Pauli
    correction on D for read outcome ``j = (j_b, j_c)``. For Werner inputs of parameters
    ``w1, w2`` the output has Werner parameter ``p w1 w2 (4 eta^2 - 1)/3`` along ``Phi+``.

    References
    ----------
    W. Duer, H.-J. Briegel, J. I. Cirac, P. Zoller, Phys. Rev. A 59, 169 (1999).

    Examples
    --------
    >>> import qutip as qt
    >>> from pqms_physics.core.states import bell_state, fidelity, werner_state
    >>> ch = swap_channel(gate_fidelity=0.98)
    >>> ch.in_dims, ch.out_dims, ch.is_cptp()
    ((2, 2, 2, 2), (2, 2), True)
    >>> out = ch(qt.tensor(werner_state(0.9), werner_state(0.9)))
    >>> print(f"{fidelity(out, bell_state('phi+')):.6f}")  # 1/4 + (3/4) 0.98 (13/15)^2
    0.802067
    """
    return _channel(*_validated(gate_fidelity, measurement_fidelity, memory))


def swap_instrument(
    *, gate_fidelity: float = 1.0, measurement_fidelity: float = 1.0, memory: Channel | None = None
) -> Instrument:
    """The four read-outcome branches of :func:`swap_channel`, for studies that post-select.

    Parameters
    ----------
    gate_fidelity, measurement_fidelity, memory
        As in :func:`swap_channel`.

    Returns
    -------
    Instrument
        Branch ``j`` (outcomes labelled ``phi+, psi+, psi-, phi-``) maps (A, B, C, D) to
        the unnormalised A-D state of the runs in which Bell outcome ``j`` was read (and
        corrected for); its trace is the probability of reading ``j``. The branches sum
        to ``swap_channel(...)``.

    Examples
    --------
    >>> import qutip as qt
    >>> from pqms_physics.core.states import bell_state
    >>> inst = swap_instrument(measurement_fidelity=0.9)
    >>> [f"{p:.3f}" for p in inst.probabilities(qt.tensor(bell_state("phi+"), bell_state("phi+")))]
    ['0.250', '0.250', '0.250', '0.250']
    """
    p, eta, key = _validated(gate_fidelity, measurement_fidelity, memory)
    return Instrument(
        _branches(p, eta, key),
        (2, 2, 2, 2),
        (2, 2),
        BELL_NAMES,
        f"swap instrument(gate_fidelity={p}, measurement_fidelity={eta})",
        _trusted=True,
    )


__all__ = ["swap_channel", "swap_instrument"]
