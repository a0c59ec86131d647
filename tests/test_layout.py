"""The package's architecture, checked: layers import downward only, no import cycles, small modules.

Layers (lowest first): the foundation (conventions, errors, validation, stats, progress, cluster), the Monte Carlo
kernels (which know nothing about QuTiP), provenance and the exact quantum objects (core), the physics areas
(network, chsh, nct, tomography), the engines built on them (sweep, rpu, audit, plots), and the presentation
(report, then cli). A module may import from its own layer or below, never from above.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "pqms_physics"
MAX_LINES = 400

LAYERS: dict[str, int] = {
    "conventions": 0,
    "errors": 0,
    "validation": 0,
    "stats": 0,
    "progress": 0,
    "cluster": 0,
    "_lazy": 0,
    "_version": 0,
    "kernels": 1,
    "_provenance": 2,
    "core": 2,
    "network": 3,
    "chsh": 3,
    "nct": 3,
    "tomography": 3,
    "sweep": 4,
    "rpu": 4,
    "audit": 4,
    "plots": 4,
    "report": 5,
    "cli": 6,
}
META = {"__init__", "_moved"}  # the lazy public API and the old-path finder name every layer by design


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG.parent).with_suffix("")
        name = ".".join(rel.parts)
        out[name.removesuffix(".__init__")] = path
    return out


def _area(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(module: str, path: Path) -> set[str]:
    """Every pqms_physics module that `module` imports, at any depth of the file (lazy imports count)."""
    is_pkg = path.name == "__init__.py"
    base = module.split(".") if is_pkg else module.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("pqms_physics")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                target = ".".join(base[: len(base) - node.level + 1] + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("pqms_physics"):
                found.add(target)
                found |= {f"{target}.{a.name}" for a in node.names}
    return found


MODULES = _modules()


def test_every_area_has_a_layer():
    areas = {_area(m) for m in MODULES} - META
    assert areas <= set(LAYERS), f"give these areas a layer in tests/test_layout.py: {sorted(areas - set(LAYERS))}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _area(m) not in META))
def test_no_module_imports_from_a_layer_above_its_own(module):
    own = LAYERS[_area(module)]
    upward = sorted(
        t for t in _imports(module, MODULES[module]) if t in MODULES and _area(t) not in META and LAYERS[_area(t)] > own
    )
    assert upward == [], f"{module} (layer {own}) imports from above: {upward}"


def test_no_import_cycle_among_module_level_imports():
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        is_pkg = path.name == "__init__.py"
        base = module.split(".") if is_pkg else module.split(".")[:-1]
        deps = set()
        for node in ast.parse(path.read_text()).body:  # module level only: function-level imports are lazy
            if isinstance(node, ast.ImportFrom):
                target = (
                    ".".join(base[: len(base) - node.level + 1] + ([node.module] if node.module else []))
                    if node.level
                    else node.module or ""
                )
                for cand in [target] + [f"{target}.{a.name}" for a in node.names]:
                    if cand in MODULES and cand != module:
                        deps.add(cand)
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names if a.name in MODULES and a.name != module}
        # a package's submodule depends on its parent package's __init__ being importable, not vice versa
        graph[module] = deps
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for dep in graph.get(node, ()):
            if state.get(dep) == 1:
                cycle = stack[stack.index(dep) :] + [dep] if dep in stack else [node, dep]
                pytest.fail(f"import cycle: {' -> '.join(cycle)}")
            if state.get(dep) is None:
                visit(dep, stack + [dep])
        state[node] = 2

    for module in sorted(graph):
        if state.get(module) is None:
            visit(module, [module])


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_longer_than_400_lines(module):
    n = len(MODULES[module].read_text().splitlines())
    assert n <= MAX_LINES, f"{module} has {n} lines: split it (one responsibility per module)"
