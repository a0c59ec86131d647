"""Channels: closed forms vs Liouvillian exponential vs mesolve, algebra, representations, CPTP laws."""

import numpy as np
import pytest
import qutip as qt
from hypothesis import given, settings
from hypothesis import strategies as st
from randomobjects import random_density_matrix, random_kraus

from pqms_physics.core.channels import Channel, kraus_to_superop
from pqms_physics.core.noise import amplitude_damping, dephasing, depolarizing, lindblad_channel, pauli_channel
from pqms_physics.core.states import bell_state, fidelity
from pqms_physics.errors import DimensionError, NotCPTPError

PHI = bell_state("phi+")
RHO_PHI = qt.ket2dm(PHI)
I2, SZ, SM = qt.qeye(2), qt.sigmaz(), qt.destroy(2)  # destroy(2) = |0><1|: decay towards |0>
MESOLVE_OPTS = {"atol": 1e-12, "rtol": 1e-12}
# mesolve's adaptive integrator at these tolerances agrees with exact solutions to ~1e-10
MESOLVE_TOL = 1e-9


def mesolve_final(rho0, c_ops, t_s):
    dims = rho0.dims[0]
    return qt.mesolve(qt.qzero(dims), rho0, [0.0, t_s], c_ops, options=MESOLVE_OPTS).states[-1]


def on_both(op_a, op_b):
    return qt.tensor(op_a, op_b)


# ---------------------------------------------------------------- closed forms, three ways
@pytest.mark.parametrize("gamma, t", [(0.05, 1.0), (0.5, 2.0), (3.0, 0.1)])
def test_dephasing_closed_form_matches_lindblad_exponential_and_mesolve_on_one_half(gamma, t):
    closed = dephasing(gamma_per_s=gamma, t_s=t).on(0, n=2)(RHO_PHI)
    c_ops = [np.sqrt(gamma) * on_both(SZ, I2)]
    expo = lindblad_channel(None, c_ops, t)(RHO_PHI)
    solver = mesolve_final(RHO_PHI, c_ops, t)
    assert (closed - expo).norm() < 1e-12
    assert (closed - solver).norm() < MESOLVE_TOL
    # coherence <00|rho|11> decays as exp(-2 gamma t): F = (1 + exp(-2 gamma t))/2
    assert fidelity(closed, PHI) == pytest.approx((1 + np.exp(-2 * gamma * t)) / 2, abs=1e-14)


@pytest.mark.parametrize("gamma, t", [(0.05, 1.0), (0.7, 1.3)])
def test_dephasing_on_both_halves_matches_mesolve_and_doubles_the_rate(gamma, t):
    ch = dephasing(gamma, t)
    closed = (ch & ch)(RHO_PHI)
    c_ops = [np.sqrt(gamma) * on_both(SZ, I2), np.sqrt(gamma) * on_both(I2, SZ)]
    assert (closed - lindblad_channel(None, c_ops, t)(RHO_PHI)).norm() < 1e-12
    assert (closed - mesolve_final(RHO_PHI, c_ops, t)).norm() < MESOLVE_TOL
    assert fidelity(closed, PHI) == pytest.approx((1 + np.exp(-4 * gamma * t)) / 2, abs=1e-14)


@pytest.mark.parametrize("gamma, t", [(0.5, 1.0), (2.0, 0.3)])
def test_amplitude_damping_closed_form_matches_lindblad_and_mesolve(gamma, t):
    for qubit in (0, 1):
        ops = [I2, I2]
        ops[qubit] = SM
        c_ops = [np.sqrt(gamma) * qt.tensor(*ops)]
        closed = amplitude_damping(gamma, t).on(qubit, n=2)(RHO_PHI)
        assert (closed - lindblad_channel(None, c_ops, t)(RHO_PHI)).norm() < 1e-12
        assert (closed - mesolve_final(RHO_PHI, c_ops, t)).norm() < MESOLVE_TOL
    # |1> population decays as exp(-Gamma t), coherence as exp(-Gamma t / 2)
    plus = qt.ket2dm((qt.basis(2, 0) + qt.basis(2, 1)).unit())
    out = amplitude_damping(gamma, t)(plus).full()
    assert out[1, 1].real == pytest.approx(0.5 * np.exp(-gamma * t), abs=1e-14)
    assert abs(out[0, 1]) == pytest.approx(0.5 * np.exp(-gamma * t / 2), abs=1e-14)


@pytest.mark.parametrize("gamma, t", [(0.1, 1.0), (1.0, 0.4)])
def test_lindblad_depolarizing_equals_nielsen_chuang_depolarizing(gamma, t):
    # L_k = sqrt(gamma) sigma_k, k = x, y, z gives d rho/dt = 4 gamma (I/2 - rho): p = 1 - exp(-4 gamma t)
    for qubit in (0, 1):
        c_ops = []
        for s in (qt.sigmax(), qt.sigmay(), qt.sigmaz()):
            ops = [I2, I2]
            ops[qubit] = s
            c_ops.append(np.sqrt(gamma) * qt.tensor(*ops))
        closed = depolarizing(1 - np.exp(-4 * gamma * t)).on(qubit, n=2)(RHO_PHI)
        assert (closed - lindblad_channel(None, c_ops, t)(RHO_PHI)).norm() < 1e-12
        assert (closed - mesolve_final(RHO_PHI, c_ops, t)).norm() < MESOLVE_TOL


def test_depolarizing_uses_the_nielsen_chuang_parameter_not_the_pauli_one():
    p = 0.3
    rho = random_density_matrix(3, [2])
    expected = (1 - p) * rho + p * qt.qeye(2) / 2
    assert (depolarizing(p)(rho) - expected).norm() < 1e-14
    assert depolarizing(p).allclose(pauli_channel(p / 4, p / 4, p / 4), atol=1e-15)
    assert not depolarizing(p).allclose(pauli_channel(p / 3, p / 3, p / 3), atol=1e-3)


def test_lindblad_channel_includes_the_hamiltonian_part():
    omega, t = 2.0, 0.7  # H = omega/2 sigma_x rotates |0> by angle omega t about X
    out = lindblad_channel(omega / 2 * qt.sigmax(), [], t)(qt.basis(2, 0))
    assert out.full()[1, 1].real == pytest.approx(np.sin(omega * t / 2) ** 2, abs=1e-12)


@given(st.floats(0.0, 5.0), st.floats(0.0, 3.0), st.floats(0.0, 3.0))
def test_dephasing_is_a_semigroup(gamma, t1, t2):
    assert (dephasing(gamma, t2) @ dephasing(gamma, t1)).allclose(dephasing(gamma, t1 + t2), atol=1e-13)


@given(st.floats(0.0, 5.0), st.floats(0.0, 3.0), st.floats(0.0, 3.0))
def test_amplitude_damping_is_a_semigroup(gamma, t1, t2):
    composed = amplitude_damping(gamma, t2) @ amplitude_damping(gamma, t1)
    assert composed.allclose(amplitude_damping(gamma, t1 + t2), atol=1e-13)


# ---------------------------------------------------------------- algebra and its meaning
HADAMARD = Channel.from_unitary(qt.Qobj(np.array([[1, 1], [1, -1]]) / np.sqrt(2)), label="H")


def test_matmul_applies_the_right_operand_first_for_a_non_commuting_pair():
    a, b = amplitude_damping(1.0, 1.0), HADAMARD
    rho = qt.ket2dm(qt.basis(2, 1))
    assert ((b @ a)(rho) - b(a(rho))).norm() < 1e-14
    assert ((b.compose(a))(rho) - b(a(rho))).norm() < 1e-14
    assert ((b @ a)(rho) - a(b(rho))).norm() > 0.1  # the order matters for this pair


def test_tensor_puts_the_left_operand_on_qubit_0():
    damp = amplitude_damping(5.0, 10.0)  # essentially full decay to |0>
    ket_01 = qt.tensor(qt.basis(2, 0), qt.basis(2, 1))
    out_left = (damp & Channel.identity(1))(ket_01)  # acts on qubit 0, which is already |0>
    out_right = (Channel.identity(1) & damp)(ket_01)  # acts on qubit 1: |01> -> |00>
    assert fidelity(out_left, ket_01) == pytest.approx(1.0, abs=1e-12)
    assert fidelity(out_right, qt.tensor(qt.basis(2, 0), qt.basis(2, 0))) == pytest.approx(1.0, abs=1e-12)
    assert (damp & Channel.identity(1)).allclose(damp.on(0, n=2), atol=1e-15)
    assert (Channel.identity(1) & damp).allclose(damp.on(1, n=2), atol=1e-15)


def test_local_channels_on_different_qubits_commute_and_equal_their_tensor_product():
    a, b = amplitude_damping(0.3, 1.0), dephasing(0.2, 1.0)
    assert (a.on(0, 2) @ b.on(1, 2)).allclose(a & b, atol=1e-14)
    assert (b.on(1, 2) @ a.on(0, 2)).allclose(a & b, atol=1e-14)


def test_on_places_the_channel_in_a_three_qubit_register():
    damp = amplitude_damping(50.0, 1.0)
    ket_111 = qt.tensor(qt.basis(2, 1), qt.basis(2, 1), qt.basis(2, 1))
    out = damp.on(1, n=3)(ket_111)
    target = qt.tensor(qt.basis(2, 1), qt.basis(2, 0), qt.basis(2, 1))
    assert fidelity(out, target) == pytest.approx(1.0, abs=1e-12)


def test_channel_applies_to_kets_and_density_matrices_alike():
    ch = dephasing(0.3, 1.0).on(1, n=2)
    assert (ch(PHI) - ch(RHO_PHI)).norm() < 1e-15


def test_power_equals_repeated_composition():
    ch = amplitude_damping(0.2, 0.5) @ dephasing(0.1, 0.5)
    assert ch.power(5).allclose(ch @ ch @ ch @ ch @ ch, atol=1e-14)
    assert ch.power(0).allclose(Channel.identity(1), atol=0)


# ---------------------------------------------------------------- representations
def test_kraus_to_superop_matches_qutips_sprepost():
    kraus = random_kraus(11, dim=2, n_ops=3)
    ours = kraus_to_superop(kraus)
    theirs = sum(qt.sprepost(qt.Qobj(k), qt.Qobj(k).dag()) for k in kraus).full()
    np.testing.assert_allclose(ours, theirs, atol=1e-14)


def test_kraus_superop_and_choi_round_trip_to_the_same_channel():
    ch = Channel.from_kraus(random_kraus(5, dim=2, n_ops=3))
    assert Channel.from_kraus(ch.kraus()).allclose(ch, atol=1e-12)
    assert Channel.from_superop(ch.superop).allclose(ch, atol=1e-12)
    assert Channel.from_superop(ch.choi()).allclose(ch, atol=1e-12)  # choi superrep converted via QuTiP
    assert ch.choi().tr() == pytest.approx(2.0, abs=1e-12)  # Choi trace = input dimension


def test_from_kraus_and_from_superop_agree_with_qutip_to_super():
    x = qt.sigmax()
    assert Channel.from_superop(qt.to_super(x)).allclose(Channel.from_kraus([x]), atol=1e-15)


def test_applying_a_channel_is_one_cached_matrix_vector_product():
    ch = dephasing(0.05, 1.0).on(0, 2) @ amplitude_damping(0.5, 1.0).on(1, 2)
    assert ch.superop_matrix.shape == (16, 16)
    assert ch.superop_matrix is ch.superop_matrix  # cached, not recomputed
    expected = (ch.superop_matrix @ RHO_PHI.full().reshape(-1, order="F")).reshape(4, 4, order="F")
    np.testing.assert_allclose(ch(RHO_PHI).full(), expected, atol=1e-15)  # summation order may differ: rounding


# ---------------------------------------------------------------- CPTP laws (property tests)
seeds = st.integers(0, 2**32 - 1)
n_ops = st.integers(1, 4)


@given(seeds, seeds, n_ops, n_ops)
def test_composition_of_random_channels_stays_cptp(s1, s2, k1, k2):
    a, b = Channel.from_kraus(random_kraus(s1, 2, k1)), Channel.from_kraus(random_kraus(s2, 2, k2))
    assert (b @ a).is_cptp(atol=1e-10)
    assert (a & b).is_cptp(atol=1e-10)
    assert a.on(1, n=2).is_cptp(atol=1e-10)


@given(seeds, seeds, seeds, n_ops)
def test_composed_local_channels_preserve_trace_and_positivity_of_states(s1, s2, s3, k):
    a, b = Channel.from_kraus(random_kraus(s1, 2, k)), Channel.from_kraus(random_kraus(s2, 2, k))
    rho = random_density_matrix(s3, [2, 2])
    out = (a.on(0, 2) @ (b & Channel.identity(1)) @ (a & b))(rho)
    assert out.tr() == pytest.approx(1.0, abs=1e-12)
    assert np.linalg.eigvalsh(out.full()).min() > -1e-12


# ---------------------------------------------------------------- immutability and guards
def test_channels_are_immutable_and_their_arrays_read_only():
    ch = dephasing(0.1, 1.0)
    with pytest.raises(AttributeError):
        ch.label = "x"
    with pytest.raises(ValueError):
        ch.superop_matrix[0, 0] = 2.0
    with pytest.raises(TypeError):
        Channel(np.eye(4), (2,), (2,), "bypass")


def test_ndarray_matmul_channel_does_not_silently_become_an_array():
    with pytest.raises(TypeError):
        np.eye(4) @ dephasing(0.1, 1.0)


@pytest.mark.parametrize(
    "call, exc, match",
    [
        pytest.param(lambda: dephasing(-1.0, 1.0), ValueError, r"gamma_per_s must be >= 0, got -1.0", id="neg-rate"),
        pytest.param(lambda: dephasing(1.0, -2.0), ValueError, r"t_s must be >= 0, got -2.0", id="neg-time"),
        pytest.param(
            lambda: amplitude_damping(float("inf"), 1.0), ValueError, "gamma_per_s must be finite", id="inf-rate"
        ),
        pytest.param(lambda: depolarizing(1.5), ValueError, r"p must be in \[0.0, 1.0\], got 1.5", id="dep-p"),
        pytest.param(
            lambda: pauli_channel(0.5, 0.4, 0.3), ValueError, "p_x \\+ p_y \\+ p_z must be <= 1", id="pauli-sum"
        ),
        pytest.param(lambda: pauli_channel(-0.1, 0.0, 0.0), ValueError, "p_x must be in", id="pauli-neg"),
        pytest.param(lambda: Channel.from_kraus([2 * qt.sigmax()]), NotCPTPError, "trace preserving", id="not-tp"),
        pytest.param(lambda: Channel.from_kraus([]), ValueError, "ops must contain", id="no-ops"),
        pytest.param(
            lambda: Channel.from_kraus([qt.qeye(2), qt.qeye(3)]), DimensionError, r"ops\[1\] has dims", id="mixed-dims"
        ),
        pytest.param(
            lambda: Channel.from_superop(
                qt.Qobj(np.eye(4)[[0, 2, 1, 3]], dims=[[[2], [2]], [[2], [2]]], superrep="super")
            ),
            NotCPTPError,
            "completely positive",
            id="transpose-map",
        ),
        pytest.param(
            lambda: dephasing(0.1, 1.0) @ dephasing(0.1, 1.0).on(0, 2),
            DimensionError,
            "cannot compose",
            id="compose-dims",
        ),
        pytest.param(lambda: dephasing(0.1, 1.0)(RHO_PHI), DimensionError, "rho has dims", id="apply-dims"),
        pytest.param(lambda: dephasing(0.1, 1.0).on(2, n=2), ValueError, "qubit must be <= 1, got 2", id="on-qubit"),
        pytest.param(lambda: dephasing(0.1, 1.0).on(0, n=0), ValueError, "n must be >= 1, got 0", id="on-n"),
        pytest.param(
            lambda: lindblad_channel(None, [qt.sigmaz(), qt.tensor(I2, SZ)], 1.0),
            DimensionError,
            "share square dims",
            id="lindblad-dims",
        ),
        pytest.param(
            lambda: lindblad_channel(None, [qt.sigmaz()], -1.0), ValueError, "t_s must be >= 0", id="lindblad-time"
        ),
        pytest.param(
            lambda: lindblad_channel(None, [], 1.0), ValueError, "needs H or at least one", id="lindblad-empty"
        ),
    ],
)
def test_bad_inputs_raise_naming_the_parameter(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
    assert issubclass(exc, ValueError)


# ---------------------------------------------------------------- registers: preparations, maps that change dims
def test_a_preparation_maps_the_trivial_system_to_its_state():
    rho = random_density_matrix(8, [2, 3])
    prep = Channel.preparation(rho)
    assert prep.in_dims == (1,) and prep.out_dims == (2, 3)
    trivial = qt.Qobj(np.ones((1, 1)), dims=[[1], [1]])
    np.testing.assert_allclose(prep(trivial).full(), rho.full(), atol=1e-15)
    assert prep.is_cptp() and prep.choi().tr() == pytest.approx(1.0, abs=1e-14)


def test_tensor_of_preparations_drops_the_trivial_factors_and_keeps_the_order():
    a, b = random_density_matrix(1, [2]), random_density_matrix(2, [3])
    both = Channel.preparation(a) & Channel.preparation(b)
    assert both.in_dims == (1,) and both.out_dims == (2, 3)
    trivial = qt.Qobj(np.ones((1, 1)), dims=[[1], [1]])
    np.testing.assert_allclose(both(trivial).full(), qt.tensor(a, b).full(), atol=1e-15)


def test_a_four_to_two_qubit_partial_trace_keeps_the_named_factors_in_order():
    # Kraus operators I_A (x) <bc| (x) I_D: the trace over B, C as a channel (A, B, C, D) -> (A, D)
    eye = np.eye(2)
    kraus = [
        qt.Qobj(np.kron(np.kron(eye, np.kron(eye[[b]], eye[[c]])), eye), dims=[[2, 2], [2, 2, 2, 2]])
        for b in (0, 1)
        for c in (0, 1)
    ]
    tr_bc = Channel.from_kraus(kraus)
    assert tr_bc.in_dims == (2, 2, 2, 2) and tr_bc.out_dims == (2, 2)
    rho = random_density_matrix(6, [2, 2, 2, 2])
    np.testing.assert_allclose(tr_bc(rho).full(), rho.ptrace([0, 3]).full(), atol=1e-14)
    assert tr_bc.is_cptp() and tr_bc.choi().tr() == pytest.approx(16.0, abs=1e-12)  # Choi trace = d_in
    assert len(tr_bc.kraus()) == 4 and Channel.from_kraus(tr_bc.kraus()).allclose(tr_bc, atol=1e-12)


@settings(max_examples=15)
@given(seeds, seeds)
def test_on_places_a_two_qubit_channel_on_the_named_qubits(s1, s2):
    u = qt.rand_unitary([2, 2], seed=s1 % 2**31)
    ch = Channel.from_unitary(u) @ Channel.from_kraus(random_kraus(s2, 2, 2)).on(1, n=2)
    rho = random_density_matrix(s1, [2, 2, 2, 2])
    # oracle: move qubits 1, 2 to the front, apply ch (x) I, move them back
    moved = (ch & Channel.identity(2))(rho.permute([1, 2, 0, 3])).permute([2, 0, 1, 3])
    np.testing.assert_allclose(ch.on((1, 2), n=4)(rho).full(), moved.full(), atol=1e-13)
    # the order of the tuple is the order of the channel's factors: (2, 1) swaps the roles
    flipped = (ch & Channel.identity(2))(rho.permute([2, 1, 0, 3])).permute([2, 1, 0, 3])
    np.testing.assert_allclose(ch.on((2, 1), n=4)(rho).full(), flipped.full(), atol=1e-13)
    assert ch.on((0, 1), n=2).allclose(ch, atol=1e-15)


def test_a_placed_channel_stays_cptp():
    two_qubit = Channel.from_kraus([qt.Qobj(k, dims=[[2, 2], [2, 2]]) for k in random_kraus(3, 4, 3)])
    assert two_qubit.on((2, 0), n=3).is_cptp()


def test_on_with_one_index_in_a_tuple_equals_the_integer_form():
    damp = amplitude_damping(0.4, 1.0)
    assert damp.on((2,), n=3).allclose(damp.on(2, n=3), atol=0)


def test_from_superop_accepts_column_stacked_arrays_with_register_dims():
    ch = dephasing(0.2, 1.0) & amplitude_damping(0.1, 1.0)
    rebuilt = Channel.from_superop(ch.superop_matrix, in_dims=(2, 2), out_dims=(2, 2))
    assert rebuilt.allclose(ch, atol=0)
    assert Channel.from_superop(dephasing(0.2, 1.0).superop_matrix).in_dims == (2,)


def test_from_povm_records_outcome_probabilities_in_a_classical_register():
    rho = random_density_matrix(3, [2])
    theta = 0.4  # a two-outcome unsharp measurement of Z
    effects = [np.diag([np.cos(theta) ** 2, np.sin(theta) ** 2]), np.diag([np.sin(theta) ** 2, np.cos(theta) ** 2])]
    meas = Channel.from_povm(effects)
    assert meas.in_dims == (2,) and meas.out_dims == (2,) and meas.is_cptp()
    expected = np.diag([np.trace(e @ rho.full()).real for e in effects])
    np.testing.assert_allclose(meas(rho).full(), expected, atol=1e-15)


@pytest.mark.parametrize(
    "call, match",
    [
        pytest.param(
            lambda: dephasing(0.1, 1.0) @ Channel.identity(2),
            r"first's output dims \[2, 2\] differ from "
            r"the second's input dims \[2\]",
            id="compose-names-both-dims",
        ),
        pytest.param(
            lambda: Channel.identity(2)(qt.basis(3, 0)),
            r"rho has dims \[3\], the channel expects \[2, 2\]",
            id="apply-names-both-dims",
        ),
        pytest.param(
            lambda: Channel.identity(2).on((1,), n=3),
            r"qubit must name 2 factor\(s\) for a channel on dims "
            r"\[2, 2\], got 1",
            id="on-count",
        ),
        pytest.param(
            lambda: Channel.preparation(qt.basis(2, 0)).on(0, n=2),
            r"on\(\) needs a channel with equal input "
            r"and output dims",
            id="on-preparation",
        ),
        pytest.param(
            lambda: Channel.from_superop(np.eye(16), in_dims=(2,), out_dims=(2,)),
            r"maps dimension 4 to 4, "
            r"but in_dims \[2\] -> out_dims \[2\]",
            id="superop-dims",
        ),
        pytest.param(
            lambda: Channel.from_povm([np.eye(2) / 2] * 2, out_dims=(3,)),
            r"do not fit in_dims \[2\] -> "
            r"out_dims \[3\]",
            id="povm-dims",
        ),
        pytest.param(
            lambda: Channel.identity(1).power(2) @ Channel.preparation(qt.basis(3, 0)),
            r"output dims \[3\] differ from the second's input dims \[2\]",
            id="compose-after-preparation",
        ),
    ],
)
def test_dimension_mismatches_raise_dimension_error_naming_both_sides(call, match):
    with pytest.raises(DimensionError, match=match):
        call()


@pytest.mark.parametrize(
    "call, match",
    [
        pytest.param(
            lambda: Channel.identity(2).on((0, 0), n=3),
            r"qubit must hold distinct factors, got \[0, 0\]",
            id="on-repeated",
        ),
        pytest.param(lambda: Channel.identity(2).on((0, 3), n=3), r"qubit\[1\] must be <= 2, got 3", id="on-range"),
        pytest.param(
            lambda: Channel.from_povm([np.eye(2), np.eye(2) / 2]), "effects must sum to the identity", id="povm-sum"
        ),
        pytest.param(
            lambda: Channel.from_povm([np.diag([1.5, 0.5]), np.diag([-0.5, 0.5])]),
            "positive semidefinite",
            id="povm-negative",
        ),
        pytest.param(
            lambda: Channel.preparation(2 * qt.ket2dm(qt.basis(2, 0))),
            "state must have trace 1",
            id="preparation-trace",
        ),
    ],
)
def test_bad_register_arguments_raise_naming_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()
