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

from pqms_physics import _moved
from pqms_physics._lazy import lazy_exports
from pqms_physics._version import __version__

_moved.install()  # old 0.1 module paths import with a DeprecationWarning for one release

# public name -> submodule that defines it
_EXPORTS: dict[str, str] = {
    # states
    "bell_state": "core.states",
    "werner_state": "core.states",
    "bell_diagonal_state": "core.states",
    "fidelity": "core.states",
    # channels
    "Channel": "core.channels",
    "dephasing": "core.noise",
    "amplitude_damping": "core.noise",
    "depolarizing": "core.noise",
    "pauli_channel": "core.noise",
    "lindblad_channel": "core.noise",
    # errors
    "PQMSValueError": "errors",
    "DimensionError": "errors",
    "NotCPTPError": "errors",
    # sources, swapping, chains, bounds
    "spdc_pair_state": "network.sources",
    "SPDCSource": "network.sources",
    "spdc_qber": "network.sources",
    "swap": "network.swapping",
    "fidelity_vs_hops": "network.chains",
    "chain_state": "network.chains",
    "werner_chain_fidelity": "network.chains",
    "fiber_transmissivity": "network.bounds",
    "plob_bound": "network.bounds",
    "tgw_bound": "network.bounds",
    "dephasing_capacity": "network.bounds",
    "expected_attempts": "network.bounds",
    "entanglement_rate": "network.bounds",
    "EntanglementRate": "network.bounds",
    # repeater protocols in time: waiting times, memories, cutoffs, key rates (issue 12)
    "repeater_protocol": "network.protocols.api",
    "ProtocolSpec": "network.protocols.spec",
    "ProtocolResult": "network.protocols.result",
    "round_time_s": "network.protocols.spec",
    "secret_key_fraction": "network.protocols.result",
    "optimize_cutoffs": "network.protocols.optimize",
    "protocol_rate": "network.protocols.rates",
    "ProtocolRate": "network.protocols.rates",
    "CutoffOptimum": "network.protocols.optimize",
    # purification and nested repeaters with purification (issue 13)
    "dejmps": "network.purification",
    "bbpssw": "network.purification",
    "purification_fixed_point": "network.purification",
    "PurificationResult": "network.purification",
    "FixedPoints": "network.purification",
    "recurrence": "network.purification",
    "entanglement_pumping": "network.purification",
    "PurificationSchedule": "network.purification",
    "nested_repeater": "network.purification",
    "NestedRepeaterResult": "network.purification",
    "resource_scaling": "network.purification",
    "purification_target": "network.purification",
    "TargetResult": "network.purification",
    # state diagnostics and tomography from counts (issue 13)
    "concurrence": "core.diagnostics",
    "negativity": "core.diagnostics",
    "log_negativity": "core.diagnostics",
    "coherent_information": "core.diagnostics",
    "hashing_yield": "core.diagnostics",
    "bell_diagonal_weights": "core.diagnostics",
    "werner_parameter": "core.diagnostics",
    "fidelity_from_correlators": "tomography.correlators",
    "CorrelatorFidelity": "tomography.correlators",
    "pauli_outcome_table": "tomography.pauli",
    "linear_inversion": "tomography.inversion",
    "LinearInversionResult": "tomography.inversion",
    "maximum_likelihood_state": "tomography.mle",
    "MLEResult": "tomography.mle",
    "bootstrap_tomography": "tomography.bootstrap",
    "BootstrapResult": "tomography.bootstrap",
    # building blocks as channels: swapping, sources, measurements (issue 17)
    "swap_channel": "network.swap_channel",
    "swap_instrument": "network.swap_channel",
    "pair_source": "network.preparation",
    "spdc_source": "network.preparation",
    "prepare": "network.preparation",
    "measurement_channel": "chsh.measurement",
    "settings_measurement_channel": "chsh.measurement",
    "chsh_measurement_channel": "chsh.measurement",
    "register_table": "chsh.measurement",
    "Instrument": "core.instrument",
    # networks on graphs: topologies, capacities, routing, demand (issue 14)
    "network_capacity": "network.graphs.capacity",
    "capacity_matrix": "network.graphs.all_pairs",
    "single_source_capacity": "network.graphs.capacity",
    "NetworkCapacity": "network.graphs.capacity",
    "CapacityMatrix": "network.graphs.all_pairs",
    "validate_network": "network.graphs.model",
    "NetworkModel": "network.graphs.model",
    "chain_network": "network.graphs.topologies",
    "ring_network": "network.graphs.topologies",
    "grid_network": "network.graphs.topologies",
    "star_network": "network.graphs.topologies",
    "random_geometric_network": "network.graphs.topologies",
    "waxman_network": "network.graphs.topologies",
    "hierarchical_network": "network.graphs.topologies",
    "build_topology": "network.graphs.topologies",
    "best_path": "network.graphs.routing",
    "evaluate_route": "network.graphs.routing",
    "k_shortest_paths": "network.graphs.routing",
    "route_tradeoff": "network.graphs.routing",
    "Route": "network.graphs.routing",
    "RouteTradeoff": "network.graphs.routing",
    "serve_demands": "network.graphs.demand",
    "Demand": "network.graphs.demand",
    "DemandResult": "network.graphs.demand",
    "capacity_matrices": "network.graphs.distributed",
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
    "RPUConfig": "rpu.model",
    "run_rpu": "rpu.model",
    "write_fpga_vectors": "rpu.vectors",
    # kernels
    "sample_counts": "kernels",
    "SampleCounts": "kernels",
    "sample_counts_sharded": "kernels.shard",
    "pool_bias_sharded": "nct.sharded",
    # sweeps
    "run_sweep": "sweep.engine",
    "load_config": "sweep.engine",
    # report
    "run_report": "report.runner",
    # audit
    "run_audit": "audit.runner",
}

__all__ = sorted(_EXPORTS) + ["__version__"]

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
