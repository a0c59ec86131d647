"""Monte Carlo kernels: sample pairs from exact outcome probabilities at scale, as counts.

The stream (:mod:`.rng`) is counter-based, so counts are identical for any thread count,
chunking, sharding and device ("cpu" Numba, "numpy" reference twin, optional "cuda").
Importing this package is light: Numba and numba-cuda load on first use of a device.

Modules: :mod:`.rng` (the stream), :mod:`._plan` (validation, packed plan), :mod:`._driver` (calls
and accumulation shared by devices), :mod:`.cpu` + :mod:`.simd` (Numba), :mod:`.cuda`,
:mod:`.reference` (NumPy twin), :mod:`.sample` (``sample_counts``), :mod:`.result`
(``SampleCounts``), :mod:`.shard` (one run over a dask.distributed cluster) and
:mod:`.multinomial` (the one exact multinomial sampler, O(1) in the number of pairs).

Examples
--------
>>> from pqms_physics.kernels import sample_counts
>>> res = sample_counts([[0.5, 0.5], [0.9, 0.1]], 10_000, seed=1, setting_choice="cyclic",
...                     device="numpy")
>>> res.counts.sum(axis=1).tolist()
[5000, 5000]
"""

from pqms_physics.kernels.cuda import CudaUnavailableError
from pqms_physics.kernels.reference import sample_counts_reference, sample_records
from pqms_physics.kernels.result import SampleCounts
from pqms_physics.kernels.rng import SETTING_CHOICES, STREAM_VERSION, stream_key, thresholds
from pqms_physics.kernels.sample import DEVICES, sample_counts

__all__ = [
    "CudaUnavailableError",
    "DEVICES",
    "SETTING_CHOICES",
    "STREAM_VERSION",
    "SampleCounts",
    "sample_counts",
    "sample_counts_reference",
    "sample_records",
    "stream_key",
    "thresholds",
]
