"""Tests of kg.serve against hostile or careless clients: SERVICE fetches, runaway
queries, huge answers, deep nesting, slow and vanishing connections, engine crashes.

Every client here talks to 127.0.0.1 only, and every loop is bounded in count and time.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from test_query import CARTESIAN, RUNAWAY, SERVICE_QUERIES, Listener
from test_rdf import BASE, sample_graph

from kg.export.rdf import write_rdf
from kg.serve import serve_in_thread

Q = "SELECT ?l WHERE { ?s a kg:Model ; rdfs:label ?l } ORDER BY ?l"
MODELS = ["LLaVA", "LLaVA-1.5-13B", "LLaVA-1.5-7B"]


@pytest.fixture(scope="module")
def ttl(tmp_path_factory):
    return write_rdf(sample_graph(), tmp_path_factory.mktemp("g") / "graph.ttl", base=BASE)


class Endpoint:
    def __init__(self, ttl, **options):
        self.server, self.thread = serve_in_thread(ttl, port=0, **options)
        host, port = self.server.server_address[:2]
        self.host, self.port = host, port
        self.url = f"http://{host}:{port}/sparql"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture(scope="module")
def endpoint(ttl):
    ep = Endpoint(ttl, timeout=2, max_rows=1000, workers=2, threads=4, read_timeout=1)
    yield ep
    ep.close()


def _call(url, data=None, headers=None, timeout=15):
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def _get(ep, sparql, **kw):
    return _call(ep.url + "?" + urllib.parse.urlencode({"query": sparql}), **kw)


def _post(ep, sparql, **kw):
    return _call(ep.url, data=sparql.encode(), headers={"Content-Type": "application/sparql-query"}, **kw)


def _models(ep):
    status, body = _get(ep, Q)
    assert status == 200, body
    return [b["l"]["value"] for b in json.loads(body)["results"]["bindings"]]


@pytest.mark.parametrize("template", SERVICE_QUERIES)
@pytest.mark.parametrize("send", [_get, _post])
def test_serve_service_query_contacts_nothing(endpoint, template, send):
    listener = Listener()
    try:
        status, body = send(endpoint, template.replace("URL", listener.url))
        assert status == 403 and "SERVICE" in body
        assert listener.settle() == 0
    finally:
        listener.close()


def test_serve_runaway_query_cut_off_while_another_is_answered(endpoint):
    answer = {}

    def runaway():
        started = time.monotonic()
        answer["status"], answer["body"] = _post(endpoint, RUNAWAY)
        answer["secs"] = time.monotonic() - started

    t = threading.Thread(target=runaway)
    t.start()
    time.sleep(0.3)
    started = time.monotonic()
    assert _models(endpoint) == MODELS
    assert time.monotonic() - started < 1.5  # answered while the runaway runs
    t.join(15)
    assert answer["status"] == 503 and "2 s time limit" in answer["body"]
    assert answer["secs"] < 6
    assert _models(endpoint) == MODELS


def test_serve_cartesian_select_is_capped(endpoint):
    status, body = _get(endpoint, CARTESIAN)
    assert status == 400 and "more than 1,000 rows" in body


@pytest.mark.parametrize("sparql,match", [
    ("SELECT * WHERE " + "{" * 2500 + "?s ?p ?o" + "}" * 2500, "deeper than 64"),
    ("SELECT ?x WHERE { ?x ?p ?o } #" + "x" * 70000, "characters long"),
])
def test_serve_hostile_query_text_is_400(endpoint, sparql, match):
    status, body = _post(endpoint, sparql)
    assert status == 400 and match in body
    assert _models(endpoint) == MODELS


def test_serve_engine_crash_is_500_and_serving_goes_on(endpoint):
    answer = {}
    t = threading.Thread(target=lambda: answer.update(zip(("status", "body"), _post(endpoint, RUNAWAY))))
    t.start()
    time.sleep(0.5)
    for pid in endpoint.server.runner.pids():
        os.kill(pid, signal.SIGSEGV)
    t.join(15)
    assert answer["status"] == 500 and "SIGSEGV" in answer["body"]
    assert _models(endpoint) == MODELS


def test_serve_query_stopped_when_its_client_hangs_up(ttl):
    # one worker and a long limit: only stopping the abandoned query frees it
    ep = Endpoint(ttl, timeout=60, workers=1, threads=2)
    try:
        (pid,) = ep.server.runner.pids()
        with socket.create_connection((ep.host, ep.port), timeout=5) as s:
            body = RUNAWAY.encode()
            s.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                      + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            time.sleep(0.5)
        started = time.monotonic()
        assert _models(ep) == MODELS
        assert time.monotonic() - started < 5
        assert pid not in ep.server.runner.pids()  # the worker was killed, not left counting
    finally:
        ep.close()


def _recv_all(sock, limit=5.0):
    """Everything the server sends until it closes the connection (or ``limit`` seconds pass)."""
    sock.settimeout(limit)
    chunks = []
    while True:
        try:
            chunk = sock.recv(4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def test_serve_slow_clients_cost_no_threads_and_are_dropped(endpoint):
    before = threading.active_count()
    socks = []
    try:
        for _ in range(24):  # more than the 4 threads and 8 waiting places
            s = socket.create_connection((endpoint.host, endpoint.port), timeout=5)
            s.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # headers never finish
            socks.append(s)
        time.sleep(0.3)
        assert threading.active_count() <= before + 4  # the pool's threads, however many connect
        started = time.monotonic()
        for s in socks:
            _recv_all(s, 5.0)  # closed by the server: 503 at once, or after the 1 s read deadline
        assert time.monotonic() - started < 6
    finally:
        for s in socks:
            s.close()
    assert _models(endpoint) == MODELS


def test_serve_body_shorter_than_declared_is_dropped(endpoint):
    with socket.create_connection((endpoint.host, endpoint.port), timeout=5) as s:
        s.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\nContent-Length: 1000\r\n\r\nASK {}")
        started = time.monotonic()
        reply = _recv_all(s, 5.0)
        assert time.monotonic() - started < 4
    assert reply == b"" or reply.startswith(b"HTTP/1.0 408")
    assert _models(endpoint) == MODELS


def test_serve_bursts_of_clients_all_get_an_answer(endpoint):
    results = []

    def client():
        results.append(_get(endpoint, Q)[0])

    threads = [threading.Thread(target=client) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert len(results) == 20 and set(results) <= {200, 503} and 200 in results
