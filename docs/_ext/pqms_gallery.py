"""sphinx-gallery image scraper for figures built without pyplot.

:mod:`pqms_physics.plots` returns :class:`matplotlib.figure.Figure` objects that pyplot never sees (no window,
no global state), so sphinx-gallery's default matplotlib scraper, which asks pyplot for its open figures,
would miss them. This scraper records every ``Figure`` created while an example runs (pyplot's included) and
saves each new one after the code block that made it, in creation order.
"""

from __future__ import annotations

_CREATED: list = []
_INSTALLED = False


def _install() -> None:
    """Wrap ``Figure.__init__`` once so that every new figure is recorded (held until it is saved)."""
    global _INSTALLED
    if _INSTALLED:
        return
    from matplotlib.figure import Figure

    original = Figure.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        _CREATED.append(self)

    __init__.__wrapped__ = original
    Figure.__init__ = __init__
    _INSTALLED = True


def reset(gallery_conf, fname) -> None:
    """sphinx-gallery ``reset_modules`` hook: forget the figures of the previous example, close pyplot's."""
    _install()
    _CREATED.clear()
    import matplotlib.pyplot as plt

    plt.close("all")


class FigureScraper:
    """Save every figure created since the last call; sphinx-gallery calls it after each code block."""

    def __repr__(self) -> str:  # a stable repr keeps Sphinx's environment pickle and cache key stable
        return "FigureScraper()"

    def __call__(self, block, block_vars, gallery_conf) -> str:
        from sphinx_gallery.scrapers import figure_rst

        figures = list(_CREATED)
        _CREATED.clear()
        paths = []
        for fig, path in zip(figures, block_vars["image_path_iterator"], strict=False):  # the iterator is endless
            fig.savefig(path, dpi=120)
            paths.append(path)
        import matplotlib.pyplot as plt

        plt.close("all")
        return figure_rst(paths, gallery_conf["src_dir"])


class ResetHook:
    """Picklable wrapper of :func:`reset` (sphinx-gallery stores its configuration in the environment)."""

    def __repr__(self) -> str:
        return "ResetHook()"

    def __call__(self, gallery_conf, fname) -> None:
        reset(gallery_conf, fname)
