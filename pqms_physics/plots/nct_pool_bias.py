"""Figure: NCT pool-bias runs, difference of pool means versus pool size and the z histogram."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from pqms_physics.errors import PQMSValueError, check_int, check_positive
from pqms_physics.plots.style import (
    PALETTE,
    REFERENCE_COLOR,
    as_series,
    format_count,
    format_sci,
    new_figure,
    style_context,
)


def plot_nct_pool_bias(
    pairs_per_pool: ArrayLike,
    delta_mu: ArrayLike,
    stderr: ArrayLike,
    z_values: ArrayLike,
    *,
    k_sigma: float = 3.0,
    threshold: float | None = 1e-6,
    z_pairs_per_pool: int | None = None,
    yscale: str = "abs",
    z_label: str | None = None,
) -> Figure:
    """Two panels: Δμ versus pairs per pool with ±kσ bands, and the histogram of z against N(0, 1).

    Parameters
    ----------
    pairs_per_pool : array_like of int, shape (m,)
        Pool sizes N (>= 1), one per run (repeat a size for several seeds).
    delta_mu : array_like, shape (m,)
        Observed difference of the receiver's pool means (outcome bits 0/1), one per run.
    stderr : array_like, shape (m,)
        Standard error of Δμ per run (> 0); under exact no-signalling with
        0/1 outcomes ``sqrt(0.5/N)``. The band drawn is ``±k_sigma * stderr``.
    z_values : array_like, shape (r,)
        z = Δμ/σ over many independent runs (at ``z_pairs_per_pool`` pairs each), for the
        histogram (r >= 2).
    k_sigma : float
        Width of the band in standard errors (> 0), default 3.
    threshold : float or None
        A fixed threshold on |Δμ| as claimed in the design documents (default 1e-6),
        drawn as ±threshold; None: not drawn.
    z_pairs_per_pool : int, optional
        Pool size of the z runs, stated in the legend.
    yscale : {"abs", "symlog"}
        "abs" (default): |Δμ| on a log axis with the band |Δμ| <= kσ (equivalent to
        Δμ within ±kσ); "symlog": signed Δμ on a symmetric-log axis, linear within
        ±threshold (or ±1e-6).
    z_label : str, optional
        Legend text of the histogram (default: "<r> runs, N = <z_pairs_per_pool>").

    Returns
    -------
    matplotlib.figure.Figure
        Double-column figure (7.0 in wide) with two axes.

    Examples
    --------
    >>> import numpy as np
    >>> n = np.array([1e3, 1e5, 1e7])
    >>> fig = plot_nct_pool_bias(n, [0.01, -1e-3, 2e-4], np.sqrt(0.5 / n), np.linspace(-2, 2, 50))
    >>> len(fig.axes)
    2
    """
    n = as_series("pairs_per_pool", pairs_per_pool)
    if np.any(n < 1):
        raise PQMSValueError(f"pairs_per_pool must be >= 1, got {n.min()}")
    dmu = as_series("delta_mu", delta_mu, n.size)
    se = as_series("stderr", stderr, n.size)
    if np.any(se <= 0):
        raise PQMSValueError(f"stderr must be > 0, got {se.min()}")
    z = as_series("z_values", z_values)
    if z.size < 2:
        raise PQMSValueError(f"z_values must hold at least 2 runs, got {z.size}")
    k = check_positive("k_sigma", k_sigma)
    if threshold is not None:
        threshold = check_positive("threshold", threshold)
    if yscale not in ("symlog", "abs"):
        raise PQMSValueError(f"yscale must be one of ['symlog', 'abs'], got {yscale!r}")
    order = np.argsort(n)
    n_sorted, se_sorted = n[order], se[order]
    with style_context():
        fig = new_figure("double", height_in=2.7)
        ax, axz = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.5, 1]})
        band_label = f"$\\pm{k:g}\\sigma$, $\\sigma = \\sqrt{{0.5/N}}$"
        if yscale == "symlog":
            ax.fill_between(
                n_sorted, -k * se_sorted, k * se_sorted, color=PALETTE[0], alpha=0.18, lw=0, label=band_label
            )
            ax.plot(n_sorted, k * se_sorted, color=PALETTE[0], lw=0.8, ls="-")
            ax.plot(n_sorted, -k * se_sorted, color=PALETTE[0], lw=0.8, ls="-")
            ax.plot(n, dmu, "o", color=PALETTE[1], ms=3, label=r"observed $\Delta\mu$ (single runs)")
            lin = threshold if threshold is not None else 1e-6
            ax.set_yscale("symlog", linthresh=lin, linscale=0.6)
            if threshold is not None:
                for sign in (1, -1):
                    ax.axhline(
                        sign * threshold,
                        color=REFERENCE_COLOR,
                        lw=0.9,
                        ls=(0, (4, 2)),
                        label=f"fixed threshold ±{format_sci(threshold)}" if sign > 0 else None,
                    )
            ax.set_ylabel(r"$\Delta\mu$ = mean(pool 1) $-$ mean(pool 0)")
        else:
            ax.fill_between(n_sorted, 0, k * se_sorted, color=PALETTE[0], alpha=0.18, lw=0, label=band_label)
            ax.plot(n_sorted, k * se_sorted, color=PALETTE[0], lw=0.8, ls="-")
            nonzero = dmu != 0
            ax.plot(
                n[nonzero],
                np.abs(dmu[nonzero]),
                "o",
                color=PALETTE[1],
                ms=3,
                label=r"observed $|\Delta\mu|$ (single runs)",
            )
            ax.set_yscale("log")
            floor = (
                min(
                    float(np.min(np.abs(dmu[nonzero]))) if nonzero.any() else k * se.min(),
                    threshold if threshold is not None else np.inf,
                    k * se.min(),
                )
                / 3
            )
            ax.set_ylim(bottom=floor)
            if not nonzero.all():  # a zero cannot sit on a log axis: drawn at the floor, and said so
                ax.plot(
                    n[~nonzero],
                    np.full((~nonzero).sum(), floor),
                    "v",
                    color=PALETTE[1],
                    ms=3.5,
                    clip_on=False,
                    label=r"observed $\Delta\mu = 0$ (at axis floor)",
                )
            if threshold is not None:
                ax.axhline(
                    threshold,
                    color=REFERENCE_COLOR,
                    lw=0.9,
                    ls=(0, (4, 2)),
                    label=f"fixed threshold {format_sci(threshold)}",
                )
            ax.set_ylabel(r"$|\Delta\mu|$ = |mean(pool 1) $-$ mean(pool 0)|")
        ax.set_xscale("log")
        ax.set_xlabel("Pairs per pool $N$")
        ax.legend(loc="upper right")

        # z histogram against the standard normal density
        lim = max(4.0, float(np.ceil(np.abs(z).max())))
        bins = np.linspace(-lim, lim, int(2 * lim / 0.4) + 1)
        runs_txt = z_label or (
            f"{z.size} runs"
            + (
                f", N = {format_count(check_int('z_pairs_per_pool', z_pairs_per_pool, 1))}"
                if z_pairs_per_pool is not None
                else ""
            )
        )
        axz.hist(z, bins=bins, density=True, color=PALETTE[2], alpha=0.55, edgecolor="white", lw=0.3, label=runs_txt)
        grid = np.linspace(-lim, lim, 400)
        axz.plot(
            grid, np.exp(-(grid**2) / 2) / math.sqrt(2 * math.pi), color="#000000", lw=1.0, label="N(0, 1) density"
        )
        axz.set_xlim(-lim, lim)
        axz.set_ylim(0, 0.62)
        axz.set_xlabel(r"$z = \Delta\mu / \sigma$")
        axz.set_ylabel("Probability density of $z$")
        axz.legend(loc="upper right")
    return fig
