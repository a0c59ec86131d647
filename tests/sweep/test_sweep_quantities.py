"""Sweep quantities: each registered quantity against closed forms and the public physics API, domain laws."""

from __future__ import annotations

import math

import numpy as np
import pytest
import qutip as qt
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from pqms_physics.errors import PQMSValueError
from pqms_physics.sweep.quantities import QUANTITIES, evaluate_points, get_quantity
from pqms_physics.sweep.spec import OutputSpec, ParameterSpec, Quantity, point_seeds


def grid(**axes) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Flattened Cartesian product of the given axes (C order) and the matching point indices."""
    names = list(axes)
    mesh = np.meshgrid(*[np.asarray(axes[n]) for n in names], indexing="ij")
    values = {n: m.ravel() for n, m in zip(names, mesh)}
    return values, np.arange(mesh[0].size)


def evaluate(name: str, seed=None, **axes) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Evaluate a quantity on a grid, filling unswept parameters with their defaults."""
    values, index = grid(**axes)
    for p in get_quantity(name).parameters:
        if p.name not in values:
            values[p.name] = p.array([p.default] * index.size)
    return values, evaluate_points(name, values, index, seed)


# ------------------------------------------------------------------ dephasing_fidelity
def test_dephasing_fidelity_is_half_one_plus_coherence_per_dephased_qubit():
    # Each dephased qubit multiplies the |00><11| coherence of Phi+ by exp(-2 gamma t); F = (1 + c)/2.
    v, out = evaluate("dephasing_fidelity", gamma_per_s=[0.0, 0.1, 1.0, 10.0], t_s=[0.0, 0.3, 2.0], sides=[1, 2])
    expected = (1.0 + np.exp(-2.0 * v["sides"] * v["gamma_per_s"] * v["t_s"])) / 2.0
    # one 16x16 superoperator product in double precision: error ~1e-15
    np.testing.assert_allclose(out["fidelity"], expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("sides", [1, 2])
def test_dephasing_fidelity_agrees_with_lindblad_time_integration(sides):
    gamma, t = 0.7, 0.9
    z = np.sqrt(gamma) * qt.sigmaz()
    c_ops = [qt.tensor(z, qt.qeye(2))] + ([qt.tensor(qt.qeye(2), z)] if sides == 2 else [])
    phi = (qt.tensor(qt.basis(2, 0), qt.basis(2, 0)) + qt.tensor(qt.basis(2, 1), qt.basis(2, 1))).unit()
    res = qt.mesolve(qt.qzero([2, 2]), qt.ket2dm(phi), [0.0, t], c_ops, options={"atol": 1e-12, "rtol": 1e-10})
    _, out = evaluate("dephasing_fidelity", gamma_per_s=[gamma], t_s=[t], sides=[sides])
    # ODE solver with rtol 1e-10: agreement to 1e-8
    assert out["fidelity"][0] == pytest.approx(qt.expect(qt.ket2dm(phi), res.states[-1]), abs=1e-8)


# ------------------------------------------------------------------ fidelity_vs_hops
def duer_fidelity(f, n, p, eta, twirl):
    """Duer et al. PRA 59, 169 (1999): Werner links of parameter w = (4F - 1)/3, n links, n - 1 noisy swaps."""
    w = (4.0 * f - 1.0) / 3.0
    if twirl:
        return 0.25 + 0.75 * w**n * (p * (4.0 * eta**2 - 1.0) / 3.0) ** (n - 1)
    d = 2.0 * eta - 1.0
    return (1.0 + w**n * p ** (n - 1) * (d ** (2 * (n - 1)) + 2.0 * d ** (n - 1))) / 4.0


@pytest.mark.parametrize("twirl", [False, True])
def test_fidelity_vs_hops_follows_the_duer_closed_form(twirl):
    v, out = evaluate(
        "fidelity_vs_hops",
        hops=[1, 2, 3, 10, 100, 1000],
        link_fidelity=[0.5, 0.9, 0.999, 1.0],
        gate_fidelity=[0.97, 1.0],
        measurement_fidelity=[0.98, 1.0],
        twirl=[twirl],
    )
    expected = duer_fidelity(v["link_fidelity"], v["hops"], v["gate_fidelity"], v["measurement_fidelity"], twirl)
    # products of up to ~2000 factors in double precision: relative error ~1e-13
    np.testing.assert_allclose(out["fidelity"], expected, rtol=1e-12, atol=1e-14)


@given(f=st.floats(0, 1), n=st.integers(1, 300), p=st.floats(0, 1), eta=st.floats(0, 1), twirl=st.booleans())
def test_fidelity_vs_hops_equals_the_public_chain_function_point_by_point(f, n, p, eta, twirl):
    from pqms_physics.core.states import werner_state
    from pqms_physics.network.chains import fidelity_vs_hops

    _, out = evaluate(
        "fidelity_vs_hops", hops=[n], link_fidelity=[f], gate_fidelity=[p], measurement_fidelity=[eta], twirl=[twirl]
    )
    direct = fidelity_vs_hops(werner_state(f), [n], p, eta, twirl=twirl)[0]
    assert out["fidelity"][0] == pytest.approx(direct, rel=1e-12, abs=1e-15)  # same algebra, two entry points


# ------------------------------------------------------------------ chsh_value
def s_max_from_bell_weights(w: np.ndarray) -> float:
    """Horodecki S_max of a Bell-diagonal state with weights (Phi+, Psi+, Psi-, Phi-) = Paulis I, X, Y, Z on qubit 1."""
    t = np.array([w[0] + w[1] - w[2] - w[3], -w[0] + w[1] - w[2] + w[3], w[0] - w[1] - w[2] + w[3]])
    a, b = sorted(t**2)[-2:]
    return 2.0 * math.sqrt(a + b)


def test_chsh_of_a_twirled_chain_is_two_root_two_times_the_werner_parameter():
    v, out = evaluate(
        "chsh_value",
        hops=[1, 2, 5, 40],
        link_fidelity=[0.7, 0.95, 1.0],
        gate_fidelity=[0.98, 1.0],
        measurement_fidelity=[0.99],
        twirl=[True],
    )
    w_n = (
        4.0 * duer_fidelity(v["link_fidelity"], v["hops"], v["gate_fidelity"], v["measurement_fidelity"], True) - 1.0
    ) / 3.0
    # SVD of a 3x3 correlation matrix: ~1e-15
    np.testing.assert_allclose(out["chsh_s_max"], 2.0 * math.sqrt(2.0) * np.abs(w_n), rtol=0, atol=1e-12)


def test_chsh_of_an_exact_chain_follows_horodecki_on_its_bell_weights():
    from pqms_physics.core.states import bell_weights, werner_state
    from pqms_physics.network.chains import chain_state

    v, out = evaluate(
        "chsh_value",
        hops=[2, 7],
        link_fidelity=[0.93],
        gate_fidelity=[0.99],
        measurement_fidelity=[0.9, 0.97],
        twirl=[False],
    )
    for k in range(out["chsh_s_max"].size):
        rho = chain_state(werner_state(0.93), int(v["hops"][k]), 0.99, float(v["measurement_fidelity"][k]))
        assert out["chsh_s_max"][k] == pytest.approx(s_max_from_bell_weights(bell_weights(rho)), abs=1e-12)


# ------------------------------------------------------------------ entanglement_rate
RATE_AXES = dict(
    length_km=[0.0, 25.0, 150.0, 600.0], n_links=[1, 2, 8], detector_efficiency=[0.5, 1.0], gate_fidelity=[0.99, 1.0]
)


def test_entanglement_rate_points_equal_the_bounds_function():
    from pqms_physics.network.bounds import entanglement_rate

    v, out = evaluate("entanglement_rate", **RATE_AXES)
    for k in range(v["length_km"].size):
        r = entanglement_rate(
            float(v["length_km"][k]),
            int(v["n_links"][k]),
            detector_efficiency=float(v["detector_efficiency"][k]),
            gate_fidelity=float(v["gate_fidelity"][k]),
        )
        for name in out:
            assert out[name][k] == pytest.approx(float(getattr(r, name)), rel=1e-12, abs=0)  # same formula


def test_entanglement_rate_respects_the_plob_bounds():
    # Pirandola et al. 2017: no protocol beats -log2(1 - eta) per mode over a lossy channel of transmissivity eta;
    # a chain of ideal repeaters is bounded by one segment's PLOB, a direct link by the whole distance's.
    v, out = evaluate("entanglement_rate", **RATE_AXES)
    assert np.all(out["ebits_per_mode"] <= out["plob_chain"])
    direct = v["n_links"] == 1
    assert np.all(out["ebits_per_mode"][direct] <= out["plob_repeaterless"][direct])
    assert np.all(out["ebits_per_mode"] > 0)  # Werner links of V ~ 0.98 keep a positive hashing yield


# ------------------------------------------------------------------ pool_bias
def test_pool_bias_choices_match_the_nct_module():
    from pqms_physics.nct.pools import BASES, SAMPLERS

    q = get_quantity("pool_bias")
    assert set(q.parameter("sampler").choices) == set(SAMPLERS)
    assert set(q.parameter("basis").choices) == set(BASES)


def test_pool_bias_point_is_the_experiment_seeded_by_its_point_seed():
    from pqms_physics.core.noise import dephasing
    from pqms_physics.core.states import werner_state
    from pqms_physics.nct import pool_bias_experiment

    v, out = evaluate(
        "pool_bias", seed=99, pairs_per_pool=[500], basis=["z", "x"], sender_gamma_per_s=[0.3], sampler=["multinomial"]
    )
    for k, s in enumerate(point_seeds(99, np.arange(2))):
        r = pool_bias_experiment(
            500,
            int(s),
            state=werner_state(1.0),
            sender_channel=dephasing(0.3, 1.0),
            basis=str(v["basis"][k]),
            sampler="multinomial",
        )
        assert (out["receiver_ones_0"][k], out["receiver_ones_1"][k]) == r.receiver_ones
        assert out["z"][k] == r.z and out["p_value"][k] == r.p_value


def test_pool_bias_shows_no_signal_across_independent_trials():
    # No-communication theorem: the sender's dephasing leaves the receiver's marginal unchanged, so the
    # exact bias is 0 and each trial's p-value is ~uniform. Seed 2024 fixed before looking; 200 trials:
    # #(p < 0.05) ~ Binomial(200, 0.05) (mean 10); P(count > 25) = 9e-6 is the false-failure probability
    # (the normal approximation of the binomial z at N = 1e4 pairs changes this negligibly).
    _, out = evaluate(
        "pool_bias",
        seed=2024,
        pairs_per_pool=[10_000],
        trial=np.arange(200),
        sender_gamma_per_s=[0.5],
        basis=["x"],
        sampler=["multinomial"],
    )
    assert np.all(np.abs(out["expected_delta_mu"]) < 1e-15)  # exactly 0 up to rounding of 4 probabilities
    assert np.count_nonzero(out["p_value"] < 0.05) <= 25
    assert len(set(zip(out["receiver_ones_0"], out["receiver_ones_1"]))) > 150  # trials really differ


# ------------------------------------------------------------------ registry laws
def test_every_default_lies_in_its_domain():
    for q in QUANTITIES.values():
        for p in q.parameters:
            if not p.required:
                assert p.validate(f"{q.name}.{p.name}", p.default) == p.default


def _edge_values(p: ParameterSpec) -> list:
    if p.kind == "bool":
        return [False, True]
    if p.kind == "choice":
        return list(p.choices)
    step = 1 if p.kind == "int" else 0.5
    if p.low is None:
        lo = -step
    else:
        lo = p.low + step if p.low_open else p.low  # an open bound's edge is approached, not reached
    hi = p.high if p.high is not None else lo + step
    cast = int if p.kind == "int" else float
    return [cast(lo), cast(hi)]


@pytest.mark.parametrize("name", sorted(QUANTITIES))
def test_physics_accepts_every_domain_edge_with_defined_outputs(name):
    q = get_quantity(name)
    axes = {p.name: _edge_values(p) for p in q.parameters if p.sweepable}
    if name == "pool_bias":
        axes["pairs_per_pool"] = [1, 3]  # the lower edge, and a small N to keep the test short
    values, out = evaluate(name, seed=0 if q.randomised else None, **axes)
    for spec in q.outputs:  # +inf is a value (PLOB at zero length); NaN would be a failure
        assert out[spec.name].dtype == np.dtype(spec.dtype) and not np.any(np.isnan(out[spec.name]))


# parameters that only shape the sweep (replicate index, which qubits) are not passed to a validating function
STRUCTURAL = {("dephasing_fidelity", "sides"), ("pool_bias", "trial")}


# valid values of the other required parameters of each quantity
BASE = {
    "dephasing_fidelity": {"gamma_per_s": [0.1], "t_s": [0.1]},
    "fidelity_vs_hops": {"hops": [2], "link_fidelity": [0.9]},
    "chsh_value": {"link_fidelity": [0.9]},
    "entanglement_rate": {"length_km": [10.0], "n_links": [2]},
    "pool_bias": {"pairs_per_pool": [10]},
    "protocol_mean_time": {"segments": [2], "p_link": [0.5]},
    "protocol_mean_werner": {"segments": [2], "p_link": [0.5]},
}


@pytest.mark.parametrize(
    "name, param",
    [
        (q.name, p.name)
        for q in QUANTITIES.values()
        for p in q.parameters
        if q.source != "pqms_physics.sweep.quantities"
        and p.kind in ("float", "int")
        and (q.name, p.name) not in STRUCTURAL
    ],
)
def test_registry_domains_agree_with_the_physics_functions(name, param):
    q = get_quantity(name)
    p = q.parameter(param)
    outside = []
    if p.low is not None:
        outside.append(p.low if p.low_open else p.low - (1 if p.kind == "int" else 1e-9))
    if p.high is not None:
        outside.append(p.high + (1 if p.kind == "int" else 1e-9))
    assert outside, f"{name}.{param} has an unbounded domain; this law needs a bound"
    for value in outside:
        with pytest.raises(PQMSValueError):
            p.validate(param, value)  # the sweep config rejects it ...
        axes = {**BASE[name], param: p.array([value])}
        with pytest.raises(PQMSValueError):  # ... and so does the physics it is passed to
            evaluate(name, seed=0 if q.randomised else None, **axes)


def test_unknown_quantity_and_parameter_errors_list_the_known_names():
    with pytest.raises(PQMSValueError, match=r"unknown quantity 'nope' \(known: .*fidelity_vs_hops"):
        get_quantity("nope")
    with pytest.raises(
        PQMSValueError,
        match=r"unknown parameter 'hopz' for quantity 'fidelity_vs_hops' "
        r"\(known: hops, link_fidelity, gate_fidelity",
    ):
        get_quantity("fidelity_vs_hops").parameter("hopz")


@pytest.mark.parametrize(
    "spec, value, message",
    [
        pytest.param(
            ParameterSpec("r", "float", "1", "", low=0.0, low_open=True), 0.0, r"r must be > 0, got 0\.0", id="open-low"
        ),
        pytest.param(
            ParameterSpec("f", "float", "1", "", low=0.0, high=1.0),
            1.5,
            r"f must be in \[0, 1\], got 1\.5",
            id="closed",
        ),
        pytest.param(ParameterSpec("n", "int", "1", "", low=1), 0, r"n must be an integer >= 1, got 0", id="int-low"),
        pytest.param(ParameterSpec("b", "bool", "1", ""), 1, r"b must be true or false, got 1", id="bool"),
        pytest.param(
            ParameterSpec("c", "choice", "1", "", choices=("a", "b")),
            "z",
            r"c must be one of \['a', 'b'\]",
            id="choice",
        ),
    ],
)
def test_parameter_domain_messages_name_key_domain_and_value(spec, value, message):
    with pytest.raises(PQMSValueError, match=message):
        spec.validate(spec.name, value)


def test_a_quantity_returning_wrong_outputs_is_reported_as_a_bug(monkeypatch):
    import pqms_physics.sweep.quantities as sq

    broken = Quantity(
        "broken",
        "",
        (ParameterSpec("x", "float", "1", ""),),
        (OutputSpec("y", "1", ""),),
        evaluate=lambda values, index, seed: {"y": np.zeros(index.size + 1)},
    )
    monkeypatch.setitem(sq._REGISTRY, "broken", broken)
    with pytest.raises(RuntimeError, match=r"returned shape \(3,\) for 'y', expected \(2,\)"):
        evaluate_points("broken", {"x": np.zeros(2)}, np.arange(2), None)


# ------------------------------------------------------------------ per-point seeds
def test_point_seeds_depend_only_on_sweep_seed_and_point_index():
    idx = np.arange(10_000)
    seeds = point_seeds(12345, idx)
    # any sub-chunk gives the same seeds for the same points
    np.testing.assert_array_equal(point_seeds(12345, idx[4321:4400]), seeds[4321:4400])
    # 64-bit seeds: a collision among 1e4 has probability ~1e8 / 2**65 ~ 3e-12
    assert np.unique(seeds).size == idx.size
    assert not np.any(point_seeds(12346, idx[:100]) == seeds[:100])


def test_probe_uniforms_from_point_seeds_are_uniform():
    # Kolmogorov-Smirnov on 5000 draws, seed 77 fixed in advance; false-failure probability 1e-3.
    _, out = evaluate("sweep_probe:SWEEP_PROBE", seed=77, x=np.arange(5000, dtype=float))
    assert stats.kstest(out["uniform"], "uniform").pvalue > 1e-3
