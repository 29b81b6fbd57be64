"""``kg build PATH... -o DIR``: papers in, graph.json / graph.graphml / graph.ttl / ontology.ttl / graph.html out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError, KGError

if TYPE_CHECKING:
    import networkx as nx

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
    p.add_argument("-j", "--jobs", type=int, default=1, metavar="N", help="worker processes for the pipeline and the writers (default 1)")
    p.add_argument(
        "--scheduler", choices=["local", "dask"], default="local",
        help="local: this process and -j workers (default); dask: a Dask cluster (needs kg[dask])",
    )
    p.add_argument("--dask-address", default=None, metavar="ADDR", help="scheduler of a running Dask cluster, e.g. tcp://host:8786 (default: a LocalCluster of -j workers)")
    p.add_argument(
        "--evidence", default=None, metavar="LEVEL",
        help="how much evidence the RDF carries: full, compact (the default) or none; graph.json always keeps it all",
    )
    p.add_argument("--title-field", default=None, metavar="NAME", help="column or JSON field holding the title, when it has an unusual name")
    p.add_argument("--text-field", default=None, metavar="NAME", help="column or JSON field holding the abstract, when it has an unusual name")
    p.add_argument("--rules", default=None, metavar="DIR",
                   help="rules folder to read instead of kg's own rules/: every stage, the workers included")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress or summary line")
    p.set_defaults(func=build_cli)


def build_cli(args: argparse.Namespace) -> int:
    """Run ``kg build`` from parsed arguments; return the exit code."""
    from ..builder import Progress, build_graph, default_writers, write_outputs
    from ..io import ensure_dir
    from ..outdir import OutputLock

    if args.jobs < 1:
        raise KGError(f"-j must be at least 1 (got {args.jobs})")
    formats = args.formats or ["turtle"]
    # settings are checked before any paper is read: a typo must not cost a long run
    default_writers(base=args.base, max_nodes=args.max_nodes, rdf_formats=formats, evidence=args.evidence)
    if args.max_nodes is not None and args.max_nodes < 1:
        raise KGError(f"--max-nodes must be at least 1 (got {args.max_nodes})")
    reader_options = {k: v for k, v in (("title_field", args.title_field), ("text_field", args.text_field)) if v}
    out = ensure_dir(args.out)
    # held from reading the old graph to writing the new one, so two merges into one
    # folder take turns instead of one silently dropping the other's batch
    with OutputLock(out, quiet=args.quiet):
        graph = load_for_merge(out) if args.merge else None
        progress = Progress(enabled=not args.quiet)
        graph = build_graph(
            args.paths, graph=graph, jobs=args.jobs, progress=progress, scheduler=args.scheduler,
            address=args.dask_address, reader_options=reader_options or None, rules_dir=args.rules,
        )
        summary = write_outputs(
            graph, out, base=args.base, max_nodes=args.max_nodes, rdf_formats=formats,
            evidence=args.evidence, jobs=args.jobs if args.scheduler == "local" else 1,
        )
    if not args.quiet:
        print(summary.line(), file=sys.stderr)
    return 0


def load_for_merge(out: Path) -> "nx.MultiDiGraph":
    """The graph in ``out/graph.json`` to add a batch to; refuses a missing, empty or foreign one.

    ``--merge`` never starts afresh on its own: a graph that is not there or
    holds no paper would otherwise be silently replaced by the new batch alone.
    """
    from ..export.json import read_json

    path = out / "graph.json"
    if not path.exists():
        raise InputError(f"{path}: no graph to merge into (run kg build without --merge first)")
    graph = read_json(path)
    if not any(t == "Paper" for _, t in graph.nodes(data="type")):
        raise InputError(f"{path}: the graph to merge into holds no papers (run kg build without --merge to start afresh)")
    for n, d in graph.nodes(data=True):
        if d.get("type") == "Paper" and not (isinstance(d.get("sources"), list) and isinstance(d.get("topics"), list)):
            raise InputError(f"{path}: not a graph written by kg build (paper {n!r} has no sources/topics lists)")
    return graph
