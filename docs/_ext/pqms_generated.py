"""Pages generated at build time from the toolkit itself (never copied by hand).

* ``_generated/audit.inc``: the seed-claims audit, from the JSON that ``pqms audit --json --quick`` prints
  (run as a user runs it, in a subprocess with a memory limit and a timeout). ``PQMS_DOCS_AUDIT_FULL=1``
  drops ``--quick`` (full Monte Carlo sizes: minutes).
* ``_generated/cli.inc``: ``pqms --help`` and every command's ``--help``.
* ``_generated/report_example.inc``: the provenance a ``pqms report`` writes, from a real quick run of one
  study (``chsh_vs_hops``): its ``report.json`` entry, the head of its CSV, and the check that the first
  seed in the CSV is ``derive_seed(base_seed, study_key, 0, 0)``.

Both are plain functions of their inputs (``render_audit(data)``, ``render_cli()``) so that tests can call
them without Sphinx.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import re
from pathlib import Path

PACKAGE = "pqms_physics"


#: Limits of the audit subprocess: a runaway computation fails this page's build with a message, instead of
#: taking the machine's memory (the audit at full size takes minutes; quick mode seconds).
AUDIT_TIMEOUT_S = 1800
AUDIT_MEMORY_BYTES = 8 * 2**30


def audit_json(quick: bool = True) -> dict:
    """Run ``pqms audit --json [--quick] --no-progress`` (as a user does, in a subprocess) and parse its JSON.

    The subprocess imports the package of the source tree being documented, under a memory limit
    (:data:`AUDIT_MEMORY_BYTES`) and a timeout (:data:`AUDIT_TIMEOUT_S`).
    """
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    args = [sys.executable, "-m", "pqms_physics.cli", "audit", "--json", "--no-progress"] + (
        ["--quick"] if quick else []
    )

    def limit_memory() -> None:  # pragma: no cover - runs in the child
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (AUDIT_MEMORY_BYTES, AUDIT_MEMORY_BYTES))

    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(p for p in (str(root), os.environ.get("PYTHONPATH")) if p),
        MPLBACKEND="Agg",
    )
    proc = subprocess.run(
        args,
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
        timeout=AUDIT_TIMEOUT_S,
        preexec_fn=limit_memory if os.name == "posix" else None,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[2:])} exited with {proc.returncode}: {proc.stderr[-3000:]}")
    return json.loads(proc.stdout)


def _module_index() -> dict[str, list[str]]:
    """Short module name ('chains') -> full dotted names of the package's public modules."""
    root = importlib.import_module(PACKAGE)
    index: dict[str, list[str]] = {}
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{PACKAGE}."):
        if any(p.startswith("_") for p in info.name.split(".")[1:]):
            continue
        index.setdefault(info.name.rsplit(".", 1)[-1], []).append(info.name)
    return index


def _resolves(dotted: str) -> bool:
    """Whether ``dotted`` names an importable module or an attribute of one."""
    parts = dotted.split(".")
    for k in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:k]))
        except Exception:  # noqa: BLE001 - not a module: try a shorter prefix
            continue
        try:
            for attr in parts[k:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return False
        return True
    return False


def _link_function(text: str, index: dict[str, list[str]]) -> str:
    """Turn dotted names ('chains.fidelity_vs_hops', 'network.graphs.best_path') into cross-references.

    A token is tried with its first part read as a module's short name, then as a path below the package;
    what resolves to nothing stays text.
    """

    def resolve(token: str) -> str | None:
        head, _, rest = token.partition(".")
        # the package's own modules first: pqms_physics.<old path> may be a deprecated alias (pqms_physics._moved)
        candidates = [f"{full}.{rest}" for full in index.get(head, [])] + [f"{PACKAGE}.{token}"]
        for full in candidates:
            if _resolves(full):
                return f":py:obj:`{token} <{full}>`\\ "
        return None

    pieces = re.split(r"(\b[a-z_]+(?:\.[a-z_][a-z0-9_]*)+\b)", text)
    out = []
    for k, piece in enumerate(pieces):
        link = resolve(piece) if k % 2 else None
        out.append(link if link is not None else _escape(piece))
    return "".join(out)


def _escape(text: str) -> str:
    """reST-safe inline text (no accidental markup)."""
    return re.sub(r"([\\`*_|])", r"\\\1", str(text))


def _num(x) -> str:
    if x is None:
        return "n/a"
    x = float(x)
    if x == 0:
        return "0"
    return f"{x:.4g}" if 1e-3 <= abs(x) < 1e5 else f"{x:.3e}"


def render_audit(data: dict) -> str:
    """The audit JSON as reST: provenance, a summary table, one section per claim."""
    index = _module_index()
    entries = data["entries"]
    mode = (
        "quick mode (Monte Carlo runs capped at 1e7 pairs, as ``pqms audit --quick``)"
        if data["quick"]
        else "full Monte Carlo sizes"
    )
    counts: dict[str, int] = {}
    for e in entries:
        counts[e["verdict"]] = counts.get(e["verdict"], 0) + 1
    versions = ", ".join(f"{k} {v}" for k, v in data["versions"].items() if k != "platform")
    lines = [
        f"Generated when this page was built by ``pqms audit --json{' --quick' if data['quick'] else ''}``: "
        f"{len(entries)} claims, {mode}, Monte Carlo seed ``{data['seed']}``. Versions: {_escape(versions)}.",
        "",
        "Verdicts: " + ", ".join(f"**{k}** {v}" for k, v in counts.items()) + ".",
        "",
        ".. list-table::",
        "   :header-rows: 1",
        "   :widths: 12 30 10 22 12 10 14",
        "",
        "   * - id",
        "     - claim",
        "     - claimed",
        "     - computed quantity",
        "     - computed",
        "     - ±",
        "     - verdict",
    ]
    for e in entries:
        lines += [
            f"   * - :ref:`{e['claim_id']} <audit-{e['claim_id']}>`",
            f"     - {_escape(e['claim'])}",
            f"     - {_num(e['claimed'])}",
            f"     - {_escape(e['quantity'])}",
            f"     - {_num(e['computed'])}",
            f"     - {_num(e['uncertainty'])}",
            f"     - **{_escape(e['verdict'])}**",
        ]
    lines.append("")
    for e in entries:
        title = f"{e['claim_id']}: {e['verdict']}"
        lines += [
            f".. _audit-{e['claim_id']}:",
            "",
            _escape(title),
            "~" * len(_escape(title)),
            "",
            f"*Claim:* {_escape(e['claim'])} (claimed {_num(e['claimed'])}).",
            "",
            f"*Computed:* {_escape(e['quantity'])} = {_num(e['computed'])} ± {_num(e['uncertainty'])}.",
            "",
            f"*Computed with:* {_link_function(e['function'], index)}.",
            "",
            f"*Reading:* {_escape(e['reading'])}",
            "",
            f"*Finding:* {_escape(e['notes'])}",
            "",
        ]
    return "\n".join(lines)


def render_cli() -> str:
    """``pqms --help`` and each command's ``--help`` as literal blocks, one section per command."""
    import click

    from pqms_physics.cli import cli

    def help_text(cmd: click.Command, path: list[str]) -> str:
        with click.Context(cmd, info_name=" ".join(path), terminal_width=100, max_content_width=100) as ctx:
            return cmd.get_help(ctx)

    def block(text: str) -> list[str]:
        return [".. code-block:: text", ""] + [f"   {line}" if line else "" for line in text.splitlines()] + [""]

    lines = ["``pqms``", "~~~~~~~~", ""] + block(help_text(cli, ["pqms"]))
    for name in sorted(cli.commands):
        title = f"``pqms {name}``"
        lines += [title, "~" * len(title), ""] + block(help_text(cli.commands[name], ["pqms", name]))
    return "\n".join(lines)


def render_report_example() -> tuple[str, list[str]]:
    """reST for the reproducibility page from a quick one-study report; and any inconsistency found."""
    import csv
    import logging
    import tempfile

    from pqms_physics._provenance import derive_seed
    from pqms_physics.report.runner import run_report
    from pqms_physics.report.studies import STUDY_KEYS

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # the PDF font subsetter logs every glyph at INFO
    study = "chsh_vs_hops"
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        result = run_report(
            tmp,
            quick=True,
            steps=(study,),
            progress=False,
            command=f"pqms report --out results/ --quick  (step {study} only)",
        )
        meta = json.loads((Path(tmp) / "report.json").read_text())
        with open(Path(tmp) / f"{study}.csv", newline="") as fh:
            rows = list(csv.reader(fh))
    entry = meta["entries"][study]
    first_seed = int(rows[1][rows[0].index("seed")])
    expected = derive_seed(meta["base_seed"], STUDY_KEYS[study], 0, 0)
    if first_seed != expected:
        problems.append(f"report example: first CSV seed {first_seed} != derive_seed(...) = {expected}")
    if entry["seeds"][0] != first_seed:
        problems.append("report example: report.json seeds do not start with the CSV's first seed")
    shown = dict(meta)
    shown["entries"] = {study: {**entry, "seeds": entry["seeds"][:3] + [f"... {len(entry['seeds'])} in all"]}}
    shown["versions"] = {k: v for k, v in meta["versions"].items() if k != "platform"}
    text = json.dumps(shown, indent=2)

    def block(lang: str, body: str) -> list[str]:
        return [f".. code-block:: {lang}", ""] + [f"   {line}" if line else "" for line in body.splitlines()] + [""]

    lines = [
        f"``report.json`` of that run (files: {', '.join(f'``{f}``' for f in result.files)}; the seed list and",
        "the platform are shortened here):",
        "",
    ]
    lines += block("json", text)
    lines += [f"The first rows of ``{study}.csv``: every Monte Carlo value sits next to the seed that produced it.", ""]
    lines += block("text", "\n".join(",".join(r) for r in rows[:4]))
    lines += [
        f"The first seed, ``{first_seed}``, is ``derive_seed({meta['base_seed']}, {STUDY_KEYS[study]}, 0, 0)`` "
        f"(base seed, the study's spawn key, curve 0, hop 0): checked when this page was built.",
        "",
    ]
    return "\n".join(lines), problems


def _write_if_changed(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def _on_builder_inited(app) -> None:
    out = Path(app.srcdir) / "_generated"
    full = os.environ.get("PQMS_DOCS_AUDIT_FULL", "") not in ("", "0")
    _write_if_changed(out / "audit.inc", render_audit(audit_json(quick=not full)))
    _write_if_changed(out / "cli.inc", render_cli())
    text, problems = render_report_example()
    _write_if_changed(out / "report_example.inc", text)
    if problems:
        from sphinx.util import logging

        for problem in problems:
            logging.getLogger(__name__).warning(problem)


def setup(app):
    app.connect("builder-inited", _on_builder_inited)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
