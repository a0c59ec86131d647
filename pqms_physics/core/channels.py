"""Quantum channels as immutable, composable value objects, and the standard qubit noise.

A :class:`Channel` is a completely positive, trace-preserving (CPTP) map held as
its superoperator (QuTiP's column-stacking convention, see
:mod:`pqms_physics.conventions`). It is valid when created or not created at
all; every operation returns a new object.

Operator meanings (fixed here, tested with a non-commuting pair):

* ``b @ a`` is "apply ``a``, then ``b``" (operator order), also ``b.compose(a)``;
* ``a & b`` is the tensor product ``a (x) b`` (``a`` on the left factors), also
  ``a.tensor(b)``;
* ``ch.on(q, n)`` embeds a one-subsystem channel on factor ``q`` (0 = leftmost)
  of an ``n``-subsystem register;
* ``ch(rho)`` applies the channel to a density matrix or a ket and returns a
  density-matrix ``Qobj``: one matrix-vector product with the cached
  superoperator, no solver call.

Examples
--------
>>> import qutip as qt
>>> from pqms_physics.core.states import bell_state, fidelity
>>> ch = dephasing(gamma_per_s=0.05, t_s=1.0).on(0, n=2)
>>> round(fidelity(ch(bell_state("phi+")), bell_state("phi+")), 6)
0.952419
"""

from __future__ import annotations

from functools import cached_property
from typing import Iterable, Sequence

import numpy as np
import qutip as qt
import scipy.linalg
from qutip.core.dimensions import Dimensions

from pqms_physics.conventions import ATOL
from pqms_physics.errors import (DimensionError, NotCPTPError, PQMSValueError, check_int, check_nonnegative,
                     check_probability)


def _dims_of(op: qt.Qobj) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(output dims, input dims) of an operator Qobj as tuples."""
    return tuple(int(d) for d in op.dims[0]), tuple(int(d) for d in op.dims[1])


def kraus_to_superop(kraus: Sequence[np.ndarray]) -> np.ndarray:
    """Superoperator of ``rho -> sum_k K rho K^dagger`` (column stacking).

    ``vec(K rho K^dagger) = (conj(K) (x) K) vec(rho)`` for column-stacked ``vec``.
    """
    return sum(np.kron(k.conj(), k) for k in kraus)


def _apply_superop(superop: np.ndarray, rho: np.ndarray) -> np.ndarray:
    d_out = int(round(np.sqrt(superop.shape[0])))
    vec = rho.reshape(-1, order="F")
    return (superop @ vec).reshape(d_out, d_out, order="F")


class Channel:
    """An immutable CPTP map between finite-dimensional registers.

    Do not call the constructor directly: use :meth:`from_kraus`,
    :meth:`from_superop`, :meth:`from_unitary`, :meth:`identity` or a noise
    factory (:func:`dephasing`, :func:`amplitude_damping`,
    :func:`depolarizing`, :func:`pauli_channel`, :func:`lindblad_channel`).

    Attributes
    ----------
    in_dims, out_dims : tuple of int
        Subsystem dimensions of the input and output registers.
    label : str
        Human-readable description (used in ``repr``).
    """

    # ``ndarray @ Channel`` must not silently become an array (as in QuTiP's Qobj).
    __array_ufunc__ = None

    def __init__(self, superop: np.ndarray, in_dims: tuple[int, ...], out_dims: tuple[int, ...],
                 label: str, _trusted: bool = False):
        if not _trusted:
            raise TypeError("use Channel.from_kraus, Channel.from_superop or a factory to build a Channel")
        arr = np.array(superop, dtype=complex)
        arr.flags.writeable = False
        object.__setattr__(self, "_superop", arr)
        object.__setattr__(self, "in_dims", tuple(in_dims))
        object.__setattr__(self, "out_dims", tuple(out_dims))
        object.__setattr__(self, "label", label)

    def __setattr__(self, name, value):
        raise AttributeError(f"Channel is immutable; cannot set {name!r}")

    def __delattr__(self, name):
        raise AttributeError(f"Channel is immutable; cannot delete {name!r}")

    # ------------------------------------------------------------------ builders
    @classmethod
    def _from_array(cls, superop: np.ndarray, in_dims, out_dims, label: str) -> "Channel":
        return cls(superop, tuple(in_dims), tuple(out_dims), label, _trusted=True)

    @classmethod
    def from_kraus(cls, ops: Iterable[qt.Qobj | np.ndarray], atol: float = ATOL,
                   label: str | None = None) -> "Channel":
        """Channel ``rho -> sum_k K_k rho K_k^dagger``.

        Parameters
        ----------
        ops : iterable of Qobj or 2-D arrays
            Kraus operators, all of the same shape. Qobj inputs carry their dims;
            arrays are taken as one subsystem.
        atol : float
            Tolerance of the trace-preservation check ``sum_k K^dagger K = I``.

        Raises
        ------
        NotCPTPError
            If ``sum_k K^dagger K`` differs from the identity by more than ``atol``
            (the map would not be trace preserving).
        """
        ops = list(ops)
        if not ops:
            raise PQMSValueError("ops must contain at least one Kraus operator, got none")
        mats, dims = [], None
        for k, op in enumerate(ops):
            if isinstance(op, qt.Qobj):
                if not op.isoper:
                    raise PQMSValueError(f"ops[{k}] must be an operator, got a Qobj of type {op.type!r}")
                op_dims = _dims_of(op)
                mat = op.full()
            else:
                mat = np.asarray(op, dtype=complex)
                if mat.ndim != 2:
                    raise PQMSValueError(f"ops[{k}] must be a 2-D array, got shape {mat.shape}")
                op_dims = ((mat.shape[0],), (mat.shape[1],))
            if dims is None:
                dims = op_dims
            elif op_dims != dims:
                raise DimensionError(f"ops[{k}] has dims {op_dims}, expected {dims} like ops[0]")
            if not np.all(np.isfinite(mat)):
                raise PQMSValueError(f"ops[{k}] must be finite")
            mats.append(mat)
        out_dims, in_dims = dims
        gram = sum(m.conj().T @ m for m in mats)
        err = np.abs(gram - np.eye(gram.shape[0])).max()
        if err > atol:
            raise NotCPTPError(f"ops must satisfy sum K^dagger K = I (trace preserving); "
                               f"max deviation {err:.3g} > atol={atol}")
        return cls._from_array(kraus_to_superop(mats), in_dims, out_dims, label or f"kraus({len(mats)} ops)")

    @classmethod
    def from_unitary(cls, u: qt.Qobj, label: str | None = None) -> "Channel":
        """Unitary channel ``rho -> U rho U^dagger`` (``u`` a unitary operator Qobj)."""
        if not isinstance(u, qt.Qobj) or not u.isoper:
            raise PQMSValueError(f"u must be an operator Qobj, got {type(u).__name__}")
        mat = u.full()
        if mat.shape[0] != mat.shape[1] or not np.allclose(mat.conj().T @ mat, np.eye(mat.shape[0]), atol=ATOL):
            raise NotCPTPError("u must be unitary")
        return cls.from_kraus([u], label=label or "unitary")

    @classmethod
    def from_superop(cls, s: qt.Qobj, atol: float = ATOL, label: str | None = None) -> "Channel":
        """Channel from a QuTiP superoperator (any ``superrep`` QuTiP can convert).

        Raises
        ------
        NotCPTPError
            If the map is not completely positive or not trace preserving within ``atol``.
        """
        if not isinstance(s, qt.Qobj) or not s.issuper:
            raise PQMSValueError(f"s must be a superoperator Qobj, got "
                                 f"{type(s).__name__ if not isinstance(s, qt.Qobj) else s.type!r}")
        sup = qt.to_super(s)
        out_dims = tuple(int(d) for d in sup.dims[0][0])
        in_dims = tuple(int(d) for d in sup.dims[1][0])
        ch = cls._from_array(sup.full(), in_dims, out_dims, label or "superop")
        if not ch.is_cptp(atol=atol):
            raise NotCPTPError(f"s must be completely positive and trace preserving within atol={atol}")
        return ch

    @classmethod
    def identity(cls, n: int = 1, dim: int = 2) -> "Channel":
        """Identity channel on ``n`` subsystems of dimension ``dim`` (qubits by default)."""
        n = check_int("n", n, 1)
        dim = check_int("dim", dim, 2)
        d = dim ** n
        return cls._from_array(np.eye(d * d, dtype=complex), (dim,) * n, (dim,) * n, f"identity({n})")

    # ------------------------------------------------------------ representations
    @property
    def superop_matrix(self) -> np.ndarray:
        """The (read-only) superoperator matrix, column stacking."""
        return self._superop

    @cached_property
    def _out_state_dims(self) -> Dimensions:
        # built once: constructing a Qobj from a Dimensions object is ~10x faster than from nested lists
        return Dimensions([list(self.out_dims), list(self.out_dims)])

    @cached_property
    def superop(self) -> qt.Qobj:
        """The superoperator as a QuTiP Qobj (``superrep='super'``)."""
        dims = [[list(self.out_dims), list(self.out_dims)], [list(self.in_dims), list(self.in_dims)]]
        return qt.Qobj(self._superop, dims=dims, superrep="super")

    def choi(self) -> qt.Qobj:
        """Choi matrix (QuTiP ordering; trace equals the input dimension)."""
        return self._choi

    @cached_property
    def _choi(self) -> qt.Qobj:
        return qt.to_choi(self.superop)

    def kraus(self) -> tuple[qt.Qobj, ...]:
        """A Kraus decomposition (from the Choi eigendecomposition), as a tuple of Qobj."""
        return self._kraus

    @cached_property
    def _kraus(self) -> tuple[qt.Qobj, ...]:
        return tuple(qt.to_kraus(self.superop))

    def is_cptp(self, atol: float = ATOL) -> bool:
        """True when the Choi matrix is positive (eigenvalues >= -atol) and the map preserves trace."""
        choi = self._choi.full()
        if not np.allclose(choi, choi.conj().T, atol=atol, rtol=0.0):
            return False
        if np.linalg.eigvalsh((choi + choi.conj().T) / 2).min() < -atol:
            return False
        # trace preservation: vec(I)^T S = vec(I)^T (column stacking, output and input identities)
        d_out, d_in = int(np.prod(self.out_dims)), int(np.prod(self.in_dims))
        row = np.eye(d_out).reshape(-1, order="F") @ self._superop
        return bool(np.allclose(row, np.eye(d_in).reshape(-1, order="F"), atol=atol, rtol=0.0))

    # ----------------------------------------------------------------- algebra
    def compose(self, first: "Channel") -> "Channel":
        """``self.compose(first)`` = apply ``first``, then ``self`` (same as ``self @ first``)."""
        if not isinstance(first, Channel):
            raise PQMSValueError(f"first must be a Channel, got {type(first).__name__}")
        if first.out_dims != self.in_dims:
            raise DimensionError(f"cannot compose: first's output dims {list(first.out_dims)} "
                                 f"differ from the second's input dims {list(self.in_dims)}")
        return Channel._from_array(self._superop @ first._superop, first.in_dims, self.out_dims,
                                   f"({self.label}) @ ({first.label})")

    def __matmul__(self, other):
        if isinstance(other, Channel):
            return self.compose(other)
        return NotImplemented

    def tensor(self, other: "Channel") -> "Channel":
        """``self (x) other``: ``self`` acts on the left factors, ``other`` on the right ones."""
        if not isinstance(other, Channel):
            raise PQMSValueError(f"other must be a Channel, got {type(other).__name__}")
        sup = qt.super_tensor(self.superop, other.superop)
        return Channel._from_array(sup.full(), self.in_dims + other.in_dims, self.out_dims + other.out_dims,
                                   f"({self.label}) & ({other.label})")

    def __and__(self, other):
        if isinstance(other, Channel):
            return self.tensor(other)
        return NotImplemented

    def on(self, qubit: int, n: int) -> "Channel":
        """Embed this one-subsystem channel on factor ``qubit`` (0 = leftmost) of an ``n``-subsystem register.

        The other factors get the identity; all subsystems have this channel's dimension.
        """
        if len(self.in_dims) != 1 or self.in_dims != self.out_dims:
            raise DimensionError(f"on() needs a one-subsystem channel with equal input and output dims, "
                                 f"got in {list(self.in_dims)} out {list(self.out_dims)}")
        n = check_int("n", n, 1)
        qubit = check_int("qubit", qubit, 0, n - 1)
        dim = self.in_dims[0]
        result = self
        if qubit > 0:
            result = Channel.identity(qubit, dim) & result
        if n - qubit - 1 > 0:
            result = result & Channel.identity(n - qubit - 1, dim)
        return Channel._from_array(result._superop, result.in_dims, result.out_dims,
                                   f"{self.label} on {qubit} of {n}")

    def power(self, k: int) -> "Channel":
        """The channel applied ``k`` times (``k >= 0``), by repeated squaring."""
        k = check_int("k", k, 0)
        if self.in_dims != self.out_dims:
            raise DimensionError("power() needs equal input and output dims")
        mat = np.linalg.matrix_power(self._superop, k)
        return Channel._from_array(mat, self.in_dims, self.out_dims, f"({self.label})^{k}")

    # --------------------------------------------------------------- application
    def __call__(self, rho: qt.Qobj) -> qt.Qobj:
        """Apply to a density matrix or ket with dims ``in_dims``; returns a density matrix Qobj."""
        if not isinstance(rho, qt.Qobj):
            raise PQMSValueError(f"rho must be a qutip.Qobj, got {type(rho).__name__}")
        if rho.isket:
            mat = rho.full()
            mat = mat @ mat.conj().T
        elif rho.isoper:
            mat = rho.full()
        else:
            raise PQMSValueError(f"rho must be a ket or a density matrix, got a Qobj of type {rho.type!r}")
        if tuple(rho.dims[0]) != self.in_dims:
            raise DimensionError(f"rho has dims {list(rho.dims[0])}, the channel expects {list(self.in_dims)}")
        out = _apply_superop(self._superop, mat)
        return qt.Qobj(out, dims=self._out_state_dims, copy=False)

    def allclose(self, other: "Channel", atol: float = 1e-12) -> bool:
        """True when both channels have the same dims and superoperators within ``atol``."""
        return (isinstance(other, Channel) and self.in_dims == other.in_dims and self.out_dims == other.out_dims
                and bool(np.allclose(self._superop, other._superop, atol=atol, rtol=0.0)))

    def __repr__(self) -> str:
        return f"Channel({self.label}; in {list(self.in_dims)} -> out {list(self.out_dims)})"


# --------------------------------------------------------------------- factories
_PAULI = {
    "i": np.eye(2, dtype=complex),
    "x": np.array([[0, 1], [1, 0]], dtype=complex),
    "y": np.array([[0, -1j], [1j, 0]], dtype=complex),
    "z": np.array([[1, 0], [0, -1]], dtype=complex),
}


def _pauli_weights_channel(weights: Sequence[float], label: str) -> Channel:
    """Pauli channel from trusted weights (p_i, p_x, p_y, p_z)."""
    mats = [np.sqrt(w) * _PAULI[name] for w, name in zip(weights, "ixyz") if w > 0]
    return Channel._from_array(kraus_to_superop(mats), (2,), (2,), label)


def dephasing(gamma_per_s: float, t_s: float) -> Channel:
    """Pure dephasing: exact solution of the Lindblad equation with ``L = sqrt(gamma) sigma_z``.

    Parameters
    ----------
    gamma_per_s : float
        Rate ``gamma`` in 1/s, ``>= 0``. Coherences decay as ``exp(-2 gamma t)``,
        so ``T2 = 1/(2 gamma)``.
    t_s : float
        Duration in s, ``>= 0``.

    Notes
    -----
    ``rho -> (1 - p) rho + p Z rho Z`` with ``p = (1 - exp(-2 gamma t))/2``.

    Examples
    --------
    >>> import qutip as qt
    >>> out = dephasing(gamma_per_s=0.5, t_s=1.0)(qt.ket2dm((qt.basis(2, 0) + qt.basis(2, 1)).unit()))
    >>> print(f"{abs(out.full()[0, 1]):.6f}")  # 0.5 * exp(-1)
    0.183940
    """
    g = check_nonnegative("gamma_per_s", gamma_per_s)
    t = check_nonnegative("t_s", t_s)
    p = -np.expm1(-2.0 * g * t) / 2.0
    return _pauli_weights_channel((1.0 - p, 0.0, 0.0, p), f"dephasing(gamma_per_s={g}, t_s={t})")


def amplitude_damping(gamma_per_s: float, t_s: float) -> Channel:
    """Amplitude damping (energy relaxation to ``|0>``): exact solution with ``L = sqrt(Gamma) sigma_-``.

    Parameters
    ----------
    gamma_per_s : float
        Decay rate ``Gamma`` in 1/s, ``>= 0`` (``T1 = 1/Gamma``).
    t_s : float
        Duration in s, ``>= 0``.

    Notes
    -----
    Here ``|0>`` is the ground state and ``sigma_- = |0><1|`` (``qutip.destroy(2)``;
    beware that ``qutip.sigmam()`` is ``|1><0|`` in QuTiP's spin convention).
    Kraus operators ``K0 = |0><0| + sqrt(1 - lam) |1><1|``, ``K1 = sqrt(lam) |0><1|``,
    ``lam = 1 - exp(-Gamma t)``; populations of ``|1>`` decay as ``exp(-Gamma t)``,
    coherences as ``exp(-Gamma t / 2)``.
    """
    g = check_nonnegative("gamma_per_s", gamma_per_s)
    t = check_nonnegative("t_s", t_s)
    lam = -np.expm1(-g * t)
    k0 = np.array([[1.0, 0.0], [0.0, np.sqrt(1.0 - lam)]], dtype=complex)
    k1 = np.array([[0.0, np.sqrt(lam)], [0.0, 0.0]], dtype=complex)
    return Channel._from_array(kraus_to_superop([k0, k1]), (2,), (2,),
                               f"amplitude_damping(gamma_per_s={g}, t_s={t})")


def depolarizing(p: float) -> Channel:
    """Depolarizing channel, Nielsen-Chuang convention: ``rho -> (1 - p) rho + p I/2``.

    Parameters
    ----------
    p : float
        Probability in [0, 1] of replacing the qubit by the maximally mixed state.

    Notes
    -----
    In Pauli form this is ``(1 - 3p/4) rho + (p/4)(X rho X + Y rho Y + Z rho Z)``.
    The other common convention, ``(1 - q) rho + (q/3) sum sigma rho sigma``, has
    ``q = 3p/4``; do not mix the two.
    """
    p = check_probability("p", p)
    return _pauli_weights_channel((1.0 - 0.75 * p, p / 4, p / 4, p / 4), f"depolarizing(p={p})")


def pauli_channel(p_x: float, p_y: float, p_z: float) -> Channel:
    """Pauli channel ``rho -> p_i rho + p_x X rho X + p_y Y rho Y + p_z Z rho Z``, ``p_i = 1 - p_x - p_y - p_z``.

    Parameters
    ----------
    p_x, p_y, p_z : float
        Probabilities in [0, 1] with ``p_x + p_y + p_z <= 1`` (sums within 1e-12
        above 1 are treated as exactly 1).
    """
    px, py, pz = (check_probability(n, v) for n, v in (("p_x", p_x), ("p_y", p_y), ("p_z", p_z)))
    total = px + py + pz
    if total > 1.0 + 1e-12:
        raise PQMSValueError(f"p_x + p_y + p_z must be <= 1, got {total!r}")
    p_i = max(1.0 - total, 0.0)
    return _pauli_weights_channel((p_i, px, py, pz), f"pauli_channel(p_x={px}, p_y={py}, p_z={pz})")


def lindblad_channel(H: qt.Qobj | None, c_ops: Sequence[qt.Qobj], t_s: float) -> Channel:
    """Exact Markovian evolution ``exp(t L)`` of the Lindblad generator, any dims.

    Parameters
    ----------
    H : qutip.Qobj or None
        Hamiltonian in rad/s (``hbar = 1``); ``None`` for no coherent part.
    c_ops : sequence of qutip.Qobj
        Collapse operators ``L_k`` (rates folded in: ``L_k = sqrt(gamma_k) A_k``,
        gamma in 1/s).
    t_s : float
        Duration in s, ``>= 0``.

    Notes
    -----
    ``d rho/dt = -i[H, rho] + sum_k (L_k rho L_k^dagger - {L_k^dagger L_k, rho}/2)``;
    the Liouvillian comes from ``qutip.liouvillian`` and is exponentiated with
    ``scipy.linalg.expm`` (no time stepping).
    """
    t = check_nonnegative("t_s", t_s)
    c_ops = list(c_ops)
    ops = ([H] if H is not None else []) + c_ops
    if not ops:
        raise PQMSValueError("lindblad_channel needs H or at least one operator in c_ops, got neither")
    for name, op in [("H", H)] + [(f"c_ops[{k}]", c) for k, c in enumerate(c_ops)]:
        if op is not None and (not isinstance(op, qt.Qobj) or not op.isoper):
            raise PQMSValueError(f"{name} must be an operator Qobj, got {type(op).__name__}")
    dims = _dims_of(ops[0])
    for k, op in enumerate(ops):
        if _dims_of(op) != dims or dims[0] != dims[1]:
            raise DimensionError(f"H and c_ops must share square dims {dims}, got {_dims_of(op)} at position {k}")
    if H is None:
        H = qt.qzero(list(dims[0]))
    elif not H.isherm:
        raise PQMSValueError("H must be Hermitian")
    liou = qt.liouvillian(H, c_ops).full()
    return Channel._from_array(scipy.linalg.expm(t * liou), dims[1], dims[0], f"lindblad(t_s={t})")


__all__ = ["Channel", "dephasing", "amplitude_damping", "depolarizing", "pauli_channel", "lindblad_channel",
           "kraus_to_superop"]
