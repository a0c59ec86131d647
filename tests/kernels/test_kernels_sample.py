"""sample_counts: the Numba kernel equals its NumPy twin exactly, for any threads, chunks, shards."""

import io
import json
import subprocess
import sys

import numba
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pqms_physics.errors import PQMSValueError
from pqms_physics.kernels import STREAM_VERSION, SampleCounts, sample_counts, sample_counts_reference, sample_records
from pqms_physics.kernels import sample as sample_mod
from pqms_physics.kernels._plan import make_plan

RULES = ["random", "cyclic", "blocks"]
# A CHSH-like table (S=4 settings x K=4 outcomes 00,01,10,11) with correlators +-0.7, one
# unequal-marginal row and a zero cell.
CHSH = np.array(
    [
        [0.425, 0.075, 0.075, 0.425],
        [0.425, 0.075, 0.075, 0.425],
        [0.425, 0.075, 0.075, 0.425],
        [0.075, 0.425, 0.425, 0.075],
    ]
)
MIXED = np.array([[0.5, 0.0, 0.2, 0.3], [0.1, 0.2, 0.3, 0.4], [0.0, 0.0, 1.0, 0.0]])


def _wide_table(k, s=3, seed=5):
    # more than 32 inner thresholds per row: the kernels' binary-search path
    return np.random.default_rng(seed).dirichlet(np.ones(k), size=s)


def assert_same(a, b):
    np.testing.assert_array_equal(a.counts, b.counts)
    if a.window_counts is None:
        assert b.window_counts is None
    else:
        np.testing.assert_array_equal(a.window_counts, b.window_counts)


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("probs", [CHSH, MIXED, _wide_table(40)], ids=["chsh", "mixed", "wide-k40"])
@pytest.mark.parametrize(
    "window, start, total", [(None, 0, None), (250, 0, None), (3000, 6000, 30000), (7, 6006, 33600)]
)
def test_cpu_kernel_counts_equal_numpy_twin_exactly(rule, probs, window, start, total):
    kw = dict(setting_choice=rule, window=window, start=start, total_pairs=total)
    pairs = 12_000 if window != 7 else 12_012
    cpu = sample_counts(probs, pairs, 2024, **kw)
    ref = sample_counts_reference(probs, pairs, 2024, **kw)
    assert_same(cpu, ref)
    assert cpu.device == "cpu" and ref.device == "numpy"
    assert cpu.counts.sum() == pairs


@st.composite
def runs(draw):
    s = draw(st.integers(1, 4))
    k = draw(st.sampled_from([2, 3, 4, 5, 9, 34]))
    probs = np.random.default_rng(draw(st.integers(0, 2**32))).dirichlet(np.ones(k) * 0.5, size=s)
    rule = draw(st.sampled_from(RULES))
    window = draw(st.sampled_from([None, 1, 3, 60]))
    unit = s * (window or 1)  # total divisible by S (blocks) and by the window
    total = unit * draw(st.integers(1, 3000 // unit + 1))
    start_w = draw(st.integers(0, total // (window or 1) - 1))
    start = start_w * (window or 1)
    pairs = (window or 1) * draw(st.integers(1, (total - start) // (window or 1)))
    return dict(
        probs=probs,
        pairs=pairs,
        seed=draw(st.integers(0, 2**64 - 1)),
        stream=draw(st.integers(0, 2**64 - 1)),
        setting_choice=rule,
        window=window,
        start=start,
        total_pairs=total,
    )


@given(run=runs())
def test_cpu_kernel_equals_numpy_twin_for_any_table_rule_window_and_shard(run):
    assert_same(sample_counts(**run), sample_counts(**run, device="numpy"))


@pytest.mark.parametrize("rule", RULES)
def test_counts_are_the_histogram_of_the_per_pair_records(rule):
    kw = dict(setting_choice=rule, start=40, total_pairs=2040)
    s, o = sample_records(MIXED, 2000, 9, **kw)
    hist = np.zeros(MIXED.shape, dtype=np.int64)
    np.add.at(hist, (s, o), 1)
    np.testing.assert_array_equal(sample_counts(MIXED, 2000, 9, **kw).counts, hist)


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs >= 2 Numba threads to compare 1 vs 2")
@pytest.mark.parametrize("rule, window", [("random", None), ("cyclic", 1000), ("blocks", 3_000_000)])
def test_counts_are_identical_on_one_and_two_threads(rule, window):
    # 2.4e7 pairs = 23 default chunks of 2**20, so two threads really split the work
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = sample_counts(CHSH, 24_000_000, 77, setting_choice=rule, window=window)
        numba.set_num_threads(2)
        two = sample_counts(CHSH, 24_000_000, 77, setting_choice=rule, window=window)
    finally:
        numba.set_num_threads(before)
    assert_same(one, two)


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("window", [None, 100, 5000])
@pytest.mark.parametrize("chunk, call_pairs", [(64, 1000), (999, 7777), (4096, 50_000), (1 << 20, 1 << 27)])
def test_chunk_and_call_sizes_never_change_counts(rule, window, chunk, call_pairs):
    # chunk < window, chunk > window, calls splitting windows (call_pairs < window) included
    plan = make_plan(CHSH, 60_000, 5, setting_choice=rule, window=window)
    ref = sample_counts_reference(CHSH, 60_000, 5, setting_choice=rule, window=window)
    counts, windows = sample_mod._count_cpu(plan, None, chunk=chunk, call_pairs=call_pairs)
    np.testing.assert_array_equal(counts.reshape(4, 4), ref.counts)
    if window is not None:
        np.testing.assert_array_equal(windows.reshape(-1, 4, 4), ref.window_counts)


@pytest.mark.parametrize("rule", RULES)
def test_shards_of_a_run_add_up_to_the_single_call_exactly(rule):
    total, window = 3_000_000, 1000
    whole = sample_counts(CHSH, total, 11, setting_choice=rule, window=window)
    cuts = [0, 1_000, 1_234_000, 2_999_000, total]
    shards = [
        sample_counts(CHSH, hi - lo, 11, setting_choice=rule, window=window, start=lo, total_pairs=total)
        for lo, hi in zip(cuts[:-1], cuts[1:], strict=True)
    ]
    merged = shards[3] + shards[0] + (shards[2] + shards[1])  # any order, any grouping
    assert_same(merged, whole)
    assert merged.complete and merged.ranges == ((0, total),)


def test_same_seed_gives_same_counts_and_other_seeds_or_streams_differ():
    a = sample_counts(CHSH, 100_000, 3)
    assert_same(a, sample_counts(CHSH, 100_000, 3))
    # 100000 pairs over 16 cells: two independent runs coincide in every cell with negligible
    # probability (< 1e-30)
    assert not np.array_equal(a.counts, sample_counts(CHSH, 100_000, 4).counts)
    assert not np.array_equal(a.counts, sample_counts(CHSH, 100_000, 3, stream=1).counts)


def test_zero_probability_cells_are_never_drawn():
    res = sample_counts(MIXED, 2_000_000, 8, setting_choice="random")
    assert res.counts[MIXED == 0].sum() == 0
    assert np.all(res.counts[MIXED > 0] > 0)


def test_fixed_setting_rules_put_exactly_pairs_over_s_in_each_setting():
    for rule in ("cyclic", "blocks"):
        res = sample_counts(CHSH, 4_000_000, 1, setting_choice=rule, window=40_000)
        assert res.counts.sum(axis=1).tolist() == [1_000_000] * 4
    cyc = sample_counts(CHSH, 4000, 1, setting_choice="cyclic", window=4)
    assert np.all(cyc.window_counts.sum(axis=2) == 1)  # every window of 4 holds each setting once
    blk = sample_counts(CHSH, 4000, 1, setting_choice="blocks", window=1000)
    assert np.all(blk.window_counts.sum(axis=2) == 1000 * np.eye(4, dtype=int))


def test_window_counts_sum_to_the_counts():
    res = sample_counts(MIXED, 90_000, 2, window=300)
    assert res.window_counts.shape == (300, 3, 4)
    np.testing.assert_array_equal(res.window_counts.sum(axis=0), res.counts)


def test_result_is_immutable_and_serialisable():
    res = sample_counts(CHSH, 1000, 1, window=100)
    assert isinstance(res, SampleCounts)
    with pytest.raises(ValueError):
        res.counts[0, 0] = 5
    with pytest.raises(ValueError):
        res.window_counts[0, 0, 0] = 5
    d = json.loads(json.dumps(res.to_dict()))
    assert d["counts"] == res.counts.tolist() and d["stream_version"] == STREAM_VERSION
    assert (d["seed"], d["pairs"], d["window"], d["ranges"]) == (1, 1000, 100, [[0, 1000]])


def test_integral_float_pairs_are_accepted():
    assert sample_counts(CHSH, 1e4, 1).pairs == 10_000


@pytest.mark.parametrize(
    "kwargs, match",
    [
        pytest.param(dict(pairs=0), r"pairs must be >= 1, got 0", id="pairs-zero"),
        pytest.param(dict(pairs=10.5), r"pairs must be an integer, got 10.5", id="pairs-fraction"),
        pytest.param(dict(seed=-1), r"seed must be >= 0, got -1", id="seed-negative"),
        pytest.param(dict(seed=2**64), r"seed must be <= 18446744073709551615", id="seed-large"),
        pytest.param(dict(stream=-2), r"stream must be >= 0, got -2", id="stream-negative"),
        pytest.param(dict(setting_choice="alternate"), r"setting_choice must be one of", id="rule"),
        pytest.param(dict(device="tpu"), r"device must be one of \['cpu', 'numpy', 'cuda'\], got 'tpu'", id="device"),
        pytest.param(dict(window=0), r"window must be >= 1, got 0", id="window-zero"),
        pytest.param(dict(window=7), r"window must divide total_pairs \(1200\), got 7", id="window-total"),
        pytest.param(
            dict(window=400, start=200, pairs=400, total_pairs=1200),
            r"window must divide start \(200\)",
            id="window-start",
        ),
        pytest.param(
            dict(window=400, pairs=600, total_pairs=1200), r"window must divide pairs \(600\)", id="window-pairs"
        ),
        pytest.param(
            dict(window=1, pairs=2**27, total_pairs=2**27), r"window must give at most 268435456", id="window-too-many"
        ),
        pytest.param(
            dict(setting_choice="blocks", total_pairs=1202, pairs=1202),
            r"total_pairs must be divisible "
            r"by the number of settings \(4\) for setting_choice='blocks', got 1202",
            id="blocks-total",
        ),
        pytest.param(
            dict(start=1000, total_pairs=1500), r"start \+ pairs must be <= total_pairs \(1500\)", id="shard-past-end"
        ),
        pytest.param(dict(probs=[[0.5, 0.5 + 1e-9]]), r"probs rows must sum to 1 within 1e-12", id="probs-sum"),
        pytest.param(dict(probs=[[1.2, -0.2]]), r"probs must be >= 0", id="probs-negative"),
    ],
)
def test_bad_inputs_raise_value_errors_naming_the_parameter(kwargs, match):
    args = dict(probs=CHSH, pairs=1200, seed=1)
    args.update(kwargs)
    with pytest.raises(PQMSValueError, match=match):
        sample_counts(**args)
    assert issubclass(PQMSValueError, ValueError)


def test_records_are_capped_with_a_clear_error():
    with pytest.raises(ValueError, match=r"pairs must be <= 50000000 for per-pair records"):
        sample_records(CHSH, 60_000_000, 1)


def test_progress_bar_is_written_to_stderr_when_forced_and_absent_otherwise(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    sample_counts(CHSH, 1000, 1, progress=True)
    assert "pair" in err.getvalue()
    err.truncate(0)
    err.seek(0)
    sample_counts(CHSH, 1000, 1)  # auto: stderr is not a terminal
    sample_counts(CHSH, 1000, 1, progress=False)
    assert err.getvalue() == ""


def test_importing_the_kernels_package_does_not_import_numba():
    code = (
        "import sys, pqms_physics, pqms_physics.kernels; "
        "print(sorted(m for m in ('numba', 'qutip', 'matplotlib', 'tqdm') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_progress_callable_receives_every_pair_once():
    seen = []
    sample_counts(CHSH, 3_000_000, 1, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (3_000_000, 3_000_000) and all(t == 3_000_000 for _, t in seen)
