#!/usr/bin/env bash
# C-simulation of the RPU in one command, with no Xilinx install:
#   1. write the golden vectors with the Python kernels and the bit-exact model
#      (python -m pqms_physics.rpu.vectors; `pqms fpga-vectors` once the CLI wires it);
#   2. build the HLS C++ with the testbench using g++ and the real Xilinx ap_types headers
#      (shipped by the hls4ml wheel), -Wall -Wextra -Werror for our code;
#   3. run it on every case: exit 0 only when every output matches bit for bit.
#
# Usage: fpga/run_csim.sh [--suite default|full] [--seed N] [--out VECTOR_DIR] [--build DIR]
# Environment: PYTHON (default: the repo's .venv, else python3), CXX (default g++).
# Exit status: 0 all match, 1 mismatch, 2 malformed vectors / usage / build failure.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
SUITE=default
SEED=""
BUILD="$HERE/build"
OUT=""
while [ $# -gt 0 ]; do
    case "$1" in
        --suite) SUITE="$2"; shift 2 ;;
        --seed) SEED="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        --build) BUILD="$2"; shift 2 ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "run_csim.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
OUT="${OUT:-$BUILD/vectors-$SUITE}"

if [ -z "${PYTHON:-}" ]; then
    if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi
CXX="${CXX:-g++}"
command -v "$CXX" >/dev/null 2>&1 || { echo "run_csim.sh: no C++ compiler '$CXX'" >&2; exit 2; }

# The Xilinx arbitrary-precision headers, located without importing hls4ml.
AP_INC="$("$PYTHON" -c '
import importlib.util, os, sys
spec = importlib.util.find_spec("hls4ml")
if spec is None or not spec.submodule_search_locations:
    sys.exit("hls4ml is not installed: pip install --no-deps hls4ml (it ships ap_int.h)")
print(os.path.join(list(spec.submodule_search_locations)[0], "templates", "vivado", "ap_types"))
')" || exit 2
[ -f "$AP_INC/ap_fixed.h" ] || { echo "run_csim.sh: no ap_fixed.h in $AP_INC" >&2; exit 2; }

# 1. Golden vectors.
VEC_ARGS=(--out "$OUT" --suite "$SUITE")
[ -n "$SEED" ] && VEC_ARGS+=(--seed "$SEED")
(cd "$ROOT" && "$PYTHON" -m pqms_physics.rpu.vectors "${VEC_ARGS[@]}") || exit 2

# 2. Build (skipped when the binary is newer than every source and the flags are unchanged).
# -Wno-unknown-pragmas: g++ does not know '#pragma HLS'; -Wno-unused-label: HLS loop labels
# name the loops in the synthesis reports and are not jumped to.
CXXFLAGS=(-std=c++17 -O2 -Wall -Wextra -Werror -Wno-unknown-pragmas -Wno-unused-label
          -isystem "$AP_INC")
mkdir -p "$BUILD"
BIN="$BUILD/rpu_csim"
STAMP="$BUILD/rpu_csim.flags"
SOURCES=("$HERE/rpu/rpu.hpp" "$HERE/rpu/rpu.cpp" "$HERE/tb/rpu_tb.cpp" "$HERE/tb/rpu_vectors.hpp")
FLAGS_NOW="$CXX ${CXXFLAGS[*]}"
rebuild=0
[ -x "$BIN" ] || rebuild=1
[ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$FLAGS_NOW" ] || rebuild=1
for s in "${SOURCES[@]}"; do [ "$s" -nt "$BIN" ] && rebuild=1; done
if [ "$rebuild" = 1 ]; then
    echo "building $BIN"
    "$CXX" "${CXXFLAGS[@]}" -c "$HERE/rpu/rpu.cpp" -o "$BUILD/rpu.o" & pid=$!
    "$CXX" "${CXXFLAGS[@]}" -c "$HERE/tb/rpu_tb.cpp" -o "$BUILD/rpu_tb.o" || { wait $pid; exit 2; }
    wait $pid || exit 2
    "$CXX" "$BUILD/rpu.o" "$BUILD/rpu_tb.o" -o "$BIN" || exit 2
    echo "$FLAGS_NOW" > "$STAMP"
fi

# 3. Run every case of the manifest.
CASES=()
while IFS= read -r name; do
    [ -n "$name" ] && CASES+=("$OUT/$name.rpuin" "$OUT/$name.rpuout")
done < "$OUT/manifest.txt"
exec "$BIN" --selftest "${CASES[@]}"
