"""SPARQL over kg's RDF export with pyoxigraph, and the ready queries in ``queries/``.

``load_store(path)`` opens a ``.ttl`` / ``.nt`` / ``.jsonld`` file or a pyoxigraph
store folder (opened read-only; make one with :func:`save_store`). A file is
loaded once into a store kept beside it (``.graph.ttl.oxigraph``, see
:func:`ensure_store`) and reopened from there while the file is unchanged, so
only the first query on a big graph pays for parsing it. ``run_query``
evaluates SPARQL 1.1 and returns a :class:`QueryResult`, which
:func:`format_result` prints as a table, or in the SPARQL 1.1 Query Results CSV /
JSON formats.

Every query is checked before pyoxigraph parses it (:func:`check_query`): its
length, nesting and operator count are bounded (the engine recurses on each and
crashes the process past a few thousand), updates are refused, and so are
``SERVICE`` clauses, which make the engine fetch from other addresses, unless the
caller opts in. :class:`QueryWorker` runs queries in a child process that is
killed when a query runs past its time limit, so a runaway query, or one that
crashes the engine, never takes the caller down.

Ready queries are ``queries/<name>.rq`` files. Their leading ``#`` lines say what
they answer; a line ``# param NAME: description`` declares a parameter, written in
the query as ``VALUES ?NAME { UNDEF }``: left alone it matches everything (any
SPARQL tool runs the file as is); ``params={"NAME": "value"}`` replaces ``UNDEF``
with the string literal ``"value"``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import multiprocessing.connection
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import KGError, QueryError
from .resources import queries_path

__all__ = [
    "QueryResult",
    "ReadyQuery",
    "RDF_FORMATS",
    "DEFAULT_TIMEOUT",
    "MAX_QUERY_CHARS",
    "MAX_NESTING",
    "MAX_OPERATORS",
    "QueryRefused",
    "QueryTimeout",
    "QueryCancelled",
    "ResultTooLarge",
    "EngineCrashed",
    "QueryWorker",
    "check_query",
    "load_store",
    "save_store",
    "ensure_store",
    "store_folder",
    "prepare_source",
    "run_query",
    "run_isolated",
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

#: seconds a query may run in ``kg query`` and ``kg serve`` unless told otherwise
DEFAULT_TIMEOUT = 10.0
#: the longest query text accepted, in characters
MAX_QUERY_CHARS = 65536
#: the deepest nesting of ``{`` ``(`` ``[`` accepted (pyoxigraph segfaults near 3,000 braces
#: and takes seconds to parse 100 nested blank nodes)
MAX_NESTING = 64
#: the most operators (``&&``, ``||``, ``UNION``, ``+``, ``/``, ``!`` ...) accepted: long
#: chains build trees as deep as they are long, which also overflow the engine's stack
MAX_OPERATORS = 2000

_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class QueryRefused(QueryError):
    """The query asks for something kg does not do: an update, or a SERVICE fetch."""


class QueryTimeout(QueryError):
    """The query ran past its time limit and was stopped."""


class QueryCancelled(QueryError):
    """The query was stopped because whoever asked for it has gone."""


class ResultTooLarge(QueryError):
    """The answer has more rows (or bytes) than the cap allows."""


class EngineCrashed(QueryError):
    """The process evaluating the query died (a crash in the engine, or out of memory)."""


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


def _syntax_message(exc: BaseException) -> str:
    return " ".join(str(exc).split())


# ---------------------------------------------------------------------------- checking queries
# One token at a time; every pattern is a loop over disjoint alternatives, so a
# failed match backtracks in linear time.
_LONG_STRING_RES = {
    '"': re.compile(r'"""(?:[^"\\]|\\[\s\S]|"(?!""))*"""'),
    "'": re.compile(r"'''(?:[^'\\]|\\[\s\S]|'(?!''))*'''"),
}
_SHORT_STRING_RES = {
    '"': re.compile(r'"(?:[^"\\\n\r]|\\[\s\S])*"'),
    "'": re.compile(r"'(?:[^'\\\n\r]|\\[\s\S])*'"),
}
_IRI_RE = re.compile(r"<(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>")
_TOKEN_RE = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<var>[?$][\w\u00B7]*)
    | (?P<word>(?:[\w\-.:%\u00B7]|\\\S)+)
    | (?P<op>&&|\|\||<=|>=|!=|\^\^)
    | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_OPERATOR_CHARS = frozenset("|/+-!^=<>*")
_UPDATE_FORMS = frozenset({"insert", "delete", "load", "clear", "create", "drop", "copy", "move", "add", "with"})
_QUERY_FORMS = frozenset({"select", "construct", "describe", "ask"}) | _UPDATE_FORMS
_SERVICE_RE = re.compile(r"service", re.IGNORECASE)
_SERVICE_SILENT_RE = re.compile(r"service(?:[ \t\r\n]{1,64}silent(?![\w:]))?", re.IGNORECASE)
_SERVICE_REFUSED = "SERVICE clauses are refused: they make the engine fetch from other addresses"


def _line_col(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    return f"line {line}, column {pos - (text.rfind(chr(10), 0, pos) + 1) + 1}"


def _tokens(sparql: str) -> Iterator[tuple[str, str, int]]:
    """``(kind, text, offset)`` for each token of ``sparql``: strings, IRIs and comments
    are single tokens, so what they contain is never read as SPARQL."""
    pos, end = 0, len(sparql)
    while pos < end:
        ch = sparql[pos]
        if ch in "\"'":
            m = _LONG_STRING_RES[ch].match(sparql, pos) or _SHORT_STRING_RES[ch].match(sparql, pos)
            if m is None:
                raise QueryError(f"malformed SPARQL query at {_line_col(sparql, pos)}: unterminated string")
            yield "string", m.group(), pos
            pos = m.end()
            continue
        if ch == "<":
            m = _IRI_RE.match(sparql, pos)
            if m is not None:
                yield "iri", m.group(), pos
                pos = m.end()
                continue
        m = _TOKEN_RE.match(sparql, pos)
        kind = m.lastgroup or "punct"
        if kind != "ws":
            yield kind, m.group(), pos
        pos = m.end()


def check_query(sparql: str, *, allow_service: bool = False, parse: bool = True) -> None:
    """Refuse, with :class:`QueryError`, a query that must not reach the engine.

    Checked without parsing: the length (:data:`MAX_QUERY_CHARS`), the nesting of
    brackets (:data:`MAX_NESTING`) and the number of operators
    (:data:`MAX_OPERATORS`). :class:`QueryRefused` for an update (``INSERT``,
    ``LOAD`` ...) and, unless ``allow_service``, for a ``SERVICE`` clause, however it
    is spelt: whenever the text holds the letters "service" anywhere, the query is
    also parsed with them renamed, which tells a keyword (the renamed query no
    longer parses) from a name, string, IRI or comment (it still does).
    """
    if len(sparql) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(sparql):,} characters long; the limit is {MAX_QUERY_CHARS:,}")
    depth = operators = 0
    form = None
    for kind, text, pos in _tokens(sparql):
        if kind == "punct":
            if text in "{([":
                depth += 1
            elif text in "})]":
                depth = max(0, depth - 1)
            elif text in _OPERATOR_CHARS:
                operators += 1
        elif kind == "op":
            operators += 1
        elif kind == "iri":
            # after an operand `<` is less-than, and the engine reads what follows as
            # code: count the brackets such an "IRI" could open
            depth += max(0, text.count("(") - text.count(")"))
        elif kind == "word":
            low = text.lower()
            if form is None and low in _QUERY_FORMS:
                form = low
                if low in _UPDATE_FORMS:
                    raise QueryRefused(f"updates are not allowed ({text.upper()} at {_line_col(sparql, pos)}): queries here are read-only")
            elif low == "union":
                operators += 1
            elif low == "service" and not allow_service:
                raise QueryRefused(f"{_SERVICE_REFUSED} (at {_line_col(sparql, pos)})")
        if depth > MAX_NESTING:
            raise QueryError(f"the query nests brackets deeper than {MAX_NESTING} levels (at {_line_col(sparql, pos)})")
        if operators > MAX_OPERATORS:
            raise QueryError(f"the query has more than {MAX_OPERATORS:,} operators (at {_line_col(sparql, pos)})")
    if parse and not allow_service and _SERVICE_RE.search(sparql):
        _refuse_hidden_service(sparql)


_EMPTY_STORE: ox.Store | None = None
_EMPTY_LOCK = threading.Lock()


def _parse_error(sparql: str) -> SyntaxError | None:
    """The engine's syntax error for ``sparql``, or None when it parses.

    pyoxigraph has no parse-only call; evaluation is lazy for SELECT, CONSTRUCT and
    DESCRIBE, and an ASK runs on an empty store, which holds nothing to fetch.
    """
    global _EMPTY_STORE
    with _EMPTY_LOCK:
        if _EMPTY_STORE is None:
            _EMPTY_STORE = ox.Store()
    try:
        _EMPTY_STORE.query(sparql, prefixes=DEFAULT_PREFIXES)
    except SyntaxError as exc:
        return exc
    except Exception:  # noqa: BLE001 - an evaluation error means it parsed
        return None
    return None


def _rename_service(m: re.Match) -> str:
    word = m.group()
    return word[:-1] + ("X" if word[-1].isupper() else "x")


def _refuse_hidden_service(sparql: str) -> None:
    # The engine decides, not a tokenizer: whether `<` opens an IRI or compares
    # depends on the grammar around it, and a wrong guess can hide a keyword in
    # what looks like an IRI, a string or a comment.
    renamed = _SERVICE_RE.sub(_rename_service, sparql)  # same length: positions still hold
    error = _parse_error(renamed)
    if error is None:
        return  # "service" only in names, strings, IRIs or comments
    if _parse_error(_SERVICE_SILENT_RE.sub("GRAPH", sparql)) is None:
        raise QueryRefused(_SERVICE_REFUSED)
    raise QueryError(f"malformed SPARQL query at {_query_position(error, sparql)}")


# ---------------------------------------------------------------------------- stores
_MARKER = "kg-store.json"


def _format_of(path: Path) -> ox.RdfFormat:
    fmt = RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise QueryError(f"{path}: unknown RDF file type {path.suffix!r} (use .ttl, .nt, .jsonld, .nq, .trig or .rdf)")
    return fmt


def _open_read_only(folder: Path) -> ox.Store:
    try:
        return ox.Store.read_only(str(folder))
    except (OSError, RuntimeError) as exc:  # RocksDB reports corruption as RuntimeError
        raise QueryError(f"{folder}: not a pyoxigraph store folder ({_syntax_message(exc)})") from None


def _load_in_memory(path: Path) -> ox.Store:
    fmt = _format_of(path)
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=fmt)
    except SyntaxError as exc:
        raise QueryError(f"{path}: cannot parse as {fmt.name}: {_syntax_message(exc)}") from None
    except (OSError, ValueError) as exc:
        raise QueryError(f"{path}: cannot read ({_syntax_message(exc)})") from None
    return store


def load_store(path: str | os.PathLike[str], *, cache: bool = True) -> ox.Store:
    """Open the graph at ``path`` for querying.

    A folder must be a pyoxigraph store (see :func:`save_store`) and is opened
    read-only. A file (``.ttl``, ``.nt``, ``.jsonld``, ``.nq``, ``.trig``,
    ``.rdf``) is opened from the store kept beside it (:func:`ensure_store`),
    built on first use and rebuilt when the file changes or the store is broken;
    where that store cannot be written (or ``cache=False``) the file is parsed
    into memory instead. Raises :class:`QueryError` naming the file, and the line,
    when it is missing or cannot be parsed.
    """
    p = Path(path)
    if p.is_dir():
        return _open_read_only(p)
    if not p.exists():
        raise QueryError(f"{p}: no such graph file or store folder")
    _format_of(p)
    if cache:
        for rebuild in (False, True):
            folder = ensure_store(p, rebuild=rebuild)
            if folder is None:
                break
            with contextlib.suppress(QueryError):
                return _open_read_only(folder)
    return _load_in_memory(p)


def store_folder(graph_path: str | os.PathLike[str]) -> Path:
    """The folder of the store kept beside ``graph_path``: ``.<file name>.oxigraph``."""
    p = Path(graph_path)
    return p.with_name(f".{p.name}.oxigraph")


def _fingerprint(src: Path) -> dict:
    st = src.stat()
    return {"source": src.name, "size": st.st_size, "mtime_ns": st.st_mtime_ns, "pyoxigraph": ox.__version__}


def _is_fresh(folder: Path, fingerprint: dict) -> bool:
    try:
        return json.loads((folder / _MARKER).read_text(encoding="utf-8")) == fingerprint
    except (OSError, ValueError):
        return False


def _build(src: Path, folder: Path, fingerprint: dict | None) -> None:
    """Load ``src`` into a new on-disk store at ``folder`` (closed on return); the
    marker recording ``fingerprint`` is written last, so a store with a marker is complete."""
    fmt = _format_of(src)
    store = ox.Store(str(folder))
    try:
        store.bulk_load(path=str(src), format=fmt)
        store.flush()
        store.optimize()
    except SyntaxError as exc:
        raise QueryError(f"{src}: cannot parse as {fmt.name}: {_syntax_message(exc)}") from None
    except ValueError as exc:
        raise QueryError(f"{src}: cannot read ({_syntax_message(exc)})") from None
    finally:
        del store  # closes the database before the folder is renamed
    if fingerprint is not None:
        (folder / _MARKER).write_text(json.dumps(fingerprint), encoding="utf-8")


def ensure_store(graph_path: str | os.PathLike[str], *, rebuild: bool = False) -> Path | None:
    """The folder of an up-to-date store of the RDF file ``graph_path``, or None.

    The store lives beside the file (:func:`store_folder`) and records the size and
    modification time of the file it was built from; it is reused while they match
    and rebuilt otherwise (or when ``rebuild``, for a store found broken). A build
    goes to a temporary folder renamed into place when complete, so a reader never
    sees half a store and two processes racing both end with a whole one. None
    when the folder beside the file cannot be written: the caller loads the file
    into memory.
    """
    src = Path(graph_path)
    try:
        fingerprint = _fingerprint(src)
    except OSError as exc:
        raise QueryError(f"{src}: cannot read ({exc.strerror or exc})") from None
    target = store_folder(src)
    if not rebuild and _is_fresh(target, fingerprint):
        return target
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f"{target.name}.", suffix=".tmp", dir=src.parent))
    except OSError:
        return None
    try:
        with contextlib.suppress(OSError):
            os.chmod(tmp, 0o755)  # mkdtemp's 0700 would hide the store from other users of the graph
        try:
            _build(src, tmp, fingerprint)
        except OSError:
            return None  # disk full, read-only file system ...: fall back to memory
        if _install(tmp, target, fingerprint, replace=rebuild):
            return target
        return target if _is_fresh(target, fingerprint) else None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _install(tmp: Path, target: Path, fingerprint: dict, *, replace: bool) -> bool:
    """Rename the complete store ``tmp`` to ``target``; True when ``target`` is now a fresh store."""
    try:
        os.rename(tmp, target)
        return True
    except OSError:
        pass  # target exists
    if not replace and _is_fresh(target, fingerprint):
        return True  # another process built the same store meanwhile
    old = target.with_name(f"{target.name}.old-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        os.rename(target, old)
    except FileNotFoundError:
        pass
    except OSError:
        return False
    try:
        os.rename(tmp, target)
        return True
    except OSError:
        return _is_fresh(target, fingerprint)  # lost a race to an equally fresh store
    finally:
        shutil.rmtree(old, ignore_errors=True)


def prepare_source(path: str | os.PathLike[str]) -> Path:
    """What a :class:`QueryWorker` should open for the graph at ``path``: a store
    folder (given, or the up-to-date one kept beside the file), else the file itself,
    which the worker then loads into memory."""
    p = Path(path)
    if p.is_dir():
        _open_read_only(p)  # fail here, with the folder's name, not in the worker
        return p
    if not p.exists():
        raise QueryError(f"{p}: no such graph file or store folder")
    _format_of(p)
    for rebuild in (False, True):
        folder = ensure_store(p, rebuild=rebuild)
        if folder is None:
            break
        try:
            _open_read_only(folder)
            return folder
        except QueryError:
            continue
    return p


def save_store(graph_path: str | os.PathLike[str], directory: str | os.PathLike[str]) -> Path:
    """Load the RDF file ``graph_path`` into a new on-disk store at ``directory``.

    The folder can then be given to :func:`load_store` / ``kg query`` / ``kg serve``,
    which opens it in well under a second whatever the graph size.
    """
    src, dst = Path(graph_path), Path(directory)
    if not src.is_file():
        raise QueryError(f"{src}: no such graph file")
    _format_of(src)
    if dst.exists() and any(dst.iterdir()):
        raise QueryError(f"{dst}: store folder exists and is not empty")
    try:
        _build(src, dst, None)
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


def _too_many(max_rows: int) -> ResultTooLarge:
    return ResultTooLarge(f"the answer has more than {max_rows:,} rows (the --max-rows limit): add a LIMIT, or raise the limit")


def run_query(
    store_or_path: ox.Store | str | os.PathLike[str],
    sparql: str,
    *,
    params: Mapping[str, str] | None = None,
    allow_service: bool = False,
    max_rows: int | None = None,
    timeout: float | None = None,
) -> QueryResult:
    """Evaluate the SPARQL 1.1 query ``sparql`` on a store or graph file, in this process.

    ``params`` bind a ready query's parameters (see :func:`bind_params`). kg's
    usual prefixes (``kg:``, ``rdfs:``, ``skos:`` ...) are predeclared. The query is
    first checked by :func:`check_query` (``allow_service`` lets SERVICE clauses
    through). More than ``max_rows`` rows or triples raise :class:`ResultTooLarge`;
    ``timeout`` seconds are checked between rows (:class:`QueryTimeout`), which
    cannot stop one long aggregate: use :func:`run_isolated` or a
    :class:`QueryWorker` for a hard limit. Every failure, while parsing or while
    reading rows, is a :class:`QueryError`; a malformed query's names the line and column.
    """
    sparql = bind_params(sparql, params)
    check_query(sparql, allow_service=allow_service)
    store = store_or_path if isinstance(store_or_path, ox.Store) else load_store(store_or_path)
    deadline = None if not timeout else time.monotonic() + timeout

    def tick(n: int) -> None:
        if max_rows is not None and n > max_rows:
            raise _too_many(max_rows)
        if deadline is not None and n % 256 == 0 and time.monotonic() > deadline:
            raise QueryTimeout(f"the query ran past its {timeout:g} s time limit and was stopped")

    try:
        answer = store.query(sparql, prefixes=DEFAULT_PREFIXES)
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult(kind="boolean", boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            width = range(len(variables))
            rows: list[tuple] = []
            for sol in answer:  # rows are read one by one, so the caps hold before memory runs out
                rows.append(tuple(sol[i] for i in width))
                tick(len(rows))
            return QueryResult(kind="bindings", variables=variables, rows=rows)
        triples: list = []
        for triple in answer:
            triples.append(triple)
            tick(len(triples))
        return QueryResult(kind="graph", triples=triples)
    except SyntaxError as exc:
        raise QueryError(f"malformed SPARQL query at {_query_position(exc, sparql)}") from None
    except KGError:
        raise
    except Exception as exc:  # noqa: BLE001 - pyoxigraph raises OSError, RuntimeError, ValueError ... while rows are read
        raise QueryError(f"SPARQL query failed: {_syntax_message(exc) or type(exc).__name__}") from None


# ---------------------------------------------------------------------------- isolated evaluation
_ERRORS: dict[str, type[QueryError]] = {
    cls.__name__: cls for cls in (QueryError, QueryRefused, QueryTimeout, QueryCancelled, ResultTooLarge, EngineCrashed)
}


class _Child:
    """A worker process started as ``python -m kg.query``, talking over a socket pair.

    A fresh interpreter, not multiprocessing's fork / spawn: nothing of the parent
    (its threads' locks, or a ``__main__`` script without a ``__name__`` guard) is
    carried into the child, and the child costs one interpreter start (~0.1 s).
    """

    def __init__(self, source: str, allow_service: bool) -> None:
        parent, child = socket.socketpair()
        try:
            env = dict(os.environ)
            # the child must import this same kg, wherever it was imported from
            package_root = str(Path(__file__).resolve().parent.parent)
            env["PYTHONPATH"] = os.pathsep.join([package_root, *filter(None, [env.get("PYTHONPATH")])])
            args = [sys.executable, "-m", "kg.query", str(child.fileno()), source, "1" if allow_service else "0"]
            self._popen = subprocess.Popen(args, pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        except BaseException:
            parent.close()
            raise
        finally:
            child.close()
        self.conn = multiprocessing.connection.Connection(parent.detach())
        self.pid = self._popen.pid

    def is_alive(self) -> bool:
        return self._popen.poll() is None

    @property
    def exitcode(self) -> int | None:
        return self._popen.poll()

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self._popen.kill()

    def join(self, timeout: float | None = None) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._popen.wait(timeout)


def _worker_main(conn, source: str, allow_service: bool) -> None:
    """The loop of a worker process: open ``source`` once, then answer requests on ``conn``."""
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops us
    parent = os.getppid()

    def orphaned() -> None:
        # a parent killed outright cannot kill us: leave rather than finish a runaway query
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=orphaned, name="kg-worker-orphan-check", daemon=True).start()
    try:
        store = load_store(source, cache=False)
    except KGError as exc:
        conn.send(("error", type(exc).__name__, str(exc)))
        return
    conn.send(("ready",))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        sparql, fmt, max_rows, max_bytes = request
        try:
            result = run_query(store, sparql, allow_service=allow_service, max_rows=max_rows)
            data = format_result(result, fmt).encode("utf-8")
            if max_bytes is not None and len(data) > max_bytes:
                raise ResultTooLarge(f"the answer is over {max_bytes:,} bytes: add a LIMIT")
            reply = ("ok", result.kind, data)
        except KGError as exc:
            reply = ("error", type(exc).__name__, str(exc))
        except Exception as exc:  # noqa: BLE001 - a bad query must never end the worker
            reply = ("error", "QueryError", f"SPARQL query failed: {type(exc).__name__}: {_syntax_message(exc)}")
        conn.send(reply)


def _death(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        why = {"SIGSEGV": " (a crash, usually a query nested too deeply)", "SIGKILL": " (killed, perhaps out of memory)"}.get(name, "")
        return f"{name}{why}"
    return f"exit code {code}"


class QueryWorker:
    """A child process holding a graph open and answering one query at a time.

    ``source`` is a store folder (opened read-only) or an RDF file (loaded into the
    child's memory); see :func:`prepare_source`. :meth:`run` waits for the answer
    at most ``timeout`` seconds, then kills the child, so no query outlives its
    limit and a crash in the engine is an error here, not the end of this process.
    A killed or crashed worker is dead for good: start another.
    """

    def __init__(self, source: str | os.PathLike[str], *, allow_service: bool = False) -> None:
        try:
            self.process = _Child(str(source), allow_service)
        except OSError as exc:
            raise QueryError(f"cannot start a query worker ({exc.strerror or exc})") from None
        self._conn = self.process.conn
        self._ready = False
        self._lock = threading.Lock()

    @property
    def alive(self) -> bool:
        """Whether the child runs and can take a query."""
        return self.process.is_alive()

    def _receive(self, deadline: float | None, cancelled: Callable[[], bool] | None, limit: float | None) -> tuple:
        while True:
            wait = 0.05 if cancelled is not None else 0.5
            if deadline is not None:
                wait = max(0.0, min(wait, deadline - time.monotonic()))
            try:
                if self._conn.poll(wait):
                    return self._conn.recv()
            except (EOFError, OSError):
                self.process.join(1)
                raise EngineCrashed(f"the query engine died ({_death(self.process.exitcode)})") from None
            if not self.process.is_alive():
                raise EngineCrashed(f"the query engine died ({_death(self.process.exitcode)})")
            if deadline is not None and time.monotonic() >= deadline:
                self.kill()
                raise QueryTimeout(f"the query ran past its {limit:g} s time limit and was stopped")
            if cancelled is not None and cancelled():
                self.kill()
                raise QueryCancelled("the client went away; the query was stopped")

    def wait_ready(self, timeout: float | None = None) -> None:
        """Wait until the child has opened the graph; raises its :class:`QueryError` if it could not."""
        if self._ready:
            return
        deadline = None if timeout is None else time.monotonic() + timeout
        reply = self._receive(deadline, None, timeout)
        if reply[0] != "ready":
            self.kill()
            raise _ERRORS.get(reply[1], QueryError)(reply[2])
        self._ready = True

    def run(
        self,
        sparql: str,
        fmt: str = "json",
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_rows: int | None = None,
        max_bytes: int | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> tuple[str, bytes]:
        """``(kind, body)``: the result kind and the answer formatted as ``fmt``
        (see :func:`format_result`), UTF-8 encoded.

        Raises :class:`QueryTimeout` past ``timeout`` seconds (None: no limit),
        :class:`QueryCancelled` as soon as ``cancelled()`` turns true,
        :class:`ResultTooLarge` past ``max_rows`` / ``max_bytes``,
        :class:`EngineCrashed` if the child dies, and the query's own
        :class:`QueryError` otherwise. The child is killed in the first two cases.
        """
        with self._lock:
            self.wait_ready(None)
            try:
                self._conn.send((sparql, fmt, max_rows, max_bytes))
            except (OSError, ValueError):
                raise EngineCrashed(f"the query engine died ({_death(self.process.exitcode)})") from None
            deadline = None if not timeout else time.monotonic() + timeout
            reply = self._receive(deadline, cancelled, timeout)
        if reply[0] == "ok":
            return reply[1], reply[2]
        raise _ERRORS.get(reply[1], QueryError)(reply[2])

    def kill(self) -> None:
        """Stop the child now, whatever it is doing."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        with contextlib.suppress(OSError):
            self._conn.close()

    def close(self) -> None:
        """Ask the child to exit (kill it if it does not within a second)."""
        if self.process.is_alive():
            with contextlib.suppress(OSError, ValueError):
                self._conn.send(None)
            self.process.join(1)
        self.kill()

    def __enter__(self) -> QueryWorker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def run_isolated(
    path: str | os.PathLike[str],
    sparql: str,
    fmt: str = "table",
    *,
    params: Mapping[str, str] | None = None,
    allow_service: bool = False,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_rows: int | None = None,
) -> str:
    """Answer ``sparql`` on the graph at ``path`` as ``fmt`` text, in a child process
    killed after ``timeout`` seconds (the time to open the graph not counted).

    The cheap checks of :func:`check_query` run here first, so an oversized or
    refused query fails before any process starts.
    """
    sparql = bind_params(sparql, params)
    check_query(sparql, allow_service=allow_service, parse=False)
    source = prepare_source(path)
    with QueryWorker(source, allow_service=allow_service) as worker:
        worker.wait_ready(None)
        return worker.run(sparql, fmt, timeout=timeout, max_rows=max_rows)[1].decode("utf-8")


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


if __name__ == "__main__":  # a QueryWorker's child: python -m kg.query FD SOURCE ALLOW_SERVICE
    _worker_main(multiprocessing.connection.Connection(int(sys.argv[1])), sys.argv[2], sys.argv[3] == "1")
