"""``pqms report``: regenerate every standard figure, its data, a sweep and the claims audit.

:func:`run_report` writes into one directory:

* for each standard study of :mod:`pqms_physics.report.studies`
  (``fidelity_vs_hops``, ``rate_vs_distance``, ``chsh_vs_hops``,
  ``nct_pool_bias``): ``<name>.pdf`` (vector, TrueType fonts embedded),
  ``<name>.png`` (300 dpi) and ``<name>.csv`` (the plotted numbers, with the
  seed of every Monte Carlo value);
* ``sweep.toml`` and ``sweep.nc``: a small built-in parameter sweep run through
  :func:`pqms_physics.sweep.engine.run_sweep` (netCDF, config and versions in its
  attributes);
* ``audit.md`` and ``audit.json``: the seed-claims audit
  (:func:`pqms_physics.audit.runner.run_audit`);
* ``report.json`` (everything below, machine-readable) and ``index.md``: every
  file with a one-line caption, the exact parameters, the seeds, the package
  versions, the command line and the date.

Files of an earlier run with the same names are overwritten (the sweep is
recomputed, not resumed); nothing else in the directory is touched.
``quick=True`` keeps every physics parameter and thins only grids and Monte
Carlo sizes (a smoke run for tests, well under 30 s after the Numba kernels
are compiled and cached).

Examples
--------
>>> import tempfile
>>> res = run_report(tempfile.mkdtemp(), quick=True, steps=("fidelity_vs_hops",), progress=False)
>>> sorted(res.files)
['fidelity_vs_hops.csv', 'fidelity_vs_hops.pdf', 'fidelity_vs_hops.png', 'index.md', 'report.json']
"""

from __future__ import annotations

import csv
import datetime as _dt
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pqms_physics._provenance import package_versions
from pqms_physics.errors import PQMSValueError, check_seed
from pqms_physics.progress import ProgressArg, progress_bar
from pqms_physics.report.studies import DEFAULT_SEED, STUDIES, Study

#: Every step of a full report, in order.
STEPS: tuple[str, ...] = (*STUDIES, "sweep", "audit")

#: The built-in sweep: Werner-chain fidelity over hops x link fidelity x Duer gate fidelity.
SWEEP_CONFIG: str = """\
# Built-in sweep of `pqms report` (see pqms_physics.sweep.config for the format).
[sweep]
quantity = "fidelity_vs_hops"
chunk_points = {chunk}
description = "pqms report: Werner-chain fidelity vs hops, link fidelity and Duer gate fidelity"

[parameters]
hops = {hops}
link_fidelity = {{ start = 0.99, stop = 0.9999, num = {num_f} }}
gate_fidelity = [0.999, 0.9999, 1.0]

[fixed]
measurement_fidelity = 1.0
twirl = false
"""


def write_csv(path: Path, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Write a CSV table; floats keep full precision (``repr``), None becomes an empty field."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if v is None else repr(v) if isinstance(v, float) else v for v in row])


@dataclass(frozen=True)
class ReportResult:
    """What :func:`run_report` wrote.

    Attributes
    ----------
    out_dir : str
        Output directory.
    files : tuple of str
        Files written, relative to ``out_dir``.
    seed : int
        Base seed.
    quick : bool
        Smoke-run mode.
    steps : tuple of str
        Steps run, in order.
    timings_s : dict
        Wall time of each step, s.
    """

    out_dir: str
    files: tuple
    seed: int
    quick: bool
    steps: tuple
    timings_s: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "out_dir": self.out_dir,
            "files": list(self.files),
            "seed": self.seed,
            "quick": self.quick,
            "steps": list(self.steps),
            "timings_s": dict(self.timings_s),
        }


def _run_study(study_fn: Callable[..., Study], out: Path, quick: bool, seed: int) -> tuple[list[str], dict]:
    from pqms_physics.plots import save_figure

    study = study_fn(quick=quick, seed=seed)
    fig = study.figure()
    paths = save_figure(fig, out / study.name)
    write_csv(out / f"{study.name}.csv", study.columns, study.rows)
    files = [p.name for p in paths] + [f"{study.name}.csv"]
    entry = {
        "caption": study.caption,
        "files": files,
        "parameters": study.parameters,
        "functions": list(study.functions),
        "seeds": list(study.seeds),
        "summary": study.summary,
    }
    return files, entry


def _sweep_config_text(quick: bool) -> str:
    hops = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000]
    return SWEEP_CONFIG.format(hops=hops[::2] if quick else hops, num_f=5 if quick else 21, chunk=50 if quick else 200)


def _run_sweep_step(out: Path, quick: bool) -> tuple[list[str], dict]:
    from pqms_physics.sweep.engine import run_sweep

    cfg = out / "sweep.toml"
    cfg.write_text(_sweep_config_text(quick), encoding="utf-8")
    ds = run_sweep(cfg, out / "sweep.nc", resume=False, progress=False, workers=1)
    try:
        entry = {
            "caption": (
                f"Sweep of the Werner-chain fidelity over {', '.join(ds.sizes)} "
                f"({int(ds['fidelity'].size)} points) as netCDF, config and versions in its attributes."
            ),
            "files": ["sweep.toml", "sweep.nc"],
            "parameters": {
                "dims": {k: int(v) for k, v in ds.sizes.items()},
                "config_hash": str(ds.attrs.get("config_hash", "")),
                "quantity": "fidelity_vs_hops",
            },
            "functions": ["pqms_physics.sweep.engine.run_sweep", "pqms_physics.network.chains.werner_chain_fidelity"],
            "seeds": [],
            "summary": {"fidelity_min": float(ds["fidelity"].min()), "fidelity_max": float(ds["fidelity"].max())},
        }
    finally:
        ds.close()
    return ["sweep.toml", "sweep.nc"], entry


def _run_audit_step(out: Path, quick: bool, seed: int) -> tuple[list[str], dict]:
    from pqms_physics.audit.runner import run_audit

    report = run_audit(quick=quick, seed=seed, progress=False)
    (out / "audit.md").write_text(report.to_markdown(), encoding="utf-8")
    (out / "audit.json").write_text(report.to_json(), encoding="utf-8")
    verdicts = {k: v for k, v in report.summary().items() if v}
    entry = {
        "caption": "Seed-claims audit: each claim of the design documents, the value computed with the "
        "toolkit (with its uncertainty) and the verdict.",
        "files": ["audit.md", "audit.json"],
        "parameters": {"quick": quick, "claims_path": report.claims_path, "seed": report.seed},
        "functions": ["pqms_physics.audit.runner.run_audit"],
        "seeds": [seed],
        "summary": {"claims": len(report.entries), "verdicts": verdicts},
    }
    return ["audit.md", "audit.json"], entry


def run_report(
    out_dir: str | os.PathLike,
    *,
    quick: bool = False,
    seed: int = DEFAULT_SEED,
    progress: ProgressArg = None,
    command: str | None = None,
    steps: Sequence[str] | None = None,
) -> ReportResult:
    """Run the standard studies, the built-in sweep and the audit; write figures, data and index.

    Parameters
    ----------
    out_dir : str or os.PathLike
        Output directory (created if missing).
    quick : bool
        Smoke run: same physics, coarser grids and smaller Monte Carlo sizes.
    seed : int
        Base seed in ``[0, 2**64 - 1]``; every Monte Carlo seed is derived from it
        (:func:`pqms_physics._provenance.derive_seed`) and written with its result.
    progress : None, bool or callable
        None: a progress bar on stderr when it is a terminal; True/False: force;
        a callable is called as ``progress(step, done, total)`` after each step.
    command : str, optional
        Command line to record in ``index.md`` (the CLI passes its own).
    steps : sequence of str, optional
        Subset of :data:`STEPS` to run (default: all); ``index.md`` says which ran.

    Returns
    -------
    ReportResult
    """
    seed = check_seed("seed", seed)
    chosen = tuple(STEPS) if steps is None else tuple(steps)
    for s in chosen:
        if s not in STEPS:
            raise PQMSValueError(f"steps must contain only {list(STEPS)}, got {s!r}")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise PQMSValueError(f"out_dir must be a directory, got the file {str(out)!r}")
    out.mkdir(parents=True, exist_ok=True)
    started = _dt.datetime.now(_dt.timezone.utc)
    # A callable receives (step, done, total); the shared helper reports (done, total).
    callback = (lambda done, total: progress(chosen[done - 1], done, total)) if callable(progress) else progress
    bar = progress_bar(callback, len(chosen), desc="pqms report", unit="step")
    files: list[str] = []
    entries: dict[str, dict] = {}
    timings: dict[str, float] = {}
    try:
        for step in chosen:
            t0 = time.perf_counter()
            if step in STUDIES:
                new, entry = _run_study(STUDIES[step], out, quick, seed)
            elif step == "sweep":
                new, entry = _run_sweep_step(out, quick)
            else:
                new, entry = _run_audit_step(out, quick, seed)
            timings[step] = round(time.perf_counter() - t0, 3)
            files += new
            entries[step] = entry
            bar.update(1)
    finally:
        bar.close()
    meta = {
        "generated_utc": started.isoformat(timespec="seconds"),
        "command": command or f"run_report({str(out)!r}, quick={quick}, seed={seed})",
        "quick": quick,
        "base_seed": seed,
        "steps": list(chosen),
        "timings_s": timings,
        "versions": package_versions(),
        "entries": entries,
    }
    (out / "report.json").write_text(json.dumps(meta, indent=2, default=str), encoding="utf-8")
    (out / "index.md").write_text(render_index(meta), encoding="utf-8")
    files += ["report.json", "index.md"]
    return ReportResult(out_dir=str(out), files=tuple(files), seed=seed, quick=quick, steps=chosen, timings_s=timings)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell (pipes escaped, one line)."""
    return text.replace("|", "\\|").replace("\n", " ")


def render_index(meta: dict) -> str:
    """The ``index.md`` text from the report metadata (see :func:`run_report`)."""
    lines = [
        "# pqms_physics report",
        "",
        f"Generated {meta['generated_utc']} by `{meta['command']}`"
        + (" (quick mode: coarser grids, fewer Monte Carlo pairs)." if meta["quick"] else "."),
        "",
        f"Base seed: `{meta['base_seed']}`. Every Monte Carlo seed is derived from it with "
        "`numpy.random.SeedSequence(base_seed, spawn_key=(study, ...))` "
        "(`pqms_physics._provenance.derive_seed`) and is written next to its result in the CSV.",
        "",
        "## Contents",
        "",
        "| step | files | caption |",
        "|---|---|---|",
    ]
    for step, e in meta["entries"].items():
        links = ", ".join(f"[{f}]({f})" for f in e["files"])
        lines.append(f"| {step} | {links} | {_cell(e['caption'])} |")
    lines.append("| index | [report.json](report.json) | All of this page, machine-readable. |")
    for step, e in meta["entries"].items():
        lines += [
            "",
            f"## {step}",
            "",
            e["caption"],
            "",
            f"Files: {', '.join(f'`{f}`' for f in e['files'])}. "
            f"Computed by: {', '.join(f'`{f}`' for f in e['functions'])}. "
            f"Wall time: {meta['timings_s'].get(step, float('nan')):.2f} s.",
            "",
            "Parameters:",
            "",
        ]
        lines += [f"- `{k}`: `{json.dumps(v, default=str)}`" for k, v in e["parameters"].items()]
        if e["summary"]:
            lines += ["", "Summary: " + "; ".join(f"{k} = {v}" for k, v in e["summary"].items())]
        if e["seeds"]:
            lines += ["", f"Seeds ({len(e['seeds'])}): " + ", ".join(str(s) for s in e["seeds"])]
    lines += ["", "## Versions", "", "| package | version |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in meta["versions"].items()]
    missing = [s for s in STEPS if s not in meta["steps"]]
    if missing:
        lines += ["", f"Steps not run in this report: {', '.join(missing)}."]
    return "\n".join(lines) + "\n"


__all__ = ["STEPS", "SWEEP_CONFIG", "ReportResult", "run_report", "render_index", "package_versions", "write_csv"]
