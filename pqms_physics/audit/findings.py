"""What an audit computation returns (:class:`Finding`) and how it runs (:class:`AuditContext`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pqms_physics.audit.verdict import Verdict


@dataclass(frozen=True)
class AuditContext:
    """How the audit runs: ``seed`` for every Monte Carlo run (distinct streams per claim); ``quick``
    caps Monte Carlo sizes at ``quick_pairs`` pairs (stated in the finding's notes)."""

    seed: int
    quick: bool = False
    quick_pairs: int = 10**7
    stream: int = 0

    def pairs(self, requested: int) -> int:
        return min(int(requested), self.quick_pairs) if self.quick else int(requested)


@dataclass(frozen=True)
class Finding:
    """Result of one audit computation: ``quantity`` says what ``computed`` is (with its unit)."""

    quantity: str
    computed: float
    uncertainty: float
    verdict: Verdict
    function: str
    notes: str
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "verdict", Verdict(self.verdict))  # a typo in a verdict fails here, loudly


def quick_note(ctx: AuditContext, requested: int, used: int) -> str:
    """The sentence a finding's notes carry when quick mode shrank a Monte Carlo run (empty otherwise)."""
    return (
        (
            f" Quick mode: Monte Carlo at {used:.3g} pairs instead of {requested:.3g} "
            f"(run without --quick for the full size)."
        )
        if used != requested
        else ""
    )


__all__ = ["AuditContext", "Finding", "quick_note"]
