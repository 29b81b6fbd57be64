"""The custom attributes kg's components publish on a Doc, registered in one place.

Each is set by one component and only read by the later ones (none is cleaned
up by another component):

* ``doc._.kg_aliases``: ``[(short Span, long Span, rule id)]`` acronym pairs
  (kg_abbreviations proposes them, kg_resolve keeps those whose forms both survived);
* ``doc._.kg_lineage``: ``{(start, end): kg.lineage.ModelName}`` for every Model
  entity whose name parses as a variant (kg_lineage);
* ``doc._.kg_canonical``: ``{(start, end): kg.pipeline.canonical.CanonicalName}`` for every
  entity whose spelling the alias table (rules/aliases.jsonl) names (kg_canonical);
* ``doc._.kg_relations``: ``[(head Span, tail Span, label, rule id)]`` (kg_relations);
* ``doc._.kg_links``: ``[(label, Span, rule id)]`` paper-level links (kg_links);
* ``doc._.kg_findings``: ``[dict]`` quantified findings (kg_findings).

Candidate mentions travel in ``doc.spans["kg_candidates"]`` (kg.pipeline.candidates).
"""

from __future__ import annotations

from spacy.tokens import Doc

__all__ = ["EXTENSIONS", "register_extensions"]

#: every Doc attribute kg's components set, in pipeline order
EXTENSIONS: tuple[str, ...] = ("kg_aliases", "kg_relations", "kg_links", "kg_findings", "kg_lineage", "kg_canonical")


def register_extensions() -> None:
    """Register kg's Doc attributes (default None); safe to call any number of times."""
    for name in EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


register_extensions()
