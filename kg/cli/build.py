"""``kg build PATH... -o DIR``: papers in, graph.json / graph.graphml / graph.ttl / ontology.ttl / graph.html out."""

from __future__ import annotations

import argparse
import sys

__all__ = ["register", "build_cli"]


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``build`` command."""
    p = sub.add_parser("build", help="build the graph from paper files or folders and write its exports")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders: .txt listing dumps, .jsonl, .json, .csv, .tsv, arXiv Atom .xml")
    p.add_argument("-o", "--out", default="outputs", metavar="DIR", help="output folder (default: outputs)")
    p.add_argument("--merge", action="store_true", help="add the papers to the graph already in DIR instead of starting afresh")
    p.add_argument("--base", default=None, metavar="IRI", help="base IRI of the RDF export")
    p.add_argument(
        "--format", dest="formats", action="append", choices=["turtle", "nt", "json-ld"], metavar="FORMAT",
        help="RDF serialisation: turtle (graph.ttl, the default), nt (graph.nt), json-ld (graph.jsonld); repeat for several",
    )
    p.add_argument("--max-nodes", type=int, default=None, metavar="N", help="graph.html starts with the N most connected nodes")
    p.add_argument("-j", "--jobs", type=int, default=1, metavar="N", help="worker processes for the pipeline (default 1)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress or summary line")
    p.set_defaults(func=build_cli)


def build_cli(args: argparse.Namespace) -> int:
    """Run ``kg build`` from parsed arguments; return the exit code."""
    from pathlib import Path

    from ..builder import Progress, build_graph, write_outputs
    from ..export.json import read_json

    graph = None
    if args.merge and (Path(args.out) / "graph.json").exists():
        graph = read_json(Path(args.out) / "graph.json")
    progress = Progress(enabled=not args.quiet)
    graph = build_graph(args.paths, graph=graph, jobs=args.jobs, progress=progress)
    summary = write_outputs(graph, args.out, base=args.base, max_nodes=args.max_nodes, rdf_formats=args.formats or ["turtle"])
    if not args.quiet:
        print(summary.line(), file=sys.stderr)
    return 0
