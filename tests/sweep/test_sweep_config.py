"""Sweep configuration: TOML parsing, range expansion, validation messages, the config hash."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from sweep_helpers import listing, toml_text, write_config

from pqms_physics.errors import PQMSValueError
from pqms_physics.sweep.config import MAX_POINTS, SweepConfigError, load_config, parse_config
from pqms_physics.sweep.engine import run_sweep

DEPH = {"quantity": "dephasing_fidelity"}
PROBE = {"quantity": "sweep_probe:SWEEP_PROBE", "seed": 1}


def test_parameters_become_dimensions_in_listed_order_with_defaults_resolved():
    cfg = parse_config(toml_text(DEPH, {"t_s": [0.5, 1.0, 2.0], "gamma_per_s": [0.0, 1.0]}))
    assert cfg.dims == ("t_s", "gamma_per_s")
    assert cfg.shape == (3, 2) and cfg.n_points == 6
    assert dict(cfg.fixed) == {"sides": 1}  # the registered default
    assert cfg.coords()["t_s"].tolist() == [0.5, 1.0, 2.0]
    assert cfg.seed is None


def test_chunks_tile_the_flat_points_exactly_once():
    cfg = parse_config(
        toml_text({**PROBE, "chunk_points": 7}, {"x": {"start": 0.0, "stop": 1.0, "num": 10}, "n": [0, 1, 2]})
    )
    bounds = [cfg.chunk_bounds(k) for k in range(cfg.n_chunks)]
    assert cfg.n_chunks == 5  # ceil(30 / 7)
    covered = np.concatenate([np.arange(a, b) for a, b in bounds])
    assert covered.tolist() == list(range(cfg.n_points))


@given(start=st.floats(-1e6, 1e6), stop=st.floats(-1e6, 1e6), num=st.integers(2, 60))
def test_linear_range_has_constant_step_and_exact_end_points(start, stop, num):
    assume(abs(stop - start) >= 1e-3)  # closer end points repeat coordinates (rejected, tested separately)
    cfg = parse_config(toml_text(PROBE, {"x": {"start": start, "stop": stop, "num": num}}))
    x = cfg.coords()["x"]
    assert x[0] == start and x[-1] == stop and x.shape == (num,)
    # step (stop - start)/(num - 1) up to float rounding of values of size max(|start|, |stop|)
    scale = max(abs(start), abs(stop))
    assert np.allclose(np.diff(x), (stop - start) / (num - 1), rtol=0, atol=8 * np.finfo(float).eps * scale)


@given(lo=st.floats(1e-9, 1e3), decades=st.floats(0.1, 9), num=st.integers(2, 40))
def test_log_range_has_constant_ratio_and_exact_end_points(lo, decades, num):
    hi = lo * 10**decades
    cfg = parse_config(
        toml_text(DEPH, {"gamma_per_s": {"start": lo, "stop": hi, "num": num, "scale": "log"}, "t_s": [1.0]})
    )
    g = cfg.coords()["gamma_per_s"]
    assert g[0] == lo and g[-1] == hi
    # log spacing: equal steps of log10 = decades/(num - 1); float error in log10 ~ 1e-15 * |log10 g|
    assert np.allclose(np.diff(np.log10(g)), decades / (num - 1), rtol=0, atol=1e-12)


def test_integer_range_is_rounded_to_distinct_integers():
    cfg = parse_config(toml_text(PROBE, {"x": [0.0], "n": {"start": 1, "stop": 1000, "num": 4, "scale": "log"}}))
    assert cfg.coords()["n"].tolist() == [1, 10, 100, 1000]
    assert cfg.coords()["n"].dtype == np.int64


# ------------------------------------------------------------------ malformed configs
BAD = [
    pytest.param(
        "[sweep]\nquantity = dephasing_fidelity\n", r"invalid TOML: .*\(at line 2, column 12\)", id="toml-syntax"
    ),
    pytest.param(
        '[sweep]\nquantity = "dephasing_fidelity"\n[parameters]\nt_s = [1.0,\n',
        r"invalid TOML: .*\(at end of document\)",
        id="toml-unterminated",
    ),
    pytest.param(
        toml_text(DEPH, {"t_s": [1.0], "gamma_per_s": [1.0]}) + "[extra]\na = 1\n",
        r"unknown top-level key 'extra'",
        id="unknown-table",
    ),
    pytest.param(
        toml_text({**DEPH, "chunk_size": 5}, {"t_s": [1.0], "gamma_per_s": [1.0]}),
        r"sweep\.chunk_size: unknown key",
        id="unknown-sweep-key",
    ),
    pytest.param(toml_text({}, {"t_s": [1.0]}), r"sweep\.quantity is required", id="no-quantity"),
    pytest.param(
        toml_text({"quantity": "fidelty"}, {"t_s": [1.0]}),
        r"sweep\.quantity: unknown quantity 'fidelty' \(known: .*dephasing_fidelity",
        id="unknown-quantity",
    ),
    pytest.param(
        toml_text(DEPH, {"gamma_per_sx": [1.0], "t_s": [1.0]}),
        r"parameters\.gamma_per_sx: unknown parameter 'gamma_per_sx' for quantity 'dephasing_fidelity' "
        r"\(known: gamma_per_s, t_s, sides\)",
        id="unknown-parameter",
    ),
    pytest.param(
        toml_text(DEPH, {"gamma_per_s": [1.0], "t_s": [1.0]}, {"tt_s": 1.0}),
        r"fixed\.tt_s: unknown parameter 'tt_s'",
        id="unknown-fixed",
    ),
    pytest.param(
        toml_text(DEPH, {"gamma_per_s": [0.5, -1.0], "t_s": [1.0]}),
        r"parameters\.gamma_per_s\[1\] must be >= 0, got -1\.0",
        id="below-domain",
    ),
    pytest.param(
        toml_text(DEPH, {"gamma_per_s": [1.0], "t_s": [1.0]}, {"sides": 3}),
        r"fixed\.sides must be an integer in \[1, 2\], got 3",
        id="fixed-above-domain",
    ),
    pytest.param(
        toml_text(DEPH, {"gamma_per_s": [1.0], "t_s": ["a"]}),
        r"parameters\.t_s\[0\] must be a real number, got 'a'",
        id="string-for-float",
    ),
    pytest.param(
        toml_text(DEPH, {"gamma_per_s": [1.0], "t_s": [1.0], "sides": [True]}),
        r"parameters\.sides\[0\] must be an integer, got True",
        id="bool-for-int",
    ),
    pytest.param(
        toml_text(DEPH, {"gamma_per_s": [1.0], "t_s": [1.0], "sides": [1.5]}),
        r"parameters\.sides\[0\] must be an integer, got 1\.5",
        id="fraction-for-int",
    ),
    pytest.param(
        toml_text(DEPH, {"gamma_per_s": [], "t_s": [1.0]}),
        r"parameters\.gamma_per_s must be a non-empty list",
        id="empty-list",
    ),
    pytest.param(
        toml_text(DEPH, {"gamma_per_s": [1.0, 2.0, 1], "t_s": [1.0]}),
        r"parameters\.gamma_per_s\[2\] repeats the value 1\.0 of parameters\.gamma_per_s\[0\]",
        id="repeated-value",
    ),
    pytest.param(
        toml_text(DEPH, {"gamma_per_s": 1.0, "t_s": [1.0]}),
        r"parameters\.gamma_per_s must be a list .* put a single value in \[fixed\]",
        id="scalar-swept",
    ),
    pytest.param(
        toml_text(DEPH, {"gamma_per_s": [1.0], "t_s": [1.0]}, {"gamma_per_s": 2.0}),
        r"'gamma_per_s' is given in both \[parameters\] and \[fixed\]",
        id="swept-and-fixed",
    ),
    pytest.param(
        toml_text(DEPH, {"gamma_per_s": [1.0], "t_s": [1.0]}, {"sides": [1, 2]}),
        r"fixed\.sides must be a single value",
        id="list-in-fixed",
    ),
    pytest.param(
        toml_text(DEPH, {"gamma_per_s": [1.0]}),
        r"parameter 't_s' of quantity 'dephasing_fidelity' is required.*>= 0, units s",
        id="missing-required",
    ),
    pytest.param(
        toml_text(PROBE, {"x": [1.0], "delay_s": [0.0, 0.1]}),
        r"parameters\.delay_s: 'delay_s' cannot be swept",
        id="not-sweepable",
    ),
    pytest.param(
        toml_text(DEPH, {"gamma_per_s": {"start": 0.0, "stop": 1.0}, "t_s": [1.0]}),
        r"parameters\.gamma_per_s: a range needs start, stop and num; 'num' is missing",
        id="range-no-num",
    ),
    pytest.param(
        toml_text(DEPH, {"gamma_per_s": {"start": 0.0, "stop": 1.0, "num": 3, "step": 1}, "t_s": [1.0]}),
        r"parameters\.gamma_per_s\.step: unknown key in a range",
        id="range-unknown-key",
    ),
    pytest.param(
        toml_text(DEPH, {"gamma_per_s": {"start": 0.0, "stop": 1.0, "num": 3, "scale": "log"}, "t_s": [1.0]}),
        r"scale = 'log' needs start > 0 and stop > 0, got start=0\.0",
        id="log-from-zero",
    ),
    pytest.param(
        toml_text(DEPH, {"gamma_per_s": {"start": 0.0, "stop": 1.0, "num": 3, "scale": "ln"}, "t_s": [1.0]}),
        r"parameters\.gamma_per_s\.scale must be one of",
        id="bad-scale",
    ),
    pytest.param(
        toml_text(DEPH, {"gamma_per_s": {"start": 0.0, "stop": 1.0, "num": 0}, "t_s": [1.0]}),
        r"parameters\.gamma_per_s\.num must be >= 1, got 0",
        id="range-num-zero",
    ),
    pytest.param(
        toml_text(DEPH, {"gamma_per_s": {"start": -1.0, "stop": 1.0, "num": 3}, "t_s": [1.0]}),
        r"parameters\.gamma_per_s\.start must be >= 0, got -1\.0",
        id="range-start-outside",
    ),
    pytest.param(
        toml_text(DEPH, {"gamma_per_s": [1.0], "t_s": [1.0], "sides": {"start": 1, "stop": 2, "num": 3}}),
        r"parameters\.sides: the range gives repeated integers after rounding",
        id="int-range-repeats",
    ),
    pytest.param(
        toml_text(
            {"quantity": "fidelity_vs_hops"},
            {"hops": [1], "link_fidelity": [0.9], "twirl": {"start": 0, "stop": 1, "num": 2}},
        ),
        r"parameters\.twirl: a \{start, stop, num\} range needs a numeric parameter, 'twirl' is bool",
        id="range-on-bool",
    ),
    pytest.param(
        toml_text({"quantity": "pool_bias", "seed": 1}, {"pairs_per_pool": [10], "basis": ["z", "w"]}),
        r"parameters\.basis\[1\] must be one of \['z', 'x', 'y'\], got 'w'",
        id="bad-choice",
    ),
    pytest.param(
        toml_text({"quantity": "fidelity_vs_hops"}, {"hops": [1], "link_fidelity": [0.9]}, {"twirl": 0}),
        r"fixed\.twirl must be true or false, got 0",
        id="int-for-bool",
    ),
    pytest.param(
        toml_text({"quantity": "sweep_probe:SWEEP_PROBE"}, {"x": [1.0]}),
        r"sweep\.seed is required: quantity 'sweep_probe:SWEEP_PROBE' is randomised",
        id="seed-missing",
    ),
    pytest.param(
        toml_text({**DEPH, "seed": 3}, {"gamma_per_s": [1.0], "t_s": [1.0]}),
        r"sweep\.seed: quantity 'dephasing_fidelity' is deterministic",
        id="seed-not-used",
    ),
    pytest.param(
        toml_text({"quantity": "sweep_probe:SWEEP_PROBE", "seed": -1}, {"x": [1.0]}),
        r"sweep\.seed must be >= 0, got -1",
        id="seed-negative",
    ),
    pytest.param(
        toml_text({**PROBE, "chunk_points": 0}, {"x": [1.0]}),
        r"sweep\.chunk_points must be >= 1, got 0",
        id="chunk-points-zero",
    ),
    pytest.param(
        toml_text(
            PROBE, {"x": {"start": 0.0, "stop": 1.0, "num": 100_000}, "n": {"start": 0, "stop": 9999, "num": 10_000}}
        ),
        rf"the sweep has 1000000000 points \(shape \(100000, 10000\)\), more than the limit {MAX_POINTS}",
        id="too-many-points",
    ),
    pytest.param(
        'parameters = 3\n[sweep]\nquantity = "sweep_probe"\n', r"parameters must be a table", id="parameters-not-table"
    ),
]


@pytest.mark.parametrize("text, message", BAD)
def test_malformed_config_is_rejected_naming_the_key(text, message):
    with pytest.raises(SweepConfigError, match=message):
        parse_config(text)


@pytest.mark.parametrize("text, message", BAD)
def test_malformed_config_writes_nothing(tmp_path, text, message):
    config = tmp_path / "bad.toml"
    config.write_text(text)
    before = listing(tmp_path)
    with pytest.raises(SweepConfigError, match=message):
        run_sweep(config, workers=1, progress=False)
    assert listing(tmp_path) == before


def test_config_errors_are_value_errors():
    assert issubclass(SweepConfigError, PQMSValueError) and issubclass(SweepConfigError, ValueError)


def test_unreadable_config_file_is_named(tmp_path):
    with pytest.raises(SweepConfigError, match=r"config_path '.*missing\.toml' cannot be read"):
        load_config(tmp_path / "missing.toml")
    (tmp_path / "latin1.toml").write_bytes('[sweep]\nquantity = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(SweepConfigError, match=r"latin1\.toml: not UTF-8"):
        load_config(tmp_path / "latin1.toml")


# ------------------------------------------------------------------ the config hash
def test_hash_ignores_formatting_comments_description_and_explicit_defaults(tmp_path):
    plain = parse_config(toml_text(DEPH, {"gamma_per_s": [0.0, 0.5], "t_s": [1.0]}))
    styled = parse_config(
        "# a comment\n[parameters]\ngamma_per_s = [ 0.0 ,\n   5e-1 ]   # rates\nt_s = [1]\n\n"
        "[sweep]\ndescription = \"same physics\"\nquantity = 'dephasing_fidelity'\nchunk_points = 1000\n"
        "[fixed]\nsides = 1\n"
    )
    assert plain.config_hash == styled.config_hash
    path = write_config(tmp_path / "c.toml", DEPH, {"gamma_per_s": [0.0, 0.5], "t_s": [1.0]})
    assert load_config(path).config_hash == plain.config_hash


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda p, s, f: (p | {"gamma_per_s": [0.0, float(np.nextafter(0.5, 1))]}, s, f), id="one-ulp"),
        pytest.param(lambda p, s, f: ({"t_s": p["t_s"], "gamma_per_s": p["gamma_per_s"]}, s, f), id="dim-order"),
        pytest.param(lambda p, s, f: (p, s | {"chunk_points": 999}, f), id="chunk-points"),
        pytest.param(lambda p, s, f: (p, s, {"sides": 2}), id="fixed-value"),
    ],
)
def test_hash_changes_with_anything_that_changes_the_results_or_their_layout(change):
    params, sweep, fixed = {"gamma_per_s": [0.0, 0.5], "t_s": [1.0]}, dict(DEPH), {}
    base = parse_config(toml_text(sweep, params, fixed))
    params2, sweep2, fixed2 = change(params, sweep, fixed)
    changed = parse_config(toml_text(sweep2, params2, fixed2))
    assert changed.config_hash != base.config_hash


@given(xs=st.lists(st.floats(-1e300, 1e300), min_size=1, max_size=8, unique=True), seed=st.integers(0, 2**64 - 1))
def test_hash_is_a_function_of_the_resolved_config(xs, seed):
    xs = [x + 0.0 for x in xs]  # -0.0 and 0.0 are one coordinate value
    if len(set(xs)) != len(xs):
        return
    a = parse_config(toml_text({"quantity": "sweep_probe:SWEEP_PROBE", "seed": seed}, {"x": xs}))
    b = parse_config(
        toml_text({"seed": seed, "quantity": "sweep_probe:SWEEP_PROBE"}, {"x": xs}, {"n": 0, "delay_s": 0.0})
    )
    assert a.config_hash == b.config_hash and a.coords()["x"].tolist() == xs
    other = parse_config(toml_text({"quantity": "sweep_probe:SWEEP_PROBE", "seed": (seed + 1) % 2**64}, {"x": xs}))
    assert other.config_hash != a.config_hash


def test_example_config_in_the_repository_is_valid():
    cfg = load_config(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "examples", "sweep_chain.toml"))
    assert cfg.quantity == "fidelity_vs_hops" and cfg.dims == (
        "hops",
        "link_fidelity",
        "gate_fidelity",
        "measurement_fidelity",
    )
    assert cfg.shape == (11, 25, 3, 2) and dict(cfg.fixed)["twirl"] is False


def test_the_documented_example_is_a_valid_config():
    import textwrap

    import pqms_physics.sweep.config as sc
    from pqms_physics.sweep.quantities import QUANTITIES

    doc = sc.__doc__
    block = doc.split(".. code-block:: toml", 1)[1].split("\nRegistered quantities", 1)[0]
    cfg = parse_config(textwrap.dedent(block))
    assert cfg.dims == ("hops", "link_fidelity", "gate_fidelity", "measurement_fidelity")
    assert cfg.shape == (11, 25, 3, 5)
    for name in QUANTITIES:  # the docstring lists every registered quantity
        assert f"``{name}``" in doc


def test_validating_a_config_imports_nothing_heavy():
    import subprocess
    import sys

    code = (
        "import sys; from pqms_physics.sweep.engine import load_config; load_config(sys.argv[1]); "
        "print(','.join(m for m in ('qutip', 'numba', 'matplotlib', 'xarray', 'dask', 'distributed') "
        "if m in sys.modules))"
    )
    example = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "examples", "sweep_chain.toml")
    out = subprocess.run([sys.executable, "-c", code, example], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
