"""Normalised entity keys: the string the graph merges mentions on.

``entity_key("Sparse Autoencoders", "Method") == "sparse-autoencoder"`` and
``entity_key("LLaVA 1.5 7B", "Model") == entity_key("LLaVA-1.5-7B", "Model")``.
Deterministic, dependency-free and cheap (called once per mention).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["entity_key", "singular"]

# labels whose names are proper names: "MS MARCO", "ImageNet-21k" must not be singularised
_NO_SINGULAR = {"Model", "Dataset", "Organization"}
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


def entity_key(text: str, label: str) -> str:
    """Normalised key of a mention: NFKC, lower case, separators -> "-", edges trimmed,
    plural head singularised except for Model/Dataset/Organization names.

    >>> entity_key("Sparse Autoencoders", "Method")
    'sparse-autoencoder'
    >>> entity_key("LLaVA 1.5 7B", "Model")
    'llava-1.5-7b'
    """
    t = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    t = _EDGE.sub("", t)
    if t.endswith("'s"):
        t = t[:-2]
    parts = [p for p in _SEP.split(t) if p]
    if not parts:
        return ""
    if label not in _NO_SINGULAR and parts[-1].isalpha():
        parts[-1] = singular(parts[-1])
    return "-".join(parts)
