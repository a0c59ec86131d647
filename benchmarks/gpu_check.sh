#!/usr/bin/env bash
# The GPU figure of issue 15 in one short run, on a machine with an NVIDIA GPU (goal: >= 2e11 pairs/s on H100/H200).
#
#   1. pip install -e '.[gpu,test]'   (numba-cuda; into the active environment, or .venv if present)
#   2. device facts (nvidia-smi, numba.cuda)
#   3. python benchmarks/bench_kernels.py --device cuda   (1e10 and 1e11 pairs per rule; bit-identity vs CPU at 1e9
#      pairs with 100 windows)
#   4. the pinned known-answer counts on the real GPU, and bit-identity with the CPU at 1e10 pairs (random rule)
#   5. pytest tests -k cuda
#   6. python benchmarks/bench_protocols_mc.py --device cuda   (repeater-protocol Monte Carlo runs/s; GPU = CPU)
# Every step's output goes to $OUT/gpu_check.log; a short summary (JSON) to $OUT/gpu_check.json.
#
# Usage: benchmarks/gpu_check.sh [OUT_DIR]      (default OUT_DIR: ${OUT:-benchmarks/gpu_results})
# Environment: PYTHON (default .venv/bin/python, else python3); SKIP_INSTALL=1 to skip step 1.
# Exit status: 0 when every check passed, 1 otherwise (the log says which).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DEST="${1:-${OUT:-$ROOT/benchmarks/gpu_results}}"
mkdir -p "$DEST"
LOG="$DEST/gpu_check.log"
: > "$LOG"
if [ -z "${PYTHON:-}" ]; then
    if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi
status=0
step() { echo "== $*" | tee -a "$LOG"; }

step "install"
if [ -n "${SKIP_INSTALL:-}" ]; then
    echo "SKIP_INSTALL set: using the environment as it is" | tee -a "$LOG"
elif ! "$PYTHON" -m pip install -q -e '.[gpu,test]' >>"$LOG" 2>&1; then
    # an offline GPU host may already have everything: go on, the next steps fail if numba-cuda is missing
    echo "pip install -e '.[gpu,test]' failed (offline?); continuing with the environment as it is" | tee -a "$LOG"
fi

step "device"
(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true) >>"$LOG" 2>&1
"$PYTHON" -c "from pqms_physics.kernels import cuda; nc = cuda.require_cuda(); d = nc.get_current_device(); \
print(d.name, d.compute_capability, d.MULTIPROCESSOR_COUNT, 'SMs')" >>"$LOG" 2>&1 || status=1

step "benchmark (bench_kernels.py --device cuda)"
timeout 420 "$PYTHON" benchmarks/bench_kernels.py --device cuda --check-n 1e9 2>&1 | tee -a "$LOG" | tee "$DEST/bench_cuda.md" \
    || status=1

step "pinned counts and bit-identity at 1e10 pairs"
timeout 240 "$PYTHON" - "$DEST/gpu_check.json" <<'PY' 2>&1 | tee -a "$LOG" || status=1
import csv, json, sys, time
import numpy as np
from pqms_physics.kernels import sample_counts
from pqms_physics.kernels import cuda as kcuda
nc = kcuda.require_cuda()
dev = nc.get_current_device()
out = {"device": str(dev.name.decode() if isinstance(dev.name, bytes) else dev.name), "sms": dev.MULTIPROCESSOR_COUNT}
pinned_ok = True
for row in csv.DictReader(open("tests/kernels/data/pinned_counts.csv", newline="")):
    res = sample_counts(json.loads(row["probs_json"]), int(row["pairs"]), int(row["seed"]), device="cuda",
                        setting_choice=row["setting_choice"], stream=int(row["stream"]), start=int(row["start"]),
                        total_pairs=int(row["total_pairs"]))
    pinned_ok &= res.counts.ravel().tolist() == [int(v) for v in row["counts"].split()]
out["pinned_counts_equal"] = bool(pinned_ok)
chsh = np.array([[0.425, 0.075, 0.075, 0.425]] * 3 + [[0.075, 0.425, 0.425, 0.075]])
n = 10**10
sample_counts(chsh, 1000, 1, device="cuda")
t = time.perf_counter(); g = sample_counts(chsh, n, 3, device="cuda", window=10**8); tg = time.perf_counter() - t
t = time.perf_counter(); c = sample_counts(chsh, n, 3, device="cpu", window=10**8); tc = time.perf_counter() - t
out["identical_1e10_random_100_windows"] = bool(np.array_equal(g.counts, c.counts)
                                                and np.array_equal(g.window_counts, c.window_counts))
out["gpu_pairs_per_s_1e10_random"] = n / tg
out["cpu_pairs_per_s_1e10_random"] = n / tc
for rule in ("blocks", "cyclic", "random"):
    for m in (10**10, 10**11):
        sample_counts(chsh, 1000, 1, setting_choice=rule, device="cuda")
        t = time.perf_counter(); sample_counts(chsh, m, 1, setting_choice=rule, device="cuda", progress=False)
        out[f"gpu_pairs_per_s_{rule}_{m:.0e}"] = m / (time.perf_counter() - t)
print(json.dumps(out, indent=1))
json.dump(out, open(sys.argv[1], "w"), indent=1)
sys.exit(0 if pinned_ok and out["identical_1e10_random_100_windows"] else 1)
PY

step "pytest tests -k cuda"
timeout 300 "$PYTHON" -m pytest -q -p no:cacheprovider tests -k cuda 2>&1 | tail -n 15 | tee -a "$LOG"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

step "protocol Monte Carlo on the GPU (bench_protocols_mc.py --device cuda; GPU = CPU at 1e6 runs)"
timeout 300 "$PYTHON" benchmarks/bench_protocols_mc.py --device cuda --runs 20000000 --repeats 2 2>&1 | tee -a "$LOG" || status=1

step "done: status $status (results in $DEST)"
exit $status
