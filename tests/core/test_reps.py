"""Representations: Kraus, superoperator and Choi conversions against QuTiP, round trips, and the vectorisation
convention (column stacking) with its conversion to C order."""

import numpy as np
import pytest
import qutip as qt
from hypothesis import given
from hypothesis import strategies as st
from randomobjects import random_density_matrix, random_kraus

from pqms_physics.core import reps

seeds = st.integers(0, 2**32 - 1)
EXACT = 1e-12  # small dense linear algebra: rounding only


def random_rect_kraus(seed: int, d_in: int, d_out: int, n_ops: int) -> list[np.ndarray]:
    """Kraus operators (d_out x d_in) of a random CPTP map: blocks of a random isometry d_in -> n_ops * d_out
    (n_ops is raised to ceil(d_in / d_out) when needed, so that the isometry exists)."""
    n_ops = max(n_ops, -(-d_in // d_out))
    rng = np.random.default_rng(seed)
    g = rng.normal(size=(n_ops * d_out, d_in)) + 1j * rng.normal(size=(n_ops * d_out, d_in))
    v, _ = np.linalg.qr(g)
    return [v[k * d_out : (k + 1) * d_out, :] for k in range(n_ops)]


def apply_kraus(kraus, rho: np.ndarray) -> np.ndarray:
    return sum(k @ rho @ k.conj().T for k in kraus)


@given(seeds, st.integers(1, 4))
def test_superop_is_column_stacked_vec_of_the_kraus_map(seed, n_ops):
    kraus = random_kraus(seed, 2, n_ops)
    rho = random_density_matrix(seed + 1, [2]).full()
    s = reps.kraus_to_superop(kraus)
    # column stacking: vec(rho)[i + d j] = rho[i, j], i.e. rho.reshape(-1, order="F")
    np.testing.assert_allclose(
        s @ rho.reshape(-1, order="F"), apply_kraus(kraus, rho).reshape(-1, order="F"), atol=EXACT
    )
    np.testing.assert_allclose(s, qt.to_super(qt.kraus_to_super([qt.Qobj(k) for k in kraus])).full(), atol=EXACT)


@given(seeds)
def test_choi_matches_qutip_and_its_definition_and_has_trace_d_in(seed):
    kraus = random_rect_kraus(seed, 2, 3, 2)
    s = reps.kraus_to_superop(kraus)
    choi = reps.superop_to_choi(s)
    # definition: J = sum_ij |i><j| (x) E(|i><j|)
    units = [[np.outer(np.eye(2)[i], np.eye(2)[j]) for j in range(2)] for i in range(2)]
    expected = sum(np.kron(units[i][j], apply_kraus(kraus, units[i][j])) for i in range(2) for j in range(2))
    np.testing.assert_allclose(choi, expected, atol=EXACT)
    qobj_kraus = [qt.Qobj(k, dims=[[3], [2]]) for k in kraus]
    np.testing.assert_allclose(choi, qt.to_choi(sum(qt.sprepost(k, k.dag()) for k in qobj_kraus)).full(), atol=EXACT)
    np.testing.assert_allclose(reps.kraus_to_choi(kraus), choi, atol=EXACT)
    assert np.trace(choi).real == pytest.approx(2.0, abs=EXACT)  # trace = input dimension for a CPTP map


@given(seeds, st.integers(1, 3), st.integers(1, 3), st.integers(1, 3))
def test_kraus_superop_choi_round_trips_for_rectangular_maps(seed, d_in, d_out, n_ops):
    kraus = random_rect_kraus(seed, d_in, d_out, n_ops)
    s = reps.kraus_to_superop(kraus)
    assert s.shape == (d_out**2, d_in**2) and reps.superop_dims(s) == (d_in, d_out)
    choi = reps.superop_to_choi(s)
    np.testing.assert_allclose(reps.choi_to_superop(choi, d_in=d_in), s, atol=EXACT)
    back = reps.choi_to_kraus(choi, d_in=d_in)
    assert all(k.shape == (d_out, d_in) for k in back)
    np.testing.assert_allclose(reps.kraus_to_superop(back), s, atol=1e-10)
    np.testing.assert_allclose(reps.kraus_to_superop(reps.superop_to_kraus(s)), s, atol=1e-10)
    assert reps.is_completely_positive(s, 1e-10) and reps.is_trace_preserving(s, 1e-10)


def test_the_transpose_map_is_trace_preserving_but_not_completely_positive():
    transpose = np.eye(4)[[0, 2, 1, 3]]  # vec(rho^T) = P vec(rho)
    assert reps.is_trace_preserving(transpose, 1e-12)
    assert not reps.is_completely_positive(transpose, 1e-12)
    assert not reps.is_trace_preserving(2 * np.eye(4), 1e-12)


@given(seeds, seeds)
def test_superop_tensor_matches_qutip_super_tensor_with_the_left_factor_first(s1, s2):
    a = reps.kraus_to_superop(random_kraus(s1, 2, 2))
    square = reps.kraus_to_superop(random_kraus(s2, 3, 2))
    qa = qt.Qobj(a, dims=[[[2], [2]], [[2], [2]]], superrep="super")
    qb = qt.Qobj(square, dims=[[[3], [3]], [[3], [3]]], superrep="super")
    np.testing.assert_allclose(reps.superop_tensor(a, square), qt.super_tensor(qa, qb).full(), atol=EXACT)
    # QuTiP's super_tensor needs square maps; a rectangular one is checked on product states, where the tensor
    # product is the product of the images, left factor first
    b = reps.kraus_to_superop(random_rect_kraus(s2, 2, 3, 2))
    ours = reps.superop_tensor(a, b)
    r1, r2 = random_density_matrix(s1, [2]).full(), random_density_matrix(s2, [2]).full()
    out = reps.apply_superop(ours, np.kron(r1, r2))
    np.testing.assert_allclose(out, np.kron(reps.apply_superop(a, r1), reps.apply_superop(b, r2)), atol=EXACT)


@given(seeds, st.permutations([0, 1, 2]))
def test_permute_subsystems_conjugates_by_qutips_permutation(seed, order):
    kraus = [np.kron(k, np.eye(4)) for k in random_kraus(seed, 2, 2)]  # a channel on factor 0 of three
    s = reps.kraus_to_superop(kraus)
    moved = reps.permute_subsystems(s, (2, 2, 2), order)
    rho = random_density_matrix(seed + 7, [2, 2, 2])
    # S'(rho') = P S(P^dagger rho' P) P^dagger with rho' = rho.permute(order)
    inverse = list(np.argsort(order))
    original = qt.Qobj(reps.apply_superop(s, rho.permute(inverse).full()), dims=[[2, 2, 2]] * 2)
    np.testing.assert_allclose(reps.apply_superop(moved, rho.full()), original.permute(order).full(), atol=EXACT)


@pytest.mark.parametrize("keep", [(0,), (2,), (0, 2), (1, 2), (0, 1, 2)])
def test_partial_trace_superop_matches_qutip_ptrace(keep):
    rho = random_density_matrix(3, [2, 3, 2])
    s = reps.partial_trace_superop((2, 3, 2), keep)
    np.testing.assert_allclose(reps.apply_superop(s, rho.full()), rho.ptrace(list(keep)).full(), atol=EXACT)


@given(seeds)
def test_row_stacked_conversion_acts_on_c_order_vectors(seed):
    kraus = random_rect_kraus(seed, 2, 3, 3)
    s = reps.kraus_to_superop(kraus)
    m = reps.column_to_row_stacked(s)
    rho = random_density_matrix(seed, [2]).full()
    np.testing.assert_allclose(m @ rho.reshape(-1), apply_kraus(kraus, rho).reshape(-1), atol=EXACT)
    np.testing.assert_allclose(reps.row_to_column_stacked(m), s, atol=0)


def test_apply_superop_batches_over_leading_axes():
    s = reps.kraus_to_superop(random_kraus(2, 2, 3))
    rhos = np.stack([random_density_matrix(k, [2]).full() for k in range(5)])
    batched = reps.apply_superop(s, rhos)
    for k in range(5):
        np.testing.assert_allclose(batched[k], reps.apply_superop(s, rhos[k]), atol=0)


def test_povm_superop_records_born_probabilities_on_the_diagonal():
    effects = np.array([[[0.7, 0.1], [0.1, 0.2]], [[0.3, -0.1], [-0.1, 0.8]]], dtype=complex)
    rho = random_density_matrix(4, [2]).full()
    out = reps.apply_superop(reps.povm_to_superop(effects), rho)
    np.testing.assert_allclose(out, np.diag([np.trace(e @ rho) for e in effects]), atol=EXACT)


def test_non_square_shapes_are_rejected():
    with pytest.raises(ValueError, match="not a square number"):
        reps.superop_dims(np.zeros((4, 3)))
