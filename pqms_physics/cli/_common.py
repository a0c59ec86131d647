"""Shared pieces of the ``pqms`` command line: the group with one-line errors, option types, output.

The CLI is a thin edge: it parses, calls library functions and formats their
results. Nothing heavy is imported here (the commands import the library
lazily), so ``pqms --help`` is fast.

Errors
    Bad arguments (click's own checks and the library's
    :class:`~pqms_physics.errors.PQMSValueError`, which names the parameter,
    the allowed range and the value) end the command with exit code 2 and one
    line on stderr, ``pqms CMD: error: ...``, without a traceback.

Output
    Every command prints a readable table by default; ``--json`` prints one JSON
    object ``{"command", "parameters", "rows", "summary"}``; ``--csv`` prints the
    rows as CSV (header first).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import click

#: Largest seed accepted (seeds are 64-bit).
SEED_MAX: int = 2**64 - 1


class PqmsGroup(click.Group):
    """A click group whose usage errors print one line and exit with code 2 (no traceback)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        argv = list(sys.argv[1:] if args is None else args)
        extra.setdefault("obj", {})
        extra["obj"].setdefault("argv", [prog_name or "pqms", *argv])  # for provenance (index.md)
        try:
            rv = super().main(args=argv, prog_name=prog_name, complete_var=complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            cmd = exc.ctx.command_path if exc.ctx is not None else (prog_name or "pqms")
            msg = " ".join(exc.format_message().split())
            click.echo(f"{cmd}: error: {msg} (see '{cmd} --help')", err=True)
            if not standalone_mode:
                raise
            sys.exit(2)
        except click.ClickException as exc:
            exc.show()
            if not standalone_mode:
                raise
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Aborted!", err=True)
            if not standalone_mode:
                raise
            sys.exit(1)
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)


@contextlib.contextmanager
def library_errors() -> Iterator[None]:
    """Turn the library's ValueError subclasses (they name the parameter) into usage errors (exit 2)."""
    from pqms_physics.errors import PQMSValueError

    try:
        yield
    except PQMSValueError as exc:
        raise click.UsageError(str(exc)) from None


@contextlib.contextmanager
def device_errors() -> Iterator[None]:
    """A requested device that this machine lacks (e.g. --device cuda without a GPU): exit 1 with its message."""
    from pqms_physics.kernels import CudaUnavailableError  # light: numba.cuda itself loads only when used

    try:
        yield
    except CudaUnavailableError as exc:
        raise click.ClickException(f"--device cuda is not usable here: {exc}") from None


class CountType(click.ParamType):
    """A positive integer count; accepts ``1000000``, ``1_000_000`` and ``1e6`` (integral values only)."""

    name = "N"

    def __init__(self, minimum: int = 1):
        self.minimum = minimum

    def convert(self, value, param, ctx):
        if isinstance(value, int) and not isinstance(value, bool):
            v = value
        else:
            text = str(value).strip()
            try:
                v = int(text)
            except ValueError:
                try:
                    f = float(text)
                except ValueError:
                    self.fail(f"must be an integer such as 1000000 or 1e6, got {value!r}", param, ctx)
                if not (math.isfinite(f) and f.is_integer()):
                    self.fail(f"must be an integer such as 1000000 or 1e6, got {value!r}", param, ctx)
                v = int(f)
        if v < self.minimum:
            self.fail(f"must be >= {self.minimum}, got {v}", param, ctx)
        return v


class IntListType(click.ParamType):
    """A comma-separated list of integers >= ``minimum``, e.g. ``1,2,4,8``."""

    name = "N[,N...]"

    def __init__(self, minimum: int = 1):
        self.minimum = minimum

    def convert(self, value, param, ctx):
        if isinstance(value, (list, tuple)):
            return list(value)
        out = []
        for part in str(value).split(","):
            part = part.strip()
            if not part:
                self.fail(f"must be a comma-separated list of integers, got {value!r}", param, ctx)
            out.append(CountType(self.minimum).convert(part, param, ctx))
        return out


COUNT = CountType(1)
INT_LIST = IntListType(1)
PROBABILITY = click.FloatRange(0.0, 1.0)
SEED = click.IntRange(0, SEED_MAX)


def output_options(func):
    """Add mutually exclusive ``--json`` and ``--csv`` flags (parameter ``fmt``: table, json or csv)."""
    func = click.option("--csv", "fmt", flag_value="csv", help="Print the rows as CSV (header first).")(func)
    func = click.option("--json", "fmt", flag_value="json", help="Print one JSON object (for scripts).")(func)
    func = click.option("--table", "fmt", flag_value="table", default=True, hidden=True)(func)
    return func


def _jsonable(v: Any) -> Any:
    if hasattr(v, "item") and not isinstance(v, (list, tuple, dict)):
        try:
            return v.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(v, float) and not math.isfinite(v):
        return None if math.isnan(v) else ("inf" if v > 0 else "-inf")
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    return v


def _fmt_cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        if v == 0 or (1e-3 <= abs(v) < 1e6):
            return f"{v:.6g}"
        return f"{v:.4e}"
    return str(v)


def format_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Plain aligned text table (numbers right-aligned)."""
    cells = [[_fmt_cell(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    numeric = [
        all(isinstance(row[i], (int, float)) and not isinstance(row[i], bool) for row in rows if row[i] is not None)
        for i in range(len(columns))
    ]

    def line(values):
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    return "\n".join(out)


def emit(
    fmt: str,
    command: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    parameters: dict | None = None,
    summary: dict | None = None,
    title: str | None = None,
    notes: Sequence[str] = (),
) -> None:
    """Print results as a table (default), one JSON object, or CSV."""
    parameters = parameters or {}
    summary = summary or {}
    if fmt == "json":
        doc = {
            "command": command,
            "parameters": _jsonable(parameters),
            "rows": [dict(zip(columns, _jsonable(list(r)))) for r in rows],
            "summary": _jsonable(summary),
        }
        click.echo(json.dumps(doc, indent=2))
        return
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow(["" if v is None else repr(v) if isinstance(v, float) else v for v in r])
        click.echo(buf.getvalue(), nl=False)
        return
    if title:
        click.echo(title)
    if parameters:
        shown = {
            k: _fmt_cell(v) if not isinstance(v, (list, tuple)) else ",".join(map(str, v))
            for k, v in parameters.items()
        }
        click.echo("  " + ", ".join(f"{k} = {v}" for k, v in shown.items()))
        click.echo()
    if rows:
        click.echo(format_table(columns, rows))
    if summary:
        click.echo()
        width = max(len(k) for k in summary)
        for k, v in summary.items():
            shown = _fmt_cell(v) if not isinstance(v, (dict, list)) else json.dumps(_jsonable(v))
            click.echo(f"{k.ljust(width)}  {shown}")
    for note in notes:
        click.echo(note)
