"""The tomography subpackage: lazy exports that resolve, and an import that stays light."""

import subprocess
import sys

import numpy as np

import pqms_physics.tomography as tomo
from pqms_physics.core.states import bell_state
from pqms_physics.tomography.pauli import pauli_outcome_table


def test_every_exported_name_resolves():
    for name in tomo.__all__:
        assert getattr(tomo, name) is not None


def test_importing_the_subpackage_and_its_layout_loads_no_qutip():
    code = (
        "import sys, pqms_physics.tomography, pqms_physics.tomography.pauli; "
        "print(','.join(m for m in ('qutip', 'numba', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_an_iteration_cap_is_reported_as_not_converged():
    counts = np.round(5000 * pauli_outcome_table(0.9 * bell_state("phi+").proj() + 0.1 * bell_state("psi-").proj()))
    capped = tomo.maximum_likelihood_state(counts, max_iterations=2)
    assert not capped.converged and capped.gap_bound > capped.tol
    assert tomo.maximum_likelihood_state(counts).converged
