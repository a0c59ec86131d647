"""Two-qubit state diagnostics from measured counts: Phi+ fidelity from correlators, Pauli-basis tomography.

The public face of small modules (loaded on first use):

* :mod:`pqms_physics.tomography.correlators`: :func:`fidelity_from_correlators` (``F = (1 + <XX> - <YY> +
  <ZZ>)/4`` with a confidence interval);
* :mod:`pqms_physics.tomography.pauli`: the count-table layout (9 settings ``xx .. zz`` x 4 outcomes ``2a + b``)
  and :func:`pauli_outcome_table` (exact probabilities, ready for :func:`pqms_physics.kernels.sample_counts`);
* :mod:`pqms_physics.tomography.inversion`: :func:`linear_inversion`;
* :mod:`pqms_physics.tomography.mle`: :func:`maximum_likelihood_state` (a physical state);
* :mod:`pqms_physics.tomography.bootstrap`: :func:`bootstrap_tomography` (confidence intervals on fidelity and
  concurrence, resamples batched).

Examples
--------
>>> from pqms_physics.core.states import werner_state
>>> from pqms_physics.tomography import maximum_likelihood_state, pauli_outcome_table
>>> table = pauli_outcome_table(werner_state(0.9))
>>> print(f"{maximum_likelihood_state(10_000 * table).fidelity:.4f}")
0.9000
"""

from pqms_physics._lazy import lazy_exports

_EXPORTS = {
    "CorrelatorFidelity": "correlators",
    "fidelity_from_correlators": "correlators",
    "SETTING_NAMES": "pauli",
    "pauli_outcome_table": "pauli",
    "LinearInversionResult": "inversion",
    "linear_inversion": "inversion",
    "MLEResult": "mle",
    "maximum_likelihood_state": "mle",
    "BootstrapResult": "bootstrap",
    "bootstrap_tomography": "bootstrap",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
