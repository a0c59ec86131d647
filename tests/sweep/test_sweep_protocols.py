"""Sweep quantities protocol_mean_time / protocol_mean_werner: registered, validated, and equal to closed forms
and to the Monte Carlo engine at the grid points."""

import math

import numpy as np
import pytest
from sweep_helpers import write_config

from pqms_physics.errors import PQMSValueError
from pqms_physics.sweep.engine import run_sweep
from pqms_physics.sweep.quantities import QUANTITIES
from pqms_physics.sweep.quantities_protocols import evaluate_protocol_grid


def test_quantities_are_registered():
    assert {"protocol_mean_time", "protocol_mean_werner"} <= set(QUANTITIES)
    q = QUANTITIES["protocol_mean_time"]
    assert q.parameter("p_link").domain() == "> 0 and <= 1"
    assert not q.randomised


def test_sweep_of_mean_time_is_the_two_segment_closed_form(tmp_path):
    # Shchukin et al. 2019: E[T] = (3 - 2p) / (a p (2 - p)); cutoff = 0 and a = 1: 1/p^2
    cfg = write_config(
        tmp_path / "t.toml",
        {"quantity": "protocol_mean_time", "chunk_points": 4},
        {"p_link": [0.1, 0.3, 0.9], "p_swap": [0.5, 1.0], "cutoff": [-1, 0]},
        {"segments": 2},
    )
    ds = run_sweep(cfg, workers=1, progress=False)
    p, a = np.meshgrid([0.1, 0.3, 0.9], [0.5, 1.0], indexing="ij")
    got = ds.mean_time.values
    np.testing.assert_allclose(got[:, :, 0], (3 - 2 * p) / (a * p * (2 - p)), rtol=1e-9)
    np.testing.assert_allclose(got[:, 1, 1], 1 / p[:, 1] ** 2, rtol=1e-9)


def test_sweep_of_mean_werner_agrees_with_monte_carlo(tmp_path):
    from pqms_physics.network.protocols.montecarlo import simulate
    from pqms_physics.network.protocols.spec import ProtocolSpec

    cfg = write_config(
        tmp_path / "w.toml",
        {"quantity": "protocol_mean_werner"},
        {"p_link": [0.2, 0.5], "cutoff": [3, 20]},
        {"segments": 4, "p_swap": 0.7, "link_werner": 0.97, "coherence_time": 30.0},
    )
    ds = run_sweep(cfg, workers=1, progress=False)
    for i, p in enumerate([0.2, 0.5]):
        for j, tau in enumerate([3, 20]):
            mc = simulate(
                ProtocolSpec(4, p, p_swap=0.7, link_werner=0.97, coherence_time=30.0, cutoff=tau),
                samples=40_000,
                seed=i * 2 + j,
            )
            assert abs(float(ds.mean_werner.values[i, j]) - mc.mean_werner) <= 5 * mc.mean_werner_stderr
            assert float(ds.mean_fidelity.values[i, j]) == pytest.approx((1 + 3 * ds.mean_werner.values[i, j]) / 4)
            assert float(ds.mean_werner.values[i, j]) <= 0.97**4


def test_grid_helper_broadcasts_and_handles_perfect_links():
    t, w = evaluate_protocol_grid(4, np.array([[0.5], [1.0]]), [0.5, 1.0], -1, link_werner=0.9)
    assert t.shape == (2, 2)
    assert t[1, 1] == pytest.approx(1.0) and w[1, 1] == pytest.approx(0.9**4)
    assert math.isfinite(float(t[0, 0]))


def test_sentinel_values_are_the_only_negative_ones_accepted():
    with pytest.raises(PQMSValueError, match="cutoff must be >= 0 rounds, or -1 for none, got -2"):
        evaluate_protocol_grid(2, 0.5, 1.0, -2)
    with pytest.raises(PQMSValueError, match="coherence_time must be > 0 rounds, or 0 for perfect memories"):
        evaluate_protocol_grid(2, 0.5, 1.0, -1, coherence_time=-1.0)
    t_inf, w_inf = evaluate_protocol_grid(2, 0.5, 1.0, -1, link_werner=0.9, coherence_time=math.inf)
    t_0, w_0 = evaluate_protocol_grid(2, 0.5, 1.0, -1, link_werner=0.9, coherence_time=0.0)
    assert (t_inf, w_inf) == (t_0, w_0) and w_0 == pytest.approx(0.81)


def test_bad_sweep_values_name_the_parameter(tmp_path):
    cfg = write_config(
        tmp_path / "bad.toml", {"quantity": "protocol_mean_time"}, {"p_link": [0.5, 0.0]}, {"segments": 2}
    )
    with pytest.raises(PQMSValueError, match=r"p_link\[1\] must be > 0 and <= 1, got 0.0"):
        run_sweep(cfg, workers=1, progress=False)
