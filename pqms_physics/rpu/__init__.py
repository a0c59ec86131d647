"""The RPU (streaming window-statistics processor): its Python golden model and the FPGA golden vectors.

* :mod:`~pqms_physics.rpu.model` is the bit-exact fixed-point model the HLS C++ and the Verilog core are
  checked against;
* :mod:`~pqms_physics.rpu.vectors` draws records from the Monte Carlo kernels' stream, runs the model and
  writes the vector files the testbenches read (``python -m pqms_physics.rpu.vectors``).
"""

from pqms_physics.rpu.model import RPUConfig, RPURun, run_rpu

# The vectors module needs QuTiP (it builds the outcome tables): import pqms_physics.rpu.vectors for it, so that
# the golden model itself stays free of heavy dependencies.
__all__ = ["RPUConfig", "RPURun", "run_rpu"]
