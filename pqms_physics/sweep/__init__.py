"""Parameter sweeps: a TOML file in, an xarray/netCDF data set out.

* :mod:`~pqms_physics.sweep.config` and :mod:`~pqms_physics.sweep.spec` read and validate the TOML;
* :mod:`~pqms_physics.sweep.quantities` is the registry of quantities a sweep can compute;
* :mod:`~pqms_physics.sweep.executors` runs chunks on a local process pool or dask.distributed;
* :mod:`~pqms_physics.sweep.checkpoint` makes a killed sweep resume without recomputing finished chunks;
* :mod:`~pqms_physics.sweep.engine` ties them together in :func:`run_sweep`.
"""

from pqms_physics.sweep.checkpoint import CheckpointError, read_checkpoint_log
from pqms_physics.sweep.config import SweepConfig, SweepConfigError, load_config, parse_config
from pqms_physics.sweep.engine import run_sweep

__all__ = [
    "run_sweep",
    "load_config",
    "parse_config",
    "SweepConfig",
    "SweepConfigError",
    "CheckpointError",
    "read_checkpoint_log",
]
