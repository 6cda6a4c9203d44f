"""What a long editing session leaves behind is bounded: every keystroke is a new text, and
nothing kept for one text may pile up over thousands of them (counted in entries, not bytes)."""

from __future__ import annotations

from keraslens.analysis.engine import analyze
from keraslens.analysis.names import bases

EDITED = '''try:  # two bindings of Base: where it leads is resolved by position in this text (jedi)
    from fast_helpers import Base
except ImportError:
    from helpers import Base


class Block(Base):
    def call(self, x):
        return x  # edit {version}
'''


def test_base_answers_for_older_texts_of_a_document_are_dropped(monkeypatch, tmp_path):
    asked: list[tuple[int, int]] = []
    monkeypatch.setattr(bases, "_goto", lambda source, line, col: asked.append((line, col)))  # no jedi: only the cache is under test
    bases.clear_caches()
    path = str(tmp_path / "model.py")
    for version in range(200):
        analyze(EDITED.format(version=version), path)
    assert len(asked) == 200  # each version asked once: the cache really was used for every text
    kept = [key for key in bases._goto_cache if key[0] == path]
    assert len(kept) == 1, f"{len(kept)} answers kept for 200 versions of one document"
