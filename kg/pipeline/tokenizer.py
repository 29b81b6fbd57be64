"""kg's tokenizer: spaCy's English tokenizer, bounded on hostile text, serialisable.

Registered as ``kg.Tokenizer.v1`` (``[nlp.tokenizer] @tokenizers = "kg.Tokenizer.v1"``),
so ``nlp.to_disk(path)`` / ``spacy.load(path)`` and pickling round-trip kg's pipeline
(import :mod:`kg.pipeline` first, which registers it and kg's components). Over
spaCy's own tokenizer it:

* splits a sentence-final "." off a size or version ending in a capital ("405B.",
  :data:`SIZE_FULL_STOP`), which spaCy's English suffixes keep on the token;
* splits a bracket glued to a word ("(CNN)-based", "Distance(FID)", :data:`BRACKET_INFIXES`);
* tokenises :func:`kg.pipeline.guard.safe_text` of the text (runaway punctuation
  and overlong words broken by spaces, one character for one), so tokenising
  stays linear in the text's length;
* keeps the text it tokenised in ``doc.user_data["kg_text"]``, which
  :func:`kg.pipeline.candidates.doc_text` reads instead of rebuilding it.
"""

from __future__ import annotations

import re

import spacy
from spacy.tokenizer import Tokenizer

from .guard import safe_text

__all__ = ["KGTokenizer", "SizeStopSuffix", "SIZE_FULL_STOP", "BRACKET_INFIXES", "create_kg_tokenizer", "TEXT_KEY"]

#: a full stop after a size or version ending in a capital ("405B.", "8x7B.", "v2L.") ends the
#: sentence; spaCy's English suffixes keep it on the token (they only split after lower case,
#: digits or two capitals), which would put the stop inside the model name
SIZE_FULL_STOP = r"(?<=[0-9][A-Z])\.$"
#: infixes over spaCy's English ones: a bracket glued to a word is its own token, so an
#: acronym defined in "convolutional neural network (CNN)-based", "Distance(FID)" or "(CNN)and"
#: is the token "CNN" / "FID", not "CNN)-based" / "Distance(FID" (spaCy splits "-" only between
#: letters); "R(2+1)D" stays one token
BRACKET_INFIXES = (
    r"(?<=[A-Za-z0-9])[)\]](?=-[A-Za-z])",  # "CNN)-based": the bracket ...
    r"(?<=[)\]])-(?=[A-Za-z])",  # ... and the hyphen after it
    r"(?<=[a-z]{2})\((?=[A-Z])",  # "Distance(FID": an opening bracket glued to a word
    r"(?<=[A-Za-z0-9]{2})\)(?=[a-z]{2})",  # "(CNN)and": a closing one glued to the next word
)
#: ``doc.user_data`` key of the text the tokenizer read
TEXT_KEY = "kg_text"


class SizeStopSuffix:
    """A suffix search: spaCy's suffix regex, then :data:`SIZE_FULL_STOP` on what it leaves.

    Folding the rule into spaCy's one suffix regex makes every suffix search about 4x
    slower (the look-behind alternative defeats the regex engine's literal scan), so
    spaCy's regex runs first and ours only on the rare token that ends "<capital>.".
    ``pattern`` is spaCy's pattern: the tokenizer serialises ``search.__self__.pattern``,
    so a saved pipeline stores plain spaCy data and kg's rule is re-applied on load.
    """

    kg_size_full_stop = True

    def __init__(self, pattern: str | None):
        self.pattern = pattern
        self._base = re.compile(pattern).search if pattern is not None else None
        self._size_stop = re.compile(SIZE_FULL_STOP).search

    def search(self, text: str):
        """The suffix match of ``text`` (spaCy's, else a full stop after "<digit><capital>")."""
        found = self._base(text) if self._base is not None else None
        if found is None and len(text) > 2 and text[-1] == "." and text[-2].isupper():
            return self._size_stop(text)
        return found

    def __reduce__(self):
        return (SizeStopSuffix, (self.pattern,))


def with_size_stop(search):
    """``search`` (a compiled regex's ``search``, None, or already kg's) wrapped in :class:`SizeStopSuffix`."""
    owner = getattr(search, "__self__", None)
    if isinstance(owner, SizeStopSuffix):
        return search
    if search is not None and owner is None:
        # a plain function: keep it callable (not serialisable, as before)
        def chained(text: str):
            found = search(text)
            if found is None and len(text) > 2 and text[-1] == "." and text[-2].isupper():
                return re.search(SIZE_FULL_STOP, text)
            return found

        chained.kg_size_full_stop = True
        return chained
    return SizeStopSuffix(owner.pattern if owner is not None else None).search


class KGTokenizer(Tokenizer):
    """spaCy's :class:`~spacy.tokenizer.Tokenizer` over :func:`~kg.pipeline.guard.safe_text`, with
    the "405B." suffix rule; ``doc.text`` equals the input except inside runaway runs."""

    def __init__(self, vocab, rules=None, prefix_search=None, suffix_search=None, infix_finditer=None,
                 token_match=None, url_match=None, faster_heuristics=True):
        super().__init__(vocab, rules=rules, prefix_search=prefix_search, suffix_search=with_size_stop(suffix_search),
                         infix_finditer=infix_finditer, token_match=token_match, url_match=url_match,
                         faster_heuristics=faster_heuristics)

    def __call__(self, text: str):
        """Tokenise ``text`` (its runaway runs broken by spaces first)."""
        safe = safe_text(text)
        doc = super().__call__(safe)
        doc.user_data[TEXT_KEY] = safe
        return doc

    def from_bytes(self, bytes_data, *, exclude=tuple()):
        """Load spaCy's tokenizer data, then re-apply kg's suffix rule."""
        super().from_bytes(bytes_data, exclude=exclude)
        self.suffix_search = with_size_stop(self.suffix_search)
        return self


@spacy.registry.tokenizers("kg.Tokenizer.v1")
def create_kg_tokenizer():
    """Registered tokenizer ``kg.Tokenizer.v1``: a factory ``nlp -> KGTokenizer`` with the language defaults."""

    def make(nlp) -> KGTokenizer:
        d = nlp.Defaults
        return KGTokenizer(
            nlp.vocab,
            rules=d.tokenizer_exceptions,
            prefix_search=spacy.util.compile_prefix_regex(d.prefixes).search if d.prefixes else None,
            suffix_search=spacy.util.compile_suffix_regex(d.suffixes).search if d.suffixes else None,
            infix_finditer=spacy.util.compile_infix_regex(tuple(d.infixes or ()) + BRACKET_INFIXES).finditer,
            token_match=d.token_match,
            url_match=d.url_match,
        )

    return make
