"""Name shapes: model names with versions, sizes and flavours, and coined names.

"Qwen2.5-7B-Instruct", "Llama 3.1 405B", "ResNet-50", "ViT-B/16", "BERT-base",
"CodeBERT": the shape alone says "model name", whatever the family. The
regexes are data (rules/shapes.jsonl); this module only runs them.
"""

from __future__ import annotations

from spacy.language import Language

from .regexrules import RegexRules

__all__ = ["make_shapes"]


@Language.factory("kg_shapes", default_config={"file": "shapes.jsonl", "rules_dir": ""})
def make_shapes(nlp: Language, name: str, *, file: str, rules_dir: str) -> RegexRules:
    """Factory of ``kg_shapes``: regex shape rules from ``file`` in the rules folder."""
    return RegexRules(name, file=file, rules_dir=rules_dir)
