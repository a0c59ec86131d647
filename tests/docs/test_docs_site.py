"""The documentation site's contracts, checked without building it (the build itself runs in .ci/run).

* every public name of ``pqms_physics.__all__`` is planned as a documented object of the API reference;
* every model page names existing tests (``:test:`` role) and existing functions (``pqms_physics.*`` links);
* every example has the reST title sphinx-gallery needs, and stays a plain script;
* the docstring rewriting of the build (``|x|``, ``[1]_``) keeps doctests and literal blocks as they are.
"""

from __future__ import annotations

import ast
import importlib
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS / "_ext"))

import pqms_apigen  # noqa: E402
import pqms_docstrings  # noqa: E402
import pqms_generated  # noqa: E402
import pqms_testrefs  # noqa: E402

import pqms_physics  # noqa: E402

MODEL_PAGES = sorted((DOCS / "models").glob("*.rst"))
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
ROLE = re.compile(r":(?:py:)?(func|class|meth|data|mod|obj|attr|exc):`(?:[^`<]*<)?~?(pqms_physics[\w.]*)>?`")


@pytest.fixture(scope="module")
def api_plan():
    return pqms_apigen.plan()


def test_every_module_of_the_package_imports_for_the_reference(api_plan):
    _, failures = api_plan
    assert failures == []


def test_every_public_name_is_planned_as_a_documented_object(api_plan):
    pages, _ = api_plan
    documented = pqms_apigen.documented_names(pages)
    homes = pqms_apigen.data_homes(pages)
    missing = []
    for name in pqms_physics.__all__:
        if name == "__version__":
            continue
        target = pqms_apigen.canonical_path("pqms_physics", name, homes)
        if target is None or target not in documented:
            missing.append((name, target))
    assert missing == []
    root = next(p for p in pages if p.package == "pqms_physics")
    assert set(root.exports) == set(pqms_physics.__all__) - {"__version__"}
    assert ".. py:data:: __version__" in pqms_apigen.render_page(root)


def test_a_name_is_documented_once_in_the_module_that_defines_it(api_plan):
    """No duplicate object descriptions: re-exports are linked, never documented a second time."""
    pages, _ = api_plan
    seen = set()
    for page in pages:
        for section in page.modules:
            module = importlib.import_module(section.name)
            for member in section.members:
                key = f"{section.name}.{member}"
                assert key not in seen, f"{key} is documented twice"
                seen.add(key)
                obj = getattr(module, member)
                if pqms_apigen._is_code(obj):  # a class or function (constants have no __module__)
                    defined = getattr(obj, "py_func", obj).__module__
                    assert defined == section.name, f"{key} is defined in {defined}"


def test_reexported_paths_resolve_to_the_defining_module(api_plan):
    pages, _ = api_plan
    homes = pqms_apigen.data_homes(pages)
    assert pqms_apigen.resolve_alias("pqms_physics.fidelity", homes) == "pqms_physics.core.states.fidelity"
    assert pqms_apigen.resolve_alias("pqms_physics.Channel.on", homes) == "pqms_physics.core.channels.Channel.on"
    assert pqms_apigen.resolve_alias("pqms_physics.core", homes) == "pqms_physics.core"
    assert pqms_apigen.resolve_alias("pqms_physics.no_such_name", homes) is None


@pytest.mark.parametrize("page", MODEL_PAGES, ids=[p.stem for p in MODEL_PAGES])
def test_model_page_cites_tests_that_exist(page):
    text = page.read_text(encoding="utf-8")
    cited = re.findall(r":test:`([^`]+)`", text)
    if page.stem not in ("index", "audit"):  # the audit page is generated from `pqms audit --json`
        assert cited, f"{page.name} names no test that checks its formulas"
    problems = [(t, pqms_testrefs.missing_reason(t)) for t in cited if pqms_testrefs.missing_reason(t)]
    assert problems == []


@pytest.mark.parametrize("page", MODEL_PAGES, ids=[p.stem for p in MODEL_PAGES])
def test_model_page_links_name_objects_that_exist(page):
    text = page.read_text(encoding="utf-8")
    text += "\n".join(re.findall(r"\.\. auto\w+:: (pqms_physics[\w.]*)", text))
    broken = []
    for _role, target in ROLE.findall(text):
        if pqms_apigen.resolve_alias(target, {}) is None and not _importable(target):
            broken.append(target)
    assert broken == []


def _importable(target: str) -> bool:
    parts = target.split(".")
    for k in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:k]))
        except ImportError:
            continue
        try:
            for attr in parts[k:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return False
        return True
    return False


def test_testref_check_rejects_a_renamed_test():
    assert (
        pqms_testrefs.missing_reason("tests/docs/test_docs_site.py::test_testref_check_rejects_a_renamed_test") is None
    )
    assert "defines no" in pqms_testrefs.missing_reason("tests/docs/test_docs_site.py::test_no_such_test")
    assert "no test file" in pqms_testrefs.missing_reason("tests/nowhere.py::test_x")
    assert "not of the form" in pqms_testrefs.missing_reason("tests/docs/test_docs_site.py")


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_docstring_opens_with_a_rest_title(script):
    """sphinx-gallery takes the first docstring's title as the example's name: '=' underline, as long."""
    doc = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8")), clean=False)
    assert doc is not None, f"{script.name} has no module docstring"
    lines = doc.strip("\n").splitlines()
    assert len(lines) >= 2 and lines[0].strip(), f"{script.name}: the docstring must start with a title line"
    assert re.fullmatch(r"=+", lines[1].strip()) and len(lines[1].strip()) >= len(lines[0].strip()), (
        f"{script.name}: the title must be underlined with '=' at least as long as the title"
    )


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_does_not_need_its_docstring_at_run_time(script):
    """sphinx-gallery runs an example with ``__doc__ == ""``: ``__doc__.splitlines()[0]`` would fail there."""
    text = script.read_text(encoding="utf-8")
    assert not re.search(r"__doc__\.split(lines)?\(", text), f"{script.name} indexes __doc__ (empty in the gallery)"


def test_audit_function_names_link_to_the_package_modules_and_unknown_text_stays_text():
    index = pqms_generated._module_index()
    text = pqms_generated._link_function("chains.fidelity_vs_hops + network.graphs.best_path(by='x'); fpga/rtl", index)
    assert ":py:obj:`chains.fidelity_vs_hops <pqms_physics.network.chains.fidelity_vs_hops>`" in text
    assert ":py:obj:`network.graphs.best_path <pqms_physics.network.graphs.best_path>`" in text
    assert text.endswith("; fpga/rtl")


def test_audit_json_renders_every_claim_with_its_verdict():
    data = {
        "claims_path": "x.toml",
        "seed": 1,
        "quick": True,
        "versions": {"numpy": "2"},
        "entries": [
            {
                "claim_id": "c1",
                "claim": "F = 0.999 |x|",
                "claimed": 0.999,
                "quantity": "F",
                "computed": 0.99,
                "uncertainty": 0.0,
                "verdict": "inconsistent",
                "function": "chains.fidelity_vs_hops",
                "reading": "r",
                "notes": "n",
                "details": {},
            }
        ],
    }
    text = pqms_generated.render_audit(data)
    assert ".. _audit-c1:" in text and "**inconsistent**" in text and r"\|x\|" in text


class TestDocstringRewrite:
    def test_absolute_value_bars_are_escaped_outside_literals(self):
        out = pqms_docstrings.rewrite(["Pass if |delta_mu| < 1e-6, ``|x|`` stays."])
        assert out == [r"Pass if \|delta_mu\| < 1e-6, ``|x|`` stays."]

    def test_grid_table_bars_are_kept(self):
        line = "| a | b |"
        assert pqms_docstrings.rewrite([line]) == [line]

    def test_numbered_references_become_plain_text_with_their_continuations(self):
        out = pqms_docstrings.rewrite(
            ["See [1]_.", "", ".. [1] A. Author,", "       Journal 1 (2000).", ".. [2] B. Author."]
        )
        assert out == ["See [1].", "", "[1] A. Author,", "Journal 1 (2000).", "", "[2] B. Author."]

    def test_doctests_and_literal_blocks_are_untouched(self):
        lines = [">>> print(abs(-1)) # |x|", "... |y|", "Example::", "", "    |z| [1]_", "after |w|"]
        out = pqms_docstrings.rewrite(lines)
        assert out[:5] == lines[:5]
        assert out[5] == r"after \|w\|"

    def test_initials_in_references_do_not_open_an_enumerated_list(self):
        out = pqms_docstrings.rewrite(
            [
                "References",
                "----------",
                "S. Pirandola, Commun. Phys. 2, 51 (2019).",
                "D. Gusfield, SIAM J. Comput. 19, 143 (1990).",
                "",
                "Notes",
                "-----",
                "A. plain text",
            ]
        )
        assert out[2:4] == [
            r"S\. Pirandola, Commun. Phys. 2, 51 (2019).",
            r"D\. Gusfield, SIAM J. Comput. 19, 143 (1990).",
        ]
        assert out[-1] == "A. plain text"

    def test_a_short_title_underline_is_extended_to_the_title(self):
        out = pqms_docstrings.rewrite(["How the samplers read the stream", "-----", "text"])
        assert out == ["How the samplers read the stream", "-" * 32, "text"]

    def test_a_dot_product_in_a_literal_is_not_a_sentence_end(self):
        out = pqms_docstrings.rewrite(["Correlator ``<(a . sigma) (x) (b . sigma)>`` of a state. More."])
        assert out == ["Correlator ``<(a \u00b7 sigma) (x) (b \u00b7 sigma)>`` of a state. More."]
