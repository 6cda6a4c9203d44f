"""Differential run at scale: thousands of generated programs, counted by keraslens and real Keras.

    uv run python bench/differential.py [--programs 2000] [--write-readme]

The programs come from the same hypothesis strategy as ``tests/truth/test_differential.py``
(derandomized: the first 300 are the test's). Keras runs them in one worker process; results are
cached under ``.cache/differential/``. Reports how many keraslens counts exactly, as a lower bound
(partial), not at all (unknown), or wrongly (an exact number that differs, or a bound above Keras),
and prints every wrong program.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "truth"))
import differential  # noqa: E402

README = HERE / "README.md"
START, END = "<!-- differential:start -->", "<!-- differential:end -->"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programs", type=int, default=2000)
    parser.add_argument("--write-readme", action="store_true")
    options = parser.parse_args()
    texts = differential.programs(options.programs)
    truths = differential.run_keras(texts)
    outcomes: Counter = Counter()
    with tempfile.TemporaryDirectory() as folder:
        for index, (text, truth) in enumerate(zip(texts, truths, strict=True)):
            result = differential.run_keraslens(text, Path(folder), f"program_{index}")
            outcome = differential.judge(truth, result)
            outcomes[outcome] += 1
            if outcome == "wrong":
                print(f"WRONG: keraslens {result} but Keras {truth}:\n{text}")
    total = len(texts)
    rows = " | ".join(f"{outcomes[o]} ({100 * outcomes[o] / total:.1f}%)" for o in ("exact", "partial", "unknown", "wrong"))
    text = f"{total} programs, Keras {differential.keras_version()}.\n\n| exact | partial | unknown | wrong |\n|---|---|---|---|\n| {rows} |"
    print(text)
    if options.write_readme:
        readme = README.read_text()
        before, rest = readme.split(START, 1)
        README.write_text(f"{before}{START}\n{text}\n{END}{rest.split(END, 1)[1]}")


if __name__ == "__main__":
    main()
