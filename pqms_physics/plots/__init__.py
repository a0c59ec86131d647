"""Publication figures for pqms_physics: one function per standard figure, data in, Figure out.

Every function takes arrays (or xarray objects) and returns a
:class:`matplotlib.figure.Figure` built without ``pyplot``, so nothing opens a
window and users can restyle or re-save the figure. The house style
(``pqms.mplstyle``: 3.4 in single column, 7.0 in double column, TrueType fonts
embedded in PDF, Okabe-Ito colour-blind-safe palette) is applied inside each
function; :func:`save_figure` writes the vector PDF and the 300-dpi PNG.

matplotlib is imported only when one of these names is first used.

Examples
--------
>>> import numpy as np
>>> from pqms_physics.plots import plot_fidelity_vs_hops
>>> fig = plot_fidelity_vs_hops(np.array([1, 10, 100]), {"ideal": np.ones(3)})
>>> type(fig).__name__
'Figure'
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "SINGLE_COLUMN_IN": "style",
    "DOUBLE_COLUMN_IN": "style",
    "PALETTE": "style",
    "style_path": "style",
    "style_context": "style",
    "new_figure": "style",
    "save_figure": "style",
    "plot_fidelity_vs_hops": "fidelity_vs_hops",
    "plot_rate_vs_distance": "rate_vs_distance",
    "plot_chsh_vs_hops": "chsh_vs_hops",
    "plot_nct_pool_bias": "nct_pool_bias",
    "plot_purification": "purification",
    "plot_network": "network",
    "plot_waiting_time": "protocols",
    "plot_cutoff_tradeoff": "protocols",
    "plot_protocol_rates": "protocols",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pqms_physics.plots' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"pqms_physics.plots.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
