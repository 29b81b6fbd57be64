"""kg's spaCy pipeline: entity components and :func:`load_pipeline`.

The entity components, in pipeline order (:data:`ENTITY_COMPONENTS`):

- ``kg_lexicon`` (lexicon.py): curated name lists;
- ``kg_shapes`` (shapes.py): model-name shapes and coined names;
- ``kg_context`` (context.py): cue words around a name ("the X dataset");
- ``kg_abbreviations`` (abbreviations.py): acronym definitions and their uses;
- ``kg_resolve`` (resolve.py): the final non-overlapping ``doc.ents``.

Each proposes candidates into ``doc.spans["kg_candidates"]``; resolve decides.
Rule data come from the ``kg.rules`` package (rules/ in the repository) or a
``rules_dir`` folder. Relation / finding components are appended after these.
"""

from __future__ import annotations

import re
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .abbreviations import make_abbreviations
from .context import make_context
from .lexicon import make_lexicon
from .resolve import make_resolve
from .rules import RuleError, rules_path
from .shapes import make_shapes

__all__ = ["load_pipeline", "split_size_full_stop", "ENTITY_COMPONENTS", "add_entity_components", "RuleError",
           "make_lexicon", "make_shapes", "make_context", "make_abbreviations", "make_resolve"]

if not Doc.has_extension("kg_aliases"):
    Doc.set_extension("kg_aliases", default=None)

#: (factory name, config) of kg's entity components, in pipeline order
ENTITY_COMPONENTS: list[tuple[str, dict]] = [
    ("kg_lexicon", {"files": "lexicon_*.jsonl"}),
    ("kg_shapes", {"file": "shapes.jsonl"}),
    ("kg_context", {"file": "context.jsonl"}),
    ("kg_abbreviations", {"file": "head_nouns.jsonl"}),
    ("kg_resolve", {"file": "priorities.jsonl"}),
]


#: a full stop after a size or version ending in a capital ("405B.", "8x7B.", "v2L.") ends the
#: sentence; spaCy's English suffixes keep it on the token (they only split after lower case,
#: digits or two capitals), which would put the stop inside the model name
SIZE_FULL_STOP = r"(?<=[0-9][A-Z])\.$"


def split_size_full_stop(nlp: Language) -> Language:
    """Make ``nlp``'s tokenizer split a sentence-final "." off "405B." (kept: its other suffix rules)."""
    search = nlp.tokenizer.suffix_search
    if getattr(search, "kg_size_full_stop", False):
        return nlp
    size_stop = re.compile(SIZE_FULL_STOP).search

    # Folding the rule into spaCy's one suffix regex makes every suffix search about 4x
    # slower (the look-behind alternative defeats the regex engine's literal scan), so
    # spaCy's regex runs first and ours only on the rare token that ends "<digit><capital>."
    def suffix_search(text: str):
        found = search(text) if search is not None else None
        if found is None and len(text) > 2 and text[-1] == "." and text[-2].isupper():
            return size_stop(text)
        return found

    suffix_search.kg_size_full_stop = True
    nlp.tokenizer.suffix_search = suffix_search
    return nlp


def add_entity_components(nlp: Language, *, rules_dir: str | Path | None = None) -> Language:
    """Append kg's entity components (and a sentencizer if missing) to ``nlp``; returns ``nlp``.

    Also teaches the tokenizer to split "405B." (:func:`split_size_full_stop`), so a model
    name at the end of a sentence does not take the full stop with it.
    """
    folder = str(rules_path(rules_dir)) if rules_dir else ""
    split_size_full_stop(nlp)
    if "sentencizer" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer")
    for factory, config in ENTITY_COMPONENTS:
        nlp.add_pipe(factory, config={**config, "rules_dir": folder})
    return nlp


def load_pipeline(*, rules_dir: str | Path | None = None, relations: bool = True) -> Language:
    """``spacy.blank("en")`` + sentencizer + kg's entity components, then (unless
    ``relations`` is False) the organisation, relation, paper-link and finding components.

    ``rules_dir`` replaces the packaged rules/ folder (every rule file is read
    from it). Raises :class:`kg.errors.RuleError` naming the file and line of a
    malformed rule.
    """
    nlp = add_entity_components(spacy.blank("en"), rules_dir=rules_dir)
    if relations:
        from .stages import add_relation_components

        add_relation_components(nlp, rules_dir=str(rules_dir or ""))
    return nlp
