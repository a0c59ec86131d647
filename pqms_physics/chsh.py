"""CHSH: exact correlators and values, optimal settings, finite-sample estimation with error bars.

The public face of three small modules:

* :mod:`pqms_physics.chsh_exact`: :func:`correlator`, :func:`chsh_value`
  (``S_max`` by the Horodecki criterion, or S for given settings),
  :func:`optimal_settings`, :func:`outcome_table`;
* :mod:`pqms_physics.chsh_estimate`: :func:`estimate_chsh` on the Monte Carlo
  kernel or the exact multinomial, returning a :class:`CHSHEstimate` with its
  error bar, p-value against ``S <= 2`` and confidence interval;
  :func:`pairs_for_violation`;
* :mod:`pqms_physics.chsh_links`: :func:`chsh_vs_hops` and
  :func:`chsh_vs_distance` (exact S of repeater-chain pairs, from
  :mod:`pqms_physics.chains`).

Conventions: qubit 0 (Alice) measures ``a0``/``a1``, qubit 1 (Bob)
``b0``/``b1``; a direction is an X-Z-plane angle (radians, 0 = +Z) or a unit
Bloch vector; setting index ``2*i + j`` (a0b0, a0b1, a1b0, a1b1); outcome index
``2*a + b`` with bit 0 the +1 eigenvalue; ``S = E00 + E01 + E10 - E11``.

Examples
--------
>>> from pqms_physics.states import werner_state
>>> rho = werner_state(0.9)                       # Werner parameter w = 13/15
>>> round(chsh_value(rho), 6)                     # 2 sqrt(2) w
2.451304
>>> est = estimate_chsh(rho, pairs=100_000, seed=3, sampler="multinomial")
>>> est.pairs, bool(est.p_value < 1e-10)
(100000, True)
"""

from .chsh_estimate import (SAMPLERS, SETTING_CHOICES, CHSHEstimate, ConfidenceInterval, estimate_chsh,
                            pairs_for_violation)
from .chsh_links import FIBRE_SPEED_KM_PER_S, CHSHvsDistance, CHSHvsHops, chsh_vs_distance, chsh_vs_hops
from .chsh_exact import (LOCAL_BOUND, SETTING_NAMES, STANDARD_ANGLES, TSIRELSON_BOUND, CHSHSettings,
                         chsh_value, correlation_matrix, correlator, optimal_settings, outcome_table)

__all__ = [
    "LOCAL_BOUND", "TSIRELSON_BOUND", "SETTING_NAMES", "STANDARD_ANGLES", "SAMPLERS", "SETTING_CHOICES",
    "CHSHSettings", "CHSHEstimate", "ConfidenceInterval", "correlation_matrix", "correlator", "chsh_value",
    "optimal_settings", "outcome_table", "estimate_chsh", "pairs_for_violation", "FIBRE_SPEED_KM_PER_S",
    "CHSHvsHops", "CHSHvsDistance", "chsh_vs_hops", "chsh_vs_distance",
]
