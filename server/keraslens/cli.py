"""``keraslens check | count | serve | rules``: the command line (see DESIGN.md section 7)."""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from pathlib import Path

from . import __version__


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except BrokenPipeError:  # `keraslens rules | head`: the reader left; not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit flush
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="keraslens", description="Parameter counts and custom-layer checks for Keras code.")
    parser.add_argument("--version", action="version", version=f"keraslens {__version__}")
    commands = parser.add_subparsers(dest="command")

    check = commands.add_parser("check", help="report findings in files or directories")
    check.add_argument("paths", nargs="*", default=["."], help="Python files, notebooks (.ipynb) or directories (default: .)")
    check.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text", help="report format (default: text)")
    check.add_argument("--select", type=_codes, help="only these rule codes or prefixes (comma-separated)")
    check.add_argument("--ignore", type=_codes, help="skip these rule codes or prefixes")
    check.add_argument("--exclude", type=_codes, help="extra gitignore-style patterns to skip")
    check.add_argument("--keras-version", choices=("auto", "2", "3"), help="Keras the code targets (default: auto, from its imports)")
    check.add_argument("--fix", action="store_true", help="apply safe fixes")
    check.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes")
    check.add_argument("--diff", action="store_true", help="print the fixes as a diff instead of writing them")
    check.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    check.set_defaults(run=_run_check)

    rules = commands.add_parser("rules", help="list the rules, or show one rule's documentation")
    rules.add_argument("code", nargs="?", help="a rule code such as KL101; without it, the list of rules")
    rules.add_argument("--format", choices=("text", "markdown"), default="text", help="plain text for a terminal (default) or the markdown of docs/rules")
    rules.set_defaults(run=_run_rules)

    count = commands.add_parser("count", help="static parameter count of a layer or model")
    count.add_argument("file", help="the Python file or notebook (.ipynb) to read")
    count.add_argument("--target", required=True, action="append",
                       help="module-level variable, function, or class name; repeat for several (a JSON array then)")
    count.add_argument("--args", default="[]", help="JSON list of positional constructor arguments (class targets)")
    count.add_argument("--kwargs", default="{}", help="JSON object of keyword constructor arguments (class targets)")
    count.add_argument("--input-shape", default=None, help="JSON input shape without the batch dimension, e.g. [10]")
    count.add_argument("--keras-version", choices=("auto", "2", "3"), help="Keras the code targets (default: auto, from its imports)")
    count.add_argument("--probe", action="store_true", help="run the sandboxed TensorFlow probe for exact numbers")
    count.add_argument("--probe-allow-file-access", action="store_true",
                       help="without bubblewrap, probe anyway with network and process isolation only (the code can reach your files)")
    count.add_argument("--format", choices=("text", "json"), default="text", help="a model.summary()-like table (default) or the JSON object of DESIGN section 7")
    count.set_defaults(run=_run_count)

    serve = commands.add_parser("serve", help="run the language server (stdio by default)")
    serve.add_argument("--stdio", action="store_true", help="accepted for editor compatibility; stdio is the default")
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP address (127.0.0.1:PORT) instead of stdio")
    serve.set_defaults(run=_run_serve)
    return parser


def _codes(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _run_check(args: argparse.Namespace) -> int:
    from .analysis.config import Settings
    from .checker import check_paths, discover, is_failure, settings_for, write_fixed
    from .report import render_github, render_json, render_sarif, render_text, summary

    overrides = {k: v for k, v in {"select": args.select, "ignore": args.ignore, "keras_version": args.keras_version}.items() if v}
    if args.unsafe_fixes:
        overrides["unsafe_fixes"] = True
    first = Path(args.paths[0])
    settings, problems = settings_for(first if first.exists() else Path.cwd(), overrides)
    if args.exclude:
        settings, _ = settings.merged({"exclude": [*settings.exclude, *args.exclude]})
    for problem in problems:
        print(f"keraslens: {problem}", file=sys.stderr)
    _, bad_options = Settings().merged(overrides)
    if bad_options:  # a bad value typed on the command line is a usage error, unlike one in pyproject
        return 2
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"keraslens: no such file or directory: {', '.join(missing)}", file=sys.stderr)
        return 2
    files = list(discover(args.paths, settings))
    fixing = args.fix or args.diff
    results = check_paths(files, settings, fix=fixing, jobs=args.jobs)
    fixed = 0
    for result in results:
        if result.fixed_text is None:
            continue
        fixed += result.applied
        if args.diff:
            sys.stdout.write("".join(difflib.unified_diff(
                result.original_text.splitlines(keepends=True), result.fixed_text.splitlines(keepends=True),
                fromfile=f"a/{result.path}", tofile=f"b/{result.path}",
            )))
        else:
            write_fixed(result)
    if args.diff:
        # something to change, or something wrong that no fix covers: both are "found" (DESIGN section 7)
        return 1 if fixed or any(is_failure(f) for r in results for f in r.findings) else 0
    if args.format == "json":
        print(render_json(results))
    elif args.format == "sarif":
        print(render_sarif(results))
    elif args.format == "github":
        output = render_github(results)
        if output:
            print(output)
    else:
        texts = {r.path: (r.notebook.text if r.notebook else r.fixed_text or _read_lines(r.path)) for r in results if r.findings}
        texts = {path: text if isinstance(text, list) else text.splitlines() for path, text in texts.items()}
        output = render_text(results, texts)
        if output:
            print(output)
        print(summary(results, fixed), file=sys.stderr)
    return 1 if any(is_failure(f) for r in results for f in r.findings) else 0


def _read_lines(path: str) -> list[str]:
    from .analysis.source import decode_source

    try:
        return decode_source(Path(path).read_bytes()).text.splitlines()
    except OSError:
        return []


def _run_rules(args: argparse.Namespace) -> int:
    from .docs import rule_markdown, rule_text, rules_index, rules_table_text

    markdown = args.format == "markdown"
    if args.code is None:
        print(rules_index() if markdown else rules_table_text())
        return 0
    text = rule_markdown(args.code) if markdown else rule_text(args.code)
    if text is None:
        print(f"keraslens: unknown rule {args.code!r}; `keraslens rules` lists them", file=sys.stderr)
        return 2
    print(text)
    return 0


def _run_count(args: argparse.Namespace) -> int:
    from .count_command import run_count

    return run_count(args)


def _run_serve(args: argparse.Namespace) -> int:
    from .lsp.server import serve

    return serve(args.tcp)


if __name__ == "__main__":
    sys.exit(main())
