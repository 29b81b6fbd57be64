"""Helpers for the relation-stage tests: Docs whose mentions are tagged by hand,
so those tests do not depend on the entity components."""

from __future__ import annotations

import spacy

from kg.pipeline import PIPELINE, initialize_components

#: the relation-stage components, in pipeline order
STAGE_COMPONENTS = tuple(s.name for s in PIPELINE if s.part == "relations")


def stage_nlp():
    """A blank English pipeline with a sentencizer and kg's relation-stage components (kg's rules)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    for stage in PIPELINE:
        if stage.part == "relations":
            nlp.add_pipe(stage.factory, name=stage.name)
    return initialize_components(nlp)


def tag(nlp, text, tags):
    """A Doc of ``text`` with sentences and ``doc.ents`` set from (substring, label) pairs, left to right."""
    doc = nlp.get_pipe("sentencizer")(nlp.make_doc(text))
    spans, pos = [], 0
    for sub, label in tags:
        i = text.index(sub, pos)
        spans.append(doc.char_span(i, i + len(sub), label=label, span_id="test", alignment_mode="expand"))
        pos = i + len(sub)
    doc.ents = spans
    return doc


def run(nlp, text, tags):
    """``tag`` the text, then run every relation-stage component on it."""
    doc = tag(nlp, text, tags)
    for name in STAGE_COMPONENTS:
        doc = nlp.get_pipe(name)(doc)
    return doc
