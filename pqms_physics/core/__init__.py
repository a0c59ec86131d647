"""Exact quantum objects: states, channels and the Bell-diagonal algebra.

* :mod:`~pqms_physics.core.states`: Bell, Werner and Bell-diagonal states, the squared fidelity;
* :mod:`~pqms_physics.core.channels`: the immutable :class:`~pqms_physics.core.channels.Channel` and the
  standard qubit noise;
* :mod:`~pqms_physics.core.bell_algebra`: closed forms on Bell-diagonal weights (swap, twirl, hashing).

Nothing here samples: Monte Carlo lives in :mod:`pqms_physics.kernels`.
"""
