"""Run a generator's ``--worker`` mode once per Keras flavour, so Keras 3 and tf_keras never share a process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
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


def generate(script: str, corpus: list[dict], key, drop_env: tuple[str, ...] = ()) -> dict:
    """Every corpus entry measured by real Keras, one worker per flavour, in corpus order."""
    by_flavor: dict[str, list[dict]] = {}
    for entry in corpus:
        by_flavor.setdefault(entry["flavor"], []).append(entry)
    versions, results, extras = {}, {}, {}
    with ThreadPoolExecutor(len(by_flavor) or 1) as pool:  # the flavours' workers run side by side
        outs = list(pool.map(lambda item: (item[0], run_worker(script, item[0], item[1], drop_env)), by_flavor.items()))
    for flavor, out in outs:
        versions[flavor] = out.pop("versions")
        results.update((key(r), r) for r in out.pop("results"))
        for name, value in out.items():  # anything else a worker reports, per flavour
            extras.setdefault(name, {})[flavor] = value
    generated_by = Path(script).resolve().relative_to(ROOT).as_posix()
    return {"generated_by": generated_by, "versions": versions, **extras, "entries": [results[key(e)] for e in corpus]}


def generator_main(doc: str, out: Path, build, worker, key, group: str, describe) -> int:
    """The command line of a truth generator: write ``out``, ``--check`` it, or be the ``--worker``."""
    import argparse
    import time

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--check", action="store_true", help=f"compare with {out.name} instead of writing it")
    args = parser.parse_args()
    if args.worker:
        worker()
        return 0
    start = time.monotonic()
    data = build()
    elapsed = time.monotonic() - start
    keys = [key(e) for e in data["entries"]]
    if len(set(keys)) != len(keys):
        raise SystemExit(f"duplicate corpus entries: {sorted({k for k in keys if keys.count(k) > 1})}")
    sizes: dict[str, int] = {}
    for e in data["entries"]:
        sizes[e[group]] = sizes.get(e[group], 0) + 1
    summary = ", ".join(f"{name}: {n}" for name, n in sizes.items())
    if args.check:
        old = {key(e): e for e in json.loads(out.read_text())["entries"]}
        diffs = [e for e in data["entries"] if old.get(key(e)) != e]
        for e in diffs:
            print("differs:", *describe(e))
        print(f"{len(data['entries'])} entries ({summary}); {len(diffs)} differ; {elapsed:.1f}s")
        return 1 if diffs else 0
    out.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {out.relative_to(ROOT)}: {len(data['entries'])} entries ({summary}) in {elapsed:.1f}s")
    return 0
