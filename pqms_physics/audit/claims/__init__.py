"""The computations behind the seed-claims audit, one function per kind of claim.

Each function takes the claim's ``parameters`` table (from ``seed_claims.toml``)
and an :class:`AuditContext` (seed, quick mode) and returns a :class:`Finding`:
the computed quantity, its uncertainty, a verdict and the evidence. The claimed
value is passed only to decide the verdict; no model parameter is derived from
it except where the claim itself asks "what would this need".

Verdicts
--------
``consistent``              the computed value agrees with the claim;
``inconsistent``            it does not;
``conditional``             it holds only under a stated requirement that the documents do not meet or state;
``not a physical quantity`` the claimed number is not a property of the physical system it is said to describe;
``not checked``             no evidence could be produced here (e.g. no synthesis report).
"""

from __future__ import annotations

from collections.abc import Callable

from pqms_physics.audit.claims.fidelity import (
    mesolve_snippet,
    pool_size_independence,
    storage_requirement,
    werner_chain,
)
from pqms_physics.audit.claims.hardware import rpu_resources
from pqms_physics.audit.claims.information import light_time, pool_channel_capacity
from pqms_physics.audit.claims.network import COMPUTATIONS_NETWORK
from pqms_physics.audit.claims.purification import purified_dephasing_chain, purified_werner_chain
from pqms_physics.audit.claims.repeater import chsh_after_swap, qber_chain
from pqms_physics.audit.claims.statistics import coin_demo, fixed_threshold, pool_bias_snr
from pqms_physics.audit.findings import AuditContext, Finding
from pqms_physics.audit.verdict import VERDICTS

#: ``compute`` name in seed_claims.toml -> the computation.
COMPUTATIONS: dict[str, Callable[[dict, float, AuditContext], Finding]] = {
    "mesolve_snippet": mesolve_snippet,
    "werner_chain": werner_chain,
    "pool_size_independence": pool_size_independence,
    "storage_requirement": storage_requirement,
    "fixed_threshold": fixed_threshold,
    "pool_bias_snr": pool_bias_snr,
    "coin_demo": coin_demo,
    "chsh_after_swap": chsh_after_swap,
    "qber_chain": qber_chain,
    "light_time": light_time,
    "pool_channel_capacity": pool_channel_capacity,
    "rpu_resources": rpu_resources,
    **COMPUTATIONS_NETWORK,  # swarm_fidelity, swarm_qber, swarm_capacity, swarm_latency
    "purified_werner_chain": purified_werner_chain,  # issue 13: what purification takes (hops10_per_hop)
    "purified_dephasing_chain": purified_dephasing_chain,  # issue 13: the same for hops10
}

__all__ = ["COMPUTATIONS", "VERDICTS", "AuditContext", "Finding"]
