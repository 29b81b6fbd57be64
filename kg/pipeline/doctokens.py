"""A Doc's tokens as cached plain lists, shared by every kg component.

Iterating a Doc builds a Token object per token, the largest cost of a rule
component. ``token_texts``, ``token_lower``, ``token_starts`` and ``token_spaces``
read spaCy's arrays once per Doc and cache them in ``doc.user_data``;
``sentence_bounds`` and ``char_token_span`` give sentence and character-span
token offsets without Span objects.
"""

from __future__ import annotations

from bisect import bisect_right

import numpy
from spacy.attrs import IDX, SENT_START, SPACY

from .candidates import doc_text

__all__ = ["token_texts", "token_lower", "token_starts", "token_spaces", "sentence_bounds", "char_token_span"]


def token_texts(doc) -> list[str]:
    """Token texts of ``doc``, computed once and shared by kg's components.

    Iterating a Doc builds a Token object per token, the largest cost of these components;
    the texts are sliced from the doc's text by each token's offset and length instead, and
    cached in ``doc.user_data`` (tokens never change after tokenisation).
    """
    return _cached_array(doc, "kg_texts")


def token_starts(doc) -> list[int]:
    """Character offset of every token of ``doc`` (spaCy's ``Token.idx``), computed once and cached."""
    return _cached_array(doc, "kg_idx")


def token_spaces(doc) -> list[int]:
    """1 where a token is followed by a space (spaCy's ``Token.whitespace_``), else 0; cached."""
    return _cached_array(doc, "kg_spaces")


def _cached_array(doc, key: str) -> list:
    """One of the per-token arrays :func:`_token_arrays` caches in ``doc.user_data``, filled on first use."""
    values = doc.user_data.get(key)
    if values is None or len(values) != len(doc):
        _token_arrays(doc)
        values = doc.user_data[key]
    return values


def _token_arrays(doc) -> None:
    """Fill the caches of :func:`token_texts`, :func:`token_starts` and :func:`token_spaces`."""
    text = doc_text(doc)
    # a token ends where the next begins, less its trailing space (one-column arrays are
    # cheap to read; a two-column one, or LENGTH, costs a Python call per token)
    starts = doc.to_array(IDX).tolist()
    spaces = doc.to_array(SPACY).tolist()
    ends = starts[1:] + [len(text)]
    doc.user_data["kg_texts"] = [text[a : b - w] for a, b, w in zip(starts, ends, spaces)]
    doc.user_data["kg_idx"] = starts
    doc.user_data["kg_spaces"] = spaces


def token_lower(doc) -> list[str]:
    """Lower-cased token texts of ``doc`` (spaCy's ``LOWER``: ``str.lower``), computed once and cached."""
    lower = doc.user_data.get("kg_lower")
    if lower is None or len(lower) != len(doc):
        lower = [t.lower() for t in token_texts(doc)]
        doc.user_data["kg_lower"] = lower
    return lower


def char_token_span(doc, start_char: int, end_char: int) -> tuple[int, int] | None:
    """Token offsets ``(start, end)`` of ``doc.char_span(start_char, end_char, alignment_mode="expand")``,
    or None where that is None (and where ``end_char < start_char``, which spaCy refuses), found by
    bisection in the cached token offsets, without a Span object."""
    starts = token_starts(doc)
    texts = token_texts(doc)
    n_chars = len(doc_text(doc))
    # tokens with their trailing space tile the text, so the token holding a character is the
    # last one starting at or before it
    if not starts or end_char < start_char or not 0 <= start_char < n_chars or not 0 <= end_char - 1 < n_chars:
        return None
    start = bisect_right(starts, start_char) - 1
    end = bisect_right(starts, end_char - 1) - 1
    if start_char == starts[start] + len(texts[start]):
        start += 1  # in the space after a token: the span starts at the next one
    return start, end + 1


def sentence_bounds(doc) -> list[tuple[int, int]]:
    """(start, end) token offsets of ``doc``'s sentences (the whole doc when none are set), without Span objects."""
    n = len(doc)
    if n == 0:
        return []
    if not doc.has_annotation("SENT_START"):
        return [(0, n)]
    # the first token always starts a sentence, whatever its flag says
    flags = doc.to_array(SENT_START)
    flags[0] = 1
    # several components ask per doc: cached, and reused while the flags are unchanged
    key = flags.tobytes()
    cached = doc.user_data.get("kg_sent_bounds")
    if cached is not None and cached[0] == key:
        return list(cached[1])
    starts = numpy.flatnonzero(flags == 1).tolist()
    bounds = list(zip(starts, starts[1:] + [n]))
    doc.user_data["kg_sent_bounds"] = (key, tuple(bounds))
    return bounds
