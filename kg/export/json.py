"""Node-link JSON (what ``kg.load`` reads back) and GraphML (for Gephi)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import networkx as nx

from ..errors import InputError
from ..io import atomic_write

__all__ = ["write_json", "read_json", "write_graphml"]


def write_json(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> None:
    """Write ``graph`` as networkx node-link JSON (edges under ``"edges"``, keys kept)."""
    data = nx.node_link_data(graph, edges="edges")
    with atomic_write(path) as fh:
        json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))


def read_json(path: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """Read a graph written by :func:`write_json`; a bad file raises :class:`InputError` naming it."""
    p = Path(path)
    if p.is_dir():
        p = p / "graph.json"
    try:
        with open(p, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: cannot read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{p}: not a kg graph.json (invalid JSON at line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(data, dict) or "nodes" not in data or "edges" not in data:
        raise InputError(f"{p}: not a kg graph.json (no 'nodes' and 'edges')")
    try:
        graph = nx.node_link_graph(data, edges="edges", directed=True, multigraph=True)
    except (KeyError, TypeError, nx.NetworkXError) as exc:
        raise InputError(f"{p}: not a kg graph.json ({exc})") from None
    return graph


def _scalar(value: Any) -> Any:
    # GraphML holds only scalars: lists and dicts travel as JSON text, None as "".
    if value is None:
        return ""
    if isinstance(value, (list, dict, tuple)):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_graphml(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> None:
    """Write ``graph`` as GraphML; list and dict attributes become JSON strings."""
    flat = nx.MultiDiGraph()
    flat.graph.update({k: _scalar(v) for k, v in graph.graph.items()})
    for n, d in graph.nodes(data=True):
        flat.add_node(n, **{k: _scalar(v) for k, v in d.items()})
    for u, v, k, d in graph.edges(keys=True, data=True):
        flat.add_edge(u, v, key=k, relation=k, **{a: _scalar(x) for a, x in d.items()})
    # one type per attribute name across nodes, or GraphML readers reject the file
    for attr in {a for _, d in flat.nodes(data=True) for a in d}:
        kinds = {type(d[attr]) for _, d in flat.nodes(data=True) if attr in d}
        if len(kinds) > 1:
            for _, d in flat.nodes(data=True):
                if attr in d:
                    d[attr] = str(d[attr])
    with atomic_write(path, "wb", encoding=None) as fh:
        nx.write_graphml(flat, fh, named_key_ids=True)
