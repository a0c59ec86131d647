"""Figure: end-to-end fidelity versus the number of elementary links of a repeater chain."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from pqms_physics.conventions import ROUNDOFF_ATOL
from pqms_physics.errors import PQMSValueError, check_probability
from pqms_physics.plots.style import REFERENCE_COLOR, as_curves, as_series, new_figure, style_context

if TYPE_CHECKING:
    import xarray as xr


def plot_fidelity_vs_hops(
    hops: ArrayLike,
    fidelities: Mapping[str, ArrayLike] | xr.DataArray,
    *,
    classical_limit: float | None = 0.5,
    chsh_threshold: float | None = None,
    styles: Mapping[str, dict] | None = None,
    title: str | None = None,
) -> Figure:
    """Fidelity to Phi+ versus number of elementary links (log x), one curve per chain model.

    Parameters
    ----------
    hops : array_like of int, shape (n,)
        Numbers of elementary links (>= 1; 1 = a single link, no swap).
    fidelities : mapping str -> array_like, or xarray.DataArray
        Squared fidelity to Phi+ (in [0, 1]) per curve, each of length ``n``; a
        DataArray must have dims ``("curve", <hops dim>)``.
    classical_limit : float or None
        Horizontal reference line, default F = 1/2 (no state with F <= 1/2 beats
        the classical limit in teleportation of a qubit); None: not drawn.
    chsh_threshold : float or None
        Fidelity above which a Werner state violates CHSH, F = (1 + 3/sqrt 2)/4
        ~ 0.7803 (Horodecki 1995); drawn and listed in the legend when given
        (the threshold holds for Werner states; say so in the caption).
    styles : mapping str -> dict, optional
        Extra matplotlib keyword arguments per curve label (colour, linestyle,
        marker), e.g. to pair twirled/untwirled curves.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure
        Single-column figure (3.4 in wide), legend below the axes.

    Examples
    --------
    >>> import numpy as np
    >>> n = np.array([1, 10, 100, 1000])
    >>> w = (4 * 0.999 - 1) / 3
    >>> fig = plot_fidelity_vs_hops(n, {"Werner F = 0.999": 0.25 + 0.75 * w ** n})
    >>> fig.axes[0].get_xscale()
    'log'
    """
    hops_arr = as_series("hops", hops)
    if np.any(hops_arr < 1):
        raise PQMSValueError(f"hops must be >= 1, got {hops_arr.min()}")
    curves = as_curves("fidelities", fidelities, hops_arr.size)
    for label, vals in curves.items():
        if np.any((vals < -ROUNDOFF_ATOL) | (vals > 1 + ROUNDOFF_ATOL)):
            raise PQMSValueError(f"fidelities[{label}] must be in [0, 1], got values in [{vals.min()}, {vals.max()}]")
    styles = dict(styles or {})
    with style_context():
        n_rows = -(-(len(curves) + 2) // 2)
        fig = new_figure("single", height_in=2.3 + 0.13 * n_rows)
        ax = fig.add_subplot()
        for label, vals in curves.items():
            ax.plot(hops_arr, vals, label=label, **styles.get(label, {}))
        # reference lines go in the legend (text on the axes would cross the curves)
        if classical_limit is not None:
            f = check_probability("classical_limit", classical_limit)
            ax.axhline(f, color=REFERENCE_COLOR, lw=0.9, ls=(0, (1, 1.2)), label=f"classical limit F = {f:g}")
        if chsh_threshold is not None:
            f = check_probability("chsh_threshold", chsh_threshold)
            ax.axhline(f, color="#000000", lw=0.9, ls=(0, (5, 2)), label=f"CHSH threshold F = {f:.3f}")
        ax.set_xscale("log")
        ax.set_xlim(hops_arr.min(), hops_arr.max())
        ax.set_ylim(0.2, 1.01)
        ax.set_xlabel("Number of elementary links $n$")
        ax.set_ylabel(r"Fidelity to $\Phi^+$, $F$ (squared)")
        if title:
            ax.set_title(title)
        fig.legend(loc="outside lower center", ncols=2)
    return fig
