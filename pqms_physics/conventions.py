"""Conventions shared by every module of pqms_physics.

Everything that a formula elsewhere relies on is fixed here once and imported,
never re-typed.

Qubit order
    Qubit 0 is the leftmost tensor factor: ``|a b> = |a>_0 (x) |b>_1``. In a
    two-qubit pair, qubit 0 belongs to the sender / Alice, qubit 1 to the
    receiver / Bob.

Bell states
    ``BELL_NAMES = ("phi+", "psi+", "psi-", "phi-")`` is the Bell index order.
    Index ``k`` is the state obtained from ``|Phi+>`` by applying the Pauli
    ``PAULI_NAMES[k]`` (I, X, Y, Z) to qubit 1: I -> Phi+, X -> Psi+,
    Y -> Psi- (up to a global phase), Z -> Phi-. Bell-diagonal weights are
    stored in this order, so Pauli-error weights ``(p_i, p_x, p_y, p_z)`` and
    Bell weights coincide.

Fidelity
    Fidelity is the *squared* Uhlmann fidelity
    ``F(rho, sigma) = (tr sqrt(sqrt(rho) sigma sqrt(rho)))**2``, so that
    ``F = <psi|rho|psi>`` for a pure target. ``qutip.fidelity`` returns the
    square root of this; :func:`pqms_physics.core.states.fidelity` converts.

Vectorisation and Choi matrices
    Superoperators follow QuTiP: column stacking, ``vec(A rho B) =
    (B^T (x) A) vec(rho)``. The Choi matrix is
    ``J = sum_ij |i><j| (x) E(|i><j|)`` in QuTiP's ordering, with trace equal to
    the input dimension (not normalised to 1).

Measurement outcomes
    A binary detector reports bit 0 for the +1 eigenvalue and bit 1 for the -1
    eigenvalue of the measured observable. For a pair, the joint outcome index
    is ``OUTCOME_INDEX = 2*a + b`` (a = qubit 0's bit, b = qubit 1's bit), so the
    four outcomes are ordered 00, 01, 10, 11.

Tolerances and speeds
    Every tolerance (``ATOL``, ``PROB_SUM_ATOL``, ``STATE_ATOL``, ``ROUNDOFF_ATOL``, ``UNIT_NORM_ATOL``) and
    signal speed (``SPEED_OF_LIGHT_KM_PER_S``, ``FIBRE_SPEED_KM_PER_S``) is defined below and imported.

Angles and units
    Angles are in radians; a measurement direction given as an angle lies in
    the X-Z plane with 0 = +Z and pi/2 = +X. Rates are in 1/s (``_per_s``),
    times in s (``_s``), lengths in km (``_km``), losses in dB/km
    (``_db_per_km``).
"""

from __future__ import annotations

import numpy as np

#: Bell index order (see module docstring).
BELL_NAMES: tuple[str, ...] = ("phi+", "psi+", "psi-", "phi-")
#: Pauli order matching BELL_NAMES.
PAULI_NAMES: tuple[str, ...] = ("i", "x", "y", "z")

# ---------------------------------------------------------------- tolerances (every one the package uses)
#: Default absolute tolerance for checks of trace preservation / positivity of channels.
ATOL: float = 1e-10
#: Probabilities handed to the samplers (and Bell-diagonal weights) must sum to 1 within this tolerance.
PROB_SUM_ATOL: float = 1e-12
#: A user-supplied density matrix may deviate from Hermitian, unit-trace, PSD by this much.
STATE_ATOL: float = 1e-8
#: Floating-point roundoff of exact computations on qubits (e.g. a trace distance that is 0 in exact arithmetic).
ROUNDOFF_ATOL: float = 1e-12
#: A measurement direction given as a Bloch vector must have norm 1 within this tolerance.
UNIT_NORM_ATOL: float = 1e-9

# ---------------------------------------------------------------- Monte Carlo back ends
#: Devices of the counter-stream sampler: Numba CPU kernel, its plain-NumPy twin, the optional CUDA kernel.
DEVICES: tuple[str, ...] = ("cpu", "numpy", "cuda")
#: Samplers of outcome counts: the counter-stream kernels, or one exact multinomial draw per setting.
SAMPLERS: tuple[str, ...] = ("kernel", "multinomial")

# ---------------------------------------------------------------- signal speeds (km/s)
#: Speed of light in vacuum (exact, SI).
SPEED_OF_LIGHT_KM_PER_S: float = 299_792.458
#: Signal speed in standard telecom fibre (group index ~1.5), used for heralding and memory waiting times.
FIBRE_SPEED_KM_PER_S: float = 2.0e5
FIBER_SPEED_KM_PER_S: float = FIBRE_SPEED_KM_PER_S  # US spelling, same value (the public API spells "fibre")

#: Number of joint outcomes of two binary detectors.
N_OUTCOMES_PAIR: int = 4


def outcome_index(a: int, b: int) -> int:
    """Joint outcome index ``2*a + b`` of qubit-0 bit ``a`` and qubit-1 bit ``b``."""
    return 2 * a + b


#: Bit values of (qubit 0, qubit 1) for each joint outcome index, shape (4, 2).
OUTCOME_BITS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.int64)
#: +/-1 eigenvalues of (qubit 0, qubit 1) for each joint outcome index.
OUTCOME_SIGNS = 1 - 2 * OUTCOME_BITS
