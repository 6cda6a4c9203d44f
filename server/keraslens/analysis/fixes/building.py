"""Building blocks for fixes: spans of headers, statement insertion and deletion.

Every helper returns ``Edit``s against the original text and keeps the file's own
indentation and line endings.
"""

from __future__ import annotations

import ast

from ..source import SourceFile, Span
from .edit import Edit, apply_edits, offset_of


def header_span(source: SourceFile, function: ast.FunctionDef) -> Span:
    """``def name`` of a function: where a finding about the whole function points."""
    line = function.lineno
    col = source.char_col(line, function.col_offset)
    return Span(line, col, line, col + len("def ") + len(function.name) + (len("async ") if isinstance(function, ast.AsyncFunctionDef) else 0))


def body_start(function: ast.FunctionDef) -> ast.stmt | None:
    """The first statement after the docstring, or None when the body is only a docstring."""
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
        return body[1] if len(body) > 1 else None
    return body[0] if body else None


def body_indent(source: SourceFile, function: ast.FunctionDef) -> str:
    first = function.body[0]
    if first.lineno == function.lineno:
        return source.indent_of(function.lineno) + source.indent_unit()
    return source.indent_of(first.lineno)


def insert_statements(source: SourceFile, function: ast.FunctionDef, lines: list[str], at_end: bool = False) -> tuple[Edit, ...]:
    """Insert whole lines at the start of a function body (after the docstring) or at its end."""
    if function.body[0].lineno == function.lineno:
        return ()  # one-line function: no safe place for a new line
    indent = body_indent(source, function)
    newline = source.newline
    text = "".join(f"{indent}{line}{newline}" for line in lines)
    if at_end:
        last = function.body[-1].end_lineno or function.body[-1].lineno
        return (Edit(Span(last + 1, 0, last + 1, 0), text),) if last < len(source.lines) else (Edit(_end_of(source, last), newline + text.rstrip("\r\n")),)
    anchor = body_start(function)
    if anchor is None:
        line = (function.body[0].end_lineno or function.body[0].lineno) + 1
    else:
        line = anchor.lineno
    if line > len(source.lines):
        return (Edit(_end_of(source, line - 1), newline + text.rstrip("\r\n")),)
    return (Edit(Span(line, 0, line, 0), text),)


def _end_of(source: SourceFile, line: int) -> Span:
    col = len(source.line_text(line))
    return Span(line, col, line, col)


def add_super_call(source: SourceFile, function: ast.FunctionDef, method: str) -> tuple[Edit, ...]:
    """``super().__init__(**kwargs)`` (adding ``**kwargs``) or ``super().build(input_shape)``."""
    args = function.args
    edits: list[Edit] = []
    if method == "__init__":
        if args.kwarg is None:
            edits.append(_append_parameter(source, function, "**kwargs"))
        call = f"super().__init__(**{args.kwarg.arg if args.kwarg else 'kwargs'})"
    else:
        positional = [*args.posonlyargs, *args.args]
        argument = positional[1].arg if len(positional) > 1 else "input_shape"
        call = f"super().{method}({argument})"
    inserted = insert_statements(source, function, [call])
    return tuple(edits) + inserted if inserted else ()


def _append_parameter(source: SourceFile, function: ast.FunctionDef, parameter: str) -> Edit:
    args = function.args
    nodes: list[ast.AST] = [*args.posonlyargs, *args.args, *args.defaults, *args.kwonlyargs]
    nodes += [d for d in args.kw_defaults if d is not None]
    if args.vararg:
        nodes.append(args.vararg)
    last = max(nodes, key=lambda node: (node.end_lineno, node.end_col_offset))  # type: ignore[attr-defined]
    line = last.end_lineno  # type: ignore[attr-defined]
    col = source.char_col(line, last.end_col_offset)  # type: ignore[attr-defined]
    return Edit(Span(line, col, line, col), f", {parameter}")


def delete_statement(source: SourceFile, statement: ast.stmt) -> tuple[Edit, ...]:
    """Remove a statement's lines, or turn it into ``pass`` when its block would be empty."""
    start, end = statement.lineno, statement.end_lineno or statement.lineno
    block = source.block_of(statement)
    if block is not None and len(block) == 1:
        return (Edit(source.span(statement), "pass"),)
    prefix = source.line_text(start)[: source.char_col(start, statement.col_offset)]
    suffix = source.line_text(end)[source.char_col(end, statement.end_col_offset or 0):].strip()
    if prefix.strip() or (suffix and not suffix.startswith("#")):
        return (Edit(source.span(statement), "pass"),)  # shares its line with other code
    if end < len(source.lines):
        return (Edit(Span(start, 0, end + 1, 0), ""),)
    return (Edit(Span(start - 1, len(source.line_text(start - 1)), end, len(source.line_text(end))), ""),)


# -- moving code between methods ---------------------------------------------------------


def rewritten(source: SourceFile, node: ast.AST, replacements: dict[int, tuple[ast.AST, str]] | None = None, whole_lines: bool = False) -> str:
    """The text of ``node`` (or of its whole lines) with inner nodes replaced; lines joined by ``\\n``."""
    span = source.span(node)
    chunk = "\n".join(source.lines[span.line - 1:span.end_line])
    last = span.end_line - span.line + 1

    def shifted(inner: Span) -> Span:
        return Span(inner.line - span.line + 1, inner.col, inner.end_line - span.line + 1, inner.end_col)

    edits = [Edit(shifted(source.span(inner)), text) for inner, text in (replacements or {}).values()]
    if not whole_lines:
        edits += [Edit(Span(1, 0, 1, span.col), ""), Edit(Span(last, span.end_col, last, len(source.line_text(span.end_line))), "")]
    return apply_edits(chunk, edits)


def statement_text(source: SourceFile, statement: ast.stmt, replacements: dict[int, tuple[ast.AST, str]] | None = None) -> list[str]:
    """The statement's whole lines (trailing comment included), with nodes replaced, dedented."""
    indent = source.indent_of(statement.lineno)
    lines = rewritten(source, statement, replacements, whole_lines=True).split("\n")
    return [line[len(indent):] if line.startswith(indent) else line for line in lines]


def method_indent(source: SourceFile, cls: ast.ClassDef) -> tuple[str, str]:
    """(indent of the class's methods, one more step) in the file's own style."""
    for stmt in cls.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt.body[0].lineno != stmt.lineno:
            outer = source.indent_of(stmt.lineno)
            return outer, body_indent(source, stmt)[len(outer):] or source.indent_unit()
    first = cls.body[0]
    return source.indent_of(first.lineno), source.indent_unit()


def insert_before(source: SourceFile, statement: ast.stmt, lines: list[str]) -> Edit:
    """Whole lines just above ``statement``, at its indentation."""
    indent = source.indent_of(statement.lineno)
    return Edit(Span(statement.lineno, 0, statement.lineno, 0), "".join(f"{indent}{line}{source.newline}" for line in lines))


def add_method(source: SourceFile, cls: ast.ClassDef, header: str, body: list[str], after: ast.stmt | None = None, before: ast.stmt | None = None) -> Edit:
    """A new method (``header`` like ``def build(self, input_shape):``) after or before a class member."""
    outer, step = method_indent(source, cls)
    newline = source.newline
    block = [f"{outer}{header}", *(f"{outer}{step}{line}" if line else "" for line in body)]
    if before is not None:
        line = min([before.lineno, *(d.lineno for d in getattr(before, "decorator_list", []))])
        while line > 1 and source.line_text(line - 1).strip().startswith("#"):
            line -= 1  # a comment right above a method belongs to it
        return Edit(Span(line, 0, line, 0), newline.join(block) + newline + newline)
    anchor = after if after is not None else cls.body[-1]
    last = anchor.end_lineno or anchor.lineno
    text = newline + newline.join(block)
    if last < len(source.lines):
        return Edit(Span(last + 1, 0, last + 1, 0), text + newline)
    return Edit(Span(last, len(source.line_text(last)), last, len(source.line_text(last))), newline + text)


def remove_item(source: SourceFile, items: list[ast.AST], index: int, spans: list[Span] | None = None) -> Edit | None:
    """Remove one element of a comma-separated list (parameters, call arguments) with its comma.

    ``items`` are in source order; returns None when something other than a comma and
    whitespace sits between neighbours (a ``*`` or ``/`` marker, a comment).
    """
    spans = spans or [source.span(item) for item in items]
    offsets = source.line_starts()

    def between(a: tuple[int, int], b: tuple[int, int]) -> str:
        return source.text[offset_of(offsets, source.text, *a):offset_of(offsets, source.text, *b)]

    this = spans[index]
    if index > 0:
        previous = spans[index - 1]
        gap = between((previous.end_line, previous.end_col), (this.line, this.col))
        if gap.strip() == ",":
            return Edit(Span(previous.end_line, previous.end_col, this.end_line, this.end_col), "")
    if index + 1 < len(spans):
        following = spans[index + 1]
        gap = between((this.end_line, this.end_col), (following.line, following.col))
        if gap.strip() == ",":
            return Edit(Span(this.line, this.col, following.line, following.col), "")
    if len(spans) == 1:
        return Edit(this, "")
    return None
