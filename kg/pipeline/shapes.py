"""Name shapes: model names with versions, sizes and flavours, and coined names.

"Qwen2.5-7B-Instruct", "Llama 3.1 405B", "ResNet-50", "ViT-B/16", "BERT-base",
"CodeBERT": the shape alone says "model name", whatever the family. The
regexes are data (rules/shapes.jsonl); this module only runs them.
"""

from __future__ import annotations

from spacy.language import Language

from .regexrules import RegexRules

__all__ = ["ShapeRules", "make_shapes"]


class ShapeRules(RegexRules):
    """``kg_shapes``: regex shape rules from rules/shapes.jsonl."""

    default_name = "kg_shapes"
    rule_file = "shapes.jsonl"


@Language.factory("kg_shapes", assigns=["doc.spans"])
def make_shapes(nlp: Language, name: str) -> ShapeRules:
    """Factory of ``kg_shapes`` (regex shape rules from rules/shapes.jsonl, read by ``initialize``)."""
    return ShapeRules(nlp, name)
