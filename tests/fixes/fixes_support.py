"""Golden fix fixtures: ``fixtures/KLxxx/name.py`` and the expected ``name.fixed.py``.

Header of a fixture (comments at the top, kept by the fix like any comment):

    # fix: safe | unsafe              which fixes to apply (unsafe includes safe)
    # params: 55 = Linear(5) on (10,) the intended parameter count of the FIXED code:
                                      the expression builds the layer, the tuple is the
                                      input shape without the batch axis (repeatable)
    # params: 50 = make() fed (3,)    the expression gives a model already built by the
                                      fixed code: counted as it is, trained on that shape
    # fixture: keras-version=2        optional Settings overrides (as in tests/rules)

The rule a fixture is about is its folder name; after the fix it must not be reported.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "rules"))

from keraslens.analysis.config import Settings  # noqa: E402
from keraslens.analysis.fix_all import fix_text  # noqa: E402
from rules_support import settings_of  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
FIX = re.compile(r"^#\s*fix:\s*(?P<mode>safe|unsafe)\s*$", re.M)
PARAMS = re.compile(r"^#\s*params:\s*(?P<count>\d+)\s*=\s*(?P<expr>.+?)\s+(?P<how>on|fed)\s+(?P<shape>\(.*\))\s*$", re.M)


@dataclass(frozen=True)
class ParamsLine:
    count: int
    expr: str
    shape: str
    wrap: bool = True  # `on`: call it on keras.Input(shape) first; `fed`: count it as built


@dataclass(frozen=True)
class Fixture:
    path: Path

    @property
    def code(self) -> str:
        return self.path.parent.name

    @property
    def id(self) -> str:
        return self.path.relative_to(FIXTURES).as_posix()

    @property
    def fixed_path(self) -> Path:
        return self.path.with_suffix(".fixed.py")

    def text(self) -> str:
        return self.path.read_bytes().decode("utf-8")

    def settings(self) -> Settings:
        text = self.text()
        match = FIX.search(text)
        assert match, f"{self.id}: no `# fix: safe|unsafe` header"
        settings, problems = settings_of(text).merged({"unsafe_fixes": match.group("mode") == "unsafe"})
        assert not problems
        return settings

    def params(self) -> list[ParamsLine]:
        return [ParamsLine(int(m.group("count")), m.group("expr"), m.group("shape"), m.group("how") == "on") for m in PARAMS.finditer(self.text())]


def fixtures() -> list[Fixture]:
    return [Fixture(p) for p in sorted(FIXTURES.rglob("*.py")) if not p.name.endswith(".fixed.py")]


def fixed(text: str, settings: Settings, path: str = "<fixture>") -> str:
    return fix_text(text, path, settings)[0]
