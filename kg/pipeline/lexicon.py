"""Lexicon matching: curated name lists from rules/lexicon_*.jsonl.

Names flagged ``case_sensitive`` (acronyms whose lower case is a word: GLUE,
COCO) or ``ambiguous`` (ordinary English words: Whisper, Falcon) are matched
on the exact text; the rest case-insensitively. An ambiguous name is further
ignored as the first token of a sentence, where capitals say nothing. A rule
whose id ends in ``-recased`` (a coined mixed-case name) matches in any case
but all lower case.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.vocab import Vocab
from spacy.tokens import Doc

from ..rulefiles import RuleSource
from .candidates import add_candidate
from .doctokens import token_texts
from .rules import RuleComponent

__all__ = ["LexiconMatcher", "make_lexicon", "LEXICON_FILES", "RECASED_SUFFIX"]

#: the lexicon files under rules/ (one per entity type, plus kg's own core list)
LEXICON_FILES = "lexicon_*.jsonl"
#: ending of the rule id of a mixed-case name matched in any case except all lower case
#: ("BookCorpus" also as "BOOKCORPUS", but "retouch" is a word; tools/curate_lexicons.py)
RECASED_SUFFIX = "-recased"


class LexiconMatcher(RuleComponent):
    """Propose every lexicon name found in the text as a candidate mention."""

    default_name = "kg_lexicon"

    def load(self, source: RuleSource) -> None:
        """Compile the names of every ``lexicon_*.jsonl`` file into two phrase matchers."""
        nlp = self.nlp
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.ambiguous_keys: set[int] = set()
        exact: dict[str, list] = {}
        lower: dict[str, list] = {}
        for file in source.names(LEXICON_FILES):
            for rule in source.rules(file):
                key = f"{rule['label']}|{rule['id']}" + ("|amb" if rule.get("ambiguous") else "")
                sensitive = rule.get("case_sensitive") or rule.get("ambiguous")
                (exact if sensitive else lower).setdefault(key, []).append(rule["pattern"])
        # Patterns are tokenised by a scratch copy of the tokenizer: feeding ~27k names
        # through nlp's own tokenizer fills its cache and vocab with them and makes every
        # later document tokenise about 4x slower. Matching compares hashed attributes,
        # which do not depend on the vocab, so the scratch docs match nlp's docs.
        scratch = nlp.tokenizer.__class__(
            Vocab(strings=[], lex_attr_getters=nlp.vocab.lex_attr_getters), rules=nlp.Defaults.tokenizer_exceptions,
            prefix_search=nlp.tokenizer.prefix_search, suffix_search=nlp.tokenizer.suffix_search,
            infix_finditer=nlp.tokenizer.infix_finditer, token_match=nlp.tokenizer.token_match,
            url_match=nlp.tokenizer.url_match,
        )
        for table, matcher in ((exact, self.exact), (lower, self.lower)):
            for key, patterns in table.items():
                matcher.add(key, list(scratch.pipe(patterns)))
                if key.endswith("|amb"):
                    self.ambiguous_keys.add(nlp.vocab.strings[key])

    def process(self, doc: Doc) -> Doc:
        """Add a candidate for every lexicon name in ``doc``."""
        strings = doc.vocab.strings
        texts = None
        for matcher in (self.exact, self.lower):
            for key, start, end in matcher(doc):
                if key in self.ambiguous_keys and doc[start].is_sent_start:
                    continue
                label, rule_id = strings[key].split("|")[:2]
                if rule_id.endswith(RECASED_SUFFIX):
                    # a coined name matched in any case but all lower case: "retouch" is a word, "ReTouch" a name
                    texts = texts if texts is not None else token_texts(doc)
                    if all(t.islower() or not any(c.isalpha() for c in t) for t in texts[start:end]):
                        continue
                add_candidate(doc, start, end, label, rule_id)
        return doc


@Language.factory("kg_lexicon", assigns=["doc.spans"])
def make_lexicon(nlp: Language, name: str) -> LexiconMatcher:
    """Factory of ``kg_lexicon`` (names from the rules folder's ``lexicon_*.jsonl``, read by ``initialize``)."""
    return LexiconMatcher(nlp, name)
