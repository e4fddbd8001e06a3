"""Source that uses syntax newer than the running Python, rewritten into syntax it parses, so
that the facts of such a file come from the same extractor (``extract.py``) as every other file.

Only for files CPython rejects and libcst parses (PEP 695 type parameters and ``type``
aliases, 3.12; PEP 701 f-strings, 3.12; PEP 696 type parameter defaults, 3.13): libcst's tree
is lowered, printed, and parsed by ``ast``. The normal path stays CPython's parser, ~8x
cheaper than libcst's (``extract.py``); on a 3.12 or 3.13 interpreter these files take the
normal path.

What the lowering keeps: every statement, call, name, read and write, on its own line (a
rewrite never adds or removes a line break, so line numbers and suppressions hold). What it
drops: type parameters (``def f[T](x: T)`` → ``def f(x: T)``), the ``type`` keyword
(``type A = B`` → ``A = B``), and the text of f-strings, which become a tuple of their
expressions, each at its own column (only the expressions carry facts). Columns after a
removed type parameter list move. libcst 1.9 prints a replacement field that spans lines
(``{\n x\n }``, PEP 701) without the break before its ``}``: the lines after it in that file
then read one too low.
"""

from __future__ import annotations

from typing import Sequence

import libcst as cst

_EMPTY = cst.Module(body=[])


class _Lower(cst.CSTTransformer):
    def __init__(self) -> None:
        super().__init__()
        # f-strings are printed by hand (see ``_aligned``) into placeholders, replaced last
        self.fstrings: list[tuple[str, str]] = []
        self.strings: list[str] = []  # the f-strings and concatenations being visited
        # the indentation of the blocks being visited: a line break between brackets is printed
        # alone without it (``code_for_node``), and the columns after it must stay
        self.indents: list[str] = []
        self.default_indent = "    "

    def visit_Module(self, node: cst.Module) -> bool:
        self.default_indent = node.default_indent
        return True

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> bool:
        self.indents.append(node.indent if node.indent is not None else self.default_indent)
        return True

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock) -> cst.IndentedBlock:
        self.indents.pop()
        return updated

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        if updated.type_parameters is None:
            return updated
        return updated.with_changes(type_parameters=None, whitespace_after_type_parameters=cst.SimpleWhitespace(""))

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        if updated.type_parameters is None:
            return updated
        return updated.with_changes(type_parameters=None, whitespace_after_type_parameters=cst.SimpleWhitespace(""))

    def leave_TypeAlias(self, original: cst.TypeAlias, updated: cst.TypeAlias) -> cst.Assign:
        return cst.Assign(targets=[cst.AssignTarget(target=updated.name)], value=updated.value)

    # f-strings that are pieces of an implicit concatenation (``"a" f"{x}"``) are printed with
    # it: libcst checks a concatenation's pieces are strings when it rebuilds one
    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> bool:
        self.strings.append("concat")
        return True

    def visit_FormattedString(self, node: cst.FormattedString) -> bool:
        self.strings.append("f")
        return True

    def leave_FormattedString(self, original: cst.FormattedString, updated: cst.FormattedString) -> cst.BaseExpression:
        self.strings.pop()
        if self.strings and self.strings[-1] == "concat":
            return updated
        return self._placeholder(updated)

    def leave_ConcatenatedString(self, original: cst.ConcatenatedString, updated: cst.ConcatenatedString) -> cst.BaseExpression:
        self.strings.pop()
        if self.strings and self.strings[-1] == "concat" or not _has_fstring(updated):
            return updated
        return self._placeholder(updated)

    def _placeholder(self, node: cst.FormattedString | cst.ConcatenatedString) -> cst.Name:
        name = f"_llmlint_fstring_{len(self.fstrings)}_"
        self.fstrings.append((name, _aligned(node, "".join(self.indents))))
        return cst.Name(name, lpar=node.lpar, rpar=node.rpar)  # its own brackets stay, with their line breaks


def _has_fstring(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.ConcatenatedString):
        return _has_fstring(node.left) or _has_fstring(node.right)
    return isinstance(node, cst.FormattedString)


def _aligned(node: cst.FormattedString | cst.ConcatenatedString, indent: str) -> str:
    """A string with f-string pieces as a tuple of their expressions, each where it was written:
    literal text becomes spaces (its line breaks stay: they are free between brackets), ``{`` a
    space, and a comma follows each expression, the first and last quote are the brackets.
    ``f"a {x!r:>{w}} b"`` becomes a tuple of ``x`` and ``w``, each at its column."""
    body = _content(node, indent)
    return "(" + body[1:-1] + ")"


def _space(node: cst.BaseParenthesizableWhitespace, indent: str) -> str:
    """Whitespace between brackets as blanks, with the block's indentation on its last line."""
    text = _blank(_EMPTY.code_for_node(node))
    if isinstance(node, cst.ParenthesizedWhitespace) and node.indent and "\n" in text:
        head, _, last = text.rpartition("\n")
        text = head + "\n" + " " * len(indent) + last
    return text


def _content(node: cst.BaseExpression, indent: str) -> str:
    if isinstance(node, cst.ConcatenatedString):
        return _content(node.left, indent) + _space(node.whitespace_between, indent) + _content(node.right, indent)
    if not isinstance(node, cst.FormattedString):
        return _blank(_EMPTY.code_for_node(node))
    out = [" " * len(node.start)]

    def emit(parts: Sequence[cst.BaseFormattedStringContent]) -> None:
        for part in parts:
            if isinstance(part, cst.FormattedStringText):
                out.append(_blank(part.value))
                continue
            assert isinstance(part, cst.FormattedStringExpression)
            out.append(" ")  # {
            out.append(_space(part.whitespace_before_expression, indent))
            out.append(_EMPTY.code_for_node(part.expression))
            tail = _space(part.whitespace_after_expression, indent)
            if part.equal is not None:
                tail += _blank(_EMPTY.code_for_node(part.equal))
            if part.conversion is not None:
                tail += " " * (1 + len(part.conversion))  # !r
            if part.format_spec is not None:
                tail += " "  # :
            # the comma after the expression takes the place of the next blank, or of the }
            out.append("," + tail[1:] if tail[:1] == " " else "," + tail)
            if part.format_spec is not None:
                emit(part.format_spec)
            out.append(" " if tail[:1] == " " else "")  # }

    emit(node.parts)
    out.append(" " * len(node.end))
    return "".join(out)


def _blank(text: str) -> str:
    return "".join(c if c in "\r\n" else " " for c in text)


def lowered(module: cst.Module) -> str | None:
    """``module``'s source in older syntax (see the module docstring), or None when it cannot
    be rewritten."""
    lower = _Lower()
    try:
        code = module.visit(lower).code
        for name, text in reversed(lower.fstrings):  # outer ones first: they hold the inner names
            code = code.replace(name, text, 1)
        return code
    except (cst.ParserSyntaxError, ValueError, TypeError):
        return None
