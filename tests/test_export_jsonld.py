"""Tests of kg.export.jsonld: the streaming JSON-LD writer."""

from __future__ import annotations

import io
import json

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.export.jsonld import write_jsonld

N = ox.NamedNode
CONTEXT = {"ex": "https://example.org/", "kg": "https://w3id.org/kg/vocab#", "xsd": "http://www.w3.org/2001/XMLSchema#"}
TYPE = N("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _write(triples) -> bytes:
    buf = io.BytesIO()
    write_jsonld(iter(triples), buf, context=CONTEXT)
    return buf.getvalue()


def _nt(triples) -> str:
    return "".join(f"{t} .\n" for t in triples)


TRIPLES = [
    ox.Triple(N("https://example.org/a"), TYPE, N("https://w3id.org/kg/vocab#Model")),
    ox.Triple(N("https://example.org/a"), N("https://w3id.org/kg/vocab#label"), ox.Literal('say "hi"\n\t\x00')),
    ox.Triple(N("https://example.org/a"), N("https://w3id.org/kg/vocab#value"), ox.Literal("78.50", datatype=N("http://www.w3.org/2001/XMLSchema#double"))),
    ox.Triple(N("https://example.org/a"), N("https://w3id.org/kg/vocab#label"), ox.Literal("chat", language="en")),
    ox.Triple(N("https://example.org/b"), N("https://w3id.org/kg/vocab#rel"), N("https://example.org/a")),
    ox.Triple(N("https://example.org/b"), N("https://other.org/p"), N("https://other.org/x#y")),
    # a subject met again after another one: a second node object with the same @id
    ox.Triple(N("https://example.org/a"), N("https://w3id.org/kg/vocab#rel"), N("https://example.org/b")),
]


def test_jsonld_groups_consecutive_triples_of_a_subject():
    doc = json.loads(_write(TRIPLES))
    assert [n["@id"] for n in doc["@graph"]] == ["ex:a", "ex:b", "ex:a"]
    assert doc["@graph"][0]["@type"] == ["kg:Model"]


def test_jsonld_keeps_lexical_forms_datatypes_and_languages():
    node = json.loads(_write(TRIPLES))["@graph"][0]
    assert node["kg:value"] == [{"@value": "78.50", "@type": "xsd:double"}]
    assert {"@value": "chat", "@language": "en"} in node["kg:label"]


def test_jsonld_writes_iris_outside_the_context_in_full():
    node = json.loads(_write(TRIPLES))["@graph"][1]
    assert node["https://other.org/p"] == [{"@id": "https://other.org/x#y"}]


@pytest.mark.parametrize("reader", ["rdflib", "pyoxigraph"])
def test_jsonld_reads_back_as_the_same_triples(reader):
    data = _write(TRIPLES)
    expected = Graph().parse(data=_nt(TRIPLES), format="nt")
    if reader == "rdflib":
        assert isomorphic(Graph().parse(data=data, format="json-ld"), expected)
    else:
        # the parser, not a store: a store would canonicalise "78.50" to "78.5"
        assert {str(t) for t in ox.parse(input=data, format=ox.RdfFormat.JSON_LD)} == {str(t) for t in TRIPLES}


def test_jsonld_empty_input_is_an_empty_graph():
    doc = json.loads(_write([]))
    assert doc["@graph"] == [] and doc["@context"] == CONTEXT
