"""The Vitis HLS and Vivado scripts (fpga/tcl/*.tcl), sourced in a real Tcl interpreter with
stub procedures in place of the Xilinx commands: part, clock, top function, files and the order
of the flow steps, and the names they share with the C++ and with each other."""

import re
from pathlib import Path

import pytest

from pqms_physics.rpu.vectors import suite_cases

tkinter = pytest.importorskip("tkinter", reason="Python was built without Tcl/Tk (tkinter)")

ROOT = Path(__file__).resolve().parents[2]
TCL = ROOT / "fpga" / "tcl"
PART = "xcu250-figd2104-2L-e"

XILINX_COMMANDS = """
    open_project set_top add_files open_solution set_part create_clock config_export
    csim_design csynth_design cosim_design export_design
    create_project set_property update_ip_catalog create_bd_design create_bd_intf_port
    create_bd_cell connect_bd_intf_net connect_bd_net assign_bd_address validate_bd_design
    save_bd_design make_wrapper launch_runs wait_on_run open_run report_utilization
    report_timing_summary
""".split()
QUERIES = (
    "get_bd_pins get_bd_cells get_bd_intf_pins get_bd_intf_ports get_files current_project current_fileset".split()
)


def source_with_stubs(script: Path) -> list[list[str]]:
    """Source ``script`` in a fresh Tcl interpreter whose Xilinx commands only record their
    arguments; ``exit`` records its code and stops the script. Any other unknown command, or a
    Tcl error, raises."""
    tcl = tkinter.Tcl()
    tcl.eval("set ::calls {}")
    for cmd in XILINX_COMMANDS:
        tcl.eval(f"proc {cmd} {{args}} {{lappend ::calls [linsert $args 0 {cmd}]; return <{cmd}>}}")
    for cmd in QUERIES:
        tcl.eval(f"proc {cmd} {{args}} {{return [linsert $args 0 {cmd}]}}")
    tcl.eval("proc exit {{code 0}} {lappend ::calls [list exit $code]; return -code return}")
    tcl.eval(f"source {{{script}}}")
    return [list(tcl.splitlist(c)) for c in tcl.splitlist(tcl.eval("set ::calls"))]


def commands(calls):
    return [c[0] for c in calls]


def first(calls, name):
    return next(c for c in calls if c[0] == name)


def option(call, flag):
    return call[call.index(flag) + 1]


@pytest.fixture
def hls_calls(tmp_path, monkeypatch):
    cases = [c.name for c in suite_cases()]
    (tmp_path / "manifest.txt").write_text("\n".join(cases) + "\n")
    monkeypatch.setenv("RPU_VECTORS", str(tmp_path))
    monkeypatch.chdir(ROOT)
    return source_with_stubs(TCL / "hls.tcl"), tmp_path, cases


def test_hls_script_runs_csim_csynth_cosim_export_in_order_for_the_u250_at_300_mhz(hls_calls):
    calls, _, _ = hls_calls
    flow = [
        c
        for c in commands(calls)
        if c
        in (
            "open_project",
            "set_top",
            "open_solution",
            "set_part",
            "create_clock",
            "csim_design",
            "csynth_design",
            "cosim_design",
            "export_design",
            "exit",
        )
    ]
    assert flow == [
        "open_project",
        "set_top",
        "open_solution",
        "set_part",
        "create_clock",
        "csim_design",
        "csynth_design",
        "cosim_design",
        "export_design",
        "exit",
    ]
    assert first(calls, "set_part")[1:] == [PART]
    period_ns = float(option(first(calls, "create_clock"), "-period"))
    assert 1e3 / period_ns == pytest.approx(300.0, rel=1e-3)  # 300 MHz
    assert first(calls, "exit")[1] == "0"


def test_hls_script_names_the_cpp_top_and_existing_sources(hls_calls):
    calls, _, _ = hls_calls
    top = first(calls, "set_top")[1]
    assert re.search(rf"^void {top}\(", (ROOT / "fpga/rpu/rpu.cpp").read_text(), re.M)
    design = [c[1] for c in calls if c[0] == "add_files" and c[1] != "-tb"]
    bench = [c[2] for c in calls if c[0] == "add_files" and c[1] == "-tb"]
    assert sorted(design) == ["fpga/rpu/rpu.cpp", "fpga/rpu/rpu.hpp"]
    assert sorted(bench) == ["fpga/tb/rpu_tb.cpp", "fpga/tb/rpu_vectors.hpp"]
    assert all((ROOT / f).is_file() for f in design + bench)  # paths relative to the repo
    cflags = option(next(c for c in calls if c[:2] == ["add_files", "fpga/rpu/rpu.cpp"]), "-cflags")
    default_k = re.search(r"#define RPU_TOPK (\d+)", (ROOT / "fpga/rpu/rpu.hpp").read_text())
    assert f"-DRPU_TOPK={default_k.group(1)}" in cflags.split()


def test_hls_simulations_get_every_case_and_cosim_a_subset_of_real_cases(hls_calls):
    calls, vectors, cases = hls_calls
    csim_argv = option(first(calls, "csim_design"), "-argv").split()
    assert csim_argv[0] == "--selftest"
    assert csim_argv[1:] == [str((vectors / f"{n}.{ext}").resolve()) for n in cases for ext in ("rpuin", "rpuout")]
    cosim_argv = option(first(calls, "cosim_design"), "-argv").split()
    names = [Path(p).stem for p in cosim_argv[::2]]
    assert names and set(names) <= set(cases)
    assert [Path(p).suffix for p in cosim_argv] == [".rpuin", ".rpuout"] * len(names)


def test_hls_script_stops_with_status_2_without_vectors(tmp_path, monkeypatch):
    monkeypatch.setenv("RPU_VECTORS", str(tmp_path / "missing"))
    monkeypatch.chdir(ROOT)
    calls = source_with_stubs(TCL / "hls.tcl")
    assert calls == [["exit", "2"]]


@pytest.fixture
def vivado_calls(tmp_path, monkeypatch):
    (tmp_path / "fpga/build/rpu_hls/solution1/impl/ip").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    return source_with_stubs(TCL / "vivado.tcl")


def test_vivado_script_implements_the_block_design_to_a_bitstream_in_order(vivado_calls):
    calls = vivado_calls
    flow = [
        c
        for c in commands(calls)
        if c
        in (
            "create_project",
            "create_bd_design",
            "validate_bd_design",
            "make_wrapper",
            "launch_runs",
            "open_run",
            "report_utilization",
            "exit",
        )
    ]
    assert flow == [
        "create_project",
        "create_bd_design",
        "validate_bd_design",
        "make_wrapper",
        "launch_runs",
        "launch_runs",
        "open_run",
        "report_utilization",
        "exit",
    ]
    runs = [c for c in calls if c[0] == "launch_runs"]
    assert runs[0][1] == "synth_1" and runs[1][1] == "impl_1"
    assert option(runs[1], "-to_step") == "write_bitstream"
    assert option(first(calls, "create_project"), "-part") == PART
    clk = next(c for c in calls if c[0] == "set_property" and "CONFIG.PRIM_SOURCE" in c[2])
    props = dict(zip(*[iter(tkinter.Tcl().splitlist(clk[2]))] * 2))
    assert float(props["CONFIG.CLKOUT1_REQUESTED_OUT_FREQ"]) == 300.0


def test_vivado_uses_the_ip_and_ports_that_hls_exports(hls_calls, tmp_path, monkeypatch):
    hls, _, _ = hls_calls
    (tmp_path / "viv/fpga/build/rpu_hls/solution1/impl/ip").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "viv")
    viv = source_with_stubs(TCL / "vivado.tcl")
    exp = first(hls, "config_export")
    vlnv = ":".join(option(exp, f) for f in ("-vendor", "-library", "-ipname", "-version"))
    rpu_cell = next(c for c in viv if c[0] == "create_bd_cell" and c[-1] == "rpu_0")
    assert option(rpu_cell, "-vlnv") == vlnv
    # the IP repository is where hls.tcl's project / solution exports it
    repo = first(viv, "set_property")
    project = first(hls, "open_project")[-1]
    solution = first(hls, "open_solution")[2]
    assert repo[1] == "ip_repo_paths"
    assert Path(tkinter.Tcl().splitlist(repo[2])[0]).as_posix().endswith(f"{project}/{solution}/impl/ip")
    # AXI-Stream ports of the block design are the C++ top function's stream arguments
    sig = (ROOT / "fpga/rpu/rpu.hpp").read_text()
    streams = set(re.findall(r"hls::stream<[^>]*>&\s*(\w+)", sig))
    used = {
        p.split("/", 1)[1]
        for c in viv
        if c[0] == "connect_bd_intf_net"
        for arg in c[1:]
        for p in tkinter.Tcl().splitlist(arg)[1:]
        if p.startswith("rpu_0/")
    }
    assert used == streams | {"s_axi_control"}


def test_vivado_constraints_name_the_clock_port_of_the_block_design(vivado_calls):
    port = next(c for c in vivado_calls if c[0] == "create_bd_intf_port")[-1]
    xdc = (TCL / "rpu_u250.xdc").read_text()
    assert set(re.findall(r"get_ports (\w+)", xdc)) == {f"{port}_clk_p", f"{port}_clk_n"}


def test_vivado_script_stops_with_status_2_without_the_hls_ip(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert source_with_stubs(TCL / "vivado.tcl") == [["exit", "2"]]
