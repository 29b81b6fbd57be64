"""Organisation mentions (``Organization`` spans in ``doc.ents``) for affiliated_with links.

Listings and summaries name the labs behind a paper ("Researchers at MPI-IS,
University of Oxford, and ETH Zurich", "a framework ... from Kookmin University").
This component finds such names by shape and cue words kept in rules/orgs.jsonl:

* a capitalised run ending in a head word ("Kookmin University", "Meta AI");
  head words that also end method names ("AI", "Research") count only after an
  affiliation word ("from", "at", "by");
* a lead word followed by "of"/"for" and a capitalised run ("University of Michigan");
* every capitalised item of a list opened by a cue ("Research from the University
  of Michigan, Princeton, and Harvard", "A study by NYU Abu Dhabi and UC Davis").

New spans are added only where they overlap no existing mention, so the entity
components' work is never undone.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..rulefiles import RuleSource
from .doctokens import sentence_bounds, token_lower, token_texts
from .rules import RuleComponent

__all__ = ["OrgFinder", "make_orgs"]

ORG_LABEL = "Organization"
#: longest organisation name kg reads, in tokens (bounds the work per cue)
_MAX_LEN = 7
#: most organisations one list cue reads ("Research from A, B, ..."), bounding the work per cue
_MAX_ITEMS = 32


def _cap_text(t: str) -> bool:
    """A token text that can be part of a proper name: capitalised, or a digit-led acronym ("3M")."""
    return bool(t) and (t[0].isupper() or (t[0].isdigit() and any(c.isupper() for c in t)))


def _cap(tok) -> bool:
    """:func:`_cap_text` of a Token."""
    return _cap_text(tok.text)


class _Caps:
    """``_cap_text`` of each token, computed when first asked for: the loop reads a few tokens around each cue."""

    __slots__ = ("texts", "known")

    def __init__(self, texts: list[str]):
        self.texts = texts
        self.known: dict[int, bool] = {}

    def __getitem__(self, i: int) -> bool:
        v = self.known.get(i)
        if v is None:
            v = self.known[i] = _cap_text(self.texts[i])
        return v


class OrgFinder(RuleComponent):
    """Add Organization spans found by shape and cue words to ``doc.ents``."""

    default_name = "kg_orgs"

    def load(self, source: RuleSource) -> None:
        """Read the head words, lead words and list cues of rules/orgs.jsonl."""
        nlp = self.nlp
        self.strong: dict[str, str] = {}
        self.weak: dict[str, str] = {}
        self.lead: dict[str, str] = {}
        self.weak_lead: dict[str, str] = {}
        self.joiners: set[str] = set()
        self.context: set[str] = set()
        self.list_cues: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for r in source.rules("orgs.jsonl"):
            p, rid = r["pattern"], r["id"]
            for w in p.get("head_words", ()):
                (self.weak if p.get("weak") else self.strong)[w.lower()] = rid
            for w in p.get("lead_words", ()):
                (self.weak_lead if p.get("weak") else self.lead)[w.lower()] = rid
            self.joiners.update(w.lower() for w in p.get("joiners", ()))
            self.context.update(w.lower() for w in p.get("context", ()))
            for cue in p.get("list_cues", ()):
                toks = tuple(t.lower_ for t in nlp.make_doc(cue))
                self.list_cues.setdefault(toks[-1], []).append((toks, rid))
        self.triggers = (frozenset(self.strong) | frozenset(self.weak) | frozenset(self.lead) | frozenset(self.weak_lead)
                         | frozenset(self.list_cues))

    def process(self, doc: Doc) -> Doc:
        """Add the organisation names of ``doc`` to ``doc.ents`` (where they overlap no entity)."""
        # token texts, lower case, capitalisation and sentence starts as lists: indexing the Doc
        # builds a Token object per access, which made this loop the component's whole cost
        low = token_lower(doc)
        # only a head, lead or list-cue word can start a name: most abstracts have none, and
        # the loop below visits only the tokens that are one
        if self.triggers.isdisjoint(low):
            return doc
        texts = token_texts(doc)
        cap = _Caps(texts)
        sent_start = {a for a, _ in sentence_bounds(doc)} if doc.has_annotation("SENT_START") else {0}
        found: list[Span] = []
        n = len(doc)
        resume = 0  # tokens before it are inside a name already found
        for i in [k for k, w in enumerate(low) if w in self.triggers]:
            if i < resume:
                continue
            w = low[i]
            # a weak lead word is also a common noun ("Center of Mass"): only after an affiliation word
            lead = self.lead.get(w) or (self.weak_lead.get(w) if i > 0 and low[i - 1] in self.context else None)
            if lead and cap[i] and i + 2 < n and low[i + 1] in self.joiners and cap[i + 2]:
                end = self._run_end(texts, cap, i + 2)
                found.append(Span(doc, i, end, label=ORG_LABEL, span_id=lead))
                resume = end
                continue
            if (w in self.strong or w in self.weak) and cap[i] and i > 0 and cap[i - 1]:
                start = i - 1
                while start > 0 and i - start < _MAX_LEN - 1 and cap[start - 1] and (start - 1) not in sent_start:
                    start -= 1
                # a sentence-initial capital is not evidence of a name
                if start in sent_start and start < i - 1 and low[start] in ("the", "a", "an", "our", "this"):
                    start += 1
                weak = w not in self.strong
                if not weak or (start > 0 and low[start - 1] in self.context):
                    # "of Technology": the run may go on after the head word
                    end = i + 1
                    if end + 1 < n and low[end] in self.joiners and cap[end + 1]:
                        end = self._run_end(texts, cap, end + 1)
                    found.append(Span(doc, start, end, label=ORG_LABEL, span_id=(self.weak if weak else self.strong)[w]))
                    resume = end
                    continue
            if w in self.list_cues:
                for cue, rid in self.list_cues[w]:
                    s = i - len(cue) + 1
                    if s >= 0 and tuple(low[s : i + 1]) == cue:
                        found.extend(self._list(doc, texts, low, cap, i + 1, rid))
                        break
            resume = i + 1
        if found:
            self._merge(doc, found)
        return doc

    @staticmethod
    def _run_end(texts: list[str], cap: "_Caps | list[bool]", i: int) -> int:
        """End of a capitalised run starting at ``i`` (bounded by _MAX_LEN)."""
        end = i
        n = len(texts)
        while end < n and end - i < _MAX_LEN and (cap[end] or (texts[end] == "-" and end + 1 < n and cap[end + 1])):
            end += 1
        return end

    def _list(self, doc: Doc, texts: list[str], low: list[str], cap: "_Caps | list[bool]", i: int, rid: str) -> list[Span]:
        """The capitalised items of an affiliation list starting at token ``i`` (at most _MAX_ITEMS)."""
        out: list[Span] = []
        n = len(texts)
        while i < n and len(out) < _MAX_ITEMS:
            while i < n and low[i] in ("the", ",", "and", "&"):
                i += 1
            if i >= n or not cap[i]:
                break
            end = self._run_end(texts, cap, i)
            if end < n and low[end] in self.joiners and end + 1 < n and cap[end + 1]:
                end = self._run_end(texts, cap, end + 1)
            out.append(Span(doc, i, end, label=ORG_LABEL, span_id=rid))
            i = end
            if i >= n or low[i] not in (",", "and", "&"):
                break
        return out

    @staticmethod
    def _merge(doc: Doc, found: list[Span]) -> None:
        """Add ``found`` spans that overlap no existing mention, keeping every existing one."""
        taken = set()
        for e in doc.ents:
            taken.update(range(e.start, e.end))
        new = [s for s in filter_spans(found) if not any(t in taken for t in range(s.start, s.end))]
        if new:
            doc.ents = sorted([*doc.ents, *new], key=lambda s: s.start)


@Language.factory("kg_orgs", assigns=["doc.ents"], requires=["doc.ents"])
def make_orgs(nlp: Language, name: str) -> OrgFinder:
    """spaCy factory for :class:`OrgFinder` (cue words from rules/orgs.jsonl, read by ``initialize``)."""
    return OrgFinder(nlp, name)
