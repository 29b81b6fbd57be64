"""Wiring and rule files of kg's relation stage (orgs, relations, links, findings).

``add_relation_components(nlp)`` appends the four components, in order, after
the entity components. ``read_stage_rules`` reads their rule files: JSONL whose
``pattern`` is an object of cue lists (the entity rules' ``pattern`` is a
string, so these files have their own small reader).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from ..errors import RuleError

__all__ = ["add_relation_components", "read_stage_rules", "STAGE_COMPONENTS"]

#: the relation-stage components, in the order they must run
STAGE_COMPONENTS = ("kg_orgs", "kg_relations", "kg_links", "kg_findings")


def read_stage_rules(path: str | Path) -> list[dict]:
    """Read a JSONL rule file whose lines are ``{"id", "label", "pattern": {...}}``.

    Blank lines and lines starting with ``//`` are skipped. Raises RuleError
    ("<file>:<line>: <problem>") on the first bad line.
    """
    return [dict(r) for r in _read_cached(str(path))]


@lru_cache(maxsize=32)
def _read_cached(path: str) -> tuple[dict, ...]:
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise RuleError(f"{p}: rule file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"{p}: cannot read rule file ({exc})") from None
    out = []
    for n, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("//"):
            continue
        try:
            rule = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RuleError(f"{p}:{n}: invalid JSON ({exc.msg})") from None
        if not isinstance(rule, dict) or not isinstance(rule.get("id"), str) or not rule["id"]:
            raise RuleError(f"{p}:{n}: a rule must be a JSON object with a string 'id'")
        if not isinstance(rule.get("pattern"), dict):
            raise RuleError(f"{p}:{n}: rule {rule['id']}: 'pattern' must be an object")
        rule["_where"] = f"{p}:{n}"
        out.append(rule)
    return tuple(out)


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


def token_lower(doc) -> list[str]:
    """Lower-cased token texts of ``doc``, computed once and shared by the relation-stage components.

    Iterating a Doc builds a Token object per token, the largest cost of these components;
    the list is cached in ``doc.user_data`` (tokens never change after tokenisation).
    """
    lower = doc.user_data.get("kg_lower")
    if lower is None or len(lower) != len(doc):
        strings = doc.vocab.strings
        lower = [strings[h] for h in doc.to_array("LOWER").tolist()]
        doc.user_data["kg_lower"] = lower
    return lower


def sentence_bounds(doc) -> list[tuple[int, int]]:
    """(start, end) token offsets of ``doc``'s sentences (the whole doc when none are set), without Span objects."""
    n = len(doc)
    if n == 0:
        return []
    if not doc.has_annotation("SENT_START"):
        return [(0, n)]
    starts = [i for i, v in enumerate(doc.to_array("SENT_START").tolist()) if v == 1 or i == 0]
    return list(zip(starts, starts[1:] + [n]))
