"""What a study of ``pqms report`` returns (:class:`Study`), the report's base seed, and shared helpers.

Every study is a plain function ``study_<name>(quick, seed) -> Study`` that calls
the physics modules (no formula is re-derived here) and returns a frozen
:class:`Study` holding the exact parameters, the seeds, the library functions
used, a one-line caption, the table written as CSV and the arguments of the
plot function in :mod:`pqms_physics.plots`. ``quick=True`` keeps the physics
parameters and thins only the grids and the Monte Carlo sizes.

Seeds: a study that samples derives every seed it uses from the report's base
seed with :func:`derive_seed` (NumPy ``SeedSequence`` with a fixed spawn key per
study and run), so one base seed reproduces the whole report, and every derived
seed is written into the CSV next to the number it produced.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Base seed of ``pqms report`` when none is given (chosen before any result was seen).
DEFAULT_SEED: int = 20251123
#: Spawn key of each randomised study (fixed: changing one changes that study's numbers).
STUDY_KEYS: dict[str, int] = {"chsh_vs_hops": 1, "nct_pool_bias": 2}


@dataclass(frozen=True, eq=False)
class Study:
    """One standard figure's data, provenance and plot arguments.

    Attributes
    ----------
    name : str
        File stem (``<name>.pdf``, ``.png``, ``.csv``).
    caption : str
        One-line caption for ``index.md``.
    parameters : dict
        Every parameter that fixes the numbers (JSON-ready).
    columns : tuple of str
        CSV header.
    rows : tuple of tuple
        CSV rows (numbers as Python scalars).
    functions : tuple of str
        The library functions that computed the data.
    plot : str
        Name of the plot function in :mod:`pqms_physics.plots`.
    plot_args : tuple
        Positional arguments of the plot function.
    plot_kwargs : dict
        Keyword arguments of the plot function.
    seeds : tuple of int
        Every seed used (empty for exact studies).
    summary : dict
        Headline numbers for ``index.md`` (JSON-ready).
    """

    name: str
    caption: str
    parameters: dict
    columns: tuple
    rows: tuple
    functions: tuple
    plot: str
    plot_args: tuple = ()
    plot_kwargs: dict = field(default_factory=dict)
    seeds: tuple = ()
    summary: dict = field(default_factory=dict)

    def figure(self) -> Figure:
        """Draw the figure (a :class:`matplotlib.figure.Figure`)."""
        from pqms_physics import plots

        return getattr(plots, self.plot)(*self.plot_args, **self.plot_kwargs)

    def column(self, name: str) -> list:
        """The values of one CSV column, in row order."""
        i = self.columns.index(name)
        return [row[i] for row in self.rows]

    def to_dict(self) -> dict:
        """JSON-ready description (without the plot arguments; the data is in ``rows``)."""
        return {
            "name": self.name,
            "caption": self.caption,
            "parameters": self.parameters,
            "columns": list(self.columns),
            "rows": [list(r) for r in self.rows],
            "functions": list(self.functions),
            "seeds": list(self.seeds),
            "summary": self.summary,
        }


def log_grid(stop: int, num: int) -> np.ndarray:
    """Distinct integers 1..stop, about evenly spaced in log (always including 1 and stop)."""
    return np.unique(np.round(np.logspace(0, math.log10(stop), num)).astype(np.int64))


def _py(x: Any) -> Any:
    """NumPy scalar -> Python scalar for CSV/JSON."""
    return x.item() if hasattr(x, "item") else x


def chsh_threshold_fidelity() -> float:
    """Werner fidelity at which ``S_max = 2``, solved numerically with :func:`pqms_physics.chsh.chsh_value`.

    (The closed form is (1 + 3/sqrt 2)/4 ~ 0.7803; the figure shows what the toolkit
    computes, and the tests compare the two.)
    """
    from scipy.optimize import brentq

    from pqms_physics.chsh import chsh_value
    from pqms_physics.core.states import werner_state

    return float(brentq(lambda f: chsh_value(werner_state(f)) - 2.0, 0.5, 1.0, xtol=1e-15, rtol=1e-15))


# ----------------------------------------------------------------------------- fidelity vs hops


__all__ = ["DEFAULT_SEED", "STUDY_KEYS", "Study", "log_grid", "chsh_threshold_fidelity"]
