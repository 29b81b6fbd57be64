"""``kg_sentencizer``: spaCy's rule-based sentencizer, without a Token object per token.

The rule is spaCy's ``Sentencizer`` (a sentence starts at the first token after a run of
sentence-final punctuation that is not itself punctuation), found by scanning the text
for the sentence-final characters; spaCy's loop over Token objects took as long as the tokenizer.
Sentence starts already set on the Doc are kept, as spaCy's does (``overwrite=False``).

One rule more than spaCy's: a blank line ends a sentence, so a paper's title (its content is
the title, a blank line, the abstract) is always a sentence of its own, full stop or not. The
whitespace token holding the blank line starts the next sentence, as spaCy starts one with the
whitespace after a full stop.
"""

from __future__ import annotations

import re
from bisect import bisect_right

import numpy
from spacy.attrs import IS_PUNCT, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

from .candidates import doc_text
from .doctokens import token_starts, token_texts

__all__ = ["FastSentencizer", "make_sentencizer"]


class FastSentencizer:
    """Set ``doc.sents`` by sentence-final punctuation (spaCy's default characters unless given)."""

    def __init__(self, name: str = "kg_sentencizer", *, punct_chars: list[str] | None = None):
        self.name = name
        self.punct_chars = frozenset(punct_chars or Sentencizer.default_punct_chars)
        # a sentence-final token is one of these characters alone, so it is found by scanning the
        # text for them (a few per sentence) instead of reading every token. A class of all 150
        # is slow to scan; the ASCII ones make a fast one, and a text's non-ASCII characters are few
        self._single = all(len(c) == 1 for c in self.punct_chars)
        ascii_chars = sorted(c for c in self.punct_chars if c.isascii())
        self._ascii_finals = re.compile("[" + "".join(map(re.escape, ascii_chars)) + "]") if ascii_chars else None

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        texts = token_texts(doc)
        ends = self.punct_chars
        guesses = numpy.full(n, -1, dtype="int64")
        guesses[0] = 1
        if self._single:
            # spaCy's rule: after a sentence-final token, the next token that is neither punctuation
            # nor sentence-final starts a sentence
            starts = token_starts(doc)
            after = -1
            for c in self._final_chars(doc_text(doc)):
                j = bisect_right(starts, c) - 1
                if j <= after or starts[j] != c or texts[j] not in ends:
                    continue
                after = j + 1
                while after < n and (doc[after].is_punct or texts[after] in ends):
                    after += 1
                if after < n:
                    guesses[after] = 1
        else:
            punct = doc.to_array(IS_PUNCT).tolist()
            start, seen_period = 0, False
            for i, t in enumerate(texts):
                in_chars = t in ends
                if seen_period and not punct[i] and not in_chars:
                    guesses[start] = 1
                    start, seen_period = i, False
                elif in_chars:
                    seen_period = True
            guesses[start] = 1
        text = doc_text(doc)
        if "\n" in text:
            self._blank_lines(doc, text, texts, guesses)
        if doc.has_annotation("SENT_START"):
            current = doc.to_array(SENT_START).astype("int64")
            # keep starts set before this component (spaCy's overwrite=False): only 0 means unset
            guesses = numpy.where(current == 0, guesses, current)
        doc.from_array([SENT_START], guesses.astype("uint64").reshape(-1, 1))
        return doc

    @staticmethod
    def _blank_lines(doc: Doc, text: str, texts: list[str], guesses) -> None:
        """Start a sentence at every blank line's whitespace token that some token follows."""
        starts = None
        n = len(texts)
        for m in _BLANK_LINE.finditer(text):
            if starts is None:
                starts = token_starts(doc)
            j = bisect_right(starts, m.start()) - 1
            if j < 0:
                continue
            if not texts[j].isspace():
                j += 1  # the newline is in the space after token j (another tokenizer's doing)
            elif j + 1 >= n:
                continue  # a blank line that ends the text starts nothing
            if 0 < j < n:
                guesses[j] = 1

    def _final_chars(self, text: str) -> list[int]:
        """Offsets, in order, of the sentence-final characters in ``text``."""
        found = [m.start() for m in self._ascii_finals.finditer(text)] if self._ascii_finals is not None else []
        if not text.isascii():
            found.extend(m.start() for m in _NON_ASCII.finditer(text) if m.group() in self.punct_chars)
            found.sort()
        return found


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# a newline, spaces or tabs, a newline: one class then a literal, so no backtracking
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


@Language.factory("kg_sentencizer", assigns=["token.is_sent_start", "doc.sents"], default_config={"punct_chars": None})
def make_sentencizer(nlp: Language, name: str, *, punct_chars: list[str] | None) -> FastSentencizer:
    """Factory of ``kg_sentencizer`` (``punct_chars``: sentence-final characters, default spaCy's)."""
    return FastSentencizer(name, punct_chars=punct_chars)
