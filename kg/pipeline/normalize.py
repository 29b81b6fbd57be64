"""Normalised entity keys: the string the graph merges mentions on.

``entity_key("Sparse Autoencoders", "Method") == "sparse-autoencoder"`` and
``entity_key("LLaVA 1.5 7B", "Model") == entity_key("LLaVA-1.5-7B", "Model")``.
Deterministic, dependency-free and cheap (called once per mention).

Spellings the key joins (each is the same name written another way):
case, separators ("MS-COCO", "MS COCO"), a plural head ("GCNs"), dotted
initials ("G.C.N."), an unclosed parenthesis and what follows it ("Graph
Convolutional Network(GCN": a definition glued to its name), and a year written with an apostrophe and two digits
("VOC'07" = "VOC 2007"). :func:`compact_key` also drops the separators
("MSCOCO"), and :func:`alias_lookup_key` every plural, for the alias table.
Numbers are never touched: "ResNet-50" / "ResNet-101", "VOC 2007" / "VOC 2012",
"GPT-3" / "GPT-3.5" keep apart.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["entity_key", "compact_key", "alias_lookup_key", "singular"]

# an acronym in the plural: "LLMs", "SAEs", "CNNs" (the key drops the "s")
_ACRONYM_PLURAL = re.compile(r"^[A-Z][A-Za-z0-9]*[A-Z0-9]s$")
_SEP = re.compile(r"[\s_\-\u2010-\u2015\u2212/]+")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
# a two-digit year after an apostrophe, glued to a name or after one space ("VOC'07", "NeurIPS ’19");
# the digits end the token, so "'070" or "'07a" are left alone
_YEAR_APOSTROPHE = re.compile(r"(?<=[A-Za-z])\s?['\u2019](\d\d)(?![\w'\u2019])")
#: two-digit years below this are 20xx, the rest 19xx ("'07" -> 2007, "'98" -> 1998)
YEAR_PIVOT = 50
# initials written with dots ("g.c.n" once the edges are trimmed): the name without them
_DOTTED_INITIALS = re.compile(r"^[a-z](?:\.[a-z]){1,9}\.?$")
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
    >>> entity_key("PASCAL VOC'07"), entity_key("G.C.N.")
    ('pascal-voc-2007', 'gcn')
    """
    t = unicodedata.normalize("NFKC", text).strip()
    if "'" in t or "\u2019" in t:
        t = _YEAR_APOSTROPHE.sub(_full_year, t)
    last = t.rsplit(None, 1)[-1] if t else t
    if _ACRONYM_PLURAL.match(last):
        t = t[:-1]
    t = t.lower()
    if t.endswith(("'s", "\u2019s")):
        t = t[:-2]
    t = _EDGE.sub("", t.translate(_QUOTES))
    cut = t.find("(")
    if cut > 0 and ")" not in t[cut:]:
        # "Graph Convolutional Network(GCN", "Sparse Autoencoders (SAEs)" once the edge is
        # trimmed: a definition glued to its name; the name is what comes before it
        t = _EDGE.sub("", t[:cut])
    parts = [p.replace(".", "") if "." in p and _DOTTED_INITIALS.match(p) else p for p in _SEP.split(t) if p]
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


@lru_cache(maxsize=65536)
def alias_lookup_key(key: str) -> str:
    """The form of an entity key the alias table (rules/aliases.jsonl) is looked up by:
    :func:`compact_key` of the key with every word singular, so "principal components
    analysis" meets the table's "Principal Component Analysis".

    Only for the table: both spellings must be listed names before they meet, so
    the looser form joins nothing else.

    >>> alias_lookup_key("principal-components-analysis") == alias_lookup_key("principal-component-analysis")
    True
    """
    return "".join(singular(w) if w.isalpha() else w for w in key.split("-"))


def _full_year(m: re.Match) -> str:
    yy = m.group(1)
    return f" {'20' if int(yy) < YEAR_PIVOT else '19'}{yy}"

