"""A sweep-engine diagnostic without physics, for the sweep tests only (not in the production registry).

Sweep configs name it as ``quantity = "sweep_probe:SWEEP_PROBE"`` (the engine's ``module:ATTRIBUTE`` form for
user-defined quantities); tests/conftest.py puts this folder on ``sys.path`` and PYTHONPATH so that worker
processes and subprocesses import it the same way.
"""

import time

import numpy as np

from pqms_physics.sweep.spec import OutputSpec, ParameterSpec, Quantity, point_seeds

NAME = "sweep_probe:SWEEP_PROBE"


def _eval_sweep_probe(values, point_index, seed):
    """Echo the coordinates and the point index, draw one uniform per point; sleep once per chunk."""
    delay = float(np.max(values["delay_s"])) if values["delay_s"].size else 0.0
    if delay > 0:
        time.sleep(delay)
    uniforms = np.array([np.random.default_rng(int(s)).random() for s in point_seeds(seed, point_index)])
    return {
        "x_echo": np.asarray(values["x"], dtype=np.float64),
        "n_echo": np.asarray(values["n"], dtype=np.int64),
        "point_index": np.asarray(point_index, dtype=np.int64),
        "uniform": uniforms,
    }


SWEEP_PROBE = Quantity(
    name=NAME,
    description=(
        "Engine diagnostic without physics: echoes its coordinates and the flat point index and draws "
        "one uniform number per point from the per-point seed; sleeps delay_s once per chunk"
    ),
    parameters=(
        ParameterSpec("x", "float", "1", "any finite real, echoed"),
        ParameterSpec("n", "int", "1", "any integer >= 0, echoed", low=0, required=False, default=0),
        ParameterSpec(
            "delay_s",
            "float",
            "s",
            "sleep once per chunk (to test checkpoints and schedulers)",
            low=0.0,
            high=60.0,
            required=False,
            default=0.0,
            sweepable=False,
        ),
    ),
    outputs=(
        OutputSpec("x_echo", "1", "the x coordinate of the point"),
        OutputSpec("n_echo", "1", "the n coordinate of the point", dtype="int64"),
        OutputSpec("point_index", "1", "flat C-order index of the point in the sweep grid", dtype="int64"),
        OutputSpec("uniform", "1", "U(0, 1) draw from numpy default_rng(point seed)"),
    ),
    evaluate=_eval_sweep_probe,
    randomised=True,
    source="tests/helpers/sweep_probe.py",
    cost_per_point_s=1e-5,
)
