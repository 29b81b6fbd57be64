"""Tests of kg.namespaces: vocabulary terms and IRI minting."""

from __future__ import annotations

import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef

from kg.errors import KGError
from kg.namespaces import DEFAULT_BASE, KG, check_base, evidence_iri, node_iri, quote_segment, rule_iri, sentence_iri, statement_iri


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
    ("et al.", "et%20al%2E"),
    ("v1.5.", "v1.5%2E"),
    (".hidden", ".hidden"),
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
    iris = [node_iri(f"entity/{text}"), rule_iri(text), statement_iri("entity/" + text, "co_occurs", "entity/x"),
            evidence_iri("paper/" + text, 0, 1, text), sentence_iri("paper/" + text, f"text:{text}")]
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
    assert evidence_iri("paper/p", 0, 3, "r") != evidence_iri("paper/p", 0, 4, "r")
    assert evidence_iri("paper/p", 0, 3, "r") != evidence_iri("paper/p", 0, 3, "s")
    assert sentence_iri("paper/p", 0) != sentence_iri("paper/q", 0) != sentence_iri("paper/p", 10)


def test_namespaces_evidence_iri_does_not_depend_on_what_it_supports():
    """One mention supporting several statements is one evidence node."""
    assert evidence_iri("paper/p", 5, 9, "lexicon") == evidence_iri("paper/p", 5, 9, "lexicon")
    assert str(evidence_iri("paper/p", 5, 9, "lexicon", "urn:x:")).startswith("urn:x:evidence/")


@pytest.mark.parametrize("base,ok", [
    ("https://example.org/kg/", True),
    ("https://example.org/kg#", True),
    ("urn:x-kg:", True),
    ("https://example.org/caf%C3%A9/", True),
    ("https://example.org/café/", True),
    ("https://[::1]:8080/kg/", True),
    ("example.org/kg/", False),
    ("https://example.org/kg", False),
    ("https://exa mple.org/", False),
    ("", False),
    ("https://example.org/a\x01b/", False),
    ("https://example.org/tab\there/", False),
    ("https://example.org/del\x7f/", False),
    ("https://example.org/c1\x85/", False),
    ("https://example.org/%zz/", False),
    ("https://example.org/%4/", False),
    ("https://example.org/100%/", False),
    ("https://example.org/kg#a#", False),
    ("https://example.org/lone\ud800/", False),
    ("https://example.org/\ufffe/", False),
    ("https://example.org/" + "a" * 3000 + "/", False),
    (None, False),
])
def test_namespaces_check_base(base, ok):
    if ok:
        assert check_base(base) == base
    else:
        with pytest.raises(KGError) as err:
            check_base(base)
        assert "\n" not in str(err.value) and len(str(err.value)) < 300


@pytest.mark.parametrize("base", ["https://example.org/kg/", "urn:x-kg:", "https://example.org/caf%C3%A9/", "https://[::1]:8080/kg/"])
def test_namespaces_every_accepted_base_mints_iris_pyoxigraph_and_rdflib_read(base):
    check_base(base)
    nt = f"<{node_iri('entity/a b', base)}> <urn:p> <{evidence_iri('paper/x', 0, 1, 'r', base)}> .\n"
    store = pyoxigraph.Store()
    store.load(input=nt, format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert len(store) == 1 and len(Graph().parse(data=nt, format="nt")) == 1


def test_namespaces_bad_percent_escape_is_named():
    with pytest.raises(KGError, match="'%' at character 21 that is not a %XX escape"):
        check_base("https://example.org/%zz/")
