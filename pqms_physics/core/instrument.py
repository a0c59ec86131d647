"""Quantum instruments: a measurement's outcome-conditioned, trace-decreasing maps.

An instrument is a family of completely positive maps ``{E_k}`` whose sum is a
channel (trace preserving). Applied to a state, branch ``k`` gives the
unnormalised post-measurement state ``E_k(rho)``, whose trace is the probability
of outcome ``k``; dividing by it gives the post-selected state. Branches are held
as superoperators in the package's one convention (column stacking,
:mod:`pqms_physics.core.reps`) and share the register rules of
:class:`~pqms_physics.core.channels.Channel`.

References
----------
E. B. Davies, J. T. Lewis, "An operational approach to quantum probability",
Commun. Math. Phys. 17, 239 (1970); M. A. Nielsen, I. L. Chuang (2000), sec. 2.2.3.

Examples
--------
>>> import numpy as np, qutip as qt
>>> p0, p1 = np.diag([1.0, 0.0]), np.diag([0.0, 1.0])
>>> z = Instrument.from_kraus([[p0], [p1]], outcomes=("0", "1"))   # projective Z measurement
>>> plus = (qt.basis(2, 0) + qt.basis(2, 1)).unit()
>>> [f"{p:.2f}" for p in z.probabilities(plus)]
['0.50', '0.50']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property

import numpy as np
import qutip as qt

from pqms_physics.conventions import ATOL
from pqms_physics.core import reps
from pqms_physics.core.channels import Channel, _register
from pqms_physics.errors import DimensionError, NotCPTPError, PQMSValueError


class Instrument:
    """An immutable quantum instrument: one completely positive branch per outcome, summing to a channel.

    Build with :meth:`from_kraus` or :meth:`from_superops`. Attributes ``in_dims``,
    ``out_dims`` (registers as for :class:`~pqms_physics.core.channels.Channel`) and
    ``outcomes`` (a label per branch, in branch order).
    """

    __array_ufunc__ = None

    def __init__(
        self,
        branches: Sequence[np.ndarray],
        in_dims: Iterable[int],
        out_dims: Iterable[int],
        outcomes: Sequence[str],
        label: str,
        _trusted: bool = False,
    ) -> None:
        if not _trusted:
            raise TypeError("use Instrument.from_kraus or Instrument.from_superops to build an Instrument")
        arrs = []
        for b in branches:
            arr = np.array(b, dtype=complex)
            arr.flags.writeable = False
            arrs.append(arr)
        for name, value in (
            ("_branches", tuple(arrs)),
            ("in_dims", _register(in_dims)),
            ("out_dims", _register(out_dims)),
            ("outcomes", tuple(outcomes)),
            ("label", label),
        ):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Instrument is immutable; cannot set {name!r}")

    @classmethod
    def from_superops(
        cls,
        branches: Sequence[np.ndarray],
        in_dims: Sequence[int],
        out_dims: Sequence[int],
        outcomes: Sequence[str] | None = None,
        atol: float = ATOL,
        label: str = "instrument",
    ) -> Instrument:
        """Instrument from column-stacked branch superoperators, each ``(d_out**2, d_in**2)``.

        Raises
        ------
        NotCPTPError
            If a branch is not completely positive or the branches do not sum to a trace-preserving map.
        """
        arrs = [np.asarray(b, dtype=complex) for b in branches]
        if not arrs:
            raise PQMSValueError("branches must hold at least one map, got none")
        d_in, d_out = int(np.prod(in_dims)), int(np.prod(out_dims))
        for k, b in enumerate(arrs):
            if b.shape != (d_out * d_out, d_in * d_in):
                raise DimensionError(
                    f"branches[{k}] has shape {b.shape}, in_dims {list(in_dims)} -> out_dims "
                    f"{list(out_dims)} need {(d_out * d_out, d_in * d_in)}"
                )
            if not reps.is_completely_positive(b, atol):
                raise NotCPTPError(f"branches[{k}] must be completely positive within atol={atol}")
        if not reps.is_trace_preserving(sum(arrs), atol):
            raise NotCPTPError(f"the branches must sum to a trace-preserving map within atol={atol}")
        outcomes = tuple(str(k) for k in range(len(arrs))) if outcomes is None else tuple(outcomes)
        if len(outcomes) != len(arrs):
            raise PQMSValueError(f"outcomes must label {len(arrs)} branches, got {len(outcomes)}")
        return cls(arrs, in_dims, out_dims, outcomes, label, _trusted=True)

    @classmethod
    def from_kraus(
        cls,
        branches: Sequence[Sequence[np.ndarray]],
        outcomes: Sequence[str] | None = None,
        atol: float = ATOL,
        label: str = "instrument",
    ) -> Instrument:
        """Instrument whose branch ``k`` is ``rho -> sum_m K_km rho K_km^dagger`` (arrays, one subsystem each side).

        Raises
        ------
        NotCPTPError
            If ``sum_km K_km^dagger K_km`` is not the identity within ``atol``.
        """
        mats = [[np.asarray(k, dtype=complex) for k in ops] for ops in branches]
        if not mats or not all(mats):
            raise PQMSValueError("branches must each hold at least one Kraus operator")
        d_out, d_in = mats[0][0].shape
        return cls.from_superops([reps.kraus_to_superop(ops) for ops in mats], (d_in,), (d_out,), outcomes, atol, label)

    # ------------------------------------------------------------------ views
    def __len__(self) -> int:
        return len(self._branches)

    def branch_superop(self, k: int) -> np.ndarray:
        """The (read-only) column-stacked superoperator of branch ``k``."""
        return self._branches[k]

    @cached_property
    def _channel(self) -> Channel:
        return Channel._from_array(sum(self._branches), self.in_dims, self.out_dims, f"sum of {self.label}")

    def channel(self) -> Channel:
        """The outcome-averaged channel, the sum of the branches."""
        return self._channel

    def _matrix(self, rho: qt.Qobj) -> np.ndarray:
        if not isinstance(rho, qt.Qobj) or not (rho.isket or rho.isoper):
            raise PQMSValueError(f"rho must be a qutip.Qobj ket or density matrix, got {type(rho).__name__}")
        if _register(rho.dims[0]) != self.in_dims:
            raise DimensionError(f"rho has dims {list(rho.dims[0])}, the instrument expects {list(self.in_dims)}")
        mat = rho.full()
        return mat @ mat.conj().T if rho.isket and not rho.isoper else mat

    def apply(self, k: int, rho: qt.Qobj) -> qt.Qobj:
        """Unnormalised post-measurement state ``E_k(rho)`` of branch ``k`` (its trace: the probability of ``k``)."""
        out = reps.apply_superop(self._branches[k], self._matrix(rho))
        return qt.Qobj(out, dims=[list(self.out_dims)] * 2)

    def probabilities(self, rho: qt.Qobj) -> np.ndarray:
        """Outcome probabilities ``tr E_k(rho)`` in branch order (they sum to ``tr rho``)."""
        mat = self._matrix(rho)
        return np.array([np.trace(reps.apply_superop(b, mat)).real for b in self._branches])

    def __repr__(self) -> str:
        return (
            f"Instrument({self.label}; {len(self)} outcomes {list(self.outcomes)}; "
            f"in {list(self.in_dims)} -> out {list(self.out_dims)})"
        )


__all__ = ["Instrument"]
