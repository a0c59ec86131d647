"""Figures of repeater protocols in time: the waiting-time distribution, and the cutoff trade-off."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from pqms_physics.errors import PQMSValueError
from pqms_physics.plots.style import PALETTE, REFERENCE_COLOR, as_curves, as_series, new_figure, style_context


def plot_waiting_time(
    t_rounds: ArrayLike,
    pmf_exact: ArrayLike,
    mc_pmf: ArrayLike,
    *,
    mc_label: str = "Monte Carlo",
    title: str | None = None,
) -> Figure:
    """Two panels: (a) pmf of the waiting time T, exact line over the Monte Carlo histogram; (b) its cdf.

    Parameters
    ----------
    t_rounds : array_like of int, shape (n,)
        Rounds ``t = 0 .. n - 1`` (x axis).
    pmf_exact : array_like, shape (n,)
        Exact ``P(T = t)`` (>= 0).
    mc_pmf : array_like, shape (n,)
        Empirical ``P(T = t)`` of the Monte Carlo runs (>= 0).
    mc_label : str, optional
        Legend label of the histogram (e.g. the number of runs).
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        Double-column figure.

    Examples
    --------
    >>> import numpy as np
    >>> p = np.array([0.0, 0.5, 0.25, 0.25])
    >>> fig = plot_waiting_time(np.arange(4), p, p)
    >>> len(fig.axes)
    2
    """
    t = as_series("t_rounds", t_rounds)
    exact = as_series("pmf_exact", pmf_exact, t.size)
    mc = as_series("mc_pmf", mc_pmf, t.size)
    for name, vals in (("pmf_exact", exact), ("mc_pmf", mc)):
        if np.any(vals < 0):
            raise PQMSValueError(f"{name} must be >= 0, got {vals.min()}")
    with style_context():
        fig = new_figure("double", height_in=2.7)
        ax_a, ax_b = fig.subplots(1, 2)
        ax_a.bar(t, mc, width=1.0, color=PALETTE[1], alpha=0.45, lw=0, label=mc_label)
        ax_a.plot(t, exact, color=PALETTE[0], lw=1.0, label="exact")
        ax_a.set_xlabel("Waiting time $T$ (rounds)")
        ax_a.set_ylabel("$P(T = t)$")
        ax_a.set_title("(a) distribution", fontsize="small")
        ax_a.legend(fontsize="x-small")
        ax_b.step(t, np.cumsum(mc), where="post", color=PALETTE[1], lw=1.6, alpha=0.6, label=mc_label)
        ax_b.plot(t, np.cumsum(exact), color=PALETTE[0], lw=1.0, label="exact")
        ax_b.axhline(1.0, color=REFERENCE_COLOR, lw=0.6, ls=(0, (1, 1.2)))
        ax_b.set_xlabel("Waiting time $T$ (rounds)")
        ax_b.set_ylabel(r"$P(T \leq t)$")
        ax_b.set_title("(b) cumulative", fontsize="small")
        ax_b.legend(fontsize="x-small", loc="lower right")
        if title:
            fig.suptitle(title, fontsize="small")
    return fig


def plot_cutoff_tradeoff(
    cutoffs: ArrayLike, fidelity: Mapping[str, object], key_rate: Mapping[str, object], *, title: str | None = None
) -> Figure:
    """Two panels against the memory cutoff: (a) mean delivered fidelity, (b) secret-key rate (bits/round).

    Parameters
    ----------
    cutoffs : array_like of int, shape (n,)
        Memory cutoffs in rounds (x axis, >= 0).
    fidelity : mapping str -> array_like
        Mean fidelity of delivered pairs per curve (label: e.g. the coherence time), each of length ``n``.
    key_rate : mapping str -> array_like
        Secret-key rate per curve in bits per round (>= 0), same labels.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> fig = plot_cutoff_tradeoff(np.array([0, 1, 2]), {"a": np.array([0.99, 0.98, 0.97])},
    ...                            {"a": np.array([0.01, 0.02, 0.015])})
    >>> fig.axes[1].get_ylabel()
    'Secret-key rate (bits/round)'
    """
    tau = as_series("cutoffs", cutoffs)
    fid = as_curves("fidelity", fidelity, tau.size)
    skr = as_curves("key_rate", key_rate, tau.size)
    if set(fid) != set(skr):
        raise PQMSValueError(f"fidelity and key_rate must have the same labels, got {sorted(fid)} and {sorted(skr)}")
    with style_context():
        fig = new_figure("double", height_in=2.7)
        ax_a, ax_b = fig.subplots(1, 2)
        for i, label in enumerate(fid):
            color = PALETTE[i % len(PALETTE)]
            ax_a.plot(tau, fid[label], marker="o", ms=2.5, color=color, label=label)
            ax_b.plot(tau, skr[label], marker="o", ms=2.5, color=color, label=label)
            best = int(np.argmax(skr[label]))
            ax_b.plot(tau[best], skr[label][best], marker="*", ms=8, color=color, lw=0)
        ax_a.set_xlabel(r"Memory cutoff $\tau$ (rounds)")
        ax_a.set_ylabel("Mean fidelity of delivered pairs")
        ax_a.set_title("(a) a cutoff buys fidelity ...", fontsize="small")
        ax_a.legend(fontsize="x-small")
        ax_b.set_xlabel(r"Memory cutoff $\tau$ (rounds)")
        ax_b.set_ylabel("Secret-key rate (bits/round)")
        ax_b.set_title("(b) ... at the price of time (star: best)", fontsize="small")
        if title:
            fig.suptitle(title, fontsize="small")
    return fig


def plot_protocol_rates(
    distance_km: ArrayLike,
    ebits_per_s: Mapping[str, object],
    secret_bits_per_s: Mapping[str, object],
    plob_bits_per_s: ArrayLike,
    *,
    memory_note: str,
    title: str | None = None,
) -> Figure:
    """Two panels against distance: (a) delivered ebit/s, (b) secret bits/s; the repeaterless PLOB bound in both.

    Parameters
    ----------
    distance_km : array_like, shape (n,)
        End-to-end distances (km, > 0; log axis).
    ebits_per_s, secret_bits_per_s : mapping str -> array_like
        Rates per curve (label: the memory), each of length ``n``, >= 0 (zeros are not drawn on the log axis).
    plob_bits_per_s : array_like, shape (n,)
        PLOB bound at the same repetition rate (bits/s).
    memory_note : str
        Which memories the figure assumes (printed in the figure, as the report requires).
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> d = np.array([10.0, 100.0])
    >>> fig = plot_protocol_rates(d, {"T = 1 s": np.array([10.0, 1.0])}, {"T = 1 s": np.array([5.0, 0.0])},
    ...                           np.array([1e6, 1e3]), memory_note="memories: T_coh = 1 s")
    >>> [ax.get_yscale() for ax in fig.axes]
    ['log', 'log']
    """
    dist = as_series("distance_km", distance_km)
    if np.any(dist <= 0):
        raise PQMSValueError(f"distance_km must be > 0, got {dist.min()}")
    ebits = as_curves("ebits_per_s", ebits_per_s, dist.size)
    secret = as_curves("secret_bits_per_s", secret_bits_per_s, dist.size)
    plob = as_series("plob_bits_per_s", plob_bits_per_s, dist.size)
    with style_context():
        fig = new_figure("double", height_in=2.9)
        ax_a, ax_b = fig.subplots(1, 2)
        for ax, curves, ylabel, tag in (
            (ax_a, ebits, "Delivered pairs (ebit/s)", "(a)"),
            (ax_b, secret, "Secret key (bits/s, BB84)", "(b)"),
        ):
            for i, (label, vals) in enumerate(curves.items()):
                shown = np.where(vals > 0, vals, np.nan)
                ax.plot(dist, shown, marker="o", ms=2.5, color=PALETTE[i % len(PALETTE)], label=label)
            ax.plot(
                dist,
                np.where(plob > 0, plob, np.nan),
                color=REFERENCE_COLOR,
                lw=1.0,
                ls=(0, (4, 2)),
                label="PLOB bound (no repeater)",
            )
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlabel("Distance (km)")
            ax.set_ylabel(ylabel)
            ax.set_title(f"{tag} {memory_note}", fontsize="x-small")
            finite = [v[v > 0] for v in curves.values()]
            low = min((v.min() for v in finite if v.size), default=1.0)
            ax.set_ylim(bottom=low / 10)
        ax_b.legend(fontsize="xx-small", loc="lower left")
        ax_a.legend(fontsize="xx-small", loc="lower left")
        if title:
            fig.suptitle(title, fontsize="small")
    return fig


__all__ = ["plot_waiting_time", "plot_cutoff_tradeoff", "plot_protocol_rates"]
