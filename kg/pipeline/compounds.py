"""Model names that modify a method noun: "BERT embeddings", "RoBERTa pretraining", "ELMo representations".

A model's name in front of a noun such as *embeddings*, *objective* or
*pretraining* names a technique taken from that model, not the model itself:
"the BERT objective" is a training objective, "ELMo embeddings" are vectors.
Tagging "BERT" there as a Model says the sentence is about the model, which it
is not. ``kg_compounds`` (after ``kg_resolve``) turns such a Model entity and its
head noun into one Method entity ("BERT embeddings"), with the rule id of the
head-noun rule that matched (``compound.method``).

The head nouns are data (rules/compounds.jsonl, ``{"id", "label", "pattern": {"heads": [...]}}``).
A head already inside another entity (other than the head noun alone, tagged
Method: "BERT pretraining") or a hyphenated continuation ("BERT
embeddings-based") leaves the Model as it is; a possessive joins ("BERT's
objective" is the objective of BERT).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..errors import RuleError
from ..rulefiles import RuleSource
from .doctokens import token_lower
from .rules import RuleComponent

__all__ = ["CompoundJoiner", "make_compounds", "compound_spans"]

#: the entity label a compound may start from
_MODIFIER = "Model"


def compound_spans(doc: Doc, heads: dict[str, tuple[str, str]], ents=None) -> list[Span]:
    """``doc.ents`` (or ``ents``, when read already) with every Model entity that is followed by a head
    noun of ``heads`` (lower-case word -> (label, rule id)) joined with that noun into one entity of the
    rule's label."""
    ents = list(doc.ents if ents is None else ents)
    if not ents or not heads:
        return ents
    lower = token_lower(doc)
    n = len(doc)
    # entities by start; a one-word Method there may be the head itself ("pretraining")
    by_start = {e.start: e for e in ents}
    out: list[Span] = []
    absorbed: set[int] = set()
    for ent in ents:
        if ent.start in absorbed:
            continue
        nxt = ent.end
        hit = heads.get(lower[nxt]) if ent.label_ == _MODIFIER and nxt < n else None
        other = by_start.get(nxt)
        # the head must be a word of its own: not the start of another entity (unless that entity is
        # the head noun alone, tagged Method), not joined to what follows ("embeddings-based"), and the
        # name not possessive ("BERT's")
        if (hit is None or (other is not None and (other.end != nxt + 1 or other.label_ != hit[0]))
                or doc[ent.end - 1].whitespace_ == ""
                or (nxt + 1 < n and doc[nxt].whitespace_ == "" and lower[nxt + 1] in ("-", "'s"))):
            out.append(ent)
            continue
        label, rule_id = hit
        if other is not None:
            absorbed.add(nxt)
        out.append(Span(doc, ent.start, nxt + 1, label=label, span_id=rule_id))
    return out


class CompoundJoiner(RuleComponent):
    """spaCy component ``kg_compounds``: joins "<Model> <method noun>" into one Method entity."""

    default_name = "kg_compounds"

    def load(self, source: RuleSource) -> None:
        """Read the head nouns of rules/compounds.jsonl."""
        self.heads: dict[str, tuple[str, str]] = {}
        for rule in source.rules("compounds.jsonl"):
            words = rule["pattern"].get("heads")
            if not words or not all(w.strip() for w in words):
                raise RuleError(f"{rule['_where']}: rule {rule['id']}: \"heads\" must be a list of words")
            for w in words:
                self.heads[w.strip().lower()] = (rule["label"], rule["id"])

    def process(self, doc: Doc) -> Doc:
        """Join the compounds of ``doc`` in ``doc.ents``."""
        ents = doc.ents
        if ents:
            joined = compound_spans(doc, self.heads, ents)
            if len(joined) != len(ents) or any(a.id_ != b.id_ for a, b in zip(joined, ents)):
                doc.ents = joined  # setting doc.ents costs: only when a compound was joined
        return doc


@Language.factory("kg_compounds", assigns=["doc.ents"], requires=["doc.ents"])
def make_compounds(nlp: Language, name: str) -> CompoundJoiner:
    """spaCy factory for :class:`CompoundJoiner` (head nouns from rules/compounds.jsonl, read by ``initialize``)."""
    return CompoundJoiner(nlp, name)
