"""Node-link JSON (what ``kg.load`` reads back) and GraphML (for Gephi).

Both writers stream: one node or edge is encoded at a time, so writing costs
time linear in the graph and no memory beyond it. Nodes are written sorted by
id and edges by (source, target, key), with sorted attribute keys, so the same
graph always gives the same bytes, however it was built (one process, worker
processes or a Dask reduce).
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import networkx as nx

from ..errors import InputError, OutputError
from ..io import atomic_write

__all__ = ["write_json", "read_json", "write_graphml", "sorted_nodes", "sorted_edges"]

#: bytes handed to the file at a time
_CHUNK = 1 << 16


def sorted_nodes(graph: nx.MultiDiGraph) -> list[Any]:
    """The graph's node ids in the order kg writes them (by ``str`` of the id)."""
    return sorted(graph.nodes, key=str)


def sorted_edges(graph: nx.MultiDiGraph) -> list[tuple[Any, Any, Any, dict]]:
    """``(u, v, key, data)`` for every edge, in the order kg writes them."""
    return sorted(graph.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2])))


class _Sink:
    """Buffers text and writes it as UTF-8 (a stray lone surrogate becomes U+FFFD, never an error)."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        if self.size >= _CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            data = "".join(self.parts)
            try:
                raw = data.encode("utf-8")
            except UnicodeEncodeError:
                raw = re.sub("[\ud800-\udfff]", "\ufffd", data).encode("utf-8")
            self.fh.write(raw)
            self.parts, self.size = [], 0


def _finite(value: Any) -> Any:
    # NaN and infinities are not JSON: keep the file readable by every JSON parser
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def _write_stream(path: str | os.PathLike[str], chunks: Iterator[str]) -> None:
    target = Path(path)
    try:
        with atomic_write(target, "wb", encoding=None) as fh:
            sink = _Sink(fh)
            for chunk in chunks:
                sink.write(chunk)
            sink.flush()
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({exc.strerror or exc})") from None


def _json_chunks(graph: nx.MultiDiGraph) -> Iterator[str]:
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False).encode

    def enc(value: Any) -> str:
        try:
            return dumps(value)
        except ValueError:  # a NaN or infinity somewhere inside
            return dumps(_finite(value))

    yield '{"directed":true,"multigraph":true,"graph":'
    yield enc(dict(graph.graph))
    yield ',"nodes":['
    attrs = graph.nodes
    for i, n in enumerate(sorted_nodes(graph)):
        yield ("," if i else "") + enc({**attrs[n], "id": n})
    yield '],"edges":['
    for i, (u, v, k, d) in enumerate(sorted_edges(graph)):
        yield ("," if i else "") + enc({**d, "source": u, "target": v, "key": k})
    yield "]}\n"


def write_json(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> None:
    """Write ``graph`` as networkx node-link JSON (edges under ``"edges"``, keys kept), atomically.

    NaN and infinite numbers are written as ``null``. Raises :class:`OutputError`
    if the file cannot be written.
    """
    _write_stream(path, _json_chunks(graph))


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
    except (RecursionError, ValueError) as exc:  # nesting too deep, an integer too long
        raise InputError(f"{p}: not a kg graph.json ({type(exc).__name__}: {str(exc)[:80]})") from None
    problem = _structure_problem(data)
    if problem:
        raise InputError(f"{p}: not a kg graph.json ({problem})")
    try:
        graph = nx.node_link_graph(data, edges="edges", directed=True, multigraph=True)
    except (KeyError, TypeError, ValueError, AttributeError, nx.NetworkXError) as exc:
        raise InputError(f"{p}: not a kg graph.json ({type(exc).__name__}: {str(exc)[:80]})") from None
    return graph


def _structure_problem(data: Any) -> str | None:
    """What is wrong with a parsed graph.json's shape, or None when kg can use it."""
    if not isinstance(data, dict) or "nodes" not in data or "edges" not in data:
        return "no 'nodes' and 'edges'"
    if not isinstance(data["nodes"], list) or not isinstance(data["edges"], list):
        return "'nodes' and 'edges' must be lists"
    if not isinstance(data.get("graph", {}), dict):
        return "'graph' must be an object"
    for i, node in enumerate(data["nodes"]):
        if not isinstance(node, dict) or not isinstance(node.get("id"), (str, int)):
            return f"node {i} has no id"
        if "type" in node and not isinstance(node["type"], str):
            return f"node {node['id']!r} has a type that is not a string"
        for attr in ("sources", "topics", "aliases"):
            if attr in node and not isinstance(node[attr], list):
                return f"node {node['id']!r}: {attr!r} must be a list"
        for attr in ("forms", "type_votes"):
            if attr in node and not isinstance(node[attr], dict):
                return f"node {node['id']!r}: {attr!r} must be an object"
    for i, edge in enumerate(data["edges"]):
        if not isinstance(edge, dict) or "source" not in edge or "target" not in edge:
            return f"edge {i} has no source and target"
        if not isinstance(edge.get("count", 1), int) or not isinstance(edge.get("evidence", []), list):
            return f"edge {i}: 'count' must be an integer and 'evidence' a list"
        if any(not isinstance(ev, dict) for ev in edge.get("evidence", [])):
            return f"edge {i}: every evidence item must be an object"
    return None


# GraphML ---------------------------------------------------------------------------------

# XML 1.0 forbids most control characters and U+FFFE/U+FFFF; text from papers may hold them
_XML_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    # chained replace is several times faster than str.translate with a dict
    text = _XML_ILLEGAL.sub("\ufffd", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


_dumps = json.JSONEncoder(ensure_ascii=False, sort_keys=True, allow_nan=False).encode


def _scalar(value: Any) -> Any:
    # GraphML holds only scalars: lists and dicts travel as JSON text, None as "".
    if value is None:
        return ""
    if isinstance(value, (list, dict, tuple)):
        try:
            return _dumps(value)
        except ValueError:  # NaN or infinity inside
            return _dumps(_finite(value))
    return value


def _graphml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    return "string"


def _graphml_value(value: Any, kind: str) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "double":
        return repr(float(value)) if math.isfinite(value) else ("NaN" if value != value else ("INF" if value > 0 else "-INF"))
    return _xml(str(value))


def write_graphml(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> None:
    """Write ``graph`` as GraphML, streamed; list and dict attributes become JSON strings.

    Each attribute gets one type across its domain (a name seen with two types is
    a string), characters XML 1.0 forbids become U+FFFD, and the multigraph's edge
    key is both the edge's ``id`` and its ``relation`` attribute.
    """
    nodes = sorted_nodes(graph)
    edges = sorted_edges(graph)
    # one linear pass to declare every attribute with one type per domain
    kinds: dict[tuple[str, str], str] = {}

    def declare(domain: str, attrs: dict) -> None:
        for name, value in attrs.items():
            kind = _graphml_type(_scalar(value))
            seen = kinds.setdefault((domain, str(name)), kind)
            if seen != kind:
                kinds[(domain, str(name))] = "string"

    declare("graph", graph.graph)
    for n in nodes:
        declare("node", graph.nodes[n])
    for _, _, k, d in edges:
        declare("edge", {"relation": k, **d})
    ids = {key: f"{key[0][0]}_{i}" for i, key in enumerate(sorted(kinds))}

    def data(domain: str, attrs: dict) -> str:
        out = []
        for name in sorted(attrs, key=str):
            key = (domain, str(name))
            kind = kinds[key]
            value = _scalar(attrs[name])
            if kind == "string":
                value = str(value)
            out.append(f'<data key="{ids[key]}">{_graphml_value(value, kind)}</data>')
        return "".join(out)

    def chunks() -> Iterator[str]:
        yield (
            "<?xml version='1.0' encoding='utf-8'?>\n"
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
            'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
        )
        for (domain, name), kind in sorted(kinds.items()):
            yield f'<key id="{ids[(domain, name)]}" for="{domain}" attr.name="{_xml(name)}" attr.type="{kind}"/>\n'
        yield f'<graph edgedefault="directed">{data("graph", graph.graph)}\n'
        for n in nodes:
            yield f'<node id="{_xml(str(n))}">{data("node", graph.nodes[n])}</node>\n'
        for u, v, k, d in edges:
            yield (
                f'<edge id="{_xml(str(k))}" source="{_xml(str(u))}" target="{_xml(str(v))}">'
                f'{data("edge", {"relation": k, **d})}</edge>\n'
            )
        yield "</graph>\n</graphml>\n"

    _write_stream(path, chunks())
