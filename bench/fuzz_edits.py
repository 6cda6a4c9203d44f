"""The long edit fuzz: tests/lsp/fuzz_session.py's invariants, many examples, 1 s answer bound.

    uv run python bench/fuzz_edits.py [--examples 300] [--answer-s 1.0] [--seed N]

Random incremental edits (characters, lines, fragments of the installed keras layer files,
brackets, tabs, CRLF, NUL, surrogate pairs, a 100k-character line, deleting everything)
interleaved with hover, inlay hints, code lens, code actions and pull diagnostics at random
and out-of-range positions, through a real pygls client (Neovim's capabilities: UTF-8, pull).
Prints the first failing example (hypothesis shrinks it) or "all passed".
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

from tests.lsp.fuzz_session import Session, keras_sources, operations, start_texts  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=300)
    parser.add_argument("--answer-s", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    sources = keras_sources()
    with tempfile.TemporaryDirectory(prefix="fuzz-") as scratch:
        session = Session(Path(scratch), args.answer_s)

        @seed(args.seed)
        @settings(max_examples=args.examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(start=start_texts(sources), ops=operations(sources))
        def fuzz(start: str, ops: list) -> None:
            session.check(start, ops)

        try:
            fuzz()
        finally:
            session.close()
    print(f"all {args.examples} examples passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
