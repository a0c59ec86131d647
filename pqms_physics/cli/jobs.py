"""``pqms audit``, ``pqms sweep``, ``pqms report`` and ``pqms fpga-vectors``: the job commands.

Each calls one library entry point (:func:`pqms_physics.audit.runner.run_audit`,
:func:`pqms_physics.sweep.engine.run_sweep`, :func:`pqms_physics.report.runner.run_report`,
:func:`pqms_physics.rpu.vectors.write_fpga_vectors`) and formats its result.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from pqms_physics.cli._common import SEED, emit, library_errors, output_options


def _command_line() -> str:
    """The command line as typed (recorded by :class:`~pqms_physics.cli._common.PqmsGroup`), for provenance."""
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx is not None else None
    argv = obj.get("argv") if isinstance(obj, dict) else None
    return " ".join(shlex.quote(str(a)) for a in (argv or ["pqms", *sys.argv[1:]]))


@click.command("audit")
@click.option(
    "--claims",
    "claims_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Claims file (TOML); default: the packaged seed_claims.toml (examples/seed_claims.toml links to it).",
)
@click.option("--quick", is_flag=True, help="Smaller Monte Carlo runs (seconds).")
@click.option(
    "--seed", type=SEED, default=None, help="Seed of the audit's Monte Carlo runs (default: the audit's own)."
)
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when on a terminal).")
@output_options
def audit_cmd(claims_path, quick, seed, progress, fmt):
    """Audit the numerical claims of the design documents: claimed vs computed, with a verdict.

    Verdicts: consistent, inconsistent, or not a physical quantity. Nothing is
    tuned toward a claimed value.

    \b
    Example:
      pqms audit --quick
      pqms audit --json > audit.json
    """
    from pqms_physics.audit.runner import run_audit

    kwargs = {"claims_path": claims_path, "quick": quick, "progress": progress}
    if seed is not None:
        kwargs["seed"] = seed
    with library_errors():
        report = run_audit(**kwargs)
    if fmt == "json":
        click.echo(report.to_json())
        return
    cols = ("claim_id", "claimed", "quantity", "computed", "uncertainty", "verdict", "function")
    rows = [tuple(_short(getattr(e, c, None)) for c in cols) for e in report.entries]
    if fmt == "csv":
        emit("csv", "audit", cols, rows)
        return
    click.echo(report.to_markdown())


def _short(v, limit: int = 60):
    if isinstance(v, (int, float)) or v is None:
        return v
    text = " ".join(str(v).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@click.command("sweep")
@click.argument("config", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Output netCDF file (default: CONFIG with suffix .nc).",
)
@click.option(
    "--scheduler",
    default=None,
    help="Run on dask.distributed: tcp://HOST:PORT of a running scheduler, or local-cluster.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 4096),
    default=None,
    help="Local processes (default: all CPUs; 1 = in this process), or local-cluster workers.",
)
@click.option(
    "--resume/--no-resume",
    default=True,
    show_default=True,
    help="Reuse finished chunks of the same config, or recompute everything.",
)
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when on a terminal).")
@output_options
def sweep_cmd(config, out_path, scheduler, workers, resume, progress, fmt):
    """Evaluate a parameter sweep declared in CONFIG (TOML) into a netCDF file.

    Checkpointed: rerunning the same command after an interruption computes only
    the missing chunks. See pqms_physics.sweep.config for the format. Randomised
    quantities take their seed from the config ([sweep] seed = ...), so the seed
    is part of the config hash.

    \b
    Example:
      pqms sweep examples/sweep_chain.toml --out results/chain.nc
      pqms sweep sweep.toml --scheduler local-cluster --workers 2
    """
    from pqms_physics.sweep.engine import run_sweep

    with library_errors():
        try:
            ds = run_sweep(config, out_path, scheduler=scheduler, resume=resume, progress=progress, workers=workers)
        except ImportError as exc:
            raise click.ClickException(f"{exc} (install the 'dask' extra: pip install 'pqms_physics[dask]')") from None
        except (ConnectionError, OSError) as exc:
            raise click.ClickException(str(exc)) from None
    try:
        out = out_path or Path(config).with_suffix(".nc")
        if fmt == "table":  # a short preview of each coordinate; --json/--csv get every value
            rows = [
                (
                    name,
                    int(size),
                    ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in ds[name].values[:6].tolist())
                    + (", ..." if size > 6 else ""),
                )
                for name, size in ds.sizes.items()
            ]
        else:
            rows = [(name, int(size), ds[name].values.tolist()) for name, size in ds.sizes.items()]
        summary = {
            "output": str(out),
            "points": int(_n_points(ds)),
            "variables": ", ".join(ds.data_vars),
            "config_hash": str(ds.attrs.get("config_hash", "")),
        }
    finally:
        ds.close()
    emit(
        fmt,
        "sweep",
        ("dimension", "size", "values"),
        rows,
        summary=summary,
        parameters={"config": str(config), "scheduler": scheduler or "local", "resume": resume},
        title="Sweep written (pqms_physics.sweep.engine.run_sweep)",
    )


def _n_points(ds) -> int:
    n = 1
    for size in ds.sizes.values():
        n *= int(size)
    return n


@click.command("report")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("results"),
    show_default=True,
    help="Output directory (created if missing).",
)
@click.option("--quick", is_flag=True, help="Smoke run: same physics, coarser grids, fewer pairs (< 30 s).")
@click.option(
    "--seed", type=SEED, default=None, help="Base seed of every Monte Carlo run (default: fixed, see index.md)."
)
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when on a terminal).")
@output_options
def report_cmd(out_dir, quick, seed, progress, fmt):
    """Regenerate every standard figure (PDF + 300-dpi PNG + CSV), a sweep, the audit and index.md.

    \b
    Example:
      pqms report --out results/
      pqms report --out /tmp/smoke --quick --seed 7 --no-progress
    """
    import matplotlib

    matplotlib.use("Agg")  # entry point: never open a window (the plots use no pyplot anyway)
    from pqms_physics.report.runner import run_report
    from pqms_physics.report.studies import DEFAULT_SEED

    with library_errors():
        res = run_report(
            out_dir,
            quick=quick,
            seed=DEFAULT_SEED if seed is None else seed,
            progress=progress,
            command=_command_line(),
        )
    rows = [(f, (Path(res.out_dir) / f).stat().st_size) for f in res.files]
    emit(
        fmt,
        "report",
        ("file", "bytes"),
        rows,
        parameters={"out": res.out_dir, "quick": res.quick, "seed": res.seed},
        summary={"steps": ", ".join(res.steps), "seconds": round(sum(res.timings_s.values()), 1)},
        title=f"Report written to {res.out_dir} (see index.md)",
    )


@click.command("fpga-vectors")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Output directory for the golden vectors (created if missing).",
)
@click.option("--seed", type=SEED, default=None, help="Base seed (default: the suite's fixed seed).")
@click.option(
    "--suite",
    type=click.Choice(["default", "full"]),
    default="default",
    show_default=True,
    help="Which cases to write.",
)
@output_options
def fpga_vectors_cmd(out_dir, seed, suite, fmt):
    """Write the FPGA RPU golden vectors (input records and expected outputs) from the kernels.

    \b
    Example:
      pqms fpga-vectors --out fpga/build/vectors
    """
    from pqms_physics.rpu.vectors import write_fpga_vectors

    kwargs = {"suite": suite}
    if seed is not None:
        kwargs["seed"] = seed
    with library_errors():
        m = write_fpga_vectors(out_dir, **kwargs)
    emit(
        fmt,
        "fpga-vectors",
        ("case",),
        [(c,) for c in m.cases],
        parameters={"out": m.out_dir, "suite": m.suite, "seed": m.seed},
        summary={"pairs": m.pairs, "windows": m.windows},
        title=f"Golden vectors written to {m.out_dir}",
    )
