"""API reference pages generated from the package tree at build time (one page per subpackage).

The plan is pure Python (no Sphinx import), so a fast test can check it without building the site:

* every importable, non-private module of :mod:`pqms_physics` is documented on the page of the package that
  holds it (``api/<package>.rst``); a new module or subpackage appears on the next build with no edit here;
* a module's members are the names it *defines* (its ``__all__`` if it has one, else every public name),
  never the names it imports, so a re-export never yields a duplicate object description;
* every name a package re-exports (``__all__`` / ``_EXPORTS``) is listed in a summary table at the top of the
  package's page, linked to where it is defined; a name defined in a private module (``_provenance``) is
  documented on the page of the package that re-exports it.

:func:`setup` registers the generator (``builder-inited``) and the check that every name of
``pqms_physics.__all__`` ends up as a documented object (a warning, so an error under ``-W``).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import types
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "pqms_physics"
SKIP_MODULES = ("__main__",)  # importing pqms_physics.cli.__main__ would run the CLI
#: Private modules documented all the same (on their package's page): their helpers are cited by the
#: reproducibility page and by docstrings across the package.
DOCUMENTED_PRIVATE = ("pqms_physics._provenance",)


@dataclass
class ModulePlan:
    """One module's section: the names it defines that autodoc documents."""

    name: str
    members: list[str]


@dataclass
class PagePlan:
    """One package's page: its re-exports (name -> canonical dotted path) and its modules."""

    package: str
    own: list[str] = field(default_factory=list)  # names defined in the package's __init__ itself
    exports: dict[str, str] = field(default_factory=dict)
    modules: list[ModulePlan] = field(default_factory=list)
    subpackages: list[str] = field(default_factory=list)


def _is_private(dotted: str) -> bool:
    return any(part.startswith("_") for part in dotted.split(".")[1:])


def _top_level_assignments(module: types.ModuleType) -> set[str]:
    """Names bound by assignments at module level (constants), from the module's source."""
    try:
        source = inspect.getsource(module)
    except (OSError, TypeError):
        return set()
    names: set[str] = set()
    for node in ast.parse(source).body:
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        for t in targets:
            for n in ast.walk(t):
                if isinstance(n, ast.Name):
                    names.add(n.id)
    return names


def _doc_commented(module: types.ModuleType) -> set[str]:
    """Module-level names with a ``#:`` doc comment (or a docstring after the assignment)."""
    try:
        from sphinx.pycode import ModuleAnalyzer
    except ImportError:  # the plan works without Sphinx (tests); doc comments then do not matter
        return set()
    try:
        analyzer = ModuleAnalyzer.for_module(module.__name__)
        return {name for (scope, name) in analyzer.find_attr_docs() if scope == ""}
    except Exception:  # noqa: BLE001 - no source: nothing is doc-commented
        return set()


def _defined_here(module: types.ModuleType, name: str, obj: object, assigned: set[str]) -> bool:
    if isinstance(obj, types.ModuleType):
        return False
    if inspect.isclass(obj) or inspect.isfunction(obj) or inspect.isbuiltin(obj):
        return getattr(obj, "__module__", None) == module.__name__
    py_func = getattr(obj, "py_func", None)  # a Numba dispatcher: documented where its Python function lives
    if py_func is not None:
        return getattr(py_func, "__module__", None) == module.__name__
    return name in assigned


def module_members(module: types.ModuleType) -> list[str]:
    """Public names defined in `module` (its ``__all__`` order when it has one), imports excluded."""
    assigned = _top_level_assignments(module)
    explicit = getattr(module, "__all__", None)
    if explicit is not None:
        candidates = list(explicit)
    else:
        documented = _doc_commented(module)
        candidates = [n for n in vars(module) if not n.startswith("_")]
        # without __all__, constants are documented only when they carry a #: comment
        candidates = [
            n
            for n in candidates
            if not (n in assigned and n not in documented and not callable(getattr(module, n, None)))
        ]
    out = []
    for name in candidates:
        try:
            obj = getattr(module, name)
        except AttributeError:
            continue
        if _defined_here(module, name, obj, assigned):
            out.append(name)
    return out


def canonical_path(package: str, name: str, homes: dict[int, str] | None = None) -> str | None:
    """Dotted path where autodoc documents ``package.name``.

    A class or function is documented in its defining module (``__module__``, ``__qualname__``). Data (a
    constant) has no ``__module__``: it is found by identity among the module members that are documented
    (`homes`: ``id(object) -> dotted path``); None when no documented module holds it.
    """
    obj = getattr(importlib.import_module(package), name)
    func = getattr(obj, "py_func", obj)
    if inspect.isclass(func) or inspect.isfunction(func):
        return f"{func.__module__}.{func.__qualname__}"
    if homes is None:
        homes = data_homes(plan(package)[0])
    return homes.get(id(obj))


def data_homes(pages) -> dict[int, str]:
    """``id(value) -> dotted path`` of every documented module-level member (first documented home wins)."""
    homes: dict[int, str] = {}
    for page in pages:
        package = importlib.import_module(page.package)
        for member in page.own:
            homes.setdefault(id(getattr(package, member)), f"{page.package}.{member}")
        for section in page.modules:
            mod = importlib.import_module(section.name)
            for member in section.members:
                homes.setdefault(id(getattr(mod, member)), f"{section.name}.{member}")
    return homes


def _assigning_module(name: str, obj: object, modules: list[str]) -> str | None:
    """A module (private ones included) that assigns `name` at top level to this very object."""
    for m in modules:
        mod = importlib.import_module(m)
        if getattr(mod, name, None) is obj and name in _top_level_assignments(mod):
            return m
    return None


def package_exports(package: str) -> list[str]:
    mod = importlib.import_module(package)
    names = list(getattr(mod, "__all__", []))
    return [n for n in names if n != "__version__"]


def walk(package: str = PACKAGE) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """(packages, modules, import failures) below `package`, private and ``__main__`` modules excluded."""
    root = importlib.import_module(package)
    packages, modules, failures = [package], [], []
    for info in pkgutil.walk_packages(
        root.__path__, prefix=f"{package}.", onerror=lambda name: failures.append((name, "import failed"))
    ):
        if info.name.rsplit(".", 1)[-1] in SKIP_MODULES:
            continue
        if _is_private(info.name) and info.name not in DOCUMENTED_PRIVATE:
            continue
        try:
            importlib.import_module(info.name)
        except Exception as exc:  # noqa: BLE001 - reported as a build warning
            failures.append((info.name, f"{type(exc).__name__}: {exc}"))
            continue
        (packages if info.ispkg else modules).append(info.name)
    return packages, modules, failures


def plan(package: str = PACKAGE) -> tuple[list[PagePlan], list[tuple[str, str]]]:
    """One :class:`PagePlan` per package, and the modules that failed to import."""
    packages, modules, failures = walk(package)
    pages = {
        p: PagePlan(p, own=[m for m in module_members(importlib.import_module(p)) if not m.startswith("_")])
        for p in packages
    }
    for p in packages:
        parent = p.rpartition(".")[0]
        if parent in pages:
            pages[parent].subpackages.append(p)
    for m in modules:
        parent = m.rpartition(".")[0]
        pages[parent].modules.append(ModulePlan(m, module_members(importlib.import_module(m))))
    documented = documented_names(pages.values())
    homes = data_homes(pages.values())
    all_modules = [
        n.name
        for n in pkgutil.walk_packages(importlib.import_module(package).__path__, prefix=f"{package}.")
        if n.name.rsplit(".", 1)[-1] not in SKIP_MODULES
    ]
    for p in packages:
        for name in package_exports(p):
            try:
                target = canonical_path(p, name, homes)
                if target is None:  # data assigned in a private module: document it there, on this page
                    obj = getattr(importlib.import_module(p), name)
                    home = _assigning_module(name, obj, [package, *all_modules])
                    if home is None:
                        raise LookupError(f"no module assigns {name} (is it re-exported from elsewhere?)")
                    target = f"{home}.{name}"
                    homes[id(obj)] = target
            except Exception as exc:  # noqa: BLE001 - reported as a build warning
                failures.append((f"{p}.{name}", f"{type(exc).__name__}: {exc}"))
                continue
            pages[p].exports[name] = target
            if target not in documented:  # defined in a private module: document it here
                mod, _, obj_name = target.rpartition(".")
                if mod in pages:  # defined in a package's __init__ but left out of its __all__
                    pages[mod].own.append(obj_name)
                    documented.add(target)
                    continue
                section = next((s for page in pages.values() for s in page.modules if s.name == mod), None)
                if section is None:
                    section = ModulePlan(mod, [])
                    pages[p].modules.append(section)
                if obj_name not in section.members:
                    section.members.append(obj_name)
                documented.add(target)
    return [pages[p] for p in sorted(pages)], failures


def documented_names(pages) -> set[str]:
    pages = list(pages)
    return {f"{s.name}.{m}" for page in pages for s in page.modules for m in s.members} | {
        f"{page.package}.{m}" for page in pages for m in page.own
    }


# ----------------------------------------------------------------------------------------- rendering
def _title(text: str, char: str) -> list[str]:
    return [text, char * len(text), ""]


def render_page(page: PagePlan) -> str:
    lines = [".. Generated by docs/_ext/pqms_apigen.py at build time; do not edit.", ""]
    lines += _title(f"``{page.package}``", "=")
    package = importlib.import_module(page.package)
    own_code = [m for m in page.own if _is_code(getattr(package, m))]
    lines += [f".. automodule:: {page.package}"]
    lines += (
        [f"   :members: {', '.join(own_code)}", "   :show-inheritance:", "   :member-order: bysource", ""]
        if own_code
        else ["   :no-members:", ""]
    )
    lines += [line for m in page.own if m not in own_code for line in (f".. autodata:: {page.package}.{m}", "")]
    if page.package == PACKAGE:
        lines += [".. py:data:: __version__", "   :type: str", "", "   The package version.", ""]
    if page.exports:
        lines += _title("Public names", "-")
        lines += [
            f"Re-exported by ``{page.package}`` (``from {page.package} import name``), each linked to the "
            "module that defines it.",
            "",
            ".. py:currentmodule:: None",
            "",
            ".. autosummary::",
            "",
        ]
        lines += [f"   ~{target}" for _, target in sorted(page.exports.items(), key=lambda kv: kv[0].lower())]
        lines += [""]
    if page.subpackages:
        lines += _title("Subpackages", "-")
        lines += [".. toctree::", "   :maxdepth: 1", ""] + [f"   {p}" for p in page.subpackages] + [""]
    for section in page.modules:
        module = importlib.import_module(section.name)
        code = [m for m in section.members if _is_code(getattr(module, m))]
        data = [m for m in section.members if m not in code]
        lines += _title(f"``{section.name}``", "-")
        lines += [f".. automodule:: {section.name}"]
        if code:
            lines += [f"   :members: {', '.join(code)}", "   :show-inheritance:", "   :member-order: bysource"]
        else:
            lines += ["   :no-members:"]
        lines += [""]
        for name in data:  # constants: autodata documents them with their value, doc comment or not
            lines += [f".. autodata:: {section.name}.{name}", ""]
    return "\n".join(lines)


def _is_code(obj: object) -> bool:
    return inspect.isclass(obj) or inspect.isroutine(obj) or hasattr(obj, "py_func")


def render_index(pages: list[PagePlan]) -> str:
    lines = [".. Generated by docs/_ext/pqms_apigen.py at build time; do not edit.", ""]
    lines += _title("API reference", "=")
    lines += [
        "One page per subpackage, generated from the package tree and its docstrings (numpy style). "
        "Each page opens with the subpackage's own description and a table of the names it re-exports, "
        "then documents every module it holds. The public API is the table on "
        f":doc:`{PACKAGE}`.",
        "",
        ".. toctree::",
        "   :maxdepth: 1",
        "",
    ]
    lines += [f"   {p.package}" for p in pages] + [""]
    return "\n".join(lines)


def write_pages(out_dir: Path, package: str = PACKAGE) -> tuple[list[PagePlan], list[tuple[str, str]]]:
    """Write ``index.rst`` and one page per package into `out_dir`; unchanged files are left untouched."""
    pages, failures = plan(package)
    out_dir.mkdir(parents=True, exist_ok=True)
    wanted = {"index.rst": render_index(pages)}
    wanted.update({f"{p.package}.rst": render_page(p) for p in pages})
    for stale in out_dir.glob("*.rst"):
        if stale.name not in wanted:
            stale.unlink()
    for name, text in wanted.items():
        path = out_dir / name
        if not path.exists() or path.read_text() != text:  # keep mtimes: Sphinx rereads only what changed
            path.write_text(text)
    return pages, failures


# ----------------------------------------------------------------------------------------- Sphinx hooks
_HOMES: dict[int, str] = {}


def resolve_alias(target: str, homes: dict[int, str]) -> str | None:
    """The documented path of ``target`` when it names an object through a re-export, else None.

    ``pqms_physics.fidelity`` -> ``pqms_physics.core.states.fidelity``; ``pqms_physics.Channel.on`` ->
    ``pqms_physics.core.channels.Channel.on``; a constant is found by identity in `homes`.
    """
    parts = target.split(".")
    for k in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:k]))
        except Exception:  # noqa: BLE001 - not a module: try a shorter prefix
            continue
        try:
            for attr in parts[k:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        break
    else:
        return None
    if isinstance(obj, types.ModuleType):
        return obj.__name__
    func = getattr(obj, "py_func", obj)
    if inspect.isclass(func) or inspect.isfunction(func):
        return f"{func.__module__}.{func.__qualname__}"
    if isinstance(obj, (property, classmethod, staticmethod)):
        return None
    return homes.get(id(obj))


def _on_builder_inited(app) -> None:
    from sphinx.util import logging

    log = logging.getLogger(__name__)
    pages, failures = write_pages(Path(app.srcdir) / "api")
    _HOMES.clear()
    _HOMES.update(data_homes(pages))
    for page in pages:
        for name, target in page.exports.items():
            obj = getattr(importlib.import_module(page.package), name)
            _HOMES.setdefault(id(obj), target)
    for name, why in failures:
        log.warning(f"API reference: {name} could not be imported ({why})")


def _on_missing_reference(app, env, node, contnode):
    """Resolve a link to a re-exported name (``pqms_physics.fidelity``) to where it is documented."""
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    if not target.startswith(f"{PACKAGE}."):
        return None
    canonical = resolve_alias(target, _HOMES)
    if canonical is None or canonical == target:
        return None
    py = env.get_domain("py")
    entry = py.objects.get(canonical)
    if entry is None:
        if canonical in py.modules:
            module = py.modules[canonical]
            from sphinx.util.nodes import make_refnode

            return make_refnode(app.builder, node["refdoc"], module.docname, module.node_id, contnode, canonical)
        return None
    from sphinx.util.nodes import make_refnode

    return make_refnode(app.builder, node["refdoc"], entry.docname, entry.node_id, contnode, canonical)


def _on_env_check_consistency(app, env) -> None:
    """Every name of ``pqms_physics.__all__`` must be a documented object."""
    from sphinx.util import logging

    log = logging.getLogger(__name__)
    objects = env.get_domain("py").objects
    if f"{PACKAGE}.__version__" not in objects:
        log.warning(f"API reference: {PACKAGE}.__version__ is not documented")
    for name in package_exports(PACKAGE):
        target = canonical_path(PACKAGE, name, _HOMES)
        if target is None or target not in objects:
            log.warning(f"API reference: public name {PACKAGE}.{name} ({target}) has no documented object")


def setup(app):
    app.connect("builder-inited", _on_builder_inited)
    app.connect("missing-reference", _on_missing_reference, priority=400)
    app.connect("env-check-consistency", _on_env_check_consistency)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
