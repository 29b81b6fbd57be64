"""Wiring and rule files of kg's relation stage (orgs, relations, links, findings).

``add_relation_components(nlp)`` appends the four components, in order, after
the entity components. ``read_stage_rules`` reads their rule files: JSONL whose
``pattern`` is an object of cue lists (the entity rules' ``pattern`` is a
string, so these files have their own small reader).
"""

from __future__ import annotations

from pathlib import Path

from .rules import read_rules

__all__ = ["add_relation_components", "read_stage_rules", "STAGE_COMPONENTS"]

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
    texts = doc.user_data.get("kg_texts")
    if texts is None or len(texts) != len(doc):
        from spacy.attrs import IDX, SPACY

        from .candidates import doc_text

        text = doc_text(doc)
        # a token ends where the next begins, less its trailing space (one-column arrays are
        # cheap to read; a two-column one, or LENGTH, costs a Python call per token)
        starts = doc.to_array(IDX).tolist()
        spaces = doc.to_array(SPACY).tolist()
        ends = starts[1:] + [len(text)]
        texts = [text[a : b - w] for a, b, w in zip(starts, ends, spaces)]
        doc.user_data["kg_texts"] = texts
    return texts


def token_lower(doc) -> list[str]:
    """Lower-cased token texts of ``doc`` (spaCy's ``LOWER``: ``str.lower``), computed once and cached."""
    lower = doc.user_data.get("kg_lower")
    if lower is None or len(lower) != len(doc):
        lower = [t.lower() for t in token_texts(doc)]
        doc.user_data["kg_lower"] = lower
    return lower


def sentence_bounds(doc) -> list[tuple[int, int]]:
    """(start, end) token offsets of ``doc``'s sentences (the whole doc when none are set), without Span objects."""
    n = len(doc)
    if n == 0:
        return []
    if not doc.has_annotation("SENT_START"):
        return [(0, n)]
    starts = [i for i, v in enumerate(doc.to_array("SENT_START").tolist()) if v == 1 or i == 0]
    return list(zip(starts, starts[1:] + [n]))
