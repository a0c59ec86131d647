"""Summarise a Yosys ``stat`` report of ``synth_xilinx`` into LUT / FF / DSP / BRAM counts.

Usage: ``python fpga/rtl/yosys_stat.py STAT.txt [--json OUT.json] [--record RECORD.json --tool T --configuration C]``
(standard library only). ``--record`` writes the measured figures the audit quotes
(``fpga/rtl/resources.json``: LUT/FF/DSP/BRAM counts, the tool and the configuration).
Counts come from the cell types in the report (``LUT1``..``LUT6`` and ``INV``, ``FD*``, ``DSP48E2``,
``RAMB18E2``/``RAMB36E2``, ``URAM288``, ...), never from estimates; the U250 capacities give the
fractions.
"""

from __future__ import annotations

import argparse
import json
import re
import sys

#: Alveo U250 (xcu250-figd2104-2L-e) capacities.
U250 = {"LUT": 1_728_000, "FF": 3_456_000, "DSP": 12_288, "BRAM36": 2_688, "URAM": 1_280}


def parse_cells(text: str) -> dict[str, int]:
    """Cell type -> count from the last module summary of a Yosys ``stat`` report."""
    cells: dict[str, int] = {}
    for line in text.splitlines():
        if line.strip().startswith("==="):
            cells = {}  # keep the last (top) module's table
        # "   1234   LUT6" (Yosys >= 0.40) or "     LUT6    1234" (older)
        m = re.match(r"^\s+(\d+)\s+([A-Z][A-Z0-9_]*)\s*$", line) or \
            re.match(r"^\s+([A-Z][A-Z0-9_]*)\s+(\d+)\s*$", line)
        if m:
            a, b = m.groups()
            count, name = (int(a), b) if a.isdigit() else (int(b), a)
            cells[name] = count
    return cells


def summarise(cells: dict[str, int]) -> dict[str, float]:
    """LUT, FF, DSP, BRAM36 (RAMB18 count as half), URAM, CARRY4/8, MUXF*, LUTRAM/SRL counts."""
    def total(prefixes: tuple[str, ...]) -> int:
        return sum(v for k, v in cells.items() if k.startswith(prefixes))

    return {
        "LUT": total(("LUT", "INV")),  # an INV cell is a LUT1
        "FF": total(("FD",)),
        "DSP": total(("DSP48",)),
        "BRAM36": total(("RAMB36",)) + 0.5 * total(("RAMB18",)),
        "URAM": total(("URAM",)),
        "CARRY": total(("CARRY",)),
        "MUXF": total(("MUXF",)),
        "LUTRAM_SRL": total(("RAM32", "RAM64", "RAM128", "RAM256", "SRL")),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("stat")
    ap.add_argument("--json")
    ap.add_argument("--record", help="write the audit's resource record (luts, ffs, dsps, brams, tool, configuration)")
    ap.add_argument("--tool", default="Yosys synth_xilinx")
    ap.add_argument("--configuration", default="")
    args = ap.parse_args(argv)
    with open(args.stat) as f:
        cells = parse_cells(f.read())
    if not cells:
        print(f"{args.stat}: no cell table found", file=sys.stderr)
        return 2
    s = summarise(cells)
    for k, v in s.items():
        frac = f"  ({100 * v / U250[k]:.4f} % of the U250)" if k in U250 else ""
        print(f"{k:11s} {v:>10g}{frac}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"summary": s, "cells": cells, "u250": U250}, f, indent=1)
    if args.record:
        record = {"luts": s["LUT"], "ffs": s["FF"], "dsps": s["DSP"], "brams": s["BRAM36"], "urams": s["URAM"],
                  "tool": args.tool, "configuration": args.configuration, "command": "fpga/run_rtl.sh --synth-only --record"}
        with open(args.record, "w") as f:
            json.dump(record, f, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
