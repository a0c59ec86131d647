"""Representations of linear maps on operators: Kraus, superoperator, Choi, as plain array conversions.

Every superoperator in pqms_physics uses one convention, the one stated in
:mod:`pqms_physics.conventions` (QuTiP's):

* **column stacking**: ``vec(rho)[i + d*j] = rho[i, j]`` (``rho.reshape(-1, order="F")``), so
  ``vec(A rho B) = (B^T (x) A) vec(rho)`` and a Kraus map has superoperator
  ``S = sum_k conj(K_k) (x) K_k`` of shape ``(d_out**2, d_in**2)``;
* **Choi matrix** ``J = sum_ij |i><j| (x) E(|i><j|)`` (input factor first, QuTiP's ordering), shape
  ``(d_in*d_out, d_in*d_out)``, **not normalised**: ``tr J = d_in`` for a trace-preserving map.

Code that needs the other vectorisation (C order, ``rho.reshape(-1)``: "row stacking") converts with
:func:`column_to_row_stacked` / :func:`row_to_column_stacked` instead of re-deriving it.

Everything here takes and returns NumPy arrays (no QuTiP, no validation): the
:class:`~pqms_physics.core.channels.Channel` class validates at its boundary and calls these. Dimensions are read
from the shapes where they are determined (a superoperator's ``(d_out**2, d_in**2)``); a Choi matrix needs
``d_in`` to be told.

References
----------
M. A. Nielsen, I. L. Chuang, *Quantum Computation and Quantum Information* (Cambridge, 2000), sec. 8.2.
C. J. Wood, J. D. Biamonte, D. G. Cory, "Tensor networks and graphical calculus for open quantum systems",
Quantum Inf. Comput. 15, 759 (2015) (conversions between the representations).

Examples
--------
>>> import numpy as np
>>> x = np.array([[0, 1], [1, 0]], dtype=complex)
>>> s = kraus_to_superop([x])
>>> j = superop_to_choi(s)
>>> print(f"{np.trace(j).real:.1f}")  # = input dimension
2.0
>>> bool(np.allclose(choi_to_superop(j, d_in=2), s))
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def _side(n: int, what: str) -> int:
    d = math.isqrt(int(n))
    if d * d != n:
        raise ValueError(f"{what} has {n} rows/columns, which is not a square number")
    return d


def superop_dims(superop: np.ndarray) -> tuple[int, int]:
    """``(d_in, d_out)`` of a superoperator of shape ``(d_out**2, d_in**2)``."""
    rows, cols = np.shape(superop)
    return _side(cols, "the superoperator's input"), _side(rows, "the superoperator's output")


def kraus_to_superop(kraus: Sequence[np.ndarray]) -> np.ndarray:
    """Superoperator ``S = sum_k conj(K_k) (x) K_k`` of ``rho -> sum_k K_k rho K_k^dagger`` (column stacking).

    ``K_k`` may be rectangular, shape ``(d_out, d_in)``; the result has shape ``(d_out**2, d_in**2)``.
    """
    mats = [np.asarray(k, dtype=complex) for k in kraus]
    return sum(np.kron(k.conj(), k) for k in mats)


def _as_tensor(superop: np.ndarray) -> np.ndarray:
    """``S`` as ``T[j', i', j, i]``: output column j', output row i', input column j, input row i."""
    d_in, d_out = superop_dims(superop)
    return np.asarray(superop).reshape(d_out, d_out, d_in, d_in)


def superop_to_choi(superop: np.ndarray) -> np.ndarray:
    """Choi matrix ``J = sum_ij |i><j| (x) E(|i><j|)`` of a column-stacked superoperator.

    ``J[(i, k), (j, l)] = <k|E(|i><j|)|l> = S[k + d_out*l, i + d_in*j]``.
    """
    d_in, d_out = superop_dims(superop)
    t = _as_tensor(superop)  # [l, k, j, i]
    return t.transpose(3, 1, 2, 0).reshape(d_in * d_out, d_in * d_out)


def choi_to_superop(choi: np.ndarray, d_in: int) -> np.ndarray:
    """Inverse of :func:`superop_to_choi` (``choi`` of shape ``(d_in*d_out, d_in*d_out)``)."""
    n = np.shape(choi)[0]
    d_out = n // d_in
    if d_in * d_out != n:
        raise ValueError(f"a Choi matrix of size {n} cannot have input dimension {d_in}")
    t = np.asarray(choi).reshape(d_in, d_out, d_in, d_out)  # [i, k, j, l]
    return t.transpose(3, 1, 2, 0).reshape(d_out * d_out, d_in * d_in)


def kraus_to_choi(kraus: Sequence[np.ndarray]) -> np.ndarray:
    """Choi matrix of a Kraus map: ``J = sum_k vec_r(K_k^T) vec_r(K_k^T)^dagger`` written out directly.

    With ``K[k, i]`` the matrix elements, ``J[(i, k), (j, l)] = sum K[k, i] conj(K[l, j])``.
    """
    mats = [np.asarray(k, dtype=complex) for k in kraus]
    return sum(np.outer(v, v.conj()) for v in (k.T.reshape(-1) for k in mats))


def choi_to_kraus(choi: np.ndarray, d_in: int, atol: float = 1e-12) -> list[np.ndarray]:
    """A Kraus decomposition from the eigendecomposition of a (positive) Choi matrix.

    Eigenvalues ``<= atol`` are dropped; each remaining eigenpair ``(lam, v)`` gives
    ``K = sqrt(lam) v.reshape(d_in, d_out).T``. A map with a zero Choi matrix returns one zero operator.
    """
    n = np.shape(choi)[0]
    d_out = n // d_in
    herm = (np.asarray(choi) + np.asarray(choi).conj().T) / 2
    vals, vecs = np.linalg.eigh(herm)
    ops = [np.sqrt(lam) * vecs[:, k].reshape(d_in, d_out).T for k, lam in enumerate(vals) if lam > atol]
    return ops or [np.zeros((d_out, d_in), dtype=complex)]


def superop_to_kraus(superop: np.ndarray, atol: float = 1e-12) -> list[np.ndarray]:
    """A Kraus decomposition of a completely positive superoperator (through its Choi matrix)."""
    d_in, _ = superop_dims(superop)
    return choi_to_kraus(superop_to_choi(superop), d_in, atol)


def superop_tensor(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Superoperator of ``E_a (x) E_b`` (``a`` on the left factors) from the two column-stacked ones."""
    (ai, ao), (bi, bo) = superop_dims(a), superop_dims(b)
    ta, tb = _as_tensor(a), _as_tensor(b)  # [J', I', J, I]
    # output index (j'_a j'_b i'_a i'_b), input index (j_a j_b i_a i_b): C-order digits of column stacking
    t = np.einsum("wxyz,WXYZ->wWxXyYzZ", ta, tb)
    return t.reshape((ao * bo) ** 2, (ai * bi) ** 2)


def permute_subsystems(superop: np.ndarray, dims: Sequence[int], order: Sequence[int]) -> np.ndarray:
    """Conjugate a square map on subsystems ``dims`` by the subsystem permutation ``order``.

    Returns ``S'`` with ``S'(rho') = P S(P^dagger rho' P) P^dagger``, where ``P`` moves factor
    ``order[k]`` to position ``k`` (as ``qutip.Qobj.permute(order)`` does for states).
    """
    dims = [int(d) for d in dims]
    n, d = len(dims), int(np.prod(dims))
    t = np.asarray(superop).reshape(dims * 4)  # axes: out col, out row, in col, in row (n each)
    axes = []
    for block in range(4):
        axes += [block * n + q for q in order]
    return t.transpose(axes).reshape(d * d, d * d)


def partial_trace_superop(dims: Sequence[int], keep: Sequence[int]) -> np.ndarray:
    """Superoperator of the partial trace over every factor of ``dims`` not in ``keep`` (kept in order)."""
    dims = [int(d) for d in dims]
    traced = [q for q in range(len(dims)) if q not in keep]
    d_keep = int(np.prod([dims[q] for q in keep])) if keep else 1
    d_tr = int(np.prod([dims[q] for q in traced])) if traced else 1
    eye_keep = np.eye(d_keep)
    # Kraus operators (I_keep (x) <t|) after moving the traced factors to the right
    kraus = [np.kron(eye_keep, np.eye(d_tr)[[t]]) for t in range(d_tr)]
    s = kraus_to_superop(kraus)
    order = list(keep) + traced
    inv = np.argsort(order)
    # S acts on the permuted register: compose with the permutation of the input factors
    d = int(np.prod(dims))
    t = s.reshape(d_keep, d_keep, *([dims[q] for q in order] * 2))
    axes = [0, 1] + [2 + int(i) for i in inv] + [2 + len(dims) + int(i) for i in inv]
    return t.transpose(axes).reshape(d_keep * d_keep, d * d)


def povm_to_superop(effects: Sequence[np.ndarray]) -> np.ndarray:
    """Superoperator of the measure-and-record map ``rho -> sum_o tr(M_o rho) |o><o|`` (column stacking).

    Row ``vec(|o><o|) = o (K + 1)`` holds ``vec(M_o^T)``, since ``tr(M rho) = vec(M^T) . vec(rho)``.
    """
    mats = np.asarray(effects, dtype=complex)
    k, d = mats.shape[0], mats.shape[1]
    superop = np.zeros((k * k, d * d), dtype=complex)
    superop[np.arange(k) * (k + 1)] = mats.reshape(k, d * d)  # C-order ravel of M = column stacking of M^T
    return superop


def is_completely_positive(superop: np.ndarray, atol: float) -> bool:
    """Choi matrix Hermitian and positive semidefinite within ``atol`` (Choi's theorem)."""
    choi = superop_to_choi(superop)
    if not np.allclose(choi, choi.conj().T, atol=atol, rtol=0.0):
        return False
    return bool(np.linalg.eigvalsh((choi + choi.conj().T) / 2).min() >= -atol)


def is_trace_preserving(superop: np.ndarray, atol: float) -> bool:
    """``vec(I_out)^T S = vec(I_in)^T`` within ``atol`` (column stacking: ``tr E(rho) = tr rho`` for all rho)."""
    d_in, d_out = superop_dims(superop)
    row = np.eye(d_out).reshape(-1) @ np.asarray(superop)
    return bool(np.allclose(row, np.eye(d_in).reshape(-1), atol=atol, rtol=0.0))


def column_to_row_stacked(superop: np.ndarray) -> np.ndarray:
    """The same map acting on C-order (row-stacked) vectors ``rho.reshape(-1)``.

    Row stacking is column stacking of the transpose, so ``M[(i' j'), (i j)] = S[(j' i'), (j i)]``
    (swap the two digits of each side).
    """
    d_in, d_out = superop_dims(superop)
    return _as_tensor(superop).transpose(1, 0, 3, 2).reshape(d_out * d_out, d_in * d_in)


def row_to_column_stacked(matrix: np.ndarray) -> np.ndarray:
    """Inverse of :func:`column_to_row_stacked` (the digit swap is its own inverse)."""
    return column_to_row_stacked(matrix)


def apply_superop(superop: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """``E(rho)`` for a column-stacked superoperator: one matrix-vector product (batched over leading axes)."""
    d_in, d_out = superop_dims(superop)
    superop, rho = np.asarray(superop), np.asarray(rho)
    batch = rho.shape[:-2]
    vec = np.swapaxes(rho, -1, -2).reshape(batch + (d_in * d_in,))  # column stacking = C order of rho^T
    # Small maps skip BLAS: OpenBLAS runs a complex gemv with m*n >= 4096 (the 16x256 swap map) on several
    # threads, and on a busy machine waking them cost ~10 ms per call (einsum: ~5 us, measured).
    if superop.size > 1 << 14:
        out = vec @ superop.T
    elif batch:
        out = np.einsum("ij,...j->...i", superop, vec)
    else:
        out = np.einsum("ij,j->i", superop, vec)
    return np.swapaxes(out.reshape(batch + (d_out, d_out)), -1, -2)


__all__ = [
    "superop_dims",
    "kraus_to_superop",
    "superop_to_choi",
    "choi_to_superop",
    "kraus_to_choi",
    "choi_to_kraus",
    "superop_to_kraus",
    "superop_tensor",
    "permute_subsystems",
    "partial_trace_superop",
    "povm_to_superop",
    "is_completely_positive",
    "is_trace_preserving",
    "column_to_row_stacked",
    "row_to_column_stacked",
    "apply_superop",
]
