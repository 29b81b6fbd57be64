"""``kg eval GOLD.jsonl``: score kg's extraction against annotated text.

Gold is kg's evaluation JSONL or DyGIE-style JSON (detected automatically).
Predictions come from ``--pred`` (a ``kg extract`` output file) or from running
kg's pipeline on the gold texts. Scoring rules: :mod:`kg.evaluate`.
"""

from __future__ import annotations

import argparse
import json

from ..evaluate import evaluate_file, format_report, report_to_json

__all__ = ["register", "eval_cli"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``eval`` command."""
    p = subparsers.add_parser(
        "eval",
        help="score extraction against annotated text (precision / recall / F1)",
        description="Print precision / recall / F1 per corpus, overall and per gold label, under the exact, "
        "partial and doc-set schemes, and relation scores.",
    )
    p.add_argument("gold", metavar="GOLD.jsonl", help="annotated texts (kg eval JSONL or DyGIE-style JSON lines)")
    p.add_argument("--pred", metavar="OUT.jsonl", help="predictions from `kg extract` (default: run the pipeline)")
    p.add_argument("--corpus", metavar="NAME", help="corpus of every record (default: each record's \"corpus\" field)")
    p.add_argument(
        "--mapping", metavar="FILE.json", help="extra kg -> corpus label mappings (format of rules/eval_mappings.json)"
    )
    p.add_argument("--json", action="store_true", help="print machine-readable JSON instead of a table")
    p.add_argument("--rules", default=None, metavar="DIR", help="rules folder to run the pipeline with (default: kg's own rules/)")
    p.set_defaults(func=eval_cli)


def eval_cli(args: argparse.Namespace) -> int:
    """Thin wrapper over :func:`kg.evaluate.evaluate_file`."""
    reports = evaluate_file(args.gold, pred_path=args.pred, corpus=args.corpus, mapping_path=args.mapping,
                            rules_dir=args.rules)
    if args.json:
        print(json.dumps(report_to_json(reports), indent=2))
    else:
        print(format_report(reports), end="")
    return 0
