"""Open documents: one immutable snapshot per (version, settings), analysed once, counted once.

Analysis runs on one worker thread and counting on another, each on a snapshot; the
event loop only publishes results whose snapshot is still the current one. Awaiting
handlers shield the shared futures, so a cancelled hover never cancels work that a
diagnostic pull is also waiting for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from ..analysis.config import Settings
from .positions import LineIndex

DEBOUNCE_S = 0.05  # coalesces bursts of keystrokes; analysis itself takes longer on big files


@dataclass(eq=False, slots=True)
class Work:
    """The analysis and count of one input; shared by snapshots that differ only in view settings."""

    analysis: asyncio.Future | None = None
    report: asyncio.Future | None = None


@dataclass(eq=False, slots=True)
class Snapshot:
    uri: str
    version: int
    text: str
    path: str
    settings: Settings  # all of them, views included
    index: LineIndex
    work: Work = field(default_factory=Work, repr=False)

    @property
    def analysis_settings(self) -> Settings:
        # switching inlay hints or lenses must not re-analyse or recount
        return replace(self.settings, inlay_hints=True, code_lens=True)

    def same_input(self, other: Snapshot) -> bool:
        return self.text == other.text and self.path == other.path and self.analysis_settings == other.analysis_settings


SUPERSEDED = object()
ANALYSES_KEPT = 2  # open documents hold their own analysis; the engine's cache only serves fix-all passes


def _analyze(text: str, path: str, settings: Settings):
    # imported on first use, in the worker: the analysis stack is not needed to answer initialize
    from ..analysis.engine import analyze, limit_cache

    limit_cache(ANALYSES_KEPT)  # cheap when already at that size
    return analyze(text, path, settings)


def _count_report(analysis, still_wanted: Callable[[], bool]):
    if not still_wanted():
        return SUPERSEDED  # queued behind a slow count while the user kept typing: skip it
    # imported on first use: counting pulls in more (formula tables, jedi) than startup needs
    from ..analysis.interpretation.counts import count_report

    return count_report(analysis)


def _finished(future: asyncio.Future) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


def _finished_with(future: asyncio.Future, value: object) -> bool:
    return _finished(future) and future.result() is value


class Documents:
    def __init__(self, log: Callable[[str], None]) -> None:
        self._log = log
        self._logged: set[str] = set()
        self.current: dict[str, Snapshot] = {}
        self.counted: dict[str, tuple[LineIndex, object]] = {}  # uri -> latest finished (its lines, CountReport): no analysis kept alive
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._last_edit: dict[str, float] = {}
        self._tasks: set[asyncio.Task] = set()
        self._analysis_pool = ThreadPoolExecutor(1, thread_name_prefix="keraslens-analysis")
        self._count_pool = ThreadPoolExecutor(1, thread_name_prefix="keraslens-counts")
        self.closed = False

    # -- state ------------------------------------------------------------------
    def update(self, uri: str, version: int, text: str, path: str, settings: Settings, encoding: str | None) -> Snapshot:
        previous = self.current.get(uri)
        snapshot = Snapshot(uri, version, text, path, settings, LineIndex(text, encoding))
        if previous is not None and previous.same_input(snapshot):  # settings of views only, or a save
            snapshot.index, snapshot.work = previous.index, previous.work
        self.current[uri] = snapshot
        return snapshot

    def forget(self, uri: str) -> None:
        self.current.pop(uri, None)
        self.counted.pop(uri, None)
        self._last_edit.pop(uri, None)
        timer = self._timers.pop(uri, None)
        if timer:
            timer.cancel()

    def is_current(self, snapshot: Snapshot) -> bool:
        return not self.closed and self.current.get(snapshot.uri) is snapshot

    def _still_wanted(self, snapshot: Snapshot) -> bool:
        current = self.current.get(snapshot.uri)
        return not self.closed and current is not None and current.work is snapshot.work

    # -- work ---------------------------------------------------------------------
    async def analysis(self, uri: str):
        snapshot = self.current.get(uri)
        if snapshot is None or self.closed:
            return None
        if snapshot.work.analysis is None:
            loop = asyncio.get_running_loop()
            snapshot.work.analysis = loop.run_in_executor(self._analysis_pool, _analyze, snapshot.text, snapshot.path, snapshot.analysis_settings)
        try:
            return snapshot, await asyncio.shield(snapshot.work.analysis)
        except Exception as exc:  # noqa: BLE001 - a bug on odd input must not take the server down
            self.log_once(f"keraslens: analysis failed on {uri} ({type(exc).__name__}: {exc})")
            return None

    async def report(self, uri: str, wait: float | None = None):
        """(snapshot, CountReport or None when counting failed or took longer than ``wait``)."""
        got = await self.analysis(uri)
        if got is None:
            return None
        snapshot, analysis = got
        return snapshot, await self.report_of(snapshot, analysis, wait)

    async def report_of(self, snapshot: Snapshot, analysis, wait: float | None = None):
        """The CountReport of this snapshot (None when counting failed, was skipped or is slower than ``wait``)."""
        work = snapshot.work
        if work.report is None or _finished_with(work.report, SUPERSEDED):
            wanted = lambda: self._still_wanted(snapshot)  # noqa: E731 - read from the worker thread
            snapshot.work.report = asyncio.get_running_loop().run_in_executor(self._count_pool, _count_report, analysis, wanted)
        try:
            report = await asyncio.wait_for(asyncio.shield(snapshot.work.report), wait)
        except TimeoutError:
            return None
        except Exception as exc:  # noqa: BLE001 - counting must never take a feature down
            self.log_once(f"keraslens: counting failed ({type(exc).__name__}: {exc}); hovers show rule docs only")
            return None
        if report is SUPERSEDED:
            return None
        if self._still_wanted(snapshot):
            self.counted[snapshot.uri] = (snapshot.index, report)
        return report

    def ready_report(self, snapshot: Snapshot, line: int):
        """A finished report usable at ``line`` right now: this snapshot's, or the previous one's
        when that line reads the same in both (so an edit elsewhere never stalls a hover)."""
        future = snapshot.work.report
        if future is not None and _finished(future) and future.result() is not SUPERSEDED:
            return future.result(), False
        previous = self.counted.get(snapshot.uri)
        if previous and previous[0].text(line) == snapshot.index.text(line) and len(previous[0].lines) == len(snapshot.index.lines):
            return previous[1], True
        return None, False

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
        if message not in self._logged:
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
