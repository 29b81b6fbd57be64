"""kg's spaCy pipeline: its components, in one ordered table, and :func:`load_pipeline`.

:data:`PIPELINE` lists every component in the order it runs:

- ``sentencizer`` (factory ``kg_sentencizer``, sentences.py): spaCy's sentencizer rule, read from arrays;
- ``kg_sentence_cap`` (guard.py): splits sentences too long to read in bounded time;
- ``kg_lexicon`` (lexicon.py): curated name lists;
- ``kg_shapes`` (shapes.py): model-name shapes and coined names;
- ``kg_context`` (context.py): cue words around a name ("the X dataset");
- ``kg_abbreviations`` (abbreviations.py): acronym definitions and their uses;
- ``kg_resolve`` (resolve.py): the final non-overlapping ``doc.ents``;
- ``kg_compounds`` (compounds.py): "<Model> <method noun>" ("BERT embeddings") as one Method;
- ``kg_orgs`` (orgs.py): organisation names, for affiliated_with links;
- ``kg_relations`` (relations.py): sentence-level relations between mentions;
- ``kg_links`` (links.py): what the paper proposes and uses;
- ``kg_findings`` (findings.py): quantified findings;
- ``kg_lineage`` (lineage.py): every Model name parsed once into family / version / size;
- ``kg_canonical`` (canonical.py): the canonical name of every spelling the alias table lists.

The entity components propose candidates into ``doc.spans["kg_candidates"]``;
resolve decides. Later components read ``doc.ents`` and publish on the Doc
attributes of :mod:`kg.pipeline.extensions`. Rule-driven components read their
rule files in ``initialize()`` (:mod:`kg.pipeline.rules`) and save them with the
pipeline, so ``nlp.to_disk(path)`` / ``spacy.load(path)`` round-trip it.
"""

from __future__ import annotations

from typing import NamedTuple

import spacy
from spacy.language import Language

from ..rulefiles import RuleFolder, RulesDir
from . import extensions  # noqa: F401  (registers kg's Doc attributes)
from .abbreviations import make_abbreviations
from .canonical import make_canonical
from .compounds import make_compounds
from .context import make_context
from .findings import make_findings
from .guard import MAX_CHARS, make_sentence_cap
from .lexicon import make_lexicon
from .lineage import make_lineage
from .links import make_links
from .orgs import make_orgs
from .relations import make_relations
from .resolve import make_resolve
from .rules import RuleComponent, RuleError
from .sentences import make_sentencizer
from .shapes import make_shapes
from .tokenizer import SIZE_FULL_STOP, KGTokenizer, create_kg_tokenizer, with_size_stop

__all__ = ["load_pipeline", "split_size_full_stop", "PIPELINE", "Stage", "ENTITY_COMPONENTS", "add_entity_components",
           "initialize_components", "RuleError", "KGTokenizer", "SIZE_FULL_STOP", "MAX_CHARS", "TOKENIZER",
           "create_kg_tokenizer", "make_sentence_cap", "make_sentencizer", "make_lexicon", "make_shapes",
           "make_context", "make_abbreviations", "make_resolve", "make_compounds", "make_orgs", "make_relations", "make_links",
           "make_findings", "make_lineage", "make_canonical"]


class Stage(NamedTuple):
    """One component of kg's pipeline: its name in ``nlp.pipe_names``, its factory and its part.

    ``part`` is ``"sentences"`` (always there), ``"entities"`` (the mentions),
    ``"relations"`` (relations, links, findings: left out by ``load_pipeline(relations=False)``)
    or ``"keys"`` (what each mention's graph key is: model names parsed, canonical names looked
    up; after every component that may add a mention).
    """

    name: str
    factory: str
    part: str


#: every component of kg's pipeline, in the order it runs
PIPELINE: tuple[Stage, ...] = (
    Stage("sentencizer", "kg_sentencizer", "sentences"),  # named as spaCy's: same rule, faster component
    Stage("kg_sentence_cap", "kg_sentence_cap", "sentences"),
    Stage("kg_lexicon", "kg_lexicon", "entities"),
    Stage("kg_shapes", "kg_shapes", "entities"),
    Stage("kg_context", "kg_context", "entities"),
    Stage("kg_abbreviations", "kg_abbreviations", "entities"),
    Stage("kg_resolve", "kg_resolve", "entities"),
    Stage("kg_compounds", "kg_compounds", "entities"),
    Stage("kg_orgs", "kg_orgs", "relations"),
    Stage("kg_relations", "kg_relations", "relations"),
    Stage("kg_links", "kg_links", "relations"),
    Stage("kg_findings", "kg_findings", "relations"),
    Stage("kg_lineage", "kg_lineage", "keys"),
    Stage("kg_canonical", "kg_canonical", "keys"),
)
#: the entity components' names, in pipeline order
ENTITY_COMPONENTS: tuple[str, ...] = tuple(s.name for s in PIPELINE if s.part == "entities")
#: the registered name of kg's tokenizer (kg/pipeline/tokenizer.py)
TOKENIZER = "kg.Tokenizer.v1"


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


def initialize_components(nlp: Language, *, rules_dir: RulesDir = None) -> Language:
    """Read the rules of every kg component of ``nlp`` from ``rules_dir`` (default: kg's rules/).

    What ``nlp.initialize()`` does for them, without touching the rest of a user's
    pipeline. ``rules_dir`` is a folder or a :class:`~kg.rulefiles.RuleFolder` snapshot
    of one; a folder is also recorded in ``nlp.config``'s ``[initialize.components]``, so
    a later ``nlp.initialize()`` reads the same folder. Raises RuleError naming the file
    and line of a malformed rule.
    """
    components = [(name, proc) for name, proc in nlp.pipeline if isinstance(proc, RuleComponent)]
    if rules_dir and not isinstance(rules_dir, RuleFolder):
        for name, _ in components:
            nlp.config["initialize"]["components"][name] = {"rules_dir": str(rules_dir)}
        rules_dir = RuleFolder.read(rules_dir)  # read once, not once per component
    for _, proc in components:
        proc.initialize(nlp=nlp, rules_dir=rules_dir or None)
    return nlp


def _add(nlp: Language, stages, *, rules_dir: RulesDir) -> Language:
    for stage in stages:
        if stage.name not in nlp.pipe_names:
            nlp.add_pipe(stage.factory, name=stage.name)
    return initialize_components(nlp, rules_dir=rules_dir)


def add_entity_components(nlp: Language, *, rules_dir: RulesDir = None) -> Language:
    """Append kg's sentence and entity components (and the key steps) to ``nlp``; returns ``nlp``.

    Components ``nlp`` already has are not added twice. Also teaches the tokenizer to
    split "405B." (:func:`split_size_full_stop`), so a model name at the end of a sentence
    does not take the full stop with it.
    """
    split_size_full_stop(nlp)
    return _add(nlp, [s for s in PIPELINE if s.part != "relations"], rules_dir=rules_dir)


def load_pipeline(*, rules_dir: RulesDir = None, relations: bool = True) -> Language:
    """kg's pipeline: ``spacy.blank("en")`` with kg's tokenizer and the components of :data:`PIPELINE`
    (without the relation-stage ones when ``relations`` is False), rules read from ``rules_dir``
    (default: kg's rules/).

    The tokenizer is ``kg.Tokenizer.v1`` (:class:`~kg.pipeline.tokenizer.KGTokenizer`), so
    ``nlp.to_disk(path)`` and ``spacy.load(path)`` round-trip the pipeline, rules included.
    Sentences longer than :data:`kg.pipeline.guard.MAX_SENT_TOKENS` tokens are split
    (``kg_sentence_cap``); see :mod:`kg.pipeline.guard` for the bounds on hostile text.
    Raises :class:`kg.errors.RuleError` naming the file and line of a malformed rule.
    """
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}})
    return _add(nlp, [s for s in PIPELINE if relations or s.part != "relations"], rules_dir=rules_dir)
