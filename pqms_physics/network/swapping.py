"""Entanglement swapping: a noisy Bell measurement on B, C and a Pauli correction on D.

Two pairs ``rho_ab`` (qubits A, B) and ``rho_cd`` (qubits C, D) are joined into
one pair A-D. Registers are ordered A, B, C, D (qubit 0 leftmost). The
protocol, averaged over the four outcomes (the returned state has trace 1):

1. **Noisy two-qubit gate** (Duer, Briegel, Cirac, Zoller 1999): the gate of
   the Bell measurement (a CNOT B->C, then a Hadamard on B) acts on the four
   qubits as ``rho -> p U rho U^dag + (1 - p) Tr_BC(rho) (x) I_BC/4`` with
   ``p = gate_fidelity``.
2. **Noisy readout**: B and C are measured in the computational basis. B's bit
   is the *phase* bit (1 for Phi-, Psi-), C's bit the *parity* bit (1 for
   Psi+, Psi-): outcome ``(phase, parity) = (0,0), (0,1), (1,1), (1,0)`` means
   Bell state ``phi+, psi+, psi-, phi-`` = Bell index ``0, 1, 2, 3``. Each bit
   is read correctly with probability ``eta = measurement_fidelity``,
   independently. A misread parity bit makes the correction wrong by X, a
   misread phase bit by Z, both by Y.
3. **Memory while the message travels** (optional ``memory`` channel): after
   the measurement and *before* the correction, the classical result travels
   to D's node; meanwhile the outer qubits A and D sit in memories and each
   undergoes ``memory`` once.
4. **Correction**: on reading Bell index ``j``, ``sigma_j`` (I, X, Y, Z) is
   applied to D. For ideal links ``|Phi+>_AB |Phi+>_CD`` this returns
   ``|Phi+>_AD``.

Bell-diagonal inputs (with no memory or a Pauli memory channel) take an exact
fast path: the Pauli weights of the output are the XOR convolution of the input
weights (see :mod:`pqms_physics.core.bell_algebra`). Any other two-qubit inputs go
through the general path, an explicit contraction of the four-qubit state.

References
----------
W. Duer, H.-J. Briegel, J. I. Cirac, P. Zoller, "Quantum repeaters based on
entanglement purification", Phys. Rev. A 59, 169 (1999).
"""

from __future__ import annotations

import numpy as np
import qutip as qt

from pqms_physics.conventions import PAULI_NAMES
from pqms_physics.core import bell_algebra as ba
from pqms_physics.core.channels import Channel
from pqms_physics.core.states import BELL_BASIS, as_density_matrix, bell_diagonal_from_weights, pauli
from pqms_physics.errors import DimensionError, PQMSValueError, check_probability

#: Pauli matrices in the Bell / Pauli index order I, X, Y, Z, shape (4, 2, 2).
PAULI_ARRAY = np.stack([pauli(name).full() for name in PAULI_NAMES])
#: ``BELL_KETS[k, b, c] = <b c|B_k>`` (real), Bell index order of the conventions.
BELL_KETS = BELL_BASIS.T.reshape(4, 2, 2)


def memory_superop(memory: Channel | None) -> np.ndarray | None:
    """Validate an optional one-qubit memory channel and return its 4x4 superoperator (or ``None``)."""
    if memory is None:
        return None
    if not isinstance(memory, Channel):
        raise PQMSValueError(f"memory must be a one-qubit Channel or None, got {type(memory).__name__}")
    if memory.in_dims != (2,) or memory.out_dims != (2,):
        raise DimensionError(
            f"memory must be a one-qubit Channel with dims [2] -> [2], "
            f"got {list(memory.in_dims)} -> {list(memory.out_dims)}"
        )
    return memory.superop_matrix


def swap_arrays(
    rho_ab: np.ndarray,
    rho_cd: np.ndarray,
    gate_fidelity: float = 1.0,
    measurement_fidelity: float = 1.0,
    memory: np.ndarray | None = None,
) -> np.ndarray:
    """General swap on trusted arrays (the map of :func:`swap`, linear in ``rho_ab``).

    Parameters
    ----------
    rho_ab : ndarray, shape (..., 4, 4)
        Operators on A, B (batched over leading axes; any matrices, the map is linear).
    rho_cd : ndarray, shape (4, 4)
        Density matrix on C, D.
    gate_fidelity, measurement_fidelity : float
        ``p`` and ``eta`` of the Duer model.
    memory : ndarray, shape (4, 4), optional
        One-qubit superoperator (column stacking) applied to A and D before the correction.

    Returns
    -------
    ndarray, shape (..., 4, 4)
        ``p * M_eta(sum_k sigma_k^D (E (x) E)(<B_k| rho_ab (x) rho_cd |B_k>) sigma_k^D)
        + (1 - p) E(rho_A) (x) I/2``.

    Notes
    -----
    ``<B_k|_BC rho_ab (x) rho_cd |B_k>_BC`` is the unnormalised A-D state for Bell
    outcome ``k``. ``M_eta`` is the Pauli channel on D with weights
    :func:`pqms_physics.core.bell_algebra.measurement_error_weights`: reading ``j``
    instead of ``k`` applies ``sigma_j = sigma_{j^k} sigma_k`` (up to a phase), so the
    wrong correction is an extra Pauli ``j ^ k`` after the right one. In the
    gate-noise branch B, C are maximally mixed: every outcome has probability
    1/4, D is left in ``I/2`` by the uniformly random correction, and A keeps its
    reduced state (after the memory).
    """
    rho_ab = np.asarray(rho_ab, dtype=complex)
    batch = rho_ab.shape[:-2]
    r_ab = rho_ab.reshape(batch + (2, 2, 2, 2))  # [a, b, a', b']
    r_cd = np.asarray(rho_cd, dtype=complex).reshape(2, 2, 2, 2)  # [c, d, c', d']
    # <B_k|_BC (rho_ab (x) rho_cd) |B_k>_BC, contracted in two steps: [..., k, a, d, a', d']
    proj_cd = np.einsum("kbc,cdCD,kBC->kbdBD", BELL_KETS, r_cd, BELL_KETS)
    cond = np.einsum("...abAB,kbdBD->...kadAD", r_ab, proj_cd)
    if memory is not None:
        s = np.asarray(memory).reshape(2, 2, 2, 2)  # s[j', i', j, i], vec index i + 2j
        cond = np.einsum("WAwa,...kadwx->...kAdWx", s, cond)
        cond = np.einsum("XDxd,...kadwx->...kaDwX", s, cond)
    corrected = np.einsum("kde,...kaeAf->...kadAf", PAULI_ARRAY, cond)
    corrected = np.einsum("...kadAf,kDf->...adAD", corrected, PAULI_ARRAY.conj())
    q = ba.measurement_error_weights(measurement_fidelity)
    misread = np.einsum("jde,...aeAf->...jadAf", PAULI_ARRAY, corrected)
    misread = np.einsum("j,...jadAf,jDf->...adAD", q, misread, PAULI_ARRAY.conj())
    rho_a = np.einsum("...abAb->...aA", r_ab) * np.trace(np.asarray(rho_cd))
    if memory is not None:
        rho_a = np.einsum("WAwa,...aw->...AW", np.asarray(memory).reshape(2, 2, 2, 2), rho_a)
    depolarised = np.einsum("...aA,dD->...adAD", rho_a, np.eye(2) / 2.0)
    out = gate_fidelity * misread + (1.0 - gate_fidelity) * depolarised
    return out.reshape(batch + (4, 4))


def swap(
    rho_ab: qt.Qobj,
    rho_cd: qt.Qobj,
    gate_fidelity: float = 1.0,
    measurement_fidelity: float = 1.0,
    *,
    memory: Channel | None = None,
) -> qt.Qobj:
    """Entanglement swapping of pairs A-B and C-D into A-D with the Duer noise model.

    Parameters
    ----------
    rho_ab : qutip.Qobj
        Two-qubit state (ket or density matrix) of qubits A (0) and B (1).
    rho_cd : qutip.Qobj
        Two-qubit state of qubits C (0) and D (1).
    gate_fidelity : float, optional
        ``p`` in [0, 1]: the two-qubit gate of the Bell measurement works with
        probability ``p`` and otherwise leaves B, C maximally mixed. Default 1.
    measurement_fidelity : float, optional
        ``eta`` in [0, 1]: probability that each of the two measured bits is
        read correctly (misread parity -> X error on D, misread phase -> Z
        error, both -> Y). Default 1.
    memory : Channel, optional
        One-qubit channel applied once to A and once to D between the
        measurement and the correction on D (storage while the result travels).

    Returns
    -------
    qutip.Qobj
        The A-D density matrix (dims ``[[2, 2], [2, 2]]``, trace 1), averaged
        over the measurement outcomes.

    Notes
    -----
    For Werner inputs of parameters ``w1, w2`` (``w = (4F - 1)/3``) the output
    has fidelity ``F = 1/4 + (3/4) w'`` with ``w' = p w1 w2 (4 eta^2 - 1)/3``
    (Duer et al. 1999). The output is Werner again only when ``eta = 1``: a
    misread parity bit (X) and a misread phase bit (Z) are independent, so Y
    errors (both bits wrong, ``(1 - eta)^2``) are rarer than X or Z errors
    (``eta (1 - eta)`` each). Bell-diagonal inputs use the exact
    XOR-convolution fast path; others the general contraction
    :func:`swap_arrays`. The full formula is in :func:`swap_arrays`.

    References
    ----------
    W. Duer, H.-J. Briegel, J. I. Cirac, P. Zoller, Phys. Rev. A 59, 169 (1999).

    Examples
    --------
    >>> from pqms_physics.core.states import werner_state, fidelity, bell_state
    >>> out = swap(werner_state(0.9), werner_state(0.9))
    >>> round(fidelity(out, bell_state("phi+")), 12)  # w' = w^2 with w = 13/15
    0.813333333333
    """
    a = as_density_matrix("rho_ab", rho_ab, n_qubits=2).full()
    c = as_density_matrix("rho_cd", rho_cd, n_qubits=2).full()
    p = check_probability("gate_fidelity", gate_fidelity)
    eta = check_probability("measurement_fidelity", measurement_fidelity)
    mem = memory_superop(memory)
    w_ab, w_cd = ba.bell_diagonal_weights_or_none(a), ba.bell_diagonal_weights_or_none(c)
    mem_w = None if mem is None else ba.pauli_weights_of_superop(mem)
    if w_ab is not None and w_cd is not None and (mem is None or mem_w is not None):
        return bell_diagonal_from_weights(ba.swap_weights(w_ab, w_cd, p, eta, mem_w))
    out = swap_arrays(a, c, p, eta, mem)
    return qt.Qobj(out, dims=[[2, 2], [2, 2]])


__all__ = ["swap", "swap_arrays", "memory_superop", "PAULI_ARRAY", "BELL_KETS"]
