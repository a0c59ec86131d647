"""Values of a sweep configuration: lists and ``{start, stop, num, scale}`` ranges expanded and validated.

Errors are :class:`SweepConfigError` (a :class:`~pqms_physics.errors.PQMSValueError`) naming the TOML key.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pqms_physics.errors import PQMSValueError, check_int
from pqms_physics.sweep.spec import ParameterSpec

#: Largest accepted number of points in a sweep.
MAX_POINTS: int = 10**8
_RANGE_KEYS = ("start", "stop", "num", "scale")


class SweepConfigError(PQMSValueError):
    """A sweep configuration is malformed or names values outside their domain."""


def _fail(message: str):
    raise SweepConfigError(message)


def _expand_range(key: str, spec: ParameterSpec, table: dict) -> list:
    unknown = [k for k in table if k not in _RANGE_KEYS]
    if unknown:
        _fail(f"{key}.{unknown[0]}: unknown key in a range (allowed: {', '.join(_RANGE_KEYS)})")
    if spec.kind not in ("float", "int"):
        _fail(
            f"{key}: a {{start, stop, num}} range needs a numeric parameter, {spec.name!r} is {spec.kind}; give a list"
        )
    for k in ("start", "stop", "num"):
        if k not in table:
            _fail(f"{key}: a range needs start, stop and num; {k!r} is missing")
    start = spec.validate(f"{key}.start", table["start"])
    stop = spec.validate(f"{key}.stop", table["stop"])
    num = check_int(f"{key}.num", table["num"], 1, MAX_POINTS)
    scale = table.get("scale", "linear")
    if scale not in ("linear", "log"):
        _fail(f"{key}.scale must be one of ['linear', 'log'], got {scale!r}")
    if scale == "log":
        if start <= 0 or stop <= 0:
            _fail(f"{key}: scale = 'log' needs start > 0 and stop > 0, got start={start}, stop={stop}")
        raw = np.geomspace(float(start), float(stop), num)
    else:
        raw = np.linspace(float(start), float(stop), num)
    if num >= 2:  # the end points exactly as written (linspace/geomspace may round the last one)
        raw[0], raw[-1] = float(start), float(stop)
    if spec.kind == "int":
        values = [int(v) for v in np.rint(raw)]
        if len(set(values)) != len(values):
            _fail(f"{key}: the range gives repeated integers after rounding ({values}); use fewer points or a list")
    else:
        values = [float(v) for v in raw]
    return [spec.validate(f"{key}[{i}]", v) for i, v in enumerate(values)]


def _swept_values(name: str, spec: ParameterSpec, raw: Any) -> tuple:
    key = f"parameters.{name}"
    if not spec.sweepable:
        _fail(f"{key}: {name!r} cannot be swept; give it in [fixed]")
    if isinstance(raw, dict):
        values = _expand_range(key, spec, raw)
    elif isinstance(raw, list):
        if not raw:
            _fail(f"{key} must be a non-empty list or a {{start, stop, num}} range, got []")
        values = [spec.validate(f"{key}[{i}]", v) for i, v in enumerate(raw)]
    else:
        _fail(
            f"{key} must be a list of values or a {{start, stop, num}} range table, got {raw!r}; "
            f"put a single value in [fixed]"
        )
    seen: dict[Any, int] = {}
    for i, v in enumerate(values):
        if v in seen:
            _fail(f"{key}[{i}] repeats the value {v!r} of {key}[{seen[v]}]; coordinates must be distinct")
        seen[v] = i
    return tuple(values)


def _table(doc: dict, name: str) -> dict:
    value = doc.get(name, {})
    if not isinstance(value, dict):
        _fail(f"{name} must be a table ([{name}]), got {value!r}")
    return value


__all__ = ["SweepConfigError", "MAX_POINTS"]
