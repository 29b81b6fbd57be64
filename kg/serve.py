"""A read-only SPARQL 1.1 Protocol endpoint over kg's RDF, on the loopback interface.

``GET /sparql?query=...`` and ``POST /sparql`` (``application/sparql-query`` body,
or ``application/x-www-form-urlencoded`` with ``query=``) answer with the SPARQL
1.1 Query Results JSON (``application/sparql-results+json``, the default) or CSV
(``text/csv``) format, chosen by the ``Accept`` header; CONSTRUCT / DESCRIBE
answer N-Triples. Updates are refused (403), whether sent as
``application/sparql-update``, as an ``update=`` parameter or as query text, and
so are ``SERVICE`` clauses (403): the endpoint never fetches from anywhere.

Nothing a client sends can take the server down or hold it:

- queries run in a pool of worker processes (:class:`kg.query.QueryWorker`),
  killed when a query runs past its time limit (503), when its client hangs up,
  or when the engine crashes on it (500); the other workers keep answering;
- answers over ``max_rows`` rows (or :data:`MAX_RESULT_BYTES`) are refused (400);
- connections are served by a fixed number of threads, with a bounded queue
  behind them (503 past it); a request must arrive whole within
  :data:`READ_TIMEOUT` seconds, and a request body is capped at :data:`MAX_BODY`.

The server only binds loopback addresses and only answers requests whose
``Host`` is a loopback name (against DNS rebinding).
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import queue
import select
import shutil
import socket
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from .errors import KGError, QueryError
from .query import (
    DEFAULT_TIMEOUT,
    EngineCrashed,
    QueryCancelled,
    QueryRefused,
    QueryTimeout,
    QueryWorker,
    ResultTooLarge,
    check_query,
    format_result,
    prepare_source,
    run_query,
    save_store,
)

__all__ = [
    "MAX_BODY",
    "MAX_RESULT_BYTES",
    "READ_TIMEOUT",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_WORKERS",
    "DEFAULT_THREADS",
    "LOOPBACK_HOSTS",
    "make_server",
    "serve",
    "serve_in_thread",
]

#: the largest request body accepted (bytes)
MAX_BODY = 1 << 20
#: the largest answer sent (bytes)
MAX_RESULT_BYTES = 64 << 20
#: seconds a client has to send its whole request (line, headers and body)
READ_TIMEOUT = 10.0
#: seconds a client has to read the whole answer
WRITE_TIMEOUT = 60.0
#: rows (or triples) an answer may hold by default
DEFAULT_MAX_ROWS = 100_000
#: query worker processes by default
DEFAULT_WORKERS = 2
#: connection threads by default
DEFAULT_THREADS = 16

#: the host names the server accepts (in ``--host`` and in requests' Host header)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

_JSON = "application/sparql-results+json"
_CSV = "text/csv"
_NT = "application/n-triples"
_READ_ONLY = "updates are not allowed: this endpoint is read-only"


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _choose_format(accept: str, kind: str) -> str:
    """The media type to answer with for an ``Accept`` header and a result kind."""
    if kind == "graph":
        return _NT
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept.split(",")[:64]):
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


# ---------------------------------------------------------------------------- query runners
class _Busy(QueryError):
    """No query worker came free in time."""


class _WorkerPool:
    """A fixed number of :class:`QueryWorker` slots; a killed worker is replaced."""

    def __init__(self, source: Path, size: int, *, timeout: float | None, max_rows: int | None) -> None:
        self.source, self.timeout, self.max_rows = source, timeout, max_rows
        self._idle: queue.Queue[QueryWorker | None] = queue.Queue()
        self._all: set[QueryWorker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(max(1, size)):
            self._idle.put(self._start())
        first = self._idle.get()
        try:
            first.wait_ready(None)  # a graph the workers cannot open fails make_server
        finally:
            self._idle.put(first)

    def _start(self) -> QueryWorker:
        worker = QueryWorker(self.source)
        with self._lock:
            self._all.add(worker)
        return worker

    def pids(self) -> list[int]:
        """The process ids of the live workers."""
        with self._lock:
            return [w.process.pid for w in self._all if w.alive]

    def run(self, sparql: str, fmt: str, cancelled) -> tuple[str, bytes]:
        # waiting for a worker counts against the query's time limit
        wait_until = time.monotonic() + (self.timeout or 60.0)
        worker = None
        while worker is None:
            try:
                worker = self._idle.get(timeout=min(0.25, max(0.0, wait_until - time.monotonic())))
            except queue.Empty:
                if cancelled():
                    raise QueryCancelled("the client went away") from None
                if time.monotonic() >= wait_until:
                    raise _Busy("every query worker is busy: try again later") from None
        try:
            if self._closed:
                raise _Busy("the server is shutting down")
            if not worker.alive:
                self._forget(worker)
                worker = self._start()
            worker.wait_ready(60.0)
            left = None if self.timeout is None else max(0.1, wait_until - time.monotonic())
            try:
                return worker.run(sparql, fmt, timeout=left, max_rows=self.max_rows, max_bytes=MAX_RESULT_BYTES, cancelled=cancelled)
            except QueryTimeout:
                raise QueryTimeout(f"the query ran past the {self.timeout:g} s time limit and was stopped") from None
        finally:
            if not worker.alive:
                self._forget(worker)
                worker = None if self._closed else self._start()  # a fresh one, ready for the next query
            self._idle.put(worker)

    def _forget(self, worker: QueryWorker) -> None:
        with self._lock:
            self._all.discard(worker)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.close()


class _InlineRunner:
    """Queries on a store object given by the caller, in the request's own thread:
    the time limit is checked between rows only (no process to kill)."""

    def __init__(self, store: ox.Store, *, timeout: float | None, max_rows: int | None) -> None:
        self.store, self.timeout, self.max_rows = store, timeout, max_rows

    def pids(self) -> list[int]:
        return []

    def run(self, sparql: str, fmt: str, cancelled) -> tuple[str, bytes]:
        result = run_query(self.store, sparql, max_rows=self.max_rows, timeout=self.timeout)
        data = format_result(result, fmt).encode("utf-8")
        if len(data) > MAX_RESULT_BYTES:
            raise ResultTooLarge(f"the answer is over {MAX_RESULT_BYTES:,} bytes: add a LIMIT")
        return result.kind, data

    def close(self) -> None:
        pass


# ---------------------------------------------------------------------------- connections
class _Deadlines:
    """Shuts down the socket of any connection still open past its deadline.

    A socket timeout alone bounds each read, not the request: a client sending a
    byte every few seconds would hold its thread forever. One thread watches all.
    """

    def __init__(self) -> None:
        self._due: dict[socket.socket, float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="kg-serve-deadlines", daemon=True)
        self._thread.start()

    def arm(self, sock: socket.socket, seconds: float) -> None:
        with self._lock:
            self._due[sock] = time.monotonic() + seconds

    def disarm(self, sock: socket.socket) -> None:
        with self._lock:
            self._due.pop(sock, None)

    def _watch(self) -> None:
        while not self._stop.wait(0.1):
            now = time.monotonic()
            with self._lock:
                late = [s for s, t in self._due.items() if t <= now]
                for s in late:
                    del self._due[s]
            for s in late:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)


class _PooledHTTPServer(HTTPServer):
    """An HTTP server whose connections are handled by a fixed pool of threads.

    Up to ``threads`` connections are served at once and ``backlog`` more wait;
    any further connection is answered 503 at once and closed, so a flood of
    connections costs neither threads nor memory.
    """

    allow_reuse_address = True

    def __init__(self, address, handler, *, threads: int, backlog: int, runner, timeout: float | None, read_timeout: float) -> None:
        super().__init__(address, handler)
        self.runner = runner
        self.query_timeout = timeout
        self.read_timeout = read_timeout
        self.verbose = False
        self.deadlines = _Deadlines()
        self._threads = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="kg-serve")
        self._slots = threading.BoundedSemaphore(max(1, threads) + max(0, backlog))

    def process_request(self, request, client_address) -> None:
        if not self._slots.acquire(blocking=False):
            with contextlib.suppress(OSError):
                request.setblocking(False)
                request.send(b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 31\r\nConnection: close\r\n\r\ntoo many connections: try later")
            self.shutdown_request(request)
            return
        try:
            self._threads.submit(self._handle, request, client_address)
        except RuntimeError:  # shutting down
            self._slots.release()
            self.shutdown_request(request)

    def _handle(self, request, client_address) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:  # noqa: BLE001 - one connection's failure is logged, never fatal
            if self.verbose:
                self.handle_error(request, client_address)
        finally:
            self.deadlines.disarm(request)
            self.shutdown_request(request)
            self._slots.release()

    def server_close(self) -> None:
        super().server_close()
        self._threads.shutdown(wait=False, cancel_futures=True)
        self.deadlines.close()
        self.runner.close()
        cleanup = getattr(self, "_cleanup", None)
        if cleanup is not None:
            cleanup()


class _Handler(BaseHTTPRequestHandler):
    server_version = "kg-sparql/1"
    server: _PooledHTTPServer

    def setup(self) -> None:
        self.timeout = self.server.read_timeout  # each read; the deadline below bounds them all
        super().setup()
        self.server.deadlines.arm(self.connection, self.server.read_timeout)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)

    # -------------------------------------------------------------- responses
    def _send(self, status: int, body: str | bytes, ctype: str = "text/plain; charset=utf-8") -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.server.deadlines.arm(self.connection, WRITE_TIMEOUT)
        self.close_connection = True
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
        except OSError:
            pass  # the client went away (or was too slow to read): nothing left to tell it

    def _discard(self, length: int) -> None:
        """Read and drop a refused body (up to 16x the limit), so the client reads our 413
        instead of a connection reset; past that the connection is simply closed."""
        self.close_connection = True
        left = min(length, 16 * MAX_BODY)
        with contextlib.suppress(OSError):
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

    def _client_gone(self) -> bool:
        """Whether the client has closed its end (a readable socket with nothing to read)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
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
            return self._error(HTTPStatus.FORBIDDEN, _READ_ONLY)
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
        if length < 0:
            return self._error(HTTPStatus.BAD_REQUEST, "bad Content-Length")
        if length > MAX_BODY:
            self._discard(length)
            return self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body over {MAX_BODY} bytes")
        try:
            raw = self.rfile.read(length) if length > 0 else b""
        except OSError:
            raw = None
        if raw is None or len(raw) < length:
            # the client declared more than it sent before its time ran out
            self.close_connection = True
            return self._error(HTTPStatus.REQUEST_TIMEOUT, f"the request body did not arrive within {self.server.read_timeout:g} s")
        body = raw.decode("utf-8", "replace")
        if ctype == "application/sparql-update":
            return self._error(HTTPStatus.FORBIDDEN, _READ_ONLY)
        if ctype == "application/sparql-query":
            if "update" in parse_qs(url.query):
                return self._error(HTTPStatus.FORBIDDEN, _READ_ONLY)
            return self._answer(body)
        if ctype == "application/x-www-form-urlencoded":
            params = parse_qs(body, keep_blank_values=True)
            if "update" in params or "update" in parse_qs(url.query):
                return self._error(HTTPStatus.FORBIDDEN, _READ_ONLY)
            queries = params.get("query")
            if not queries or len(queries) != 1:
                return self._error(HTTPStatus.BAD_REQUEST, "give exactly one query parameter")
            return self._answer(queries[0])
        self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, f"unsupported Content-Type {ctype!r}: use application/sparql-query or application/x-www-form-urlencoded")

    def _refuse(self) -> None:
        self._error(HTTPStatus.METHOD_NOT_ALLOWED, "only GET and POST are supported")

    do_PUT = do_DELETE = do_PATCH = _refuse

    def _answer(self, sparql: str) -> None:
        self.server.deadlines.disarm(self.connection)  # the request is in; the query's own limit applies now
        try:
            check_query(sparql, parse=False)  # quick refusals here; the worker checks in full
            media = _choose_format(self.headers.get("Accept", "*/*"), "bindings")
            fmt = "csv" if media == _CSV else "json"
            kind, data = self.server.runner.run(sparql, fmt, self._client_gone)
        except QueryRefused as exc:
            msg = str(exc)
            return self._error(HTTPStatus.FORBIDDEN, _READ_ONLY if msg.startswith("updates") else msg)
        except QueryCancelled:
            self.close_connection = True
            return
        except (QueryTimeout, _Busy) as exc:
            return self._error(HTTPStatus.SERVICE_UNAVAILABLE, str(exc))
        except EngineCrashed as exc:
            return self._error(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc))
        except QueryError as exc:
            return self._error(HTTPStatus.BAD_REQUEST, str(exc))
        except Exception as exc:  # noqa: BLE001 - whatever went wrong, the client gets an answer
            return self._error(HTTPStatus.INTERNAL_SERVER_ERROR, f"query failed: {type(exc).__name__}")
        if kind == "graph":
            return self._send(200, data, f"{_NT}; charset=utf-8")
        self._send(200, data, f"{_JSON if fmt == 'json' else _CSV}; charset=utf-8")


def _runner_for(store_or_path, *, workers: int, timeout: float | None, max_rows: int | None):
    """The query runner and a clean-up callable (or None) for what to serve."""
    if isinstance(store_or_path, ox.Store):
        return _InlineRunner(store_or_path, timeout=timeout, max_rows=max_rows), None
    source = prepare_source(store_or_path)
    cleanup = None
    if source.is_file():
        # nowhere to keep a store beside the file: build a private one, since every
        # worker would otherwise parse the whole file into its own memory
        tmp = Path(tempfile.mkdtemp(prefix="kg-serve-"))
        try:
            source = save_store(source, tmp / "store")
        except (KGError, OSError):
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            cleanup = lambda: shutil.rmtree(tmp, ignore_errors=True)  # noqa: E731
    try:
        return _WorkerPool(source, workers, timeout=timeout, max_rows=max_rows), cleanup
    except BaseException:
        if cleanup is not None:
            cleanup()
        raise


def make_server(
    store_or_path: ox.Store | str | os.PathLike[str],
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    verbose: bool = False,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    workers: int = DEFAULT_WORKERS,
    threads: int = DEFAULT_THREADS,
    read_timeout: float = READ_TIMEOUT,
) -> HTTPServer:
    """A (not yet started) endpoint serving ``store_or_path`` on ``host:port``.

    A graph file or store folder is queried by ``workers`` worker processes, each
    query killed after ``timeout`` seconds (None: no limit); a store object is
    queried in the request threads, its time limit checked between rows only.
    Answers over ``max_rows`` rows are refused. ``threads`` connections are served
    at once; each must send its request within ``read_timeout`` seconds.
    ``port=0`` picks a free port (read it from ``server.server_address``). Raises
    :class:`KGError` for a non-loopback host or a port that cannot be bound.
    """
    if not _is_loopback(host):
        raise KGError(f"host {host!r} refused: kg serve listens on loopback only (127.0.0.1, ::1, localhost)")
    if timeout is not None and timeout <= 0:
        timeout = None
    runner, cleanup = _runner_for(store_or_path, workers=workers, timeout=timeout, max_rows=max_rows)
    server_cls = _PooledHTTPServer
    if ":" in host:
        server_cls = type("PooledHTTPServerV6", (_PooledHTTPServer,), {"address_family": socket.AF_INET6})
    try:
        server = server_cls((host, port), _Handler, threads=threads, backlog=2 * threads, runner=runner, timeout=timeout, read_timeout=read_timeout)
    except OSError as exc:
        runner.close()
        if cleanup is not None:
            cleanup()
        raise KGError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None
    server._cleanup = cleanup  # type: ignore[attr-defined]
    server.verbose = verbose
    return server


def serve_in_thread(store_or_path: ox.Store | str | os.PathLike[str], *, host: str = "127.0.0.1", port: int = 0, **options) -> tuple[HTTPServer, threading.Thread]:
    """Start an endpoint in a daemon thread (``options`` as for :func:`make_server`);
    stop it with ``server.shutdown()`` then ``server.server_close()``."""
    server = make_server(store_or_path, host=host, port=port, **options)
    thread = threading.Thread(target=server.serve_forever, name="kg-serve", daemon=True)
    thread.start()
    return server, thread


def serve(graph_path: str | os.PathLike[str], *, host: str = "127.0.0.1", port: int = 8000, verbose: bool = True, **options) -> None:
    """Serve ``graph_path`` until interrupted (Ctrl-C); ``options`` as for :func:`make_server`."""
    server = make_server(graph_path, host=host, port=port, verbose=verbose, **options)
    h, p = server.server_address[:2]
    print(f"kg: SPARQL endpoint at http://{'[' + h + ']' if ':' in h else h}:{p}/sparql (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
