"""Context cues: "the X dataset", "we propose X", "in terms of X", "the task of X".

A name nobody has listed is still recognisable from the words around it. The
cue patterns are data (rules/context.jsonl); the proposal is the rule's group,
trimmed of stop words.
"""

from __future__ import annotations

from spacy.language import Language

from .regexrules import RegexRules

__all__ = ["ContextRules", "make_context"]


class ContextRules(RegexRules):
    """``kg_context``: regex context rules from rules/context.jsonl."""

    default_name = "kg_context"
    rule_file = "context.jsonl"


@Language.factory("kg_context", assigns=["doc.spans"])
def make_context(nlp: Language, name: str) -> ContextRules:
    """Factory of ``kg_context`` (regex context rules from rules/context.jsonl, read by ``initialize``)."""
    return ContextRules(nlp, name)
