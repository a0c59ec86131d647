"""Parse and validate a parameter-sweep configuration (TOML) into an immutable :class:`SweepConfig`.

Nothing here computes or writes anything: :func:`load_config` either returns a
fully validated configuration or raises :class:`SweepConfigError` (a
``ValueError``) whose message names the offending key, the allowed domain and
the value received.

Config format
-------------
.. code-block:: toml

    [sweep]
    quantity = "fidelity_vs_hops"   # a name from pqms_physics.sweep.quantities.QUANTITIES
    chunk_points = 500              # points per checkpointed chunk (optional, default 1000)
    description = "free text"       # optional, copied to the output attributes
    # seed = 20240601               # required for randomised quantities, refused for deterministic ones

    [parameters]                    # swept: one output dimension each, in this order
    hops = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000]     # a list of values
    link_fidelity = { start = 0.9, stop = 0.999, num = 25 }  # or a range, scale = "linear" (default)
    gate_fidelity = { start = 0.99, stop = 1.0, num = 3, scale = "linear" }
    measurement_fidelity = { start = 0.9, stop = 1.0, num = 5, scale = "log" }   # geometric spacing

    [fixed]                         # held constant (parameters with defaults may be omitted)
    twirl = false

Registered quantities (parameters, units and domains: ``QUANTITIES[name].to_dict()``):
``dephasing_fidelity``, ``fidelity_vs_hops``, ``chsh_value``, ``entanglement_rate``, ``pool_bias`` (randomised),
``protocol_mean_time``, ``protocol_mean_werner``, and any quantity of your own named ``"module:ATTRIBUTE"`` (a
:class:`~pqms_physics.sweep.spec.Quantity` object importable in every worker).

Rules
    * Top-level tables are ``sweep``, ``parameters`` and ``fixed``; anything
      else is an error, as is an unknown key inside ``[sweep]`` or a range table.
    * Every parameter of the quantity appears at most once, in ``[parameters]``
      or ``[fixed]``; required ones must appear; the others take their default
      (recorded in the resolved config and its hash).
    * Lists must be non-empty, of the parameter's type, inside its domain and
      without repeated values. Ranges are ``numpy.linspace(start, stop, num)``
      or ``numpy.geomspace`` for ``scale = "log"`` (then start and stop must be
      > 0); integer parameters are rounded and must stay distinct.
    * The points are the Cartesian product of the swept values, flattened in C
      order over the dimensions as listed (the last parameter varies fastest);
      chunk ``k`` holds flat points ``[k * chunk_points, (k + 1) * chunk_points)``.

The **config hash** is the SHA-256 of the resolved configuration (quantity,
swept values in order, fixed values including defaults, seed, chunk_points);
comments, formatting and ``description`` do not change it. Checkpoints and
outputs carry it, so results of a different configuration are never mixed.

Examples
--------
>>> cfg = parse_config('''
... [sweep]
... quantity = "dephasing_fidelity"
... [parameters]
... gamma_per_s = [0.0, 0.5]
... t_s = { start = 0.0, stop = 1.0, num = 3 }
... ''')
>>> cfg.dims, cfg.shape, cfg.n_points
(('gamma_per_s', 't_s'), (2, 3), 6)
>>> dict(cfg.fixed)
{'sides': 1}
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sys
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from pqms_physics.errors import PQMSValueError, check_int, check_seed
from pqms_physics.sweep.quantities import get_quantity
from pqms_physics.sweep.spec import Quantity
from pqms_physics.sweep.values import MAX_POINTS, SweepConfigError, _fail, _swept_values, _table

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

#: Version of the configuration/hash format (part of the hash).
CONFIG_FORMAT: int = 1
#: Default number of points per chunk.
DEFAULT_CHUNK_POINTS: int = 1000
#: Largest accepted chunk size.
MAX_CHUNK_POINTS: int = 10**7

_TOP_LEVEL = ("sweep", "parameters", "fixed")
_SWEEP_KEYS = ("quantity", "chunk_points", "seed", "description")


@dataclass(frozen=True)
class SweepConfig:
    """A validated sweep configuration.

    Attributes
    ----------
    quantity : str
        Registered quantity name.
    parameters : tuple of (str, tuple)
        Swept parameters in dimension order, each with its validated values.
    fixed : tuple of (str, object)
        Fixed parameters (given or defaulted), sorted by name.
    seed : int or None
        Sweep seed (randomised quantities only).
    chunk_points : int
        Points per checkpointed chunk.
    description : str
        Free text from ``[sweep] description``.
    toml_text : str
        The configuration text as read.
    source : str
        The file it was read from, or ``"<string>"``.
    """

    quantity: str
    parameters: tuple[tuple[str, tuple], ...]
    fixed: tuple[tuple[str, Any], ...]
    seed: int | None
    chunk_points: int
    description: str = ""
    toml_text: str = ""
    source: str = "<string>"

    @property
    def spec(self) -> Quantity:
        """The registered :class:`~pqms_physics.sweep.quantities.Quantity`."""
        return get_quantity(self.quantity)

    @property
    def dims(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.parameters)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(values) for _, values in self.parameters)

    @property
    def n_points(self) -> int:
        return math.prod(self.shape)

    @property
    def n_chunks(self) -> int:
        return -(-self.n_points // self.chunk_points)

    def chunk_bounds(self, k: int) -> tuple[int, int]:
        """Flat point range ``[start, stop)`` of chunk ``k``."""
        k = check_int("k", k, 0, self.n_chunks - 1)
        return k * self.chunk_points, min((k + 1) * self.chunk_points, self.n_points)

    def coords(self) -> dict[str, np.ndarray]:
        """Swept values as NumPy arrays (float64, int64, bool or str), in dimension order."""
        spec = self.spec
        return {name: spec.parameter(name).array(values) for name, values in self.parameters}

    def canonical(self) -> dict[str, Any]:
        """The resolved configuration that determines the results (what the hash covers)."""
        return {
            "format": CONFIG_FORMAT,
            "quantity": self.quantity,
            "parameters": [[name, list(values)] for name, values in self.parameters],
            "fixed": [[name, value] for name, value in self.fixed],
            "seed": self.seed,
            "chunk_points": self.chunk_points,
        }

    @cached_property
    def config_hash(self) -> str:
        """SHA-256 (hex) of :meth:`canonical` as compact JSON (floats written exactly by ``repr``)."""
        text = json.dumps(self.canonical(), separators=(",", ":"), allow_nan=False)
        return hashlib.sha256(text.encode()).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.canonical(),
            "shape": list(self.shape),
            "n_points": self.n_points,
            "n_chunks": self.n_chunks,
            "config_hash": self.config_hash,
            "description": self.description,
            "source": self.source,
        }


# ---------------------------------------------------------------- parsing
def parse_config(text: str, source: str = "<string>") -> SweepConfig:
    """Parse and validate a sweep configuration given as TOML text.

    Parameters
    ----------
    text : str
        TOML document (format in the module docstring).
    source : str
        Where it came from, for messages and provenance.

    Returns
    -------
    SweepConfig

    Raises
    ------
    SweepConfigError
        For a TOML syntax error (with line and column), an unknown table, key,
        quantity or parameter, a missing required value, or a value outside its
        domain; the message names the key.
    """
    try:
        return _parse(text, source)
    except SweepConfigError:
        raise
    except PQMSValueError as exc:  # a domain check: same message, one error class for config problems
        raise SweepConfigError(str(exc)) from None


def _parse(text: str, source: str) -> SweepConfig:
    if not isinstance(text, str):
        _fail(f"text must be a str, got {type(text).__name__}")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SweepConfigError(f"{source}: invalid TOML: {exc}") from None
    unknown = [k for k in doc if k not in _TOP_LEVEL]
    if unknown:
        _fail(f"unknown top-level key {unknown[0]!r} (allowed tables: {', '.join(_TOP_LEVEL)})")
    sweep, params, fixed_raw = (_table(doc, name) for name in _TOP_LEVEL)
    unknown = [k for k in sweep if k not in _SWEEP_KEYS]
    if unknown:
        _fail(f"sweep.{unknown[0]}: unknown key (allowed: {', '.join(_SWEEP_KEYS)})")
    if "quantity" not in sweep:
        _fail("sweep.quantity is required (the name of the quantity to compute)")
    try:
        quantity = get_quantity(sweep["quantity"])
    except PQMSValueError as exc:
        raise SweepConfigError(f"sweep.quantity: {exc}") from None
    chunk_points = check_int("sweep.chunk_points", sweep.get("chunk_points", DEFAULT_CHUNK_POINTS), 1, MAX_CHUNK_POINTS)
    description = sweep.get("description", "")
    if not isinstance(description, str):
        _fail(f"sweep.description must be a string, got {description!r}")
    if quantity.randomised:
        if "seed" not in sweep:
            _fail(f"sweep.seed is required: quantity {quantity.name!r} is randomised (an integer in [0, 2**64 - 1])")
        seed: int | None = check_seed("sweep.seed", sweep["seed"])
    else:
        if "seed" in sweep:
            _fail(f"sweep.seed: quantity {quantity.name!r} is deterministic and takes no seed; remove it")
        seed = None

    for table_name, table in (("parameters", params), ("fixed", fixed_raw)):
        for name in table:
            if name not in quantity.parameter_names:
                _fail(
                    f"{table_name}.{name}: unknown parameter {name!r} for quantity {quantity.name!r} "
                    f"(known: {', '.join(quantity.parameter_names)})"
                )
    both = [name for name in params if name in fixed_raw]
    if both:
        _fail(f"parameters.{both[0]}: {both[0]!r} is given in both [parameters] and [fixed]")

    swept = tuple((name, _swept_values(name, quantity.parameter(name), raw)) for name, raw in params.items())
    fixed = {}
    for spec in quantity.parameters:
        if spec.name in params:
            continue
        if spec.name in fixed_raw:
            value = fixed_raw[spec.name]
            if isinstance(value, (list, dict)):
                _fail(f"fixed.{spec.name} must be a single value, got {value!r}; sweep it in [parameters]")
            fixed[spec.name] = spec.validate(f"fixed.{spec.name}", value)
        elif spec.required:
            _fail(
                f"parameter {spec.name!r} of quantity {quantity.name!r} is required: give it in "
                f"[parameters] or [fixed] ({spec.domain()}, units {spec.units})"
            )
        else:
            fixed[spec.name] = spec.default
    cfg = SweepConfig(
        quantity=quantity.name,
        parameters=swept,
        fixed=tuple(sorted(fixed.items())),
        seed=seed,
        chunk_points=chunk_points,
        description=description,
        toml_text=text,
        source=source,
    )
    if cfg.n_points > MAX_POINTS:
        _fail(f"the sweep has {cfg.n_points} points (shape {cfg.shape}), more than the limit {MAX_POINTS}")
    return cfg


def load_config(path: str | os.PathLike) -> SweepConfig:
    """Read and validate a sweep configuration file; nothing is written.

    Parameters
    ----------
    path : str or os.PathLike
        A UTF-8 TOML file (format in the module docstring).

    Raises
    ------
    SweepConfigError
        If the file cannot be read or the configuration is invalid (see
        :func:`parse_config`).
    """
    if not isinstance(path, (str, os.PathLike)):
        _fail(f"config_path must be a path, got {type(path).__name__}")
    path = os.fspath(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise SweepConfigError(f"config_path {path!r} cannot be read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SweepConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return parse_config(text, source=path)


__all__ = [
    "SweepConfig",
    "SweepConfigError",
    "parse_config",
    "load_config",
    "DEFAULT_CHUNK_POINTS",
    "MAX_POINTS",
    "CONFIG_FORMAT",
]
