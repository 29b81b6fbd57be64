"""kg's spaCy pipeline: entity components and :func:`load_pipeline`.

The entity components, in pipeline order (:data:`ENTITY_COMPONENTS`):

- ``sentencizer`` (factory ``kg_sentencizer``, sentences.py): spaCy's sentencizer rule, read from arrays;
- ``kg_sentence_cap`` (guard.py): splits sentences too long to read in bounded time;
- ``kg_lexicon`` (lexicon.py): curated name lists;
- ``kg_shapes`` (shapes.py): model-name shapes and coined names;
- ``kg_context`` (context.py): cue words around a name ("the X dataset");
- ``kg_abbreviations`` (abbreviations.py): acronym definitions and their uses;
- ``kg_resolve`` (resolve.py): the final non-overlapping ``doc.ents``;
- ``kg_compounds`` (compounds.py): "<Model> <method noun>" ("BERT embeddings") as one Method.

Each proposes candidates into ``doc.spans["kg_candidates"]``; resolve decides.
Rule data come from the ``kg.rules`` package (rules/ in the repository) or a
``rules_dir`` folder. Relation / finding components are appended after these.
"""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import findings, links, orgs, relations  # noqa: F401  (registers the relation-stage factories for spacy.load)
from .abbreviations import make_abbreviations
from .compounds import make_compounds
from .context import make_context
from .guard import MAX_CHARS, make_sentence_cap
from .lexicon import make_lexicon
from .resolve import make_resolve
from .sentences import make_sentencizer
from .rules import RuleError, rules_path
from .shapes import make_shapes
from .tokenizer import SIZE_FULL_STOP, KGTokenizer, create_kg_tokenizer, with_size_stop

__all__ = ["load_pipeline", "split_size_full_stop", "ENTITY_COMPONENTS", "add_entity_components", "RuleError",
           "KGTokenizer", "SIZE_FULL_STOP", "MAX_CHARS", "TOKENIZER", "create_kg_tokenizer", "make_sentence_cap", "make_sentencizer",
           "make_lexicon", "make_shapes", "make_context", "make_abbreviations", "make_resolve", "make_compounds"]

if not Doc.has_extension("kg_aliases"):
    Doc.set_extension("kg_aliases", default=None)

#: (factory name, config) of kg's entity components, in pipeline order
ENTITY_COMPONENTS: list[tuple[str, dict]] = [
    ("kg_lexicon", {"files": "lexicon_*.jsonl"}),
    ("kg_shapes", {"file": "shapes.jsonl"}),
    ("kg_context", {"file": "context.jsonl"}),
    ("kg_abbreviations", {"file": "head_nouns.jsonl"}),
    ("kg_resolve", {"file": "priorities.jsonl"}),
    ("kg_compounds", {"rules_file": "compounds.jsonl"}),
]


def split_size_full_stop(nlp: Language) -> Language:
    """Make ``nlp``'s tokenizer split a sentence-final "." off "405B." (kept: its other suffix rules).

    kg's own tokenizer (``kg.Tokenizer.v1``) already does; for another tokenizer the suffix
    search is wrapped in :class:`~kg.pipeline.tokenizer.SizeStopSuffix`, which still serialises.
    """
    search = nlp.tokenizer.suffix_search
    if getattr(search, "kg_size_full_stop", False):
        return nlp
    nlp.tokenizer.suffix_search = with_size_stop(search)
    return nlp


def add_entity_components(nlp: Language, *, rules_dir: str | Path | None = None) -> Language:
    """Append kg's entity components (and a sentencizer if missing) to ``nlp``; returns ``nlp``.

    Also teaches the tokenizer to split "405B." (:func:`split_size_full_stop`), so a model
    name at the end of a sentence does not take the full stop with it.
    """
    folder = str(rules_path(rules_dir)) if rules_dir else ""
    split_size_full_stop(nlp)
    if "sentencizer" not in nlp.pipe_names:
        # named "sentencizer" as before: spaCy's rule, from kg's faster component
        nlp.add_pipe("kg_sentencizer", name="sentencizer")
    if "kg_sentence_cap" not in nlp.pipe_names:
        nlp.add_pipe("kg_sentence_cap", after="sentencizer")
    for factory, config in ENTITY_COMPONENTS:
        nlp.add_pipe(factory, config={**config, "rules_dir": folder})
    return nlp


#: the registered name of kg's tokenizer (kg/pipeline/tokenizer.py)
TOKENIZER = "kg.Tokenizer.v1"


def load_pipeline(*, rules_dir: str | Path | None = None, relations: bool = True) -> Language:
    """``spacy.blank("en")`` + sentencizer (``kg_sentencizer``) + kg's entity components, then (unless
    ``relations`` is False) the organisation, relation, paper-link and finding components.

    The tokenizer is ``kg.Tokenizer.v1`` (:class:`~kg.pipeline.tokenizer.KGTokenizer`), so
    ``nlp.to_disk(path)`` and ``spacy.load(path)`` (after ``import kg.pipeline``) round-trip
    the pipeline. Sentences longer than :data:`kg.pipeline.guard.MAX_SENT_TOKENS` tokens are
    split (``kg_sentence_cap``); see :mod:`kg.pipeline.guard` for the bounds on hostile text.

    ``rules_dir`` replaces the packaged rules/ folder (every rule file is read
    from it). Raises :class:`kg.errors.RuleError` naming the file and line of a
    malformed rule.
    """
    nlp = add_entity_components(spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}}),
                                rules_dir=rules_dir)
    if relations:
        from .stages import add_relation_components

        add_relation_components(nlp, rules_dir=str(rules_dir or ""))
    return nlp
