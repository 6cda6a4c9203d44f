"""Integer polynomials over named symbols: the symbolic shapes and counts.

``in*units + units`` is what a Dense-like ``build`` creates when neither the input
size nor ``units`` is known. Only ``+``, ``-`` and ``*`` stay symbolic; anything
else (division, powers of unknowns) is the caller's business to treat as unknown.
"""

from __future__ import annotations

from collections.abc import Mapping

Monomial = tuple[str, ...]  # sorted symbol names, repeated for powers; () is the constant term


class Expr:
    __slots__ = ("_terms",)

    def __init__(self, terms: Mapping[Monomial, int]) -> None:
        self._terms = {monomial: coefficient for monomial, coefficient in terms.items() if coefficient}

    @classmethod
    def const(cls, value: int) -> Expr:
        return _made({(): value} if value else {})

    @classmethod
    def sym(cls, name: str) -> Expr:
        return _made({(name,): 1})

    @property
    def is_const(self) -> bool:
        return not self._terms or (len(self._terms) == 1 and () in self._terms)

    @property
    def value(self) -> int:
        """The constant's value; only meaningful when ``is_const``."""
        return self._terms.get((), 0)

    @property
    def free_symbols(self) -> set[str]:
        return {name for monomial in self._terms for name in monomial}

    def subs(self, values: Mapping[str, int | Expr]) -> Expr:
        result = Expr({})
        for monomial, coefficient in self._terms.items():
            term = Expr.const(coefficient)
            for name in monomial:
                term = term * values.get(name, Expr.sym(name))
            result = result + term
        return result

    def __add__(self, other: Expr | int) -> Expr:
        other = _lift(other)
        if other is None:
            return NotImplemented
        terms = dict(self._terms)
        for monomial, coefficient in other._terms.items():
            total = terms.get(monomial, 0) + coefficient
            if total:
                terms[monomial] = total
            else:
                terms.pop(monomial, None)
        return _made(terms)

    __radd__ = __add__

    def __neg__(self) -> Expr:
        return Expr({monomial: -coefficient for monomial, coefficient in self._terms.items()})

    def __sub__(self, other: Expr | int) -> Expr:
        other = _lift(other)
        return NotImplemented if other is None else self + (-other)

    def __rsub__(self, other: int) -> Expr:
        other = _lift(other)
        return NotImplemented if other is None else other + (-self)

    def __mul__(self, other: Expr | int) -> Expr:
        other = _lift(other)
        if other is None:
            return NotImplemented
        terms: dict[Monomial, int] = {}
        for left, left_coefficient in self._terms.items():
            for right, right_coefficient in other._terms.items():
                monomial = tuple(sorted(left + right)) if left and right else left or right
                terms[monomial] = terms.get(monomial, 0) + left_coefficient * right_coefficient
        return Expr(terms)

    __rmul__ = __mul__

    def __eq__(self, other: object) -> bool:
        lifted = _lift(other)  # type: ignore[arg-type]
        return lifted is not None and lifted._terms == self._terms

    def __hash__(self) -> int:
        return hash(frozenset(self._terms.items()))

    def __repr__(self) -> str:
        return f"Expr({self})"

    def __str__(self) -> str:
        if not self._terms:
            return "0"
        if len(self._terms) == 1:
            ((monomial, coefficient),) = self._terms.items()
            if coefficient == 1 and monomial:  # `in*units`: the common case, one term of symbols only
                return "*".join(monomial)
        # highest degree first, so `in*units + units` reads like the Keras docs (one term: nothing to order)
        ordered = sorted(self._terms.items(), key=lambda item: (-len(item[0]), item[0])) if len(self._terms) > 1 else self._terms.items()
        text = ""
        for index, (monomial, coefficient) in enumerate(ordered):
            sign = "-" if coefficient < 0 else "+"
            magnitude = abs(coefficient)
            factors = ([str(magnitude)] if magnitude != 1 or not monomial else []) + list(monomial)
            term = "*".join(factors)
            text += (f"-{term}" if sign == "-" else term) if index == 0 else f" {sign} {term}"
        return text


def _made(terms: dict[Monomial, int]) -> Expr:
    """An ``Expr`` of terms without a zero coefficient (what ``__init__`` would keep), not copied."""
    made = object.__new__(Expr)
    made._terms = terms
    return made


def _lift(value: object) -> Expr | None:
    if isinstance(value, Expr):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Expr.const(value)
    return None
