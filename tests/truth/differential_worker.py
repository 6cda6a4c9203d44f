"""Runs programs under real Keras 3: reads a JSON list of sources on stdin, prints one JSON list of
``{"trainable", "non_trainable", "total"}`` (each variable once) per program, one line each, as
each finishes (so a long batch keeps what it did if it is stopped)."""

from __future__ import annotations

import contextlib
import io
import json
import sys
import warnings


def sizes(weights) -> int:
    import numpy as np

    unique = {id(w): w for w in weights}
    return int(sum(np.prod(w.shape) for w in unique.values()))


def count(text: str) -> dict:
    namespace: dict = {"__name__": "differential_program"}
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        exec(compile(text, "<program>", "exec"), namespace)  # noqa: S102 - the generated program is the test input
        model = namespace["model"]()
    trainable, non_trainable = sizes(model.trainable_weights), sizes(model.non_trainable_weights)
    return {"trainable": trainable, "non_trainable": non_trainable, "total": trainable + non_trainable}


def main() -> None:
    import keras

    texts = json.loads(sys.stdin.read())
    for text in texts:
        keras.backend.clear_session()
        print(json.dumps(count(text)), flush=True)


if __name__ == "__main__":
    main()
