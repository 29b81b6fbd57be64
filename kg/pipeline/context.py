"""Context cues: "the X dataset", "we propose X", "in terms of X", "the task of X".

A name nobody has listed is still recognisable from the words around it. The
cue patterns are data (rules/context.jsonl); the proposal is the rule's group,
trimmed of stop words.
"""

from __future__ import annotations

from spacy.language import Language

from .regexrules import RegexRules

__all__ = ["make_context"]


@Language.factory("kg_context", default_config={"file": "context.jsonl", "rules_dir": ""})
def make_context(nlp: Language, name: str, *, file: str, rules_dir: str) -> RegexRules:
    """Factory of ``kg_context``: regex context rules from ``file`` in the rules folder."""
    return RegexRules(name, file=file, rules_dir=rules_dir)
