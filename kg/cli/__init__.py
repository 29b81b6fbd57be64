"""The ``kg`` command line: a thin layer over kg's library functions.

Each command lives in its own module (``kg/cli/<command>.py``) exposing
``register(subparsers)``, which adds its parser and sets ``func`` to a function
taking the parsed ``argparse.Namespace`` and returning an exit code. Errors that
users cause are :class:`kg.errors.KGError`; they are printed as one line.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import KGError

__all__ = ["main", "COMMANDS"]

#: command modules, in the order ``kg --help`` lists them
COMMANDS: tuple[str, ...] = ("build", "extract", "eval", "query", "serve")


def build_parser() -> argparse.ArgumentParser:
    """The ``kg`` argument parser with every command registered."""
    parser = argparse.ArgumentParser(prog="kg", description="Build a knowledge graph of ML methods, models and findings.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``kg`` command line and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KGError as exc:
        print(f"kg: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
