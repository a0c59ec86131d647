# Vitis HLS flow of the RPU: C simulation, C synthesis, RTL co-simulation, IP export.
#
# Run from the repository root:      vitis_hls -f fpga/tcl/hls.tcl
# Prerequisite: the golden vectors, written by fpga/run_csim.sh (fpga/build/vectors-default) or
#   python -m pqms_physics.rpu.vectors --out fpga/build/vectors-default
# (set RPU_VECTORS to use another directory). Outputs go to fpga/build/rpu_hls/solution1:
#   csim/report, syn/report/rpu_top_csynth.rpt (latency, resources), sim/report, impl/ip
# (the IP pqms:rpu:rpu:1.0 that fpga/tcl/vivado.tcl integrates).
#
# Every path is relative to the repository root. The C-sim and co-simulation use the same
# testbench as fpga/run_csim.sh and fail on any mismatch with the Python golden model.

set part     xcu250-figd2104-2L-e   ;# Alveo U250
set clock_ns 3.333                  ;# 300 MHz
set topk     10                     ;# K of the top-k table (RPU_TOPK)
set vectors  fpga/build/vectors-default
if {[info exists ::env(RPU_VECTORS)]} { set vectors $::env(RPU_VECTORS) }

set manifest [file join $vectors manifest.txt]
if {![file exists $manifest]} {
    puts stderr "hls.tcl: no golden vectors in $vectors (run fpga/run_csim.sh first)"
    exit 2
}
set fh [open $manifest r]
set all_cases [split [string trim [read $fh]] "\n"]
close $fh

# Testbench arguments for a list of case names: IN.rpuin OUT.rpuout pairs, absolute paths
# (csim and cosim run in their own directories).
proc case_args {dir names} {
    set args {}
    foreach name $names {
        lappend args [file normalize [file join $dir $name.rpuin]] \
                     [file normalize [file join $dir $name.rpuout]]
    }
    return $args
}
# RTL co-simulation is slow (xsim, ~1e5 clocks/s): it runs the small cases, which cover both
# modes, undefined z, all-equal outcomes, S = 4 and missing CHSH settings.
set cosim_cases {nct_w1 nct_all_zero nct_all_one chsh_all_equal chsh_s_max chsh_w5}

set cflags "-std=c++14 -DRPU_TOPK=$topk"
open_project -reset fpga/build/rpu_hls
set_top rpu_top
add_files fpga/rpu/rpu.cpp -cflags $cflags
add_files fpga/rpu/rpu.hpp -cflags $cflags
add_files -tb fpga/tb/rpu_tb.cpp -cflags "$cflags -Wno-unknown-pragmas"
add_files -tb fpga/tb/rpu_vectors.hpp
open_solution -reset solution1 -flow_target vivado
set_part $part
create_clock -period $clock_ns -name default
config_export -format ip_catalog -rtl verilog -vendor pqms -library rpu -ipname rpu -version 1.0

csim_design -argv [join [concat --selftest [case_args $vectors $all_cases]] " "]
csynth_design
cosim_design -rtl verilog -argv [join [case_args $vectors $cosim_cases] " "]
export_design -format ip_catalog -rtl verilog
exit
