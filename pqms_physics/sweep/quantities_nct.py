"""The sweep quantity of the no-signalling statistics: a pool-bias experiment per point (randomised).

Registered in :mod:`pqms_physics.sweep.quantities` as ``pool_bias``; the physics is
:func:`pqms_physics.nct.pools.pool_bias_experiment`, imported when a point is evaluated.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from pqms_physics import conventions
from pqms_physics.sweep.spec import OutputSpec, ParameterSpec, Quantity, point_seeds

#: Samplers and bases of pqms_physics.nct.pools (repeated here so that the registry imports nothing heavy;
#: a test checks they agree).
POOL_SAMPLERS: tuple[str, ...] = conventions.SAMPLERS
POOL_BASES: tuple[str, ...] = ("z", "x", "y")


def _eval_pool_bias(
    values: Mapping[str, np.ndarray], point_index: np.ndarray, seed: int | None
) -> dict[str, np.ndarray]:
    """Per point: :func:`pqms_physics.nct.pool_bias_experiment` seeded by the point's own seed."""
    from pqms_physics.core.noise import dephasing
    from pqms_physics.core.states import werner_state
    from pqms_physics.nct import pool_bias_experiment

    n = point_index.shape[0]
    out = {name: np.empty(n) for name in ("delta_mu", "stderr", "z", "p_value", "expected_delta_mu")}
    ones = np.empty((n, 2), dtype=np.int64)
    for k, s in enumerate(point_seeds(seed, point_index)):
        r = pool_bias_experiment(
            int(values["pairs_per_pool"][k]),
            int(s),
            state=werner_state(float(values["state_fidelity"][k])),
            sender_channel=dephasing(float(values["sender_gamma_per_s"][k]), float(values["sender_t_s"][k])),
            basis=str(values["basis"][k]),
            sampler=str(values["sampler"][k]),
        )
        for name in out:
            out[name][k] = getattr(r, name)
        ones[k] = r.receiver_ones
    return {**out, "receiver_ones_0": ones[:, 0], "receiver_ones_1": ones[:, 1]}


POOL_BIAS = Quantity(
    name="pool_bias",
    description=(
        "Two-pool no-signalling test: receiver's mean-outcome difference between a pool whose sender "
        "qubits were dephased and an untouched pool, sampled from the exact joint distribution"
    ),
    parameters=(
        ParameterSpec("pairs_per_pool", "int", "1", "pairs N in each pool", low=1),
        ParameterSpec(
            "state_fidelity",
            "float",
            "1",
            "Werner fidelity of the shared pairs (1: Phi+)",
            low=0.0,
            high=1.0,
            required=False,
            default=1.0,
        ),
        ParameterSpec(
            "sender_gamma_per_s",
            "float",
            "s-1",
            "dephasing rate of the sender's operation on pool 1",
            low=0.0,
            required=False,
            default=0.0,
        ),
        ParameterSpec(
            "sender_t_s", "float", "s", "duration of the sender's dephasing", low=0.0, required=False, default=1.0
        ),
        ParameterSpec(
            "basis", "choice", "1", "measurement basis of both qubits", choices=POOL_BASES, required=False, default="z"
        ),
        ParameterSpec(
            "sampler",
            "choice",
            "1",
            "kernel: counter-based Monte Carlo kernels; multinomial: exact multinomial draw per pool",
            choices=POOL_SAMPLERS,
            required=False,
            default="kernel",
        ),
        ParameterSpec(
            "trial",
            "int",
            "1",
            "replicate index: each value is an independent experiment",
            low=0,
            required=False,
            default=0,
        ),
    ),
    outputs=(
        OutputSpec("delta_mu", "1", "receiver's mean difference mu_1 - mu_0 of the 0/1 outcomes"),
        OutputSpec("stderr", "1", "pooled standard error of delta_mu"),
        OutputSpec("z", "1", "delta_mu / stderr"),
        OutputSpec("p_value", "1", "two-sided p-value of 'no signal'"),
        OutputSpec("expected_delta_mu", "1", "exact P_1(b=1) - P_0(b=1) (0 for any local operation)"),
        OutputSpec("receiver_ones_0", "1", "receiver outcomes b = 1 in pool 0", dtype="int64"),
        OutputSpec("receiver_ones_1", "1", "receiver outcomes b = 1 in pool 1", dtype="int64"),
    ),
    evaluate=_eval_pool_bias,
    randomised=True,
    source="pqms_physics.nct",
    cost_per_point_s=1e-2,
)


__all__ = ["POOL_BIAS", "POOL_SAMPLERS", "POOL_BASES"]
