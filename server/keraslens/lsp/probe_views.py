"""The probe in the editor: a lens to run it above models and layer classes, and in the hover the
exact figure beside the static one (or a link to run it where the static count stops)."""

from __future__ import annotations

import json
import uuid
from contextlib import asynccontextmanager
from urllib.parse import quote

from lsprotocol import types as lsp
from pygls.capabilities import get_capability

from ..analysis.interpretation.count_model import ClassReport, Count, CountReport, ModelReport, Status
from .positions import LineIndex
from .render import number

PROBE_COMMAND = "keraslens.probe"
RUN_TITLE = "Run exact probe (TensorFlow)"


def probe_arguments(report: CountReport, uri: str, target: object) -> list[str] | None:
    """The probe command's arguments for a model, or for a layer class through a model built with it."""
    if isinstance(target, ModelReport) and target.name != "<module>":
        return [uri, target.name]
    if isinstance(target, ClassReport):
        model = next((m for m in report.models if m.name != "<module>" and any(row.class_name == target.name for row in m.rows)), None)
        return [uri, model.name, target.name] if model else None
    return None


def probe_lenses(report: CountReport, index: LineIndex, uri: str) -> list[lsp.CodeLens]:
    lenses = []
    for target in [*report.models, *report.classes.values()]:
        arguments = probe_arguments(report, uri, target)
        if arguments:
            command = lsp.Command(title=RUN_TITLE, command=PROBE_COMMAND, arguments=arguments)
            lenses.append(lsp.CodeLens(range=index.range(target.span), command=command))
    return lenses


def probe_hover(report: CountReport, target: object, analysis, path: str, uri: str, markdown: bool) -> str | None:  # noqa: ANN001
    """"exact (probe)" beside the static count once the probe ran on this slice; before, where the
    static count is partial or unknown, a link that runs it."""
    from ..probe.target import cached_count, instance_totals

    arguments = probe_arguments(report, uri, target)
    if arguments is None:
        return None
    found = cached_count(analysis, path, arguments[1])
    if found is None or not found.ok:
        if target.count.status is Status.EXACT:
            return None
        link = f"command:{PROBE_COMMAND}?{quote(json.dumps(arguments))}"
        return f"[{RUN_TITLE}]({link})" if markdown else f"{RUN_TITLE}: the code lens, or the command {PROBE_COMMAND}"
    if isinstance(target, ClassReport):
        exact, static = instance_totals(found, target.name), [row.count for row in target.instantiations]
        line = f"exact (probe): {', '.join(number(total) for total in exact)} params per instance"
    else:
        exact, static = [found.total], [target.count]
        line = f"exact (probe): {number(found.total)} params"
    if _disagrees(static, exact):
        line += " ⚠ disagrees with the static count: please report it"
    return f"**{line}**" if markdown else line


def _disagrees(static: list[Count], exact: list[int]) -> bool:
    """An exact static figure that differs, or a lower bound above the real figure (in creation order)."""
    if len(static) != len(exact):
        return bool(static) and all(count.status is Status.EXACT for count in static)
    return any((count.status is Status.EXACT and count.total != real) or
               (count.status is Status.PARTIAL and count.total is not None and count.total > real)
               for count, real in zip(static, exact))


@asynccontextmanager
async def progress(ls, target: str):  # noqa: ANN001 - the server
    """``$/progress`` while a probe runs: its first run waits seconds for TensorFlow to start."""
    token = None
    if get_capability(ls.client_capabilities, "window.work_done_progress", False):
        token = str(uuid.uuid4())
        try:
            await ls.work_done_progress.create_async(token)
            ls.work_done_progress.begin(token, lsp.WorkDoneProgressBegin(
                title="keraslens probe", message=f"{target}: real Keras in the sandbox (the first run starts TensorFlow)"))
        except Exception:  # noqa: BLE001 - a client that refuses the token gets no progress, the probe still runs
            token = None
    try:
        yield
    finally:
        if token is not None:
            ls.work_done_progress.end(token, lsp.WorkDoneProgressEnd(message="done"))
