"""Figure: purification curves with their fixed points, and nested-repeater resources versus distance."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from pqms_physics.errors import PQMSValueError
from pqms_physics.plots.style import PALETTE, REFERENCE_COLOR, as_curves, as_series, new_figure, style_context


def plot_purification(
    input_fidelity: ArrayLike,
    output_fidelity: Mapping[str, ArrayLike],
    fixed_points: Mapping[str, tuple[float, float]],
    distance_km: ArrayLike,
    raw_pairs: Mapping[str, ArrayLike],
    *,
    rounds: int | None = None,
    title: str | None = None,
) -> Figure:
    """Two panels: (a) fidelity after ``k`` rounds vs input fidelity, F_min / F_max marked; (b) raw pairs vs distance.

    Parameters
    ----------
    input_fidelity : array_like, shape (n,)
        Werner input fidelities (x axis of panel a), in [0, 1].
    output_fidelity : mapping str -> array_like
        Fidelity after ``rounds`` rounds per noise setting (label), each of length ``n``.
    fixed_points : mapping str -> (float, float)
        ``(F_min, F_max)`` per label of ``output_fidelity`` (``nan``: none; not drawn).
    distance_km : array_like, shape (m,)
        End-to-end distances (km, > 0) of panel b.
    raw_pairs : mapping str -> array_like
        Expected raw pairs per delivered pair per curve, each of length ``m`` (> 0, log-log axes).
    rounds : int, optional
        Number of rounds in panel a (for the axis label).
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        Double-column figure (7.0 in wide).

    Examples
    --------
    >>> import numpy as np
    >>> f = np.linspace(0.5, 1.0, 5)
    >>> fig = plot_purification(f, {"ideal": f}, {"ideal": (0.5, 1.0)}, np.array([10.0, 20.0]),
    ...                         {"k = 1": np.array([2.0, 8.0])})
    >>> [ax.get_xscale() for ax in fig.axes]
    ['linear', 'log']
    """
    f_in = as_series("input_fidelity", input_fidelity)
    curves = as_curves("output_fidelity", output_fidelity, f_in.size)
    dist = as_series("distance_km", distance_km)
    if np.any(dist <= 0):
        raise PQMSValueError(f"distance_km must be > 0, got {dist.min()}")
    costs = as_curves("raw_pairs", raw_pairs, dist.size)
    for label, vals in costs.items():
        if np.any(vals <= 0):
            raise PQMSValueError(f"raw_pairs[{label}] must be > 0, got {vals.min()}")
    with style_context():
        fig = new_figure("double", height_in=2.9)
        ax_a, ax_b = fig.subplots(1, 2)
        ax_a.plot(f_in, f_in, color=REFERENCE_COLOR, lw=0.8, ls=(0, (1, 1.2)), label="no purification")
        for i, (label, vals) in enumerate(curves.items()):
            color = PALETTE[i % len(PALETTE)]
            ax_a.plot(f_in, vals, color=color, label=label)
            f_min, f_max = fixed_points.get(label, (np.nan, np.nan))
            if np.isfinite(f_max):
                ax_a.axhline(f_max, color=color, lw=0.8, ls=(0, (5, 2)))
            if np.isfinite(f_min):
                ax_a.axvline(f_min, color=color, lw=0.8, ls=(0, (1, 1.5)))
        ax_a.set_xlim(f_in.min(), f_in.max())
        ax_a.set_xlabel(r"Input (Werner) fidelity $F$")
        ax_a.set_ylabel("Fidelity after " + (f"{rounds} rounds" if rounds is not None else "purification"))
        ax_a.set_title(r"(a) recurrence; dashed: $F_{\max}$, dotted: $F_{\min}$", fontsize="small")
        ax_a.legend(fontsize="x-small", loc="lower right")
        for i, (label, vals) in enumerate(costs.items()):
            ax_b.plot(dist, vals, marker="o", ms=2.5, color=PALETTE[i % len(PALETTE)], label=label)
        ax_b.set_xscale("log")
        ax_b.set_yscale("log")
        ax_b.set_xlabel("Distance (km)")
        ax_b.set_ylabel("Raw pairs per delivered pair")
        ax_b.set_title("(b) nested repeater (BDCZ): polynomial cost", fontsize="small")
        ax_b.legend(fontsize="x-small", loc="upper left")
        if title:
            fig.suptitle(title)
    return fig


__all__ = ["plot_purification"]
