"""Figure: a network drawn at its positions with edges coloured by capacity and a highlighted route, and
end-to-end capacity versus distance for several topologies against the repeaterless bound."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from pqms_physics.errors import PQMSValueError
from pqms_physics.plots.style import PALETTE, REFERENCE_COLOR, as_series, new_figure, style_context


def plot_network(
    positions: Mapping,
    edges: Sequence[tuple],
    edge_capacity: ArrayLike,
    route: Sequence,
    distance_km: Mapping[str, object],
    capacity: Mapping[str, object],
    bound_distance_km: ArrayLike,
    bound: ArrayLike,
    *,
    route_label: str = "best route",
    title: str | None = None,
) -> Figure:
    """Two panels: (a) the network with edges coloured by capacity and one route; (b) capacity vs distance.

    Parameters
    ----------
    positions : mapping node -> (x_km, y_km)
        Node coordinates.
    edges : sequence of (node, node)
        The edges to draw.
    edge_capacity : array_like, shape (len(edges),)
        Capacity of each edge (ebits per channel use, > 0; log colour scale).
    route : sequence of node
        The route to highlight (consecutive nodes joined by edges).
    distance_km : mapping str -> array_like
        Per topology (label), the distances (km) of the user pairs of panel (b).
    capacity : mapping str -> array_like
        Per label of ``distance_km``, the capacities (ebits per use, >= 0) of those pairs; a label whose
        name starts with ``"chain"`` is drawn as a line, the others as points.
    bound_distance_km, bound : array_like
        The repeaterless bound (PLOB, ``-log2(1 - eta)``) on a distance grid, drawn in black.
    route_label : str
        Text of the route, in the title of panel (a).
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> pos = {0: (0.0, 0.0), 1: (1.0, 0.0), 2: (1.0, 1.0)}
    >>> d = np.array([1.0, 2.0])
    >>> fig = plot_network(pos, [(0, 1), (1, 2)], [1.0, 0.5], [0, 1, 2], {"chain": d}, {"chain": [1.0, 0.5]},
    ...                    d, [2.0, 1.0])
    >>> len(fig.axes)  # two panels and the colour bar
    3
    """
    caps = as_series("edge_capacity", edge_capacity, len(edges))
    if np.any(caps <= 0):
        raise PQMSValueError(f"edge_capacity must be > 0, got {caps.min()}")
    for label in capacity:
        if label not in distance_km:
            raise PQMSValueError(f"capacity[{label!r}] has no distance_km entry")
    bd = as_series("bound_distance_km", bound_distance_km)
    bv = as_series("bound", bound, bd.size)
    with style_context():
        fig = new_figure("double", height_in=3.0)
        ax_net, ax_cap = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.0, 1.15]})
        segs = np.array([[positions[u], positions[v]] for u, v in edges], dtype=float)
        norm = LogNorm(vmin=caps.min(), vmax=caps.max() if caps.max() > caps.min() else caps.min() * 10)
        lines = LineCollection(segs, array=caps, cmap="viridis", norm=norm, linewidths=0.5, alpha=0.8)
        ax_net.add_collection(lines)
        xy = np.array(list(positions.values()), dtype=float)
        ax_net.scatter(xy[:, 0], xy[:, 1], s=1.5, color="#555555", zorder=2, linewidths=0)
        rxy = np.array([positions[n] for n in route], dtype=float)
        ax_net.plot(rxy[:, 0], rxy[:, 1], color=PALETTE[1], lw=2.0, zorder=3, label=route_label)
        ax_net.scatter(rxy[[0, -1], 0], rxy[[0, -1], 1], s=18, color=PALETTE[1], zorder=4)
        ax_net.set_aspect("equal")
        ax_net.autoscale()
        ax_net.set_xlabel("x (km)")
        ax_net.set_ylabel("y (km)")
        ax_net.set_title(f"(a) {route_label}", loc="left", fontsize="small", color=PALETTE[1])
        fig.colorbar(lines, ax=ax_net, label="edge capacity (ebit/use)", shrink=0.8)
        for i, (label, vals) in enumerate(capacity.items()):
            d = as_series(f"distance_km[{label}]", distance_km[label])
            c = as_series(f"capacity[{label}]", vals, d.size)
            c = np.where(c > 0, c, np.nan)
            colour = PALETTE[(i + 2) % len(PALETTE)]
            if label.startswith("chain"):
                ax_cap.plot(d, c, color=colour, label=label)
            else:
                ax_cap.scatter(d, c, s=6, color=colour, label=label, alpha=0.7, linewidths=0)
        ax_cap.plot(bd, np.where(bv > 0, bv, np.nan), color=REFERENCE_COLOR, lw=1.4, label="PLOB bound (direct)")
        ax_cap.set_xscale("log")
        ax_cap.set_yscale("log")
        ax_cap.set_xlabel("distance between users (km)")
        ax_cap.set_ylabel("capacity (ebit per channel use)")
        ax_cap.legend(fontsize="small")
        ax_cap.set_title("(b)", loc="left")
        if title:
            fig.suptitle(title)
    return fig


__all__ = ["plot_network"]
