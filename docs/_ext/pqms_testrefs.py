"""The ``:test:`` role: name the test that checks a model page's formula, and fail the build if it is gone.

``:test:`tests/network/test_chains.py::test_werner_chain_closed_form``` renders as the literal test id and
emits a warning (an error under ``sphinx-build -W``) when the file or the function does not exist, so renaming
or deleting a test that a page cites breaks the documentation build. ``Class::method`` is accepted too.

:func:`missing_reason` is plain Python, used by the role and by ``tests/docs`` alike.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@cache
def _definitions(path: Path, mtime: float) -> frozenset[str]:
    """'func' and 'Class::method' names defined at the top level of a test file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.add(node.name)
            for sub in node.body:
                if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    names.add(f"{node.name}::{sub.name}")
    return frozenset(names)


def missing_reason(test_id: str, root: Path = ROOT) -> str | None:
    """None if ``path::name`` names an existing test, else why not."""
    path_text, sep, name = test_id.partition("::")
    if not sep or not name:
        return f"{test_id!r} is not of the form 'tests/path.py::test_name'"
    path = root / path_text
    if not path.is_file():
        return f"no test file {path_text}"
    if name.split("[", 1)[0] not in _definitions(path, path.stat().st_mtime):
        return f"{path_text} defines no {name}"
    return None


def test_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    from docutils import nodes

    test_id = text.strip()
    node = nodes.literal(rawtext, test_id, classes=["pqms-test"])
    reason = missing_reason(test_id)
    if reason is not None:
        msg = inliner.reporter.warning(f"test reference {test_id}: {reason}", line=lineno)
        return [node], [msg]
    return [node], []


def setup(app):
    app.add_role("test", test_role)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
