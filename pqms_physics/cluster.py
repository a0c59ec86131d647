"""dask.distributed, optional and in one place: importing it and connecting a client.

Sweeps, cutoff optimisation, many-topology network studies and sharded Monte Carlo runs all accept the same
``scheduler`` argument: a ``distributed.Client``, a scheduler address (``"tcp://host:8786"``) or
``"local-cluster"`` (a new ``LocalCluster`` on this machine). dask is an optional extra
(``pip install 'pqms_physics[dask]'``) and is imported only when a scheduler is given.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from typing import Any

#: How to get dask when it is missing.
DASK_HINT = "install the optional 'dask' extra: pip install 'pqms_physics[dask]'"
#: Seconds to wait for a dask scheduler to answer.
CONNECT_TIMEOUT_S: float = 10.0


def default_workers() -> int:
    """CPUs available to this process."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def import_distributed() -> Any:
    """``distributed``, or an ImportError naming the extra that installs it."""
    try:
        import distributed
    except ImportError as exc:
        raise ImportError(f"scheduler= needs dask.distributed, which is not installed; {DASK_HINT}") from exc
    return distributed


@contextlib.contextmanager
def dask_client(scheduler: Any, workers: int | None = None) -> Iterator[Any]:
    """A connected ``distributed.Client``: the one given, one on a new LocalCluster, or one on an address.

    Parameters
    ----------
    scheduler : distributed.Client, str
        A client (used as is, not closed), ``"local-cluster"`` or a scheduler address.
    workers : int, optional
        Worker processes of a new LocalCluster (default: the CPUs this process may use).

    Raises
    ------
    ImportError
        dask.distributed is not installed (the message names the extra).
    ConnectionError
        No scheduler answered at the address within :data:`CONNECT_TIMEOUT_S`.
    """
    distributed = import_distributed()
    if isinstance(scheduler, distributed.Client):
        yield scheduler
        return
    if scheduler == "local-cluster":
        n = workers or default_workers()
        with (
            distributed.LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.ERROR
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = distributed.Client(scheduler, timeout=f"{CONNECT_TIMEOUT_S}s")
    except (OSError, TimeoutError) as exc:
        raise ConnectionError(
            f"cannot reach the dask scheduler at {scheduler!r} within {CONNECT_TIMEOUT_S} s: {exc}"
        ) from exc
    with client:
        yield client


__all__ = ["DASK_HINT", "CONNECT_TIMEOUT_S", "default_workers", "import_distributed", "dask_client"]
