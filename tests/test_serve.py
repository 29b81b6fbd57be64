"""Tests of kg.serve: the read-only SPARQL 1.1 Protocol endpoint, over real HTTP."""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
from test_rdf import BASE, sample_graph

from kg.errors import KGError
from kg.export.rdf import write_rdf
from kg.serve import make_server, serve_in_thread

Q = "SELECT ?l WHERE { ?s a kg:Model ; rdfs:label ?l } ORDER BY ?l"
MODELS = ["LLaVA", "LLaVA-1.5-13B", "LLaVA-1.5-7B"]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    path = write_rdf(sample_graph(), tmp_path_factory.mktemp("g") / "graph.ttl", base=BASE)
    server, thread = serve_in_thread(path, port=0)
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}/sparql"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _call(url, data=None, headers=None, method=None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read().decode("utf-8")


def _labels_json(body):
    return [b["l"]["value"] for b in json.loads(body)["results"]["bindings"]]


def test_serve_get_json(endpoint):
    status, ctype, body = _call(endpoint + "?" + urllib.parse.urlencode({"query": Q}))
    assert status == 200 and ctype.startswith("application/sparql-results+json")
    assert _labels_json(body) == MODELS


def test_serve_get_csv_by_accept(endpoint):
    status, ctype, body = _call(endpoint + "?" + urllib.parse.urlencode({"query": Q}), headers={"Accept": "text/csv"})
    assert status == 200 and ctype.startswith("text/csv")
    assert [r[0] for r in csv.reader(io.StringIO(body))] == ["l"] + MODELS


@pytest.mark.parametrize("accept,expected", [
    ("text/csv;q=0.5, application/sparql-results+json", "application/sparql-results+json"),
    ("application/json;q=0.1, text/csv", "text/csv"),
    ("*/*", "application/sparql-results+json"),
])
def test_serve_content_negotiation(endpoint, accept, expected):
    _, ctype, _ = _call(endpoint + "?" + urllib.parse.urlencode({"query": Q}), headers={"Accept": accept})
    assert ctype.startswith(expected)


def test_serve_post_sparql_query(endpoint):
    status, _, body = _call(endpoint, data=Q.encode(), headers={"Content-Type": "application/sparql-query"})
    assert status == 200 and _labels_json(body) == MODELS


def test_serve_post_form(endpoint):
    data = urllib.parse.urlencode({"query": Q}).encode()
    status, ctype, body = _call(endpoint, data=data, headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"})
    assert status == 200 and ctype.startswith("text/csv") and "LLaVA-1.5-7B" in body


UPDATE = "PREFIX kg: <https://w3id.org/kg/vocab#>\nINSERT DATA { <urn:x> a kg:Model }"


@pytest.mark.parametrize("how", ["sparql-update", "form-update", "get-update", "update-as-query", "form-query-update"])
def test_serve_refuses_updates(endpoint, how):
    if how == "sparql-update":
        status, _, body = _call(endpoint, data=UPDATE.encode(), headers={"Content-Type": "application/sparql-update"})
    elif how == "form-update":
        status, _, body = _call(endpoint, data=urllib.parse.urlencode({"update": UPDATE}).encode(), headers={"Content-Type": "application/x-www-form-urlencoded"})
    elif how == "get-update":
        status, _, body = _call(endpoint + "?" + urllib.parse.urlencode({"update": UPDATE}))
    elif how == "update-as-query":
        status, _, body = _call(endpoint, data=UPDATE.encode(), headers={"Content-Type": "application/sparql-query"})
    else:
        status, _, body = _call(endpoint, data=urllib.parse.urlencode({"query": "# c\n" + UPDATE}).encode(), headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403 and "read-only" in body
    # and nothing changed
    _, _, after = _call(endpoint + "?" + urllib.parse.urlencode({"query": Q}))
    assert _labels_json(after) == MODELS


def test_serve_malformed_query_is_400_with_position(endpoint):
    status, _, body = _call(endpoint + "?" + urllib.parse.urlencode({"query": "SELECT ?x WHERE {\n ?x ?y }"}))
    assert status == 400 and "line 2, column" in body


@pytest.mark.parametrize("method,status", [("PUT", 405), ("DELETE", 405)])
def test_serve_other_methods(endpoint, method, status):
    assert _call(endpoint, data=b"", method=method)[0] == status


def test_serve_rejects_foreign_host_header(endpoint):
    status, _, body = _call(endpoint + "?query=ASK%7B%7D", headers={"Host": "evil.example:80"})
    assert status == 403 and "loopback" in body


def test_serve_too_large_body(endpoint):
    status, _, _ = _call(endpoint, data=b"#" * ((1 << 20) + 1), headers={"Content-Type": "application/sparql-query"})
    assert status == 413


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.org"])
def test_serve_only_binds_loopback(host, tmp_path):
    path = write_rdf(sample_graph(), tmp_path / "g.ttl", base=BASE)
    with pytest.raises(KGError, match="loopback only"):
        make_server(path, host=host, port=0)
