"""Kill-and-resume: a sweep SIGKILLed part way is restarted with the same command and loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sweep_helpers import data_equal, listing, write_config

from pqms_physics.sweep.engine import read_checkpoint_log, run_sweep

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find pool workers")

N_X, N_N, CHUNK = 40, 3, 4  # 120 points, 30 chunks
DELAY_S = 0.1  # per chunk: >= 1.3 s of work is left when we kill after 4 of 30 chunks
ROOT = Path(__file__).resolve().parents[2]


def group_members(pgid: int) -> dict[int, str]:
    """pid -> state letter of every process in process group ``pgid`` (from /proc/<pid>/stat)."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)": state ppid pgrp ...
        if int(fields[2]) == pgid:
            out[int(entry.name)] = fields[0]
    return out


def wait_for(condition, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(0.02)


def test_sigkilled_sweep_resumes_without_recomputing_or_losing_chunks(tmp_path):
    sweep = {"quantity": "sweep_probe:SWEEP_PROBE", "seed": 11, "chunk_points": CHUNK}
    params = {"x": [float(i) for i in range(N_X)], "n": list(range(N_N))}
    config = write_config(tmp_path / "kill.toml", sweep, params, {"delay_s": DELAY_S})
    ckpt = tmp_path / "kill.nc.chunks"
    chunks = lambda: sorted(ckpt.glob("chunk_*.npz")) if ckpt.exists() else []  # noqa: E731

    # the same command a user runs: the default local process pool (2 workers), in its own process
    cmd = [
        sys.executable,
        "-c",
        "import sys; from pqms_physics.sweep.engine import run_sweep; "
        "run_sweep(sys.argv[1], workers=2, progress=False)",
        str(config),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen(cmd, start_new_session=True, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: len(chunks()) >= 4 or proc.poll() is not None, 120, "4 finished chunks")
        workers = {pid for pid in group_members(proc.pid) if pid != proc.pid}
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL, proc.stdout.read().decode()
        # orphaned pool workers notice the dead parent and exit by themselves (zombies await reaping by init)
        wait_for(
            lambda: all(group_members(proc.pid).get(pid, "Z") in "ZX" for pid in workers),
            10,
            "the orphaned pool workers to exit",
        )
    finally:
        with_members = group_members(proc.pid)
        if any(state not in "ZX" for state in with_members.values()):
            os.killpg(proc.pid, signal.SIGKILL)
    assert not (tmp_path / "kill.nc").exists(), "the sweep finished before the kill; the test proves nothing"
    finished = {p: v for p, v in listing(ckpt).items() if p.startswith("chunk_") and p.endswith(".npz")}
    assert 4 <= len(finished) < 30
    killed_runs = {e["run"] for e in read_checkpoint_log(ckpt)}

    seen = {}

    def inspect(done, total):  # after each chunk is written, before the checkpoint directory is removed
        seen["files"], seen["log"] = listing(ckpt), read_checkpoint_log(ckpt)

    resumed = run_sweep(config, workers=2, progress=inspect)  # the same command again

    # nothing finished was recomputed: the old chunk files were neither rewritten nor replaced
    assert all(seen["files"][p] == v for p, v in finished.items())
    recomputed = sorted(e["chunk"] for e in seen["log"] if e["run"] not in killed_runs)
    finished_idx = {int(p[len("chunk_") : -len(".npz")]) for p in finished}
    assert recomputed == sorted(set(range(30)) - finished_idx)  # exactly the missing ones, once each
    assert (resumed.attrs["chunks_resumed"], resumed.attrs["chunks_computed"]) == (len(finished), 30 - len(finished))
    # nothing was lost: identical to an uninterrupted run (delay_s does not enter the numbers)
    reference = run_sweep(write_config(tmp_path / "ref.toml", sweep, params), workers=1, progress=False)
    assert data_equal(resumed, reference)
