"""Figure: entanglement rate versus distance, with the repeaterless bounds on the same axes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from pqms_physics.errors import PQMSValueError
from pqms_physics.plots.style import as_curves, as_series, new_figure, style_context

# Bounds are drawn in black/grey with their own dash patterns, distinct from the data cycle.
_BOUND_STYLES = (
    {"color": "#000000", "ls": "-", "lw": 1.6},
    {"color": "#777777", "ls": (0, (5, 1.5)), "lw": 1.4},
    {"color": "#000000", "ls": (0, (1, 1)), "lw": 1.2},
)

if TYPE_CHECKING:
    import xarray as xr


def plot_rate_vs_distance(
    distance_km: ArrayLike,
    rates: Mapping[str, ArrayLike] | xr.DataArray,
    *,
    bounds: Mapping[str, ArrayLike] | None = None,
    ylabel: str | None = None,
    title: str | None = None,
    ymin: float | None = None,
) -> Figure:
    """Rate (ebits per channel use) versus total distance (km), log y, bounds as reference curves.

    Parameters
    ----------
    distance_km : array_like, shape (n,)
        Total end-to-end distance, km (>= 0).
    rates : mapping str -> array_like, or xarray.DataArray
        Achieved rate per curve (>= 0; zeros are left out of the log axis), each of length ``n``,
        e.g. direct transmission and chains of 2, 4, 8, 16 segments.
    bounds : mapping str -> array_like, optional
        Upper bounds on the same axis (e.g. PLOB ``-log2(1 - eta)`` and TGW
        ``log2((1 + eta)/(1 - eta))`` for the direct link); drawn in black/grey.
    ylabel : str, optional
        Default "Rate (ebit per channel use)".
    title : str, optional
        Axes title.
    ymin : float, optional
        Lower y limit (> 0); default: the smallest positive value plotted (at most
        30 decades below the largest).

    Returns
    -------
    matplotlib.figure.Figure
        Single-column figure, legend below the axes.

    Examples
    --------
    >>> import numpy as np
    >>> d = np.linspace(1, 300, 50)
    >>> eta = 10 ** (-0.02 * d)
    >>> fig = plot_rate_vs_distance(d, {"direct": eta / 2}, bounds={"PLOB": -np.log2(1 - eta)})
    >>> fig.axes[0].get_yscale()
    'log'
    """
    d = as_series("distance_km", distance_km)
    if np.any(d < 0):
        raise PQMSValueError(f"distance_km must be >= 0, got {d.min()}")
    curves = as_curves("rates", rates, d.size)
    bound_curves = as_curves("bounds", bounds, d.size) if bounds is not None else {}
    for group, name in ((curves, "rates"), (bound_curves, "bounds")):
        for label, vals in group.items():
            if np.any(vals < 0):
                raise PQMSValueError(f"{name}[{label}] must be >= 0, got {vals.min()}")
    with style_context():
        n_rows = -(-(len(curves) + len(bound_curves)) // 2)
        fig = new_figure("single", height_in=2.3 + 0.13 * n_rows)
        ax = fig.add_subplot()
        positive = []
        for label, vals in curves.items():
            masked = np.where(vals > 0, vals, np.nan)
            ax.plot(d, masked, label=label)
            positive.append(vals[vals > 0])
        for i, (label, vals) in enumerate(bound_curves.items()):
            masked = np.where(vals > 0, vals, np.nan)
            ax.plot(d, masked, label=label, **_BOUND_STYLES[i % len(_BOUND_STYLES)])
            positive.append(vals[vals > 0])
        ax.set_yscale("log")
        allpos = np.concatenate(positive) if positive else np.array([1.0])
        if allpos.size:
            top = allpos.max()
            low = ymin if ymin is not None else max(allpos.min(), top * 1e-30)
            ax.set_ylim(low / 3, top * 3)
        span = d.max() - d.min()
        ax.set_xlim(0.0 if d.min() <= 0.05 * span else d.min(), d.max())
        ax.set_xlabel("Distance $L$ (km)")
        ax.set_ylabel(ylabel or "Rate (ebit per channel use)")
        if title:
            ax.set_title(title)
        fig.legend(loc="outside lower center", ncols=2)
    return fig
