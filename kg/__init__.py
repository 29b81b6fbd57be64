"""kg: a knowledge graph of ML methods, models, datasets and findings.

The Python API for analysis scripts::

    import kg
    g = kg.build(["seeds/"])          # networkx.MultiDiGraph
    g = kg.load("outputs/graph.json") # read a graph written by ``kg build``
    rdf = kg.to_rdf(g)                # rdflib.Graph

See docs/SCHEMA.md for the graph's nodes, edges and evidence.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .errors import InputError, KGError, OutputError, QueryError, RuleError

if TYPE_CHECKING:
    import networkx as nx
    import rdflib

from .version import __version__

__all__ = [
    "__version__",
    "build",
    "load",
    "merge",
    "to_rdf",
    "KGError",
    "InputError",
    "OutputError",
    "RuleError",
    "QueryError",
]


def build(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    jobs: int = 1,
    client: Any = None,
    scheduler: str = "local",
    address: str | None = None,
    rules_dir: str | os.PathLike[str] | None = None,
) -> "nx.MultiDiGraph":
    """Build the graph of the papers in ``paths`` (files or folders).

    ``jobs`` > 1 runs the pipeline in worker processes. ``client`` (a
    ``dask.distributed.Client``), ``address`` (a Dask scheduler) or
    ``scheduler="dask"`` (a LocalCluster of ``jobs`` workers) runs it on Dask;
    see :mod:`kg.distributed`. Every way gives the same graph. ``rules_dir``
    replaces kg's rules/ in every stage, workers included.

    Examples
    --------
    >>> import kg, tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "p.jsonl").write_text('{"title": "T", "abstract": "We fine-tune Llama 2 with LoRA on GSM8K."}\\n')
    >>> g = kg.build([d])
    >>> sum(1 for _, t in g.nodes(data="type") if t == "Paper")
    1
    """
    from .builder import build_graph

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    return build_graph(paths, jobs=jobs, client=client, scheduler=scheduler, address=address, rules_dir=rules_dir)


def load(path: str | os.PathLike[str]) -> "nx.MultiDiGraph":
    """Load a graph written by ``kg build`` (``graph.json``, or the output folder holding it)."""
    from .export.json import read_json

    return read_json(path)


def merge(
    graph: "nx.MultiDiGraph", paths: Iterable[str | os.PathLike[str]], *, jobs: int = 1, client: Any = None,
    rules_dir: str | os.PathLike[str] | None = None,
) -> "nx.MultiDiGraph":
    """Add the papers in ``paths`` to an existing ``graph`` and return it.

    Papers the graph holds are not processed again. In one process (the default)
    ``graph`` is extended in place; on Dask (``client``) a new graph is returned.
    ``rules_dir``: as in :func:`build`.
    """
    from .builder import build_graph

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    return build_graph(paths, graph=graph, jobs=jobs, client=client, rules_dir=rules_dir)


def to_rdf(graph: "nx.MultiDiGraph", **kwargs) -> "rdflib.Graph":
    """The graph as an ``rdflib.Graph`` in kg's vocabulary (see kg.export.rdf.to_rdf)."""
    from .export.rdf import to_rdf as _to_rdf

    return _to_rdf(graph, **kwargs)
