"""The probe worker, run inside the sandbox: limits first, then Keras once, then requests.

Started by ``service`` only: ``python -I worker.py CONFIG_JSON``. Before it imports anything beyond
the interpreter's own modules it sets its resource limits and takes its two private pipes (requests
in, answers out) to high descriptors, closed on exec. The slice's code gets nothing to read on fd 0,
and its fds 1 and 2 write to an output file in the scratch folder whose end each answer carries.
After each request every other process in the sandbox's PID namespace is stopped.
"""

import fcntl
import os
import resource
import signal
import sys

PRIVATE_FD_FLOOR = 500  # the private pipes move at or above this
OUTPUT_FILE = ".keraslens-output"
OUTPUT_TAIL = 4000  # characters of the slice's output an answer carries


def main() -> None:
    import json

    config = json.loads(sys.argv[1])
    for name, value in config["limits"].items():
        resource.setrlimit(getattr(resource, name), (value, value))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # past the file size limit a write fails instead of killing us
    requests = os.fdopen(_private(config["requests"]), "rb")
    answers = _private(config["answers"])
    output = _capture_output()
    keras = _import_keras()
    _send(answers, {"ready": True})
    for line in requests:
        request = json.loads(line)
        _send(answers, _answer(keras, request, output, config["private_pids"]))


def _private(fd: int) -> int:
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, PRIVATE_FD_FLOOR)
    os.close(fd)
    return moved


def _capture_output() -> int:
    """fds 1 and 2 write to a file in the scratch folder; the returned fd reads it back."""
    output = os.open(OUTPUT_FILE, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.close(null)
    return _private(output)


def _send(fd: int, message: dict) -> None:
    import json

    data = (json.dumps(message) + "\n").encode()
    while data:
        data = data[os.write(fd, data):]


def _import_keras():
    if os.environ.get("TF_USE_LEGACY_KERAS") == "1":
        import tf_keras as keras
    else:
        import keras
    return keras


def _answer(keras, request: dict, output: int, private_pids: bool) -> dict:
    import threading
    import traceback

    os.ftruncate(output, 0)
    os.lseek(output, 0, os.SEEK_SET)
    threads = set(threading.enumerate())
    try:
        answer = {"ok": True, **_count(keras, request)}
    except BaseException as exc:  # the user's code may raise anything, SystemExit included; the worker survives it
        answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc(limit=3)[-2000:]}
    if private_pids:
        _stop_other_processes()
    answer["output"] = _output_tail(output)
    answer["id"] = request["id"]
    answer["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    answer["recycle"] = bool(set(threading.enumerate()) - threads)  # a thread the slice started may still run
    return answer


def _count(keras, request: dict) -> dict:
    import math
    import types

    namespace: dict = {"__name__": "keraslens_probe_slice", "__file__": request["path"]}
    exec(compile(request["code"], request["path"], "exec"), namespace)  # noqa: S102 - the sandboxed purpose
    target = namespace[request["target"]]
    if request["kind"] == "class":
        target = target(*request["args"], **request["kwargs"])
        target(keras.Input(shape=tuple(request["input_shape"])))
    elif request["kind"] == "function" and isinstance(target, types.FunctionType):
        target = target()
    if not hasattr(target, "trainable_weights"):
        raise TypeError(f"{request['target']!r} is not a layer or model")

    def size(weights) -> int:
        return sum({id(w): math.prod(w.shape) for w in weights}.values())  # a shared weight counts once

    return {
        "trainable": size(target.trainable_weights),
        "non_trainable": size(target.non_trainable_weights),
        "weights": [
            {"name": w.path if hasattr(w, "path") else w.name, "shape": list(w.shape), "trainable": bool(w.trainable), "params": math.prod(w.shape)}
            for w in target.weights
        ],
        "layers": [
            {"name": layer.name, "class": type(layer).__name__, "params": layer.count_params() if layer.built else None,
             "trainable": size(layer.trainable_weights), "non_trainable": size(layer.non_trainable_weights)}
            for layer in target.layers
        ] if isinstance(target, keras.Model) else [],
    }


def _stop_other_processes() -> None:
    """Kill whatever the slice started, detached or not: this PID namespace holds only us and init."""
    import time

    me = os.getpid()
    for _ in range(200):  # again until none is left: one may fork while we look
        others = [int(name) for name in os.listdir("/proc") if name.isdigit() and int(name) not in (1, me)]
        if not others:
            return
        for pid in others:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:  # reap our own children (init reaps the others)
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass
        time.sleep(0.005)


def _output_tail(output: int) -> str:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # the slice may have closed or filled it
            pass
    size = os.fstat(output).st_size
    return os.pread(output, OUTPUT_TAIL, max(0, size - OUTPUT_TAIL)).decode("utf-8", "replace")


if __name__ == "__main__":
    main()
