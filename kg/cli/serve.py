"""``kg serve GRAPH``: a read-only SPARQL endpoint on 127.0.0.1."""

from __future__ import annotations

import argparse

__all__ = ["register", "serve_cli"]


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if value < 0 or value != value:
        raise argparse.ArgumentTypeError(f"expected 0 or more seconds, got {text!r}")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``serve`` command."""
    from ..query import DEFAULT_TIMEOUT
    from ..serve import DEFAULT_MAX_ROWS, DEFAULT_THREADS, DEFAULT_WORKERS

    p = sub.add_parser(
        "serve",
        help="serve an RDF export as a read-only SPARQL endpoint on localhost",
        description="Serve a read-only SPARQL 1.1 endpoint on a loopback address. SERVICE and updates are refused; "
        "each query runs in a worker process, stopped at its time limit.",
    )
    p.add_argument("graph", metavar="GRAPH", help="a .ttl / .nt / .jsonld file or a pyoxigraph store folder")
    p.add_argument("--port", type=int, default=8000, metavar="N", help="port (default 8000; 0 picks a free one)")
    p.add_argument("--host", default="127.0.0.1", help="loopback address to bind (127.0.0.1, ::1 or localhost)")
    p.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS", help=f"stop a query after this long and answer 503 (default {DEFAULT_TIMEOUT:g}; 0: no limit)")
    p.add_argument("--max-rows", type=_positive_int, default=DEFAULT_MAX_ROWS, metavar="N", help=f"refuse answers over N rows (default {DEFAULT_MAX_ROWS:,})")
    p.add_argument("--workers", type=_positive_int, default=DEFAULT_WORKERS, metavar="N", help=f"query worker processes: queries run at once (default {DEFAULT_WORKERS})")
    p.add_argument("--threads", type=_positive_int, default=DEFAULT_THREADS, metavar="N", help=f"connections served at once (default {DEFAULT_THREADS})")
    p.add_argument("-q", "--quiet", action="store_true", help="do not log requests")
    p.set_defaults(func=serve_cli)


def serve_cli(args: argparse.Namespace) -> int:
    """Run ``kg serve`` from parsed arguments until interrupted; return the exit code."""
    from ..serve import serve

    serve(
        args.graph,
        host=args.host,
        port=args.port,
        verbose=not args.quiet,
        timeout=args.timeout or None,
        max_rows=args.max_rows,
        workers=args.workers,
        threads=args.threads,
    )
    return 0
