"""Old flat module paths of 0.1 (``pqms_physics.chains``, ``pqms_physics.chsh_exact``, ...), kept for one
release.

Importing an old path warns :class:`DeprecationWarning` naming the new one and returns the *same* module
object (no second copy, so classes and registries stay identical); ``python -m`` on an old path runs the new
module. The table below is the whole list; the test suite uses only the new paths.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
import warnings
from collections.abc import Sequence

#: old module (below ``pqms_physics``) -> its home since 0.2
MOVED: dict[str, str] = {
    "states": "core.states",
    "channels": "core.channels",
    "bell_algebra": "core.bell_algebra",
    "_array_checks": "validation",
    "sources": "network.sources",
    "swapping": "network.swapping",
    "chains": "network.chains",
    "bounds": "network.bounds",
    "chsh_exact": "chsh.exact",
    "chsh_estimate": "chsh.estimate",
    "chsh_links": "chsh.links",
    "nct_pools": "nct.pools",
    "nct_power": "nct.power",
    "nct_trial": "nct.trial",
    "sweep_checkpoint": "sweep.checkpoint",
    "sweep_config": "sweep.config",
    "sweep_executors": "sweep.executors",
    "sweep_quantities": "sweep.quantities",
    "sweep_spec": "sweep.spec",
    "cli_common": "cli._common",
    "cli_physics": "cli.physics",
    "cli_jobs": "cli.jobs",
    "audit_claims": "audit.claims",
    "report_studies": "report.studies",
    "fpga_vectors": "rpu.vectors",
}


def _caller_stacklevel() -> int:
    """The stacklevel of the first frame outside the import machinery (so the warning points at the import)."""
    frame, level = sys._getframe(1), 1
    while frame is not None and (
        frame.f_code.co_filename.startswith("<frozen importlib") or frame.f_code.co_filename == __file__
    ):
        frame, level = frame.f_back, level + 1
    return level


class _MovedLoader(importlib.abc.Loader):
    def __init__(self, old: str, new: str):
        self.old, self.new = old, new

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        warnings.warn(
            f"{self.old} moved to {self.new} in pqms_physics 0.2; the old path goes in 0.3",
            DeprecationWarning,
            stacklevel=_caller_stacklevel(),
        )
        return importlib.import_module(self.new)

    def exec_module(self, module: types.ModuleType) -> None:  # the new module is already executed
        return None

    def get_code(self, fullname: str) -> types.CodeType | None:  # used by ``python -m old.path``
        return importlib.util.find_spec(self.new).loader.get_code(self.new)


class _MovedFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        prefix, _, short = fullname.partition(".")
        if prefix != "pqms_physics" or short not in MOVED:
            return None
        new = f"pqms_physics.{MOVED[short]}"
        return importlib.machinery.ModuleSpec(fullname, _MovedLoader(fullname, new))


def install() -> None:
    """Put the finder on :data:`sys.meta_path` once (called by ``import pqms_physics``)."""
    if not any(isinstance(f, _MovedFinder) for f in sys.meta_path):
        sys.meta_path.append(_MovedFinder())
