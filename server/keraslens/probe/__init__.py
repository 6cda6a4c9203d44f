"""The opt-in TensorFlow probe: exact counts from real Keras, in a sandboxed worker process.

``slicer`` cuts the code a target needs out of a file (never its top-level script),
``service`` runs it in a long-lived worker (``worker``) started with ``python -I``, a
clean environment, resource limits, no network where ``unshare`` allows, and a
wall-clock timeout that kills the worker's process group. TensorFlow is imported in
the worker only, never in the CLI or the language server.
"""
