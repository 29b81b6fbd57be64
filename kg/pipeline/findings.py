"""Quantified findings (``doc._.kg_findings``): "reduces latency by up to 73% on LLaVA-1.5-7B".

One compiled regular expression finds the numbers with a unit in each sentence
(``73%``, ``10%p``, ``29 percentage points``, ``19x``, ``3-fold``, ranges such as
``80-90%``) plus bare numbers right next to a Metric mention ("45.2 BLEU").
Around each value, the component reads, with word lists from
rules/findings.jsonl:

* **qualifier**: the phrase right before the value ("up to", "over", "nearly");
* **baseline**: "from 14.92% to 84.43%" is one finding, value 84.43, baseline 14.92;
* **direction**: a noun right after the value ("27.3% FID reduction") or the
  nearest trigger verb before it in the clause ("reduces", "outperforms");
  a value coordinated with the previous one ("... by 73% and FLOPs by 74.4%")
  inherits its direction; ``reaches`` when nothing says otherwise;
* **metric**: a Metric mention next to the value, else the words before "by"
  ("reduces inference latency by"), else the words right after the value;
* **subject**: the nearest Method / Model / Architecture mention before the
  value that is not a comparison target ("than X"), else what the paper proposes;
* **settings**: the other mentions of the value's clause after it, and those
  before it introduced by "on" / "in" / "for" ("on RAG benchmarks").

A range is stored with its upper end as ``value`` and qualifier ``range`` (when
no other qualifier is written); the text keeps the range.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..errors import RuleError
from ..rulefiles import RuleSource
from ..schema import types_with_role
from .candidates import doc_text
from .doctokens import char_token_span, sentence_bounds, token_lower, token_starts, token_texts
from .rules import RuleComponent

__all__ = ["FindingExtractor", "make_findings"]

#: what a finding can be about, and where it can hold (kg.schema's ``subject`` / ``setting`` roles)
_SUBJECT_TYPES = frozenset(types_with_role("subject"))
_SETTING_TYPES = frozenset(types_with_role("setting"))
_NUM = r"\d+(?:\.\d+)?"
#: words before a mention that make it a setting or a comparison target, not a subject
_SETTING_PREPS = frozenset({"on", "in", "for", "across", "over", "with", "to", "than", "against", "vs", "vs.", "versus", "like", "as"})
_YEAR = re.compile(r"^(?:19|20)\d\d$")
#: a parameter count ("13B", "7b", "350M") names a model size, not a model
_SIZE = re.compile(r"^\d+(?:\.\d+)?\s*[bmkt]$", re.IGNORECASE)
_DIGIT = re.compile(r"\d")


def _named(span: Span) -> bool:
    """Whether a mention names a particular system (a capital or a digit, not a bare size like "13B").

    A finding's subject must be what was measured; an all-lower-case mention such as "pruning"
    or "diffusion models" is the family the named system belongs to, not the system itself.
    """
    text = span.text
    # a capital that only starts a sentence ("Pruning reduces ...") does not make a name
    caps = text[1:] if span.start == span.sent.start else text
    return any(c.isupper() or c.isdigit() for c in caps) and not _SIZE.match(text)


class FindingExtractor(RuleComponent):
    """Fill ``doc._.kg_findings`` with one dict (kg.records.Finding fields) per quantified claim."""

    default_name = "kg_findings"

    def load(self, source: RuleSource) -> None:
        """Read the direction rules (rules/findings.jsonl) and the settings (rules/findings_settings.json)."""

        def toks(text: str) -> tuple[str, ...]:
            return tuple(t.lower_ for t in self.nlp.make_doc(text))

        self.verbs: dict[str, tuple[str, str]] = {}
        self.nouns: dict[tuple[str, ...], tuple[str, str]] = {}
        for r in source.rules("findings.jsonl"):
            p, rid, label = r["pattern"], r["id"], r["label"]
            for v in p.get("verbs", ()):
                self.verbs.setdefault(v.lower(), (label, rid))
            for n in p.get("nouns", ()):
                self.nouns.setdefault(toks(n), (label, rid))
        settings = source.settings("findings_settings.json")
        units = {k.lower(): v for k, v in settings["units"].items()}
        if not units:
            raise RuleError(f"{source.where('findings_settings.json')}: setting 'units' is empty")
        self.qualifiers: dict[tuple[str, ...], str] = {toks(k): v for k, v in settings.get("qualifiers", {}).items()}
        self.boundaries: list[tuple[str, ...]] = [toks(t) for t in settings.get("boundaries", ())]
        self.stop: frozenset[str] = frozenset(t.lower() for t in settings.get("stop", ()))
        self.metric_heads: frozenset[str] = frozenset(t.lower() for t in settings.get("metric_heads", ()))
        self.units = units
        alts = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
        # a value: not glued to a word before it (but "\sim80" is "~80"), an optional range start,
        # the number, then a unit that is not the start of a longer word; spaces are bounded
        # ({0,3}): "\s*%?\s*" backtracks quadratically over a long run of spaces
        self.regex = re.compile(
            rf"(?:(?<=\\sim)|(?<![\w.,×]))(?:(?P<lo>{_NUM})\s{{0,3}}%?\s{{0,3}}[-–]\s{{0,3}})?(?P<val>{_NUM})"
            rf"(?:\s{{0,3}}(?P<unit>{alts})(?![A-Za-z]))?",
            re.IGNORECASE,
        )
        # where a value can start: a digit, with the regex's look-behind read at it. The regex opens
        # with look-behinds, so the engine would try it at every character; tried only where this
        # matches, it finds the same values (_values) in well under half the time
        self._value_start = re.compile(r"\d(?:(?<=\\sim\d)|(?<![\w.,×]\d))", re.IGNORECASE)
        self.max_q = max((len(q) for q in self.qualifiers), default=1)
        self._boundaries_by_first: dict[str, list[tuple[str, ...]]] = {}
        for b in self.boundaries:
            if b:
                self._boundaries_by_first.setdefault(b[0], []).append(b)
        self._empty_boundary = any(not b for b in self.boundaries)

    # ------------------------------------------------------------------ helpers
    def _values(self, text: str):
        """The matches of ``self.regex.finditer(text)``, the regex tried only where a value can start."""
        pos = 0
        while True:
            hit = self._value_start.search(text, pos)
            if hit is None:
                return
            m = self.regex.match(text, hit.start())
            if m is None:
                pos = hit.start() + 1
            else:
                yield m  # never empty: a value has a digit
                pos = m.end()

    def _qualifier(self, lower: list[str], i: int, lo: int) -> tuple[str | None, int]:
        """The qualifier phrase ending right before token ``i`` (not before ``lo``) and where it starts."""
        best, start = None, i
        for n in range(self.max_q, 0, -1):
            if i - n >= lo and tuple(lower[i - n : i]) in self.qualifiers:
                q = self.qualifiers[tuple(lower[i - n : i])]
                if q == "":  # an article: look past it ("up to a 27.3% ...")
                    q2, s2 = self._qualifier(lower, i - n, lo)
                    return q2, (s2 if q2 else i - n)
                return q, i - n
        return best, start

    def _boundary(self, lower: list[str], i: int) -> bool:
        """Whether a clause boundary phrase ("while", "and achieves") starts at token ``i``."""
        if self._empty_boundary:
            return True
        if i >= len(lower):
            return False
        # the phrases indexed by their first token: one dict lookup for most tokens
        return any(tuple(lower[i : i + len(b)]) == b for b in self._boundaries_by_first.get(lower[i], ()))

    def _noun_after(self, lower: list[str], i: int, end: int) -> tuple[str, str, int, int] | None:
        """A direction noun within three tokens after ``i``: (direction, rule, start, end)."""
        for j in range(i, min(end, i + 3)):
            for n in (3, 2, 1):
                d = self.nouns.get(tuple(lower[j : j + n]))
                if d and j + n <= end:
                    return d[0], d[1], j, j + n
            if lower[j] in (",", ";", "(", "on", "in", "for", "of", "than", "over", "compared"):
                break
        return None

    def _phrase(self, doc: Doc, lower: list[str], start: int, end: int, step: int, ent_tok: dict[int, Span]) -> tuple[int, int] | None:
        """Up to four metric words walking from ``start`` in direction ``step`` (stops at stop words)."""
        j, got = start, []
        while start - 4 <= j <= start + 4 and (end <= j < start + 1 if step < 0 else start <= j < end):
            t = lower[j]
            e = ent_tok.get(j)
            if e is not None and e.label_ != "Metric":
                break  # a method or dataset name is not a metric
            if t in self.stop or t in self.verbs or not any(c.isalpha() for c in t) or doc[j].like_num:
                if t == "-" and got:  # "token-level", "FID-based": keep hyphenated words
                    got.append(j)
                    j += step
                    continue
                break
            got.append(j)
            j += step
        if not got:
            return None
        a, b = min(got), max(got) + 1
        if lower[a] == "-":
            a += 1
        if lower[b - 1] == "-":
            b -= 1
        return (a, b) if a < b else None

    # ------------------------------------------------------------------ main
    def process(self, doc: Doc) -> Doc:
        """Set ``doc._.kg_findings``: the quantified claims of every sentence with a digit."""
        findings: list[dict] = []
        ents = list(doc.ents)
        ent_tok: dict[int, Span] = {}
        for e in ents:
            for t in range(e.start, e.end):
                ent_tok[t] = e
        proposed = next((s for label, s, _ in doc._.kg_links or () if label == "proposes" and s.label_ in _SUBJECT_TYPES), None)
        text = doc_text(doc)
        if not _DIGIT.search(text):
            doc._.kg_findings = findings
            return doc
        lower = token_lower(doc)
        starts, texts = token_starts(doc), token_texts(doc)
        for a, b in sentence_bounds(doc):
            # the sentence's characters from the token offsets (a Span per sentence cost more)
            start_char, end_char = starts[a], starts[b - 1] + len(texts[b - 1])
            if not _DIGIT.search(text, start_char, end_char):
                continue
            findings.extend(self._sentence(doc, (a, b, start_char, end_char), ent_tok, proposed, lower))
        doc._.kg_findings = findings
        return doc

    def _sentence(self, doc: Doc, sent: tuple[int, int, int, int], ent_tok: dict[int, Span], proposed: Span | None,
                  lower: list[str]) -> list[dict]:
        """The findings of one sentence, ``sent``: its (start, end) tokens and (start, end) characters."""
        s0, s1, base, end_char = sent
        raw = []  # (value tok start, value tok end (incl. unit), match)
        for m in self._values(doc_text(doc)[base:end_char]):
            span = char_token_span(doc, base + m.start(), base + m.end())
            if span is None:
                continue
            v0, v1 = span  # the value's tokens
            if any(t in ent_tok for t in range(v0, v1)):
                continue
            unit = self.units.get((m.group("unit") or "").lower().strip(), "")
            if not m.group("unit"):
                # a bare number counts only right beside a Metric mention ("45.2 BLEU", "F1 of 0.87")
                nxt, prv = ent_tok.get(v1), None
                for k in (1, 2):
                    if v0 - k >= s0 and ent_tok.get(v0 - k) is not None:
                        prv = ent_tok[v0 - k]
                        if not all(lower[x] in ("of", "=", ":", "score", "is", "(") for x in range(prv.end, v0)):
                            prv = None
                        break
                metric_near = (nxt is not None and nxt.label_ == "Metric") or (prv is not None and prv.label_ == "Metric")
                if not metric_near or _YEAR.match(m.group("val")):
                    continue
            if unit == "x" and m.group("unit").lower() in ("x", "×") and v1 < s1 and (lower[v1] in ("-", "/") or doc[v1].like_num or lower[v1] in ("k", "n", "d")):
                continue  # "8x-" / "2x/" / "512 × 512" / "1 × 10": a compound or a dimension, not a factor
            raw.append((v0, v1, m, unit))

        out: list[dict] = []
        prev_end = s0
        # the sentence's mentions, once: each value would otherwise rescan the sentence's tokens
        sent_all: list[Span] = []
        if raw:
            seen: set[int] = set()
            for t in range(s0, s1):
                e = ent_tok.get(t)
                if e is not None and e.start not in seen:
                    seen.add(e.start)
                    sent_all.append(e)
        for n, (vs, ve, m, unit) in enumerate(raw):
            # clause limits: the previous value or a boundary word on the left, the next value or a boundary on the right
            left = prev_end
            for j in range(vs - 1, prev_end - 1, -1):
                if self._boundary(lower, j):
                    left = j + 1
                    break
            right = raw[n + 1][0] if n + 1 < len(raw) else s1
            for j in range(ve, right):
                if self._boundary(lower, j):
                    right = j
                    break
            qualifier, qstart = self._qualifier(lower, vs, left)
            val = float(m.group("val"))
            if m.group("lo") and not qualifier:
                qualifier = "range"
            if qualifier is None and "on average" in " ".join(lower[left:right]):
                qualifier = "on average"
            f = {
                "start": doc[qstart].idx, "end": doc[ve - 1].idx + len(doc[ve - 1]), "rule": "find.value",
                "direction": "", "value": val, "unit": unit, "metric": None, "metric_mention": None,
                "qualifier": qualifier, "baseline": None, "subject": None, "settings": [],
                "_vs": vs, "_ve": ve, "_left": left, "_right": right, "_qstart": qstart,
            }
            # "from A to B": B's finding takes A as baseline and A is no separate finding
            if qstart - 1 >= s0 and lower[qstart - 1] == "to" and out:
                p = out[-1]
                pq = p["_qstart"]
                if pq - 1 >= s0 and lower[pq - 1] == "from" and vs - p["_ve"] <= 14:
                    f["baseline"] = p["value"]
                    f["start"] = min(f["start"], doc[pq - 1].idx)
                    f["_left"] = p["_left"]
                    f["_qstart"] = pq  # verbs and the metric are read before "from"
                    left = p["_left"]
                    out.pop()
            self._direction(doc, lower, f, out)
            self._metric(doc, lower, f, ent_tok)
            taken = {e.start for g in out for e in g["settings"]}
            self._subject_settings(doc, lower, f, ent_tok, proposed, s0, taken, sent_all)
            out.append(f)
            prev_end = ve
        # coordinated values share the settings named after the last one ("73% and FLOPs by 74.4% in X")
        for a, b in zip(out, out[1:]):
            if not a["settings"] and b["settings"] and "and" in lower[a["_ve"] : b["_vs"]]:
                a["settings"] = list(b["settings"])
        for f in out:
            f["text"] = doc_text(doc)[f["start"] : f["end"]]
            for k in [k for k in f if k.startswith("_")]:
                del f[k]
        return out

    def _direction(self, doc: Doc, lower: list[str], f: dict, out: list[dict]) -> None:
        vs, ve, left = f["_vs"], f["_ve"], f["_left"]
        noun = self._noun_after(lower, ve, f["_right"])
        if noun:
            f["direction"], f["rule"], _, e = noun
            f["end"] = max(f["end"], doc[e - 1].idx + len(doc[e - 1]))
            f["_noun_end"] = e
            return
        for j in range(f["_qstart"] - 1, max(left, f["_qstart"] - 12) - 1, -1):
            d = self.verbs.get(lower[j])
            if d:
                f["direction"], f["rule"] = d
                f["start"] = min(f["start"], doc[j].idx)
                f["_verb"] = j
                return
        if out and out[-1]["_ve"] >= left - 1 and any(t in (",", "and") for t in lower[out[-1]["_ve"] : vs]):
            f["direction"], f["rule"] = out[-1]["direction"], out[-1]["rule"]
            return
        f["direction"] = "reaches"

    def _metric_like(self, doc: Doc, lower: list[str], a: int, b: int, ent_tok: dict[int, Span]) -> bool:
        """Whether tokens ``a:b`` name a measure: a Metric mention, a metric head word or an acronym."""
        for j in range(a, b):
            e = ent_tok.get(j)
            if (e is not None and e.label_ == "Metric") or lower[j] in self.metric_heads:
                return True
            t = doc[j].text
            if len(t) > 1 and t.isupper() and t.isalpha():
                return True
        return False

    def _head_before(self, lower: list[str], end: int, lo: int, ent_tok: dict[int, Span]) -> int | None:
        """Last token before ``end`` (not before ``lo``) that is a Metric mention or a metric head word."""
        for j in range(end - 1, max(lo, end - 15) - 1, -1):
            e = ent_tok.get(j)
            if (e is not None and e.label_ == "Metric") or lower[j] in self.metric_heads:
                return j
        return None

    def _metric(self, doc: Doc, lower: list[str], f: dict, ent_tok: dict[int, Span]) -> None:
        ve, qs = f["_ve"], f["_qstart"]
        after = f.get("_noun_end", ve)
        # a Metric mention right after the value, or right after its direction noun ("improvement in CHAIR_S")
        for j in (ve, ve + 1, after, after + 1):
            e = ent_tok.get(j)
            if e is not None and e.label_ == "Metric" and j < f["_right"]:
                if j == e.start and all(lower[x] in ("in", "on", "of", "a", "the", "-") for x in range(ve if j <= ve + 1 else after, j)):
                    return self._set_metric(doc, f, e, e.start, e.end)
        verb_end = f.get("_verb", -1) + 1
        # "<metric> by VALUE" / "<metric> of VALUE"
        if qs - 1 >= f["_left"] and lower[qs - 1] in ("by", "of", "=", ":", "is", "from"):
            e = ent_tok.get(qs - 2)
            if e is not None and e.label_ == "Metric":
                return self._set_metric(doc, f, e, e.start, e.end)
            lo = max(f["_left"], verb_end)
            ph = self._phrase(doc, lower, qs - 2, lo, -1, ent_tok)
            if ph and not self._metric_like(doc, lower, *ph, ent_tok):
                # "boosts performance across multiple tasks by 9%": the measure is the verb's object
                head = self._head_before(lower, ph[0], lo, ent_tok)
                if head is not None:
                    ph = self._phrase(doc, lower, head, lo, -1, ent_tok) or ph
            if ph:
                e = ent_tok.get(ph[1] - 1)
                return self._set_metric(doc, f, e if e is not None and e.label_ == "Metric" else None, *ph)
        # words right after the value ("54.2% accuracy", "27.3% FID reduction"); without a direction noun
        # closing them they must name a measure ("75-80% require only ..." has none)
        if f.get("_noun_end") is None or f["_noun_end"] > ve:
            ph = self._phrase(doc, lower, ve, f["_right"], 1, ent_tok)
            if ph and (f.get("_noun_end") is not None or self._metric_like(doc, lower, *ph, ent_tok)):
                e = ent_tok.get(ph[0])
                return self._set_metric(doc, f, e if e is not None and e.label_ == "Metric" else None, *ph)
        # after a direction noun: "improvement in X"
        if f.get("_noun_end") is not None and f["_noun_end"] < f["_right"] and lower[f["_noun_end"]] in ("in", "on", "of"):
            ph = self._phrase(doc, lower, f["_noun_end"] + 1, f["_right"], 1, ent_tok)
            if ph:
                return self._set_metric(doc, f, None, *ph)
        # last resort: the measure named earlier in the clause ("... enhances recognition accuracy,
        # increasing it from 14.92% to 84.43%")
        head = self._head_before(lower, qs, f["_left"], ent_tok)
        if head is not None:
            e = ent_tok.get(head)
            if e is not None and e.label_ == "Metric":
                return self._set_metric(doc, f, e, e.start, e.end)
            # only the head word: the words before it may belong to another phrase
            return self._set_metric(doc, f, None, head, head + 1)

    @staticmethod
    def _set_metric(doc: Doc, f: dict, mention: Span | None, a: int, b: int) -> None:
        f["metric"] = doc[a:b].text
        f["metric_mention"] = mention
        f["end"] = max(f["end"], doc[b - 1].idx + len(doc[b - 1]))
        f["start"] = min(f["start"], doc[a].idx)

    def _subject_settings(
        self, doc: Doc, lower: list[str], f: dict, ent_tok: dict[int, Span], proposed: Span | None, s0: int, taken: set[int],
        sent_all: list[Span],
    ) -> None:
        """Subject and settings of finding ``f``; ``taken`` holds mentions earlier values' settings claimed,
        ``sent_all`` the sentence's mentions in order (each value reads those before its clause's end)."""
        vs = f["_vs"]
        right = f["_right"]
        sent_ents = [e for e in sent_all if max(e.start, s0) < right]
        subject = None
        for e in reversed([e for e in sent_ents if e.end <= vs]):
            prev = lower[e.start - 1] if e.start - 1 >= s0 else ""
            # "than X", "on X", "outperforms X": a comparison target or a setting, not the subject
            if (
                e.label_ in _SUBJECT_TYPES and e.start not in taken and prev not in _SETTING_PREPS
                and self.verbs.get(prev, ("",))[0] != "outperforms" and _named(e)
            ):
                subject = e
                break
        if subject is None and proposed is not None and _named(proposed):
            subject = proposed
        f["subject"] = subject
        mm = f["metric_mention"]
        settings = []
        for e in sent_ents:
            if e.label_ not in _SETTING_TYPES or e is subject or (subject is not None and e.start == subject.start):
                continue
            if mm is not None and e.start == mm.start:
                continue
            if e.start >= f["_ve"] or (e.start >= f["_left"] and e.start not in taken and e.start - 1 >= s0 and lower[e.start - 1] in ("on", "in", "across", "for")):
                settings.append(e)
        f["settings"] = settings


@Language.factory("kg_findings", assigns=["doc._.kg_findings"], requires=["doc.ents", "doc.sents"])
def make_findings(nlp: Language, name: str) -> FindingExtractor:
    """spaCy factory for :class:`FindingExtractor` (rules/findings.jsonl and findings_settings.json, read by ``initialize``)."""
    return FindingExtractor(nlp, name)
