"""Explicit four-qubit density-matrix simulation of noisy entanglement swapping (test oracle).

Written independently of :mod:`pqms_physics.network.swapping`: it builds the circuit the
swap describes (CNOT B->C, Hadamard on B, computational-basis readout with noisy
POVMs, memory, Pauli correction on D) out of QuTiP operators, tensors the two
pairs, and partially traces B and C. The library instead contracts Bell
projectors and uses Pauli-weight algebra; agreement between the two checks the
bit-to-correction mapping, the noise model and the qubit bookkeeping.
"""

from __future__ import annotations

import numpy as np
import qutip as qt

I2 = qt.qeye(2)
PAULIS = {"i": qt.qeye(2), "x": qt.sigmax(), "y": qt.sigmay(), "z": qt.sigmaz()}
# (phase bit read on B, parity bit read on C) -> Pauli correction on D, from the circuit:
# CNOT B->C then H on B maps Phi+ -> |00>, Psi+ -> |01>, Psi- -> |11>, Phi- -> |10>.
CORRECTION = {(0, 0): "i", (0, 1): "x", (1, 1): "y", (1, 0): "z"}


def bell_measurement_unitary() -> qt.Qobj:
    """(I_A x H_B x I_C x I_D) . CNOT(B -> C) on the register A, B, C, D."""
    p0, p1 = qt.basis(2, 0).proj(), qt.basis(2, 1).proj()
    cnot = qt.tensor(I2, p0, I2, I2) + qt.tensor(I2, p1, qt.sigmax(), I2)
    had = qt.Qobj(np.array([[1, 1], [1, -1]]) / np.sqrt(2))
    return qt.tensor(I2, had, I2, I2) * cnot


def readout_povm(bit: int, eta: float) -> qt.Qobj:
    """POVM element of reading ``bit`` in the Z basis when the bit is read correctly with probability eta."""
    right, wrong = qt.basis(2, bit).proj(), qt.basis(2, 1 - bit).proj()
    return eta * right + (1 - eta) * wrong


def explicit_swap(rho_ab: qt.Qobj, rho_cd: qt.Qobj, p: float = 1.0, eta: float = 1.0, memory=None) -> qt.Qobj:
    """A-D state after the noisy swap (gate fidelity ``p``, readout fidelity ``eta``).

    ``memory`` is a one-qubit QuTiP superoperator (e.g. ``Channel.superop``) or None; it acts on A and
    on D after the readout and before the correction on D.
    """
    rho = qt.tensor(rho_ab, rho_cd)  # A, B, C, D
    u = bell_measurement_unitary()
    reduced_ad = rho.ptrace([0, 3])
    mixed = qt.tensor(reduced_ad, qt.qeye([2, 2]) / 4).permute([0, 2, 3, 1])  # (A, D, B, C) -> (A, B, C, D)
    rho = p * (u * rho * u.dag()) + (1 - p) * mixed
    out = 0
    for (m_b, m_c), name in CORRECTION.items():
        effect = qt.tensor(I2, readout_povm(m_b, eta), readout_povm(m_c, eta), I2)
        cond = (effect * rho).ptrace([0, 3])  # Tr_BC[(E_B x E_C) rho], unnormalised
        if memory is not None:
            cond = qt.vector_to_operator(qt.super_tensor(memory, memory) * qt.operator_to_vector(cond))
        corr = qt.tensor(I2, PAULIS[name])
        out = out + corr * cond * corr.dag()
    return out


def werner_twirl(rho: qt.Qobj) -> qt.Qobj:
    """Werner twirl: the average of (U x U*) rho (U x U*)^dag over the 12 unitaries sigma_k C^j, with
    C = H S^dag the order-3 Clifford that permutes the X, Y, Z axes cyclically. These form a unitary
    2-design, so the average equals the full U x U* twirl: F Phi+ + (1 - F)(I - Phi+)/3."""
    had = qt.Qobj(np.array([[1, 1], [1, -1]]) / np.sqrt(2))
    s = qt.Qobj(np.diag([1, 1j]))
    cycle = had * s.dag()
    group = []
    for k in range(3):
        c = cycle**k
        for name in "ixyz":
            group.append(PAULIS[name] * c)
    out = 0
    for g in group:
        op = qt.tensor(g, g.conj())
        out = out + op * rho * op.dag()
    return out / len(group)


def explicit_chain(
    link: qt.Qobj, n_links: int, p: float = 1.0, eta: float = 1.0, memory=None, twirl: bool = False
) -> qt.Qobj:
    """Sequential swapping of ``n_links`` copies of ``link`` with :func:`explicit_swap`."""
    state = link if link.isoper else qt.ket2dm(link)
    for _ in range(n_links - 1):
        state = explicit_swap(state, link, p, eta, memory)
        if twirl:
            state = werner_twirl(state)
    return state
