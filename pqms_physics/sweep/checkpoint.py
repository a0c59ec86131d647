"""Checkpoints of a running sweep: one atomically written file per finished chunk, tied to the config hash.

Layout of ``OUT.chunks/`` (next to the output ``OUT``):

``manifest.json``
    Checkpoint format, pqms_physics version, config hash, resolved config,
    point and chunk counts, creation time.
``chunk_NNNNNNNN.npz``
    The outputs of chunk ``NNNNNNNN`` (one 1-D array per output variable) and
    the config hash. Written to ``<name>.partial``, flushed, fsync'ed and
    renamed with ``os.replace``, so a chunk file is complete or absent even
    after SIGKILL or a power cut.
``log.jsonl``
    One line per chunk computed: ``{"chunk", "run", "utc"}`` (provenance: which
    run computed what; resume never reads it).

A directory whose manifest names another config hash, checkpoint format or
pqms_physics version is never resumed into (:class:`CheckpointError`).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from pqms_physics import __version__
from pqms_physics.errors import PQMSValueError
from pqms_physics.sweep.config import SweepConfig

log = logging.getLogger("pqms_physics.sweep.engine")

#: Version of the checkpoint layout (manifest and chunk files).
CHECKPOINT_FORMAT: int = 1
MANIFEST = "manifest.json"
LOG = "log.jsonl"


class CheckpointError(PQMSValueError):
    """Existing checkpoints or outputs belong to another configuration (or are not ours)."""


def utc_now() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def atomic_write(path: Path, write: Callable[[Any], None]) -> None:
    """Write through ``write(fh)`` to ``path.partial``, fsync, then rename onto ``path``."""
    tmp = path.with_name(path.name + ".partial")
    with open(tmp, "wb") as fh:
        write(fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class Checkpoint:
    """The checkpoint directory of one sweep configuration."""

    def __init__(self, directory: Path, cfg: SweepConfig):
        self.dir, self.cfg = Path(directory), cfg

    def chunk_path(self, k: int) -> Path:
        return self.dir / f"chunk_{k:08d}.npz"

    def _mismatch(self, what: str) -> CheckpointError:
        return CheckpointError(
            f"checkpoint directory {str(self.dir)!r} {what}; refusing to resume into it. Delete the "
            f"directory to start over, choose another out_path (--out), or restore the original config"
        )

    def is_ours_or_absent(self) -> bool:
        """True when the directory is absent, empty, or has a manifest (safe to delete on request)."""
        return (not self.dir.exists()) or (
            self.dir.is_dir() and ((self.dir / MANIFEST).exists() or not any(self.dir.iterdir()))
        )

    def check(self) -> None:
        """Read-only: raise if an existing directory belongs to another config or version."""
        if not self.dir.exists():
            return
        if not self.is_ours_or_absent():
            raise CheckpointError(
                f"{str(self.dir)!r} exists and is not a sweep checkpoint directory "
                f"(no manifest.json); move it away or choose another out_path (--out)"
            )
        manifest = self.dir / MANIFEST
        if not manifest.exists():
            return
        try:
            info = json.loads(manifest.read_text())
        except (OSError, ValueError) as exc:
            raise self._mismatch(f"has an unreadable manifest ({exc})") from None
        if info.get("config_hash") != self.cfg.config_hash:
            raise self._mismatch(
                f"holds chunks of a different sweep configuration (config hash "
                f"{str(info.get('config_hash'))[:12]}... there, {self.cfg.config_hash[:12]}... "
                f"now)"
            )
        if info.get("checkpoint_format") != CHECKPOINT_FORMAT or info.get("pqms_physics") != __version__:
            raise self._mismatch(
                f"was written by pqms_physics {info.get('pqms_physics')} (checkpoint format "
                f"{info.get('checkpoint_format')}), this is {__version__} (format "
                f"{CHECKPOINT_FORMAT})"
            )

    def open(self) -> None:
        """Check, then create the directory and its manifest if needed."""
        self.check()
        self.dir.mkdir(parents=True, exist_ok=True)
        if not (self.dir / MANIFEST).exists():
            info = {
                "checkpoint_format": CHECKPOINT_FORMAT,
                "pqms_physics": __version__,
                "config_hash": self.cfg.config_hash,
                "config": self.cfg.canonical(),
                "n_points": self.cfg.n_points,
                "n_chunks": self.cfg.n_chunks,
                "created_utc": utc_now(),
            }
            atomic_write(self.dir / MANIFEST, lambda fh: fh.write(json.dumps(info, indent=1).encode()))

    def load_finished(self, flat: dict[str, np.ndarray]) -> set[int]:
        """Fill ``flat`` from every valid chunk file; return their indices (damaged files are recomputed)."""
        done = set()
        for path in sorted(self.dir.glob("chunk_*.npz")):
            try:
                k = int(path.stem.split("_", 1)[1])
            except ValueError:
                continue
            if not 0 <= k < self.cfg.n_chunks:
                continue
            start, stop = self.cfg.chunk_bounds(k)
            try:
                with np.load(path, allow_pickle=False) as data:
                    arrays = {name: data[name] for name in flat}
                    stored_hash = str(data["__config_hash"])
            except Exception as exc:  # noqa: BLE001 - a damaged file is recomputed, and said so
                log.warning("checkpoint %s is unreadable (%s); recomputing chunk %d", path, exc, k)
                continue
            if stored_hash != self.cfg.config_hash:
                raise self._mismatch(f"holds {path.name} of a different configuration")
            if any(a.shape != (stop - start,) for a in arrays.values()):
                log.warning("checkpoint %s has the wrong length; recomputing chunk %d", path, k)
                continue
            for name, a in arrays.items():
                flat[name][start:stop] = a
            done.add(k)
        return done

    def write(self, k: int, outputs: dict[str, np.ndarray], run_id: str) -> None:
        """Write chunk ``k`` atomically, then log it."""
        arrays = {**outputs, "__config_hash": np.array(self.cfg.config_hash)}
        atomic_write(self.chunk_path(k), lambda fh: np.savez(fh, **arrays))
        with open(self.dir / LOG, "a") as fh:
            fh.write(json.dumps({"chunk": k, "run": run_id, "utc": utc_now()}) + "\n")

    def remove(self) -> None:
        """Delete the directory (only called when it is ours or absent)."""
        if self.dir.exists():
            shutil.rmtree(self.dir)


def read_checkpoint_log(directory: str | os.PathLike) -> list[dict[str, Any]]:
    """Entries of ``OUT.chunks/log.jsonl`` (one per computed chunk: chunk, run, utc); damaged lines skipped."""
    entries = []
    path = Path(directory) / LOG
    if path.exists():
        for line in path.read_text().splitlines():
            with contextlib.suppress(ValueError):
                entries.append(json.loads(line))
    return entries


__all__ = ["Checkpoint", "CheckpointError", "CHECKPOINT_FORMAT", "atomic_write", "read_checkpoint_log", "utc_now"]
