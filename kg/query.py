"""SPARQL over kg's RDF export with pyoxigraph, and the ready queries in ``queries/``.

``load_store(path)`` opens a ``.ttl`` / ``.nt`` / ``.jsonld`` file (loaded into an
in-memory store) or a pyoxigraph store folder (opened read-only; make one with
:func:`save_store`). ``run_query`` evaluates SPARQL 1.1 and returns a
:class:`QueryResult`, which :func:`format_result` prints as a table, or in the
SPARQL 1.1 Query Results CSV / JSON formats.

Ready queries are ``queries/<name>.rq`` files. Their leading ``#`` lines say what
they answer; a line ``# param NAME: description`` declares a parameter, written in
the query as ``VALUES ?NAME { UNDEF }``: left alone it matches everything (any
SPARQL tool runs the file as is); ``params={"NAME": "value"}`` replaces ``UNDEF``
with the string literal ``"value"``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import QueryError
from .resources import queries_path

__all__ = [
    "QueryResult",
    "ReadyQuery",
    "RDF_FORMATS",
    "load_store",
    "save_store",
    "run_query",
    "ready_queries",
    "ready_query",
    "bind_params",
    "format_result",
    "to_table",
    "to_csv",
    "to_json",
    "to_ntriples",
]

#: file suffix -> pyoxigraph format
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}

#: prefixes every query may use without declaring them (a query's own PREFIX wins)
DEFAULT_PREFIXES: dict[str, str] = {
    "kg": "https://w3id.org/kg/vocab#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "schema": "https://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "mls": "http://www.w3.org/ns/mls#",
}

_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass
class QueryResult:
    """The materialised answer of a SPARQL query.

    ``kind`` is ``"bindings"`` (SELECT: ``variables`` and ``rows`` of pyoxigraph
    terms, ``None`` for unbound), ``"boolean"`` (ASK: ``boolean``) or ``"graph"``
    (CONSTRUCT / DESCRIBE: ``triples``).
    """

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    boolean: bool | None = None
    triples: list = field(default_factory=list)

    def __len__(self) -> int:
        if self.kind == "bindings":
            return len(self.rows)
        if self.kind == "graph":
            return len(self.triples)
        return 1

    def values(self) -> list[tuple]:
        """Rows as plain Python values (IRI / literal lexical form; None if unbound)."""
        return [tuple(None if t is None else t.value for t in row) for row in self.rows]


@dataclass(frozen=True)
class ReadyQuery:
    """A documented query file from ``queries/``."""

    name: str
    path: Path
    description: str
    params: dict[str, str]

    @property
    def text(self) -> str:
        """The SPARQL text of the file."""
        return self.path.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------- stores
def _syntax_message(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def load_store(path: str | os.PathLike[str]) -> ox.Store:
    """Open the graph at ``path`` for querying.

    A file (``.ttl``, ``.nt``, ``.jsonld``, ``.nq``, ``.trig``, ``.rdf``) is parsed
    into an in-memory store; a folder must be a pyoxigraph store (see
    :func:`save_store`) and is opened read-only. Raises :class:`QueryError` naming
    the file, and the line, when it is missing or cannot be parsed.
    """
    p = Path(path)
    if p.is_dir():
        try:
            return ox.Store.read_only(str(p))
        except OSError as exc:
            raise QueryError(f"{p}: not a pyoxigraph store folder ({_syntax_message(exc)})") from None
    if not p.exists():
        raise QueryError(f"{p}: no such graph file or store folder")
    fmt = RDF_FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise QueryError(f"{p}: unknown RDF file type {p.suffix!r} (use .ttl, .nt, .jsonld, .nq, .trig or .rdf)")
    store = ox.Store()
    try:
        store.bulk_load(path=str(p), format=fmt)
    except SyntaxError as exc:
        raise QueryError(f"{p}: cannot parse as {fmt.name}: {_syntax_message(exc)}") from None
    except (OSError, ValueError) as exc:
        raise QueryError(f"{p}: cannot read ({_syntax_message(exc)})") from None
    return store


def save_store(graph_path: str | os.PathLike[str], directory: str | os.PathLike[str]) -> Path:
    """Load the RDF file ``graph_path`` into a new on-disk store at ``directory``.

    The folder can then be given to :func:`load_store` / ``kg query`` / ``kg serve``,
    which opens it in well under a second whatever the graph size.
    """
    src, dst = Path(graph_path), Path(directory)
    fmt = RDF_FORMATS.get(src.suffix.lower())
    if not src.is_file():
        raise QueryError(f"{src}: no such graph file")
    if fmt is None:
        raise QueryError(f"{src}: unknown RDF file type {src.suffix!r}")
    if dst.exists() and any(dst.iterdir()):
        raise QueryError(f"{dst}: store folder exists and is not empty")
    try:
        store = ox.Store(str(dst))
        store.bulk_load(path=str(src), format=fmt)
        store.flush()
        store.optimize()
        del store
    except SyntaxError as exc:
        raise QueryError(f"{src}: cannot parse as {fmt.name}: {_syntax_message(exc)}") from None
    except OSError as exc:
        raise QueryError(f"{dst}: cannot create store ({_syntax_message(exc)})") from None
    return dst


# ---------------------------------------------------------------------------- queries
def bind_params(sparql: str, params: Mapping[str, str] | None) -> str:
    """Replace ``VALUES ?name { UNDEF }`` by ``VALUES ?name { "value" }`` for each param.

    Raises :class:`QueryError` for a parameter the query does not declare.
    """
    for name, value in (params or {}).items():
        pattern = re.compile(r"(VALUES\s+[?$]" + re.escape(name) + r"\s*\{\s*)UNDEF(\s*\})", re.IGNORECASE)
        if not pattern.search(sparql):
            raise QueryError(f"the query has no parameter {name!r} (no 'VALUES ?{name} {{ UNDEF }}' in it)")
        literal = json.dumps(str(value), ensure_ascii=False)  # a JSON string is a valid SPARQL string literal
        sparql = pattern.sub(lambda m: m.group(1) + literal + m.group(2), sparql)
    return sparql


def _query_position(exc: BaseException, sparql: str) -> str:
    msg = _syntax_message(exc)
    m = re.search(r"at (\d+):(\d+)", msg)
    if m:
        line, col = int(m.group(1)), int(m.group(2))
        lines = sparql.splitlines()
        if 1 <= line <= len(lines):
            return f"line {line}, column {col}: {msg.split(': ', 1)[-1]} (near {lines[line - 1].strip()[:60]!r})"
        return f"line {line}, column {col}: {msg.split(': ', 1)[-1]}"
    return msg


def run_query(store_or_path: ox.Store | str | os.PathLike[str], sparql: str, *, params: Mapping[str, str] | None = None) -> QueryResult:
    """Evaluate the SPARQL 1.1 query ``sparql`` on a store or graph file.

    ``params`` bind a ready query's parameters (see :func:`bind_params`). kg's
    usual prefixes (``kg:``, ``rdfs:``, ``skos:`` ...) are predeclared. A malformed
    query raises :class:`QueryError` with the line and column of the error.
    """
    store = store_or_path if isinstance(store_or_path, ox.Store) else load_store(store_or_path)
    sparql = bind_params(sparql, params)
    try:
        answer = store.query(sparql, prefixes=DEFAULT_PREFIXES)
    except SyntaxError as exc:
        raise QueryError(f"malformed SPARQL query at {_query_position(exc, sparql)}") from None
    except (OSError, RuntimeError, ValueError) as exc:
        raise QueryError(f"SPARQL query failed: {_syntax_message(exc)}") from None
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(kind="boolean", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows = [tuple(sol[i] for i in range(len(variables))) for sol in answer]
        return QueryResult(kind="bindings", variables=variables, rows=rows)
    return QueryResult(kind="graph", triples=list(answer))


# ---------------------------------------------------------------------------- ready queries
def _queries_dir() -> Path:
    return queries_path()


def _parse_header(path: Path) -> ReadyQuery:
    description: list[str] = []
    params: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        body = line[1:].strip()
        m = re.match(r"param\s+(\w+)\s*:\s*(.*)", body)
        if m:
            params[m.group(1)] = m.group(2)
        elif body:
            description.append(body)
    return ReadyQuery(name=path.stem, path=path, description=" ".join(description), params=params)


def ready_queries() -> dict[str, ReadyQuery]:
    """The ready queries shipped in ``queries/``, by name (the file stem)."""
    folder = _queries_dir()
    return {p.stem: _parse_header(p) for p in sorted(folder.glob("*.rq"))}


def ready_query(name: str) -> ReadyQuery:
    """The ready query ``name`` or :class:`QueryError` listing the known names."""
    queries = ready_queries()
    if name not in queries:
        raise QueryError(f"no ready query {name!r} (known: {', '.join(queries) or 'none'})")
    return queries[name]


# ---------------------------------------------------------------------------- output
def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD + "string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(term.subject), "predicate": _json_term(term.predicate), "object": _json_term(term.object)}}
    return {"type": "literal", "value": str(term)}


def to_json(result: QueryResult) -> str:
    """The result in the SPARQL 1.1 Query Results JSON format (graphs: N-Triples)."""
    if result.kind == "boolean":
        return json.dumps({"head": {}, "boolean": result.boolean})
    if result.kind == "graph":
        return to_ntriples(result)
    bindings = [{v: _json_term(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows]
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}}, ensure_ascii=False)


def _csv_value(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def to_csv(result: QueryResult) -> str:
    """The result in the SPARQL 1.1 Query Results CSV format (CRLF rows; graphs: N-Triples)."""
    if result.kind == "graph":
        return to_ntriples(result)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if result.kind == "boolean":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return buf.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_csv_value(t) for t in row])
    return buf.getvalue()


def to_ntriples(result: QueryResult) -> str:
    """A graph result as N-Triples."""
    return "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in result.triples)


def _short(term, prefixes: Mapping[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for p, ns in prefixes.items():
            if term.value.startswith(ns) and len(term.value) > len(ns):
                return f"{p}:{term.value[len(ns):]}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        text = term.value.replace("\n", " ")
        return text if len(text) <= 80 else text[:77] + "..."
    return _csv_value(term)


def to_table(result: QueryResult, prefixes: Mapping[str, str] | None = None) -> str:
    """The result as an aligned text table for a terminal (IRIs shortened by prefix)."""
    prefixes = DEFAULT_PREFIXES if prefixes is None else prefixes
    if result.kind == "boolean":
        return "true\n" if result.boolean else "false\n"
    if result.kind == "graph":
        return to_ntriples(result)
    cells = [[_short(t, prefixes) for t in row] for row in result.rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(result.variables)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(result.variables, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines) + "\n"


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """``result`` as ``table``, ``csv`` or ``json`` text."""
    if fmt == "table":
        return to_table(result)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "json":
        return to_json(result)
    raise QueryError(f"unknown output format {fmt!r} (choose table, csv or json)")
