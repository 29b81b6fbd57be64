"""``kg query GRAPH "SPARQL"``: run SPARQL on an RDF export and print the answer."""

from __future__ import annotations

import argparse
import sys

from .serve import _positive_int, _seconds

__all__ = ["register", "query_cli"]

#: rows an answer may hold unless --max-rows says otherwise
DEFAULT_MAX_ROWS = 1_000_000


def _param(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``query`` command."""
    from ..query import DEFAULT_TIMEOUT

    p = sub.add_parser(
        "query",
        help="run a SPARQL query on graph.ttl / .nt / .jsonld or a store folder",
        description="Run a SPARQL 1.1 query (text, -f FILE or a ready query -q NAME) with pyoxigraph. "
        "A graph file is loaded once into a store kept beside it (.NAME.oxigraph) and reopened from there while the file is unchanged.",
    )
    p.add_argument("graph", nargs="?", metavar="GRAPH", help="a .ttl / .nt / .jsonld file or a pyoxigraph store folder")
    p.add_argument("sparql", nargs="?", metavar="SPARQL", help="the query text")
    p.add_argument("-f", "--file", metavar="FILE", help="read the query from FILE")
    p.add_argument("-q", "--query", dest="ready", metavar="NAME", help="run the ready query NAME from queries/ (see --list)")
    p.add_argument("-p", "--param", action="append", type=_param, default=[], metavar="NAME=VALUE", help="bind a ready query's parameter (repeatable)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format (csv/json: SPARQL 1.1 Query Results formats)")
    p.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS", help=f"stop the query after this long (default {DEFAULT_TIMEOUT:g}; 0: no limit)")
    p.add_argument("--max-rows", type=_positive_int, default=DEFAULT_MAX_ROWS, metavar="N", help=f"refuse answers over N rows (default {DEFAULT_MAX_ROWS:,})")
    p.add_argument("--allow-service", action="store_true", help="let SERVICE clauses fetch from the addresses they name (refused by default)")
    p.add_argument("--save-store", metavar="DIR", help="load GRAPH into a new on-disk store DIR (fast to reopen), then run the query if one is given")
    p.add_argument("--list", action="store_true", help="list the ready queries and their parameters")
    p.set_defaults(func=query_cli)


def query_cli(args: argparse.Namespace) -> int:
    """Run ``kg query`` from parsed arguments; return the exit code."""
    from pathlib import Path

    from ..errors import QueryError
    from ..query import QueryRefused, ready_queries, ready_query, run_isolated, save_store

    if args.list:
        for q in ready_queries().values():
            print(f"{q.name}: {q.description}")
            for name, text in q.params.items():
                print(f"    --param {name}=...  {text}")
        return 0
    if not args.graph:
        raise QueryError("give a GRAPH file or store folder (or --list)")
    sources = [x for x in (args.sparql, args.file, args.ready) if x]
    if len(sources) > 1:
        raise QueryError("give the query once: as text, -f FILE or -q NAME")
    graph = args.graph
    if args.save_store:
        save_store(args.graph, args.save_store)
        print(f"kg: store written to {args.save_store}", file=sys.stderr)
        if not sources:
            return 0
        graph = args.save_store
    elif not sources:
        raise QueryError("give a query: as text, -f FILE or -q NAME")
    if args.file:
        try:
            text = Path(args.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"{args.file}: cannot read query file ({getattr(exc, 'strerror', None) or exc})") from None
    elif args.ready:
        text = ready_query(args.ready).text
    else:
        text = args.sparql
    # the query runs in a child process killed at the time limit: no query, and no
    # crash of the engine, can outlive --timeout or end this process uncleanly
    try:
        out = run_isolated(graph, text, args.format, params=dict(args.param), allow_service=args.allow_service, timeout=args.timeout or None, max_rows=args.max_rows)
    except QueryRefused as exc:
        if str(exc).startswith("SERVICE"):
            raise QueryRefused(f"{exc}; pass --allow-service to let them") from None
        raise
    sys.stdout.write(out)
    return 0
