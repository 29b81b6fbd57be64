"""Page chrome: the words of listing-site pages that are not papers.

Known phrases ("Subscribe", "There are no more papers matching your filters at
the moment.") are data, kept in ``rules/page_chrome.jsonl`` (shipped as
``kg.rules``). Each line is ``{"id", "label": "PAGE_CHROME", "pattern" | "regex",
"glued"}``: ``pattern`` is a literal phrase matched against a whole line
(case-insensitive, whitespace-insensitive), ``regex`` a regular expression that
must match the whole line (case-insensitive), and ``glued: true`` lets a phrase
also be cut out of a line it was pasted onto ("...at the moment.Researchers ...").
Anything not listed is handled by the shape rules in :mod:`kg.readers.listing`.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import RuleError
from ..resources import rules_path

__all__ = ["ChromeRules", "load_chrome_rules", "DEFAULT_RULES_NAME"]

DEFAULT_RULES_NAME = "page_chrome.jsonl"


@dataclass(frozen=True)
class ChromeRules:
    """Compiled page-chrome rules."""

    phrases: frozenset[str]  # whole-line phrases, lower-cased, whitespace collapsed
    regexes: tuple[re.Pattern[str], ...]  # whole-line patterns
    glued: re.Pattern[str] | None  # phrases that may be glued to the text around them
    glued_phrases: tuple[str, ...] = ()  # the same phrases, lower-cased, whitespace collapsed

    def is_chrome(self, line: str) -> bool:
        """Whether the whole of ``line`` is a known chrome phrase."""
        norm = " ".join(line.lower().split())
        return norm in self.phrases or any(r.fullmatch(norm) for r in self.regexes)

    def split_glued(self, line: str) -> list[tuple[str, bool]]:
        """``line`` cut around glued chrome phrases: ``(piece, glued_after_chrome)`` pairs.

        ``glued_after_chrome`` is True when the piece starts right after a chrome
        phrase with no space between (a paste artefact, often mid-word).
        """
        # substring tests first: the case-insensitive regex is slow on long lines
        if self.glued is None:
            return [(line, False)]
        norm = " ".join(line.lower().split())
        if not any(p in norm for p in self.glued_phrases):
            return [(line, False)]
        pieces: list[tuple[str, bool]] = []
        pos = 0
        glued = False
        for m in self.glued.finditer(line):
            pieces.append((line[pos : m.start()], glued))
            pos = m.end()
            glued = pos < len(line) and not line[pos].isspace()
        pieces.append((line[pos:], glued))
        return [(p.strip(), g) for p, g in pieces if p.strip()]


def _rules_path() -> Path:
    """The packaged page-chrome rules."""
    return rules_path() / DEFAULT_RULES_NAME


def _phrase_regex(phrase: str) -> str:
    return r"\s*".join(re.escape(w) for w in phrase.split())


@functools.lru_cache(maxsize=8)
def load_chrome_rules(path: str | None = None) -> ChromeRules:
    """Load and compile page-chrome rules (default: the packaged ``page_chrome.jsonl``).

    Raises :class:`RuleError` naming the file, line and rule id for a malformed rule.
    """
    file = Path(path) if path is not None else _rules_path()
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise RuleError(f"{file}: cannot read page chrome rules ({exc.strerror or exc})") from None
    phrases: set[str] = set()
    regexes: list[re.Pattern[str]] = []
    glued: list[str] = []
    glued_phrases: list[str] = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rule = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RuleError(f"{file}:{lineno}: not valid JSON ({exc.msg})") from None
        rid = rule.get("id") if isinstance(rule, dict) else None
        if not isinstance(rule, dict) or not isinstance(rid, str) or not rid:
            raise RuleError(f"{file}:{lineno}: a rule must be an object with an \"id\"")
        pattern, regex = rule.get("pattern"), rule.get("regex")
        if (pattern is None) == (regex is None):
            raise RuleError(f"{file}:{lineno}: rule {rid} needs exactly one of \"pattern\" or \"regex\"")
        if pattern is not None:
            if not isinstance(pattern, str) or not pattern.strip():
                raise RuleError(f"{file}:{lineno}: rule {rid} has an empty or non-string \"pattern\"")
            phrases.add(" ".join(pattern.lower().split()))
            if rule.get("glued"):
                glued.append(_phrase_regex(pattern))
                glued_phrases.append(" ".join(pattern.lower().split()))
        else:
            if not isinstance(regex, str):
                raise RuleError(f"{file}:{lineno}: rule {rid} has a non-string \"regex\"")
            try:
                regexes.append(re.compile(regex, re.IGNORECASE))
            except re.error as exc:
                raise RuleError(f"{file}:{lineno}: rule {rid} has a bad regex ({exc})") from None
    # longest first, so a phrase containing a shorter one is cut whole
    glued.sort(key=len, reverse=True)
    return ChromeRules(
        phrases=frozenset(phrases),
        regexes=tuple(regexes),
        glued=re.compile("|".join(glued), re.IGNORECASE) if glued else None,
        glued_phrases=tuple(glued_phrases),
    )
