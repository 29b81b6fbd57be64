"""``kg_sentencizer``: spaCy's rule-based sentencizer, without a Token object per token.

The rule is spaCy's ``Sentencizer`` (a sentence starts at the first token after a run of
sentence-final punctuation that is not itself punctuation), run over the token texts and
``IS_PUNCT`` flags read as arrays; on kg's pipeline it took as long as the tokenizer.
Sentence starts already set on the Doc are kept, as spaCy's does (``overwrite=False``).
"""

from __future__ import annotations

import numpy
from spacy.attrs import IS_PUNCT, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

from .stages import token_texts

__all__ = ["FastSentencizer", "make_sentencizer"]


class FastSentencizer:
    """Set ``doc.sents`` by sentence-final punctuation (spaCy's default characters unless given)."""

    def __init__(self, name: str = "kg_sentencizer", *, punct_chars: list[str] | None = None):
        self.name = name
        self.punct_chars = frozenset(punct_chars or Sentencizer.default_punct_chars)

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        texts = token_texts(doc)
        punct = doc.to_array(IS_PUNCT).tolist()
        ends = self.punct_chars
        guesses = [-1] * n
        guesses[0] = 1
        start, seen_period = 0, False
        for i, t in enumerate(texts):
            in_chars = t in ends
            if seen_period and not punct[i] and not in_chars:
                guesses[start] = 1
                start, seen_period = i, False
            elif in_chars:
                seen_period = True
        guesses[start] = 1
        current = doc.to_array(SENT_START).astype("int64")
        # keep starts set before this component (spaCy's overwrite=False): only 0 means unset
        values = numpy.where(current == 0, numpy.asarray(guesses, dtype="int64"), current)
        doc.from_array([SENT_START], values.astype("uint64").reshape(-1, 1))
        return doc


@Language.factory("kg_sentencizer", assigns=["token.is_sent_start", "doc.sents"], default_config={"punct_chars": None})
def make_sentencizer(nlp: Language, name: str, *, punct_chars: list[str] | None) -> FastSentencizer:
    """Factory of ``kg_sentencizer`` (``punct_chars``: sentence-final characters, default spaCy's)."""
    return FastSentencizer(name, punct_chars=punct_chars)
