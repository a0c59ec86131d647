# Vivado flow of the RPU on the Alveo U250: block design, implementation, bitstream, reports.
#
# Run from the repository root, after fpga/tcl/hls.tcl has exported the IP:
#     vivado -mode batch -source fpga/tcl/vivado.tcl
# Outputs in fpga/build/rpu_vivado: the project, rpu_utilization.rpt, rpu_timing.rpt and the
# bitstream (rpu_u250.runs/impl_1/rpu_bd_wrapper.bit).
#
# Block design (one 300 MHz clock domain from the board's system clock 0):
#   JTAG-to-AXI master --SmartConnect--> rpu s_axi_control (registers, counters)
#                                    \-> pairs FIFO (AXI4-Stream FIFO, TX) -> 32->8 bit -> rpu pairs_in
#                                    \-> windows FIFO (RX, cut-through) <- 512->32 bit <- rpu windows_out
#                                    \-> top-k FIFO (RX, cut-through)  <- 128->32 bit <- rpu topk_out
# The host (Vivado hardware manager, create_hw_axi_txn) writes records into the pairs FIFO,
# starts the kernel through s_axi_control and reads the windows and top-k FIFOs. The RPU's
# output streams carry no TLAST, hence the cut-through receive FIFOs.
#
# This script has not been run in this repository (no Vivado here); its structure is checked by
# tests/test_fpga_tcl.py with stub commands. Review the IP parameters against your Vivado
# version before relying on it.

set part     xcu250-figd2104-2L-e   ;# Alveo U250
set clock_ns 3.333                  ;# 300 MHz
set ip_repo  fpga/build/rpu_hls/solution1/impl/ip
set proj_dir fpga/build/rpu_vivado
set xdc      fpga/tcl/rpu_u250.xdc

if {![file isdirectory $ip_repo]} {
    puts stderr "vivado.tcl: no exported RPU IP in $ip_repo (run vitis_hls -f fpga/tcl/hls.tcl)"
    exit 2
}

create_project -force rpu_u250 $proj_dir -part $part
set_property ip_repo_paths [list [file normalize $ip_repo]] [current_project]
update_ip_catalog
create_bd_design rpu_bd

# ---- clock and reset ----------------------------------------------------------------------
create_bd_intf_port -mode Slave -vlnv xilinx.com:interface:diff_clock_rtl:1.0 sysclk0_300
set_property CONFIG.FREQ_HZ 300000000 [get_bd_intf_ports sysclk0_300]
create_bd_cell -type ip -vlnv xilinx.com:ip:clk_wiz clk_wiz_0
set_property -dict [list CONFIG.PRIM_SOURCE {Differential_clock_capable_pin} \
    CONFIG.PRIM_IN_FREQ {300.000} CONFIG.CLKOUT1_REQUESTED_OUT_FREQ {300.000} \
    CONFIG.USE_RESET {false}] [get_bd_cells clk_wiz_0]
connect_bd_intf_net [get_bd_intf_ports sysclk0_300] [get_bd_intf_pins clk_wiz_0/CLK_IN1_D]
create_bd_cell -type ip -vlnv xilinx.com:ip:xlconstant reset_inactive
set_property CONFIG.CONST_VAL {1} [get_bd_cells reset_inactive]
create_bd_cell -type ip -vlnv xilinx.com:ip:proc_sys_reset rst_0
connect_bd_net [get_bd_pins clk_wiz_0/clk_out1] [get_bd_pins rst_0/slowest_sync_clk]
connect_bd_net [get_bd_pins clk_wiz_0/locked] [get_bd_pins rst_0/dcm_locked]
connect_bd_net [get_bd_pins reset_inactive/dout] [get_bd_pins rst_0/ext_reset_in]

# ---- cells -----------------------------------------------------------------------------------
create_bd_cell -type ip -vlnv pqms:rpu:rpu:1.0 rpu_0
create_bd_cell -type ip -vlnv xilinx.com:ip:jtag_axi jtag_axi_0
set_property CONFIG.PROTOCOL {2} [get_bd_cells jtag_axi_0]  ;# AXI4-Lite master
create_bd_cell -type ip -vlnv xilinx.com:ip:smartconnect ctrl_ic
set_property -dict [list CONFIG.NUM_SI {1} CONFIG.NUM_MI {4}] [get_bd_cells ctrl_ic]

proc stream_fifo {name tx rx} {
    create_bd_cell -type ip -vlnv xilinx.com:ip:axi_fifo_mm_s $name
    set_property -dict [list CONFIG.C_USE_TX_DATA $tx CONFIG.C_USE_TX_CTRL {0} \
        CONFIG.C_USE_RX_DATA $rx CONFIG.C_RX_CUT_THROUGH {true}] [get_bd_cells $name]
}
proc width_converter {name in_bytes out_bytes} {
    create_bd_cell -type ip -vlnv xilinx.com:ip:axis_dwidth_converter $name
    set_property -dict [list CONFIG.S_TDATA_NUM_BYTES $in_bytes \
        CONFIG.M_TDATA_NUM_BYTES $out_bytes] [get_bd_cells $name]
}
stream_fifo pairs_fifo 1 0
stream_fifo windows_fifo 0 1
stream_fifo topk_fifo 0 1
width_converter pairs_w 4 1
width_converter windows_w 64 4
width_converter topk_w 16 4

# ---- streams ---------------------------------------------------------------------------------
connect_bd_intf_net [get_bd_intf_pins pairs_fifo/AXI_STR_TXD] [get_bd_intf_pins pairs_w/S_AXIS]
connect_bd_intf_net [get_bd_intf_pins pairs_w/M_AXIS] [get_bd_intf_pins rpu_0/pairs_in]
connect_bd_intf_net [get_bd_intf_pins rpu_0/windows_out] [get_bd_intf_pins windows_w/S_AXIS]
connect_bd_intf_net [get_bd_intf_pins windows_w/M_AXIS] [get_bd_intf_pins windows_fifo/AXI_STR_RXD]
connect_bd_intf_net [get_bd_intf_pins rpu_0/topk_out] [get_bd_intf_pins topk_w/S_AXIS]
connect_bd_intf_net [get_bd_intf_pins topk_w/M_AXIS] [get_bd_intf_pins topk_fifo/AXI_STR_RXD]

# ---- control -------------------------------------------------------------------------------
connect_bd_intf_net [get_bd_intf_pins jtag_axi_0/M_AXI] [get_bd_intf_pins ctrl_ic/S00_AXI]
connect_bd_intf_net [get_bd_intf_pins ctrl_ic/M00_AXI] [get_bd_intf_pins rpu_0/s_axi_control]
connect_bd_intf_net [get_bd_intf_pins ctrl_ic/M01_AXI] [get_bd_intf_pins pairs_fifo/S_AXI]
connect_bd_intf_net [get_bd_intf_pins ctrl_ic/M02_AXI] [get_bd_intf_pins windows_fifo/S_AXI]
connect_bd_intf_net [get_bd_intf_pins ctrl_ic/M03_AXI] [get_bd_intf_pins topk_fifo/S_AXI]

# ---- clocks and resets of every cell ----------------------------------------------------------
set clk [get_bd_pins clk_wiz_0/clk_out1]
set rstn [get_bd_pins rst_0/peripheral_aresetn]
connect_bd_net $clk [get_bd_pins rpu_0/ap_clk] [get_bd_pins jtag_axi_0/aclk] \
    [get_bd_pins ctrl_ic/aclk] [get_bd_pins pairs_w/aclk] [get_bd_pins windows_w/aclk] \
    [get_bd_pins topk_w/aclk] [get_bd_pins pairs_fifo/s_axi_aclk] \
    [get_bd_pins windows_fifo/s_axi_aclk] [get_bd_pins topk_fifo/s_axi_aclk]
connect_bd_net $rstn [get_bd_pins rpu_0/ap_rst_n] [get_bd_pins jtag_axi_0/aresetn] \
    [get_bd_pins ctrl_ic/aresetn] [get_bd_pins pairs_w/aresetn] [get_bd_pins windows_w/aresetn] \
    [get_bd_pins topk_w/aresetn] [get_bd_pins pairs_fifo/s_axi_aresetn] \
    [get_bd_pins windows_fifo/s_axi_aresetn] [get_bd_pins topk_fifo/s_axi_aresetn]

assign_bd_address
validate_bd_design
save_bd_design

# ---- implementation -------------------------------------------------------------------------
make_wrapper -files [get_files rpu_bd.bd] -top -import
set_property top rpu_bd_wrapper [current_fileset]
add_files -fileset constrs_1 -norecurse $xdc
launch_runs synth_1 -jobs 8
wait_on_run synth_1
launch_runs impl_1 -to_step write_bitstream -jobs 8
wait_on_run impl_1
open_run impl_1
report_utilization -hierarchical -file [file join $proj_dir rpu_utilization.rpt]
report_timing_summary -file [file join $proj_dir rpu_timing.rpt]
exit
