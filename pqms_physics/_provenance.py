"""Provenance: seed derivation and package versions, written next to every result (one helper each).

Seeds
    :func:`derive_seed` turns a base seed and an integer key path into an independent 64-bit seed with
    NumPy's ``SeedSequence(entropy=base, spawn_key=key)``. The report (one key per study and run), the sweeps
    (one key per grid point) and the protocol optimisers all derive their seeds here, so the same base seed
    gives the same numbers on any worker count or chunking.

Versions
    :func:`package_versions` records Python, the platform and the versions of the packages that produce a
    result (``"not installed"`` for an absent optional one), plus the Monte Carlo stream version.
"""

from __future__ import annotations

import platform
from collections.abc import Iterable

import numpy as np

from pqms_physics.errors import check_seed

#: Packages whose versions are recorded with every report, sweep and audit.
VERSIONED_PACKAGES: tuple[str, ...] = (
    "pqms_physics",
    "numpy",
    "scipy",
    "qutip",
    "numba",
    "matplotlib",
    "xarray",
    "h5netcdf",
    "networkx",
    "dask",
    "distributed",
    "click",
    "tqdm",
)


def derive_seed(base_seed: int, *key: int) -> int:
    """A 64-bit seed derived from `base_seed` and an integer key path (NumPy ``SeedSequence``).

    Parameters
    ----------
    base_seed : int
        In ``[0, 2**64 - 1]``.
    *key : int
        Non-negative integers: the spawn key (e.g. study number, run number).

    Returns
    -------
    int
        ``SeedSequence(entropy=base_seed, spawn_key=key).generate_state(1, uint64)[0]``.

    Examples
    --------
    >>> derive_seed(1, 2, 3) == derive_seed(1, 2, 3) != derive_seed(1, 2, 4)
    True
    """
    base = check_seed("seed", base_seed)
    ss = np.random.SeedSequence(base, spawn_key=tuple(int(k) for k in key))
    return int(ss.generate_state(1, dtype=np.uint64)[0])


def derive_seeds(base_seed: int, indices: Iterable[int]) -> np.ndarray:
    """:func:`derive_seed` ``(base_seed, i)`` for each index ``i``, as a uint64 array.

    Examples
    --------
    >>> s = derive_seeds(7, [0, 1, 0])
    >>> bool(s[0] == s[2]), bool(s[0] != s[1]), int(s[1]) == derive_seed(7, 1)
    (True, True, True)
    """
    idx = np.asarray(list(indices) if not isinstance(indices, np.ndarray) else indices, dtype=np.int64).ravel()
    return np.array([derive_seed(base_seed, int(i)) for i in idx], dtype=np.uint64)


def package_versions(packages: Iterable[str] = VERSIONED_PACKAGES) -> dict[str, str]:
    """Python, platform, package versions (``"not installed"`` when absent) and the kernel stream version.

    Examples
    --------
    >>> v = package_versions(["numpy"])
    >>> sorted(v) == ["kernel_stream", "numpy", "platform", "python"]
    True
    """
    from importlib import metadata

    out = {"python": platform.python_version(), "platform": platform.platform()}
    for name in packages:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    from pqms_physics.kernels.rng import STREAM_VERSION  # light: NumPy only

    out["kernel_stream"] = str(STREAM_VERSION)
    return out


__all__ = ["VERSIONED_PACKAGES", "derive_seed", "derive_seeds", "package_versions"]
