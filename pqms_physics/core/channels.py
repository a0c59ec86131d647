"""Quantum channels as immutable, composable value objects.

A :class:`Channel` is a completely positive, trace-preserving (CPTP) map between
finite-dimensional registers, held as its superoperator (column stacking, see
:mod:`pqms_physics.conventions` and :mod:`pqms_physics.core.reps`). It is valid
when created or not created at all; every operation returns a new object.

Composition rules (stated once here, tested with non-commuting pairs)
---------------------------------------------------------------------
* **Registers.** A channel maps a register of subsystems ``in_dims`` to one of
  ``out_dims``; factor 0 is the leftmost tensor factor (qubit 0).
* ``b @ a`` is "apply ``a``, then ``b``" (operator order), also ``b.compose(a)``;
  it needs ``a.out_dims == b.in_dims``.
* ``a & b`` is the tensor product: ``a`` acts on the left factors, ``b`` on the
  following ones, also ``a.tensor(b)``; output registers concatenate in the same
  order. Trivial factors (dimension 1) are dropped from a register, so a register
  of no subsystem is ``(1,)``: the tensor product of two preparations is again a
  preparation, of the concatenated outputs.
* **Preparations** map the trivial system ``(1,)`` to a state (:meth:`Channel.preparation`,
  :func:`pqms_physics.network.preparation.prepare`).
* **Maps that consume qubits** (``in_dims != out_dims``) say which input factors
  they keep, in which output order; e.g. entanglement swapping
  (:func:`pqms_physics.network.swap_channel.swap_channel`) maps (A, B, C, D) to
  (A, D): it consumes factors 1 and 2 and keeps A, D in that order.
* ``ch.on(q, n)`` embeds a channel with ``in_dims == out_dims`` into an
  ``n``-subsystem register: ``q`` is one factor index or a tuple of them, the
  channel's factor ``k`` acting on register factor ``q[k]``
  (``.on((1, 2), n=4)``: a two-qubit channel on qubits 1, 2 of 4); the other
  factors, of the channel's subsystem dimension, get the identity.
* ``ch(rho)`` applies the channel to a ket or density matrix with dims ``in_dims``:
  one product with the cached superoperator, a density-matrix ``Qobj`` out.
* Any dimension mismatch raises :class:`~pqms_physics.errors.DimensionError`
  naming the dims of both sides.

The noise factories live in :mod:`pqms_physics.core.noise` (importable from here for one release).

References
----------
M. A. Nielsen, I. L. Chuang, *Quantum Computation and Quantum Information* (Cambridge, 2000), ch. 8.

Examples
--------
>>> from pqms_physics.core.noise import dephasing
>>> from pqms_physics.core.states import bell_state, fidelity
>>> ch = dephasing(gamma_per_s=0.05, t_s=1.0).on(0, n=2)
>>> print(f"{fidelity(ch(bell_state('phi+')), bell_state('phi+')):.6f}")
0.952419
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property

import numpy as np
import qutip as qt
from qutip.core.dimensions import Dimensions

from pqms_physics.conventions import ATOL
from pqms_physics.core import _checks as checks
from pqms_physics.core import reps
from pqms_physics.core.reps import kraus_to_superop
from pqms_physics.errors import DimensionError, NotCPTPError, PQMSValueError, check_int


def _register(dims: Iterable[int]) -> tuple[int, ...]:
    """A register's dims with trivial (dimension-1) factors dropped; ``(1,)`` when nothing is left."""
    return tuple(int(d) for d in dims if int(d) != 1) or (1,)


class Channel:
    """An immutable CPTP map between finite-dimensional registers (composition rules: module docstring).

    Do not call the constructor directly: use :meth:`from_kraus`,
    :meth:`from_superop`, :meth:`from_unitary`, :meth:`from_povm`,
    :meth:`preparation`, :meth:`identity` or a factory of
    :mod:`pqms_physics.core.noise`.

    Attributes
    ----------
    in_dims, out_dims : tuple of int
        Subsystem dimensions of the input and output registers (``(1,)``: the trivial system).
    label : str
        Human-readable description (used in ``repr``).
    """

    # ``ndarray @ Channel`` must not silently become an array (as in QuTiP's Qobj).
    __array_ufunc__ = None

    def __init__(
        self,
        superop: np.ndarray,
        in_dims: tuple[int, ...],
        out_dims: tuple[int, ...],
        label: str,
        _trusted: bool = False,
    ):
        if not _trusted:
            raise TypeError("use Channel.from_kraus, Channel.from_superop or a factory to build a Channel")
        arr = np.array(superop, dtype=complex)
        arr.flags.writeable = False
        object.__setattr__(self, "_superop", arr)
        object.__setattr__(self, "in_dims", _register(in_dims))
        object.__setattr__(self, "out_dims", _register(out_dims))
        object.__setattr__(self, "label", label)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Channel is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Channel is immutable; cannot delete {name!r}")

    # ------------------------------------------------------------------ builders
    @classmethod
    def _from_array(cls, superop: np.ndarray, in_dims: Iterable, out_dims: Iterable, label: str) -> Channel:
        """Package-internal builder from a trusted column-stacked superoperator (no CPTP check)."""
        return cls(superop, tuple(in_dims), tuple(out_dims), label, _trusted=True)

    @classmethod
    def from_kraus(cls, ops: Iterable[qt.Qobj | np.ndarray], atol: float = ATOL, label: str | None = None) -> Channel:
        """Channel ``rho -> sum_k K_k rho K_k^dagger``.

        Parameters
        ----------
        ops : iterable of Qobj or 2-D arrays
            Kraus operators, all of the same shape ``(d_out, d_in)``. Qobj inputs
            carry their dims (a ket is a Kraus operator from the trivial system);
            arrays are taken as one subsystem on each side.
        atol : float
            Tolerance of the trace-preservation check ``sum_k K^dagger K = I``.

        Raises
        ------
        NotCPTPError
            If ``sum_k K^dagger K`` differs from the identity by more than ``atol``.
        """
        mats, (out_dims, in_dims) = checks.kraus_matrices(ops, atol)
        return cls._from_array(kraus_to_superop(mats), in_dims, out_dims, label or f"kraus({len(mats)} ops)")

    @classmethod
    def from_unitary(cls, u: qt.Qobj, label: str | None = None) -> Channel:
        """Unitary channel ``rho -> U rho U^dagger`` (``u`` a unitary operator Qobj)."""
        if not isinstance(u, qt.Qobj) or not u.isoper:
            raise PQMSValueError(f"u must be an operator Qobj, got {type(u).__name__}")
        mat = u.full()
        if mat.shape[0] != mat.shape[1] or not np.allclose(mat.conj().T @ mat, np.eye(mat.shape[0]), atol=ATOL):
            raise NotCPTPError("u must be unitary")
        return cls.from_kraus([u], label=label or "unitary")

    @classmethod
    def from_superop(
        cls,
        s: qt.Qobj | np.ndarray,
        atol: float = ATOL,
        label: str | None = None,
        *,
        in_dims: Sequence[int] | None = None,
        out_dims: Sequence[int] | None = None,
    ) -> Channel:
        """Channel from a QuTiP superoperator (any ``superrep`` QuTiP converts) or a column-stacked array.

        For an array, ``in_dims`` / ``out_dims`` name the registers (default: one subsystem each).

        Raises
        ------
        NotCPTPError
            If the map is not completely positive or not trace preserving within ``atol``.
        """
        if isinstance(s, qt.Qobj):
            if not s.issuper:
                raise PQMSValueError(f"s must be a superoperator Qobj, got a Qobj of type {s.type!r}")
            sup = qt.to_super(s)
            out_dims, in_dims = sup.dims[0][0], sup.dims[1][0]
            arr = sup.full()
        else:
            arr = np.asarray(s, dtype=complex)
            if arr.ndim != 2 or not np.all(np.isfinite(arr)):
                raise PQMSValueError(f"s must be a finite 2-D superoperator array, got shape {arr.shape}")
            d_in, d_out = reps.superop_dims(arr)
            in_dims = (d_in,) if in_dims is None else tuple(in_dims)
            out_dims = (d_out,) if out_dims is None else tuple(out_dims)
            if int(np.prod(in_dims)) != d_in or int(np.prod(out_dims)) != d_out:
                raise DimensionError(
                    f"s of shape {arr.shape} maps dimension {d_in} to {d_out}, "
                    f"but in_dims {list(in_dims)} -> out_dims {list(out_dims)} were given"
                )
        ch = cls._from_array(arr, in_dims, out_dims, label or "superop")
        if not ch.is_cptp(atol=atol):
            raise NotCPTPError(f"s must be completely positive and trace preserving within atol={atol}")
        return ch

    @classmethod
    def from_povm(
        cls,
        effects: Sequence[np.ndarray],
        in_dims: Sequence[int] | None = None,
        out_dims: Sequence[int] | None = None,
        atol: float = ATOL,
        label: str | None = None,
    ) -> Channel:
        """Quantum-to-classical channel ``rho -> sum_o tr(M_o rho) |o><o|`` of a POVM ``{M_o}``.

        The output is a classical register: a diagonal density matrix whose entry ``o``
        is the probability of outcome ``o``. ``out_dims`` (default ``(len(effects),)``)
        may split the outcome index into factors, e.g. (settings, outcomes).

        Raises
        ------
        NotCPTPError
            If an effect is not positive semidefinite or the effects do not sum to the identity.
        """
        mats, in_dims, out_dims = checks.povm_effects(effects, in_dims, out_dims, atol)
        k = mats.shape[0]
        return cls._from_array(reps.povm_to_superop(mats), in_dims, out_dims, label or f"povm({k} outcomes)")

    @classmethod
    def preparation(cls, state: qt.Qobj, label: str | None = None) -> Channel:
        """The channel from the trivial system (``in_dims == (1,)``) that prepares ``state``.

        ``state`` is a ket or density matrix (validated: Hermitian, unit trace, positive).
        """
        from pqms_physics.validation import as_density_matrix

        rho = as_density_matrix("state", state)
        mat = rho.full()
        mat = mat / np.trace(mat).real
        return cls._from_array(mat.reshape(-1, 1, order="F"), (1,), rho.dims[0], label or "preparation")

    @classmethod
    def identity(cls, n: int = 1, dim: int = 2) -> Channel:
        """Identity channel on ``n`` subsystems of dimension ``dim`` (qubits by default)."""
        n, dim = check_int("n", n, 1), check_int("dim", dim, 2)
        return cls._from_array(np.eye(dim ** (2 * n), dtype=complex), (dim,) * n, (dim,) * n, f"identity({n})")

    # ------------------------------------------------------------ representations
    @property
    def superop_matrix(self) -> np.ndarray:
        """The (read-only) superoperator matrix, column stacking, shape ``(d_out**2, d_in**2)``."""
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
        """Choi matrix ``sum_ij |i><j| (x) E(|i><j|)`` (QuTiP ordering; trace = input dimension)."""
        return self._choi

    @cached_property
    def _choi(self) -> qt.Qobj:
        dims = [[list(self.in_dims), list(self.out_dims)]] * 2
        return qt.Qobj(reps.superop_to_choi(self._superop), dims=dims, superrep="choi")

    def kraus(self) -> tuple[qt.Qobj, ...]:
        """A Kraus decomposition (from the Choi eigendecomposition), as a tuple of Qobj."""
        return self._kraus

    @cached_property
    def _kraus(self) -> tuple[qt.Qobj, ...]:
        dims = [list(self.out_dims), list(self.in_dims)]
        return tuple(qt.Qobj(k, dims=dims) for k in reps.superop_to_kraus(self._superop))

    def is_cptp(self, atol: float = ATOL) -> bool:
        """True when the Choi matrix is positive (eigenvalues >= -atol) and the map preserves trace."""
        return reps.is_completely_positive(self._superop, atol) and reps.is_trace_preserving(self._superop, atol)

    # ----------------------------------------------------------------- algebra
    def compose(self, first: Channel) -> Channel:
        """``self.compose(first)`` = apply ``first``, then ``self`` (same as ``self @ first``)."""
        if not isinstance(first, Channel):
            raise PQMSValueError(f"first must be a Channel, got {type(first).__name__}")
        if first.out_dims != self.in_dims:
            raise DimensionError(
                f"cannot compose: first's output dims {list(first.out_dims)} "
                f"differ from the second's input dims {list(self.in_dims)}"
            )
        return Channel._from_array(
            self._superop @ first._superop, first.in_dims, self.out_dims, f"({self.label}) @ ({first.label})"
        )

    def __matmul__(self, other: object) -> Channel:
        if isinstance(other, Channel):
            return self.compose(other)
        return NotImplemented

    def tensor(self, other: Channel) -> Channel:
        """``self (x) other``: ``self`` acts on the left factors, ``other`` on the right ones."""
        if not isinstance(other, Channel):
            raise PQMSValueError(f"other must be a Channel, got {type(other).__name__}")
        return Channel._from_array(
            reps.superop_tensor(self._superop, other._superop),
            self.in_dims + other.in_dims,
            self.out_dims + other.out_dims,
            f"({self.label}) & ({other.label})",
        )

    def __and__(self, other: object) -> Channel:
        if isinstance(other, Channel):
            return self.tensor(other)
        return NotImplemented

    def on(self, qubit: int | Sequence[int], n: int) -> Channel:
        """Embed this channel on factor(s) ``qubit`` (0 = leftmost) of an ``n``-subsystem register.

        ``qubit`` is one index or a tuple of distinct indices, one per factor of this
        channel (factor ``k`` acts on register factor ``qubit[k]``); the other factors
        get the identity and have this channel's (common) subsystem dimension.
        """
        if self.in_dims != self.out_dims or len(set(self.in_dims)) != 1 or self.in_dims == (1,):
            raise DimensionError(
                f"on() needs a channel with equal input and output dims of one subsystem "
                f"dimension, got in {list(self.in_dims)} out {list(self.out_dims)}"
            )
        n, targets, single = checks.placement(qubit, n, self.in_dims)
        k = len(self.in_dims)
        dim = self.in_dims[0]
        full = self if n == k else self & Channel.identity(n - k, dim)
        order, rest = [0] * n, iter(range(k, n))
        for p in range(n):
            order[p] = targets.index(p) if p in targets else next(rest)
        sup = reps.permute_subsystems(full._superop, (dim,) * n, order)
        where = targets[0] if single else tuple(targets)
        return Channel._from_array(sup, (dim,) * n, (dim,) * n, f"{self.label} on {where} of {n}")

    def power(self, k: int) -> Channel:
        """The channel applied ``k`` times (``k >= 0``), by repeated squaring."""
        k = check_int("k", k, 0)
        if self.in_dims != self.out_dims:
            raise DimensionError(
                f"power() needs equal input and output dims, got in {list(self.in_dims)} out {list(self.out_dims)}"
            )
        mat = np.linalg.matrix_power(self._superop, k)
        return Channel._from_array(mat, self.in_dims, self.out_dims, f"({self.label})^{k}")

    # --------------------------------------------------------------- application
    def __call__(self, rho: qt.Qobj) -> qt.Qobj:
        """Apply to a density matrix or ket with dims ``in_dims``; returns a density matrix Qobj."""
        if not isinstance(rho, qt.Qobj):
            raise PQMSValueError(f"rho must be a qutip.Qobj, got {type(rho).__name__}")
        mat = rho.full()
        if rho.isket and not rho.isoper:
            mat = mat @ mat.conj().T
        elif not rho.isoper:
            raise PQMSValueError(f"rho must be a ket or a density matrix, got a Qobj of type {rho.type!r}")
        if _register(rho.dims[0]) != self.in_dims:
            raise DimensionError(f"rho has dims {list(rho.dims[0])}, the channel expects {list(self.in_dims)}")
        return qt.Qobj(reps.apply_superop(self._superop, mat), dims=self._out_state_dims, copy=False)

    def allclose(self, other: Channel, atol: float = 1e-12) -> bool:
        """True when both channels have the same dims and superoperators within ``atol``."""
        return (
            isinstance(other, Channel)
            and self.in_dims == other.in_dims
            and self.out_dims == other.out_dims
            and bool(np.allclose(self._superop, other._superop, atol=atol, rtol=0.0))
        )

    def __repr__(self) -> str:
        return f"Channel({self.label}; in {list(self.in_dims)} -> out {list(self.out_dims)})"


# 0.1 compatibility (one release): `from pqms_physics.core.channels import dephasing` etc. still resolve, lazily.
_MOVED_TO_NOISE = ("dephasing", "amplitude_damping", "depolarizing", "pauli_channel", "lindblad_channel")


def __getattr__(name: str):
    if name in _MOVED_TO_NOISE:
        from pqms_physics.core import noise  # lazy: noise.py imports Channel from here

        return getattr(noise, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Channel", "kraus_to_superop", *_MOVED_TO_NOISE]
