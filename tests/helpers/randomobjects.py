"""Random physical objects for tests (seeded, independent of the code under test)."""

import numpy as np
import qutip as qt


def random_kraus(seed: int, dim: int = 2, n_ops: int = 3) -> list[np.ndarray]:
    """Kraus operators of a random CPTP map: blocks of a Haar-like random isometry (QR of a Gaussian matrix)."""
    rng = np.random.default_rng(seed)
    g = rng.normal(size=(n_ops * dim, dim)) + 1j * rng.normal(size=(n_ops * dim, dim))
    v, _ = np.linalg.qr(g)
    return [v[k * dim : (k + 1) * dim, :] for k in range(n_ops)]


def random_density_matrix(seed: int, dims: list[int]) -> qt.Qobj:
    """A full-rank random density matrix (Ginibre ensemble) with the given subsystem dims."""
    rng = np.random.default_rng(seed)
    d = int(np.prod(dims))
    g = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    rho = g @ g.conj().T
    return qt.Qobj(rho / np.trace(rho), dims=[dims, dims])
