"""Candidate mentions shared between kg's entity components.

Each evidence component (lexicon, shapes, abbreviations, context) proposes
spans into ``doc.spans[CANDIDATES]``; the resolve component picks the final,
non-overlapping ``doc.ents`` from them. Keeping proposals separate lets every
component stay ignorant of the others and lets resolve weigh them by rule.
"""

from __future__ import annotations

from spacy.attrs import ORTH, SPACY
from spacy.tokens import Doc, Span

__all__ = ["CANDIDATES", "WEAK_SUFFIX", "add_candidate", "add_char_candidate", "candidate_records", "doc_text"]

#: key of the SpanGroup that holds proposals
CANDIDATES = "kg_candidates"
#: ending of the rule id of a lexicon name that is tagged only as an item of a list of its kind
#: (``kg_resolve``); too ambiguous alone ("RTE", "SSL"), it is no evidence for other components
WEAK_SUFFIX = "-ctx"
#: ``doc.user_data`` key of the candidates as plain tuples (:func:`candidate_records`)
RECORDS = "kg_candidate_records"


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per Doc: spaCy rebuilds it from every token on each access.

    kg's tokenizer stores the text it read (``doc.user_data["kg_text"]``); a Doc from
    another tokenizer gets it built here once.
    """
    text = doc.user_data.get("kg_text")
    if text is None:
        # to_array avoids creating one Token object per token, which dominates doc.text's cost
        strings = doc.vocab.strings
        text = "".join(strings[orth] + (" " if space else "") for orth, space in doc.to_array([ORTH, SPACY]).tolist())
        doc.user_data["kg_text"] = text
    return text


def add_candidate(doc: Doc, start: int, end: int, label: str, rule_id: str) -> Span | None:
    """Propose tokens ``start:end`` as a ``label`` mention produced by ``rule_id``."""
    if end <= start:
        return None
    return _add(doc, Span(doc, start, end, label=label, span_id=rule_id), label, rule_id)


def add_char_candidate(doc: Doc, start_char: int, end_char: int, label: str, rule_id: str) -> Span | None:
    """Propose the characters ``start_char:end_char`` (expanded to whole tokens)."""
    span = doc.char_span(start_char, end_char, label=label, span_id=rule_id, alignment_mode="expand")
    if span is None or span.end <= span.start:
        return None
    return _add(doc, span, label, rule_id)


def _add(doc: Doc, span: Span, label: str, rule_id: str) -> Span:
    group = doc.spans[CANDIDATES] if CANDIDATES in doc.spans else None
    if group is None:
        doc.spans[CANDIDATES] = [span]
        doc.user_data[RECORDS] = [(span.start, span.end, label, rule_id)]
    else:
        group.append(span)
        records = doc.user_data.get(RECORDS)
        if records is not None:
            records.append((span.start, span.end, label, rule_id))
    return span


def candidate_records(doc: Doc) -> list[tuple[int, int, str, str]]:
    """``(start, end, label, rule_id)`` of every candidate in ``doc.spans["kg_candidates"]``, in order.

    :func:`add_candidate` keeps these tuples beside the SpanGroup, so the components that
    weigh candidates need not build a Span object per candidate; when the group was filled
    some other way (the counts differ) the tuples are read from its spans.
    """
    if CANDIDATES not in doc.spans:
        return []
    group = doc.spans[CANDIDATES]
    records = doc.user_data.get(RECORDS)
    if records is None or len(records) != len(group):
        records = [(s.start, s.end, s.label_, s.id_) for s in group]
        doc.user_data[RECORDS] = records
    return records
