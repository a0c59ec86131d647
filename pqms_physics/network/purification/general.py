"""General two-qubit states: the purification step as a compiled bilinear map, built from a four-qubit circuit.

Registers are ordered ``A1, B1, A2, B2`` (qubit 0 leftmost), so the input is ``rho_1 (x) rho_2`` with pair 1
(A1, B1) kept and pair 2 (A2, B2) measured. Alice holds A1, A2; Bob B1, B2. The circuit (DEJMPS; BBPSSW omits
step 1):

1. Alice applies ``R_x(pi/2) = exp(-i pi X/4)`` to A1 and A2, Bob ``R_x(-pi/2)`` to B1 and B2;
2. Alice's CNOT A1 -> A2, then ``rho -> p2 rho + (1 - p2) tr_{A1 A2}(rho) (x) I/4`` on A1, A2; Bob's CNOT
   B1 -> B2, then the same depolarisation on B1, B2 (Duer et al. 1999);
3. A2 and B2 are measured in Z; each reported bit is flipped with probability ``1 - eta``; pair 1 is kept when
   the reported bits agree.

The kept, unnormalised state of pair 1 is bilinear in ``(rho_1, rho_2)``:
``vec(out) = sum_{ij} T[:, i, j] vec(rho_1)_i vec(rho_2)_j`` (row-major ``vec``). ``T`` is a combination of eight
fixed tensors (Alice's gate ideal / depolarised, Bob's likewise, true parity even / odd) with the weights
``p2`` or ``1 - p2`` per side and ``1 - eps`` or ``eps = 2 eta (1 - eta)`` for the readout. The eight tensors
are computed once per protocol by running the circuit on the 256 basis operators ``E_i (x) E_j``; afterwards
one step costs two small matrix products, for any batch of input pairs.

References
----------
D. Deutsch et al., Phys. Rev. Lett. 77, 2818 (1996); W. Duer, H.-J. Briegel, J. I. Cirac, P. Zoller, Phys.
Rev. A 59, 169 (1999).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

_X = np.array([[0, 1], [1, 0]], dtype=complex)
_I2 = np.eye(2, dtype=complex)


def _rx(theta: float) -> np.ndarray:
    return np.cos(theta / 2) * _I2 - 1j * np.sin(theta / 2) * _X


def _kron(*ops: np.ndarray) -> np.ndarray:
    out = np.ones((1, 1), dtype=complex)
    for op in ops:
        out = np.kron(out, op)
    return out


def _cnot(control: int, target: int, n: int = 4) -> np.ndarray:
    """CNOT on ``n`` qubits (qubit 0 leftmost) as a permutation matrix."""
    dim = 2**n
    u = np.zeros((dim, dim), dtype=complex)
    for i in range(dim):
        bits = [(i >> (n - 1 - q)) & 1 for q in range(n)]
        if bits[control]:
            bits[target] ^= 1
        j = sum(b << (n - 1 - q) for q, b in enumerate(bits))
        u[j, i] = 1.0
    return u


def _depolarise_pair(rho: np.ndarray, q1: int, q2: int) -> np.ndarray:
    """``tr_{q1 q2}(rho) (x) I/4`` on qubits q1, q2 of batched four-qubit operators (..., 16, 16).

    Uses the Pauli twirl identity ``(1/16) sum_P P rho P^dag = tr_{q1 q2}(rho) (x) I/4`` over the 16 Paulis
    ``P`` on the two qubits.
    """
    paulis = [_I2, _X, np.array([[0, -1j], [1j, 0]]), np.diag([1.0 + 0j, -1.0])]
    out = np.zeros_like(rho)
    for s1 in paulis:
        for s2 in paulis:
            ops = [_I2] * 4
            ops[q1], ops[q2] = s1, s2
            p = _kron(*ops)
            out = out + p @ rho @ p.conj().T
    return out / 16.0


@lru_cache(maxsize=2)
def circuit_tensors(rotate: bool) -> np.ndarray:
    """The eight fixed tensors, shape (2, 2, 2, 16, 16, 16): [alice depolarised?, bob depolarised?, odd parity?].

    ``[..., o, i, j]``: output element ``o`` of pair 1 (row-major 4x4) from input elements ``i`` of pair 1 and
    ``j`` of pair 2. Built by running the explicit circuit on every basis operator ``E_i (x) E_j``.
    """
    eye16 = np.eye(16, dtype=complex).reshape(16, 4, 4)
    basis = np.einsum("iab,jcd->ijacbd", eye16, eye16).reshape(256, 16, 16)  # E_i (x) E_j, 4-qubit operators
    rot = _kron(_rx(np.pi / 2), _rx(-np.pi / 2), _rx(np.pi / 2), _rx(-np.pi / 2)) if rotate else np.eye(16)
    ca, cb = _cnot(0, 2), _cnot(1, 3)
    rho = rot @ basis @ rot.conj().T
    out = np.empty((2, 2, 2, 16, 16, 16), dtype=complex)
    alice = [ca @ rho @ ca.conj().T]
    alice.append(_depolarise_pair(alice[0], 0, 2))
    for ia, ra in enumerate(alice):
        bob = [cb @ ra @ cb.conj().T]
        bob.append(_depolarise_pair(bob[0], 1, 3))
        for ib, rb in enumerate(bob):
            r = rb.reshape(256, 4, 4, 4, 4)  # [k, (A1 B1), (A2 B2), (A1 B1)', (A2 B2)']
            for odd in (0, 1):
                kept = [m for m in range(4) if (m >> 1) ^ (m & 1) == odd]  # true (A2, B2) outcomes of parity odd
                part = sum(r[:, :, m, :, m] for m in kept)  # (256, 4, 4)
                out[ia, ib, odd] = part.reshape(16, 16, 16).transpose(2, 0, 1)
    return out


@lru_cache(maxsize=64)
def step_tensor(rotate: bool, gate_fidelity: float, measurement_fidelity: float) -> np.ndarray:
    """Bilinear map ``T`` (16, 16 * 16) of one noisy step for given ``p2`` and ``eta`` (cached)."""
    base = circuit_tensors(rotate)
    p, eps = gate_fidelity, 2.0 * measurement_fidelity * (1.0 - measurement_fidelity)
    side = np.array([p, 1.0 - p])
    meas = np.array([1.0 - eps, eps])
    coef = np.einsum("a,b,m->abm", side, side, meas)
    t = np.einsum("abm,abmoij->oij", coef, base)
    return np.ascontiguousarray(t.reshape(16, 256))


def recurrence_arrays(
    rho1: np.ndarray,
    rho2: np.ndarray,
    gate_fidelity: float = 1.0,
    measurement_fidelity: float = 1.0,
    rotate: bool = True,
) -> np.ndarray:
    """Kept, unnormalised pair-1 operator(s) (..., 4, 4); its trace is the success probability. Trusted inputs.

    ``rho1`` and ``rho2`` are (..., 4, 4) arrays with broadcastable leading axes.
    """
    t = step_tensor(bool(rotate), float(gate_fidelity), float(measurement_fidelity))
    r1 = np.asarray(rho1, dtype=complex)
    r2 = np.asarray(rho2, dtype=complex)
    r1, r2 = np.broadcast_arrays(r1, r2)
    batch = r1.shape[:-2]
    v1 = r1.reshape(batch + (16, 1))
    v2 = r2.reshape(batch + (16, 1))
    outer = (v1 * v2.swapaxes(-1, -2)).reshape(batch + (256,))
    if not batch:  # one pair: einsum, not BLAS gemv (a threaded gemv this small stalls on a loaded machine)
        return np.einsum("oi,i->o", t, outer).reshape(4, 4)
    return np.matmul(outer, t.T).reshape(batch + (4, 4))


__all__ = ["circuit_tensors", "step_tensor", "recurrence_arrays"]
