"""signalling_trial: bits through the pool-bias protocol decode at chance for local operations, and not otherwise.

Seeds and messages are fixed in advance. Interval checks use 99.9% Clopper-Pearson intervals, so each has a
false-failure probability of at most 1e-3 for a correct implementation.
"""

import json

import numpy as np
import pytest
from nct_helpers import receiver_reset, sender_local_channels

from pqms_physics.nct import confidence_to_z, pool_bias_experiment, pool_probabilities, signalling_trial
from pqms_physics.nct.pools import pool_bias_from_table

MESSAGE = tuple(int(b) for b in np.random.default_rng(606).integers(0, 2, 400))


@pytest.fixture
def one_numba_thread():
    """Many tiny kernel calls run on one thread (counts do not depend on the thread count)."""
    import numba

    before = numba.get_num_threads()
    numba.set_num_threads(1)
    yield
    numba.set_num_threads(before)


@pytest.mark.parametrize("name", [None, "z_measurement", "amplitude_damping"])
def test_local_operation_decodes_at_chance_and_is_vetoed_95_percent_of_the_time(name, one_numba_thread):
    ch = None if name is None else sender_local_channels()[name]
    r = signalling_trial(MESSAGE, 2000, seed=12, sender_channel=ch, ci_level=0.999)
    assert r.n_bits == 400 and r.ber_ci[0] < 0.5 < r.ber_ci[1]
    assert r.ber_accepted_ci[0] < 0.5 < r.ber_accepted_ci[1]
    # veto <=> |z| < 1.96: probability 0.95 for z ~ N(0, 1) (lattice effects at N = 2000 are ~1e-3)
    assert r.veto_rate_ci[0] < 0.95 < r.veto_rate_ci[1]


def test_receiver_side_operation_is_decoded_almost_perfectly():
    # the receiver's own qubit is reset to |1> with probability 0.2 in the operated pool: delta_mu = +-0.1,
    # sd sqrt(0.5/1000) = 0.022, so z ~ 4.5: an error needs a 4.5 sigma fluctuation (p = 4e-6 per bit, so
    # P(>= 2 errors in 100) ~ 1e-7) and a veto a 2.5 sigma one (p = 0.006 per bit)
    r = signalling_trial(MESSAGE[:100], 1000, seed=13, sender_channel=receiver_reset(0.2, to=1), ci_level=0.999)
    assert r.n_errors <= 1
    assert r.ber_ci[1] < 0.1 and r.veto_rate_ci[1] < 0.2  # 0.5 is far outside both intervals


@pytest.mark.parametrize("threshold, decided", [(1.0, 0), (-1.0, 1)])
def test_threshold_outside_the_range_of_delta_mu_forces_every_decision(threshold, decided):
    # |delta_mu| < 1 for Phi+ pools (fair receiver bits in both), so the decision is fixed by the threshold
    r = signalling_trial(MESSAGE[:50], 200, seed=1, threshold=threshold, sampler="multinomial")
    assert set(r.decisions) == {decided}
    assert r.n_errors == sum(b != decided for b in MESSAGE[:50])


def test_decisions_and_vetoes_follow_delta_mu_threshold_and_confidence():
    conf, thr = 0.8, 0.002
    r = signalling_trial(MESSAGE[:60], 1000, seed=2, threshold=thr, confidence=conf, sampler="multinomial")
    zc = confidence_to_z(conf)
    assert r.decisions == tuple(int(d > thr) for d in r.delta_mu)
    assert r.vetoed == tuple(abs(z) < zc for z in r.z)
    accepted = [d != m for d, m, v in zip(r.decisions, r.message_bits, r.vetoed) if not v]
    assert (r.n_accepted, r.n_accepted_errors) == (len(accepted), sum(accepted))


def test_bit_i_is_the_pool_experiment_on_stream_i_with_the_operated_pool_chosen_by_the_bit():
    ch = sender_local_channels()["amplitude_damping"]
    msg = (1, 0, 1, 1, 0)
    r = signalling_trial(msg, 500, seed=21, sender_channel=ch, basis="x")
    table = pool_probabilities(sender_channel=ch, basis="x")
    for i, m in enumerate(msg):
        if m == 1:
            ref = pool_bias_experiment(500, 21, sender_channel=ch, basis="x", stream=i)
        else:
            ref = pool_bias_from_table(
                table[::-1].copy(), 500, 21, stream=i, sampler="kernel", device="cpu", basis="x", sender_label=ch.label
            )
        assert r.delta_mu[i] == ref.delta_mu and r.z[i] == ref.z


def test_result_serialises_with_provenance():
    r = signalling_trial([0, 1, 1], 100, seed=4)
    d = json.loads(json.dumps(r.to_dict()))
    assert d["seed"] == 4 and d["pairs_per_bit"] == 100 and d["sampler"] == "kernel"
    assert d["stream_version"] == r.stream_version and d["message_bits"] == [0, 1, 1]
    assert "dephasing(gamma_per_s=0.05, t_s=1.0)" in d["sender_channel"]  # the documents' default operation


@pytest.mark.parametrize(
    "kwargs, match",
    [
        pytest.param(dict(message_bits="0101"), "message_bits must be a sequence of 0/1 integers", id="string"),
        pytest.param(dict(message_bits=[]), "message_bits must contain at least one bit", id="empty"),
        pytest.param(dict(message_bits=[0, 2]), "message_bits must contain only 0 and 1, got 2 at position 1", id="2"),
        pytest.param(dict(message_bits=[0, True]), "message_bits must contain only 0 and 1", id="bool"),
        pytest.param(dict(pairs_per_bit=0), "pairs_per_bit must be >= 1, got 0", id="pairs"),
        pytest.param(dict(seed=2**64), "seed must be <= ", id="seed"),
        pytest.param(dict(threshold=float("inf")), "threshold must be finite", id="threshold"),
        pytest.param(dict(confidence=1.5), r"confidence must be in \(0, 1\), got 1.5", id="confidence"),
        pytest.param(dict(ci_level=0.0), r"ci_level must be in \(0, 1\), got 0.0", id="ci"),
        pytest.param(dict(sampler="x"), "sampler must be one of", id="sampler"),
        pytest.param(dict(basis="q"), "basis must be one of", id="basis"),
        pytest.param(dict(sender_channel=3), "sender_channel must be a Channel", id="channel"),
    ],
)
def test_bad_input_raises_value_error_naming_the_parameter(kwargs, match):
    args = dict(message_bits=[0, 1], pairs_per_bit=100, seed=1) | kwargs
    with pytest.raises(ValueError, match=match):
        signalling_trial(**args)
