"""pqms_physics: physics-first quantum channel modelling.

Repeater chains (fidelity versus hop count, rate versus distance), CHSH
estimation and no-signalling (NCT) audits, built from composable QuTiP
channels and streaming Monte Carlo kernels.

The public API is re-exported here lazily: ``import pqms_physics`` loads
nothing heavy (QuTiP, Numba and matplotlib load on first use of a name that
needs them). Conventions (qubit order, squared fidelity, units) are stated in
:mod:`pqms_physics.conventions`.

Examples
--------
>>> import qutip as qt, pqms_physics as pq
>>> rho = qt.ket2dm(pq.bell_state("phi+"))
>>> noisy = pq.dephasing(gamma_per_s=0.05, t_s=1.0).on(0, n=2)(rho)
>>> round(pq.fidelity(noisy, pq.bell_state("phi+")), 6)
0.952419
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> submodule that defines it
_EXPORTS: dict[str, str] = {
    # states
    "bell_state": "states",
    "werner_state": "states",
    "bell_diagonal_state": "states",
    "fidelity": "states",
    # channels
    "Channel": "channels",
    "dephasing": "channels",
    "amplitude_damping": "channels",
    "depolarizing": "channels",
    "pauli_channel": "channels",
    "lindblad_channel": "channels",
    # errors
    "PQMSValueError": "errors",
    "DimensionError": "errors",
    "NotCPTPError": "errors",
    # sources, swapping, chains, bounds
    "spdc_pair_state": "sources",
    "SPDCSource": "sources",
    "swap": "swapping",
    "fidelity_vs_hops": "chains",
    "chain_state": "chains",
    "werner_chain_fidelity": "chains",
    "fiber_transmissivity": "bounds",
    "plob_bound": "bounds",
    "tgw_bound": "bounds",
    "dephasing_capacity": "bounds",
    "expected_attempts": "bounds",
    "entanglement_rate": "bounds",
    "EntanglementRate": "bounds",
    # CHSH
    "correlator": "chsh",
    "chsh_value": "chsh",
    "optimal_settings": "chsh",
    "estimate_chsh": "chsh",
    "chsh_vs_hops": "chsh",
    "chsh_vs_distance": "chsh",
    "CHSHEstimate": "chsh",
    "CHSHSettings": "chsh",
    "outcome_table": "chsh",
    "pairs_for_violation": "chsh",
    # NCT
    "signalling_distance": "nct",
    "pool_bias_experiment": "nct",
    "signalling_trial": "nct",
    "detectable_bias": "nct",
    "pairs_needed": "nct",
    "PoolBiasResult": "nct",
    "SignallingTrialResult": "nct",
    "threshold_pass_probability": "nct",
    "no_signalling_stderr": "nct",
    # RPU golden model and FPGA vectors
    "RPUConfig": "rpu",
    "run_rpu": "rpu",
    "write_fpga_vectors": "fpga_vectors",
    # kernels
    "sample_counts": "kernels",
    "SampleCounts": "kernels",
    # sweeps
    "run_sweep": "sweep",
    "load_config": "sweep",
    # report
    "run_report": "report",
    # audit
    "run_audit": "audit",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pqms_physics' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"pqms_physics.{module}"), name)
    globals()[name] = value  # cache: later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))

