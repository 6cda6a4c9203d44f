"""Run a generator's ``--worker`` mode once per Keras flavour, so Keras 3 and tf_keras never share a process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def run_worker(script: str, flavor: str, jobs: list[dict], drop_env: tuple[str, ...] = ()) -> dict:
    """``script --worker`` fed ``jobs`` as JSON on stdin; its JSON answer.

    CPU only, quiet TensorFlow, fixed hash seed; ``tf.keras`` is tf_keras only for the ``tf_keras`` flavour.
    """
    env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3", PYTHONHASHSEED="0", CUDA_VISIBLE_DEVICES="")
    for name in ("TF_USE_LEGACY_KERAS", *drop_env):
        env.pop(name, None)
    if flavor == "tf_keras":
        env["TF_USE_LEGACY_KERAS"] = "1"
    proc = subprocess.run(
        [sys.executable, script, "--worker"], input=json.dumps(jobs), capture_output=True, text=True, cwd=ROOT, env=env, check=False,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-8000:])
        raise SystemExit(f"worker for {flavor} failed (exit {proc.returncode})")
    return json.loads(proc.stdout)
