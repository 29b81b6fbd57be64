"""``kg_canonical``: the canonical name of every entity that rules/aliases.jsonl names.

"MS-COCO", "MS COCO" and "Microsoft COCO" are one dataset; "Vision Transformer" and
"ViT" one architecture. The alias table (rules/aliases.jsonl, curated from the
lexicon lists by ``tools/curate_aliases.py``) lists such spellings, each with the
canonical name it stands for. This component, the pipeline's last, looks every
entity up in it, by its graph key (the lineage step's key for a model variant, else
:func:`~kg.pipeline.normalize.entity_key`) in :func:`~kg.pipeline.normalize.alias_lookup_key`
form, and publishes ``doc._.kg_canonical``: ``{(start, end): CanonicalName}`` for the
entities it names. The graph then puts every spelling on the canonical name's node
(its other spellings stay on it as ``aliases``; the text and evidence stay as written),
and a table-named acronym keeps the table's meaning across papers (a paper that
defines it otherwise keeps its own meaning, in that paper only).

The table is read like every rule file (``initialize(rules_dir=...)``, saved with the
pipeline), so ``kg build --rules DIR`` changes it and the graph stage reads no rules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from ..lineage import LineageWords, parse_model_name
from ..rulefiles import RuleSource, RulesDir
from .normalize import alias_lookup_key, entity_key
from .rules import RuleComponent

__all__ = ["CanonicalName", "CanonicalNames", "make_canonical", "canonical_lookup", "ALIAS_FILE"]

#: the alias table under rules/
ALIAS_FILE = "aliases.jsonl"


class CanonicalName(NamedTuple):
    """The canonical name an entity's spelling stands for: its graph ``key`` and the ``name`` as the table writes it."""

    key: str
    name: str


class CanonicalNames(RuleComponent):
    """Set ``doc._.kg_canonical`` for the entities whose spelling the alias table names."""

    default_name = "kg_canonical"

    def load(self, source: RuleSource) -> None:
        """Read rules/aliases.jsonl (none: no entity is renamed) with the lineage words its model names parse by."""
        self.words = LineageWords.from_settings(source.settings("lineage.json"))
        self.table: dict[str, CanonicalName] = {}
        self._keys: dict[str, str] = {}
        if not source.exists(ALIAS_FILE):
            return
        for rule in source.rules(ALIAS_FILE):
            canonical = CanonicalName(entity_key(rule["canonical"]), rule["canonical"])
            for text in (rule["canonical"], rule["pattern"]):
                # a name is looked up by its entity key, and by its lineage key when it parses as
                # a model variant, so a Model mention meets its row whichever key it got
                keys = {entity_key(text)}
                parsed = parse_model_name(text, self.words)
                if parsed is not None and parsed.key:
                    keys.add(parsed.key)
                for k in keys:
                    if k:
                        self.table.setdefault(alias_lookup_key(k), canonical)

    def lookup(self, key: str) -> CanonicalName | None:
        """The canonical name of an entity with graph ``key``, or None when the table does not name it."""
        return self.table.get(alias_lookup_key(key)) if key else None

    def process(self, doc: Doc) -> Doc:
        """Set ``doc._.kg_canonical`` from ``doc.ents`` (and ``doc._.kg_lineage`` for model variants)."""
        found: dict[tuple[int, int], CanonicalName] = {}
        if self.table:
            lineage = doc._.kg_lineage or {}
            keys = self._keys
            for ent in doc.ents:
                parsed = lineage.get((ent.start, ent.end))
                if parsed is not None and parsed.key:
                    key = parsed.key
                else:
                    text = ent.text
                    key = keys.get(text)
                    if key is None:
                        key = entity_key(text)
                        if len(keys) < 65536:  # a corpus names the same few thousand things over and over
                            keys[text] = key
                name = self.lookup(key)
                if name is not None:
                    found[(ent.start, ent.end)] = name
        doc._.kg_canonical = found
        return doc


def canonical_lookup(rules_dir: RulesDir = None) -> Callable[[str], CanonicalName | None]:
    """The alias table of ``rules_dir`` (default: kg's rules/) as a function of a graph key,
    for :func:`kg.graph.apply_canonical_names`."""
    names = CanonicalNames(None)
    names.initialize(rules_dir=rules_dir)
    return names.lookup


@Language.factory("kg_canonical", assigns=["doc._.kg_canonical"], requires=["doc.ents"])
def make_canonical(nlp: Language, name: str) -> CanonicalNames:
    """Factory of ``kg_canonical`` (the alias table rules/aliases.jsonl, read by ``initialize``)."""
    return CanonicalNames(nlp, name)
