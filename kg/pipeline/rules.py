"""Load and validate kg's rule files (JSONL under rules/).

Every rule file is JSON Lines: one object per line with at least ``id`` and
``pattern`` (blank lines and lines starting with ``//`` are skipped). A broken
line raises :class:`kg.errors.RuleError` naming the file and the line, so a
user editing rules/ sees exactly what to fix.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from ..errors import RuleError
from ..resources import rules_path

__all__ = ["RuleError", "rules_path", "read_rules", "read_stage_rules", "LABELS"]

#: entity labels kg's entity components may emit
LABELS = ("Method", "Model", "Architecture", "Dataset", "Task", "Metric")


def read_rules(
    path: str | Path,
    *,
    required: Iterable[str] = ("id", "pattern"),
    labels: Iterable[str] | None = LABELS,
    pattern_type: type = str,
) -> list[dict]:
    """Read one JSONL rule file into a list of dicts, validating every line.

    ``required`` names the keys each rule must carry; when ``labels`` is given,
    a rule with a ``label`` key must use one of them; a ``pattern`` must be of
    ``pattern_type`` (a regex string, or a dict of cue lists for the relation
    stage). Each rule gains ``_line`` and ``_where`` ("<file>:<line>") for error
    messages. Raises :class:`RuleError` ("<file>:<line>: <problem>") on the first bad line.
    """
    labels = tuple(labels) if labels is not None else None
    return [dict(r) for r in _read_rules_cached(str(path), tuple(required), labels, pattern_type)]


@lru_cache(maxsize=64)
def _read_rules_cached(
    path: str, required: tuple[str, ...], labels: tuple[str, ...] | None, pattern_type: type
) -> tuple[dict, ...]:
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
        if not isinstance(rule, dict):
            raise RuleError(f"{p}:{n}: a rule must be a JSON object")
        rid = rule.get("id", "?")
        for key in required:
            if key not in rule or rule[key] in ("", None):
                raise RuleError(f"{p}:{n}: rule {rid!s} lacks {key!r}")
        if not isinstance(rule.get("id", ""), str):
            raise RuleError(f"{p}:{n}: rule id must be a string")
        if "pattern" in rule and not isinstance(rule["pattern"], pattern_type):
            kind = "a string" if pattern_type is str else "an object"
            raise RuleError(f"{p}:{n}: rule {rid} pattern must be {kind}")
        if labels is not None and "label" in rule and rule["label"] not in labels:
            raise RuleError(f"{p}:{n}: rule {rid} has unknown label {rule['label']!r} (expected one of {', '.join(labels)})")
        rule["_line"] = n
        rule["_where"] = f"{p}:{n}"
        out.append(rule)
    return tuple(out)


def compile_regex(pattern: str, *, where: str, flags: int = 0):
    """Compile a rule's regular expression or raise :class:`RuleError` naming ``where``."""
    import re

    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise RuleError(f"{where}: invalid regular expression ({exc})") from None


def read_stage_rules(path: str | Path) -> list[dict]:
    """Read a relation-stage rule file: JSONL lines ``{"id", "label", "pattern": {...cue lists}}``.

    Raises RuleError ("<file>:<line>: <problem>") on the first bad line.
    """
    return read_rules(path, labels=None, pattern_type=dict)
