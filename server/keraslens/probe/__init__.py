"""The opt-in TensorFlow probe: exact counts from real Keras, in a sandboxed worker process.

``slicer`` cuts the code a target needs out of a file (never its top-level script);
``sandbox`` builds the bubblewrap sandbox the worker runs in (``cgroup`` caps its processes
where the kernel exempts root from the process rlimit); ``service`` keeps one warm worker
(``worker``) per flavour and project, talks to it over private pipes and caches answers;
``target`` is what the CLI and the editor call. Only the user enables it (``analysis.config``).
TensorFlow is imported in the worker only, never in the CLI or the language server.
"""
