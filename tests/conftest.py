"""Shared test configuration: hypothesis profiles, and the shared oracles of tests/helpers/ on sys.path."""

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

HELPERS = str(Path(__file__).resolve().parent / "helpers")
sys.path.insert(0, HELPERS)
# Subprocesses and worker processes started by the tests (sweep resume, dask) import test-only helpers such as
# the sweep-engine probe quantity ("sweep_probe:SWEEP_PROBE") the same way.
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (HELPERS, os.environ.get("PYTHONPATH", "")) if p)

# Deterministic, CI-sized property tests; `HYPOTHESIS_PROFILE=thorough` runs more examples.
settings.register_profile(
    "ci", max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
