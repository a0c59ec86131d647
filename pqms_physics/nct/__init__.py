"""No-communication (NCT) validation: exact signalling distance, pool-bias experiments, detection power.

Three questions, three tools:

* **Exactly**, can any of a set of operations change what the receiver sees?
  :func:`signalling_distance` (trace distance between the receiver's reduced
  states; 0 to machine precision for operations local to the other subsystems).
* **At the scale a claim is made**, does a Monte Carlo experiment of the
  two-pool protocol show a bias? :func:`pool_bias_experiment` (joint outcomes
  sampled from the exact distribution; see :mod:`pqms_physics.nct.pools`) and
  :func:`signalling_trial` (bits through the protocol, RPU-style decisions and
  vetoes; :mod:`pqms_physics.nct.trial`).
* **What would a claimed signal need** to be seen? :func:`detectable_bias`,
  :func:`pairs_needed` and :func:`threshold_pass_probability`
  (:mod:`pqms_physics.nct.power`, which also defines the z-score once).

Examples
--------
>>> import qutip as qt
>>> from pqms_physics.nct import signalling_distance
>>> from pqms_physics.core.channels import Channel
>>> from pqms_physics.core.noise import dephasing
>>> from pqms_physics.core.states import bell_state
>>> signalling_distance(bell_state("phi+"), [dephasing(0.05, 1.0).on(0, 2)], receiver=1) < 1e-12
True
>>> cnot = Channel.from_unitary(qt.Qobj([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]],
...                                     dims=[[2, 2], [2, 2]]))
>>> plus_zero = qt.tensor((qt.basis(2, 0) + qt.basis(2, 1)).unit(), qt.basis(2, 0))
>>> round(signalling_distance(plus_zero, [cnot], receiver=1), 12)  # |0><0| vs I/2
0.5
"""

from pqms_physics._lazy import lazy_exports

_EXPORTS = {
    "signalling_distance": "distance",
    "trace_distance": "distance",
    "pool_bias_experiment": "pools",
    "PoolBiasResult": "result",
    "pool_probabilities": "pools",
    "joint_outcome_probabilities": "pools",
    "SAMPLERS": "pools",
    "BASES": "pools",
    "POOL_SETTING_CHOICE": "pools",
    "signalling_trial": "trial",
    "SignallingTrialResult": "trial",
    "detectable_bias": "power",
    "pairs_needed": "power",
    "no_signalling_stderr": "power",
    "threshold_pass_probability": "power",
    "ThresholdPassResult": "power",
    "pool_z": "power",
    "PoolZ": "power",
    "binomial_ci": "power",
    "confidence_to_z": "power",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
