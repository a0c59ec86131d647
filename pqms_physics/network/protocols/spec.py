"""The parameters of a repeater protocol in time, validated once, and the one conversion rounds -> seconds.

See :mod:`pqms_physics.network.protocols` for the model these parameters drive.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

from pqms_physics.conventions import FIBRE_SPEED_KM_PER_S
from pqms_physics.errors import PQMSValueError, check_choice, check_in_range, check_int, check_nonnegative, check_real

#: The protocol schemes (see the subpackage docstring).
SCHEMES: tuple[str, ...] = ("nested", "swap-asap", "parallel")


def _check_open_probability(name: str, value: Any) -> float:
    v = check_real(name, value)
    if not (0.0 < v <= 1.0):
        raise PQMSValueError(f"{name} must be in (0, 1], got {v}")
    return v


def _check_cutoff_value(name: str, value: Any) -> int:
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and float(value) < 0:
        raise PQMSValueError(f"{name} must be >= 0 rounds, got {value}")
    return check_int(name, value, 0)


def nesting_levels(segments: int) -> int:
    """Number ``k`` of swap levels of the nested (doubling) scheme, ``segments = 2**k``.

    Examples
    --------
    >>> nesting_levels(8)
    3
    """
    return int(segments).bit_length() - 1


@dataclass(frozen=True)
class ProtocolSpec:
    """A repeater protocol in time: chain, link generation, swaps, memories, cutoffs and scheme.

    Parameters
    ----------
    segments : int
        Number of elementary links (segments), ``>= 1``; a power of two for ``scheme="nested"``.
    p_link : float
        Success probability of one segment's generation attempt per round (per mode), in (0, 1].
    p_swap : float, optional
        Success probability of an entanglement swap, in (0, 1]. Default 1.
    scheme : {"nested", "swap-asap", "parallel"}, optional
        Order of the swaps (see the subpackage docstring). Default ``"nested"``.
    link_werner : float, optional
        Werner parameter ``w0`` of a fresh elementary link, in [0, 1] (fidelity ``(1 + 3 w0)/4``). Default 1.
    coherence_time : float, optional
        Memory coherence time ``T_coh`` in rounds, ``> 0`` (``math.inf``: perfect memories). A stored link's
        Werner parameter decays as ``w -> w exp(-dt / T_coh)`` while it waits ``dt`` rounds. Default inf.
    cutoff : int or tuple of int or None, optional
        Memory cutoff ``tau`` in rounds, ``>= 0``: a link waits at most ``tau`` rounds for its partner. For
        ``"nested"`` a tuple gives one cutoff per swap level ``1..k`` (``segments = 2**k``); an int applies to
        every level. None: no cutoff. Not defined for ``"parallel"``.
    werner_cutoff : float or None, optional
        Discard (and regenerate both inputs) a swap whose output Werner parameter would be below this value, in
        [0, 1]. Not defined for ``"parallel"``. None: no fidelity cutoff.
    modes : int, optional
        Multiplexed modes per segment attempt, ``>= 1``; a round succeeds with ``1 - (1 - p_link)**modes``.
    distillation : int or tuple of int, optional
        Rounds of entanglement distillation on the inputs of each nesting level's swap (``"nested"`` only;
        a tuple gives one count per level ``1..k``, an int applies to every level). A round takes two
        copies of the current link, waits for both (same memory decoherence and the level's cutoff as a swap),
        and runs BBPSSW with perfect operations on the Werner states: success ``(1 + w1 w2) / 2``, and on failure
        both inputs are regenerated (Brand, Coopmans, Elkouss 2020's ``n_dist``). Default 0.

    Examples
    --------
    >>> spec = ProtocolSpec(segments=8, p_link=0.1, p_swap=0.5, cutoff=(16, 31, 55))
    >>> spec.levels, spec.cutoff_for_level(2)
    (3, 31)
    >>> print(f"{ProtocolSpec(2, 0.1, modes=2).p_eff:.4f}")
    0.1900
    """

    segments: int
    p_link: float
    p_swap: float = 1.0
    scheme: str = "nested"
    link_werner: float = 1.0
    coherence_time: float = math.inf
    cutoff: int | tuple[int, ...] | None = None
    werner_cutoff: float | None = None
    modes: int = 1
    distillation: int | tuple[int, ...] = 0

    def __post_init__(self) -> None:
        put = object.__setattr__
        put(self, "scheme", check_choice("scheme", self.scheme, SCHEMES))
        n = check_int("segments", self.segments, 1)
        if self.scheme == "nested" and n & (n - 1):
            raise PQMSValueError(f"segments must be a power of two for scheme 'nested', got {n}")
        put(self, "segments", n)
        put(self, "p_link", _check_open_probability("p_link", self.p_link))
        put(self, "p_swap", _check_open_probability("p_swap", self.p_swap))
        put(self, "link_werner", check_in_range("link_werner", self.link_werner, 0.0, 1.0))
        tc = self.coherence_time
        if isinstance(tc, bool) or not isinstance(tc, numbers.Real) or math.isnan(float(tc)) or float(tc) <= 0:
            raise PQMSValueError(f"coherence_time must be > 0 rounds (math.inf for perfect memories), got {tc}")
        put(self, "coherence_time", float(tc))
        put(self, "modes", check_int("modes", self.modes, 1))
        cut = self.cutoff
        if cut is not None:
            if self.scheme == "parallel":
                raise PQMSValueError(f"cutoff is not defined for scheme 'parallel' (use None), got {cut}")
            if isinstance(cut, (tuple, list)):
                if self.scheme != "nested":
                    raise PQMSValueError(f"cutoff must be a single int for scheme {self.scheme!r}, got {cut}")
                k = nesting_levels(n)
                if len(cut) != k:
                    raise PQMSValueError(
                        f"cutoff must have one entry per nesting level ({k} for {n} segments), "
                        f"got {len(cut)} entries: {tuple(cut)}"
                    )
                cut = tuple(_check_cutoff_value(f"cutoff[{i}]", c) for i, c in enumerate(cut))
            else:
                cut = _check_cutoff_value("cutoff", cut)
            put(self, "cutoff", cut)
        if self.werner_cutoff is not None:
            if self.scheme == "parallel":
                raise PQMSValueError(
                    f"werner_cutoff is not defined for scheme 'parallel' (use None), got {self.werner_cutoff}"
                )
            put(self, "werner_cutoff", check_in_range("werner_cutoff", self.werner_cutoff, 0.0, 1.0))
        put(self, "distillation", self._checked_distillation())

    def _checked_distillation(self) -> int | tuple[int, ...]:
        d = self.distillation
        if isinstance(d, (tuple, list)):
            if self.scheme != "nested" or len(d) != self.levels:
                raise PQMSValueError(
                    f"distillation must have one entry per nesting level of scheme 'nested' ({self.levels} for "
                    f"{self.segments} segments), got {tuple(d)} for scheme {self.scheme!r}"
                )
            d = tuple(check_int(f"distillation[{i}]", x, 0) for i, x in enumerate(d))
            return 0 if not any(d) else d
        d = check_int("distillation", d, 0)
        if d and self.scheme != "nested":
            raise PQMSValueError(f"distillation is defined for scheme 'nested' only, got {d} for {self.scheme!r}")
        return d

    def distillation_for_level(self, level: int) -> int:
        """Distillation rounds on the inputs of swap level ``level`` (1-based).

        Examples
        --------
        >>> ProtocolSpec(4, 0.5, distillation=(1, 0)).distillation_for_level(1)
        1
        """
        level = check_int("level", level, 1)
        return self.distillation if isinstance(self.distillation, int) else self.distillation[level - 1]

    @property
    def p_eff(self) -> float:
        """Per-round success probability of one segment with all its modes, ``1 - (1 - p_link)**modes``."""
        return -math.expm1(self.modes * math.log1p(-self.p_link)) if self.p_link < 1 else 1.0

    @property
    def levels(self) -> int:
        """Number of swap levels ``k`` of the nested scheme (``segments = 2**k``); ``segments - 1`` swaps
        otherwise is not a level count, so this is only meaningful for ``"nested"``."""
        return nesting_levels(self.segments)

    def cutoff_for_level(self, level: int) -> int | None:
        """Memory cutoff (rounds) at swap level ``level`` (1-based: level 1 joins two elementary links).

        For ``"nested"``, ``level`` is in ``1..k``; for the other schemes every level has the same cutoff.

        Examples
        --------
        >>> ProtocolSpec(4, 0.5, cutoff=(3, 7)).cutoff_for_level(1)
        3
        """
        level = check_int("level", level, 1)
        if self.scheme == "nested" and level > self.levels:
            raise PQMSValueError(f"level must be in [1, {self.levels}] for {self.segments} segments, got {level}")
        if self.cutoff is None or isinstance(self.cutoff, int):
            return self.cutoff
        return self.cutoff[level - 1]

    def to_dict(self) -> dict:
        """The parameters as a JSON-ready dict (``inf`` coherence time as the string ``"inf"``)."""
        return {
            "segments": self.segments,
            "p_link": self.p_link,
            "p_swap": self.p_swap,
            "scheme": self.scheme,
            "link_werner": self.link_werner,
            "coherence_time": "inf" if math.isinf(self.coherence_time) else self.coherence_time,
            "cutoff": list(self.cutoff) if isinstance(self.cutoff, tuple) else self.cutoff,
            "werner_cutoff": self.werner_cutoff,
            "modes": self.modes,
            "distillation": list(self.distillation) if isinstance(self.distillation, tuple) else self.distillation,
        }


def round_time_s(length_km: float, local_time_s: float = 0.0) -> float:
    """Duration in s of one attempt round of a segment: the heralding time ``L0 / c`` plus a local time.

    The one place that converts rounds to seconds.

    Parameters
    ----------
    length_km : float
        Segment length ``L0`` in km, ``>= 0``.
    local_time_s : float, optional
        Local time per round (memory write, reset, detector dead time) in s, ``>= 0``. Default 0.

    Notes
    -----
    ``t_round = L0 / c + t_local`` with ``c = FIBRE_SPEED_KM_PER_S`` (2e5 km/s). A memory learns that its
    link exists only when the heralding signal has returned: for a midpoint Bell-state measurement the photon
    travels ``L0/2`` and the heralding message ``L0/2`` back, and for a midpoint source the photons travel
    ``L0/2`` and the station's detection message ``L0/2``; either way ``L0 / c`` (not ``L0 / 2c``).

    Examples
    --------
    >>> print(f"{round_time_s(50.0) * 1e6:.1f} us")
    250.0 us
    """
    length = check_nonnegative("length_km", length_km)
    local = check_nonnegative("local_time_s", local_time_s)
    return length / FIBRE_SPEED_KM_PER_S + local


__all__ = ["SCHEMES", "ProtocolSpec", "nesting_levels", "round_time_s"]
