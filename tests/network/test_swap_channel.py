"""Swapping as a channel (A, B, C, D) -> (A, D) and as an instrument, against the functional swap, an
explicit QuTiP circuit (tests/helpers/chains_helpers.py) and the chain fast paths."""

import numpy as np
import pytest
import qutip as qt
from chains_helpers import CORRECTION, PAULIS, bell_measurement_unitary, explicit_swap, readout_povm
from hypothesis import given, settings
from hypothesis import strategies as st
from randomobjects import random_density_matrix, random_kraus

from pqms_physics.conventions import BELL_NAMES
from pqms_physics.core.channels import Channel
from pqms_physics.core.noise import amplitude_damping, dephasing, depolarizing
from pqms_physics.core.states import bell_state, fidelity, werner_state
from pqms_physics.errors import DimensionError, PQMSValueError
from pqms_physics.network.chains import chain_map, chain_state, fidelity_vs_hops
from pqms_physics.network.preparation import pair_source, prepare
from pqms_physics.network.swap_channel import swap_channel, swap_instrument
from pqms_physics.network.swapping import swap

I2 = qt.qeye(2)
# Both sides are exact linear algebra on at most 256-dimensional vectors: agreement is limited by rounding.
EXACT = 1e-12
#: read Bell index -> (phase bit on B, parity bit on C)
BITS = {
    BELL_NAMES.index(name): bits
    for bits, name in {(0, 0): "phi+", (0, 1): "psi+", (1, 1): "psi-", (1, 0): "phi-"}.items()
}

probabilities = st.floats(0.0, 1.0)
seeds = st.integers(0, 2**32 - 1)


def memory_from(kind: int, seed: int):
    """None, a Pauli memory, a non-Pauli memory, or a random CPTP memory."""
    return [None, dephasing(0.4, 1.0), amplitude_damping(0.7, 1.0), Channel.from_kraus(random_kraus(seed, 2, 3))][kind]


def explicit_branch(rho4: qt.Qobj, j: int, p: float, eta: float, memory) -> qt.Qobj:
    """Unnormalised A-D state of the runs that read Bell outcome j: the circuit of chains_helpers, one branch."""
    u = bell_measurement_unitary()
    mixed = qt.tensor(rho4.ptrace([0, 3]), qt.qeye([2, 2]) / 4).permute([0, 2, 3, 1])
    rho = p * (u * rho4 * u.dag()) + (1 - p) * mixed
    m_b, m_c = BITS[j]
    effect = qt.tensor(I2, readout_povm(m_b, eta), readout_povm(m_c, eta), I2)
    cond = (effect * rho).ptrace([0, 3])
    if memory is not None:
        cond = qt.vector_to_operator(qt.super_tensor(memory.superop, memory.superop) * qt.operator_to_vector(cond))
    corr = qt.tensor(I2, PAULIS[CORRECTION[(m_b, m_c)]])
    return corr * cond * corr.dag()


# ---------------------------------------------------------------- the channel
@pytest.mark.parametrize(
    "kw",
    [
        {},
        dict(gate_fidelity=0.8, measurement_fidelity=0.9),
        dict(gate_fidelity=0.6, measurement_fidelity=0.7, memory=amplitude_damping(0.5, 1.0)),
    ],
)
def test_swap_channel_is_a_cptp_map_from_four_qubits_to_two_with_choi_trace_16(kw):
    ch = swap_channel(**kw)
    assert ch.in_dims == (2, 2, 2, 2) and ch.out_dims == (2, 2)
    assert ch.superop_matrix.shape == (16, 256)
    assert ch.is_cptp()
    assert ch.choi().tr() == pytest.approx(16.0, abs=1e-12)  # Choi trace = input dimension 2**4


@settings(max_examples=25)
@given(seeds, seeds, probabilities, probabilities, st.integers(0, 3), seeds)
def test_swap_channel_on_product_states_equals_the_functional_swap(s1, s2, p, eta, kind, s3):
    rho_ab, rho_cd = random_density_matrix(s1, [2, 2]), random_density_matrix(s2, [2, 2])
    memory = memory_from(kind, s3)
    out = swap_channel(gate_fidelity=p, measurement_fidelity=eta, memory=memory)(qt.tensor(rho_ab, rho_cd))
    expected = swap(rho_ab, rho_cd, p, eta, memory=memory)
    np.testing.assert_allclose(out.full(), expected.full(), atol=EXACT, rtol=0)
    assert out.dims == [[2, 2], [2, 2]]


@settings(max_examples=15)
@given(seeds, probabilities, probabilities, st.integers(0, 3), seeds)
def test_swap_channel_on_entangled_four_qubit_inputs_matches_the_explicit_circuit(seed, p, eta, kind, s2):
    # swap() only takes product inputs; the channel is defined on every four-qubit state
    rho4 = random_density_matrix(seed, [2, 2, 2, 2])
    memory = memory_from(kind, s2)
    out = swap_channel(gate_fidelity=p, measurement_fidelity=eta, memory=memory)(rho4)
    expected = sum(explicit_branch(rho4, j, p, eta, memory) for j in range(4))
    np.testing.assert_allclose(out.full(), expected.full(), atol=EXACT, rtol=0)


def test_swap_channel_matches_the_explicit_circuit_oracle_of_the_functional_tests():
    rho_ab, rho_cd = random_density_matrix(1, [2, 2]), random_density_matrix(2, [2, 2])
    mem = dephasing(0.3, 1.0)
    out = swap_channel(gate_fidelity=0.9, measurement_fidelity=0.8, memory=mem)(qt.tensor(rho_ab, rho_cd))
    expected = explicit_swap(rho_ab, rho_cd, 0.9, 0.8, memory=mem.superop)
    np.testing.assert_allclose(out.full(), expected.full(), atol=EXACT, rtol=0)


@pytest.mark.parametrize("p, eta", [(1.0, 1.0), (0.9, 0.95), (0.5, 0.6)])
def test_werner_inputs_follow_the_duer_closed_form(p, eta):
    # Duer et al. 1999: w' = p w1 w2 (4 eta^2 - 1)/3, F = 1/4 + (3/4) w'
    f1, f2 = 0.93, 0.81
    w1, w2 = (4 * f1 - 1) / 3, (4 * f2 - 1) / 3
    out = swap_channel(gate_fidelity=p, measurement_fidelity=eta)(qt.tensor(werner_state(f1), werner_state(f2)))
    assert fidelity(out, bell_state("phi+")) == pytest.approx(
        0.25 + 0.75 * p * w1 * w2 * (4 * eta**2 - 1) / 3, abs=EXACT
    )


def test_swap_channel_is_built_once_per_parameter_set():
    mem = dephasing(0.2, 1.0)
    a = swap_channel(gate_fidelity=0.9, measurement_fidelity=0.95, memory=mem)
    assert swap_channel(gate_fidelity=0.9, measurement_fidelity=0.95, memory=dephasing(0.2, 1.0)) is a
    assert swap_channel(gate_fidelity=0.9, measurement_fidelity=0.95) is not a


def test_swap_consumes_b_and_c_and_keeps_a_then_d():
    # |0>_A |Phi+>_BC |1>_D: the middle qubits are consumed, the outer ones come out in the order A, D
    rho = qt.tensor(qt.basis(2, 0), bell_state("phi+"), qt.basis(2, 1))
    out = swap_channel()(rho)
    assert fidelity(out, qt.tensor(qt.basis(2, 0), qt.basis(2, 1))) == pytest.approx(1.0, abs=EXACT)


@pytest.mark.parametrize(
    "call, exc, match",
    [
        pytest.param(
            lambda: swap_channel(gate_fidelity=1.5), PQMSValueError, r"gate_fidelity must be in \[0.0, 1.0\]", id="p"
        ),
        pytest.param(
            lambda: swap_channel(measurement_fidelity=-0.1), PQMSValueError, "measurement_fidelity must be in", id="eta"
        ),
        pytest.param(
            lambda: swap_channel(memory=dephasing(0.1, 1.0).on(0, 2)),
            DimensionError,
            "memory must be a one-qubit Channel",
            id="memory-dims",
        ),
        pytest.param(
            lambda: swap_channel()(werner_state(0.9)),
            DimensionError,
            r"rho has dims \[2, 2\], the channel "
            r"expects \[2, 2, 2, 2\]",
            id="apply-dims",
        ),
        pytest.param(
            lambda: swap_channel() @ swap_channel(),
            DimensionError,
            r"first's output dims \[2, 2\] differ from the second's input dims \[2, 2, 2, 2\]",
            id="compose",
        ),
        pytest.param(lambda: swap_channel(0.9), TypeError, "positional", id="keyword-only"),
    ],
)
def test_bad_inputs_raise_naming_the_parameter(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ---------------------------------------------------------------- the instrument
@pytest.mark.parametrize("p, eta, kind", [(1.0, 1.0, 0), (0.85, 0.9, 2), (0.7, 0.6, 3)])
def test_instrument_branches_sum_to_the_channel_and_match_the_circuit_branch_by_branch(p, eta, kind):
    memory = memory_from(kind, 5)
    inst = swap_instrument(gate_fidelity=p, measurement_fidelity=eta, memory=memory)
    assert inst.outcomes == BELL_NAMES and len(inst) == 4
    total = sum(inst.branch_superop(j) for j in range(4))
    np.testing.assert_allclose(
        total, swap_channel(gate_fidelity=p, measurement_fidelity=eta, memory=memory).superop_matrix, atol=1e-14, rtol=0
    )
    assert inst.channel().is_cptp()
    rho4 = random_density_matrix(9, [2, 2, 2, 2])
    for j in range(4):
        np.testing.assert_allclose(
            inst.apply(j, rho4).full(), explicit_branch(rho4, j, p, eta, memory).full(), atol=EXACT, rtol=0
        )


@settings(max_examples=20)
@given(seeds, seeds, probabilities, probabilities)
def test_branch_traces_are_the_probabilities_of_reading_each_bell_outcome(s1, s2, p, eta):
    rho_ab, rho_cd = random_density_matrix(s1, [2, 2]), random_density_matrix(s2, [2, 2])
    rho4 = qt.tensor(rho_ab, rho_cd)
    # true outcome k: Born rule on |B_k>_BC with the working gate, 1/4 each with the failed gate;
    # read j: each of the two bits (phase, parity) read right with probability eta
    true = np.array(
        [p * qt.expect(qt.tensor(I2, bell_state(name).proj(), I2), rho4) + (1 - p) / 4 for name in BELL_NAMES]
    )
    read = np.array(
        [
            [np.prod([eta if bj == bk else 1 - eta for bj, bk in zip(BITS[j], BITS[k], strict=True)]) for k in range(4)]
            for j in range(4)
        ]
    )
    inst = swap_instrument(gate_fidelity=p, measurement_fidelity=eta)
    probs = inst.probabilities(rho4)
    np.testing.assert_allclose(probs, read @ true, atol=EXACT, rtol=0)
    assert probs.sum() == pytest.approx(1.0, abs=EXACT)
    for j in range(4):
        assert inst.apply(j, rho4).tr() == pytest.approx(probs[j], abs=EXACT)


def test_ideal_swap_of_two_phi_plus_pairs_gives_phi_plus_in_every_branch():
    inst = swap_instrument()
    rho4 = qt.tensor(bell_state("phi+"), bell_state("phi+"))
    for j in range(4):
        post = inst.apply(j, rho4)
        assert post.tr() == pytest.approx(0.25, abs=EXACT)
        assert fidelity(post / post.tr(), bell_state("phi+")) == pytest.approx(1.0, abs=EXACT)


# ---------------------------------------------------------------- a chain as a composition
def composed_chain(link: Channel, n: int, swap_ch: Channel) -> Channel:
    """The preparation of the end-to-end pair: C_1 = link, C_{m+1} = swap @ (C_m & link)."""
    chain = link
    for _ in range(n - 1):
        chain = swap_ch @ (chain & link)
    return chain


@pytest.mark.parametrize(
    "link_state",
    [
        pytest.param(werner_state(0.95), id="werner-fast-path"),
        pytest.param(amplitude_damping(0.3, 1.0).on(1, n=2)(bell_state("phi+")), id="damped-general-path"),
        pytest.param(random_density_matrix(4, [2, 2]), id="random-general-path"),
    ],
)
@pytest.mark.parametrize(
    "p, eta, memory", [(1.0, 1.0, None), (0.95, 0.97, dephasing(0.1, 1.0)), (0.9, 0.93, depolarizing(0.05))]
)
def test_repeated_composition_of_swap_and_links_is_the_repeater_chain(link_state, p, eta, memory):
    link = pair_source(link_state)
    swap_ch = swap_channel(gate_fidelity=p, measurement_fidelity=eta, memory=memory)
    hops = [1, 2, 3, 4]
    composed = [prepare(composed_chain(link, n, swap_ch)) for n in hops]
    for n, state in zip(hops, composed, strict=True):
        expected = chain_state(link_state, n, p, eta, memory=memory)
        np.testing.assert_allclose(state.full(), expected.full(), atol=1e-11, rtol=0)
    fids = [fidelity(s, bell_state("phi+")) for s in composed]
    np.testing.assert_allclose(fids, fidelity_vs_hops(link_state, hops, p, eta, memory=memory), atol=1e-11, rtol=0)


def test_noisy_links_compose_as_preparations():
    # noise.on(1, n=2) @ pair_source(...) is a noisy link; two of them swapped give exp(-2 gamma (t1 + t2))
    gamma, t1, t2 = 0.5, 0.1, 0.3
    link1 = dephasing(gamma, t1).on(1, n=2) @ pair_source(bell_state("phi+"))
    link2 = dephasing(gamma, t2).on(1, n=2) @ pair_source(bell_state("phi+"))
    out = prepare(swap_channel() @ (link1 & link2))
    assert fidelity(out, bell_state("phi+")) == pytest.approx((1 + np.exp(-2 * gamma * (t1 + t2))) / 2, abs=EXACT)


@pytest.mark.parametrize("memory", [None, amplitude_damping(0.4, 1.0)])
def test_chain_map_is_the_column_stacked_superoperator_of_swapping_with_one_more_link(memory):
    # one vectorisation convention: chains.chain_map equals the composed channel's superoperator, entry by entry
    link = random_density_matrix(12, [2, 2])
    step = swap_channel(gate_fidelity=0.9, measurement_fidelity=0.95, memory=memory) @ (
        Channel.identity(2) & pair_source(link)
    )
    assert step.in_dims == (2, 2) and step.out_dims == (2, 2)
    m = chain_map(link.full(), 0.9, 0.95, None if memory is None else memory.superop_matrix)
    np.testing.assert_allclose(m, step.superop_matrix, atol=EXACT, rtol=0)
