"""Docstring preprocessing for Sphinx: plain-text habits of the numpy style that reST reads otherwise.

Many authors write the package's docstrings for ``help()`` and doctests first. Two habits are fine as text and
errors as reST; this hook rewrites them in the rendered copy only (the source is untouched, so the doctests and
``help()`` are unchanged):

* ``|x|`` (an absolute value, ``|delta_mu| < 1e-6``) is a reST substitution reference: the bars are escaped;
* in a References section, a line that starts with an initial (``D. Gusfield, ...``) would open an
  enumerated list (item "D"): its period is escaped;
* a section title whose underline is shorter than the title gets a full-length underline;
* a dot product written ``(a . sigma)`` inside an inline literal is shown as ``(a · sigma)``, so that
  autosummary does not take its ``. `` for the end of the first sentence;
* numpydoc's reference labels ``.. [1]`` / ``[1]_`` are footnotes, which must be unique on a page and
  referenced: several docstrings on one API page each have a ``[1]``. They become plain ``[1]`` text, one
  paragraph per reference (numpydoc itself renames them; napoleon does not).

A constant without a doc comment would show its type's docstring (``dict() -> new empty dictionary``); it
shows its value only.

Lines of doctests (``>>>``, ``...``) and of literal blocks are never changed.
"""

from __future__ import annotations

import inspect
import re

_SUBST = re.compile(r"(?<![\\|\w`])\|(?=[^\s|])([^|`\n]*?[^\s|\\])\|(?![\w|])")
_FOOTNOTE_DEF = re.compile(r"^(\s*)\.\. \[(\d+|#\w*)\]\s+(.*)$")
_FOOTNOTE_REF = re.compile(r"\[(\d+)\]_")
_INLINE_LITERAL = re.compile(r"(``.+?``)")
_INITIAL = re.compile(r"^(\s*)([A-Z])\.(\s)")
_UNDERLINE = re.compile(r"([=\-~^\"'`#*+])\1{2,}")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _escape_bars(line: str) -> str:
    """Escape ``|x|`` outside inline literals."""
    parts = _INLINE_LITERAL.split(line)
    for k in range(0, len(parts), 2):  # even parts are outside ``...``
        parts[k] = _SUBST.sub(lambda m: rf"\|{m.group(1)}\|", parts[k])
    for k in range(1, len(parts), 2):  # a dot product 'a . sigma' in a literal: no sentence end for autosummary
        parts[k] = parts[k].replace(" . ", " \u00b7 ")
    return "".join(parts)


def rewrite(lines: list[str]) -> list[str]:
    """The rewritten docstring lines (a new list)."""
    out: list[str] = []
    literal_indent: int | None = None  # inside a literal block introduced by '::' at this indentation
    footnote: tuple[int, int] | None = None  # (indent of '.. [n]', indent of its body) while inside one
    in_references = False
    previous = ""
    for line in lines:
        stripped = line.strip()
        if stripped.startswith(".. rubric::"):  # napoleon's section headings
            in_references = stripped == ".. rubric:: References"
        elif _UNDERLINE.fullmatch(stripped) and previous:  # a reST section title: 'previous' underlined
            in_references = previous == "References"
            if len(stripped) < len(previous):  # "Title underline too short" is only a matter of length
                line = line[: _indent(line)] + stripped[0] * len(previous)
        elif in_references and _INITIAL.match(line):  # 'D. Gusfield, ...' is not item D of a list
            line = _INITIAL.sub(r"\1\2\\.\3", line, count=1)
        previous = stripped
        if literal_indent is not None:
            if stripped and _indent(line) <= literal_indent:
                literal_indent = None
            else:
                out.append(line)
                continue
        if footnote is not None:
            base, _ = footnote
            if stripped and _indent(line) > base:  # continuation of the reference text: dedent it
                out.append(" " * base + stripped)
                continue
            footnote = None
        if stripped.startswith((">>>", "... ")) or stripped == "...":
            out.append(line)
            continue
        m = _FOOTNOTE_DEF.match(line)
        if m:
            indent, label, text = m.groups()
            if out and out[-1].strip():
                out.append("")
            out.append(f"{indent}[{label}] {_escape_bars(text)}")
            footnote = (len(indent), len(indent) + 3)
            continue
        new = _FOOTNOTE_REF.sub(r"[\1]", _escape_bars(line))
        out.append(new)
        if stripped.endswith("::") and not stripped.startswith(".. "):
            literal_indent = _indent(line)
        elif re.match(r"^\s*\.\. (code-block|code|sourcecode|math|doctest|testcode)::", line):
            literal_indent = _indent(line)
    return out


def _is_type_docstring(what: str, obj: object, lines: list[str]) -> bool:
    """A constant without a doc comment shows its type's docstring (``dict() -> new empty dictionary``)."""
    if what not in ("data", "attribute") or obj is None or isinstance(obj, type):
        return False
    type_docs = [inspect.getdoc(type(obj)) or "", getattr(obj, "__doc__", None) or ""]  # (NumPy's differ)
    first = "\n".join(lines).strip().split("\n")[0].strip()  # autodoc may have cut a signature line off
    return bool(first) and any(first in doc for doc in type_docs)


def _process(app, what, name, obj, options, lines) -> None:
    if _is_type_docstring(what, obj, lines):
        lines[:] = []
        return
    lines[:] = rewrite(lines)


def setup(app):
    app.connect("autodoc-process-docstring", _process)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
