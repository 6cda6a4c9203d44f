"""The one statement walker: how module code, functions and layer methods are read, statement by
statement, whatever values they compute with.

Two readers use it: the graph reader (``graph_reader``: module code and the module's functions, on
graph values: layers, tensors, models) and the interpreter (``interpreter``: layer methods and the
module's plain helper functions, on abstract values). Each supplies what a statement does to its
values (the hooks below); the control flow is decided here, once.

One policy for blocks that may not run. A branch whose test is known runs its taken arm only (the
other arm is ``skip``ped). A block that may run or not, or run several times (an arm of a branch
whose test is not known, a loop over values not known, a ``while``), is read once, straight
through, inside ``uncertain_block``, which counts ``conditional`` up while it runs: a name it
rebinds holds one of several values after it, and what it creates the reader judges by that
count. The graph reader keeps what is built there, marked ``uncertain``; the interpreter gives up
on the whole evaluation (``Uncertain``), since a count without it would not be exact. A ``try``
body is assumed not to raise (its handlers are skipped) when ``TRY_BODY_RUNS``; otherwise its
body, ``else`` and ``finally`` are blocks that may not run.
"""

from __future__ import annotations

import ast


class StatementWalker:
    TRY_BODY_RUNS = True
    conditional: int  # how many blocks that may not run enclose the statement being read

    def block(self, body: list[ast.stmt], frame) -> None:
        for stmt in body:
            self.statement(stmt, frame)

    def statement(self, stmt: ast.stmt, frame) -> None:
        if isinstance(stmt, ast.Assign):
            self.assign(stmt, frame)
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            self.annotated_assign(stmt, frame)
        elif isinstance(stmt, ast.AugAssign):
            self.augmented_assign(stmt, frame)
        elif isinstance(stmt, ast.Expr):
            self.expression(stmt.value, frame)
        elif isinstance(stmt, ast.Return):
            self.return_(stmt, frame)
        elif isinstance(stmt, ast.If):
            self._if(stmt, frame)
        elif isinstance(stmt, ast.For):
            self._for(stmt, frame)
        elif isinstance(stmt, ast.While):
            self.uncertain_block(stmt.body, frame, "a while loop")
            self.uncertain_block(stmt.orelse, frame, "a while loop")
        elif isinstance(stmt, ast.With):
            self.block(stmt.body, frame)
        elif isinstance(stmt, ast.Try):
            self._try(stmt, frame)
        elif isinstance(stmt, ast.Raise | ast.Break | ast.Continue | ast.Delete):
            self.jump_or_delete(stmt, frame)
        # pass, assert, imports, nested defs and classes: nothing to read

    def _if(self, stmt: ast.If, frame) -> None:
        decided = self.decide(stmt.test, frame)
        if decided is True:
            self.skip(*stmt.orelse)
            self.block(stmt.body, frame)
        elif decided is False:
            self.skip(*stmt.body)
            self.block(stmt.orelse, frame)
        else:
            self.uncertain_block(stmt.body, frame, "a condition that depends on unknown values")
            self.uncertain_block(stmt.orelse, frame, "a condition that depends on unknown values")

    def _for(self, stmt: ast.For, frame) -> None:
        items = self.loop_items(stmt, frame)
        if items is None:
            self.uncertain_block(stmt.body, frame, "a loop over unknown values")
            self.uncertain_block(stmt.orelse, frame, "a loop over unknown values")
        else:
            self.run_loop(stmt, items, frame)

    def _try(self, stmt: ast.Try, frame) -> None:
        self.skip(*stmt.handlers)
        if self.TRY_BODY_RUNS:
            self.skip(*stmt.orelse)
            self.block(stmt.body, frame)
            self.block(stmt.finalbody, frame)
        else:
            for part in (stmt.body, stmt.orelse, stmt.finalbody):
                self.uncertain_block(part, frame, "a try statement")

    # -- hooks: what a statement does to the reader's values --------------------------------
    def assign(self, stmt: ast.Assign, frame) -> None:
        raise NotImplementedError

    def annotated_assign(self, stmt: ast.AnnAssign, frame) -> None:
        raise NotImplementedError

    def augmented_assign(self, stmt: ast.AugAssign, frame) -> None:
        """``x += 1``: not followed unless the reader says how."""

    def expression(self, node: ast.expr, frame) -> None:
        raise NotImplementedError

    def return_(self, stmt: ast.Return, frame) -> None:
        raise NotImplementedError

    def jump_or_delete(self, stmt: ast.Raise | ast.Break | ast.Continue | ast.Delete, frame) -> None:
        """``raise``, ``break``, ``continue``, ``del``: not followed unless the reader says how."""

    def decide(self, test: ast.expr, frame) -> bool | None:
        """Which way a branch goes: True / False, or None when that is not known."""
        raise NotImplementedError

    def loop_items(self, loop: ast.For, frame) -> list | tuple | range | None:
        """The items a ``for`` loop runs over, when they are known and the reader runs the loop."""
        raise NotImplementedError

    def run_loop(self, loop: ast.For, items: list | tuple | range, frame) -> None:
        raise NotImplementedError

    def uncertain_block(self, body: list[ast.stmt], frame, why: str) -> None:
        raise NotImplementedError

    def skip(self, *nodes: ast.AST) -> None:
        """Code on a path known not to run."""
