"""The standard studies behind ``pqms report``: each computes one figure's data with the library.

Every study is a plain function ``study_<name>(quick, seed) -> Study`` that calls
the physics modules (no formula is re-derived here) and returns a frozen
:class:`Study` holding the exact parameters, the seeds, the library functions
used, a one-line caption, the table written as CSV and the arguments of the
plot function in :mod:`pqms_physics.plots`. ``quick=True`` keeps the physics
parameters and thins only the grids and the Monte Carlo sizes.

Seeds: a study that samples derives every seed it uses from the report's base
seed with :func:`derive_seed` (NumPy ``SeedSequence`` with a fixed spawn key per
study and run), so one base seed reproduces the whole report, and every derived
seed is written into the CSV next to the number it produced.
"""

from __future__ import annotations

from pqms_physics._provenance import derive_seed  # noqa: F401 (re-exported for the report's users)
from pqms_physics.report.studies_chains import (  # noqa: F401 (the parameters are part of this namespace)
    FIDELITY_DEPHASING,
    FIDELITY_NOISY_SWAP,
    FIDELITY_WERNER_LINKS,
    RATE_SEGMENTS,
    RATE_SOURCE,
    study_fidelity_vs_hops,
    study_rate_vs_distance,
)
from pqms_physics.report.studies_network import study_network
from pqms_physics.report.studies_protocols import study_cutoff_tradeoff, study_protocol_rates, study_waiting_time
from pqms_physics.report.studies_purification import study_purification
from pqms_physics.report.studies_statistics import (  # noqa: F401
    CHSH_LEVEL,
    CHSH_LINKS,
    CHSH_PAIRS,
    NCT_K_SIGMA,
    NCT_SENDER,
    NCT_THRESHOLD,
    study_chsh_vs_hops,
    study_nct_pool_bias,
)
from pqms_physics.report.study import (  # noqa: F401
    DEFAULT_SEED,
    STUDY_KEYS,
    Study,
    chsh_threshold_fidelity,
    log_grid,
)

#: The standard figures of the report, in order.
STUDIES = {
    "fidelity_vs_hops": study_fidelity_vs_hops,
    "rate_vs_distance": study_rate_vs_distance,
    "chsh_vs_hops": study_chsh_vs_hops,
    "nct_pool_bias": study_nct_pool_bias,
    "purification": study_purification,
    "network": study_network,
    "waiting_time": study_waiting_time,
    "cutoff_tradeoff": study_cutoff_tradeoff,
    "protocol_rates": study_protocol_rates,
}
