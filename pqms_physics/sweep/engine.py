"""Parameter sweeps: a TOML config evaluated chunk by chunk into an xarray Dataset written as netCDF.

A sweep names a registered quantity (:mod:`pqms_physics.sweep.quantities`) and
the values of its parameters (:mod:`pqms_physics.sweep.config`, where the TOML
format is documented with a full example). :func:`run_sweep` evaluates the
Cartesian product of the swept values in chunks of ``chunk_points`` points,

* locally by default: in this process (``workers=1``) or in a
  ``ProcessPoolExecutor`` ("spawn" start method; by default one worker per
  available CPU when the work is large enough to pay for starting them, see
  ``run_sweep``); no server is needed;
* on **dask.distributed** with ``scheduler="tcp://HOST:PORT"`` (an existing
  cluster, the way beyond one machine) or ``scheduler="local-cluster"`` (a
  ``LocalCluster`` with ``workers`` single-threaded worker processes). This
  needs the optional ``dask`` extra (``pip install 'pqms_physics[dask]'``).

Every point's result is a pure function of the configuration and the point's
flat index (randomised quantities seed each point from the sweep seed and that
index), so the serial, pool and dask executors give identical numbers.

Checkpoint and resume
    Completed chunks are written as they finish to ``OUT.chunks/`` next to the
    output ``OUT`` (layout in :mod:`pqms_physics.sweep.checkpoint`): a manifest
    holding the config hash and one file per chunk, each written to a temporary
    name, fsync'ed and renamed, so a chunk file is either complete or absent;
    ``log.jsonl`` records which run computed which chunk. Re-running the
    same command after a crash (even SIGKILL) loads the finished chunks and
    computes only the rest. A checkpoint or output of a *different*
    configuration (different config hash) is never resumed into: the run stops
    with a message saying what to delete or to choose another ``out_path``.
    When the netCDF file is written the checkpoint directory is removed; running
    the same command again returns the existing output without computing.
    Two runs must not write the same ``OUT`` at the same time (no lock is taken).

Output
    One dimension per swept parameter (in config order), coordinates with
    ``units`` and ``long_name`` attributes, one data variable per output of the
    quantity; global attributes hold the config TOML text, its hash, the
    resolved config (JSON), fixed values, seed, chunking, executor, package
    versions and the creation time (netCDF via ``engine="h5netcdf"``).

Examples
--------
>>> import pathlib, tempfile
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "deph.toml").write_text('''
... [sweep]
... quantity = "dephasing_fidelity"
... [parameters]
... gamma_per_s = [0.0, 0.5]
... t_s = [1.0]
... ''')
>>> ds = run_sweep(d / "deph.toml", workers=1, progress=False)
>>> [round(float(v), 6) for v in ds.fidelity.sel(t_s=1.0)]  # (1 + exp(-2 gamma t))/2
[1.0, 0.68394]
>>> (d / "deph.nc").exists(), (d / "deph.nc.chunks").exists()
(True, False)
>>> import shutil; shutil.rmtree(d)
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pqms_physics import __version__
from pqms_physics._provenance import package_versions
from pqms_physics.cluster import dask_client, default_workers, import_distributed
from pqms_physics.errors import PQMSValueError, check_int
from pqms_physics.progress import ProgressArg, progress_bar
from pqms_physics.sweep.checkpoint import CHECKPOINT_FORMAT, Checkpoint, CheckpointError, read_checkpoint_log, utc_now
from pqms_physics.sweep.config import SweepConfig, SweepConfigError, load_config, parse_config
from pqms_physics.sweep.executors import make_tasks, run_dask, run_pool, run_serial

if TYPE_CHECKING:
    import xarray as xr
    from distributed import Client

log = logging.getLogger(__name__)

#: With workers=None, a local process pool is started only when the estimated serial work
#: (points x the quantity's cost_per_point_s) reaches this many seconds: spawning workers that
#: import NumPy and QuTiP costs a few seconds, more than a small or vectorised sweep takes in-process.
POOL_MIN_WORK_S: float = 5.0


# ------------------------------------------------------------------ helpers
def _validate_scheduler(scheduler: str | Client | None) -> None:
    if scheduler is None or scheduler == "local-cluster":
        return
    if isinstance(scheduler, str):
        if scheduler.startswith(("tcp://", "tls://")) and len(scheduler) > 6:
            return
        raise PQMSValueError(
            f"scheduler must be None (local process pool), 'local-cluster' or a dask "
            f"address 'tcp://HOST:PORT' / 'tls://HOST:PORT', got {scheduler!r}"
        )
    distributed = import_distributed()
    if not isinstance(scheduler, distributed.Client):
        raise PQMSValueError(f"scheduler must be None, a str or a distributed.Client, got {type(scheduler).__name__}")


def _output_hash(path: Path) -> str:
    """The config hash stored in an existing output, or raise if it is not a sweep output."""
    import h5py

    try:
        with h5py.File(path, "r") as fh:
            value = fh.attrs.get("config_hash")
    except OSError as exc:
        raise CheckpointError(
            f"out_path {str(path)!r} exists and is not a netCDF sweep output ({exc}); "
            f"delete it or choose another out_path (--out)"
        ) from None
    if value is None:
        raise CheckpointError(
            f"out_path {str(path)!r} exists and is not a pqms_physics sweep output; "
            f"delete it or choose another out_path (--out)"
        )
    return value.decode() if isinstance(value, bytes) else str(value)


def _attr(value: Any) -> Any:
    return ("true" if value else "false") if isinstance(value, (bool, np.bool_)) else value


def _assemble(cfg: SweepConfig, flat: dict[str, np.ndarray], info: dict[str, Any]):
    import xarray as xr

    spec = cfg.spec
    coords = {
        name: (name, values, {"units": spec.parameter(name).units, "long_name": spec.parameter(name).description})
        for name, values in cfg.coords().items()
    }
    data_vars = {
        o.name: (cfg.dims, flat[o.name].reshape(cfg.shape), {"units": o.units, "long_name": o.description})
        for o in spec.outputs
    }
    attrs = {
        "title": f"pqms_physics sweep of {cfg.quantity}",
        "quantity": cfg.quantity,
        "quantity_description": spec.description,
        "quantity_source": spec.source,
        "description": cfg.description,
        "config_hash": cfg.config_hash,
        "config_toml": cfg.toml_text,
        "config_resolved": json.dumps(cfg.canonical()),
        "config_source": cfg.source,
        "n_points": cfg.n_points,
        "chunk_points": cfg.chunk_points,
        "n_chunks": cfg.n_chunks,
        **{f"fixed_{name}": _attr(value) for name, value in cfg.fixed},
        **{f"version_{name}": v for name, v in package_versions().items()},
        **info,
        "created_utc": utc_now(),
    }
    if cfg.seed is not None:
        attrs["seed"] = np.uint64(cfg.seed)
    return xr.Dataset(data_vars=data_vars, coords=coords, attrs=attrs)


def _auto_workers(cfg: SweepConfig, tasks: Sequence) -> int:
    """Default local worker count: 1 (this process) when the estimated work is below POOL_MIN_WORK_S."""
    work_s = sum(t.stop - t.start for t in tasks) * cfg.spec.cost_per_point_s
    return default_workers() if work_s >= POOL_MIN_WORK_S else 1


# ------------------------------------------------------------------ the engine
def run_sweep(
    config_path: str | os.PathLike | SweepConfig,
    out_path: str | os.PathLike | None = None,
    scheduler: str | Client | None = None,
    resume: bool = True,
    progress: ProgressArg = None,
    workers: int | None = None,
) -> xr.Dataset:
    """Evaluate a sweep configuration and write the result as netCDF.

    Parameters
    ----------
    config_path : str, os.PathLike or SweepConfig
        The TOML config (see :mod:`pqms_physics.sweep.config`), or an already
        loaded :class:`~pqms_physics.sweep.config.SweepConfig`.
    out_path : str or os.PathLike, optional
        Output netCDF file; default: the config path with suffix ``.nc``
        (required when ``config_path`` is a SweepConfig not read from a file).
        Checkpoints go to ``out_path + ".chunks"``.
    scheduler : None, "local-cluster", "tcp://HOST:PORT", "tls://HOST:PORT" or distributed.Client
        None: local (in-process or process pool). Otherwise dask.distributed
        (the ``dask`` extra).
    resume : bool
        True (default): reuse finished chunks of the same config, or return the
        existing output if it already holds this config. False: discard this
        path's checkpoints and output first and compute everything.
    progress : None, bool or callable
        Progress over chunks: None shows a tqdm bar when stderr is a terminal;
        a callable is called as ``progress(done_chunks, total_chunks)``.
    workers : int, optional
        Local process count (1 computes in this process) or the worker count of
        ``"local-cluster"`` (default: the CPUs available). Locally, the default
        is the CPUs available when the estimated work (points x the quantity's
        ``cost_per_point_s``) is at least ``POOL_MIN_WORK_S`` seconds, else 1;
        the choice is recorded in the ``executor`` attribute. Not allowed with a
        remote scheduler, which has its own workers.

    Returns
    -------
    xarray.Dataset
        The sweep as read back from ``out_path``.

    Raises
    ------
    SweepConfigError
        Invalid config (nothing is written).
    CheckpointError
        ``out_path`` or its checkpoint directory holds another configuration.
    ConnectionError
        The dask scheduler cannot be reached.
    ImportError
        ``scheduler`` given but dask.distributed is not installed.

    Notes
    -----
    The local pool and dask's LocalCluster start worker processes with the
    "spawn" method, which re-imports the calling script: a script that calls
    ``run_sweep`` with more than one worker needs the usual
    ``if __name__ == "__main__":`` guard (the ``pqms sweep`` command has it).
    """
    cfg = config_path if isinstance(config_path, SweepConfig) else load_config(config_path)
    if out_path is None:
        if cfg.source == "<string>":
            raise PQMSValueError("out_path is required when the config was not read from a file")
        out_path = Path(cfg.source).with_suffix(".nc")
    if not isinstance(out_path, (str, os.PathLike)):
        raise PQMSValueError(f"out_path must be a path, got {type(out_path).__name__}")
    out = Path(out_path)
    _validate_scheduler(scheduler)
    if workers is not None:
        workers = check_int("workers", workers, 1, 4096)
        if scheduler is not None and scheduler != "local-cluster":
            raise PQMSValueError(
                f"workers must be None with a remote dask scheduler (it has its own workers), got {workers}"
            )
    if not isinstance(resume, bool):
        raise PQMSValueError(f"resume must be a bool, got {resume!r}")
    if not (progress is None or isinstance(progress, bool) or callable(progress)):
        raise PQMSValueError(f"progress must be None (auto), a bool or a callable(done, total), got {progress!r}")
    ckpt = Checkpoint(out.with_name(out.name + ".chunks"), cfg)

    import xarray as xr

    if out.exists():
        if _output_hash(out) == cfg.config_hash and resume:
            if ckpt.is_ours_or_absent():
                ckpt.remove()
            log.info("%s already holds this sweep (config hash %s); nothing to compute", out, cfg.config_hash[:12])
            return xr.load_dataset(out, engine="h5netcdf")
        if resume:
            raise CheckpointError(
                f"out_path {str(out)!r} holds the results of a different sweep configuration; "
                f"delete it, choose another out_path (--out), or pass resume=False to "
                f"overwrite it"
            )
    if resume:
        ckpt.check()
    elif not ckpt.is_ours_or_absent():
        ckpt.check()  # raises: not a checkpoint directory, so not ours to delete

    flat = {o.name: np.zeros(cfg.n_points, dtype=o.dtype) for o in cfg.spec.outputs}
    with contextlib.ExitStack() as stack:
        # connect first: an unreachable scheduler leaves the disk untouched
        client = stack.enter_context(dask_client(scheduler, workers)) if scheduler is not None else None
        if not resume:
            ckpt.remove()
            out.unlink(missing_ok=True)
        ckpt.open()
        done = ckpt.load_finished(flat)
        tasks = make_tasks(cfg, [k for k in range(cfg.n_chunks) if k not in done])
        if done:
            log.info("resuming %s: %d of %d chunks already done", out, len(done), cfg.n_chunks)
        run_id = f"{os.getpid()}-{time.time_ns()}"
        bar = stack.enter_context(progress_bar(progress, cfg.n_chunks, desc="sweep", unit="chunk", initial=len(done)))
        n_done = len(done)

        def on_done(k: int, outputs: dict[str, np.ndarray], worker_version: str) -> None:
            nonlocal n_done
            if worker_version != __version__:
                raise RuntimeError(
                    f"a worker runs pqms_physics {worker_version}, this process {__version__}; "
                    f"install the same version on every dask worker"
                )
            start, stop = cfg.chunk_bounds(k)
            for name, a in outputs.items():
                flat[name][start:stop] = a
            ckpt.write(k, outputs, run_id)
            n_done += 1
            bar.update(1)

        if client is not None:
            executor = f"dask:{client.scheduler.address}"
            run_dask(client, tasks, run_id, on_done)
        else:
            n_proc = min(workers or _auto_workers(cfg, tasks), len(tasks))
            executor = f"process-pool({n_proc})" if n_proc > 1 else "in-process"
            if n_proc > 1:
                run_pool(tasks, n_proc, on_done)
            else:
                run_serial(tasks, on_done)

    ds = _assemble(cfg, flat, {"executor": executor, "chunks_resumed": len(done), "chunks_computed": len(tasks)})
    tmp = out.with_name(out.name + ".partial")
    ds.to_netcdf(tmp, engine="h5netcdf")
    os.replace(tmp, out)
    ckpt.remove()
    return xr.load_dataset(out, engine="h5netcdf")


__all__ = [
    "run_sweep",
    "load_config",
    "parse_config",
    "SweepConfig",
    "SweepConfigError",
    "CheckpointError",
    "read_checkpoint_log",
    "CHECKPOINT_FORMAT",
]
