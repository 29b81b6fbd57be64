"""A read-only SPARQL 1.1 Protocol endpoint over kg's RDF, on the loopback interface.

``GET /sparql?query=...`` and ``POST /sparql`` (``application/sparql-query`` body,
or ``application/x-www-form-urlencoded`` with ``query=``) answer with the SPARQL
1.1 Query Results JSON (``application/sparql-results+json``, the default) or CSV
(``text/csv``) format, chosen by the ``Accept`` header; CONSTRUCT / DESCRIBE
answer N-Triples. Updates are refused (403), whether sent as
``application/sparql-update``, as an ``update=`` parameter or as query text.

The server only binds loopback addresses and only answers requests whose
``Host`` is a loopback name (against DNS rebinding); request bodies are capped
at :data:`MAX_BODY` bytes.
"""

from __future__ import annotations

import ipaddress
import os
import re
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from .errors import KGError, QueryError
from .query import load_store, run_query, to_csv, to_json, to_ntriples

__all__ = ["MAX_BODY", "LOOPBACK_HOSTS", "make_server", "serve", "serve_in_thread"]

#: the largest request body accepted (bytes)
MAX_BODY = 1 << 20

#: the host names the server accepts (in ``--host`` and in requests' Host header)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

_JSON = "application/sparql-results+json"
_CSV = "text/csv"
_NT = "application/n-triples"
# the first keyword after the prologue of a SPARQL update
_UPDATE_RE = re.compile(r"^\s*(?:(?:PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)
_COMMENT_RE = re.compile(r"^\s*#.*$", re.MULTILINE)


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _looks_like_update(text: str) -> bool:
    return bool(_UPDATE_RE.match(_COMMENT_RE.sub("", text)))


def _choose_format(accept: str, kind: str) -> str:
    """The media type to answer with for an ``Accept`` header and a result kind."""
    if kind == "graph":
        return _NT
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media, q = fields[0].lower(), 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            ranked.append((-q, i, media))
    for _, _, media in sorted(ranked):
        if media in (_CSV,):
            return _CSV
        if media in (_JSON, "application/json", "application/*", "*/*"):
            return _JSON
    return _JSON


class _Handler(BaseHTTPRequestHandler):
    server_version = "kg-sparql/1"
    store: ox.Store  # set on the subclass made by make_server

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)

    # -------------------------------------------------------------- responses
    def _send(self, status: int, body: str, ctype: str = "text/plain; charset=utf-8") -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _discard(self, length: int) -> None:
        """Read and drop a refused body (up to 16x the limit), so the client reads our 413
        instead of a connection reset; past that the connection is simply closed."""
        self.close_connection = True
        left = min(length, 16 * MAX_BODY)
        while left > 0:
            chunk = self.rfile.read(min(left, 65536))
            if not chunk:
                break
            left -= len(chunk)

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._send(int(status), message.rstrip() + "\n")

    def _host_ok(self) -> bool:
        host = self.headers.get("Host", "")
        name = host.rsplit(":", 1)[0] if not host.startswith("[") else host[1:].split("]", 1)[0]
        if not _is_loopback(name):
            self._error(HTTPStatus.FORBIDDEN, f"host {host!r} not allowed: this endpoint answers loopback requests only")
            return False
        return True

    # -------------------------------------------------------------- methods
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if not self._host_ok():
            return
        url = urlsplit(self.path)
        if url.path not in ("/", "/sparql"):
            return self._error(HTTPStatus.NOT_FOUND, f"no such resource {url.path}: query at /sparql")
        params = parse_qs(url.query, keep_blank_values=True)
        if "update" in params:
            return self._error(HTTPStatus.FORBIDDEN, "updates are not allowed: this endpoint is read-only")
        queries = params.get("query")
        if not queries:
            return self._send(200, "kg SPARQL endpoint (read-only). GET /sparql?query=... or POST application/sparql-query.\n")
        if len(queries) != 1:
            return self._error(HTTPStatus.BAD_REQUEST, "give exactly one query parameter")
        self._answer(queries[0])

    do_HEAD = do_GET

    def do_POST(self) -> None:  # noqa: N802
        if not self._host_ok():
            return
        url = urlsplit(self.path)
        if url.path not in ("/", "/sparql"):
            return self._error(HTTPStatus.NOT_FOUND, f"no such resource {url.path}: query at /sparql")
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            return self._error(HTTPStatus.BAD_REQUEST, "bad Content-Length")
        if length > MAX_BODY:
            self._discard(length)
            return self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body over {MAX_BODY} bytes")
        body = self.rfile.read(length).decode("utf-8", "replace") if length > 0 else ""
        if ctype == "application/sparql-update":
            return self._error(HTTPStatus.FORBIDDEN, "updates are not allowed: this endpoint is read-only")
        if ctype == "application/sparql-query":
            if "update" in parse_qs(url.query):
                return self._error(HTTPStatus.FORBIDDEN, "updates are not allowed: this endpoint is read-only")
            return self._answer(body)
        if ctype == "application/x-www-form-urlencoded":
            params = parse_qs(body, keep_blank_values=True)
            if "update" in params or "update" in parse_qs(url.query):
                return self._error(HTTPStatus.FORBIDDEN, "updates are not allowed: this endpoint is read-only")
            queries = params.get("query")
            if not queries or len(queries) != 1:
                return self._error(HTTPStatus.BAD_REQUEST, "give exactly one query parameter")
            return self._answer(queries[0])
        self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, f"unsupported Content-Type {ctype!r}: use application/sparql-query or application/x-www-form-urlencoded")

    def _refuse(self) -> None:
        self._error(HTTPStatus.METHOD_NOT_ALLOWED, "only GET and POST are supported")

    do_PUT = do_DELETE = do_PATCH = _refuse

    def _answer(self, sparql: str) -> None:
        if _looks_like_update(sparql):
            return self._error(HTTPStatus.FORBIDDEN, "updates are not allowed: this endpoint is read-only")
        try:
            result = run_query(self.store, sparql)
        except QueryError as exc:
            return self._error(HTTPStatus.BAD_REQUEST, str(exc))
        media = _choose_format(self.headers.get("Accept", "*/*"), result.kind)
        if result.kind == "graph":
            return self._send(200, to_ntriples(result), f"{_NT}; charset=utf-8")
        if media == _CSV:
            return self._send(200, to_csv(result), f"{_CSV}; charset=utf-8")
        self._send(200, to_json(result), f"{_JSON}; charset=utf-8")


def make_server(store_or_path: ox.Store | str | os.PathLike[str], *, host: str = "127.0.0.1", port: int = 8000, verbose: bool = False) -> ThreadingHTTPServer:
    """A (not yet started) endpoint serving ``store_or_path`` on ``host:port``.

    ``port=0`` picks a free port (read it from ``server.server_address``). Raises
    :class:`KGError` for a non-loopback host or a port that cannot be bound.
    """
    if not _is_loopback(host):
        raise KGError(f"host {host!r} refused: kg serve listens on loopback only (127.0.0.1, ::1, localhost)")
    store = store_or_path if isinstance(store_or_path, ox.Store) else load_store(store_or_path)
    handler = type("KGSparqlHandler", (_Handler,), {"store": store})
    server_cls = ThreadingHTTPServer
    if ":" in host:
        import socket

        server_cls = type("ThreadingHTTPServerV6", (ThreadingHTTPServer,), {"address_family": socket.AF_INET6})
    try:
        server = server_cls((host, port), handler)
    except OSError as exc:
        raise KGError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None
    server.daemon_threads = True
    server.verbose = verbose  # type: ignore[attr-defined]
    return server


def serve_in_thread(store_or_path: ox.Store | str | os.PathLike[str], *, host: str = "127.0.0.1", port: int = 0) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """Start an endpoint in a daemon thread; stop it with ``server.shutdown()``."""
    server = make_server(store_or_path, host=host, port=port)
    thread = threading.Thread(target=server.serve_forever, name="kg-serve", daemon=True)
    thread.start()
    return server, thread


def serve(graph_path: str | os.PathLike[str], *, host: str = "127.0.0.1", port: int = 8000, verbose: bool = True) -> None:
    """Serve ``graph_path`` until interrupted (Ctrl-C)."""
    server = make_server(graph_path, host=host, port=port, verbose=verbose)
    h, p = server.server_address[:2]
    print(f"kg: SPARQL endpoint at http://{'[' + h + ']' if ':' in h else h}:{p}/sparql (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
