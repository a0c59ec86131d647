"""Result types of the purification module: small frozen dataclasses with ``to_dict()`` (JSON-ready)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np


def _jsonable(value: Any) -> Any:
    """Numbers, arrays and Qobjs as JSON-ready Python objects (complex matrices as ``{"re", "im"}``)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "full") and hasattr(value, "dims"):  # qutip.Qobj, without importing QuTiP here
        mat = value.full()
        return {"re": mat.real.tolist(), "im": mat.imag.tolist(), "dims": value.dims}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    arr = np.asarray(value)
    if np.iscomplexobj(arr):
        return {"re": arr.real.tolist(), "im": arr.imag.tolist()}
    if arr.ndim == 0:
        return _jsonable(arr.item())
    return np.where(np.isfinite(arr), arr, np.nan).tolist()


@dataclass(frozen=True)
class PurificationResult:
    """Outcome of one purification step (DEJMPS or BBPSSW), averaged over the kept measurement outcomes.

    Attributes
    ----------
    protocol : str
        ``"dejmps"`` or ``"bbpssw"``.
    fidelity : float or ndarray
        Fidelity of the kept pair to ``|Phi+>`` given success (shape of the batch for weight inputs).
    success_probability : float or ndarray
        Probability in (0, 1] that the two reported bits agree (the pair is kept).
    weights : ndarray or None
        Bell weights (``..., 4``, order phi+, psi+, psi-, phi-) of the kept pair, for weight / Werner inputs.
    state : qutip.Qobj or None
        Density matrix of the kept pair, for ``qutip.Qobj`` inputs.
    gate_fidelity, measurement_fidelity : float
        ``p2`` and ``eta`` of the Duer et al. (1999) noise model.
    inputs : dict
        The two input pairs as given (weights, fidelities or states).
    """

    protocol: str
    fidelity: Any
    success_probability: Any
    weights: Any = None
    state: Any = None
    gate_fidelity: float = 1.0
    measurement_fidelity: float = 1.0
    inputs: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary of every field (arrays as lists, states as real/imaginary parts)."""
        return {
            k: _jsonable(getattr(self, k))
            for k in (
                "protocol",
                "fidelity",
                "success_probability",
                "weights",
                "state",
                "gate_fidelity",
                "measurement_fidelity",
                "inputs",
            )
        }


@dataclass(frozen=True)
class FixedPoints:
    """Fixed points of the recurrence with identical copies (unpacks as ``f_min, f_max``).

    Attributes
    ----------
    protocol : str
        ``"dejmps"`` or ``"bbpssw"``.
    f_min : float
        Smallest Werner input fidelity that the recurrence drives up to ``f_max`` (the unstable fixed point);
        ``nan`` when nothing can be purified.
    f_max : float
        Largest fidelity the recurrence reaches (the stable fixed point); ``nan`` when nothing can be purified.
    gate_fidelity, measurement_fidelity : float
        ``p2`` and ``eta``.
    weights_max : tuple of float
        Bell weights of the stable fixed point (Werner for BBPSSW); ``nan`` entries when there is none.
    """

    protocol: str
    f_min: float
    f_max: float
    gate_fidelity: float
    measurement_fidelity: float
    weights_max: tuple[float, ...] = (math.nan,) * 4

    @property
    def purifiable(self) -> bool:
        """Whether some input can be purified at all (``f_min < f_max``)."""
        return bool(math.isfinite(self.f_max) and math.isfinite(self.f_min) and self.f_min < self.f_max)

    def __iter__(self) -> Iterator[float]:
        return iter((self.f_min, self.f_max))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (``nan`` as ``None``)."""
        return {
            "protocol": self.protocol,
            "f_min": _jsonable(self.f_min),
            "f_max": _jsonable(self.f_max),
            "gate_fidelity": self.gate_fidelity,
            "measurement_fidelity": self.measurement_fidelity,
            "weights_max": _jsonable(list(self.weights_max)),
            "purifiable": self.purifiable,
        }
