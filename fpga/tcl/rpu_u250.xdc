# Constraints of the RPU block design (fpga/tcl/vivado.tcl) on the Alveo U250.
# The 300 MHz system clock 0 pins are those of the U250 board (UG1289); check them against the
# board's master XDC from AMD before building a bitstream for hardware.
set_property CFGBVS GND [current_design]
set_property CONFIG_VOLTAGE 1.8 [current_design]

set_property -dict {PACKAGE_PIN AY37 IOSTANDARD DIFF_SSTL12} [get_ports sysclk0_300_clk_p]
set_property -dict {PACKAGE_PIN AY38 IOSTANDARD DIFF_SSTL12} [get_ports sysclk0_300_clk_n]
# The 300 MHz (3.333 ns) period of this input is constrained by the clocking wizard's own XDC
# (PRIM_IN_FREQ 300 in vivado.tcl); a second create_clock here would override it.
