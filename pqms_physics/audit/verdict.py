"""The verdicts of the seed-claims audit, as one enumeration (the strings are what reports print)."""

from __future__ import annotations

from enum import Enum


class Verdict(str, Enum):
    """What the toolkit's computation says of a claimed number.

    A ``Verdict`` is a ``str``: it compares equal to its text and serialises to it in JSON.

    Examples
    --------
    >>> Verdict("inconsistent") is Verdict.INCONSISTENT, Verdict.CONSISTENT == "consistent"
    (True, True)
    >>> f"{Verdict.CONDITIONAL}"
    'conditional'
    """

    CONSISTENT = "consistent"
    INCONSISTENT = "inconsistent"
    CONDITIONAL = "conditional"
    NOT_PHYSICAL = "not a physical quantity"
    NOT_CHECKED = "not checked"

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


#: Every verdict text, in report order.
VERDICTS: tuple[str, ...] = tuple(v.value for v in Verdict)

__all__ = ["Verdict", "VERDICTS"]
