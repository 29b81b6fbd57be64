"""``kg_lineage``: every Model entity's name parsed once into family / version / size / flavour.

The parse itself is :func:`kg.lineage.parse_model_name` (shapes, with the word
lists of rules/lineage.json). This component runs it once per distinct Model
name of a Doc, after the entities are final, and publishes the result as
``doc._.kg_lineage``: ``{(start token, end token): ModelName}``. Everything later
reads it from there: the mention's graph key (``llava-1.5-7b`` for every spelling),
the ``variant_of`` edge to the family, and whether the family is a broadly known
model name (rules/lexicon_model.jsonl), which lets a single variant attest it.
"""

from __future__ import annotations

import dataclasses

from spacy.language import Language
from spacy.tokens import Doc

from ..lineage import LineageWords, ModelName, parse_model_name
from ..rulefiles import RuleSource
from .rules import RuleComponent

__all__ = ["LineageParser", "make_lineage"]

#: the entity label whose names are parsed
MODEL = "Model"
#: the lexicon of model names whose families a single variant attests
MODEL_LEXICON = "lexicon_model.jsonl"


class LineageParser(RuleComponent):
    """Set ``doc._.kg_lineage`` for the Model entities whose names parse as variants."""

    default_name = "kg_lineage"

    def load(self, source: RuleSource) -> None:
        """Read rules/lineage.json and the names of rules/lexicon_model.jsonl (when there)."""
        self.words = LineageWords.from_settings(source.settings("lineage.json"))
        self.known = frozenset(
            r["pattern"].casefold() for r in source.rules(MODEL_LEXICON)
        ) if source.exists(MODEL_LEXICON) else frozenset()
        self._cache: dict[str, ModelName | None] = {}

    def parse(self, text: str) -> ModelName | None:
        """The parse of one model name with this component's word lists (cached per name)."""
        if text in self._cache:
            return self._cache[text]
        parsed = parse_model_name(text, self.words)
        if parsed is not None and parsed.family.casefold() in self.known:
            parsed = dataclasses.replace(parsed, known_family=True)
        if len(self._cache) < 65536:  # a corpus names the same few thousand models over and over
            self._cache[text] = parsed
        return parsed

    def process(self, doc: Doc) -> Doc:
        """Set ``doc._.kg_lineage`` from ``doc.ents``."""
        found: dict[tuple[int, int], ModelName] = {}
        for ent in doc.ents:
            if ent.label_ == MODEL:
                parsed = self.parse(ent.text)
                if parsed is not None:
                    found[(ent.start, ent.end)] = parsed
        doc._.kg_lineage = found
        return doc


@Language.factory("kg_lineage", assigns=["doc._.kg_lineage"], requires=["doc.ents"])
def make_lineage(nlp: Language, name: str) -> LineageParser:
    """Factory of ``kg_lineage`` (word lists from rules/lineage.json, read by ``initialize``)."""
    return LineageParser(nlp, name)
