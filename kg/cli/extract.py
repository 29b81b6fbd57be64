"""``kg extract IN.jsonl -o OUT.jsonl``: run kg's pipeline over a JSONL file of texts.

Each input line is ``{"id", "text"}`` (other keys are ignored); each output line
holds that document's entities, relations, aliases and findings with character
offsets into ``text`` (see :func:`kg.evaluate.extraction_to_dict`).
"""

from __future__ import annotations

import argparse
import sys

from ..evaluate import extract_file

__all__ = ["register", "extract_cli"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``extract`` command."""
    p = subparsers.add_parser(
        "extract",
        help="extract entities and relations from a JSONL file of texts",
        description="Run kg's pipeline over IN.jsonl ({\"id\", \"text\"} per line) and write one "
        "extraction per line to OUT.jsonl (offsets are character offsets into text, end exclusive).",
    )
    p.add_argument("input", metavar="IN.jsonl", help="input texts, one JSON object with \"id\" and \"text\" per line")
    p.add_argument("-o", "--output", metavar="OUT.jsonl", required=True, help="output file (written atomically)")
    p.add_argument(
        "--progress-every", type=int, default=1000, metavar="N",
        help="report progress on stderr every N docs (0: never)",
    )
    p.set_defaults(func=extract_cli)


def extract_cli(args: argparse.Namespace) -> int:
    """Thin wrapper over :func:`kg.evaluate.extract_file`."""
    n = extract_file(args.input, args.output, progress_every=args.progress_every)
    print(f"kg extract: {n} docs -> {args.output}", file=sys.stderr)
    return 0
