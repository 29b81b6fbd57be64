"""Wiring and rule files of kg's relation stage (orgs, relations, links, findings).

``add_relation_components(nlp)`` appends the four components, in order, after
the entity components. The token helpers the components share are in doctokens.py.
"""

from __future__ import annotations

__all__ = ["add_relation_components", "STAGE_COMPONENTS"]

#: the relation-stage components, in the order they must run
STAGE_COMPONENTS = ("kg_orgs", "kg_relations", "kg_links", "kg_findings")


def add_relation_components(nlp, *, rules_dir: str = ""):
    """Append kg's relation-stage components to ``nlp`` (after the entity components) and return it.

    Order: ``kg_orgs`` (Organization mentions), ``kg_relations``, ``kg_links``
    (proposes / uses / affiliated_with; reads the relations) and ``kg_findings``
    (reads the proposes links). Components already in the pipeline are not added twice.
    """
    from . import findings, links, orgs, relations  # noqa: F401  (registers the factories)

    for name in STAGE_COMPONENTS:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name, config={"rules_dir": rules_dir})
    return nlp
