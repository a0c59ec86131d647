"""Figure: CHSH value versus number of links, exact and with finite-sample 95% bands."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from pqms_physics.errors import PQMSValueError, check_int
from pqms_physics.plots.style import (
    PALETTE,
    REFERENCE_COLOR,
    as_curves,
    as_series,
    format_count,
    new_figure,
    style_context,
)

if TYPE_CHECKING:
    import xarray as xr


def plot_chsh_vs_hops(
    hops: ArrayLike,
    s_exact: Mapping[str, ArrayLike] | xr.DataArray,
    *,
    band: Mapping[str, tuple] | None = None,
    estimates: Mapping[str, tuple] | None = None,
    pairs: int | None = None,
    band_level: float = 0.95,
    local_bound: float = 2.0,
    tsirelson_bound: float = 2.0 * math.sqrt(2.0),
    title: str | None = None,
) -> Figure:
    """CHSH value S versus number of elementary links (log x) with the local and Tsirelson bounds.

    Parameters
    ----------
    hops : array_like of int, shape (n,)
        Numbers of elementary links (>= 1).
    s_exact : mapping str -> array_like, or xarray.DataArray
        Exact S_max per curve (in [0, 2 sqrt 2]).
    band : mapping str -> (low, high), optional
        Finite-sample confidence band per curve label (same labels as ``s_exact``):
        arrays of length ``n``, drawn shaded in the curve's colour.
    estimates : mapping str -> (value, low, high), optional
        Monte Carlo estimates per curve with their confidence interval, drawn as
        points with error bars.
    pairs : int, optional
        Number of pairs per estimate (>= 1), stated in the legend.
    band_level : float
        Confidence level of ``band`` and ``estimates`` (stated in the legend).
    local_bound, tsirelson_bound : float
        Reference lines: S = 2 (local hidden variables) and S = 2 sqrt 2 (Tsirelson).
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure
        Single-column figure, legend below the axes.

    Examples
    --------
    >>> import numpy as np
    >>> n = np.array([1, 2, 4, 8, 16])
    >>> w = (4 * 0.99 - 1) / 3
    >>> fig = plot_chsh_vs_hops(n, {"Werner F = 0.99": 2 * np.sqrt(2) * w ** n})
    >>> [round(line.get_ydata()[0], 4) for line in fig.axes[0].lines[1:]]
    [2.0, 2.8284]
    """
    hops_arr = as_series("hops", hops)
    if np.any(hops_arr < 1):
        raise PQMSValueError(f"hops must be >= 1, got {hops_arr.min()}")
    n = hops_arr.size
    curves = as_curves("s_exact", s_exact, n)
    band = dict(band or {})
    estimates = dict(estimates or {})
    for name, group, width in (("band", band, 2), ("estimates", estimates, 3)):
        for label, arrays in group.items():
            if label not in curves:
                raise PQMSValueError(f"{name} label {label!r} must be one of the s_exact labels {list(curves)}")
            if len(arrays) != width:
                raise PQMSValueError(f"{name}[{label}] must be a tuple of {width} arrays, got {len(arrays)}")
    pairs_txt = ""
    if pairs is not None:
        pairs_txt = f", N = {format_count(check_int('pairs', pairs, 1))} pairs"
    level_txt = f"{100 * band_level:g}%"
    with style_context():
        n_rows = -(-(len(curves) + 2 + bool(band) + bool(estimates)) // 2)
        fig = new_figure("single", height_in=2.3 + 0.13 * n_rows)
        ax = fig.add_subplot()
        for i, (label, vals) in enumerate(curves.items()):
            color = PALETTE[i % len(PALETTE)]
            ax.plot(hops_arr, vals, color=color, ls="-", label=label)
            if label in band:
                lo, hi = (as_series(f"band[{label}]", a, n) for a in band[label])
                ax.fill_between(hops_arr, lo, hi, color=color, alpha=0.25, lw=0)
            if label in estimates:
                val, lo, hi = (as_series(f"estimates[{label}]", a, n) for a in estimates[label])
                ax.errorbar(
                    hops_arr,
                    val,
                    yerr=np.vstack([val - lo, hi - val]),
                    fmt="o",
                    ms=2.5,
                    color=color,
                    elinewidth=0.7,
                    ls="none",
                )
        # one generic legend entry each for bands and estimates (drawn in the curve colours)
        if band:
            ax.fill_between([], [], [], color="#999999", alpha=0.4, lw=0, label=f"{level_txt} band{pairs_txt}")
        if estimates:
            ax.errorbar(
                [],
                [],
                yerr=[],
                fmt="o",
                ms=2.5,
                color="#666666",
                elinewidth=0.7,
                ls="none",
                label=f"Monte Carlo estimate, {level_txt} CI",
            )
        ax.axhline(local_bound, color=REFERENCE_COLOR, lw=0.9, ls=(0, (4, 2)), label=f"local bound S = {local_bound:g}")
        ax.axhline(tsirelson_bound, color="#000000", lw=0.9, ls=(0, (1, 1)), label="Tsirelson bound $2\\sqrt{2}$")
        ax.set_xscale("log")
        # a little room in log x so the end markers and bands are not cut by the axes
        ax.set_xlim(hops_arr.min() / 1.15, hops_arr.max() * 1.15)
        lows = [float(v.min()) for v in curves.values()]
        lows += [float(np.min(b[0])) for b in band.values()] + [float(np.min(e[1])) for e in estimates.values()]
        ax.set_ylim(bottom=min(1.0, min(lows) - 0.1), top=tsirelson_bound + 0.12)
        ax.set_xlabel("Number of elementary links $n$")
        ax.set_ylabel("CHSH value $S$")
        if title:
            ax.set_title(title)
        fig.legend(loc="outside lower center", ncols=2)
    return fig
