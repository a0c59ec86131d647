"""Helpers for the sweep tests: a tiny TOML writer (independent of the code under test)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any


def toml_value(value: Any) -> str:
    """A TOML literal for a bool, int, float, str, list or inline table."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        assert math.isfinite(value)
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # an ASCII JSON string is a valid TOML basic string
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(type(value))


def toml_text(sweep: dict, parameters: dict | None = None, fixed: dict | None = None) -> str:
    lines = ["[sweep]"] + [f"{k} = {toml_value(v)}" for k, v in sweep.items()]
    for name, table in (("parameters", parameters), ("fixed", fixed)):
        if table is not None:
            lines += ["", f"[{name}]"] + [f"{k} = {toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def write_config(path: Path, sweep: dict, parameters: dict | None = None, fixed: dict | None = None) -> Path:
    path = Path(path)
    path.write_text(toml_text(sweep, parameters, fixed))
    return path


def listing(directory: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``directory`` with (inode, mtime_ns): detects any write, rename or new file."""
    out = {}
    for p in sorted(Path(directory).rglob("*")):
        st = p.stat()
        out[str(p.relative_to(directory))] = (st.st_ino, st.st_mtime_ns)
    return out


def data_equal(a, b) -> bool:
    """Same dims, coordinates and data variables, value for value (attrs such as dates ignored)."""
    import numpy as np

    if set(a.data_vars) != set(b.data_vars) or dict(a.sizes) != dict(b.sizes):
        return False
    for name in a.coords:
        if not np.array_equal(a[name].values, b[name].values):
            return False
    return all(np.array_equal(a[v].values, b[v].values) and a[v].dims == b[v].dims for v in a.data_vars)
