"""Tests of kg.namespaces: vocabulary terms and IRI minting."""

from __future__ import annotations

import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef

from kg.errors import KGError
from kg.namespaces import DEFAULT_BASE, KG, check_base, evidence_iri, node_iri, quote_segment, rule_iri, statement_iri


def test_namespaces_misspelt_term_fails():
    assert str(KG.variantOf) == "https://w3id.org/kg/vocab#variantOf"
    with pytest.raises(AttributeError):
        KG.variantof  # noqa: B018 - the lookup itself is the test


@pytest.mark.parametrize("text,expected", [
    ("sparse-autoencoder", "sparse-autoencoder"),
    ("llava-1.5-7b", "llava-1.5-7b"),
    ("arxiv:2401.01234", "arxiv:2401.01234"),
    ("a b", "a%20b"),
    ("a/b", "a%2Fb"),
    ("100%", "100%25"),
    ("é", "%C3%A9"),
    (".", "%2E"),
    ("..", "%2E%2E"),
    ("<{|}>", "%3C%7B%7C%7D%3E"),
])
def test_namespaces_quote_segment(text, expected):
    assert quote_segment(text) == expected


@pytest.mark.parametrize("node_id,local", [
    ("entity/gpt-4", "entity/gpt-4"),
    ("paper/sha:0a1b2c3d4e5f6789", "paper/sha:0a1b2c3d4e5f6789"),
    ("finding/0123456789abcdef", "finding/0123456789abcdef"),
    ("entity/a b\nc", "entity/a%20b%0Ac"),
    ("no-kind", "node/no-kind"),
    ("other/x", "node/other%2Fx"),
])
def test_namespaces_node_iri(node_id, local):
    assert node_iri(node_id) == URIRef(DEFAULT_BASE + local)


@pytest.mark.parametrize("text", ['a"b', "x\\y", "^`", "\U0001f999", "tab\t", "\x00", "lone\ud800"])
def test_namespaces_minted_iris_parse_everywhere(text):
    iris = [node_iri(f"entity/{text}"), rule_iri(text), statement_iri("entity/" + text, "co_occurs", "entity/x"), evidence_iri("s", "paper/" + text, 0, 1, text)]
    for iri in iris:
        nt = f"<{iri}> <urn:p> {Literal('o').n3()} .\n"
        g = Graph().parse(data=nt, format="nt")
        assert next(iter(g.subjects())) == iri
        store = pyoxigraph.Store()
        store.load(input=nt, format=pyoxigraph.RdfFormat.N_TRIPLES)
        assert next(iter(store)).subject.value == str(iri)


def test_namespaces_ids_are_stable_and_distinct():
    a = statement_iri("entity/a", "uses", "entity/b")
    assert a == statement_iri("entity/a", "uses", "entity/b")
    assert a != statement_iri("entity/b", "uses", "entity/a")
    assert evidence_iri(a, "paper/p", 0, 3, "r") != evidence_iri(a, "paper/p", 0, 4, "r")


@pytest.mark.parametrize("base,ok", [
    ("https://example.org/kg/", True),
    ("https://example.org/kg#", True),
    ("urn:x-kg:", True),
    ("example.org/kg/", False),
    ("https://example.org/kg", False),
    ("https://exa mple.org/", False),
    ("", False),
])
def test_namespaces_check_base(base, ok):
    if ok:
        assert check_base(base) == base
    else:
        with pytest.raises(KGError):
            check_base(base)
