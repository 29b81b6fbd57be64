"""``kg serve GRAPH``: a read-only SPARQL endpoint on 127.0.0.1."""

from __future__ import annotations

import argparse

__all__ = ["register", "serve_cli"]


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``serve`` command."""
    p = sub.add_parser("serve", help="serve an RDF export as a read-only SPARQL endpoint on localhost")
    p.add_argument("graph", metavar="GRAPH", help="a .ttl / .nt / .jsonld file or a pyoxigraph store folder")
    p.add_argument("--port", type=int, default=8000, metavar="N", help="port (default 8000; 0 picks a free one)")
    p.add_argument("--host", default="127.0.0.1", help="loopback address to bind (127.0.0.1, ::1 or localhost)")
    p.add_argument("-q", "--quiet", action="store_true", help="do not log requests")
    p.set_defaults(func=serve_cli)


def serve_cli(args: argparse.Namespace) -> int:
    """Run ``kg serve`` from parsed arguments until interrupted; return the exit code."""
    from ..serve import serve

    serve(args.graph, host=args.host, port=args.port, verbose=not args.quiet)
    return 0
