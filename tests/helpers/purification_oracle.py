"""Test oracle: DEJMPS / BBPSSW as an explicit QuTiP circuit on four qubits (written independently of the package).

Registers A1, B1, A2, B2 (qubit 0 leftmost); Alice holds A1, A2, Bob B1, B2. Gates are built from Pauli
matrices and projectors, the Duer noise from partial traces, the noisy readout by enumerating every true and
every reported outcome, the post-selection by keeping reports that agree.
"""

from __future__ import annotations

import numpy as np
import qutip as qt

I2, X = qt.qeye(2), qt.sigmax()
P0, P1 = qt.basis(2, 0).proj(), qt.basis(2, 1).proj()


def _on(ops: dict[int, qt.Qobj]) -> qt.Qobj:
    return qt.tensor(*[ops.get(q, I2) for q in range(4)])


def cnot(control: int, target: int) -> qt.Qobj:
    return _on({control: P0}) + _on({control: P1, target: X})


def rx(theta: float) -> qt.Qobj:
    return (-1j * theta / 2 * X).expm()


def depolarise(rho: qt.Qobj, q1: int, q2: int, p: float) -> qt.Qobj:
    """``p rho + (1 - p) tr_{q1 q2}(rho) (x) I/4`` by partial trace and re-embedding."""
    rest = [q for q in range(4) if q not in (q1, q2)]
    reduced = rho.ptrace(rest)  # normalised by QuTiP only if rho is; rho here has trace 1
    mixed = qt.tensor(reduced, I2 / 2, I2 / 2)  # order: rest[0], rest[1], q1, q2
    order = rest + [q1, q2]
    inverse = [order.index(q) for q in range(4)]
    return p * rho + (1 - p) * mixed.permute(inverse)


def purify_circuit(
    rho1: qt.Qobj, rho2: qt.Qobj, gate_fidelity: float = 1.0, measurement_fidelity: float = 1.0, rotate: bool = True
) -> tuple[qt.Qobj, float]:
    """Kept state of pair 1 (normalised) and the success probability of one DEJMPS (or bare BCNOT) step."""
    rho = qt.tensor(rho1, rho2)
    if rotate:
        u = qt.tensor(rx(np.pi / 2), rx(-np.pi / 2), rx(np.pi / 2), rx(-np.pi / 2))
        rho = u * rho * u.dag()
    ca, cb = cnot(0, 2), cnot(1, 3)
    rho = depolarise(ca * rho * ca.dag(), 0, 2, gate_fidelity)
    rho = depolarise(cb * rho * cb.dag(), 1, 3, gate_fidelity)
    eta = measurement_fidelity
    kept = 0
    projectors = (P0, P1)
    for m2 in (0, 1):
        for m3 in (0, 1):
            proj = _on({2: projectors[m2], 3: projectors[m3]})
            branch = proj * rho * proj
            for r2 in (0, 1):
                for r3 in (0, 1):
                    if r2 != r3:
                        continue
                    prob = (eta if r2 == m2 else 1 - eta) * (eta if r3 == m3 else 1 - eta)
                    kept = kept + prob * branch
    success = float(np.real(kept.tr()))
    out = qt.Qobj(kept.ptrace([0, 1]).full() / success, dims=[[2, 2], [2, 2]]) if success > 0 else None
    return out, success


def phi_plus_fidelity(rho: qt.Qobj) -> float:
    phi = (qt.tensor(qt.basis(2, 0), qt.basis(2, 0)) + qt.tensor(qt.basis(2, 1), qt.basis(2, 1))).unit()
    return float(np.real(qt.expect(phi.proj(), rho)))


def bell_weights_of(rho: qt.Qobj) -> np.ndarray:
    """<B_k|rho|B_k> in the order phi+, psi+, psi-, phi- (kets written out here, not imported)."""
    s = 1 / np.sqrt(2)
    kets = [np.array([s, 0, 0, s]), np.array([0, s, s, 0]), np.array([0, s, -s, 0]), np.array([s, 0, 0, -s])]
    m = rho.full()
    return np.array([np.real(k @ m @ k) for k in kets])


def bell_diagonal(weights) -> qt.Qobj:
    s = 1 / np.sqrt(2)
    kets = [np.array([s, 0, 0, s]), np.array([0, s, s, 0]), np.array([0, s, -s, 0]), np.array([s, 0, 0, -s])]
    m = sum(w * np.outer(k, k) for w, k in zip(weights, kets, strict=True))
    return qt.Qobj(m.astype(complex), dims=[[2, 2], [2, 2]])
