"""Entanglement purification (DEJMPS, BBPSSW), pumping, fixed points and nested repeaters with purification.

* :mod:`~.protocols`: :func:`dejmps`, :func:`bbpssw` (Bell weights / Werner fidelities or ``qutip.Qobj``);
* :mod:`~.bell_diagonal`: the closed-form maps on Bell weights (vectorised kernels);
* :mod:`~.general`: the same step for any two-qubit states, compiled from an explicit four-qubit circuit;
* :mod:`~.pumping`: recurrence with identical copies and entanglement pumping, with expected raw pairs;
* :mod:`~.fixed_point`: :func:`purification_fixed_point` (``F_min``, ``F_max`` for given ``p2``, ``eta``);
* :mod:`~.nested`: :func:`nested_repeater` (Briegel-Duer-Cirac-Zoller nesting: purify, then swap);
* :mod:`~.target`: :func:`purification_target` (cheapest link fidelity and rounds per level for a target);
* :mod:`~.unit`: :func:`bbpssw_werner_coefficients`, the noisy distillation unit's interface for the time engine
  of :mod:`pqms_physics.network.protocols`.

Conventions: target ``|Phi+>``, Bell weights in the order phi+, psi+, psi-, phi- (last axis), qubit 0 the
leftmost factor, pair 1 kept and pair 2 measured; noise of Duer et al. (1999): ``gate_fidelity`` ``p2``
(two-qubit depolarising after each CNOT), ``measurement_fidelity`` ``eta`` (each bit right with probability
``eta``).

Examples
--------
>>> from pqms_physics.network.purification import bbpssw
>>> print(f"{bbpssw(0.75).fidelity:.6f}")
0.788462
"""

from pqms_physics._lazy import lazy_exports

_EXPORTS = {
    "PurificationResult": "result",
    "FixedPoints": "result",
    "dejmps": "protocols",
    "bbpssw": "protocols",
    "purification_fixed_point": "fixed_point",
    "recurrence": "pumping",
    "entanglement_pumping": "pumping",
    "PurificationSchedule": "pumping",
    "nested_repeater": "nested",
    "NestedRepeaterResult": "nested",
    "resource_scaling": "nested",
    "purification_target": "target",
    "TargetResult": "target",
    "DistilCoefficients": "unit",
    "bbpssw_werner_coefficients": "unit",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
