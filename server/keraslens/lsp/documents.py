"""Open documents: one immutable snapshot per (version, settings); latest version wins.

Per document at most one analysis and one count run at a time, each on a worker thread;
a newer version replaces the waiting request of an older one before it starts (its
awaiters get ``SUPERSEDED``), and one that already runs finishes and becomes the "last
finished" result. So a burst of keystrokes costs at most one stale analysis, never a
queue of them. Requests that can be answered from the last finished analysis and count
(hovers, inlay hints, lenses on lines the edits did not touch) are answered at once,
positions mapped through the edits (``LineMap``). A document holds its current snapshot
and its last finished analysis and count, nothing of older versions.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcContentModified

from ..analysis.config import Settings
from .positions import LineIndex

DEBOUNCE_S = 0.05  # coalesces bursts of keystrokes; analysis itself takes longer on big files
MAX_ANALYSED_CHARS = 5_000_000  # larger documents (generated data, minified code) are not analysed
WORKERS = 2  # documents analysed side by side: a huge one never blocks a small one
SUPERSEDED = object()
RUN_CHUNK = 1 << 14  # characters compared at once when mapping lines through edits
ANALYSES_KEPT = 2  # open documents hold their own analysis; the engine's cache only serves fix-all passes


@dataclass(eq=False, slots=True)
class Work:
    """The analysis and count of one input; shared by snapshots that differ only in view settings."""

    analysis: asyncio.Future | None = None
    report: asyncio.Future | None = None
    analysis_started: bool = False
    report_started: bool = False


@dataclass(eq=False, slots=True)
class Snapshot:
    uri: str
    version: int
    text: str
    path: str
    settings: Settings  # all of them, views included
    encoding: str | None
    settings_generation: int = 0
    work: Work = field(default_factory=Work, repr=False)
    _index: LineIndex | None = field(default=None, repr=False)

    @property
    def index(self) -> LineIndex:
        if self._index is None:  # built on first use: a huge document never needs one
            self._index = LineIndex(self.text, self.encoding)
        return self._index

    @property
    def too_large(self) -> bool:
        return len(self.text) > MAX_ANALYSED_CHARS

    @property
    def analysis_settings(self) -> Settings:
        # switching inlay hints or lenses must not re-analyse or recount
        return replace(self.settings, inlay_hints=True, code_lens=True)

    def same_input(self, other: Snapshot) -> bool:
        return self.text == other.text and self.path == other.path and self.analysis_settings == other.analysis_settings


class LineMap:
    """Lines of an older snapshot <-> lines of a newer one: the lines before the first and after
    the last changed line correspond; the changed block in between has no counterpart."""

    __slots__ = ("prefix", "suffix", "delta", "old_count")

    def __init__(self, old: str, new: str) -> None:
        if "\r" in old or "\r" in new:  # three kinds of line break: compare the lines themselves
            a, b = LineIndex(old, None).lines, LineIndex(new, None).lines
            limit = min(len(a), len(b))
            prefix = _common_length(lambda n: a[:n] == b[:n], limit)  # list slices compare in C
            suffix = _common_length(lambda n: a[len(a) - n:] == b[len(b) - n:], limit - prefix)
            old_count, new_count = len(a), len(b)
        else:  # compare characters (memcmp, ~7x faster than 5,000 line objects), then count the lines
            limit = min(len(old), len(new))
            head = _common_run(lambda i, j: old[i:j] == new[i:j], limit)
            tail = _common_run(lambda i, j: old[len(old) - j:len(old) - i] == new[len(new) - j:len(new) - i], limit - head)
            old_count, new_count = old.count("\n") + 1, new.count("\n") + 1
            # the lines ended before the first difference, and the one it ends (when it does so in both)
            prefix = old.count("\n", 0, head) + all(head == len(t) or t[head] == "\n" for t in (old, new))
            # the lines begun after the last difference, and the one it begins (when it does so in both)
            suffix = old.count("\n", len(old) - tail) + all(tail == len(t) or t[len(t) - tail - 1] == "\n" for t in (old, new))
            suffix = min(suffix, min(old_count, new_count) - prefix)  # an empty line counted on both sides
        self.prefix, self.suffix, self.delta, self.old_count = prefix, suffix, new_count - old_count, old_count

    def to_old(self, line: int) -> int | None:
        """1-based line of the newer text -> the same line in the older text (None: edited)."""
        if line <= self.prefix:
            return line
        if line > self.old_count + self.delta - self.suffix:
            return line - self.delta
        return None

    def to_new(self, line: int) -> int | None:
        if line <= self.prefix:
            return line
        if line > self.old_count - self.suffix:
            return line + self.delta
        return None


def _common_run(same: Callable[[int, int], bool], limit: int) -> int:
    """The largest n <= limit with same(0, n), ``same(i, j)`` comparing characters i to j
    counted from one end of both texts: chunk by chunk, then inside the first differing one."""
    start = 0
    while start < limit:
        end = min(start + RUN_CHUNK, limit)
        if not same(start, end):
            return start + _common_length(lambda n: same(start, start + n), end - start)
        start = end
    return limit


def _common_length(same: Callable[[int], bool], limit: int) -> int:
    """The largest n <= limit with same(n), same() being monotone (binary search)."""
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        if same(middle):
            low = middle
        else:
            high = middle - 1
    return low


@dataclass(frozen=True, slots=True)
class View:
    """What a request at one place is answered from: a snapshot (maybe older than the current
    one), its analysis and count, and the place in that snapshot's lines."""

    snapshot: Snapshot
    analysis: object
    report: object | None
    line: int
    col: int
    stale: bool  # from a version before the latest edit


@dataclass(eq=False, slots=True)
class DocumentState:
    current: Snapshot
    analysed: tuple[Snapshot, object] | None = None  # the last finished analysis
    counted: tuple[Snapshot, object, object] | None = None  # the last finished count: (snapshot, analysis, report)
    analysing: bool = False
    counting: bool = False
    line_map: tuple[Snapshot, Snapshot, LineMap] | None = None  # the latest pair only


def _analyze(text: str, path: str, settings: Settings):
    # imported on first use, in the worker: the analysis stack is not needed to answer initialize
    from ..analysis.engine import analyze, limit_cache

    limit_cache(ANALYSES_KEPT)  # cheap when already at that size
    return analyze(text, path, settings)


def _count_report(analysis):
    # imported on first use: counting pulls in more (formula tables, jedi) than startup needs
    from ..analysis.interpretation.counts import count_report

    return count_report(analysis)


def _pending(future: asyncio.Future | None) -> bool:
    return future is None or not future.done()


def _finished(future: asyncio.Future | None) -> bool:
    return future is not None and future.done() and not future.cancelled() and future.exception() is None and future.result() is not SUPERSEDED


class Documents:
    def __init__(self, log: Callable[[str], None]) -> None:
        self._log = log
        self._logged: set[str] = set()
        self.states: dict[str, DocumentState] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._last_edit: dict[str, float] = {}
        self._tasks: set[asyncio.Task] = set()
        self._analysis_pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="keraslens-analysis")
        self._count_pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="keraslens-counts")
        self.closed = False

    @property
    def current(self) -> dict[str, Snapshot]:
        return {uri: state.current for uri, state in self.states.items()}

    def snapshot(self, uri: str) -> Snapshot | None:
        state = self.states.get(uri)
        return state.current if state else None

    # -- state ------------------------------------------------------------------
    def settings_of(self, uri: str, generation: int) -> Settings | None:
        """The settings the document was last read with, if the settings did not change since."""
        state = self.states.get(uri)
        return state.current.settings if state and state.current.settings_generation == generation else None

    def update(self, uri: str, version: int, text: str, path: str, settings: Settings, encoding: str | None, generation: int = 0) -> Snapshot:
        state = self.states.get(uri)
        snapshot = Snapshot(uri, version, text, path, settings, encoding, generation)
        if state is None:
            self.states[uri] = DocumentState(snapshot)
            return snapshot
        previous = state.current
        if previous.same_input(snapshot):  # settings of views only, or a save
            snapshot.work, snapshot._index = previous.work, previous._index
        else:
            _supersede(previous.work)
        state.current = snapshot
        if snapshot.too_large:
            self.log_once(f"keraslens: {uri} has {len(text):,} characters (more than {MAX_ANALYSED_CHARS:,}): not analysed")
        return snapshot

    def forget(self, uri: str) -> None:
        state = self.states.pop(uri, None)
        if state is not None:
            _supersede(state.current.work)
        self._last_edit.pop(uri, None)
        timer = self._timers.pop(uri, None)
        if timer:
            timer.cancel()

    def is_current(self, snapshot: Snapshot) -> bool:
        state = self.states.get(snapshot.uri)
        return not self.closed and state is not None and state.current is snapshot

    # -- scheduling: per document, one analysis and one count at a time, the latest version only
    def _pump(self, uri: str) -> None:
        state = self.states.get(uri)
        if state is None or self.closed:
            return
        snapshot, work = state.current, state.current.work
        loop = asyncio.get_running_loop()
        if not state.analysing and work.analysis is not None and not work.analysis_started:
            work.analysis_started = state.analysing = True
            job = loop.run_in_executor(self._analysis_pool, _analyze, snapshot.text, snapshot.path, snapshot.analysis_settings)
            job.add_done_callback(lambda job: self._analysed(state, snapshot, job))
        if not state.counting and work.report is not None and not work.report_started and _finished(work.analysis):
            work.report_started = state.counting = True
            job = loop.run_in_executor(self._count_pool, _count_report, work.analysis.result())
            job.add_done_callback(lambda job: self._counted(state, snapshot, job))

    def _analysed(self, state: DocumentState, snapshot: Snapshot, job: asyncio.Future) -> None:
        state.analysing = False
        _settle(snapshot.work.analysis, job)
        if _finished(snapshot.work.analysis):
            state.analysed = (snapshot, snapshot.work.analysis.result())
        self._pump(snapshot.uri)

    def _counted(self, state: DocumentState, snapshot: Snapshot, job: asyncio.Future) -> None:
        state.counting = False
        _settle(snapshot.work.report, job)
        if _finished(snapshot.work.report):
            state.counted = (snapshot, snapshot.work.analysis.result(), snapshot.work.report.result())
        self._pump(snapshot.uri)

    # -- work ---------------------------------------------------------------------
    async def analysis(self, uri: str, follow: bool = True):
        """(snapshot, analysis) of the current version; with ``follow``, of the newest version
        when edits arrive while waiting (else None then). None for unknown or too large documents."""
        while True:
            state = self.states.get(uri)
            if state is None or self.closed or state.current.too_large:
                return None
            snapshot = state.current
            if snapshot.work.analysis is None:
                snapshot.work.analysis = asyncio.get_running_loop().create_future()
                self._pump(uri)
            try:
                result = await asyncio.shield(snapshot.work.analysis)
            except Exception as exc:  # noqa: BLE001 - a bug on odd input must not take the server down
                self.log_once(f"keraslens: analysis failed on {uri} ({type(exc).__name__}: {exc})")
                return None
            if result is not SUPERSEDED:
                return snapshot, result
            if not follow:
                return None

    async def report_of(self, snapshot: Snapshot, analysis, wait: float | None = None):
        """The CountReport of this snapshot (None when counting failed, was superseded or is slower than ``wait``)."""
        work = snapshot.work
        if work.report is None:
            state = self.states.get(snapshot.uri)
            if self.closed or state is None or state.current.work is not work:
                return None  # superseded before anyone asked: never counted
            work.report = asyncio.get_running_loop().create_future()
            self._pump(snapshot.uri)
        try:
            report = await asyncio.wait_for(asyncio.shield(work.report), wait)
        except TimeoutError:
            return None
        except Exception as exc:  # noqa: BLE001 - counting must never take a feature down
            self.log_once(f"keraslens: counting failed ({type(exc).__name__}: {exc}); hovers show rule docs only")
            return None
        return None if report is SUPERSEDED else report

    async def report(self, uri: str, wait: float | None = None):
        """(snapshot, CountReport or None when counting failed or took longer than ``wait``)."""
        got = await self.analysis(uri, follow=False)
        if got is None:
            return None
        snapshot, analysis = got
        return snapshot, await self.report_of(snapshot, analysis, wait)

    def line_map(self, old: Snapshot, new: Snapshot) -> LineMap:
        state = self.states[new.uri]
        cached = state.line_map
        if cached is None or cached[0] is not old or cached[1] is not new:
            cached = state.line_map = (old, new, LineMap(old.text, new.text))
        return cached[2]

    def latest_count(self, uri: str):
        """(snapshot, CountReport): the current version's if counted, else the last finished one."""
        state = self.states.get(uri)
        if state is None or state.counted is None or state.current.too_large:
            return None
        work = state.current.work
        if _finished(work.report):
            return state.current, work.report.result()
        return state.counted[0], state.counted[2]

    def finished_view(self, uri: str, position: lsp.Position) -> View | None:
        """The last finished count that still describes the line under ``position``, at once."""
        state = self.states.get(uri)
        if state is None or state.counted is None or state.current.too_large:
            return None
        current = state.current
        line, col = current.index.point(position)
        counted, analysis, report = state.counted
        if counted is current or counted.work is current.work:
            return View(current, analysis, report, line, col, stale=False)
        old_line = self.line_map(counted, current).to_old(line)
        if old_line is None:
            return None
        return View(counted, analysis, report, old_line, col, stale=True)

    def view_now(self, uri: str, position: lsp.Position) -> View | None:
        """The view a request at ``position`` is answered from when it needs no waiting (None:
        it does): the current version's count when finished; while the current version is not
        counted yet, the last finished count (the line under the cursor unchanged since;
        ContentModified when it was edited: no waiting behind the running analysis)."""
        state = self.states.get(uri)
        if state is None or state.current.too_large:
            return None
        work = state.current.work
        if not (_pending(work.analysis) or _pending(work.report)):
            if not (_finished(work.analysis) and _finished(work.report)):
                return None  # failed: view_at logs why
            line, col = state.current.index.point(position)
            return View(state.current, work.analysis.result(), work.report.result(), line, col, stale=False)
        if state.counted is None:
            return None
        ready = self.finished_view(uri, position)
        if ready is None:
            raise JsonRpcContentModified(f"line {position.line + 1} changed since the last count; the new one is running")
        return ready

    async def view_at(self, uri: str, position: lsp.Position, wait: float) -> View | None:
        """``view_now``'s view, else the current version's when nothing was counted before and it
        is ready within ``wait`` (the first request on a document)."""
        ready = self.view_now(uri, position)
        if ready is not None:
            return ready
        state = self.states.get(uri)
        if state is None or state.current.too_large:
            return None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        try:
            got = await asyncio.wait_for(self.analysis(uri, follow=False), wait)
        except TimeoutError:
            return None
        if got is None:
            return None
        snapshot, analysis = got
        report = await self.report_of(snapshot, analysis, max(0.0, deadline - loop.time()))
        line, col = snapshot.index.point(position)
        return View(snapshot, analysis, report, line, col, stale=False)

    def map_position(self, old: Snapshot, position: lsp.Position) -> lsp.Position | None:
        """A position in ``old``'s lines -> the current version's, None on an edited line."""
        current = self.snapshot(old.uri)
        if current is None:
            return None
        if current is old:
            return position
        line = self.line_map(old, current).to_new(position.line + 1)
        return None if line is None else lsp.Position(line=line - 1, character=position.character)

    async def run_in_analysis_thread(self, function, *args):
        return await asyncio.get_running_loop().run_in_executor(self._analysis_pool, function, *args)

    def debounce(self, uri: str, action: Callable[[], Coroutine]) -> None:
        """Run ``action`` now if the document was quiet, else once edits pause for DEBOUNCE_S.

        The leading run makes a single edit cost no delay; a burst still ends in one run.
        """
        if self.closed:
            return
        loop = asyncio.get_running_loop()
        timer = self._timers.pop(uri, None)
        if timer:
            timer.cancel()
        quiet = timer is None and loop.time() - self._last_edit.get(uri, float("-inf")) > DEBOUNCE_S
        self._last_edit[uri] = loop.time()
        if quiet:
            self.spawn(action)
        else:
            self._timers[uri] = loop.call_later(DEBOUNCE_S, self.spawn, action)

    def spawn(self, action: Callable[[], Coroutine]) -> None:
        if self.closed:
            return
        task = asyncio.get_running_loop().create_task(action())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def log_once(self, message: str) -> None:
        if message not in self._logged and len(self._logged) < 1_000:
            self._logged.add(message)
            self._log(message)

    def close(self) -> None:
        """Shutdown: stop timers and tasks; nothing is sent after this."""
        self.closed = True
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        for task in list(self._tasks):
            task.cancel()
        for pool in (self._analysis_pool, self._count_pool):
            pool.shutdown(wait=False, cancel_futures=True)


def _supersede(work: Work) -> None:
    """An older version's requests that have not started: answered SUPERSEDED, never run."""
    for future, started in ((work.analysis, work.analysis_started), (work.report, work.report_started)):
        if future is not None and not started and not future.done():
            future.set_result(SUPERSEDED)


def _settle(future: asyncio.Future | None, job: asyncio.Future) -> None:
    if future is None or future.done():
        return
    if job.cancelled():
        future.set_result(SUPERSEDED)
    elif job.exception() is not None:
        future.set_exception(job.exception())
        future.exception()  # read here: awaiters log it; nobody waiting is fine too
    else:
        future.set_result(job.result())
