"""The pqms_physics figure style: sizes, palette, style context, figure creation and saving.

Figures are created with :class:`matplotlib.figure.Figure` directly (never
``pyplot``), so no window can open and no global backend is touched; saving a
Figure to PDF or PNG uses matplotlib's built-in non-interactive canvases.

The style lives in ``pqms.mplstyle`` next to this module (shipped as package
data): single column 3.4 in, double column 7.0 in, embedded TrueType fonts in
PDF (``pdf.fonttype: 42``), the Okabe-Ito colour-blind-safe palette.

References
----------
M. Okabe and K. Ito, "Color Universal Design (CUD): how to make figures and
presentations that are friendly to colorblind people" (2008).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib as mpl
from matplotlib.figure import Figure

from pqms_physics.errors import PQMSValueError, check_positive

if TYPE_CHECKING:
    import numpy as np
    import xarray as xr
    from numpy.typing import ArrayLike

#: Width of a single-column figure, in inches.
SINGLE_COLUMN_IN: float = 3.4
#: Width of a double-column figure, in inches.
DOUBLE_COLUMN_IN: float = 7.0
#: Okabe-Ito palette (hex), in the order of the style's colour cycle (yellow last: low contrast on white).
PALETTE: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
#: Colour for reference lines (bounds, thresholds): dark grey, distinct from the data colours.
REFERENCE_COLOR: str = "#555555"
#: Resolution of saved raster figures, dots per inch.
PNG_DPI: int = 300

_WIDTHS = {"single": SINGLE_COLUMN_IN, "double": DOUBLE_COLUMN_IN}


def style_path() -> Path:
    """Path of the ``pqms.mplstyle`` file shipped with the package."""
    return Path(str(resources.files("pqms_physics.plots").joinpath("pqms.mplstyle")))


@contextlib.contextmanager
def style_context() -> Iterator[None]:
    """Context manager that applies the pqms style to figures created (and saved) inside it.

    Examples
    --------
    >>> from pqms_physics.plots.style import style_context, new_figure
    >>> with style_context():
    ...     fig = new_figure("single")
    >>> float(fig.get_figwidth())
    3.4
    """
    with mpl.rc_context(fname=str(style_path())):
        yield


def new_figure(width: str | float = "single", height_in: float | None = None) -> Figure:
    """A new constrained-layout :class:`~matplotlib.figure.Figure` (no pyplot, no window).

    Call it inside :func:`style_context` for the pqms fonts and colours.

    Parameters
    ----------
    width : {"single", "double"} or float
        ``"single"`` = 3.4 in, ``"double"`` = 7.0 in, or a width in inches (> 0).
    height_in : float, optional
        Height in inches (> 0); default: 0.76 x the single-column width for a
        single-column figure, 2.6 in for any other width.
    """
    if isinstance(width, str):
        if width not in _WIDTHS:
            raise PQMSValueError(f"width must be one of {list(_WIDTHS)} or a number of inches, got {width!r}")
        width_in = _WIDTHS[width]
    else:
        width_in = check_positive("width", width)
    if height_in is None:
        height_in = 2.6
    height_in = check_positive("height_in", height_in)
    return Figure(figsize=(width_in, height_in), layout="constrained")


def save_figure(fig: Figure, stem: str | Path, formats: Sequence[str] = ("pdf", "png")) -> tuple[Path, ...]:
    """Save ``fig`` as ``stem.pdf`` (vector, TrueType fonts embedded) and ``stem.png`` (300 dpi).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to save.
    stem : str or pathlib.Path
        Output path without extension; parent directories must exist.
    formats : sequence of {"pdf", "png", "svg"}
        File formats to write.

    Returns
    -------
    tuple of pathlib.Path
        The files written, in the order of ``formats``.
    """
    allowed = ("pdf", "png", "svg")
    paths = []
    stem = Path(stem)
    with style_context():  # pdf.fonttype, savefig.dpi etc. are read at save time
        for fmt in formats:
            if fmt not in allowed:
                raise PQMSValueError(f"formats must contain only {list(allowed)}, got {fmt!r}")
            path = stem.with_name(f"{stem.name}.{fmt}")
            fig.savefig(
                path,
                format=fmt,
                dpi=PNG_DPI if fmt == "png" else None,
                metadata={"Creator": "pqms_physics"} if fmt != "png" else None,
            )
            paths.append(path)
    return tuple(paths)


def as_series(name: str, values: ArrayLike, length: int | None = None) -> np.ndarray:
    """Validate a 1-D array of finite floats (``length`` entries if given) for a plot function."""
    import numpy as np

    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        raise PQMSValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if length is not None and arr.shape[0] != length:
        raise PQMSValueError(f"{name} must have {length} entries (one per x value), got {arr.shape[0]}")
    if not np.all(np.isfinite(arr)):
        raise PQMSValueError(f"{name} must contain only finite values")
    return arr


def as_curves(name: str, curves: Mapping[str, ArrayLike] | xr.DataArray, length: int) -> dict[str, object]:
    """Normalise curves given as a mapping ``label -> 1-D array`` or a 2-D xarray.DataArray.

    A DataArray must have a ``curve`` dimension (labels from its coordinate) and one other
    dimension of ``length`` entries. Returns an insertion-ordered ``dict[str, ndarray]``.
    """
    if hasattr(curves, "dims") and hasattr(curves, "coords"):  # xarray.DataArray, without importing xarray
        if "curve" not in curves.dims or curves.ndim != 2:
            raise PQMSValueError(f"{name} as a DataArray must be 2-D with a 'curve' dimension, got dims {curves.dims}")
        da = curves.transpose("curve", ...)
        return {
            str(lbl): as_series(f"{name}[{lbl}]", row, length) for lbl, row in zip(da.coords["curve"].values, da.values)
        }
    if not hasattr(curves, "items"):
        raise PQMSValueError(
            f"{name} must be a mapping label -> array or an xarray.DataArray, got {type(curves).__name__}"
        )
    if len(curves) == 0:
        raise PQMSValueError(f"{name} must contain at least one curve, got none")
    return {str(lbl): as_series(f"{name}[{lbl}]", vals, length) for lbl, vals in curves.items()}


def format_count(n: int) -> str:
    """A count for a label: ``10$^{k}$`` for an exact power of ten, otherwise with thousands separators."""
    n = int(n)
    k = len(str(n)) - 1
    if n >= 1000 and n == 10**k:
        return f"$10^{{{k}}}$"
    return f"{n:,}"


def format_sci(x: float) -> str:
    """A positive number as mathtext, ``$10^{-6}$`` or ``$3.2\\times10^{-5}$``, for labels."""
    import math

    k = math.floor(math.log10(x))
    m = x / 10**k
    if abs(m - 1) < 1e-9:
        return f"$10^{{{k}}}$"
    return f"${m:.2g}\\times10^{{{k}}}$"
