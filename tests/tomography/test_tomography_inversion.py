"""Linear inversion: exact on exact probabilities, flags unphysical estimates, validates its input.

Oracle: the state itself (exact probabilities determine it, James et al., PRA 64, 052312 (2001)), and the
closed form (II + XX + YY + ZZ)/4 = SWAP/2, whose eigenvalues are {1/2, 1/2, 1/2, -1/2}.
"""

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from randomobjects import random_density_matrix

from pqms_physics.core.states import bell_state
from pqms_physics.errors import PQMSValueError
from pqms_physics.tomography.inversion import linear_inversion
from pqms_physics.tomography.pauli import SETTING_NAMES, pauli_outcome_table

EXACT = 1e-12


@given(st.integers(0, 2**32 - 1), st.lists(st.floats(0.1, 1e4), min_size=9, max_size=9))
def test_linear_inversion_is_exact_on_exact_probabilities_with_any_setting_totals(seed, totals):
    rho = random_density_matrix(seed, [2, 2])
    expected_counts = pauli_outcome_table(rho) * np.array(totals)[:, None]
    res = linear_inversion(expected_counts)
    np.testing.assert_allclose(res.state.full(), rho.full(), atol=1e-11)
    assert res.is_physical


def test_pure_state_is_recovered_with_a_zero_eigenvalue():
    res = linear_inversion(pauli_outcome_table(bell_state("phi-")))
    np.testing.assert_allclose(res.state.full(), (bell_state("phi-") * bell_state("phi-").dag()).full(), atol=EXACT)
    assert res.min_eigenvalue == pytest.approx(0.0, abs=EXACT)


def test_inconsistent_counts_give_the_unphysical_swap_over_two():
    counts = np.tile([50, 0, 0, 50], (9, 1))  # every correlator +1 (XX, YY, ZZ and the cross terms)
    for name in ("xy", "xz", "yx", "yz", "zx", "zy"):
        counts[SETTING_NAMES.index(name)] = [25, 25, 25, 25]  # cross correlators 0
    res = linear_inversion(counts)
    assert res.min_eigenvalue == pytest.approx(-0.5, abs=EXACT)
    assert not res.is_physical
    assert np.trace(res.state.full()).real == pytest.approx(1.0, abs=EXACT)
    json.dumps(res.to_dict())


def test_bad_counts_name_the_parameter():
    with pytest.raises(PQMSValueError, match=r"counts must have shape \(9, 4\)"):
        linear_inversion(np.ones((9, 3)))
    with pytest.raises(PQMSValueError, match="counts must be >= 0"):
        linear_inversion(-np.ones((9, 4)))
