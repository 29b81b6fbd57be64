"""Wiring and rule files of kg's relation stage (orgs, relations, links, findings).

``add_relation_components(nlp)`` appends the four components, in order, after
the entity components. ``read_stage_rules`` reads their rule files: JSONL whose
``pattern`` is an object of cue lists (the entity rules' ``pattern`` is a
string, so these files have their own small reader). The token helpers
(``token_texts``, ``token_lower``, ``token_starts``, ``token_spaces``, ``sentence_bounds``,
``char_token_span``) give every component the Doc's tokens as cached lists, without a
Token or Span object per token.
"""

from __future__ import annotations

from bisect import bisect_right
from pathlib import Path

import numpy
from spacy.attrs import IDX, SENT_START, SPACY

from .candidates import doc_text
from .rules import read_rules

__all__ = ["add_relation_components", "read_stage_rules", "STAGE_COMPONENTS", "token_texts", "token_lower", "token_starts",
           "token_spaces", "sentence_bounds", "char_token_span"]

#: the relation-stage components, in the order they must run
STAGE_COMPONENTS = ("kg_orgs", "kg_relations", "kg_links", "kg_findings")


def read_stage_rules(path: str | Path) -> list[dict]:
    """Read a relation-stage rule file: JSONL lines ``{"id", "label", "pattern": {...cue lists}}``.

    Raises RuleError ("<file>:<line>: <problem>") on the first bad line.
    """
    return read_rules(path, labels=None, pattern_type=dict)


def add_relation_components(nlp, *, rules_dir: str = ""):
    """Append kg's relation-stage components to ``nlp`` (after the entity components) and return it.

    Order: ``kg_orgs`` (Organization mentions), ``kg_relations``, ``kg_links``
    (proposes / uses / affiliated_with; reads the relations) and ``kg_findings``
    (reads the proposes links). Components already in the pipeline are not added twice.
    """
    from . import findings, links, orgs, relations  # noqa: F401  (registers the factories)

    for name in STAGE_COMPONENTS:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name, config={"rules_dir": rules_dir})
    return nlp


def token_texts(doc) -> list[str]:
    """Token texts of ``doc``, computed once and shared by kg's components.

    Iterating a Doc builds a Token object per token, the largest cost of these components;
    the texts are sliced from the doc's text by each token's offset and length instead, and
    cached in ``doc.user_data`` (tokens never change after tokenisation).
    """
    return _cached_array(doc, "kg_texts")


def token_starts(doc) -> list[int]:
    """Character offset of every token of ``doc`` (spaCy's ``Token.idx``), computed once and cached."""
    return _cached_array(doc, "kg_idx")


def token_spaces(doc) -> list[int]:
    """1 where a token is followed by a space (spaCy's ``Token.whitespace_``), else 0; cached."""
    return _cached_array(doc, "kg_spaces")


def _cached_array(doc, key: str) -> list:
    """One of the per-token arrays :func:`_token_arrays` caches in ``doc.user_data``, filled on first use."""
    values = doc.user_data.get(key)
    if values is None or len(values) != len(doc):
        _token_arrays(doc)
        values = doc.user_data[key]
    return values


def _token_arrays(doc) -> None:
    """Fill the caches of :func:`token_texts`, :func:`token_starts` and :func:`token_spaces`."""
    text = doc_text(doc)
    # a token ends where the next begins, less its trailing space (one-column arrays are
    # cheap to read; a two-column one, or LENGTH, costs a Python call per token)
    starts = doc.to_array(IDX).tolist()
    spaces = doc.to_array(SPACY).tolist()
    ends = starts[1:] + [len(text)]
    doc.user_data["kg_texts"] = [text[a : b - w] for a, b, w in zip(starts, ends, spaces)]
    doc.user_data["kg_idx"] = starts
    doc.user_data["kg_spaces"] = spaces


def token_lower(doc) -> list[str]:
    """Lower-cased token texts of ``doc`` (spaCy's ``LOWER``: ``str.lower``), computed once and cached."""
    lower = doc.user_data.get("kg_lower")
    if lower is None or len(lower) != len(doc):
        lower = [t.lower() for t in token_texts(doc)]
        doc.user_data["kg_lower"] = lower
    return lower


def char_token_span(doc, start_char: int, end_char: int) -> tuple[int, int] | None:
    """Token offsets ``(start, end)`` of ``doc.char_span(start_char, end_char, alignment_mode="expand")``,
    or None where that is None (and where ``end_char < start_char``, which spaCy refuses), found by
    bisection in the cached token offsets, without a Span object."""
    starts = token_starts(doc)
    texts = token_texts(doc)
    n_chars = len(doc_text(doc))
    # tokens with their trailing space tile the text, so the token holding a character is the
    # last one starting at or before it
    if not starts or end_char < start_char or not 0 <= start_char < n_chars or not 0 <= end_char - 1 < n_chars:
        return None
    start = bisect_right(starts, start_char) - 1
    end = bisect_right(starts, end_char - 1) - 1
    if start_char == starts[start] + len(texts[start]):
        start += 1  # in the space after a token: the span starts at the next one
    return start, end + 1


def sentence_bounds(doc) -> list[tuple[int, int]]:
    """(start, end) token offsets of ``doc``'s sentences (the whole doc when none are set), without Span objects."""
    n = len(doc)
    if n == 0:
        return []
    if not doc.has_annotation("SENT_START"):
        return [(0, n)]
    # the first token always starts a sentence, whatever its flag says
    flags = doc.to_array(SENT_START)
    flags[0] = 1
    # several components ask per doc: cached, and reused while the flags are unchanged
    key = flags.tobytes()
    cached = doc.user_data.get("kg_sent_bounds")
    if cached is not None and cached[0] == key:
        return list(cached[1])
    starts = numpy.flatnonzero(flags == 1).tolist()
    bounds = list(zip(starts, starts[1:] + [n]))
    doc.user_data["kg_sent_bounds"] = (key, tuple(bounds))
    return bounds
