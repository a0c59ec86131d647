"""Maximum-likelihood two-qubit state from Pauli-basis counts (a physical state, with an optimality certificate).

The log-likelihood ``l(rho) = sum_so n_so log p_so(rho)``, ``p_so = tr(Pi_so rho)``, is concave in ``rho``, so
the maximum over density matrices is a convex problem. It is solved in the 15 real Pauli coordinates
``rho = (I + sum_m theta_m P_m)/4`` by a log-barrier interior-point method: for decreasing ``mu`` the damped
Newton method maximises ``sum_so f_so log p_so + mu log det rho`` (``f = n / N``), whose maximiser is within
``4 mu`` (per count) of the optimum (the barrier parameter of ``log det`` on 4x4 matrices is 4). Every step is
batched over leading axes, so a bootstrap solves all its resamples at once.

The certificate is independent of the solver: for any full-rank ``rho``, concavity gives
``max_sigma l(sigma) - l(rho) <= N (lambda_max(R) - 1)`` with ``R = sum_so (f_so / p_so) Pi_so`` -- the
operator of the ``R rho R`` iteration of Hradil and Rehacek, equal to the identity at an interior optimum.

References
----------
.. [1] Z. Hradil, "Quantum-state estimation", PRA 55, R1561 (1997).
.. [2] J. Rehacek, Z. Hradil, E. Knill, A. I. Lvovsky, "Diluted maximum-likelihood algorithm for quantum
       tomography", PRA 75, 042108 (2007).
.. [3] D. F. V. James, P. G. Kwiat, W. J. Munro, A. G. White, "Measurement of qubits", PRA 64, 052312 (2001).
.. [4] S. Boyd and L. Vandenberghe, *Convex Optimization* (2004), ch. 9.5-9.6 and 11.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import qutip as qt
from numpy.typing import ArrayLike

from pqms_physics.core.diagnostics import concurrence_of_matrices, phi_plus_fidelity_of_matrices
from pqms_physics.errors import check_int, check_positive
from pqms_physics.tomography.inversion import correlation_tensor_of_counts
from pqms_physics.tomography.pauli import DESIGN, MEASUREMENT_VECTORS, PAULI_PRODUCTS, check_count_table

if TYPE_CHECKING:
    from pqms_physics.kernels.result import SampleCounts

#: Default bound on the log-likelihood gap (nats, over all counts) at which the solver stops.
DEFAULT_TOL: float = 1e-3
_MU_START = 1e-2
_MU_FACTOR = 0.1
_CENTERED = 1e-10  # squared Newton decrement of (objective / mu) below which a barrier stage is done

_D = DESIGN.reshape(36, 16)[:, 1:]  # p_so = (1 + D theta)/4
_P = PAULI_PRODUCTS.reshape(16, 4, 4)[1:]  # rho = (I + sum_m theta_m P_m)/4
_P_REAL = np.ascontiguousarray(_P.reshape(15, 16).real)  # real and imaginary parts: a real matmul each
_P_IMAG = np.ascontiguousarray(_P.reshape(15, 16).imag)
_D_T = np.ascontiguousarray(_D.T)
_V = MEASUREMENT_VECTORS.reshape(36, 4)
_EYE = np.eye(4)
# Small dense products are written as stacked matmuls of real arrays: a (B x 16) @ (16 x 15) complex gemm goes to
# multithreaded BLAS and is ~100x slower than this on a loaded machine.


def _rho(theta: np.ndarray) -> np.ndarray:
    flat = (theta @ _P_REAL) + 1j * (theta @ _P_IMAG)
    return (_EYE + flat.reshape(theta.shape[:-1] + (4, 4))) / 4.0


def _newton(theta: np.ndarray, f: np.ndarray, mu: float) -> tuple[np.ndarray, np.ndarray]:
    """Newton step of ``sum f log p + mu log det rho`` and the squared decrement of (that / mu)."""
    p = (1.0 + theta @ _D_T) / 4.0
    safe = np.where(f > 0, p, 1.0)
    ratio = np.where(f > 0, f / safe, 0.0)
    grad = ratio @ _D / 4.0
    hess = -(_D_T @ ((ratio / safe)[:, :, None] * _D)) / 16.0
    y = np.linalg.inv(_rho(theta))[:, None] @ _P  # rho^{-1} P_m, (B, 15, 4, 4)
    grad += mu * np.real(np.trace(y, axis1=-2, axis2=-1)) / 4.0
    b = y.shape[0]
    yf = y.reshape(b, 15, 16)
    yt = np.ascontiguousarray(np.swapaxes(y, -1, -2)).reshape(b, 15, 16)
    hess -= mu * np.real(yf @ np.swapaxes(yt, -1, -2)) / 16.0
    step = np.linalg.solve(-hess, grad[..., None])[..., 0]
    return step, np.einsum("xm,xm->x", grad, step) / mu


def _feasible(theta: np.ndarray) -> np.ndarray:
    rho = _rho(theta)
    try:
        np.linalg.cholesky(rho)
        return np.ones(theta.shape[0], dtype=bool)
    except np.linalg.LinAlgError:
        return np.linalg.eigvalsh(rho)[:, 0] > 0.0


def _initial(counts: np.ndarray) -> np.ndarray:
    """Linear inversion shrunk towards I/4 until comfortably positive definite."""
    t = correlation_tensor_of_counts(counts).reshape(counts.shape[0], 16)[:, 1:]
    low = np.linalg.eigvalsh(_rho(t))[:, 0]
    scale = np.minimum(0.9, 0.5 * 0.25 / np.maximum(0.25 - low, 1e-300))
    return t * scale[:, None]


def certificate(rho: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``N (lambda_max(R) - 1)``: a bound on the log-likelihood gap of ``(B, 4, 4)`` full-rank ``rho``."""
    n = counts.reshape(counts.shape[0], 36)
    p = np.real(np.einsum("ka,xab,kb->xk", np.conj(_V), rho, _V, optimize=True))
    ratio = np.where(n > 0, n / np.where(n > 0, p, 1.0), 0.0) / n.sum(axis=1, keepdims=True)
    r = np.einsum("ka,xk,kb->xab", _V, ratio, np.conj(_V), optimize=True)
    return n.sum(axis=1) * (np.linalg.eigvalsh(r)[:, -1] - 1.0)


def mle_matrices(
    counts: np.ndarray, tol: float = DEFAULT_TOL, max_iterations: int = 500
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Batched solver (trusted): ``(B, 9, 4)`` counts -> (rho ``(B, 4, 4)``, gap bound ``(B,)``, steps ``(B,)``)."""
    counts = np.asarray(counts, dtype=float)
    total = counts.reshape(counts.shape[0], 36).sum(axis=1)
    f = counts.reshape(counts.shape[0], 36) / total[:, None]
    theta = _initial(counts)
    steps = np.zeros(counts.shape[0], dtype=np.int64)
    mu_end = tol / (4.0 * total.max())
    mu = _MU_START
    while True:
        active = np.arange(theta.shape[0])
        while active.size and steps.max() < max_iterations:
            step, lam2 = _newton(theta[active], f[active], mu)
            moving = lam2 > _CENTERED
            active, step, lam2 = active[moving], step[moving], lam2[moving]
            lam = np.sqrt(np.maximum(lam2, 0.0))
            t = np.where(lam > 0.25, 1.0 / (1.0 + lam), 1.0)
            trial = theta[active] + t[:, None] * step
            bad = ~_feasible(trial)
            while bad.any():  # guard: never leave the positive-definite cone
                t[bad] /= 2.0
                trial[bad] = theta[active[bad]] + t[bad, None] * step[bad]
                bad[bad] = ~_feasible(trial[bad])
            theta[active] = trial
            steps[active] += 1
        if mu <= mu_end or steps.max() >= max_iterations:
            break
        mu = max(mu * _MU_FACTOR, mu_end)
    rho = _rho(theta)
    return rho, certificate(rho, counts), steps


@dataclass(frozen=True, eq=False)
class MLEResult:
    """Maximum-likelihood estimate of a two-qubit state.

    Attributes
    ----------
    state : qutip.Qobj
        Density matrix (PSD, unit trace, dims ``[[2, 2], [2, 2]]``).
    fidelity : float
        ``<Phi+|state|Phi+>``.
    concurrence : float
        Wootters concurrence of ``state``.
    log_likelihood : float
        ``sum n log p`` at the estimate (nats).
    gap_bound : float
        Certified upper bound on ``max l - l(state)`` (nats); the solver stops once it is below ``tol``.
    converged : bool
        ``gap_bound <= tol``.
    iterations : int
        Newton steps taken.
    pairs : float
        Total counts.
    tol : float
        The requested gap bound.
    """

    state: qt.Qobj
    fidelity: float
    concurrence: float
    log_likelihood: float
    gap_bound: float
    converged: bool
    iterations: int
    pairs: float
    tol: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (the matrix as real and imaginary parts)."""
        m = self.state.full()
        return {
            "state_real": m.real.tolist(),
            "state_imag": m.imag.tolist(),
            "fidelity": self.fidelity,
            "concurrence": self.concurrence,
            "log_likelihood": self.log_likelihood,
            "gap_bound": self.gap_bound,
            "converged": self.converged,
            "iterations": self.iterations,
            "pairs": self.pairs,
            "tol": self.tol,
        }


def maximum_likelihood_state(
    counts: ArrayLike | SampleCounts, *, tol: float = DEFAULT_TOL, max_iterations: int = 500
) -> MLEResult:
    """Maximum-likelihood two-qubit density matrix from Pauli-basis counts.

    Parameters
    ----------
    counts : array_like, shape (9, 4), or SampleCounts
        Counts in the layout of :mod:`pqms_physics.tomography.pauli`, non-negative with a positive total in
        every setting (non-integer expected counts are accepted).
    tol : float, optional
        Stop when the certified log-likelihood gap (nats, over all counts) is below ``tol`` (> 0). The default
        1e-3 is far below the statistical resolution (a likelihood-ratio confidence region spans ~1 nat).
    max_iterations : int, optional
        Cap on Newton steps (>= 1); ``converged`` reports whether ``tol`` was reached.

    Returns
    -------
    MLEResult
        The state, its ``Phi+`` fidelity and concurrence, log-likelihood and gap certificate.

    Notes
    -----
    Maximises ``l(rho) = sum_so n_so log tr(Pi_so rho)`` over density matrices [1]_ [3]_ by a log-barrier
    interior-point method with damped Newton steps [4]_ (see the module docstring), started from the linear
    inversion shrunk towards ``I/4``. The gap bound ``N (lambda_max(R) - 1)``, ``R = sum (f/p) Pi``, is the
    stopping rule of the ``R rho R`` algorithm [2]_ and holds for any full-rank state, whichever solver made it.

    References
    ----------
    .. [1] Z. Hradil, PRA 55, R1561 (1997).
    .. [2] J. Rehacek, Z. Hradil, E. Knill, A. I. Lvovsky, PRA 75, 042108 (2007).
    .. [3] D. F. V. James et al., PRA 64, 052312 (2001).
    .. [4] S. Boyd and L. Vandenberghe, *Convex Optimization* (2004).

    Examples
    --------
    >>> from pqms_physics.core.states import bell_state
    >>> from pqms_physics.tomography.pauli import pauli_outcome_table
    >>> res = maximum_likelihood_state(1000 * pauli_outcome_table(bell_state("phi+")))
    >>> print(f"{res.fidelity:.4f} {res.concurrence:.4f}", res.converged)
    1.0000 1.0000 True
    """
    table = check_count_table("counts", counts, integer=False)
    tol = check_positive("tol", tol)
    max_iterations = check_int("max_iterations", max_iterations, 1)
    rho, gap, steps = mle_matrices(table[None], tol, max_iterations)
    mat = (rho[0] + rho[0].conj().T) / 2
    p = np.real(np.einsum("ka,ab,kb->k", np.conj(_V), mat, _V))
    n = table.ravel()
    log_l = float(np.sum(np.where(n > 0, n * np.log(np.where(n > 0, p, 1.0)), 0.0)))
    return MLEResult(
        state=qt.Qobj(mat, dims=[[2, 2], [2, 2]]),
        fidelity=float(phi_plus_fidelity_of_matrices(mat)),
        concurrence=float(concurrence_of_matrices(mat)),
        log_likelihood=log_l,
        gap_bound=float(gap[0]),
        converged=bool(gap[0] <= tol),
        iterations=int(steps[0]),
        pairs=float(n.sum()),
        tol=tol,
    )


__all__ = ["DEFAULT_TOL", "MLEResult", "maximum_likelihood_state", "mle_matrices", "certificate"]
