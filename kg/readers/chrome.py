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
import re
from dataclasses import dataclass

from ..errors import RuleError
from ..rulefiles import RuleSource, RulesDir

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


def _phrase_regex(phrase: str) -> str:
    return r"\s*".join(re.escape(w) for w in phrase.split())


@functools.lru_cache(maxsize=8)
def load_chrome_rules(rules_dir: RulesDir = None) -> ChromeRules:
    """Load and compile the page-chrome rules of ``rules_dir`` (a folder, a
    :class:`~kg.rulefiles.RuleFolder`, or None for kg's own rules/).

    Read through :mod:`kg.rulefiles` (the file's schema there); raises :class:`RuleError`
    naming the file, line and rule id for a malformed rule.
    """
    source = RuleSource.from_folder(rules_dir or None)
    phrases: set[str] = set()
    regexes: list[re.Pattern[str]] = []
    glued: list[str] = []
    glued_phrases: list[str] = []
    for rule in source.rules(DEFAULT_RULES_NAME):
        rid, at = rule["id"], rule["_where"]
        pattern, regex = rule.get("pattern"), rule.get("regex")
        if (pattern is None) == (regex is None):
            raise RuleError(f"{at}: rule {rid} needs exactly one of \"pattern\" or \"regex\"")
        if pattern is not None:
            if not pattern.strip():
                raise RuleError(f"{at}: rule {rid} has an empty \"pattern\"")
            phrases.add(" ".join(pattern.lower().split()))
            if rule.get("glued"):
                glued.append(_phrase_regex(pattern))
                glued_phrases.append(" ".join(pattern.lower().split()))
        else:
            try:
                regexes.append(re.compile(regex, re.IGNORECASE))
            except re.error as exc:
                raise RuleError(f"{at}: rule {rid} has a bad regex ({exc})") from None
    # longest first, so a phrase containing a shorter one is cut whole
    glued.sort(key=len, reverse=True)
    return ChromeRules(
        phrases=frozenset(phrases),
        regexes=tuple(regexes),
        glued=re.compile("|".join(glued), re.IGNORECASE) if glued else None,
        glued_phrases=tuple(glued_phrases),
    )
