"""The purification study of ``pqms report``: CSV values equal independent closed forms and library calls."""

import math
import time

import numpy as np
import pytest
from report_helpers import pdf_fonts, png_size_and_dpi

from pqms_physics.report.studies import STUDIES
from pqms_physics.report.studies_purification import (
    PURIFICATION_LINK_FIDELITY,
    PURIFICATION_LINK_KM,
    PURIFICATION_MIN_FIDELITY,
    PURIFICATION_NOISE,
    PURIFICATION_ROUNDS,
    study_purification,
)


@pytest.fixture(scope="module")
def study():
    return study_purification(quick=True)


def rows_of(study, panel):
    return [dict(zip(study.columns, r, strict=True)) for r in study.rows if r[0] == panel]


def test_study_is_registered_and_fast():
    assert STUDIES["purification"] is study_purification
    t0 = time.perf_counter()
    study_purification(quick=True)
    assert time.perf_counter() - t0 < 1.0  # the brief: < 1 s quick (exact, no sampling)


def test_perfect_operations_rounds_follow_the_bbpssw_map_on_the_first_round_and_never_lose_fidelity(study):
    # first DEJMPS round on a Werner input equals the BBPSSW Werner map (Bennett et al. 1996)
    from pqms_physics.network.purification import dejmps

    perfect = [r for r in rows_of(study, "rounds") if r["gate_fidelity"] == 1.0]
    for r in perfect:
        f = r["input_fidelity"]
        q = (1 - f) / 3
        first = (f * f + q * q) / (f * f + 2 * f * q + 5 * q * q)
        w = np.array([f, q, q, q])
        assert dejmps(w).fidelity == pytest.approx(first, abs=1e-14)
        for _ in range(PURIFICATION_ROUNDS):
            w = dejmps(w).weights
        assert r["output_fidelity"] == pytest.approx(w[0], abs=1e-14)
        assert r["output_fidelity"] >= f - 1e-14
        assert r["f_min"] == pytest.approx(0.5, abs=1e-9) and r["f_max"] == pytest.approx(1.0, abs=1e-12)


def test_fixed_points_columns_and_curves_stay_below_f_max(study):
    from pqms_physics.network.purification import purification_fixed_point

    for p2, eta in PURIFICATION_NOISE:
        fp = purification_fixed_point("dejmps", gate_fidelity=p2, measurement_fidelity=eta)
        rows = [r for r in rows_of(study, "rounds") if (r["gate_fidelity"], r["measurement_fidelity"]) == (p2, eta)]
        assert rows and all(r["f_max"] == fp.f_max and r["f_min"] == fp.f_min for r in rows)
        assert all(r["output_fidelity"] <= fp.f_max + 1e-12 for r in rows if r["input_fidelity"] <= fp.f_max)


def test_nested_rows_are_the_library_and_reach_the_stated_fidelity(study):
    from pqms_physics.network.purification import nested_repeater

    rows = rows_of(study, "nested")
    assert rows
    for r in rows:
        lib = nested_repeater(
            PURIFICATION_LINK_FIDELITY,
            r["hops"],
            r["rounds"],
            gate_fidelity=r["gate_fidelity"],
            measurement_fidelity=r["measurement_fidelity"],
        )
        assert r["raw_pairs"] == lib.raw_pairs and r["output_fidelity"] == lib.fidelity
        assert r["distance_km"] == pytest.approx(r["hops"] * PURIFICATION_LINK_KM)
    far = max(r["hops"] for r in rows)
    assert all(r["output_fidelity"] >= PURIFICATION_MIN_FIDELITY for r in rows if r["hops"] == far)
    # perfect operations, one round per level: success -> 1, so cost x4 per doubling (R ~ N^2)
    perfect = sorted((r["hops"], r["raw_pairs"]) for r in rows if r["gate_fidelity"] == 1.0)
    assert math.log2(perfect[-1][1] / perfect[-2][1]) == pytest.approx(2.0, abs=1e-6)


def test_figure_is_double_column_with_embedded_fonts(study, tmp_path):
    from pqms_physics.plots import save_figure

    paths = save_figure(study.figure(), tmp_path / "purification")
    fonts = pdf_fonts(paths[0])
    assert fonts and all(sub != "/Type3" and embedded for sub, embedded in fonts)
    width, _h, dpi = png_size_and_dpi(paths[1])
    assert dpi == pytest.approx(300, abs=0.5) and width == pytest.approx(300 * 7.0, abs=1)


def test_plot_rejects_bad_data_naming_it():
    from pqms_physics.errors import PQMSValueError
    from pqms_physics.plots import plot_purification

    with pytest.raises(PQMSValueError, match="distance_km must be > 0"):
        plot_purification([0.6, 0.7], {"a": [0.6, 0.7]}, {}, [0.0, 1.0], {"b": [1.0, 2.0]})
    with pytest.raises(PQMSValueError, match=r"raw_pairs\[b\] must be > 0"):
        plot_purification([0.6, 0.7], {"a": [0.6, 0.7]}, {}, [1.0, 2.0], {"b": [0.0, 2.0]})
