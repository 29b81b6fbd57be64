"""``kg query GRAPH "SPARQL"``: run SPARQL on an RDF export and print the answer."""

from __future__ import annotations

import argparse
import sys

__all__ = ["register", "query_cli"]


def _param(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``query`` command."""
    p = sub.add_parser(
        "query",
        help="run a SPARQL query on graph.ttl / .nt / .jsonld or a store folder",
        description="Run a SPARQL 1.1 query (text, -f FILE or a ready query -q NAME) with pyoxigraph.",
    )
    p.add_argument("graph", nargs="?", metavar="GRAPH", help="a .ttl / .nt / .jsonld file or a pyoxigraph store folder")
    p.add_argument("sparql", nargs="?", metavar="SPARQL", help="the query text")
    p.add_argument("-f", "--file", metavar="FILE", help="read the query from FILE")
    p.add_argument("-q", "--query", dest="ready", metavar="NAME", help="run the ready query NAME from queries/ (see --list)")
    p.add_argument("-p", "--param", action="append", type=_param, default=[], metavar="NAME=VALUE", help="bind a ready query's parameter (repeatable)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format (csv/json: SPARQL 1.1 Query Results formats)")
    p.add_argument("--save-store", metavar="DIR", help="load GRAPH into a new on-disk store DIR (fast to reopen), then run the query if one is given")
    p.add_argument("--list", action="store_true", help="list the ready queries and their parameters")
    p.set_defaults(func=query_cli)


def query_cli(args: argparse.Namespace) -> int:
    """Run ``kg query`` from parsed arguments; return the exit code."""
    from pathlib import Path

    from ..errors import QueryError
    from ..query import format_result, load_store, ready_queries, ready_query, run_query, save_store

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
    if args.save_store:
        save_store(args.graph, args.save_store)
        print(f"kg: store written to {args.save_store}", file=sys.stderr)
        if not sources:
            return 0
        store = load_store(args.save_store)
    elif not sources:
        raise QueryError("give a query: as text, -f FILE or -q NAME")
    else:
        store = load_store(args.graph)
    if args.file:
        try:
            text = Path(args.file).read_text(encoding="utf-8")
        except OSError as exc:
            raise QueryError(f"{args.file}: cannot read query file ({exc.strerror or exc})") from None
    elif args.ready:
        text = ready_query(args.ready).text
    else:
        text = args.sparql
    result = run_query(store, text, params=dict(args.param))
    sys.stdout.write(format_result(result, args.format))
    return 0
