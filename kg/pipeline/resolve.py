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

from .candidates import CANDIDATES

from .regexrules import load_filters, load_macros
from .rules import read_rules, rules_path

__all__ = ["Resolver", "make_resolve"]

# labels whose mentions take the modifiers in front of them ("dynamic quantization")
_MODIFIED = frozenset({"Method", "Task", "Architecture"})
# one part of a lower-case hyphenated modifier: "block", "wise", "8", "bit", "lingual"
_COMPOUND_PART = re.compile(r"[a-z]+|\d+")
# a dimension: "2D", "3D"
_DIMENSION = re.compile(r"\d[dD]")
# a lower-case adjective by its ending: "dynamic", "financial", "generative", "pairwise"
_ADJECTIVE = re.compile(r"[a-z]{3,}(?:al|ic|ive|wise|ous|ary)")


class Resolver:
    """Pick non-overlapping entities from ``doc.spans["kg_candidates"]``."""

    def __init__(self, nlp: Language, name: str, *, file: str = "priorities.jsonl", rules_dir: str = ""):
        self.name = name
        folder = rules_path(rules_dir or None)
        self.priorities = sorted(
            ((r["pattern"], int(r["priority"])) for r in read_rules(folder / file, required=("id", "pattern", "priority"))),
            key=lambda p: -len(p[0]),
        )
        filters = load_filters(str(folder))
        self.generic = filters.get("generic", frozenset())
        self.stop = filters.get("stop", frozenset())
        self.not_name = filters.get("not_name_cs", frozenset())
        self.adj_suffix = filters.get("adj_suffix", frozenset())
        self.bare_generic = filters.get("bare_generic", frozenset())
        self.not_modifier = filters.get("not_modifier", frozenset()) | self.stop
        self._cache: dict[str, int] = {}
        # a version / size / flavour after a name belongs to it ("SQuAD v1.1", "XLNet LARGE", "XLM-R")
        suffix = load_macros(folder).get("NAME_SUFFIX")
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
        text = span.text.lower()
        if text in self.generic or text in self.stop or span.text in self.not_name:
            return False
        first = span[0].lower_
        if first in self.stop and (len(span) == 1 or span[1:].text.lower() in self.generic):
            return False
        if self.is_adjective(span):
            return False
        return any(c.isalnum() for c in text)

    def is_adjective(self, span: Span) -> bool:
        """True for "X-based" / "X-trained" (as the span or right after it): an adjective, not a name."""
        doc = span.doc
        if len(span) >= 3 and span[-1].lower_ in self.adj_suffix and span[-2].text == "-" \
                and not span[-3].whitespace_ and not span[-2].whitespace_:
            return True
        end = span.end
        return end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_ \
            and not doc[end].whitespace_ and doc[end + 1].lower_ in self.adj_suffix

    def modifier_start(self, doc: Doc, start: int, taken: bytearray) -> int:
        """Start of the modifiers right before token ``start``: hyphenated compounds ("block-wise",
        "8-bit", "cross-lingual"), dimensions ("3D") and adjectives in -al/-ic/-ive/-wise ("dynamic"),
        at most two, lower case, never a stop word or an evaluative word (rules/filters.jsonl)."""
        for _ in range(2):
            i = start - 1
            if i < 0 or taken[i] or not doc[i].whitespace_:
                break
            tok = doc[i]
            if i >= 2 and doc[i - 1].text == "-" and not doc[i - 1].whitespace_ and not doc[i - 2].whitespace_ \
                    and not taken[i - 2] and _COMPOUND_PART.fullmatch(doc[i - 2].text) and _COMPOUND_PART.fullmatch(tok.text) \
                    and tok.lower_ not in self.adj_suffix:
                if i >= 3 and doc[i - 3].text == "-" and not doc[i - 3].whitespace_:
                    break  # part of a longer compound ("state-of-the-art")
                start = i - 2
            elif _DIMENSION.fullmatch(tok.text):
                start = i
            elif _ADJECTIVE.fullmatch(tok.text) and tok.text not in self.not_modifier:
                start = i
            else:
                break
        return start

    def extend(self, doc: Doc, span: Span, taken: bytearray) -> Span:
        """``span`` grown over a following name suffix (Model / Dataset), modifiers before a
        Method / Task / Architecture and a possessive "'s"."""
        start, end = span.start, span.end
        if span.label_ in _MODIFIED:
            start = self.modifier_start(doc, start, taken)

        if self.suffix is not None and span.label_ in ("Model", "Dataset") and end < len(doc):
            nxt = doc[end]
            if nxt.text == "-" and not doc[end - 1].whitespace_ and end + 1 < len(doc) and not nxt.whitespace_ \
                    and not taken[end + 1] and self.suffix.fullmatch(doc[end + 1].text):
                end += 2
            elif doc[end - 1].whitespace_ and not taken[end] and self.suffix.fullmatch(nxt.text) \
                    and (nxt.text[0].isdigit() or nxt.text[0] == "v" or nxt.text.isupper() and len(nxt.text) > 1):
                end += 1
        if end < len(doc) and doc[end].text in ("'s", "’s") and not taken[end]:
            end += 1
        if end == span.end and start == span.start:
            return span
        return Span(doc, start, end, label=span.label_, span_id=span.id_)

    def __call__(self, doc: Doc) -> Doc:
        cands = list(doc.spans[CANDIDATES]) if CANDIDATES in doc.spans else []
        cands = [c for c in cands if self.keep(c)]
        cands.sort(key=lambda s: (-(s.end_char - s.start_char), -self.priority(s.id_), s.start))
        taken = bytearray(len(doc))
        chosen: dict[tuple[int, int], Span] = {}
        for span in cands:
            if any(taken[span.start:span.end]):
                continue
            span = self.extend(doc, span, taken)
            if len(span) == 1 and span[0].lower_ in self.bare_generic:
                continue  # "translation" alone: a task only with its modifier ("machine translation")
            taken[span.start:span.end] = b"\x01" * (span.end - span.start)
            chosen[(span.start, span.end)] = span
        aliases = []
        for short, long, rule_id in doc._.kg_aliases or []:
            s = chosen.get((short.start, short.end))
            l = chosen.get((long.start, long.end))
            if s is None or l is None:
                continue
            if s.label != l.label:
                s = Span(doc, s.start, s.end, label=l.label_, span_id=s.id_)
                chosen[(s.start, s.end)] = s
            aliases.append((s, l, rule_id))
        doc.ents = sorted(chosen.values(), key=lambda s: s.start)
        doc._.kg_aliases = aliases
        return doc


@Language.factory("kg_resolve", assigns=["doc.ents"], default_config={"file": "priorities.jsonl", "rules_dir": ""})
def make_resolve(nlp: Language, name: str, *, file: str, rules_dir: str) -> Resolver:
    """Factory of ``kg_resolve``: rule priorities from ``file`` in the rules folder."""
    return Resolver(nlp, name, file=file, rules_dir=rules_dir)
