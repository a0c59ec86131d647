"""Seed-claims audit: compute every numerical claim of the design documents with the toolkit.

The claims live in ``pqms_physics/data/seed_claims.toml``, shipped with the
package (``examples/seed_claims.toml`` links to it; one table per claim: what was
claimed, the claimed value, the computation, the parameters the documents give
and the reading we chose). :func:`run_audit` evaluates each with the functions in
:mod:`pqms_physics.audit.claims` and returns an :class:`AuditReport` that renders
as Markdown or JSON. Nothing is tuned toward a claimed value: the claimed number
is only compared against.

Examples
--------
>>> report = run_audit(quick=True, only=["hops10_per_hop"])
>>> str(report.entries[0].verdict)
'inconsistent'
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pqms_physics._provenance import package_versions
from pqms_physics.audit.claims import COMPUTATIONS, VERDICTS, AuditContext, Finding
from pqms_physics.errors import PQMSValueError, check_seed
from pqms_physics.progress import progress_bar

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

#: The claims file shipped with the package (``examples/seed_claims.toml`` is a link to it).
DEFAULT_CLAIMS = Path(__file__).resolve().parents[1] / "data" / "seed_claims.toml"
#: Default seed of the audit's Monte Carlo runs.
DEFAULT_SEED = 20251101
_REQUIRED = ("id", "claim", "claimed", "compute", "reading", "parameters")


@dataclass(frozen=True, kw_only=True)
class AuditEntry(Finding):
    """One audited claim: the claim and the reading we chose, plus the :class:`Finding` computed for it."""

    claim_id: str
    claim: str
    claimed: float
    reading: str

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("computed", "uncertainty", "claimed"):  # JSON has no NaN
            if isinstance(out[key], float) and not math.isfinite(out[key]):
                out[key] = None
        return out


@dataclass(frozen=True)
class AuditReport:
    """All audited claims, with the inputs that reproduce them."""

    entries: tuple[AuditEntry, ...]
    claims_path: str
    seed: int
    quick: bool
    versions: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "claims_path": self.claims_path,
            "seed": self.seed,
            "quick": self.quick,
            "versions": self.versions,
            "entries": [e.to_dict() for e in self.entries],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, default=_json_default)

    def summary(self) -> dict[str, int]:
        """Number of claims per verdict."""
        return {v: sum(e.verdict == v for e in self.entries) for v in VERDICTS}

    def to_markdown(self) -> str:
        lines = [
            "# Seed-claims audit",
            "",
            f"Claims: `{self.claims_path}`; Monte Carlo seed {self.seed}"
            + ("; **quick mode** (reduced Monte Carlo sizes)" if self.quick else "")
            + ".",
            "Versions: " + ", ".join(f"{k} {v}" for k, v in self.versions.items()) + ".",
            "",
            "| id | claim | claimed | computed quantity | computed | ± | verdict | computed with |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for e in self.entries:
            lines.append(
                f"| {e.claim_id} | {_md(e.claim)} | {_num(e.claimed)} | {_md(e.quantity)} | "
                f"{_num(e.computed)} | {_num(e.uncertainty)} | **{e.verdict}** | `{_md(e.function)}` |"
            )
        lines += ["", "Verdicts: " + ", ".join(f"{k}: {v}" for k, v in self.summary().items() if v) + ".", ""]
        for e in self.entries:
            lines += [
                f"## {e.claim_id}: {e.verdict}",
                "",
                f"*Claim:* {e.claim} (claimed {_num(e.claimed)}).",
                "",
                f"*Computed:* {e.quantity} = {_num(e.computed)} ± {_num(e.uncertainty)}.",
                "",
                f"*Reading:* {e.reading}",
                "",
                f"*Finding:* {e.notes}",
                "",
            ]
        return "\n".join(lines)


def _json_default(obj: object) -> Any:
    import numpy as np

    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _num(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if x == 0:
        return "0"
    ax = abs(x)
    return f"{x:.4g}" if 1e-3 <= ax < 1e5 else f"{x:.3e}"


def load_claims(path: str | Path | None = None) -> list[dict[str, Any]]:
    """Read and validate the claims file; errors name the claim and the key."""
    path = Path(path) if path is not None else DEFAULT_CLAIMS
    if not path.is_file():
        raise PQMSValueError(f"claims_path: no claims file at {path} (pass --claims PATH)")
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise PQMSValueError(f"claims_path: {path} is not valid TOML: {exc}") from None
    claims = data.get("claims")
    if not isinstance(claims, list) or not claims:
        raise PQMSValueError(f"claims_path: {path} must contain [[claims]] tables")
    seen = set()
    for k, claim in enumerate(claims):
        for key in _REQUIRED:
            if key not in claim:
                raise PQMSValueError(f"claims[{k}].{key} is missing in {path}")
        if claim["compute"] not in COMPUTATIONS:
            raise PQMSValueError(f"claims[{k}].compute must be one of {sorted(COMPUTATIONS)}, got {claim['compute']!r}")
        if claim["id"] in seen:
            raise PQMSValueError(f"claims[{k}].id {claim['id']!r} is duplicated")
        seen.add(claim["id"])
    return claims


def run_audit(
    claims_path: str | Path | None = None,
    quick: bool = False,
    seed: int = DEFAULT_SEED,
    only: Sequence[str] | None = None,
    progress: bool | None = None,
) -> AuditReport:
    """Compute every claim of the claims file and return the report.

    Parameters
    ----------
    claims_path : path, optional
        TOML claims file (default: the packaged ``seed_claims.toml``).
    quick : bool
        Cap Monte Carlo runs at 1e7 pairs (stated in each affected finding).
    seed : int
        Seed of the Monte Carlo runs, in ``[0, 2**64 - 1]``; claim ``k`` uses stream ``k``.
    only : sequence of str, optional
        Audit only these claim ids.
    progress : bool, optional
        tqdm bar over claims (None: only on a terminal).
    """
    seed = check_seed("seed", seed)
    claims = load_claims(claims_path)
    if only is not None:
        unknown = set(only) - {c["id"] for c in claims}
        if unknown:
            raise PQMSValueError(f"only: unknown claim ids {sorted(unknown)}")
        claims = [c for c in claims if c["id"] in set(only)]
    entries = []
    with progress_bar(progress, len(claims), desc="audit", unit="claim") as bar:
        for k, claim in enumerate(claims):
            ctx = AuditContext(seed=seed, quick=quick, stream=2 * k)
            finding: Finding = COMPUTATIONS[claim["compute"]](dict(claim["parameters"]), float(claim["claimed"]), ctx)
            entries.append(
                AuditEntry(
                    claim_id=claim["id"],
                    claim=claim["claim"],
                    claimed=float(claim["claimed"]),
                    reading=" ".join(claim["reading"].split()),
                    **asdict(finding),
                )
            )
            bar.update(1)
    return AuditReport(
        entries=tuple(entries),
        claims_path=str(claims_path or DEFAULT_CLAIMS),
        seed=seed,
        quick=quick,
        versions=package_versions(),
    )


__all__ = ["AuditEntry", "AuditReport", "run_audit", "load_claims", "DEFAULT_CLAIMS", "DEFAULT_SEED"]
