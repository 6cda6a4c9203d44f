"""How far the evaluator follows code: the one policy for loops, calls and helper inlining.

Every walker of Python code in the analysis (the interpreter of layer methods and functions, the
graph reader of model-building code, the plain values of a scope) asks here before it runs a loop
pass, enters a call or reads a helper's body for a call; past a limit it stops following and the
result says it is not certain.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    loop_passes: int = 512  # passes the interpreter runs of a loop or comprehension over known items
    unrolled_passes: int = 64  # passes of a model-building loop read one by one (each makes new layers)
    call_depth: int = 12  # layer methods and functions calling each other
    inline_depth: int = 4  # helper functions calling helpers, read once per call in model-building code

    def runs_loop(self, items: int) -> bool:
        return items <= self.loop_passes

    def unrolls(self, items: int) -> bool:
        return items <= self.unrolled_passes

    def enters_call(self, depth: int) -> bool:
        return depth <= self.call_depth

    def inlines(self, helper: str, inlining: list[str]) -> bool:
        """Whether to read ``helper``'s body for a call made inside ``inlining`` (outermost first):
        not when it is already being read (recursion) or the helpers nest too deeply."""
        return helper not in inlining and len(inlining) < self.inline_depth


LIMITS = Limits()
