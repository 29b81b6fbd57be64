"""Regular-expression rules over ``doc.text``, shared by the shapes and context components.

A rule is ``{"id", "label", "pattern", "group"?, "ignore_case"?}``; ``pattern``
may use macros ``{NAME}`` defined in rules/macros.jsonl. The match (or the
numbered ``group``) is proposed as a candidate after trimming stop words at
its edges (rules/filters.jsonl, kind ``stop``). One pass of ``finditer`` per
rule over the text is much faster than spaCy Matcher REGEX patterns.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from ..rulefiles import RuleSource
from .candidates import add_char_candidate, doc_text
from .rules import RuleComponent, RuleError, compile_regex

__all__ = ["RegexRules", "load_macros", "load_filters", "balanced"]

_MACRO = re.compile(r"\{([A-Z_]+)\}")
MACROS = "macros.jsonl"
FILTERS = "filters.jsonl"
# a count word before a name: "3-layer", "12-layer", "8-bit", "two-stage"
_COUNT_WORD = re.compile(r"\d{1,4}-[a-z]{1,12}")


def load_macros(source: RuleSource) -> dict[str, str]:
    """Macro name -> regex text, from ``macros.jsonl`` (macros may use earlier macros; none without the file)."""
    macros: dict[str, str] = {}
    if source.exists(MACROS):
        for rule in source.rules(MACROS):
            macros[rule["id"]] = expand(rule["pattern"], macros, where=rule["_where"])
    return macros


def expand(pattern: str, macros: dict[str, str], *, where: str) -> str:
    """Replace ``{NAME}`` macros in ``pattern``; an unknown macro raises :class:`RuleError`."""

    def sub(m: re.Match) -> str:
        if m.group(1) not in macros:
            raise RuleError(f"{where}: unknown macro {{{m.group(1)}}}")
        return f"(?:{macros[m.group(1)]})"

    return _MACRO.sub(sub, pattern)


def load_filters(source: RuleSource) -> dict[str, frozenset[str]]:
    """Word sets by kind (``stop``, ``generic``, ...) from ``filters.jsonl``; lower-cased unless kind ends in _cs."""
    kinds: dict[str, set[str]] = {}
    for rule in source.rules(FILTERS):
        kind = rule["kind"]
        text = rule["pattern"] if kind.endswith("_cs") else rule["pattern"].lower()
        kinds.setdefault(kind, set()).add(text)
    return {k: frozenset(v) for k, v in kinds.items()}


def _scout(regex: re.Pattern) -> re.Pattern | None:
    r"""``regex`` without its leading ``\b``, or None when it has none.

    A pattern that opens with ``\b`` makes the regex engine try a full match at every
    character; without it, the engine first scans for the pattern's possible first
    characters or its literal prefix ("in terms of"), several times faster. Every match
    of ``regex`` starts where the scout matches, so the scout finds where to try it.
    """
    pattern = regex.pattern
    if not isinstance(pattern, str) or not pattern.startswith("\\b") or pattern[2:3] in ("*", "+", "?", "{"):
        return None
    try:
        return re.compile(pattern[2:], regex.flags)
    except re.error:
        return None


def _scouted(regex: re.Pattern, scout: re.Pattern, text: str):
    """The matches ``regex.finditer(text)`` yields, trying ``regex`` only where ``scout`` matches."""
    pos = 0
    n = len(text)
    while pos <= n:
        hit = scout.search(text, pos)
        if hit is None:
            return
        at = hit.start()
        m = regex.match(text, at)  # sees the text before ``at``, so the \b is judged as in finditer
        if m is None:
            pos = at + 1
        elif m.end() == at:
            # an empty match: finditer's rules for what may follow one are its own
            yield from regex.finditer(text, at)
            return
        else:
            yield m
            pos = m.end()


def balanced(text: str, start: int, end: int) -> tuple[int, int]:
    """``text[start:end]`` cut before its first unclosed bracket ("GPT-4 (OpenAI" -> "GPT-4"); empty
    when a bracket closes that did not open in it ("CNN)-based"): a name never ends half-bracketed."""
    depth = 0
    first_open = -1
    for i in range(start, end):
        c = text[i]
        if c == "(" or c == "[":
            if depth == 0:
                first_open = i
            depth += 1
        elif c == ")" or c == "]":
            if depth == 0:
                return start, start
            depth -= 1
    if depth:
        end = first_open
        while end > start and text[end - 1] in " -,;:":
            end -= 1
    return start, end


class RegexRules(RuleComponent):
    """Apply one JSONL file of regex rules (``rule_file``) to a Doc, proposing trimmed candidates."""

    #: the rule file under rules/ (set by each component that runs regex rules)
    rule_file: str = ""

    def load(self, source: RuleSource) -> None:
        """Compile the rules of ``rule_file``, with the macros and filter words they use."""
        macros = load_macros(source)
        filters = load_filters(source)
        self.stop = filters.get("stop", frozenset())
        self.generic = filters.get("generic", frozenset())
        self.not_name = filters.get("not_name_cs", frozenset())
        self.rules = []
        for rule in source.rules(self.rule_file):
            where = rule["_where"]
            flags = re.IGNORECASE if rule.get("ignore_case") else 0
            regex = compile_regex(expand(rule["pattern"], macros, where=where), where=where, flags=flags)
            group = rule.get("group", 0)
            if not isinstance(group, int) or group > regex.groups:
                raise RuleError(f"{where}: rule {rule['id']} names group {group!r} but the pattern has {regex.groups}")
            self.rules.append((regex, group, rule["label"], rule["id"], _scout(regex)))

    def process(self, doc: Doc) -> Doc:
        """Propose the (trimmed) match of every rule in ``doc``'s text."""
        text = doc_text(doc)
        for regex, group, label, rule_id, scout in self.rules:
            for m in (regex.finditer(text) if scout is None else _scouted(regex, scout, text)):
                start, end = m.span(group)
                if start < 0:
                    continue
                start, end = self.trim(text, start, end)
                if end > start:
                    add_char_candidate(doc, start, end, label, rule_id)
        return doc

    def trim(self, text: str, start: int, end: int) -> tuple[int, int]:
        """Drop stop words (and edge punctuation) at both ends; empty if what is left is generic."""
        words = text[start:end].split(" ")
        # a count or size in front ("3-layer ALBERT", "12-layer", "8-bit") describes the name, it is not part of it
        while words and (words[0].lower() in self.stop or not words[0] or _COUNT_WORD.fullmatch(words[0])):
            start += len(words[0]) + 1
            words.pop(0)
        while words and (words[-1].lower() in self.stop or not words[-1]):
            end -= len(words[-1]) + 1
            words.pop()
        while end > start and text[end - 1] in ".,;:!?)'\"":
            end -= 1
        while end > start and text[start] in "(\"'":
            start += 1
        start, end = balanced(text, start, end)
        phrase = text[start:end]
        # a one-character "name" is a variable ("N models", "the K model"), never an entity
        if len(phrase) < 2 or phrase.lower() in self.generic or phrase in self.not_name:
            return start, start
        return start, end
