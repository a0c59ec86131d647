"""Building blocks of the sweep registry: parameter domains, outputs, quantities, per-point seeds.

A :class:`Quantity` couples a vectorised evaluation function with the domain,
unit and meaning of each of its parameters (:class:`ParameterSpec`) and of each
output variable (:class:`OutputSpec`). The registered quantities live in
:mod:`pqms_physics.sweep.quantities`.

Evaluation contract
    ``quantity.evaluate(values, point_index, seed)`` receives one 1-D array per
    parameter (swept and fixed alike, one entry per point), the flat indices of
    the points in the sweep grid and the sweep seed (``None`` for deterministic
    quantities); it returns one 1-D array per output. It must be a pure function
    of its arguments, so that any chunking and any executor (process pool,
    dask) give the same numbers. Randomised quantities derive one seed per point
    with :func:`point_seeds` (from the sweep seed and the point's flat index), so
    a point's result never depends on which chunk or worker computed it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from pqms_physics._provenance import derive_seeds
from pqms_physics.errors import PQMSValueError, check_choice, check_int, check_real

PARAMETER_KINDS: tuple[str, ...] = ("float", "int", "bool", "choice")


def _num(x: float) -> str:
    """A bound as it should read in a message: integral values without a trailing '.0'."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


@dataclass(frozen=True)
class ParameterSpec:
    """Domain, unit and meaning of one parameter of a quantity.

    Attributes
    ----------
    name : str
        Parameter name as written in the TOML config.
    kind : {"float", "int", "bool", "choice"}
        Value type.
    units : str
        Unit (UDUNITS spelling: ``"1"`` dimensionless, ``"s"``, ``"s-1"``, ``"km"``).
    description : str
        One line, used as ``long_name`` in the netCDF output.
    low, high : float or None
        Closed bounds of the domain (``None``: unbounded on that side).
    low_open : bool
        When true the lower bound is strict (``> low``).
    choices : tuple of str
        Allowed values of a ``"choice"`` parameter.
    required : bool
        A required parameter must be given in ``[parameters]`` or ``[fixed]``;
        otherwise ``default`` is used.
    default : object
        Value used when the parameter is not required and not given.
    sweepable : bool
        False for settings that may only be fixed (e.g. a diagnostic delay).

    Examples
    --------
    >>> spec = ParameterSpec("t_s", "float", "s", "storage time", low=0.0)
    >>> spec.validate("parameters.t_s[0]", 2)
    2.0
    >>> spec.validate("parameters.t_s[1]", -1.0)
    Traceback (most recent call last):
    ...
    pqms_physics.errors.PQMSValueError: parameters.t_s[1] must be >= 0, got -1.0
    """

    name: str
    kind: str
    units: str
    description: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    choices: tuple[str, ...] = ()
    required: bool = True
    default: Any = None
    sweepable: bool = True

    def __post_init__(self):
        check_choice("kind", self.kind, PARAMETER_KINDS)

    def domain(self) -> str:
        """The domain in words, e.g. ``"in [0, 1]"``, ``"> 0"``, ``"an integer >= 1"``."""
        if self.kind == "bool":
            return "true or false"
        if self.kind == "choice":
            return f"one of {list(self.choices)}"
        prefix = "an integer " if self.kind == "int" else ""
        if self.low is not None and self.high is not None and not self.low_open:
            return f"{prefix}in [{_num(self.low)}, {_num(self.high)}]"
        parts = []
        if self.low is not None:
            parts.append(f"{'>' if self.low_open else '>='} {_num(self.low)}")
        if self.high is not None:
            parts.append(f"<= {_num(self.high)}")
        return (prefix + " and ".join(parts)).strip() or ("an integer" if self.kind == "int" else "a finite real")

    def validate(self, key: str, value: Any) -> Any:
        """Return ``value`` normalised to its Python type, or raise naming ``key``.

        Raises
        ------
        PQMSValueError
            ``"<key> must be <domain>, got <value>"``.
        """
        if self.kind == "bool":
            if not isinstance(value, (bool, np.bool_)):
                raise PQMSValueError(f"{key} must be true or false, got {value!r}")
            return bool(value)
        if self.kind == "choice":
            if not isinstance(value, str):
                raise PQMSValueError(f"{key} must be one of {list(self.choices)}, got {value!r}")
            return check_choice(key, value, self.choices)
        if self.kind == "int":
            v: Any = check_int(key, value)
        else:
            v = check_real(key, value)
        too_low = self.low is not None and (v <= self.low if self.low_open else v < self.low)
        too_high = self.high is not None and v > self.high
        if too_low or too_high:
            raise PQMSValueError(f"{key} must be {self.domain()}, got {v}")
        return v

    def array(self, values: ArrayLike) -> np.ndarray:
        """``values`` as a 1-D array of this parameter's type: float64, int64, bool, or str (width from the values)."""
        if self.kind == "choice":
            return np.array([str(v) for v in values], dtype=np.str_)
        return np.array(list(values), dtype={"float": np.float64, "int": np.int64, "bool": np.bool_}[self.kind])

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "units": self.units,
            "description": self.description,
            "domain": self.domain(),
            "required": self.required,
            "default": self.default,
            "sweepable": self.sweepable,
        }


@dataclass(frozen=True)
class OutputSpec:
    """One output variable of a quantity: name, unit, meaning and dtype."""

    name: str
    units: str
    description: str
    dtype: str = "float64"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "units": self.units, "description": self.description, "dtype": self.dtype}


@dataclass(frozen=True)
class Quantity:
    """A computable quantity: its evaluation function, parameter domains and outputs.

    Attributes
    ----------
    name : str
        Name used as ``[sweep] quantity`` in the config.
    description : str
        One line saying what is computed.
    parameters : tuple of ParameterSpec
        All parameters, swept or fixed.
    outputs : tuple of OutputSpec
        Output variables (data variables of the result Dataset).
    evaluate : callable
        ``evaluate(values, point_index, seed) -> {output name: 1-D array}`` (see
        the module docstring). Must be a module-level function (picklable).
    randomised : bool
        True when the result depends on a seed; the config must then give one.
    source : str
        The module that holds the physics.
    cost_per_point_s : float
        Rough CPU seconds per point; only used to decide whether starting
        worker processes pays off (see :func:`pqms_physics.sweep.engine.run_sweep`).
    """

    name: str
    description: str
    parameters: tuple[ParameterSpec, ...]
    outputs: tuple[OutputSpec, ...]
    evaluate: Callable[[Mapping[str, np.ndarray], np.ndarray, int | None], Mapping[str, np.ndarray]]
    randomised: bool = False
    source: str = ""
    cost_per_point_s: float = 1e-3
    _by_name: Mapping[str, ParameterSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_by_name", MappingProxyType({p.name: p for p in self.parameters}))

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)

    def parameter(self, name: str) -> ParameterSpec:
        """The spec of parameter ``name``; raises naming the known parameters otherwise."""
        spec = self._by_name.get(name)
        if spec is None:
            raise PQMSValueError(
                f"unknown parameter {name!r} for quantity {self.name!r} (known: {', '.join(self.parameter_names)})"
            )
        return spec

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "randomised": self.randomised,
            "source": self.source,
            "cost_per_point_s": self.cost_per_point_s,
            "parameters": [p.to_dict() for p in self.parameters],
            "outputs": [o.to_dict() for o in self.outputs],
        }


# ------------------------------------------------------------------ per-point seeds
def point_seeds(seed: int, point_index: np.ndarray) -> np.ndarray:
    """One 64-bit seed per point: :func:`pqms_physics._provenance.derive_seeds` of the sweep seed and the
    points' flat (C-order) indices, so streams are independent per point and the same for any chunking or worker.

    Examples
    --------
    >>> s = point_seeds(7, np.array([0, 1, 0]))
    >>> bool(s[0] == s[2]), bool(s[0] != s[1])
    (True, True)
    """
    return derive_seeds(seed, np.asarray(point_index, dtype=np.int64))


__all__ = ["ParameterSpec", "OutputSpec", "Quantity", "point_seeds", "PARAMETER_KINDS"]
