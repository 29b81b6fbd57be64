"""Sentence-level relations between entity mentions (``doc._.kg_relations``).

The component reads the mentions the entity components put in ``doc.ents`` and,
for each pair of mentions in one sentence that are close together, looks at the
words *between* them (and a few words before the left one) for the cue phrases
of rules/relations.jsonl: "evaluated on", "trained on", "outperforms", "such as",
"consists of", ... A rule names the entity types it links, which mention is the
head, where in the gap its cue must sit and which mention types may stand in
between. Mentions listed with "," / "and" / "or" share the relation ("evaluated on
A, B and C"). Acronym definitions from ``doc._.kg_aliases`` become ``alias_of``.

Work is linear in sentence length: each mention is paired with its next three
mentions only, and gaps longer than a rule's ``max_gap`` are not read. No parser.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..errors import RuleError
from ..rulefiles import RuleSource
from ..schema import NODE_TYPES, relation_keys
from .doctokens import sentence_bounds, token_lower
from .rules import RuleComponent

__all__ = ["RelationExtractor", "make_relations", "CLASS_OF", "load_relation_rules"]

#: type classes for "same_class" rules (kg.schema): a Model is a kind of Method, never a kind of Dataset
CLASS_OF: dict[str, str] = {t.name: t.relation_class for t in NODE_TYPES.values() if t.relation_class}
_WHERE = ("exact", "end", "start", "any")
_ORDERS = ("head_first", "tail_first")
#: how many mentions ahead a mention is paired with (bounds the work per sentence)
_REACH = 3
#: most mentions of one list that share a relation ("evaluated on A, B, ..."), bounding the pairs per cue
_MAX_LISTED = 32
#: tokens that join mentions into a list sharing one relation
_LIST_JOINERS = frozenset(
    {",", "and", "or", "&", "/", "as", "well", "both", "either", "the", "a", "an", "benchmark", "benchmarks", "dataset", "datasets"}
)


@dataclass(frozen=True, slots=True)
class _Rule:
    id: str
    label: str
    head: frozenset[str]
    tail: frozenset[str]
    head_first: bool
    cues: tuple[tuple[tuple[str, ...], ...], ...]  # each cue: segments of tokens ("..." splits)
    where: str
    before: frozenset[str]
    fillers: frozenset[str]
    skip: frozenset[str]
    same_class: bool
    max_gap: int
    at_start: bool
    cue_tokens: frozenset[str]  # first token of every cue part: a gap without one cannot match
    flat: tuple[tuple[str, ...], ...] = ()  # each cue's tokens, its parts joined (where "end" / "start")
    exact: frozenset[tuple[str, ...]] = frozenset()  # each cue's tokens less fillers, when not empty (where "exact")

    def matches(self, gap: tuple[str, ...]) -> bool:
        """Whether one of the rule's cues matches the tokens ``gap`` between two mentions (:func:`_cue_matches`)."""
        if self.where == "exact":
            # the gap less its fillers is computed once, not once per cue
            return tuple(t for t in gap if t not in self.fillers) in self.exact
        if self.where == "any":
            return any(_cue_matches(gap, c, "any", self.fillers) for c in self.cues)
        fillers = self.fillers
        for want in self.flat:
            k = len(want)
            if self.where == "end":
                end = len(gap)
                while end > 0 and gap[end - 1] in fillers and gap[end - k : end] != want:
                    end -= 1
                if end >= k and gap[end - k : end] == want:
                    return True
            else:
                begin = 0
                while begin < len(gap) and gap[begin] in fillers and gap[begin : begin + k] != want:
                    begin += 1
                if gap[begin : begin + k] == want:
                    return True
        return False


def _tokens(nlp: Language, text: str) -> tuple[str, ...]:
    return tuple(t.lower_ for t in nlp.make_doc(text))


def load_relation_rules(nlp: Language, source: RuleSource) -> tuple[list[_Rule], frozenset[str]]:
    """Read rules/relations.jsonl (and its word sets, relations_settings.json) into compiled rules
    and the blocker words.

    Cue phrases are tokenised with ``nlp``'s tokenizer so "pre-trained on" matches
    however the tokenizer splits it. Raises RuleError naming the file, line and rule at fault.
    """
    settings = source.settings("relations_settings.json") if source.exists("relations_settings.json") else {}
    fillers = {name: frozenset(w.lower() for w in words) for name, words in settings.get("fillers", {}).items()}
    blockers = {w.lower() for w in settings.get("blockers", ())}
    rules = []
    for r in source.rules("relations.jsonl"):
        p, rid, where = r["pattern"], r["id"], r["_where"]
        # the relations kg.schema says this component emits, as the table is now (a registered one too)
        if r["label"] not in relation_keys(emitted_by="kg_relations"):
            raise RuleError(f"{where}: rule {rid}: unknown relation label {r['label']!r}")
        if p.get("where", "any") not in _WHERE or p.get("order", "head_first") not in _ORDERS:
            raise RuleError(f"{where}: rule {rid}: 'where' must be one of {_WHERE}, 'order' one of {_ORDERS}")
        if p.get("fillers") and p["fillers"] not in fillers:
            raise RuleError(f"{where}: rule {rid}: unknown filler set {p['fillers']!r}")
        try:
            cues = tuple(
                tuple(_tokens(nlp, seg) for seg in cue.split("...")) for cue in p["cues"]
            )
            rules.append(
                _Rule(
                    id=rid, label=r["label"], head=frozenset(p["head"]), tail=frozenset(p["tail"]),
                    head_first=p.get("order", "head_first") == "head_first", cues=cues,
                    where=p.get("where", "any"),
                    before=frozenset(t for w in p.get("before", ()) for t in _tokens(nlp, w)[-1:]),
                    fillers=fillers.get(p.get("fillers", ""), frozenset()),
                    skip=frozenset(p.get("skip", ())), same_class=bool(p.get("same_class")),
                    max_gap=int(p.get("max_gap", 8)), at_start=bool(p.get("at_start")),
                    cue_tokens=frozenset(seg[0] for c in cues for seg in c if seg),
                    flat=tuple(tuple(t for seg in c for t in seg) for c in cues),
                    exact=frozenset(w for w in (tuple(t for seg in c for t in seg if t not in fillers.get(p.get("fillers", ""), ()))
                                                for c in cues) if w),
                )
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise RuleError(f"{where}: rule {rid}: malformed pattern ({exc!r})") from None
    return rules, frozenset(blockers)


def _find(seq: tuple[str, ...], sub: tuple[str, ...], start: int = 0) -> int:
    """Index of the first occurrence of ``sub`` in ``seq`` at or after ``start``, or -1."""
    n = len(sub)
    if n == 0:
        return start
    for i in range(start, len(seq) - n + 1):
        if seq[i : i + n] == sub:
            return i
    return -1


def _cue_matches(gap: tuple[str, ...], cue: tuple[tuple[str, ...], ...], where: str, fillers: frozenset[str]) -> bool:
    if where == "exact":
        core = tuple(t for t in gap if t not in fillers)
        want = tuple(t for seg in cue for t in seg if t not in fillers)
        return bool(want) and core == want
    if where == "end":
        want = cue[-1] if len(cue) == 1 else tuple(t for seg in cue for t in seg)
        end = len(gap)
        while end > 0 and gap[end - 1] in fillers and gap[end - len(want) : end] != want:
            end -= 1
        return end >= len(want) and gap[end - len(want) : end] == want
    if where == "start":
        want = tuple(t for seg in cue for t in seg)
        begin = 0
        while begin < len(gap) and gap[begin] in fillers and gap[begin : begin + len(want)] != want:
            begin += 1
        return gap[begin : begin + len(want)] == want
    pos = 0
    for seg in cue:
        i = _find(gap, seg, pos)
        if i < 0:
            return False
        pos = i + len(seg)
    return True


class RelationExtractor(RuleComponent):
    """Fill ``doc._.kg_relations`` with (head, tail, label, rule id) from cue rules."""

    default_name = "kg_relations"

    def load(self, source: RuleSource) -> None:
        """Compile rules/relations.jsonl and index the rules by the types of the two mentions they join."""
        self.rules, self.blockers = load_relation_rules(self.nlp, source)
        self._by_types: dict[tuple[str, str], list[_Rule]] = defaultdict(list)
        labels = set(CLASS_OF)
        for r in self.rules:
            for a in labels:
                for b in labels:
                    left, right = (r.head, r.tail) if r.head_first else (r.tail, r.head)
                    if a in left and b in right and (not r.same_class or CLASS_OF[a] == CLASS_OF[b]):
                        self._by_types[(a, b)].append(r)
        self.max_gap = max((r.max_gap for r in self.rules), default=0)

    def process(self, doc: Doc) -> Doc:
        """Set ``doc._.kg_relations`` from the cue rules (and ``alias_of`` from the acronym pairs)."""
        out: list[tuple[Span, Span, str, str]] = []
        seen: set[tuple[int, int, str]] = set()

        def add(h: Span, t: Span, label: str, rid: str) -> None:
            k = (h.start, t.start, label)
            if h.start != t.start and k not in seen:
                seen.add(k)
                out.append((h, t, label, rid))

        for short, long, rid in doc._.kg_aliases or ():
            add(short, long, "alias_of", rid or "rel.alias_of")
        ents = [e for e in doc.ents if e.label_ in CLASS_OF]
        k = 0
        for sent in sentence_bounds(doc):
            group = []
            while k < len(ents) and ents[k].start < sent[1]:
                if ents[k].start >= sent[0]:
                    group.append(ents[k])
                k += 1
            if len(group) > 1:
                self._sentence(doc, sent, group, add)
        doc._.kg_relations = out
        return doc

    def _sentence(self, doc: Doc, sent: tuple[int, int], group: list[Span], add) -> None:
        """Relations between the mentions ``group`` of the sentence of tokens ``sent`` (start, end)."""
        lower_doc = token_lower(doc)
        lower = lower_doc[sent[0] : sent[1]]
        off = sent[0]
        pos = {e.start: k for k, e in enumerate(group)}
        for i, a in enumerate(group):
            before = lower[max(0, a.start - off - 4) : a.start - off]
            for j in range(i + 1, min(i + 1 + _REACH, len(group))):
                b = group[j]
                if b.start - a.end > self.max_gap:
                    break
                gap = tuple(lower[a.end - off : b.start - off])
                if any(t in self.blockers for t in gap):
                    break
                between = {e.label_ for e in group[i + 1 : j]}
                gapset = set(gap)
                for r in self._by_types.get((a.label_, b.label_), ()):
                    if len(gap) > r.max_gap or not between <= r.skip or r.cue_tokens.isdisjoint(gapset):
                        continue
                    if r.before and not any(t in r.before for t in before):
                        continue
                    if r.at_start and a.start - off > 4:
                        continue
                    if r.matches(gap):
                        head, tail = (a, b) if r.head_first else (b, a)
                        # the left mention's list extends leftwards, the right one's rightwards
                        hs = self._listed(lower_doc, group, pos, head, -1 if r.head_first else 1)
                        ts = self._listed(lower_doc, group, pos, tail, 1 if r.head_first else -1)
                        for h in hs:
                            for t in ts:
                                if h.label_ in r.head and t.label_ in r.tail:
                                    add(h, t, r.label, r.id)
                        break

    @staticmethod
    def _listed(lower: list[str], group: list[Span], pos: dict[int, int], span: Span, step: int) -> list[Span]:
        """``span`` and the mentions listed with it ("A, B and C") on side ``step``, same class only.

        At most :data:`_MAX_LISTED` mentions: a relation is read for every head x tail pair,
        so an unbounded list would make the pairs grow with the square of the text.
        """
        cls = CLASS_OF[span.label_]
        out = [span]
        i = pos[span.start]
        while 0 <= i + step < len(group) and len(out) < _MAX_LISTED:
            x, y = (group[i + step], group[i]) if step < 0 else (group[i], group[i + step])
            n = y.start - x.end
            nxt = group[i + step]
            if CLASS_OF[nxt.label_] != cls or not 0 < n <= 4 or not all(t in _LIST_JOINERS for t in lower[x.end : y.start]):
                break
            out.append(nxt)
            i += step
        return out


@Language.factory("kg_relations", assigns=["doc._.kg_relations"], requires=["doc.ents", "doc.sents"])
def make_relations(nlp: Language, name: str) -> RelationExtractor:
    """spaCy factory for :class:`RelationExtractor` (rules from rules/relations.jsonl, read by ``initialize``)."""
    return RelationExtractor(nlp, name)

