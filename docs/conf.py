"""Sphinx configuration of the pqms_physics documentation site.

Build (offline, warnings are errors)::

    pip install -e '.[docs]' && sphinx-build -W -b html docs docs/_build/html

Generated at build time, never edited by hand (all git-ignored): ``docs/api/`` (one page per subpackage,
``_ext/pqms_apigen.py``), ``docs/_generated/`` (the seed-claims audit from ``pqms audit --json`` and the
CLI help, ``_ext/pqms_generated.py``) and ``docs/auto_examples/`` (the gallery, from ``examples/``).

Environment variables:

``PQMS_DOCS_INTERSPHINX=1``
    Link to the Python, NumPy, SciPy, QuTiP, networkx and xarray documentation (needs the network to fetch
    their inventories). Off by default: the build must work offline. An inventory saved as
    ``docs/_inventories/<name>.inv`` is used without the network.
``PQMS_DOCS_AUDIT_FULL=1``
    Generate the audit page at full Monte Carlo sizes (default: ``--quick``).
``PQMS_DOCS_GALLERY=0``
    Skip running the examples (the gallery pages then show code only): for quick docstring iterations.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))
sys.path.insert(0, str(ROOT))

os.environ.setdefault("MPLBACKEND", "Agg")

import pqms_gallery  # noqa: E402

import pqms_physics  # noqa: E402

# -- project ------------------------------------------------------------------------------------------
project = "pqms_physics"
author = "pqms_physics developers"
copyright = "pqms_physics developers, MIT licence"
release = pqms_physics.__version__
version = release

# -- extensions ---------------------------------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
    "sphinx_gallery.gen_gallery",
    "pqms_apigen",
    "pqms_generated",
    "pqms_testrefs",
    "pqms_docstrings",
]

exclude_patterns = [
    "_build",
    "_generated",
    "_inventories",
    "**.ipynb_checkpoints",
    "auto_examples/*.py",
    "auto_examples/*.zip",
    "auto_examples/*.json",
    "auto_examples/*.md5",
]
templates_path = ["_templates"]
root_doc = "index"
default_role = "py:obj"  # numpydoc convention: `name` links to a Python object when there is one
# Links to this package must resolve (a renamed function cited by a page or a docstring fails the build);
# links to other projects may not (their inventories are optional), and neither may relative names in
# docstrings (`seed`, a parameter), which Sphinx cannot tell from a typo.
nitpicky = True
nitpick_ignore_regex = [(r"py:.*", r"^(?!pqms_physics\.).*"), (r"py:.*", r"^pqms_physics\..*\._.*")]
suppress_warnings = [
    # a short name found in two modules (``swap`` and ``Channel.swap``) links to the first: not an error
    "ref.python"
]

# -- autodoc / autosummary / napoleon -----------------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_class_signature = "mixed"
autodoc_inherit_docstrings = False  # an exception subclass must not repeat ValueError's docstring
autodoc_preserve_defaults = False  # True fails on some multi-line signatures ("pop from empty list")
autodoc_mock_imports: list[str] = []
autosummary_generate = False  # the API pages are written by pqms_apigen (one per subpackage)
add_module_names = False
python_use_unqualified_type_names = True

napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_param = True
napoleon_use_rtype = False
napoleon_use_ivar = True
napoleon_preprocess_types = False
napoleon_attr_annotations = True

# -- intersphinx (optional, offline by default) -------------------------------------------------------
_INTERSPHINX_URLS = {
    "python": "https://docs.python.org/3",
    "numpy": "https://numpy.org/doc/stable",
    "scipy": "https://docs.scipy.org/doc/scipy",
    "qutip": "https://qutip.readthedocs.io/en/stable",
    "networkx": "https://networkx.org/documentation/stable",
    "xarray": "https://docs.xarray.dev/en/stable",
    "matplotlib": "https://matplotlib.org/stable",
}
_ONLINE = os.environ.get("PQMS_DOCS_INTERSPHINX", "") not in ("", "0")
intersphinx_mapping = {}
for _name, _url in _INTERSPHINX_URLS.items():
    _local = DOCS / "_inventories" / f"{_name}.inv"
    if _local.is_file():
        intersphinx_mapping[_name] = (_url, str(_local))
    elif _ONLINE:
        intersphinx_mapping[_name] = (_url, None)
intersphinx_timeout = 10
intersphinx_disabled_reftypes = ["*"]  # only explicit `name:target` references go to other projects ...
if intersphinx_mapping:
    intersphinx_disabled_reftypes = []  # ... unless inventories are available: then plain ones do too

# -- sphinx-gallery -----------------------------------------------------------------------------------
_RUN_EXAMPLES = os.environ.get("PQMS_DOCS_GALLERY", "1") not in ("", "0")
sphinx_gallery_conf = {
    "examples_dirs": [str(ROOT / "examples")],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"\.py$",  # every script in examples/ runs (they are the studies of the README)
    "ignore_pattern": r"(^|/)_",
    "plot_gallery": "True" if _RUN_EXAMPLES else "False",
    "image_scrapers": (pqms_gallery.FigureScraper(),),
    "reset_modules": (pqms_gallery.ResetHook(),),
    "capture_repr": (),  # the examples print their numbers; no repr of the last expression
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "min_reported_time": 1,
    "within_subsection_order": "FileNameSortKey",
    "write_computation_times": False,
    "show_signature": False,
}

# -- maths ---------------------------------------------------------------------------------------------
mathjax3_config = {
    "tex": {
        "macros": {
            "ket": [r"\left|#1\right\rangle", 1],
            "bra": [r"\left\langle#1\right|", 1],
            "tr": r"\operatorname{tr}",
        }
    }
}

# -- HTML ----------------------------------------------------------------------------------------------
try:
    import furo  # noqa: F401

    html_theme = "furo"
except ImportError:  # pragma: no cover - the docs extra installs furo
    html_theme = "alabaster"
html_title = f"pqms_physics {release}"
html_static_path: list[str] = []
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None
