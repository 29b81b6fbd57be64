"""The ``kg`` command line: a thin layer over kg's library functions.

Each command lives in its own module (``kg/cli/<command>.py``) exposing
``register(subparsers)``, which adds its parser and sets ``func`` to a function
taking the parsed ``argparse.Namespace`` and returning an exit code. Errors that
users cause are :class:`kg.errors.KGError`; they are printed as one line.
"""

from __future__ import annotations

import argparse
import importlib
import logging
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


class _OneLine(logging.Formatter):
    """``kg: warning: <message>`` on one line, whatever the message holds."""

    def format(self, record: logging.LogRecord) -> str:
        text = " ".join(record.getMessage().split())
        return f"kg: {record.levelname.lower()}: {text}"


def _log_to_stderr() -> logging.Handler:
    """Send kg's warnings (skipped records, truncated documents) to stderr, one line each."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLine())
    logger = logging.getLogger("kg")
    logger.addHandler(handler)
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.WARNING)
    return handler


def main(argv: list[str] | None = None) -> int:
    """Run the ``kg`` command line and return its exit code.

    0: done; 2: an error the user can fix (one line naming the file or setting);
    130: interrupted.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = _log_to_stderr()
    try:
        return int(args.func(args) or 0)
    except KGError as exc:
        print(f"kg: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        print("kg: error: out of memory (see the README on overlong documents and -j)", file=sys.stderr)
        return 2
    finally:
        logging.getLogger("kg").removeHandler(handler)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
