"""Exact quantum objects: states, channels and the Bell-diagonal algebra.

* :mod:`~pqms_physics.core.states`: Bell, Werner and Bell-diagonal states, the squared fidelity;
* :mod:`~pqms_physics.core.channels`: the immutable :class:`~pqms_physics.core.channels.Channel` (its composition
  rules: ``@``, ``&``, ``.on``, preparations, maps that consume qubits);
* :mod:`~pqms_physics.core.noise`: the standard qubit noise (dephasing, amplitude damping, depolarizing, Pauli,
  Lindblad) as channel factories;
* :mod:`~pqms_physics.core.reps`: Kraus, superoperator and Choi conversions on arrays (the one vectorisation
  convention, column stacking);
* :mod:`~pqms_physics.core.instrument`: outcome-conditioned maps of a measurement (:class:`Instrument`);
* :mod:`~pqms_physics.core.bell_algebra`: closed forms on Bell-diagonal weights (swap, twirl, hashing).

Nothing here samples: Monte Carlo lives in :mod:`pqms_physics.kernels`.
"""
