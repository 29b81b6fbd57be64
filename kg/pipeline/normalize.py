"""Normalised entity keys: the string the graph merges mentions on.

``entity_key("Sparse Autoencoders", "Method") == "sparse-autoencoder"`` and
``entity_key("LLaVA 1.5 7B", "Model") == entity_key("LLaVA-1.5-7B", "Model")``.
Deterministic, dependency-free and cheap (called once per mention).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["entity_key", "compact_key", "singular"]

# an acronym in the plural: "LLMs", "SAEs", "CNNs" (the key drops the "s")
_ACRONYM_PLURAL = re.compile(r"^[A-Z][A-Za-z0-9]*[A-Z0-9]s$")
_SEP = re.compile(r"[\s_\-\u2010-\u2015\u2212/]+")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_QUOTES = str.maketrans({c: "" for c in "\"'`\u2018\u2019\u201c\u201d\u00ab\u00bb"})
# irregular or invariant endings that the suffix rules below would get wrong
_INVARIANT = ("ss", "us", "is", "ics", "sis", "xis", "ous", "as", "os")
_IRREGULAR = {"indices": "index", "matrices": "matrix", "vertices": "vertex", "criteria": "criterion",
              "phenomena": "phenomenon", "analyses": "analysis", "hypotheses": "hypothesis", "data": "data",
              "series": "series", "species": "species", "axes": "axis"}


def singular(word: str) -> str:
    """English singular of a lower-case noun, by suffix rules (autoencoders -> autoencoder)."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or not word.endswith("s") or word.endswith(_INVARIANT):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    return word[:-1]


def entity_key(text: str, label: str = "") -> str:
    """Normalised key of a mention: NFKC, lower case, separators -> "-", edges trimmed,
    plural head (and acronym plural, "LLMs") singularised.

    The key does not depend on ``label``: one name tagged Model in one paper and
    Architecture in another must still meet in one node (its type is a vote).

    >>> entity_key("Sparse Autoencoders", "Method")
    'sparse-autoencoder'
    >>> entity_key("LLaVA 1.5 7B", "Model")
    'llava-1.5-7b'
    >>> entity_key("LLMs", "Model") == entity_key("LLM", "Model") == "llm"
    True
    """
    t = unicodedata.normalize("NFKC", text).strip()
    last = t.rsplit(None, 1)[-1] if t else t
    if _ACRONYM_PLURAL.match(last):
        t = t[:-1]
    t = t.lower()
    if t.endswith(("'s", "\u2019s")):
        t = t[:-2]
    t = _EDGE.sub("", t.translate(_QUOTES))
    parts = [p for p in _SEP.split(t) if p]
    if not parts:
        return ""
    if parts[-1].isalpha():
        parts[-1] = singular(parts[-1])
    return "-".join(parts)


def compact_key(key: str) -> str:
    """``key`` without separators, so "pre-training", "pretraining" and "pre training" meet.

    >>> compact_key("retrieval-augmented-generation") == compact_key("retrievalaugmented-generation")
    True
    """
    return key.replace("-", "")
