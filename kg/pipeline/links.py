"""Paper-level links (``doc._.kg_links``): what a paper proposes, uses and who wrote it.

* ``proposes``: the first mention after a cue such as "we propose", "this paper
  presents", "a framework named" (within a window, stopped by words that start a
  different phrase, e.g. "based on"), a mention followed by an appositive
  (", a novel ..."), or a title that opens with a mention and a colon. Each
  distinct mention text is proposed once, and at most ``max_proposes`` things
  per paper, because a paper introduces one or two things, not every name.
* ``uses``: mentions after cues such as "we use", "based on", "experiments on",
  with the mentions listed beside them, plus the tails of the relations named in
  the rule (datasets a method is evaluated on, baselines it is compared with).
  Anything the paper proposes is not also "used".
* ``affiliated_with``: every ``Organization`` mention.

Cue phrases are data in rules/links.jsonl.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..errors import RuleError
from ..rulefiles import RuleSource
from ..schema import types_with_role
from .doctokens import sentence_bounds, token_lower
from .rules import RuleComponent

__all__ = ["PaperLinker", "make_links"]

#: mention types a paper can propose or use (kg.schema's ``linkable`` role: not Organization or Metric)
_LINKABLE = frozenset(types_with_role("linkable"))
_LIST_JOINERS = frozenset({",", "and", "or", "&", "as", "well", "the", "(", ")"})
#: most mentions one "uses" cue links ("experiments on A, B, ..."), bounding the work per cue
_MAX_LISTED = 32


class _CueIndex:
    """Cue phrases indexed by their last token, so each token costs one dict lookup."""

    def __init__(self) -> None:
        self.by_last: dict[str, list[tuple[tuple[str, ...], str, int, frozenset[str]]]] = {}
        # the cues of two or more tokens by their last two, longest first: most tokens that end
        # a cue ("on", "the") are not preceded by the rest of one, and one lookup says so
        self._by_pair: dict[tuple[str, str], list[tuple[tuple[str, ...], str, int, frozenset[str]]]] = {}
        self._single: dict[str, tuple[tuple[str, ...], str, int, frozenset[str]]] = {}  # the first one-token cue

    def add(self, toks: tuple[str, ...], rid: str, window: int, blockers: frozenset[str]) -> None:
        self.by_last.setdefault(toks[-1], []).append((toks, rid, window, blockers))
        self.by_last[toks[-1]].sort(key=lambda c: -len(c[0]))
        if len(toks) >= 2:
            pair = self._by_pair.setdefault(toks[-2:], [])
            pair.append((toks, rid, window, blockers))
            pair.sort(key=lambda c: -len(c[0]))
        else:
            self._single.setdefault(toks[0], (toks, rid, window, blockers))

    def match(self, lower: list[str], i: int):
        """The longest cue ending at token ``i``, or None."""
        if i >= 1:
            for cue in self._by_pair.get((lower[i - 1], lower[i]), ()):
                n = len(cue[0])
                if i + 1 >= n and tuple(lower[i + 1 - n : i + 1]) == cue[0]:
                    return cue
        return self._single.get(lower[i])  # no longer cue matched


def _named(span: Span) -> bool:
    """Whether a mention is written as a name (a capital letter or a digit), not a lower-case common term.

    What a paper introduces gets a name ("Deterministic World Model", "GPT-4o") or an acronym
    defined for it; a lower-case mention after "we develop a" is a known technique it applies.
    """
    # a capital that only starts a sentence ("Random forests ...") does not make a name
    text = span.text[1:] if span.start == span.sent.start else span.text
    return any(c.isupper() or c.isdigit() for c in text)


class PaperLinker(RuleComponent):
    """Fill ``doc._.kg_links`` with (label, span, rule id) tuples."""

    default_name = "kg_links"

    def __init__(self, nlp: Language, name: str | None = None, *, max_proposes: int = 2):
        super().__init__(nlp, name)
        self.max_proposes = max_proposes

    def load(self, source: RuleSource) -> None:
        """Index the cue phrases of rules/links.jsonl by their last token."""
        nlp = self.nlp
        self.propose_cues = _CueIndex()
        self.use_cues = _CueIndex()
        self.appositives: list[tuple[tuple[str, ...], str]] = []
        self.relation_roles: dict[str, tuple[str, str]] = {}

        def toks(text: str) -> tuple[str, ...]:
            return tuple(t.lower_ for t in nlp.make_doc(text))

        for r in source.rules("links.jsonl"):
            p, rid, label = r["pattern"], r["id"], r.get("label")
            if label not in ("proposes", "uses"):
                raise RuleError(f"{r['_where']}: rule {rid}: label must be 'proposes' or 'uses'")
            index = self.propose_cues if label == "proposes" else self.use_cues
            blockers = frozenset(b.lower() for b in p.get("blockers", ()))
            for cue in p.get("cues", ()):
                index.add(toks(cue), rid, int(p.get("window", 10)), blockers)
            for cue in p.get("appositive", ()):
                self.appositives.append((toks(cue), rid))
            roles = p.get("roles", ["tail"] * len(p.get("relations", ())))
            for rel, role in zip(p.get("relations", ()), roles):
                if role not in ("head", "tail"):
                    raise RuleError(f"{r['_where']}: rule {rid}: role must be 'head' or 'tail'")
                self.relation_roles[rel] = (role, rid)
        self._cue_ends = frozenset(self.propose_cues.by_last) | frozenset(self.use_cues.by_last)
        self._max_window = max((c[2] for index in (self.propose_cues, self.use_cues) for cues in index.by_last.values()
                                for c in cues), default=0)
        self._appositives_by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for cue, rid in self.appositives:
            self._appositives_by_first.setdefault(cue[0] if cue else "", []).append((cue, rid))
        # an empty cue matches after every mention: then every cue is tried, in list order
        self._any_appositive = list(self.appositives) if any(not cue for cue, _ in self.appositives) else None

    def process(self, doc: Doc) -> Doc:
        """Set ``doc._.kg_links``: what the paper proposes and uses, and its organisations."""
        all_ents = doc.ents  # read once: each read builds a Span per mention
        ents = [e for e in all_ents if e.label_ in _LINKABLE]
        lower = token_lower(doc)
        starts = {e.start: e for e in ents}
        pos = {e.start: k for k, e in enumerate(ents)}
        proposes: list[tuple[Span, str]] = []
        uses: list[tuple[Span, str]] = []

        # the title: "Name: what it does"
        if ents and ents[0].start == 0 and ents[0].end < len(doc) and doc[ents[0].end].text == ":":
            proposes.append((ents[0], "link.proposes.title"))
        ends = self._cue_ends
        # a cue links the first mention within its window after it, so only the tokens at most the
        # widest window before a mention can be cues that link anything: the rest are not read
        reach = self._max_window
        near = sorted({i for e in ents for i in range(max(0, e.start - reach), e.start)})
        cue_at = [k for k in near if lower[k] in ends]
        sent_starts = {a for a, _ in sentence_bounds(doc)} if cue_at and doc.has_annotation("SENT_START") else set()
        for i in cue_at:
            for index, out in ((self.propose_cues, proposes), (self.use_cues, uses)):
                if lower[i] not in index.by_last:
                    continue
                cue = index.match(lower, i)
                if cue is None:
                    continue
                _, rid, window, blockers = cue
                span = self._first_after(lower, sent_starts, starts, i + 1, window, blockers)
                if span is not None:
                    out.extend((s, rid) for s in (self._listed(lower, ents, pos, span) if out is uses else [span]))
        for e in ents:
            # only the cues that start with the token after the mention can match (list order kept)
            if self._any_appositive is not None:
                cues = self._any_appositive
            else:
                cues = self._appositives_by_first.get(lower[e.end], ()) if e.end < len(lower) else ()
            for cue, rid in cues:
                n = len(cue)
                if tuple(lower[e.end : e.end + n]) == cue:
                    proposes.append((e, rid))
                    break
        if Doc.has_extension("kg_relations"):
            for head, tail, label, _ in doc._.kg_relations or ():
                if label in self.relation_roles:
                    role, rid = self.relation_roles[label]
                    uses.append((tail if role == "tail" else head, rid))

        links: list[tuple[str, Span, str]] = []
        proposed: set[str] = set()
        defined = {long.start for _, long, _ in (doc._.kg_aliases or ())} if Doc.has_extension("kg_aliases") else set()
        for span, rid in sorted(proposes, key=lambda x: x[0].start):
            key = span.text.lower()
            if key in proposed:
                continue
            if not any(c.isalpha() for c in span.text):
                continue  # "we present our results in Table 6": a number is never what a paper introduces
            if not _named(span) and span.start not in defined:
                # "we develop a random forest algorithm": a known family used, not a new thing
                uses.append((span, rid.replace("proposes", "uses")))
                continue
            if len(proposed) >= self.max_proposes:
                break
            proposed.add(key)
            links.append(("proposes", span, rid))
        # an acronym defined for a proposed long form is proposed too ("Deterministic World Model (DWM)")
        if Doc.has_extension("kg_aliases"):
            for short, long, _ in doc._.kg_aliases or ():
                if long.text.lower() in proposed and short.text.lower() not in proposed:
                    proposed.add(short.text.lower())
        used: set[int] = set()
        for span, rid in sorted(uses, key=lambda x: x[0].start):
            if span.text.lower() in proposed or span.start in used:
                continue
            used.add(span.start)
            links.append(("uses", span, rid))
        for e in all_ents:
            if e.label_ == "Organization":
                links.append(("affiliated_with", e, e.id_ or "org"))
        doc._.kg_links = links
        return doc

    @staticmethod
    def _first_after(lower: list[str], sent_starts: set[int], starts: dict[int, Span], i: int, window: int,
                     blockers: frozenset[str]) -> Span | None:
        """The first linkable mention starting within ``window`` tokens of ``i`` in the same sentence
        (``lower``: the doc's lower-case tokens; ``sent_starts``: where its sentences start)."""
        for j in range(i, min(len(lower), i + window)):
            if j in starts:
                return starts[j]
            if j > i and (j in sent_starts or lower[j] in blockers):
                return None
        return None

    @staticmethod
    def _listed(lower: list[str], ents: list[Span], pos: dict[int, int], span: Span) -> list[Span]:
        """``span`` and the mentions that follow it in a list ("A, B, and C"), at most :data:`_MAX_LISTED`."""
        out = [span]
        k = pos[span.start] + 1
        while k < len(ents) and len(out) < _MAX_LISTED:
            prev, nxt = out[-1], ents[k]
            if not 0 < nxt.start - prev.end <= 4 or not all(t in _LIST_JOINERS for t in lower[prev.end : nxt.start]):
                break
            out.append(nxt)
            k += 1
        return out


@Language.factory("kg_links", assigns=["doc._.kg_links"], requires=["doc.ents"], default_config={"max_proposes": 2})
def make_links(nlp: Language, name: str, *, max_proposes: int) -> PaperLinker:
    """spaCy factory for :class:`PaperLinker` (cues from rules/links.jsonl, read by ``initialize``;
    ``max_proposes``: most things one paper proposes)."""
    return PaperLinker(nlp, name, max_proposes=max_proposes)
