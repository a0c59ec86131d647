"""Audit computation of the hardware claim: the measured resources of the RTL RPU core."""

from __future__ import annotations

import math

from pqms_physics.audit.findings import AuditContext, Finding


def rpu_resources(params: dict, claimed: float, ctx: AuditContext) -> Finding:
    """The measured resource use of the RTL window-statistics core, where a Yosys report exists."""
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[3] / "fpga" / "rtl" / "resources.json"
    if not path.is_file():
        return Finding(
            "LUTs (Yosys, RTL core)",
            math.nan,
            math.nan,
            "not checked",
            "fpga/rtl (Yosys synth_xilinx)",
            "No synthesis report (fpga/rtl/resources.json) is present: run fpga/run_rtl.sh.",
            {},
        )
    data = json.loads(path.read_text())
    luts = float(data["luts"])
    notes = (
        f"Not a physics claim. Our RTL window-statistics core (counts, pooled z-score, threshold/veto, "
        f"pruning, top-k) uses {luts:,.0f} LUTs, {data['ffs']:,.0f} FFs, {data['dsps']:g} DSPs and "
        f"{data['brams']:g} BRAM36, measured with {data['tool']} ({data['configuration']}; command "
        f"{data['command']}): {100 * luts / float(params['u250_luts']):.2f}% of a U250's LUTs. The "
        f"documents give no design from which their figure could be reproduced; the HLS version has no "
        f"Vitis synthesis report yet, so its resource use is an estimate only (fpga/README.md)."
    )
    return Finding(
        "LUTs (Yosys, RTL core)",
        luts,
        0.0,
        "not a physical quantity",
        "fpga/rtl (Yosys synth_xilinx)",
        notes,
        dict(data),
    )
