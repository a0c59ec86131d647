"""Pool-bias experiments: exact joint tables, and Monte Carlo on both samplers behaving as quantum mechanics says.

Statistical tests use seeds fixed before looking at any result. Unless stated otherwise each statistical
assertion has a false-failure probability of at most 1e-3 for a correct implementation (KS p-value > 1e-3,
chi-square quantiles at 5e-4 / 1 - 5e-4), or ~5.7e-7 (5 sigma) per comparison where stated.
"""

import json
import math
from dataclasses import FrozenInstanceError

import numpy as np
import pytest
import qutip as qt
from hypothesis import given
from hypothesis import strategies as st
from nct_helpers import cnot_channel, receiver_damping, receiver_reset, sender_local_channels
from randomobjects import random_density_matrix, random_kraus
from scipy import stats

from pqms_physics.core.channels import Channel
from pqms_physics.core.noise import amplitude_damping, dephasing
from pqms_physics.core.states import bell_state, werner_state
from pqms_physics.errors import DimensionError
from pqms_physics.nct import pool_bias_experiment, pool_probabilities
from pqms_physics.nct.pools import pool_bias_from_table

KS_MIN_P = 1e-3
H = np.array([[1, 1], [1, -1]]) / math.sqrt(2)
S_DAG = np.diag([1, -1j])
# U with U sigma U^dagger = Z for each basis: measuring sigma = rotating by U, then measuring Z
TO_Z = {"z": np.eye(2), "x": H, "y": H @ S_DAG}


@pytest.fixture
def one_numba_thread():
    """Run many tiny kernel calls on one thread: counts do not depend on the thread count (the kernels'
    promise, tested there), and on a loaded 2-core machine each parallel launch can cost ~50 ms."""
    import numba

    before = numba.get_num_threads()
    numba.set_num_threads(1)
    yield
    numba.set_num_threads(before)


def _rotated_diagonal(rho: qt.Qobj, basis: str) -> np.ndarray:
    """P(a, b) computed independently: rotate both qubits so that `basis` becomes Z, read the diagonal."""
    u = np.kron(TO_Z[basis], TO_Z[basis])
    return np.real(np.diag(u @ rho.full() @ u.conj().T))


# ----------------------------------------------------------------------------- exact tables
@pytest.mark.parametrize(
    "basis, expected",
    [
        pytest.param("z", [0.5, 0, 0, 0.5], id="z-correlated"),
        pytest.param("x", [0.5, 0, 0, 0.5], id="x-correlated"),
        pytest.param("y", [0, 0.5, 0.5, 0], id="y-anticorrelated"),  # <Phi+|YY|Phi+> = -1
    ],
)
def test_phi_plus_joint_table_has_perfect_pauli_correlations(basis, expected):
    table = pool_probabilities(basis=basis)
    np.testing.assert_allclose(table, [expected, expected], atol=1e-15)


@pytest.mark.parametrize("basis", ["z", "x", "y"])
@pytest.mark.parametrize("name", list(sender_local_channels()))
def test_joint_table_matches_rotated_density_matrix_diagonal(basis, name):
    ch = sender_local_channels()[name]
    rho = werner_state(0.9)
    table = pool_probabilities(rho, ch, basis)
    np.testing.assert_allclose(table[0], _rotated_diagonal(rho, basis), atol=1e-14)
    np.testing.assert_allclose(table[1], _rotated_diagonal(ch.on(0, 2)(rho), basis), atol=1e-14)


@given(
    kraus_seed=st.integers(0, 2**32 - 1), state_seed=st.integers(0, 2**32 - 1), basis=st.sampled_from(["z", "x", "y"])
)
def test_receiver_marginal_of_joint_table_is_unchanged_by_any_sender_cptp_map(kraus_seed, state_seed, basis):
    table = pool_probabilities(
        random_density_matrix(state_seed, [2, 2]), Channel.from_kraus(random_kraus(kraus_seed, 2, 3)), basis
    )
    receiver_p1 = table[:, 1] + table[:, 3]
    assert abs(receiver_p1[1] - receiver_p1[0]) < 1e-12
    np.testing.assert_allclose(table.sum(axis=1), 1.0, atol=1e-12)


def test_sender_amplitude_damping_changes_sender_marginal_but_not_receiver_marginal():
    lam = 1 - math.exp(-0.7)
    table = pool_probabilities(sender_channel=amplitude_damping(0.7, 1.0))
    assert table[1, 2] + table[1, 3] == pytest.approx((1 - lam) / 2, abs=1e-14)  # sender P(a=1)
    assert table[1, 1] + table[1, 3] == pytest.approx(0.5, abs=1e-14)  # receiver P(b=1)


@pytest.mark.parametrize(
    "channel, expected",
    [
        pytest.param(cnot_channel(), -0.5, id="cnot: receiver -> |0>"),
        pytest.param(receiver_damping(0.3), -0.15, id="receiver damping 0.3"),
        pytest.param(receiver_reset(0.2, to=1), +0.1, id="receiver reset to |1> 0.2"),
    ],
)
def test_non_local_operations_have_the_closed_form_exact_bias(channel, expected):
    r = pool_bias_experiment(1000, seed=1, sender_channel=channel, sampler="multinomial")
    assert r.expected_delta_mu == pytest.approx(expected, abs=1e-14)


# ----------------------------------------------------------------------------- sampling mechanics
def test_kernel_counts_equal_numpy_twin_counts_and_are_reproducible():
    ch = amplitude_damping(0.7, 1.0)
    cpu = pool_bias_experiment(3000, seed=42, sender_channel=ch, basis="x")
    twin = pool_bias_experiment(3000, seed=42, sender_channel=ch, basis="x", device="numpy")
    again = pool_bias_experiment(3000, seed=42, sender_channel=ch, basis="x")
    other = pool_bias_experiment(3000, seed=43, sender_channel=ch, basis="x")
    assert np.array_equal(cpu.counts, twin.counts) and np.array_equal(cpu.counts, again.counts)
    assert not np.array_equal(cpu.counts, other.counts)
    assert cpu.counts.sum(axis=1).tolist() == [3000, 3000]
    assert cpu.setting_choice == "cyclic" and cpu.stream_version == twin.stream_version


@pytest.mark.parametrize("sampler", ["kernel", "multinomial"])
def test_z_diagonal_sender_maps_give_identical_z_basis_counts_to_doing_nothing(sampler):
    # dephasing and a Z measurement leave the Z-basis joint table of Phi+ unchanged, so the same seed
    # draws the same counts: the receiver's data cannot depend on the sender's choice
    runs = [
        pool_bias_experiment(100_000, seed=9, sender_channel=ch, sampler=sampler)
        for ch in (None, dephasing(0.05, 1.0), sender_local_channels()["z_measurement"])
    ]
    assert all(np.array_equal(runs[0].counts, r.counts) for r in runs[1:])


@pytest.mark.parametrize("sampler", ["kernel", "multinomial"])
def test_window_counts_add_up_to_the_run_counts(sampler):
    r = pool_bias_experiment(10_000, seed=4, sampler=sampler, window_per_pool=500)
    assert r.window_counts.shape == (20, 2, 4)
    assert np.array_equal(r.window_counts.sum(axis=0), r.counts)
    assert np.all(r.window_counts.sum(axis=2) == 500)


# ----------------------------------------------------------------------------- statistics under no-signalling
def _no_signalling_runs(channel, sampler, sizes, n_runs=200, seed0=0):
    # the exact table is compiled once (as pool_bias_experiment does per call), then sampled n_runs times
    table = pool_probabilities(sender_channel=channel)
    runs = [
        pool_bias_from_table(
            table,
            sizes[i % len(sizes)],
            seed0 + i,
            stream=0,
            sampler=sampler,
            device="cpu",
            basis="z",
            sender_label=channel.label,
        )
        for i in range(n_runs)
    ]
    n = np.array([r.pairs_per_pool for r in runs], dtype=float)
    return runs, np.array([r.delta_mu for r in runs]) / np.sqrt(0.5 / n), np.array([r.z for r in runs])


@pytest.mark.parametrize("name", list(sender_local_channels()))
def test_z_is_standard_normal_for_every_local_sender_channel_multinomial(name):
    _, scaled, z = _no_signalling_runs(sender_local_channels()[name], "multinomial", [1000, 10**4, 10**5, 10**6])
    assert stats.kstest(z, "norm").pvalue > KS_MIN_P
    # delta_mu / sqrt(0.5/N) is N(0, 1) too: the no-signalling standard error is the right scale
    assert stats.kstest(scaled, "norm").pvalue > KS_MIN_P


@pytest.mark.parametrize("name", ["documents_dephasing", "amplitude_damping"])
def test_z_is_standard_normal_and_stderr_is_sqrt_half_over_n_on_the_kernel(name, one_numba_thread):
    runs, scaled, z = _no_signalling_runs(sender_local_channels()[name], "kernel", [1000, 10**4, 10**5], seed0=1000)
    assert stats.kstest(z, "norm").pvalue > KS_MIN_P
    assert stats.kstest(scaled, "norm").pvalue > KS_MIN_P
    # the spread of delta_mu over runs: (n-1) s^2 / sigma^2 ~ chi2(n-1)
    chi2 = (len(scaled) - 1) * np.var(scaled, ddof=1)
    assert stats.chi2.ppf(5e-4, len(scaled) - 1) < chi2 < stats.chi2.isf(5e-4, len(scaled) - 1)
    # each run's pooled stderr is sqrt(0.5/N) (1 - 2 (p_hat - 1/2)^2 + ...), p_hat from 2N fair bits:
    # |p_hat - 1/2| < 5 sd = 5/sqrt(8N) gives |stderr/sigma - 1| < 6.25/N (5 sigma per run)
    for r in runs:
        assert abs(r.stderr / math.sqrt(0.5 / r.pairs_per_pool) - 1) < 6.25 / r.pairs_per_pool


def test_window_z_scores_of_one_long_kernel_run_are_standard_normal():
    r = pool_bias_experiment(400_000, seed=77, sender_channel=dephasing(0.05, 1.0), window_per_pool=2000)
    w = r.window_statistics()
    assert w.z.shape == (200,)
    assert stats.kstest(w.z, "norm").pvalue > KS_MIN_P
    # the run's delta_mu is the mean of the window delta_mu (equal windows)
    assert r.delta_mu == pytest.approx(w.delta_mu.mean(), abs=1e-15)


def test_window_z_scores_at_the_documents_scale_are_standard_normal():
    # 1e8 pairs per pool (the documents' N) in 1000 windows of 1e5 per pool: 1000 independent z values
    r = pool_bias_experiment(10**8, seed=2025, sender_channel=dephasing(0.05, 1.0), window_per_pool=10**5)
    w = r.window_statistics()
    assert stats.kstest(w.z, "norm").pvalue > KS_MIN_P
    chi2 = float(np.sum(w.z**2))  # sum of 1000 squared N(0, 1): chi2(1000)
    assert stats.chi2.ppf(5e-4, 1000) < chi2 < stats.chi2.isf(5e-4, 1000)
    assert abs(r.z) < 3.29  # the whole run: |z| < 3.29 fails with probability 1e-3
    assert r.stderr == pytest.approx(math.sqrt(0.5e-8), rel=1e-6)  # 6.25/N bound, see above


@pytest.mark.slow
def test_z_is_standard_normal_at_1e9_pairs_per_pool_and_over_many_1e8_runs():
    # about 17 s on 2 cores: 1e9 pairs per pool in 1000 windows, then 40 independent runs at 1e8
    ch = dephasing(0.05, 1.0)
    big = pool_bias_experiment(10**9, seed=31, sender_channel=ch, window_per_pool=10**6)
    assert stats.kstest(big.window_statistics().z, "norm").pvalue > KS_MIN_P
    z = np.array([pool_bias_experiment(10**8, seed=100 + s, sender_channel=ch).z for s in range(40)])
    assert stats.kstest(z, "norm").pvalue > KS_MIN_P
    assert stats.chi2.ppf(5e-4, 40) < float(np.sum(z**2)) < stats.chi2.isf(5e-4, 40)


def test_cnot_presented_as_local_operation_is_detected():
    r = pool_bias_experiment(1000, seed=5, sender_channel=cnot_channel())
    # pool 1 receiver bits are all 0; pool 0 mean ~ 1/2 with sd sqrt(0.25/1000): 5 sigma
    assert r.mu[1] == 0.0
    assert abs(r.delta_mu + 0.5) < 5 * math.sqrt(0.25 / 1000)
    assert r.detected(1e-6) and r.p_value < 1e-20


def test_sender_bits_are_sampled_from_the_joint_table():
    # sender damping: P(a=1) in pool 1 is (1 - lam)/2; 5 sigma binomial tolerance at N = 1e6
    lam, n = 1 - math.exp(-0.7), 10**6
    r = pool_bias_experiment(n, seed=8, sender_channel=amplitude_damping(0.7, 1.0))
    a1 = (r.counts[1, 2] + r.counts[1, 3]) / n
    assert abs(a1 - (1 - lam) / 2) < 5 * math.sqrt(0.25 / n)


# ----------------------------------------------------------------------------- results and inputs
def test_result_is_immutable_and_serialises_its_provenance():
    r = pool_bias_experiment(1000, seed=3, sender_channel=dephasing(0.05, 1.0))
    with pytest.raises(FrozenInstanceError):
        r.z = 0.0
    with pytest.raises(ValueError):
        r.counts[0, 0] = 1
    with pytest.raises(ValueError, match=r"alpha must be in \(0, 1\), got 1.5"):
        r.detected(1.5)
    d = json.loads(json.dumps(r.to_dict()))
    assert d["seed"] == 3 and d["pairs_per_pool"] == 1000 and d["sampler"] == "kernel"
    assert d["stream_version"] == r.stream_version and d["counts"] == r.counts.tolist()


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        pytest.param(dict(pairs_per_pool=0), ValueError, "pairs_per_pool must be >= 1, got 0", id="pairs"),
        pytest.param(dict(pairs_per_pool=1.5), ValueError, "pairs_per_pool must be an integer", id="pairs-float"),
        pytest.param(dict(seed=-1), ValueError, "seed must be >= 0, got -1", id="seed"),
        pytest.param(dict(sampler="exact"), ValueError, "sampler must be one of", id="sampler"),
        pytest.param(dict(basis="w"), ValueError, "basis must be one of", id="basis"),
        pytest.param(dict(device="gpu"), ValueError, "device must be one of", id="device"),
        pytest.param(dict(stream=-2), ValueError, "stream must be >= 0", id="stream"),
        pytest.param(dict(window_per_pool=300), ValueError, "window_per_pool must divide", id="window"),
        pytest.param(dict(sender_channel="dephasing"), ValueError, "sender_channel must be a Channel", id="channel"),
        pytest.param(
            dict(sender_channel=Channel.identity(3)),
            DimensionError,
            "sender_channel must act on one qubit",
            id="channel-dims",
        ),
        pytest.param(dict(state=bell_state("phi+") * 2), ValueError, "state must be a normalised ket", id="state"),
        pytest.param(dict(state=qt.basis(2, 0)), DimensionError, "state must be a 2-qubit state", id="state-dims"),
    ],
)
def test_bad_input_raises_value_error_naming_the_parameter(kwargs, exc, match):
    args = dict(pairs_per_pool=1000, seed=1) | kwargs
    with pytest.raises(exc, match=match):
        pool_bias_experiment(**args)
