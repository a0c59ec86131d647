"""Input checks of the :class:`~pqms_physics.core.channels.Channel` builders (errors name the argument)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import qutip as qt

from pqms_physics.errors import DimensionError, NotCPTPError, PQMSValueError, check_int


def _dims_of(op: qt.Qobj) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(output dims, input dims) of an operator (or ket) Qobj as tuples."""
    return tuple(int(d) for d in op.dims[0]), tuple(int(d) for d in op.dims[1])


def kraus_matrices(ops: Iterable, atol: float) -> tuple[list[np.ndarray], tuple]:
    """Kraus operators as arrays and their ``(out_dims, in_dims)``; raises unless trace preserving."""
    ops = list(ops)
    if not ops:
        raise PQMSValueError("ops must contain at least one Kraus operator, got none")
    mats, dims = [], None
    for k, op in enumerate(ops):
        if isinstance(op, qt.Qobj) and not (op.isoper or op.isket):
            raise PQMSValueError(f"ops[{k}] must be an operator, got a Qobj of type {op.type!r}")
        mat = op.full() if isinstance(op, qt.Qobj) else np.asarray(op, dtype=complex)
        if mat.ndim != 2:
            raise PQMSValueError(f"ops[{k}] must be a 2-D array, got shape {mat.shape}")
        op_dims = _dims_of(op) if isinstance(op, qt.Qobj) else ((mat.shape[0],), (mat.shape[1],))
        if dims is None:
            dims = op_dims
        elif op_dims != dims:
            raise DimensionError(f"ops[{k}] has dims {op_dims}, expected {dims} like ops[0]")
        if not np.all(np.isfinite(mat)):
            raise PQMSValueError(f"ops[{k}] must be finite")
        mats.append(mat)
    gram = sum(m.conj().T @ m for m in mats)
    err = np.abs(gram - np.eye(gram.shape[0])).max()
    if err > atol:
        raise NotCPTPError(
            f"ops must satisfy sum K^dagger K = I (trace preserving); max deviation {err:.3g} > atol={atol}"
        )
    return mats, dims


def povm_effects(
    effects: Sequence[np.ndarray], in_dims: Iterable[int] | None, out_dims: Iterable[int] | None, atol: float
) -> tuple[np.ndarray, tuple, tuple]:
    """POVM effects as a (k, d, d) array with the register dims; raises unless PSD and summing to I."""
    mats = np.asarray(effects, dtype=complex)
    if mats.ndim != 3 or mats.shape[1] != mats.shape[2] or not np.all(np.isfinite(mats)):
        raise PQMSValueError(f"effects must be finite square matrices of one shape, got shape {mats.shape}")
    k, d = mats.shape[0], mats.shape[1]
    in_dims = (d,) if in_dims is None else tuple(in_dims)
    out_dims = (k,) if out_dims is None else tuple(out_dims)
    if int(np.prod(in_dims)) != d or int(np.prod(out_dims)) != k:
        raise DimensionError(
            f"effects ({k} of size {d}) do not fit in_dims {list(in_dims)} -> out_dims {list(out_dims)}"
        )
    if np.abs(mats - np.swapaxes(mats, 1, 2).conj()).max() > atol or np.linalg.eigvalsh(mats).min() < -atol:
        raise NotCPTPError("effects must be positive semidefinite")
    err = np.abs(mats.sum(axis=0) - np.eye(d)).max()
    if err > atol:
        raise NotCPTPError(f"effects must sum to the identity; max deviation {err:.3g} > atol={atol}")
    return mats, in_dims, out_dims


def placement(qubit: int | Sequence[int], n: int, in_dims: tuple[int, ...]) -> tuple[int, list[int], bool]:
    """``(n, targets, single)`` for ``Channel.on``: one distinct factor index per factor of the channel."""
    n = check_int("n", n, 1)
    single = not isinstance(qubit, Sequence)
    targets = [qubit] if single else list(qubit)
    k = len(in_dims)
    if len(targets) != k:
        raise DimensionError(
            f"qubit must name {k} factor(s) for a channel on dims {list(in_dims)}, got {len(targets)}: {targets}"
        )
    targets = [check_int("qubit" if single else f"qubit[{i}]", q, 0, n - 1) for i, q in enumerate(targets)]
    if len(set(targets)) != k:
        raise PQMSValueError(f"qubit must hold distinct factors, got {targets}")
    return n, targets, single
