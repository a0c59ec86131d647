"""CHSH: exact correlators and values, optimal settings, finite-sample estimation with error bars.

The public face of five small modules:

* :mod:`pqms_physics.chsh.exact`: :func:`correlator`, :func:`chsh_value`
  (``S_max`` by the Horodecki criterion, or S for given settings),
  :func:`optimal_settings`, :func:`outcome_table`;
* :mod:`pqms_physics.chsh.estimate`: :func:`estimate_chsh` on the Monte Carlo
  kernel or the exact multinomial, returning a :class:`CHSHEstimate` with its
  error bar, p-value against ``S <= 2`` and confidence interval;
  :func:`pairs_for_violation`;
* :mod:`pqms_physics.chsh.settings`: :class:`CHSHSettings` (directions a0, a1, b0, b1)
  and the optimal settings of a correlation matrix;
* :mod:`pqms_physics.chsh.measurement`: :func:`measurement_channel` and
  :func:`chsh_measurement_channel`, the detectors as channels to a classical
  register, read by :func:`register_table` (the table the samplers consume);
* :mod:`pqms_physics.chsh.links`: :func:`chsh_vs_hops` and
  :func:`chsh_vs_distance` (exact S of repeater-chain pairs, from
  :mod:`pqms_physics.network.chains`).

Conventions: qubit 0 (Alice) measures ``a0``/``a1``, qubit 1 (Bob)
``b0``/``b1``; a direction is an X-Z-plane angle (radians, 0 = +Z) or a unit
Bloch vector; setting index ``2*i + j`` (a0b0, a0b1, a1b0, a1b1); outcome index
``2*a + b`` with bit 0 the +1 eigenvalue; ``S = E00 + E01 + E10 - E11``.

Examples
--------
>>> from pqms_physics.chsh import chsh_value, estimate_chsh
>>> from pqms_physics.core.states import werner_state
>>> rho = werner_state(0.9)                       # Werner parameter w = 13/15
>>> round(chsh_value(rho), 6)                     # 2 sqrt(2) w
2.451304
>>> est = estimate_chsh(rho, pairs=100_000, seed=3, sampler="multinomial")
>>> est.pairs, bool(est.p_value < 1e-10)
(100000, True)
"""

from pqms_physics._lazy import lazy_exports

_EXPORTS = {
    "SAMPLERS": "estimate",
    "SETTING_CHOICES": "estimate",
    "CHSHEstimate": "estimate",
    "ConfidenceInterval": "estimate",
    "estimate_chsh": "estimate",
    "pairs_for_violation": "estimate",
    "FIBRE_SPEED_KM_PER_S": "links",  # defined in pqms_physics.conventions
    "CHSHvsDistance": "links",
    "CHSHvsHops": "links",
    "chsh_vs_distance": "links",
    "chsh_vs_hops": "links",
    "LOCAL_BOUND": "exact",
    "SETTING_NAMES": "settings",
    "STANDARD_ANGLES": "settings",
    "TSIRELSON_BOUND": "exact",
    "CHSHSettings": "settings",
    "chsh_value": "exact",
    "correlation_matrix": "exact",
    "correlator": "exact",
    "optimal_settings": "exact",
    "outcome_table": "exact",
    "measurement_channel": "measurement",
    "settings_measurement_channel": "measurement",
    "chsh_measurement_channel": "measurement",
    "register_table": "measurement",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
