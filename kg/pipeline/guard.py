"""Bounds that keep kg's pipeline linear on hostile text (the overlong-input policy).

Paper abstracts are a few thousand characters; a scraped page can hold a megabyte
of one unbroken sentence, twenty thousand "(" or a wall of numbers. kg bounds the
work per paper in three places, and never moves an offset:

* :data:`MAX_CHARS` (``kg.extract.extract``): a paper whose content is longer is
  processed up to the last sentence end (else whitespace) before that many
  characters; the rest is not read, and a warning on ``logging.getLogger("kg")``
  names the file and the paper. Offsets stay right because only a tail is cut.
* :func:`safe_text` (kg's tokenizer): spaCy's tokenizer peels affixes off a
  whitespace-free chunk one at a time, rescanning the chunk each time, so its
  cost grows with the square of the chunk's length. A run of more than
  :data:`MAX_PUNCT_RUN` punctuation characters keeps its first ones and the rest
  become spaces; a whitespace-free run longer than :data:`MAX_WORD` characters
  gets a space every :data:`MAX_WORD` characters. Characters are replaced one for
  one, so every offset into the original text is still right.
* :data:`MAX_SENT_TOKENS` (component ``kg_sentence_cap``): a longer sentence is
  split (after a ";" / "," / ":" in its second half where there is one), which
  bounds every per-sentence pair loop of the relation and finding components.
"""

from __future__ import annotations

import re

from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["MAX_CHARS", "MAX_PUNCT_RUN", "MAX_WORD", "MAX_SENT_TOKENS", "safe_text", "cut_point", "SentenceCap",
           "make_sentence_cap"]

#: longest paper content kg reads, in characters (~50 times a long abstract)
MAX_CHARS = 100_000
#: longest run of punctuation / symbol characters kept as written ("-----", "!!!", "((((")
MAX_PUNCT_RUN = 16
#: longest whitespace-free run kept whole (the longest word in the dev corpora has 56)
MAX_WORD = 100
#: longest sentence, in tokens (the longest in the dev corpora has 360)
MAX_SENT_TOKENS = 400

# one class each, no nesting: linear scans
_PUNCT_RUN = re.compile(r"(?:_|[^\w\s]){%d,}" % (MAX_PUNCT_RUN + 1))
_PUNCT_ONLY = re.compile(r"[^\w\s]{%d}" % (MAX_PUNCT_RUN + 1))
_UNDERSCORES = re.compile(r"_{%d}" % (MAX_PUNCT_RUN + 1))
_LONG_WORD = re.compile(r"(?<!\S)\S{%d,}" % (MAX_WORD + 1))
_SENT_END = re.compile(r"[.!?][\"')\]]?\s")
_CLAUSE_END = frozenset({";", ",", ":"})


def safe_text(text: str) -> str:
    """``text`` with runaway punctuation runs and overlong words broken by spaces (same length).

    >>> safe_text("(" * 20) == "(" * 16 + " " * 4
    True
    >>> safe_text("BERT (Devlin et al.) is fine.") == "BERT (Devlin et al.) is fine."
    True
    """
    # both rules act inside one whitespace-free run longer than MAX_PUNCT_RUN (str.split and the
    # regexes' \s agree on what is whitespace); most abstracts have few such words or none, and
    # splitting is several times faster than the regex scans of the whole text
    if not any(len(w) > MAX_WORD or _PUNCT_ONLY.search(w) or _UNDERSCORES.search(w)
               for w in text.split() if len(w) > MAX_PUNCT_RUN):
        return text
    # two one-class scans are several times faster than the alternation's; a mixed "_-_-" run
    # they miss is still broken by the word rule below
    if _PUNCT_ONLY.search(text) or _UNDERSCORES.search(text):
        text = _PUNCT_RUN.sub(lambda m: m.group()[:MAX_PUNCT_RUN] + " " * (len(m.group()) - MAX_PUNCT_RUN), text)
    if _LONG_WORD.search(text):
        def split(m: re.Match) -> str:
            word = list(m.group())
            for i in range(MAX_WORD, len(word), MAX_WORD + 1):
                word[i] = " "
            return "".join(word)

        text = _LONG_WORD.sub(split, text)
    return text


def cut_point(text: str, limit: int = MAX_CHARS) -> int:
    """Where to cut ``text`` to at most ``limit`` characters: after the last sentence end in its
    second half, else at the last whitespace, else at ``limit``; ``len(text)`` when it fits."""
    if len(text) <= limit:
        return len(text)
    half = limit // 2
    end = None
    for m in _SENT_END.finditer(text, half, limit):
        end = m.end()
    if end is not None:
        return end
    space = max(text.rfind(" ", half, limit), text.rfind("\n", half, limit))
    return space + 1 if space >= 0 else limit


class SentenceCap:
    """Split every sentence longer than ``max_tokens`` tokens, so per-sentence work stays bounded."""

    def __init__(self, name: str = "kg_sentence_cap", *, max_tokens: int = MAX_SENT_TOKENS):
        self.name = name
        self.max_tokens = max(2, int(max_tokens))

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n <= self.max_tokens or not doc.has_annotation("SENT_START"):
            return doc
        from .doctokens import sentence_bounds, token_lower

        cuts = []
        lower = None
        for start, end in sentence_bounds(doc):
            while end - start > self.max_tokens:
                if lower is None:
                    lower = token_lower(doc)
                limit = start + self.max_tokens
                cut = limit
                for j in range(limit - 1, start + self.max_tokens // 2, -1):
                    if lower[j] in _CLAUSE_END:
                        cut = j + 1
                        break
                cuts.append(cut)
                start = cut
        if cuts:
            # one array write: setting Token.is_sent_start one by one costs a pass over the doc each
            starts = doc.to_array([SENT_START])
            starts = starts.reshape(-1, 1)
            starts[cuts, 0] = 1
            doc.from_array([SENT_START], starts)
        return doc


@Language.factory("kg_sentence_cap", default_config={"max_tokens": MAX_SENT_TOKENS})
def make_sentence_cap(nlp: Language, name: str, *, max_tokens: int) -> SentenceCap:
    """Factory of ``kg_sentence_cap``: sentences longer than ``max_tokens`` tokens are split."""
    return SentenceCap(name, max_tokens=max_tokens)
