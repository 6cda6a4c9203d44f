"""Text -> syntax tree, with per-block recovery from syntax errors, and positions.

Columns: ``ast`` reports UTF-8 byte offsets; everything keraslens exposes is in
characters (code points), which is what Python strings, jedi and the CLI contract use.
The LSP layer converts characters to the client's negotiated encoding.
"""

from __future__ import annotations

import ast
import codecs
import codeop
import copy
import hashlib
import io
import re
import threading
import weakref
import tokenize
from itertools import accumulate, count
from operator import add
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import wraps


@dataclass(frozen=True, slots=True)
class Span:
    """A range in a file: lines 1-based, columns 0-based in characters, end exclusive."""

    line: int
    col: int
    end_line: int
    end_col: int

    def contains(self, line: int, col: int) -> bool:
        after_start = (line, col) >= (self.line, self.col)
        before_end = (line, col) <= (self.end_line, self.end_col)
        return after_start and before_end


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    message: str
    span: Span


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    problem: str | None = None  # set when the bytes were not valid in the declared encoding


def decode_source(data: bytes) -> Decoded:
    """Decode file bytes like Python does (PEP 263), never raising.

    Invalid bytes become U+FFFD so the rest of the file is still analysed.
    """
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        return Decoded(data.decode("utf-8", errors="replace"), f"unknown encoding: {exc}")
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "utf-8"
    if encoding == "utf-8" and data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    try:
        return Decoded(data.decode(encoding))
    except UnicodeDecodeError as exc:
        text = data.decode(encoding, errors="replace")
        return Decoded(text, f"not valid {encoding} at byte {exc.start}; undecodable bytes were replaced")


_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")


@dataclass(slots=True)
class SourceFile:
    """A parsed document. ``tree`` holds every top-level block that parsed."""

    text: str
    path: str = "<memory>"
    tree: ast.Module = field(init=False)
    lines: list[str] = field(init=False)
    syntax_problems: list[SyntaxProblem] = field(init=False)
    _line_is_ascii: list[bool] = field(init=False, repr=False)
    _blocks: dict[int, list[ast.stmt]] | None = field(init=False, repr=False, default=None)
    _starts: list[int] | None = field(init=False, repr=False, default=None)
    _block_trees: dict = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.lines = split_lines(self.text)
        self._line_is_ascii = [line.isascii() for line in self.lines]
        blocks = _BlockTrees.of(self.path)
        self.tree, self.syntax_problems = parse_with_recovery(self.text, blocks)
        self._block_trees = blocks.used
        self.is_latest()

    def is_latest(self) -> None:
        """This text is its document's latest (an undo back to it, say): the next version re-uses its
        block trees."""
        _BlockTrees.keep(self.path, self._block_trees)

    # -- positions -------------------------------------------------------------
    def char_col(self, line: int, byte_col: int) -> int:
        """Convert an ``ast`` byte column on a 1-based line to a character column."""
        if not 1 <= line <= len(self.lines) or self._line_is_ascii[line - 1]:
            return byte_col
        return len(self.lines[line - 1].encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))

    def span(self, node: ast.AST) -> Span:
        line = node.lineno  # type: ignore[attr-defined]
        end_line = getattr(node, "end_lineno", None) or line
        end_col = getattr(node, "end_col_offset", None)
        col = node.col_offset  # type: ignore[attr-defined]
        return Span(
            line,
            self.char_col(line, col),
            end_line,
            self.char_col(end_line, end_col if end_col is not None else col),
        )

    def block_of(self, statement: ast.stmt) -> list[ast.stmt] | None:
        """The statement list (body, orelse, finalbody) holding ``statement``; indexed on first use."""
        if self._blocks is None:
            self._blocks = {}
            for node in walk_statements(self.tree):
                for block_name in ("body", "orelse", "finalbody"):
                    block = getattr(node, block_name, None)
                    if isinstance(block, list):
                        self._blocks.update((id(item), block) for item in block)
        return self._blocks.get(id(statement))


    def segment(self, node: ast.AST) -> str:
        """The text of ``node``, as ``ast.get_source_segment`` gives it (which splits the whole text
        again on every call: a fix per finding made that quadratic)."""
        line, end_line = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        end_col = getattr(node, "end_col_offset", None)
        starts = self.line_starts()
        if line is None or end_line is None or end_col is None or end_line > len(self.lines) or end_line > len(starts):
            return ""
        return self.text[self._offset(starts, line, node.col_offset):self._offset(starts, end_line, end_col)]  # type: ignore[attr-defined]

    def _offset(self, starts: list[int], line: int, byte_col: int) -> int:
        """A position's offset in the text; a column past its line's end stops at the next line
        (a recovered block's end may lie past it)."""
        end = starts[line] if line < len(starts) else len(self.text)
        return min(starts[line - 1] + self.char_col(line, byte_col), end)

    def line_starts(self) -> list[int]:
        """``line_starts(self.text)``, computed once."""
        if self._starts is None:
            self._starts = line_starts(self.text)
        return self._starts

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 1 <= line <= len(self.lines) else ""

    def indent_of(self, line: int) -> str:
        text = self.line_text(line)
        return text[: len(text) - len(text.lstrip())]

    def indent_unit(self) -> str:
        """The file's indentation step (tab, 2 or 4 spaces), guessed from its first indented line."""
        for text in self.lines:
            stripped = text.lstrip()
            if stripped and not stripped.startswith("#") and text != stripped:
                lead = text[: len(text) - len(stripped)]
                return "\t" if lead.startswith("\t") else " " * min(len(lead), 8)
        return "    "

    @property
    def newline(self) -> str:
        return "\r\n" if "\r\n" in self.text[:10_000] else "\n"


_PARSING = threading.Lock()


def parse(text: str, **options) -> ast.Module:
    """``ast.parse``, one thread at a time: CPython before 3.11.8 and 3.12.1 can raise
    "AST constructor recursion depth mismatch" when threads parse at once (gh-106905)."""
    with _PARSING:
        return ast.parse(text, **options)


def parse_with_recovery(text: str, blocks: _BlockTrees) -> tuple[ast.Module, list[SyntaxProblem]]:
    """Parse the whole text; on a syntax error, parse each top-level block alone.

    A broken class then costs only its own findings. The blocks of the document's previous
    text are re-used (``blocks``), so re-parsing an edited file re-uses the trees of the
    blocks that did not change.
    """
    tree, whole_may_parse = _parse_by_blocks(text, blocks)
    if tree is not None:
        return tree, []
    if whole_may_parse:
        try:
            return parse(text, type_comments=False), []
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            pass
    body: list[ast.stmt] = []
    problems: list[SyntaxProblem] = []
    lines = split_lines(text, keepends=True)
    for start, end in _top_level_blocks(lines):
        parsed = blocks.placed(start, "".join(lines[start:end]))  # mostly known from the block-wise parse above
        if parsed is not None:
            body.extend(parsed)
            continue
        recovered = _recover_class(lines, start, end, blocks)
        if recovered is not None:
            body.append(recovered[0])
            problems.extend(recovered[1])
            continue
        problem = blocks.alone("".join(lines[start:end]))
        if isinstance(problem, SyntaxProblem):
            problems.append(_shifted(problem, start))
    return ast.Module(body=body, type_ignores=[]), problems


class _BlockTrees:
    """The parsed top-level blocks of one document's latest text, for its next version: the
    trees are shared by every version holding the same block at the same line (nothing in the
    analysis changes a tree), and an unchanged block keeps the very same nodes, by which the
    facts of its classes are re-used. Only the blocks the latest parse used are kept, so an
    edited block's old versions are dropped with the text they came from (a cache of all
    blocks seen kept thousands of them while a person typed)."""

    __slots__ = ("previous", "used")
    _documents: dict[str, dict] = {}  # path -> the blocks its latest parse used; oldest first
    _limit = 64
    _lock = threading.Lock()

    def __init__(self, previous: dict) -> None:
        self.previous = previous
        self.used: dict = {}

    @classmethod
    def of(cls, path: str) -> _BlockTrees:
        with cls._lock:
            return cls(cls._documents.get(path, {}))

    @classmethod
    def keep(cls, path: str, used: dict) -> None:
        with cls._lock:
            cls._documents.pop(path, None)
            cls._documents[path] = used
            cls._evict()

    @classmethod
    def _evict(cls) -> None:
        """Down to ``_limit`` documents, the least recently parsed first (the lock held)."""
        while len(cls._documents) > cls._limit:
            del cls._documents[next(iter(cls._documents))]

    def _known(self, key: tuple, make):
        found = self.used.get(key, self)
        if found is self:
            found = self.previous.get(key, self)
            if found is self:
                found = make()
            self.used[key] = found
        return found

    def placed(self, start: int, block: str) -> tuple[ast.stmt, ...] | None:
        """One top-level block parsed at its place in the file (0-based ``start`` line), or None."""
        return self._known((start, block), lambda: _parse_block_at(start, block))

    def alone(self, block: str) -> tuple[ast.stmt, ...] | SyntaxProblem:
        """A block parsed on its own (line 1 is its first line); its trees are shared, not shifted."""
        return self._known((None, block), lambda: _parse_block(block))


def keep_documents(count: int) -> None:
    """Keep the block trees of at most ``count`` documents for their next versions."""
    with _BlockTrees._lock:
        _BlockTrees._limit = max(1, count)
        _BlockTrees._evict()


def forget_blocks() -> None:
    """Drop every document's block trees: the next parse of each is cold."""
    with _BlockTrees._lock:
        _BlockTrees._documents.clear()


def walk(root: ast.AST, stop: tuple[type, ...] = ()) -> Iterator[ast.AST]:
    """Every node under ``root``, like ``ast.walk`` but faster (the analysis's hottest loop):
    fields are read directly. Nodes of a ``stop`` type below the root are not entered."""
    stack: list[ast.AST] = [root]
    while stack:
        node = stack.pop()
        yield node
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, ast.AST):
                if not isinstance(value, stop):
                    stack.append(value)
            elif isinstance(value, list):
                stack.extend(item for item in value if isinstance(item, ast.AST) and not isinstance(item, stop))


def nodes_under(root: ast.AST, names_only: bool = False) -> list[ast.AST]:
    """Every node under ``root`` (``names_only``: the ``Name`` nodes, without listing the others; a
    name has no node under it but its context), in ``walk`` order, as a list: one walk without a
    generator (a third of the time of iterating ``walk``), for code that reads every node."""
    found: list[ast.AST] = []
    stack: list = [root]
    while stack:
        node = stack.pop()
        if not isinstance(node, ast.AST):  # lists also hold strings (``global x``) and None (``{**d}``)
            continue
        if type(node) is ast.Name or not names_only:
            found.append(node)
        for name in node._fields:
            value = getattr(node, name, None)
            if type(value) is list:
                stack.extend(value)
            elif isinstance(value, ast.AST):
                stack.append(value)
    return found


def names_under(roots: Iterable[ast.AST]) -> dict[str, list[ast.Name]]:
    """The ``Name`` nodes under ``roots`` by name, each list in ``walk`` order, root after root; a
    top-level function's nodes are those listed once for it (``function_nodes``)."""
    index: dict[str, list[ast.Name]] = {}
    for root in roots:
        if isinstance(root, ast.FunctionDef):
            names = [node for node in function_nodes(root) if type(node) is ast.Name]
        else:
            names = nodes_under(root, names_only=True)
        for node in names:
            found = index.get(node.id)
            if found is None:
                index[node.id] = [node]
            else:
                found.append(node)
    return index


def line_starts(text: str) -> list[int]:
    """Character offset at which each 1-based line starts (index 0 is line 1), as ``split_lines``
    counts lines; a final line break starts one more (empty) line. Split and summed in C, so a
    keystroke in a 5,000-line file costs well under a millisecond."""
    if "\r" not in text:
        ends = map(add, accumulate(map(len, text.split("\n")[:-1])), count(1))  # + one "\n" per line
    else:
        ends = (match.end() for match in _LINE_BREAK.finditer(text))
    return [0, *ends]


def split_lines(text: str, keepends: bool = False) -> list[str]:
    """Lines as Python (and LSP) count them: only \\n, \\r\\n and \\r end a line.

    ``str.splitlines`` also breaks at form feeds and U+2028, which Python source allows
    inside a line: positions after them would point at the wrong line.
    """
    parts = _LINE_BREAK.split(text)
    lines = [parts[i] + (parts[i + 1] if keepends else "") for i in range(0, len(parts) - 1, 2)]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _shifted(problem: SyntaxProblem, offset: int) -> SyntaxProblem:
    """A block-relative problem moved to file lines."""
    span = problem.span
    message = _DETECTED_AT.sub(lambda m: f"(detected at line {int(m.group(1)) + offset})", problem.message)
    return SyntaxProblem(message, Span(span.line + offset, span.col, span.line + offset, span.col + 1))


def _recover_class(lines: list[str], start: int, end: int, blocks: _BlockTrees) -> tuple[ast.ClassDef, list[SyntaxProblem]] | None:
    """A broken top-level class, rebuilt from the members that parse on their own.

    Half-typing one method then costs only that method's findings, not the class's.
    None when the block is not a class or its header itself is broken.
    """
    header_end = start
    while header_end < end and lines[header_end].startswith("@"):
        header_end += 1
    if header_end >= end or not lines[header_end].startswith("class "):
        return None
    while header_end < end and not lines[header_end].split("#", 1)[0].rstrip().endswith(":"):
        header_end += 1
    header_end += 1  # exclusive
    members = _member_blocks(lines, header_end, end)
    if not members:
        return None
    indent = lines[members[0][0]][: len(lines[members[0][0]]) - len(lines[members[0][0]].lstrip())]
    header = "".join(lines[start:header_end])
    shell = blocks.alone(header + indent + "pass\n")
    if isinstance(shell, SyntaxProblem) or len(shell) != 1 or not isinstance(shell[0], ast.ClassDef):
        return None
    cls = _copy_tree(shell[0])
    shift_lines(cls, start)
    body: list[ast.stmt] = []
    problems: list[SyntaxProblem] = []
    header_lines = header_end - start
    for member_start, member_end in members:
        parsed = blocks.alone(header + "".join(lines[member_start:member_end]))
        offset = member_start - header_lines  # combined-text line n is file line n + offset
        if isinstance(parsed, SyntaxProblem) or len(parsed) != 1 or not isinstance(parsed[0], ast.ClassDef):
            if isinstance(parsed, SyntaxProblem) and parsed.span.line > header_lines:
                problems.append(_shifted(parsed, offset))
            else:
                problems.append(SyntaxProblem("SyntaxError: invalid syntax", Span(member_start + 1, 0, member_start + 1, 1)))
            continue
        for stmt in parsed[0].body:
            stmt_copy = _copy_tree(stmt)
            shift_lines(stmt_copy, offset)
            body.append(stmt_copy)
    cls.body = body or cls.body
    cls.end_lineno = max(cls.end_lineno or cls.lineno, end)
    return cls, problems


def _member_blocks(lines: list[str], first: int, end: int) -> list[tuple[int, int]]:
    """Split a class body into statements at the body's indentation (decorators kept attached)."""
    indent = None
    starts: list[int] = []
    previous_was_decorator = False
    for index in range(first, end):
        line = lines[index]
        stripped = line.lstrip()
        if not stripped or stripped[0] in "#)]}":
            continue
        lead = len(line) - len(stripped)
        if indent is None:
            indent = lead
        if lead != indent or stripped.split(None, 1)[0].rstrip(":") in _CONTINUATION_KEYWORDS:
            continue
        if not previous_was_decorator:
            starts.append(index)
        previous_was_decorator = stripped.startswith("@")
    if indent is None or indent == 0:
        return []
    bounds = starts + [end]
    return [(bounds[i], bounds[i + 1]) for i in range(len(starts))]


def _parse_by_blocks(text: str, blocks: _BlockTrees | None = None) -> tuple[ast.Module | None, bool]:
    """The whole-file tree, built from its top-level blocks parsed one by one; else (None,
    whether the whole file may still parse).

    Between two blocks the parse hands the GIL back, so the server's event loop answers
    hovers while a big file is analysed (one whole-file ``ast.parse`` held it for 0.1-0.3 s);
    and a keystroke re-parses only the block it edited. A valid file gives the same tree
    as ``ast.parse`` (tests/test_block_parse.py). The whole file may still parse only when
    the first failing block ends inside a bracket, a string or a continued line (a line at
    column 0 inside them looks like a block start); any other error in a block is one of
    the whole file's too, as what follows a block starts a new statement.
    """
    trees = blocks or _BlockTrees({})
    lines = split_lines(text, keepends=True)
    bounds = _top_level_blocks(lines)
    if bounds:
        bounds[0] = (0, bounds[0][1])  # blank and comment lines before the first statement
    body: list[ast.stmt] = []
    for start, end in bounds:
        block = "".join(lines[start:end])
        parsed = trees.placed(start, block)
        if parsed is None:
            return None, _incomplete(block)
        body.extend(parsed)
    return ast.Module(body=body, type_ignores=[]), True


def _incomplete(block: str) -> bool:
    """Whether ``block`` fails only because it ends too early (as ``codeop`` tells apart)."""
    flags = ast.PyCF_ONLY_AST | codeop.PyCF_ALLOW_INCOMPLETE_INPUT | codeop.PyCF_DONT_IMPLY_DEDENT
    try:
        with _PARSING:
            compile(block, "<block>", "exec", flags)
    except SyntaxError as exc:
        return exc.msg == "incomplete input"
    except (ValueError, MemoryError, RecursionError):
        return True  # not known: let the whole-file parse decide
    return True


def per_node(function):
    """Memoised by its syntax-node argument for as long as that node lives: an unchanged block of
    the next version of a file has the very same nodes, and a weak key never keeps an old
    version's tree alive (an ``lru_cache`` by node held thousands of them)."""
    results: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    @wraps(function)
    def memoised(node):
        if node is None:
            return function(node)
        found = results.get(node, results)
        if found is results:
            found = results[node] = function(node)
        return found

    return memoised


@per_node
def name_bindings(tree: ast.Module) -> Counter:
    """How many times the module binds each name, anywhere in it: assignments and deletions,
    parameters, definitions, imports."""
    nodes = nodes_under(tree)
    bound = Counter(node.id for node in nodes if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del))
    bound.update(node.arg for node in nodes if isinstance(node, ast.arg))
    bound.update(node.name for node in nodes if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef))
    bound.update((node.asname or node.name).split(".")[0] for node in nodes if isinstance(node, ast.alias))
    return bound


@per_node
def function_nodes(function: ast.FunctionDef) -> list[ast.AST]:
    """The nodes under a top-level function (``nodes_under``, without the function itself: a memo
    holding its own key would keep it alive), listed once for as long as it lives: the analysis
    reads them (which functions compute plain values) and counting (where names are used)."""
    return nodes_under(function)[1:]


def _parse_block_at(start: int, block: str) -> tuple[ast.stmt, ...] | None:
    try:
        body = parse(block).body
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    for stmt in body:  # a fresh tree, not shared yet: shifted in place
        shift_lines(stmt, start)
    return tuple(body)


def shift_lines(root: ast.AST, by: int) -> None:
    """``ast.increment_lineno``, several times faster (it was a fifth of a check's time): every
    node with a position moves ``by`` lines."""
    for node in walk(root):
        if hasattr(node, "end_lineno"):  # the nodes with positions (not the shared ``Load`` and such)
            node.lineno += by
            if node.end_lineno is not None:
                node.end_lineno += by


def _parse_block(block: str) -> tuple[ast.stmt, ...] | SyntaxProblem:
    try:
        return tuple(parse(block).body)
    except SyntaxError as exc:
        line = exc.lineno or 1
        return SyntaxProblem(f"SyntaxError: {exc.msg}", Span(line, max((exc.offset or 1) - 1, 0), line, exc.offset or 1))
    except (ValueError, MemoryError, RecursionError) as exc:
        return SyntaxProblem(f"cannot parse: {exc}", Span(1, 0, 1, 1))


def _copy_tree(node: ast.stmt) -> ast.stmt:
    # the cached block trees are shared; line numbers are shifted on a copy
    return copy.deepcopy(node)


_CONTINUATION_KEYWORDS = ("else", "elif", "except", "finally", "case")
_DETECTED_AT = re.compile(r"\(detected at line (\d+)\)")  # block-relative in a block's message


def _top_level_blocks(lines: list[str]) -> list[tuple[int, int]]:
    """Split source lines into top-level statement blocks (start inclusive, end exclusive).

    A block starts at a line with no indentation that is not a comment, a closing
    bracket or a continuation keyword; decorators stay with what they decorate.
    """
    starts: list[int] = []
    previous_was_decorator = False
    for index, line in enumerate(lines):
        if not line or line[0] in " \t\r\n#)]}":
            continue
        words = line.split(None, 1)  # empty for a line of only form feeds, U+3000 and the like
        if not words or words[0].rstrip(":") in _CONTINUATION_KEYWORDS:
            continue
        if not previous_was_decorator:
            starts.append(index)
        previous_was_decorator = line.startswith("@")
    bounds = starts + [len(lines)]
    return [(bounds[i], bounds[i + 1]) for i in range(len(starts))]


_STATEMENT_FIELDS = frozenset({"body", "handlers", "orelse", "finalbody", "cases"})


def walk_statements(tree: ast.AST) -> Iterator[ast.AST]:
    """``ast.walk`` restricted to statements (plus except handlers and match cases).

    Same nodes of those kinds, in the same order, as ``ast.walk``, without visiting the
    expressions, which are most of a tree: imports and class definitions are only ever
    statements.
    """
    todo = deque([tree])
    while todo:
        node = todo.popleft()
        for name in node._fields:
            if name in _STATEMENT_FIELDS:
                value = getattr(node, name, None)
                if isinstance(value, list):
                    todo.extend(value)
        yield node


def content_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", errors="surrogatepass"), digest_size=16).hexdigest()


def without_classes(source: SourceFile, names: set[str]) -> SourceFile:
    """The same document with the named top-level classes left out of its tree."""
    view = copy.copy(source)
    body = [node for node in source.tree.body if not (isinstance(node, ast.ClassDef) and node.name in names)]
    view.tree = ast.Module(body=body, type_ignores=[])
    return view


def partially_parsed_classes(source: SourceFile) -> set[str]:
    """Top-level classes rebuilt without a member that does not parse (see ``parse_with_recovery``)."""
    if not source.syntax_problems:
        return set()
    lines = [problem.span.line for problem in source.syntax_problems]
    return {
        node.name
        for node in source.tree.body
        if isinstance(node, ast.ClassDef) and any(node.lineno <= line <= (node.end_lineno or node.lineno) for line in lines)
    }
