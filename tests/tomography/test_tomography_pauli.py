"""Pauli-basis layout: exact outcome tables against QuTiP expectation values, and count-table validation.

Oracle: p(a, b | i, j) = <(P_a(sigma_i) x P_b(sigma_j))> computed with qutip.expect and projectors built from
QuTiP's Pauli matrices (James, Kwiat, Munro, White, PRA 64, 052312 (2001)); outcome index 2a + b with bit 0 the
+1 eigenvalue (pqms_physics.conventions).
"""

import numpy as np
import pytest
import qutip as qt
from hypothesis import given
from hypothesis import strategies as st
from randomobjects import random_density_matrix

from pqms_physics.core.states import bell_state
from pqms_physics.errors import PQMSValueError
from pqms_physics.kernels import sample_counts
from pqms_physics.tomography.pauli import SETTING_NAMES, check_count_table, pauli_outcome_table

EXACT = 1e-12
PAULI = {"x": qt.sigmax(), "y": qt.sigmay(), "z": qt.sigmaz()}


def projector(basis: str, bit: int) -> qt.Qobj:
    return (qt.qeye(2) + (-1) ** bit * PAULI[basis]) / 2


def oracle_table(rho: qt.Qobj) -> np.ndarray:
    out = np.zeros((9, 4))
    for s, name in enumerate(SETTING_NAMES):
        for a in (0, 1):
            for b in (0, 1):
                out[s, 2 * a + b] = qt.expect(qt.tensor(projector(name[0], a), projector(name[1], b)), rho)
    return out


def test_setting_order_is_qubit0_basis_major():
    assert SETTING_NAMES == ("xx", "xy", "xz", "yx", "yy", "yz", "zx", "zy", "zz")


@given(st.integers(0, 2**32 - 1))
def test_outcome_table_matches_qutip_projectors(seed):
    rho = random_density_matrix(seed, [2, 2])
    np.testing.assert_allclose(pauli_outcome_table(rho), oracle_table(rho), atol=EXACT)


@pytest.mark.parametrize("seed", range(4))
def test_correlators_of_the_table_are_pauli_expectations(seed):
    rho = random_density_matrix(seed, [2, 2])
    table = pauli_outcome_table(rho)
    for s, name in enumerate(SETTING_NAMES):
        e = table[s, 0] - table[s, 1] - table[s, 2] + table[s, 3]
        assert e == pytest.approx(qt.expect(qt.tensor(PAULI[name[0]], PAULI[name[1]]), rho), abs=EXACT)


def test_phi_plus_and_product_state_tables():
    t = pauli_outcome_table(bell_state("phi+"))
    np.testing.assert_allclose(t[SETTING_NAMES.index("xx")], [0.5, 0, 0, 0.5], atol=EXACT)  # <XX> = +1
    np.testing.assert_allclose(t[SETTING_NAMES.index("yy")], [0, 0.5, 0.5, 0], atol=EXACT)  # <YY> = -1
    np.testing.assert_allclose(t[SETTING_NAMES.index("xy")], [0.25] * 4, atol=EXACT)
    plus = (qt.basis(2, 0) + qt.basis(2, 1)).unit()
    t = pauli_outcome_table(qt.tensor(qt.basis(2, 1), plus))  # |1>|+>: qubit 0 reads Z = -1 (bit 1), qubit 1 X = +1
    np.testing.assert_allclose(t[SETTING_NAMES.index("zx")], [0, 0, 1, 0], atol=EXACT)
    np.testing.assert_allclose(t[SETTING_NAMES.index("zz")], [0, 0, 0.5, 0.5], atol=EXACT)
    np.testing.assert_allclose(t.sum(axis=1), 1.0, atol=EXACT)


@pytest.mark.parametrize("choice", ["cyclic", "blocks", "random"])
def test_tables_feed_sample_counts_and_its_counts_come_back(choice):
    table = pauli_outcome_table(bell_state("psi-"))
    res = sample_counts(table, 9 * 500, seed=5, setting_choice=choice, device="numpy")
    counts = check_count_table("counts", res)
    assert counts.shape == (9, 4) and counts.sum() == 4500
    # Psi- is perfectly anticorrelated in every basis: outcomes 00 and 11 never occur in xx, yy, zz
    for name in ("xx", "yy", "zz"):
        row = counts[SETTING_NAMES.index(name)]
        assert row[0] == row[3] == 0


@pytest.mark.parametrize(
    "counts, match",
    [
        pytest.param(np.ones((3, 4)), r"counts must have shape \(9, 4\).*got shape \(3, 4\)", id="shape"),
        pytest.param(np.full((9, 4), -1.0), r"counts must be >= 0, got -1.0", id="negative"),
        pytest.param(np.full((9, 4), 1.5), r"counts must hold integer counts, got 1.5", id="fraction"),
        pytest.param(
            np.vstack([np.zeros((1, 4)), np.ones((8, 4))]), r"positive total in every setting.*'xx'", id="empty"
        ),
        pytest.param(np.full((9, 4), np.inf), r"counts must be finite", id="inf"),
    ],
)
def test_bad_count_tables_are_rejected_naming_the_parameter(counts, match):
    with pytest.raises(PQMSValueError, match=match):
        check_count_table("counts", counts)


def test_outcome_table_rejects_non_two_qubit_states():
    with pytest.raises(PQMSValueError, match="rho must be a 2-qubit state"):
        pauli_outcome_table(qt.maximally_mixed_dm(3))
