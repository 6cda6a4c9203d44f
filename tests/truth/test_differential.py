"""Differential testing against real Keras: 300 generated programs (``differential.program``), each
counted by keraslens and by Keras 3 in one worker process; no count shown as exact may differ, and
no partial count may exceed Keras. ``bench/differential.py`` runs thousands and reports the rates.

The first run pays for TensorFlow (one process for all programs); results are cached by program
text and Keras version under ``.cache/differential/``.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import differential  # noqa: E402

PROGRAMS = 300


@pytest.mark.tf
@pytest.mark.timeout(1800)  # the first run builds every program under TensorFlow; later runs read the cache
def test_generated_programs_have_no_wrong_exact_count(tmp_path):
    texts = differential.programs(PROGRAMS)
    assert len(texts) == PROGRAMS
    truths = differential.run_keras(texts)
    outcomes: Counter = Counter()
    wrong = []
    for index, (text, truth) in enumerate(zip(texts, truths, strict=True)):
        result = differential.run_keraslens(text, tmp_path, f"program_{index}")
        outcome = differential.judge(truth, result)
        outcomes[outcome] += 1
        if outcome == "wrong":
            wrong.append(f"keraslens {result} but Keras {truth}:\n{text}")
    assert not wrong, f"{len(wrong)} wrong of {PROGRAMS} ({dict(outcomes)}); first:\n{wrong[0]}"
    assert outcomes["exact"] >= PROGRAMS // 2, dict(outcomes)  # most of these programs are fully followable
