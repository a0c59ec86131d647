"""Tests of pqms_physics.plots: the style, the four standard figures, and saving them.

The plot functions are fed synthetic data computed here from closed forms (they take
data, not physics); the tests check that the data drawn is the data given, that the
house style holds (sizes, palette, fonts embedded in PDF, 300-dpi PNG), that no text is
clipped by the figure edge, and that bad inputs name the parameter.
"""

import math
import subprocess
import sys

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text
from report_helpers import pdf_fonts, png_size_and_dpi, werner_chain

from pqms_physics.errors import PQMSValueError
from pqms_physics.plots import (
    DOUBLE_COLUMN_IN,
    PALETTE,
    SINGLE_COLUMN_IN,
    new_figure,
    plot_chsh_vs_hops,
    plot_fidelity_vs_hops,
    plot_nct_pool_bias,
    plot_rate_vs_distance,
    save_figure,
    style_context,
    style_path,
)
from pqms_physics.plots.style import format_count, format_sci

HOPS = np.array([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000])
W = (4 * 0.999 - 1) / 3  # Werner parameter of a link of fidelity 0.999


def texts_inside_figure(fig, tol_in=0.01):
    """Render and return the drawn texts whose extent leaves the figure (clipped labels).

    Uses the figure's tight bounding box (only artists actually drawn count) for the check,
    then names the offending texts.
    """
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    tight = fig.get_tightbbox(renderer)  # inches
    w, h = fig.get_size_inches()
    if tight.x0 >= -tol_in and tight.y0 >= -tol_in and tight.x1 <= w + tol_in and tight.y1 <= h + tol_in:
        return []
    box = fig.bbox
    out = []
    for t in fig.findobj(Text):
        if not t.get_visible() or not t.get_text().strip():
            continue
        ext = t.get_window_extent(renderer)
        if ext.x0 < box.x0 - 1 or ext.y0 < box.y0 - 1 or ext.x1 > box.x1 + 1 or ext.y1 > box.y1 + 1:
            out.append(t.get_text())
    return out or [f"tight bbox {tight} exceeds the figure ({w} x {h} in)"]


def legends_overlap_data(fig):
    """Fraction of plotted line vertices (in display space) that fall inside an in-axes legend."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    inside = total = 0
    for ax in fig.axes:
        leg = ax.get_legend()
        if leg is None:
            continue
        lb = leg.get_window_extent(renderer)
        for line in ax.lines:
            xy = line.get_xydata()
            xy = xy[np.all(np.isfinite(xy), axis=1)]
            if xy.size == 0:
                continue
            pts = ax.transData.transform(xy)
            total += len(pts)
            inside += int(np.sum((pts[:, 0] > lb.x0) & (pts[:, 0] < lb.x1) & (pts[:, 1] > lb.y0) & (pts[:, 1] < lb.y1)))
    return inside / max(total, 1)


# --------------------------------------------------------------------------- style


def test_style_file_ships_with_the_package_and_embeds_truetype_fonts():
    text = style_path().read_text()
    assert "pdf.fonttype: 42" in text
    with style_context():
        import matplotlib as mpl

        assert mpl.rcParams["pdf.fonttype"] == 42
        assert mpl.rcParams["savefig.dpi"] == 300


def test_style_colour_cycle_is_the_okabe_ito_palette():
    with style_context():
        import matplotlib as mpl

        colours = [c["color"].upper().lstrip("#") for c in mpl.rcParams["axes.prop_cycle"]]
    # Okabe & Ito (2008), the eight colours (hex), independent of the module's constant
    okabe_ito = {"000000", "E69F00", "56B4E9", "009E73", "F0E442", "0072B2", "D55E00", "CC79A7"}
    assert set(colours) == okabe_ito
    assert [p.upper().lstrip("#") for p in PALETTE] == colours


@pytest.mark.parametrize("width, inches", [("single", 3.4), ("double", 7.0), (5.0, 5.0)])
def test_new_figure_has_the_journal_column_widths(width, inches):
    with style_context():
        fig = new_figure(width)
    assert fig.get_figwidth() == pytest.approx(inches)
    assert SINGLE_COLUMN_IN == 3.4 and DOUBLE_COLUMN_IN == 7.0


@pytest.mark.parametrize("bad, match", [("triple", "width must be one of"), (-1.0, "width must be > 0")])
def test_new_figure_rejects_bad_width_naming_it(bad, match):
    with pytest.raises(PQMSValueError, match=match):
        new_figure(bad)


def test_format_helpers_write_powers_of_ten_as_mathtext():
    assert format_count(10**4) == "$10^{4}$"
    assert format_count(245) == "245"
    assert format_count(12345) == "12,345"
    assert format_sci(1e-6) == "$10^{-6}$"
    assert format_sci(3.2e-5) == "$3.2\\times10^{-5}$"


def test_save_figure_writes_vector_pdf_with_embedded_truetype_and_300_dpi_png(tmp_path):
    fig = plot_fidelity_vs_hops(HOPS, {"Werner F = 0.999": werner_chain(0.999, HOPS)})
    pdf, png = save_figure(fig, tmp_path / "fig")
    assert pdf.name == "fig.pdf" and png.name == "fig.png"
    fonts = pdf_fonts(pdf)
    assert fonts, "the PDF must contain text with fonts"
    assert all(subtype != "/Type3" for subtype, _ in fonts)
    assert all(embedded for _, embedded in fonts)
    width, height, dpi = png_size_and_dpi(png)
    assert dpi == pytest.approx(300, abs=0.5)
    assert width == pytest.approx(fig.get_figwidth() * 300, abs=1)
    assert height == pytest.approx(fig.get_figheight() * 300, abs=1)


def test_save_figure_rejects_unknown_format(tmp_path):
    fig = plot_fidelity_vs_hops(HOPS, {"a": werner_chain(0.99, HOPS)})
    with pytest.raises(PQMSValueError, match="formats must contain only"):
        save_figure(fig, tmp_path / "x", formats=("jpeg",))


def test_plots_use_no_pyplot_and_the_package_import_loads_no_matplotlib():
    code = (
        "import sys, numpy as np, pqms_physics\n"
        "assert 'matplotlib' not in sys.modules, 'import pqms_physics loaded matplotlib'\n"
        "import pqms_physics.plots as p\n"
        "assert 'matplotlib' not in sys.modules, 'import pqms_physics.plots loaded matplotlib'\n"
        "fig = p.plot_fidelity_vs_hops(np.array([1, 10]), {'a': np.array([1.0, 0.9])})\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'a plot function imported pyplot'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


# --------------------------------------------------------------------------- fidelity vs hops


def test_fidelity_figure_draws_the_given_curves_and_the_reference_lines():
    threshold = (1 + 3 / math.sqrt(2)) / 4
    curves = {"Werner F = 0.99": werner_chain(0.99, HOPS), "Werner F = 0.999": werner_chain(0.999, HOPS)}
    fig = plot_fidelity_vs_hops(HOPS, curves, chsh_threshold=threshold)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    by_label = {line.get_label(): line for line in ax.lines}
    for label, vals in curves.items():
        np.testing.assert_array_equal(by_label[label].get_xdata(), HOPS)
        np.testing.assert_array_equal(by_label[label].get_ydata(), vals)
    refs = sorted(line.get_ydata()[0] for line in ax.lines if line.get_label() not in curves)
    assert refs == pytest.approx([0.5, threshold])
    assert "F" in ax.get_ylabel() and "links" in ax.get_xlabel()
    assert texts_inside_figure(fig) == []


def test_fidelity_figure_accepts_an_xarray_dataarray():
    xr = pytest.importorskip("xarray")
    da = xr.DataArray(
        np.vstack([werner_chain(0.99, HOPS), werner_chain(0.9999, HOPS)]),
        dims=("curve", "hops"),
        coords={"curve": ["a", "b"], "hops": HOPS},
    )
    fig = plot_fidelity_vs_hops(da["hops"].values, da)
    labels = [line.get_label() for line in fig.axes[0].lines]
    assert labels[:2] == ["a", "b"]
    np.testing.assert_array_equal(fig.axes[0].lines[1].get_ydata(), werner_chain(0.9999, HOPS))


@pytest.mark.parametrize(
    "hops, curves, match",
    [
        pytest.param(np.array([0, 1]), {"a": [1.0, 1.0]}, "hops must be >= 1", id="hops-below-1"),
        pytest.param(np.array([1, 2]), {"a": [1.0, 1.2]}, r"fidelities\[a\] must be in \[0, 1\]", id="F-above-1"),
        pytest.param(np.array([1, 2]), {"a": [1.0]}, r"fidelities\[a\] must have 2 entries", id="length"),
        pytest.param(np.array([1, 2]), {}, "fidelities must contain at least one curve", id="empty"),
        pytest.param(np.array([1, 2]), [1.0, 1.0], "fidelities must be a mapping", id="not-mapping"),
        pytest.param(np.array([[1, 2]]), {"a": [1.0, 1.0]}, "hops must be one-dimensional", id="2d-hops"),
        pytest.param(np.array([1, 2]), {"a": [1.0, np.nan]}, r"fidelities\[a\] must contain only finite", id="nan"),
    ],
)
def test_fidelity_figure_rejects_bad_data_naming_the_parameter(hops, curves, match):
    with pytest.raises(PQMSValueError, match=match):
        plot_fidelity_vs_hops(hops, curves)


# --------------------------------------------------------------------------- rate vs distance


def test_rate_figure_is_log_y_with_bounds_drawn_and_zero_rates_left_out():
    d = np.linspace(0, 400, 41)
    eta = 10 ** (-0.2 * d / 10)
    direct = eta / 2
    direct[-1] = 0.0  # a zero rate must not be drawn on a log axis (masked, not clipped)
    plob = -np.log2(1 - eta[1:])
    plob = np.concatenate([[plob[0]], plob])  # finite stand-in at d = 0 (PLOB diverges there)
    fig = plot_rate_vs_distance(d, {"direct": direct}, bounds={"PLOB": plob})
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    by_label = {line.get_label(): line for line in ax.lines}
    y = by_label["direct"].get_ydata()
    assert np.isnan(y[-1]) and np.allclose(y[:-1], direct[:-1])
    np.testing.assert_allclose(by_label["PLOB"].get_ydata(), plob)
    assert by_label["PLOB"].get_color() != by_label["direct"].get_color()
    assert "km" in ax.get_xlabel()
    assert texts_inside_figure(fig) == []


@pytest.mark.parametrize(
    "rates, bounds, match",
    [
        pytest.param({"a": [-1.0, 1.0]}, None, r"rates\[a\] must be >= 0", id="negative-rate"),
        pytest.param({"a": [1.0, 1.0]}, {"b": [1.0, -2.0]}, r"bounds\[b\] must be >= 0", id="negative-bound"),
    ],
)
def test_rate_figure_rejects_negative_values(rates, bounds, match):
    with pytest.raises(PQMSValueError, match=match):
        plot_rate_vs_distance([1.0, 2.0], rates, bounds=bounds)


def test_rate_figure_rejects_negative_distance():
    with pytest.raises(PQMSValueError, match="distance_km must be >= 0"):
        plot_rate_vs_distance([-1.0, 2.0], {"a": [1.0, 1.0]})


# --------------------------------------------------------------------------- CHSH vs hops


def test_chsh_figure_marks_local_and_tsirelson_bounds_and_draws_bands():
    hops = np.array([1, 2, 4, 8, 16])
    s = 2 * math.sqrt(2) * W**hops  # S_max of a Werner state, 2 sqrt2 w (Horodecki 1995)
    sigma = math.sqrt(8 / 1e4)  # Phi+-like: sigma_S = sqrt(8/N) at random settings
    band = (s - 1.96 * sigma, s + 1.96 * sigma)
    fig = plot_chsh_vs_hops(
        hops, {"F = 0.999": s}, band={"F = 0.999": band}, estimates={"F = 0.999": (s, band[0], band[1])}, pairs=10_000
    )
    ax = fig.axes[0]
    levels = sorted(
        line.get_ydata()[0] for line in ax.lines if len(set(line.get_ydata())) == 1 and len(line.get_ydata()) == 2
    )
    assert levels == pytest.approx([2.0, 2 * math.sqrt(2)])
    (poly,) = [c for c in ax.collections if len(c.get_paths()) and len(c.get_paths()[0].vertices) > 2]
    verts = poly.get_paths()[0].vertices
    assert verts[:, 1].min() == pytest.approx(band[0].min()) and verts[:, 1].max() == pytest.approx(band[1].max())
    legend_text = " ".join(t.get_text() for t in fig.legends[0].get_texts())
    assert "95% band" in legend_text and "10^{4}" in legend_text
    assert texts_inside_figure(fig) == []


def test_chsh_figure_rejects_band_for_unknown_curve():
    with pytest.raises(PQMSValueError, match="band label 'x' must be one of the s_exact labels"):
        plot_chsh_vs_hops([1, 2], {"a": [2.5, 2.4]}, band={"x": ([2.4, 2.3], [2.6, 2.5])})


# --------------------------------------------------------------------------- NCT pool bias


def test_nct_figure_band_is_k_sigma_and_histogram_is_a_density():
    n = np.repeat(10.0 ** np.arange(3, 11), 2)
    sigma = np.sqrt(0.5 / n)
    rng = np.random.default_rng(20240601)  # synthetic data only
    dmu = rng.normal(0.0, sigma)
    z = rng.normal(size=300)
    fig = plot_nct_pool_bias(n, dmu, sigma, z, k_sigma=3, threshold=1e-6, z_pairs_per_pool=10_000)
    ax, axz = fig.axes
    assert fig.get_figwidth() == pytest.approx(DOUBLE_COLUMN_IN)
    assert ax.get_xscale() == "log"
    order = np.argsort(n)
    (band_edge,) = [
        line
        for line in ax.lines
        if len(line.get_xdata()) == n.size and line.get_linestyle() == "-" and line.get_marker() in ("None", "", None)
    ]
    np.testing.assert_allclose(band_edge.get_ydata(), 3 * sigma[order])
    (points,) = [line for line in ax.lines if line.get_marker() == "o"]
    np.testing.assert_allclose(points.get_ydata(), np.abs(dmu))
    assert any(np.allclose(line.get_ydata(), 1e-6) for line in ax.lines if len(line.get_ydata()) == 2)
    heights = np.array([p.get_height() for p in axz.patches])
    widths = np.array([p.get_width() for p in axz.patches])
    assert np.sum(heights * widths) == pytest.approx(1.0)  # density=True, all runs inside the range
    density = [line for line in axz.lines if line.get_label() == "N(0, 1) density"][0]
    x, y = density.get_xdata(), density.get_ydata()
    assert np.trapezoid(y, x) == pytest.approx(1.0, abs=1e-3)  # +-4 sigma holds 1 - 6e-5 of the mass
    assert texts_inside_figure(fig) == []
    assert legends_overlap_data(fig) < 0.05


def test_nct_figure_symlog_variant_shows_signed_band():
    n = np.array([1e3, 1e6])
    sigma = np.sqrt(0.5 / n)
    fig = plot_nct_pool_bias(n, [0.01, -1e-4], sigma, [0.1, -0.2, 1.0], yscale="symlog")
    ax = fig.axes[0]
    assert ax.get_yscale() == "symlog"
    signed = [line for line in ax.lines if line.get_marker() == "o"][0]
    np.testing.assert_allclose(signed.get_ydata(), [0.01, -1e-4])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        pytest.param(dict(stderr=[0.0, 0.1]), "stderr must be > 0", id="zero-stderr"),
        pytest.param(dict(z_values=[0.1]), "z_values must hold at least 2 runs", id="one-z"),
        pytest.param(dict(k_sigma=-3), "k_sigma must be > 0", id="negative-k"),
        pytest.param(dict(yscale="linear"), "yscale must be one of", id="yscale"),
        pytest.param(dict(pairs_per_pool=[0, 10]), "pairs_per_pool must be >= 1", id="zero-pairs"),
    ],
)
def test_nct_figure_rejects_bad_inputs_naming_them(kwargs, match):
    args = dict(pairs_per_pool=[10, 100], delta_mu=[0.1, 0.01], stderr=[0.2, 0.07], z_values=[0.5, -0.5])
    args.update(kwargs)
    with pytest.raises(PQMSValueError, match=match):
        plot_nct_pool_bias(**args)


def test_clipping_check_can_fail_on_a_legend_wider_than_the_figure():
    # The helper above must be able to fail: a legend label far wider than 3.4 in is clipped.
    fig = plot_fidelity_vs_hops(HOPS, {"x" * 200: werner_chain(0.99, HOPS)})
    assert texts_inside_figure(fig) != []


def test_nct_figure_draws_an_exact_zero_at_the_axis_floor_instead_of_dropping_it():
    # With N = 1000 pairs, delta_mu = k/1000 is exactly 0 with probability ~2.5%: it must stay visible.
    n = np.array([1e3, 1e3, 1e5])
    sigma = np.sqrt(0.5 / n)
    fig = plot_nct_pool_bias(n, [0.0, 0.02, 1e-3], sigma, [0.3, -0.3])
    ax = fig.axes[0]
    floor = ax.get_ylim()[0]
    (zeros,) = [line for line in ax.lines if line.get_marker() == "v"]
    np.testing.assert_array_equal(zeros.get_xdata(), [1e3])
    np.testing.assert_allclose(zeros.get_ydata(), [floor])
    assert "0" in zeros.get_label()
