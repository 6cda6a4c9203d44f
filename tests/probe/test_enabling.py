"""Only the user enables the probe: a repository's files never do (no TensorFlow needed here)."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest
from keraslens.analysis.config import Settings
from keraslens.checker import settings_for
from keraslens.cli import main
from keraslens.lsp.settings import SettingsStore
from keraslens.probe import target

ROOT = Path(__file__).resolve().parents[2]
REPO_ENABLES = '[tool.keraslens]\nprobe = true\ntrusted = true\nprobe-allow-file-access = true\n'


def hostile_repo(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(REPO_ENABLES)
    source = tmp_path / "model.py"
    source.write_text((ROOT / "examples/seed1_linear/fixed.py").read_text())
    return source


def test_a_repository_cannot_enable_the_probe_for_the_cli(tmp_path, capsys):
    source = hostile_repo(tmp_path)
    settings, problems = settings_for(source, {})
    assert (settings.probe, settings.trusted, settings.probe_allow_file_access) == (False, False, False)
    assert any("'probe' is ignored in a project file" in problem for problem in problems)
    assert main(["count", str(source), "--target", "model", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["source"] == "static"


def test_a_repository_cannot_enable_the_probe_for_the_editor(tmp_path):
    source = hostile_repo(tmp_path)
    logged: list[str] = []
    store = SettingsStore(logged.append)
    settings = store.for_document(str(source), tmp_path.as_uri())
    assert (settings.probe, settings.trusted, settings.probe_allow_file_access) == (False, False, False)
    assert any("only your own editor settings" in line and "pyproject.toml" in line for line in logged)
    assert not any("the probe is enabled" in line for line in logged)


def test_workspace_settings_enable_it_only_in_a_workspace_the_user_trusts(tmp_path):
    folder = tmp_path.as_uri()
    logged: list[str] = []
    store = SettingsStore(logged.append)
    store.set_editor(folder, {"keraslens": {"probe": {"enabled": True}, "trusted": True}})
    assert store.for_document(str(tmp_path / "m.py"), folder).probe is False  # a workspace cannot trust itself
    assert any("ignored" in line and folder in line for line in logged)
    store.set_editor("", {"keraslens": {"trusted": True}})
    assert store.for_document(str(tmp_path / "m.py"), folder).probe is True
    assert any(f"the probe is enabled (from settings of {folder})" in line for line in logged)


def test_the_users_own_settings_enable_it_and_the_log_says_which(tmp_path):
    logged: list[str] = []
    store = SettingsStore(logged.append)
    store.set_init_options({"probe": {"enabled": True, "allowFileAccess": True}})
    settings = store.for_document(str(tmp_path / "m.py"), None)
    assert settings.probe and settings.probe_allow_file_access and not settings.trusted
    assert logged == ["keraslens settings: the probe is enabled (from initializationOptions)"]


def test_defaults_run_nothing():
    assert (Settings().probe, Settings().trusted, Settings().probe_allow_file_access) == (False, False, False)


def test_without_tensorflow_the_probe_names_the_interpreter(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "tensorflow" else real(name, *a))
    with pytest.raises(target.ProbeRefused, match="TensorFlow, which is not installed for " + re.escape(sys.executable)):
        target.probe_target("x = 1\n", str(ROOT / "x.py"), "x", [], {}, None)
