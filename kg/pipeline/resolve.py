"""Resolve candidate mentions into the final, non-overlapping ``doc.ents``.

Candidates from all evidence components are ranked by length (longer spans
carry more of the name: "Qwen2.5-7B" over "Qwen") and then by the
priority of their rule (rules/priorities.jsonl, longest id prefix wins), and
picked greedily. Generic mentions ("the model", "baseline") are dropped, and
so are adjectives built on a name ("Transformer-based", "ImageNet-trained",
"MIT-licensed": rules/filters.jsonl kind ``adj_suffix``), and so are
bare process nouns that name something only with a modifier ("translation",
"quantization": kind ``bare_generic``). A chosen Method /
Task / Architecture grows over the modifiers in front of it ("block-wise
quantization", "8-bit Adam", "cross-lingual classification", "3D CNNs").
Acronym pairs in ``doc._.kg_aliases`` are kept only when both forms survived;
the short form takes the long form's label.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..rulefiles import RuleSource
from .candidates import candidate_records, doc_text
from .regexrules import load_filters, load_macros
from .rules import RuleComponent
from .doctokens import token_lower, token_spaces, token_starts, token_texts

__all__ = ["Resolver", "make_resolve"]

# labels whose mentions take the modifiers in front of them ("dynamic quantization")
_MODIFIED = frozenset({"Method", "Task", "Architecture"})
# one part of a lower-case hyphenated modifier: "block", "wise", "8", "bit", "lingual"
_COMPOUND_PART = re.compile(r"[a-z]+|\d+")
# a dimension: "2D", "3D"
_DIMENSION = re.compile(r"\d[dD]")
# a lower-case adjective by its ending: "dynamic", "financial", "generative", "pairwise"
_ADJECTIVE = re.compile(r"[a-z]{3,}(?:al|ic|ive|wise|ous|ary)")


class Resolver(RuleComponent):
    """Pick non-overlapping entities from ``doc.spans["kg_candidates"]``."""

    default_name = "kg_resolve"

    def load(self, source: RuleSource) -> None:
        """Read the rule priorities, the filter word sets and the name-suffix macro."""
        self.priorities = sorted(
            ((r["pattern"], r["priority"]) for r in source.rules("priorities.jsonl")),
            key=lambda p: -len(p[0]),
        )
        filters = load_filters(source)
        self.generic = filters.get("generic", frozenset())
        self.stop = filters.get("stop", frozenset())
        self.not_name = filters.get("not_name_cs", frozenset())
        self.adj_suffix = filters.get("adj_suffix", frozenset())
        self.bare_generic = filters.get("bare_generic", frozenset())
        self.not_modifier = filters.get("not_modifier", frozenset()) | self.stop
        self._cache: dict[str, int] = {}
        # a version / size / flavour after a name belongs to it ("SQuAD v1.1", "XLNet LARGE", "XLM-R")
        suffix = load_macros(source).get("NAME_SUFFIX")
        self.suffix = re.compile(f"(?:{suffix})") if suffix else None

    def priority(self, rule_id: str) -> int:
        """Priority of a rule id: that of the longest matching prefix in the priorities file, else 0."""
        p = self._cache.get(rule_id)
        if p is None:
            p = next((prio for prefix, prio in self.priorities if rule_id.startswith(prefix)), 0)
            self._cache[rule_id] = p
        return p

    def keep(self, span: Span) -> bool:
        """False for generic mentions and stop words, which name nothing in particular."""
        return self._keep(_Tokens(span.doc), span.start, span.end)

    def is_adjective(self, span: Span) -> bool:
        """True for "X-based" / "X-trained" (as the span or right after it): an adjective, not a name."""
        return self._is_adjective(_Tokens(span.doc), span.start, span.end)

    def modifier_start(self, doc: Doc, start: int, taken: bytearray) -> int:
        """Start of the modifiers right before token ``start``: hyphenated compounds ("block-wise",
        "8-bit", "cross-lingual"), dimensions ("3D") and adjectives in -al/-ic/-ive/-wise ("dynamic"),
        at most two, lower case, never a stop word or an evaluative word (rules/filters.jsonl)."""
        return self._modifier_start(_Tokens(doc), start, taken)

    def extend(self, doc: Doc, span: Span, taken: bytearray) -> Span:
        """``span`` grown over a following name suffix (Model / Dataset), modifiers before a
        Method / Task / Architecture and a possessive "'s"."""
        start, end = self._extend(_Tokens(doc), span.start, span.end, span.label_, taken)
        if end == span.end and start == span.start:
            return span
        return Span(doc, start, end, label=span.label_, span_id=span.id_)

    # The work is done on the token texts, lower case, offsets and spaces as lists (_Tokens):
    # a Span or Token object per candidate and per look-around was most of this component's cost.

    def _keep(self, toks: "_Tokens", start: int, end: int) -> bool:
        text = toks.span_text(start, end)
        low = text.lower()
        if low in self.generic or low in self.stop or text in self.not_name:
            return False
        if toks.lower[start] in self.stop and (end - start == 1 or toks.span_text(start + 1, end).lower() in self.generic):
            return False
        if self._is_adjective(toks, start, end):
            return False
        return any(c.isalnum() for c in low)

    def _is_adjective(self, toks: "_Tokens", start: int, end: int) -> bool:
        texts, lower, spaces = toks.texts, toks.lower, toks.spaces
        if end - start >= 3 and lower[end - 1] in self.adj_suffix and texts[end - 2] == "-" \
                and not spaces[end - 3] and not spaces[end - 2]:
            return True
        return end + 1 < len(texts) and texts[end] == "-" and not spaces[end - 1] \
            and not spaces[end] and lower[end + 1] in self.adj_suffix

    def _modifier_start(self, toks: "_Tokens", start: int, taken: bytearray) -> int:
        texts, lower, spaces = toks.texts, toks.lower, toks.spaces
        for _ in range(2):
            i = start - 1
            if i < 0 or taken[i] or not spaces[i]:
                break
            text = texts[i]
            if i >= 2 and texts[i - 1] == "-" and not spaces[i - 1] and not spaces[i - 2] \
                    and not taken[i - 2] and _COMPOUND_PART.fullmatch(texts[i - 2]) and _COMPOUND_PART.fullmatch(text) \
                    and lower[i] not in self.adj_suffix:
                if i >= 3 and texts[i - 3] == "-" and not spaces[i - 3]:
                    break  # part of a longer compound ("state-of-the-art")
                start = i - 2
            elif _DIMENSION.fullmatch(text):
                start = i
            elif _ADJECTIVE.fullmatch(text) and text not in self.not_modifier:
                start = i
            else:
                break
        return start

    def _extend(self, toks: "_Tokens", start: int, end: int, label: str, taken: bytearray) -> tuple[int, int]:
        texts, spaces = toks.texts, toks.spaces
        n = len(texts)
        if label in _MODIFIED:
            start = self._modifier_start(toks, start, taken)
        if self.suffix is not None and label in ("Model", "Dataset") and end < n:
            nxt = texts[end]
            if nxt == "-" and not spaces[end - 1] and end + 1 < n and not spaces[end] \
                    and not taken[end + 1] and self.suffix.fullmatch(texts[end + 1]):
                end += 2
            elif spaces[end - 1] and not taken[end] and self.suffix.fullmatch(nxt) \
                    and (nxt[0].isdigit() or nxt[0] == "v" or nxt.isupper() and len(nxt) > 1):
                end += 1
        if end < n and texts[end] in ("'s", "’s") and not taken[end]:
            end += 1
        return start, end

    def process(self, doc: Doc) -> Doc:
        """Set ``doc.ents`` from the candidates, and keep the acronym pairs whose forms both survived."""
        toks = _Tokens(doc)
        ranked = []
        for k, (start, end, label, rule_id) in enumerate(candidate_records(doc)):
            if self._keep(toks, start, end):
                # longest first, then by rule priority; ties keep the proposal order
                ranked.append((-toks.char_len(start, end), -self.priority(rule_id), start, k, end, label, rule_id))
        ranked.sort()
        taken = bytearray(len(doc))
        chosen: dict[tuple[int, int], tuple[str, str]] = {}
        for _, _, start, _, end, label, rule_id in ranked:
            if 1 in taken[start:end]:
                continue
            start, end = self._extend(toks, start, end, label, taken)
            if end - start == 1 and toks.lower[start] in self.bare_generic:
                continue  # "translation" alone: a task only with its modifier ("machine translation")
            taken[start:end] = b"\x01" * (end - start)
            chosen[(start, end)] = (label, rule_id)
        aliases = []
        for short, long, rule_id in doc._.kg_aliases or []:
            s = chosen.get((short.start, short.end))
            l = chosen.get((long.start, long.end))
            if s is None or l is None:
                continue
            if s[0] != l[0]:
                s = chosen[(short.start, short.end)] = (l[0], s[1])
            aliases.append(((short.start, short.end), s, (long.start, long.end), l, rule_id))
        # (ent id, kb id, label, start, end): the setter builds its own Span from each, so none is built here
        strings = doc.vocab.strings
        doc.ents = [(strings.add(rule_id), 0, label, start, end) for (start, end), (label, rule_id) in sorted(chosen.items())]
        doc._.kg_aliases = [(Span(doc, s[0], s[1], label=sv[0], span_id=sv[1]), Span(doc, l[0], l[1], label=lv[0], span_id=lv[1]),
                             rule_id) for s, sv, l, lv, rule_id in aliases]
        return doc


class _Tokens:
    """A Doc's token texts, lower case, character offsets and trailing spaces, as cached lists."""

    __slots__ = ("text", "texts", "lower", "starts", "spaces")

    def __init__(self, doc: Doc):
        self.text = doc_text(doc)
        self.texts = token_texts(doc)
        self.lower = token_lower(doc)
        self.starts = token_starts(doc)
        self.spaces = token_spaces(doc)

    def span_text(self, start: int, end: int) -> str:
        """The text of tokens ``start:end`` (``Span.text``)."""
        return self.text[self.starts[start] : self.starts[end - 1] + len(self.texts[end - 1])]

    def char_len(self, start: int, end: int) -> int:
        """``end_char - start_char`` of tokens ``start:end``."""
        return self.starts[end - 1] + len(self.texts[end - 1]) - self.starts[start]


@Language.factory("kg_resolve", assigns=["doc.ents", "doc._.kg_aliases"], requires=["doc.spans"])
def make_resolve(nlp: Language, name: str) -> Resolver:
    """Factory of ``kg_resolve`` (rule priorities from rules/priorities.jsonl, read by ``initialize``)."""
    return Resolver(nlp, name)
