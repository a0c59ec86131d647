"""The counter-based stream (pqms_physics.kernels.rng): definition, known answers, thresholds."""

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from pqms_physics.errors import PQMSValueError
from pqms_physics.kernels.rng import (
    DRAW_ONE,
    GAMMA,
    STREAM_VERSION,
    draw,
    draws,
    mix64,
    mix64_array,
    stream_key,
    table_hash,
    thresholds,
    validate_probs,
)

U64 = st.integers(0, 2**64 - 1)

# Published SplitMix64 outputs for state 1234567 (Rosetta Code, "Pseudo-random numbers/Splitmix64";
# Vigna's splitmix64.c): not produced by this package.
SPLITMIX64_1234567 = [
    6457827717110365317,
    3203168211198807973,
    9817491932198370423,
    4593380528125082431,
    16408922859458223821,
]


def _splitmix64_sequence(state, n):
    """Sequential SplitMix64 (state += GAMMA; output mix(state)), written out independently."""
    out = []
    for _ in range(n):
        state = (state + 0x9E3779B97F4A7C15) % 2**64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) % 2**64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) % 2**64
        out.append(z ^ (z >> 31))
    return out


def test_mix64_reproduces_published_splitmix64_outputs():
    assert [mix64(1234567 + k * GAMMA) for k in range(1, 6)] == SPLITMIX64_1234567
    assert _splitmix64_sequence(1234567, 5) == SPLITMIX64_1234567


def test_pair_draws_are_the_splitmix64_sequence_of_the_key_truncated_to_53_bits():
    expected = [u >> 11 for u in SPLITMIX64_1234567]
    assert [draw(1234567, i) for i in range(5)] == expected
    assert draws(1234567, 0, 5).tolist() == expected


@given(key=U64, start=st.integers(0, 2**62), n=st.integers(1, 50), step=st.integers(1, 7))
def test_numpy_draws_equal_exact_integer_draws_for_any_key_and_offset(key, start, n, step):
    got = draws(key, start, n, step)
    assert got.dtype == np.int64
    assert got.tolist() == [draw(key, start + k * step) for k in range(n)]


@given(z=st.lists(U64, min_size=1, max_size=20))
def test_mix64_array_wraps_like_python_integers(z):
    assert mix64_array(np.array(z, dtype=np.uint64)).tolist() == [mix64(v) for v in z]


def test_stream_key_follows_the_documented_formula():
    seed, stream = 2**64 - 1, 5  # seed + GAMMA wraps around 2**64
    inner = mix64((seed + GAMMA) % 2**64) ^ mix64((stream + 2 * GAMMA) % 2**64)
    assert stream_key(seed, stream) == mix64(inner)


@given(seed=U64, s1=U64, s2=U64)
def test_distinct_streams_of_one_seed_have_distinct_keys(seed, s1, s2):
    # mix64 is a bijection and XOR with a fixed word is one, so distinct streams never share a key
    assert (stream_key(seed, s1) == stream_key(seed, s2)) == (s1 == s2)


@pytest.mark.parametrize("name, value", [("seed", -1), ("seed", 2**64), ("stream", -3), ("seed", 1.5)])
def test_stream_key_rejects_out_of_range_integers(name, value):
    kwargs = {"seed": 0, "stream": 0, name: value}
    with pytest.raises(PQMSValueError, match=name):
        stream_key(**kwargs)


def test_draws_are_uniform_over_the_53_bit_grid():
    # 256 equal bins of the top 8 bits, 2**20 draws: chi-square p-value below 1e-6 happens with
    # probability 1e-6 for a uniform stream (seed fixed before looking).
    r = draws(stream_key(2024), 0, 1 << 20)
    assert r.min() >= 0 and r.max() < DRAW_ONE
    hist = np.bincount(r >> 45, minlength=256)
    assert stats.chisquare(hist).pvalue > 1e-6
    # the low bits are used too (cells narrower than 2**-45): same test on bits 0..7
    assert stats.chisquare(np.bincount(r & 255, minlength=256)).pvalue > 1e-6


def test_stream_version_names_the_stream():
    assert STREAM_VERSION == "splitmix64-53bit-v2"


# ---------------------------------------------------------------------------------------------
# thresholds


@st.composite
def prob_rows(draw_, max_settings=4, max_outcomes=8):
    s = draw_(st.integers(1, max_settings))
    k = draw_(st.integers(2, max_outcomes))
    w = draw_(
        st.lists(
            st.lists(st.one_of(st.just(0.0), st.floats(1e-9, 1.0)), min_size=k, max_size=k), min_size=s, max_size=s
        )
    )
    p = np.array(w)
    for row in p:
        if row.sum() == 0:
            row[draw_(st.integers(0, k - 1))] = 1.0
    return p / p.sum(axis=1, keepdims=True)


@given(p=prob_rows(), rule=st.sampled_from(["random", "cyclic", "blocks"]))
def test_thresholds_are_monotone_grids_from_zero_to_two_to_the_53(p, rule):
    t = thresholds(p, rule)
    s, k = p.shape
    assert t.dtype == np.int64
    assert t.shape == ((1, s * k + 1) if rule == "random" else (s, k + 1))
    top = s * DRAW_ONE if rule == "random" and s & (s - 1) == 0 else DRAW_ONE  # v2: v < S * 2**53
    assert np.all(t[:, 0] == 0) and np.all(t[:, -1] == top)
    assert np.all(np.diff(t, axis=1) >= 0)


@given(p=prob_rows(), rule=st.sampled_from(["random", "cyclic"]))
def test_quantised_probabilities_are_within_the_stated_bound_and_zero_cells_stay_empty(p, rule):
    t = thresholds(p, rule)
    s = p.shape[0]
    target = (p / s).reshape(1, -1) if rule == "random" else p
    q = np.diff(t, axis=1) / DRAW_ONE
    if rule == "random" and s & (s - 1) == 0:  # v2: row s's own grid, each setting 1/S exactly
        q, target = q.reshape(s, -1) / s, p / s
        assert np.array_equal(t[0, :-1].reshape(s, -1)[:, 0], np.arange(s) * DRAW_ONE)
    n_cells = target.shape[1]
    dev = np.abs(p.sum(axis=1, keepdims=True) - 1.0)  # absorbed by the last non-zero cell
    if rule == "random":
        dev = dev.sum()
    assert np.all(np.abs(q - target) <= (2 * n_cells + 1) * 2.0**-52 + dev)
    assert np.all(q[target == 0] == 0)


def test_trailing_zero_cells_are_never_drawn_even_when_the_row_sums_below_one():
    p = np.array([[0.3, 0.7 - 5e-13, 0.0, 0.0]])  # sums to 1 - 5e-13, inside the tolerance
    t = thresholds(p, "cyclic")[0]
    assert t[2] == t[3] == t[4] == DRAW_ONE


def test_thresholds_of_a_half_half_row_split_the_grid_in_the_middle():
    assert thresholds([[0.5, 0.5]], "blocks").tolist() == [[0, 2**52, 2**53]]


def _python_thresholds(row):
    """The documented threshold rule, re-implemented with Python floats and integers."""
    cum = list(itertools.accumulate(row))
    last = max(i for i, v in enumerate(row) if v > 0)
    return [0] + [2**53 if j >= last else min(round(cum[j] * 2**53), 2**53) for j in range(len(row))]


@given(p=prob_rows(max_settings=8))
def test_thresholds_follow_the_documented_rule_for_every_rule(p):
    s = p.shape[0]
    rows = [_python_thresholds(r) for r in p.tolist()]
    if s & (s - 1) == 0:  # v2, S = 2**b: joint thresholds (s << 53) + T[s, j] on v = u >> (11 - b)
        joint = [(i << 53) + t for i, row in enumerate(rows) for t in row[:-1]] + [s << 53]
        assert thresholds(p, "random").tolist() == [joint]
    else:  # v1 joint table p(s, o) = p(o|s) / S, setting-major, on r = u >> 11
        joint = [x / s for x in p.ravel().tolist()]
        assert thresholds(p, "random").tolist() == [_python_thresholds(joint)]
    assert thresholds(p, "cyclic").tolist() == rows == thresholds(p, "blocks").tolist()


def test_table_hash_distinguishes_tables():
    a = thresholds([[0.5, 0.5]], "cyclic")
    b = thresholds([[0.5 + 2**-40, 0.5 - 2**-40]], "cyclic")
    assert table_hash(a) != table_hash(b) and table_hash(a) == table_hash(a.copy())


@pytest.mark.parametrize(
    "probs, match",
    [
        pytest.param([[0.5, -0.1, 0.6]], r"probs must be >= 0, got probs\[0, 1\] = -0.1", id="negative"),
        pytest.param([[0.5, 0.5 + 2e-12]], r"probs rows must sum to 1 within 1e-12", id="sum-above"),
        pytest.param([[0.5, 0.5], [0.3, 0.3]], r"got row 1 summing to 0.6", id="sum-below"),
        pytest.param([[np.nan, 1.0]], r"probs must be finite", id="nan"),
        pytest.param([0.5, 0.5], r"probs must be a 2-D array .* got shape \(2,\)", id="1-D"),
        pytest.param([[1.0]], r"probs must have >= 2 outcomes .* got shape \(1, 1\)", id="one-outcome"),
        pytest.param(np.zeros((0, 2)), r"probs must have >= 1 setting", id="no-setting"),
        pytest.param([["a", "b"]], r"probs must be a real array", id="strings"),
    ],
)
def test_invalid_probability_tables_are_rejected_naming_probs(probs, match):
    with pytest.raises(ValueError, match=match):
        validate_probs(probs)


def test_row_sums_within_the_tolerance_are_accepted_unchanged():
    p = [[0.5, 0.5 + 5e-13]]
    assert validate_probs(p).tolist() == p


def test_thresholds_reject_an_unknown_setting_rule():
    with pytest.raises(ValueError, match=r"setting_choice must be one of .* got 'sorted'"):
        thresholds([[0.5, 0.5]], "sorted")
