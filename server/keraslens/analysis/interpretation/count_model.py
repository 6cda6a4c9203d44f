"""What counting produces: the data the hover, inlay hints, code lens and ``keraslens count`` show.

``counts.count_report(analysis)`` fills these; views only format them. A number is
``exact`` only when the analysis is certain; ``partial`` is a lower bound that names
what is unknown; ``unknown`` says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from ..source import Span


class Status(str, Enum):
    EXACT = "exact"
    PARTIAL = "partial"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Count:
    status: Status
    trainable: int | None = None
    non_trainable: int | None = None
    reason: str | None = None  # what is unknown (partial) or why nothing is known (unknown)
    whole: int | None = None  # the total, where how it splits into trainable or not is unknown
    typed: tuple = ()  # (dtype, trainable, non-trainable) params of weights with a dtype of their own (int8 kernels), for sizes

    @property
    def total(self) -> int | None:
        if self.whole is not None:
            return self.whole
        if self.trainable is None or self.non_trainable is None:
            return None
        return self.trainable + self.non_trainable


@dataclass(frozen=True, slots=True)
class Sizes:
    """The bytes ``model.summary()`` prints beside each total; None where not known."""

    total: float | None
    trainable: float | None
    non_trainable: float | None
    reason: str | None = None  # why a size is not known


@dataclass(frozen=True, slots=True)
class WeightRow:
    name: str  # "kernel", or "dense/kernel" for a sublayer's weight
    shape: str  # "(in, units)" symbolic, or "(10, 5)"
    trainable: bool
    params: int | None  # None when the shape is not fully known
    formula: str | None = None  # e.g. "in*units"


@dataclass(frozen=True, slots=True)
class LayerRow:
    """One layer in a model summary, or one place a layer is created/called with a known count."""

    name: str
    class_name: str
    count: Count
    span: Span | None = None
    shared: bool = False  # called more than once: counted once
    output_shape: tuple | None = None  # with None for the batch or an unknown dim; None when not known
    keras_name: str | None = None  # the `name=` it is made with
    mentions: tuple[Span, ...] = ()  # where its variable is used and where it is called
    formula: str | None = None  # its params in terms of the input, while the input is not known


@dataclass(slots=True)
class ClassReport:
    """A layer or model class: its weights in symbolic form, and concrete counts per instantiation."""

    name: str
    span: Span  # the class name in its header
    weights: list[WeightRow] = field(default_factory=list)
    formula: str | None = None  # total parameters, e.g. "in*units + units"
    count: Count = Count(Status.UNKNOWN, reason="not analysed")  # concrete only when no free symbols remain
    instantiations: list[LayerRow] = field(default_factory=list)


@dataclass(slots=True)
class ModelReport:
    """The static ``model.summary()``: a Sequential, functional or subclassed model."""

    name: str  # the variable or function the model is bound to
    kind: str  # "sequential" | "functional" | "subclass"
    span: Span  # where the model is created
    rows: list[LayerRow] = field(default_factory=list)
    count: Count = Count(Status.UNKNOWN, reason="not analysed")
    mentions: list[Span] = field(default_factory=list)  # other spans naming the model (var uses, .summary())
    sizes: Sizes = field(default_factory=lambda: Sizes(None, None, None, "not analysed"))  # the bytes `model.summary()` prints


@dataclass(slots=True)
class CountReport:
    classes: dict[str, ClassReport] = field(default_factory=dict)
    models: list[ModelReport] = field(default_factory=list)
    sites: list[LayerRow] = field(default_factory=list)  # layer constructor/call sites with a count (inlay hints)

    _lines: dict[int, list[tuple[int, Span, object]]] | None = field(default=None, init=False, repr=False, compare=False)

    def at(self, line: int, col: int) -> ClassReport | ModelReport | LayerRow | None:
        """What a hover at (1-based line, 0-based char col) is about, innermost first: a class, then a
        model, then the smallest layer site around the position."""
        hits = [(rank, span, item) for rank, span, item in self._on_line(line) if span.contains(line, col)]
        if not hits:
            return None
        first = min(rank for rank, _, _ in hits)
        if first < 2:
            return next(item for rank, _, item in hits if rank == first)
        return min(((span, item) for _, span, item in hits), key=lambda hit: _span_size(hit[0]))[1]

    def _on_line(self, line: int) -> list[tuple[int, Span, object]]:
        """The spans touching a line, in the order ``at`` ranks them; indexed on the first hover, once
        the report is complete (a scan of every target was most of a hover's time on a big file)."""
        if self._lines is None:
            lines: dict[int, list[tuple[int, Span, object]]] = {}
            spans = [(0, report.span, report) for report in self.classes.values()]
            spans += [(1, span, model) for model in self.models for span in (model.span, *model.mentions)]
            spans += [(2, span, site) for site in self.sites for span in (site.span, *site.mentions) if span]
            for rank, span, item in spans:
                for number in range(span.line, span.end_line + 1):
                    lines.setdefault(number, []).append((rank, span, item))
            self._lines = lines
        return self._lines.get(line, [])

    def models_of(self, row: LayerRow) -> list[ModelReport]:
        """The models a layer site belongs to (made at the same place)."""
        return [model for model in self.models if any(r.span == row.span for r in model.rows)]


def _span_size(span: Span) -> tuple[int, int]:
    return (span.end_line - span.line, span.end_col - span.col)
