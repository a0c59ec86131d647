"""Channels shared by the NCT tests: local operations of the sender, and deliberately signalling ones.

Built here from Kraus operators written out by hand (not from the code under test), so each test's
expected value follows from the matrices below.
"""

import math

import numpy as np
import qutip as qt

from pqms_physics.core.channels import Channel
from pqms_physics.core.noise import amplitude_damping, dephasing, depolarizing, lindblad_channel, pauli_channel

CNOT = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]], dtype=complex)


def cnot_channel() -> Channel:
    """CNOT with the sender's qubit 0 as control and the receiver's qubit 1 as target."""
    return Channel.from_unitary(qt.Qobj(CNOT, dims=[[2, 2], [2, 2]]), label="CNOT(0->1)")


def receiver_reset(eps: float, to: int) -> Channel:
    """Two-qubit channel: with probability eps the RECEIVER's qubit 1 is reset to |to> (non-unital, signals).

    Kraus (on qubit 1): sqrt(1-eps) I, sqrt(eps) |to><0|, sqrt(eps) |to><1|. On Phi+ the receiver's
    P(b = 1) becomes 1/2 + eps/2 (to = 1) or 1/2 - eps/2 (to = 0).
    """
    ket = np.zeros((2, 1))
    ket[to, 0] = 1.0
    ops = [
        math.sqrt(1 - eps) * np.eye(2),
        math.sqrt(eps) * ket @ np.array([[1.0, 0.0]]),
        math.sqrt(eps) * ket @ np.array([[0.0, 1.0]]),
    ]
    return Channel.from_kraus(ops, label=f"receiver reset to |{to}> p={eps}").on(1, 2)


def receiver_damping(lam: float) -> Channel:
    """Amplitude damping with decay probability lam on the RECEIVER's qubit 1 (P(b=1) on Phi+: (1 - lam)/2)."""
    k0 = np.array([[1.0, 0.0], [0.0, math.sqrt(1.0 - lam)]])
    k1 = np.array([[0.0, math.sqrt(lam)], [0.0, 0.0]])
    return Channel.from_kraus([k0, k1], label=f"receiver damping lam={lam}").on(1, 2)


def z_measurement() -> Channel:
    """The sender measures Z and keeps the result: the completely dephasing map rho -> (rho + Z rho Z)/2."""
    return pauli_channel(0.0, 0.0, 0.5)


def documents_dephasing() -> Channel:
    """The design documents' operation: Lindblad dephasing L = sqrt(0.05) sigma_z for 1 s (exact solution)."""
    return dephasing(gamma_per_s=0.05, t_s=1.0)


def sender_local_channels() -> dict[str, Channel]:
    """One-qubit channels for the sender's qubit, covering unital, non-unital, measurement and coherent maps."""
    h = qt.Qobj(np.array([[0.3, 0.2 - 0.1j], [0.2 + 0.1j, -0.3]]))
    return {
        "documents_dephasing": documents_dephasing(),
        "z_measurement": z_measurement(),
        "amplitude_damping": amplitude_damping(gamma_per_s=0.7, t_s=1.0),
        "depolarizing": depolarizing(0.6),
        "lindblad_h_and_decay": lindblad_channel(h, [math.sqrt(0.2) * qt.destroy(2)], t_s=2.0),
    }
