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

from ..errors import RuleError
from ..resources import rules_path
from .stages import read_stage_rules

__all__ = ["OrgFinder", "make_orgs"]

ORG_LABEL = "Organization"
#: longest organisation name kg reads, in tokens (bounds the work per cue)
_MAX_LEN = 7


def _cap(tok) -> bool:
    """A token that can be part of a proper name: capitalised, an acronym, or glue inside one."""
    t = tok.text
    return bool(t) and (t[0].isupper() or (t[0].isdigit() and any(c.isupper() for c in t)))


class OrgFinder:
    """Add Organization spans found by shape and cue words to ``doc.ents``."""

    def __init__(self, nlp: Language, name: str = "kg_orgs", *, rules_file: str = "orgs.jsonl", rules_dir: str = ""):
        self.name = name
        path = rules_path(rules_dir or None) / rules_file
        self.strong: dict[str, str] = {}
        self.weak: dict[str, str] = {}
        self.lead: dict[str, str] = {}
        self.joiners: set[str] = set()
        self.context: set[str] = set()
        self.list_cues: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for r in read_stage_rules(path):
            p, rid = r["pattern"], r["id"]
            if not isinstance(p, dict):
                raise RuleError(f"{path}: rule {rid}: pattern must be an object")
            for w in p.get("head_words", ()):
                (self.weak if p.get("weak") else self.strong)[w.lower()] = rid
            for w in p.get("lead_words", ()):
                self.lead[w.lower()] = rid
            self.joiners.update(w.lower() for w in p.get("joiners", ()))
            self.context.update(w.lower() for w in p.get("context", ()))
            for cue in p.get("list_cues", ()):
                toks = tuple(t.lower_ for t in nlp.make_doc(cue))
                self.list_cues.setdefault(toks[-1], []).append((toks, rid))

    def __call__(self, doc: Doc) -> Doc:
        found: list[Span] = []
        n = len(doc)
        i = 0
        while i < n:
            tok = doc[i]
            low = tok.lower_
            if low in self.lead and _cap(tok) and i + 2 < n and doc[i + 1].lower_ in self.joiners and _cap(doc[i + 2]):
                end = self._run_end(doc, i + 2)
                found.append(Span(doc, i, end, label=ORG_LABEL, span_id=self.lead[low]))
                i = end
                continue
            if (low in self.strong or low in self.weak) and _cap(tok) and i > 0 and _cap(doc[i - 1]):
                start = i - 1
                while start > 0 and i - start < _MAX_LEN - 1 and _cap(doc[start - 1]) and not doc[start - 1].is_sent_start:
                    start -= 1
                # a sentence-initial capital is not evidence of a name
                if doc[start].is_sent_start and start < i - 1 and doc[start].lower_ in ("the", "a", "an", "our", "this"):
                    start += 1
                weak = low not in self.strong
                if not weak or (start > 0 and doc[start - 1].lower_ in self.context):
                    # "of Technology": the run may go on after the head word
                    end = i + 1
                    if end + 1 < n and doc[end].lower_ in self.joiners and _cap(doc[end + 1]):
                        end = self._run_end(doc, end + 1)
                    found.append(Span(doc, start, end, label=ORG_LABEL, span_id=(self.weak if weak else self.strong)[low]))
                    i = end
                    continue
            if low in self.list_cues:
                for cue, rid in self.list_cues[low]:
                    s = i - len(cue) + 1
                    if s >= 0 and tuple(t.lower_ for t in doc[s : i + 1]) == cue:
                        found.extend(self._list(doc, i + 1, rid))
                        break
            i += 1
        if found:
            self._merge(doc, found)
        return doc

    def _run_end(self, doc: Doc, i: int) -> int:
        """End of a capitalised run starting at ``i`` (bounded by _MAX_LEN)."""
        end = i
        while end < len(doc) and end - i < _MAX_LEN and (_cap(doc[end]) or (doc[end].text == "-" and end + 1 < len(doc) and _cap(doc[end + 1]))):
            end += 1
        return end

    def _list(self, doc: Doc, i: int, rid: str) -> list[Span]:
        """The capitalised items of an affiliation list starting at token ``i``."""
        out: list[Span] = []
        n = len(doc)
        while i < n:
            while i < n and doc[i].lower_ in ("the", ",", "and", "&"):
                i += 1
            if i >= n or not _cap(doc[i]):
                break
            end = self._run_end(doc, i)
            if end < n and doc[end].lower_ in self.joiners and end + 1 < n and _cap(doc[end + 1]):
                end = self._run_end(doc, end + 1)
            out.append(Span(doc, i, end, label=ORG_LABEL, span_id=rid))
            i = end
            if i >= n or doc[i].lower_ not in (",", "and", "&"):
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


@Language.factory(
    "kg_orgs",
    assigns=["doc.ents"],
    requires=["doc.ents"],
    default_config={"rules_file": "orgs.jsonl", "rules_dir": ""},
)
def make_orgs(nlp: Language, name: str, *, rules_file: str, rules_dir: str) -> OrgFinder:
    """spaCy factory for :class:`OrgFinder` (cue words from ``rules_dir``/``rules_file``)."""
    return OrgFinder(nlp, name, rules_file=rules_file, rules_dir=rules_dir)
