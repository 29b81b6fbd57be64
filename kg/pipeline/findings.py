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
  inherits its direction; a sign ("+2.1", "−0.35") when nothing else says;
  ``reaches`` when nothing says otherwise;
* **metric**: a Metric mention next to the value, else the words before "by"
  ("reduces inference latency by"), else the words right after the value,
  else the measure of "V% of its accuracy"; the phrase must end in a measure
  word. A phrase ending in a measure word that no Metric mention covers
  ("inference latency", "memory usage") becomes a Metric mention itself (rule
  ``find.metric_heads``; added to ``doc.ents``), so the finding links to a
  Metric node; vague measures ("performance") stay text;
* **subject**: the nearest Method / Model / Architecture mention before the
  value that is not a comparison target ("than X") or a setting ("on X"), else
  what the paper proposes, unless the clause names someone else
  ("existing methods reach ...") and not the paper's own ("our", "we");
* **compared_to**: the Method / Model the value is measured against ("outperforms
  X by 5%", "5% higher than X", "compared to X, ...");
* **settings**: the other mentions of the value's clause after it, and those
  before it introduced by "on" / "in" / "for" ("on RAG benchmarks").

A number is no finding when it is a setting, not a result: a share of a
population ("10% of the labels", "20% of participants"), a value after a
setting cue ("top 5%", "randomly mask 15%", "with 10% labels"), a hyper-parameter
("a masking ratio of 75%"), a count read as a unit ("1000 points", "8 times");
nor when it has neither a metric nor a subject with a direction ("reaches 9%").
A fact that is wrong costs more than one that is missing.

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
from .doctokens import char_token_span, sentence_bounds, token_lower, token_spaces, token_starts, token_texts
from .rules import RuleComponent

__all__ = ["FindingExtractor", "make_findings", "METRIC_RULE", "SUBJECT_RULE"]

#: what a finding can be about, and where it can hold (kg.schema's ``subject`` / ``setting`` roles)
_SUBJECT_TYPES = frozenset(types_with_role("subject"))
_SETTING_TYPES = frozenset(types_with_role("setting"))
_NUM = r"\d+(?:\.\d+)?"
#: words before a mention that make it a setting or a comparison target, not a subject
_SETTING_PREPS = frozenset({"on", "in", "for", "across", "over", "with", "to", "than", "against", "vs", "vs.", "versus", "like", "as",
                            "using", "via", "from", "into", "onto", "unlike"})
#: words before "to" that make what follows a comparison target ("equivalent to X (81%)")
_LIKENESS = frozenset({"equivalent", "comparable", "similar", "close", "identical", "equal", "superior", "inferior"})
#: signs between a measure and its value inside parentheses ("(ALO-ASR < 20%)"): the parentheses state a level
_LEVEL_SIGNS = frozenset({"<", ">", "=", ":", "of", "≤", "≥", "<=", ">=", "~", "at", "is"})
_YEAR = re.compile(r"^(?:19|20)\d\d$")
#: a parameter count ("13B", "7b", "350M") names a model size, not a model
_SIZE = re.compile(r"^\d+(?:\.\d+)?\s*[bmkt]$", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
#: the rule id of a Metric mention this component makes of a measure phrase no entity covers
METRIC_RULE = "find.metric_heads"
#: the rule id of a Method mention this component makes of a name no entity covers in a value's subject phrase
SUBJECT_RULE = "find.subject_name"
#: a name's shape: a capital after its first character ("PUDD", "LoG", "ColmmBERT"), not a plural acronym ("LLMs")
_NAME_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+]{0,40}$")
_INNER_CAP = re.compile(r"^.[^A-Z]{0,40}[A-Z]")
_PLURAL_ACRONYM = re.compile(r"^[A-Z]{2,12}s$")
#: words skipped between "V% of" and the phrase it is a share of ("95% of its original accuracy")
_DETERMINERS = frozenset({"the", "a", "an", "all", "its", "their", "our", "his", "her", "this", "these", "those", "each"})
#: words after a preposition that let it reach past up to two modifiers to a name ("on the lightweight X", "to various X")
_QUANTIFIERS = _DETERMINERS | {"various", "several", "multiple", "different", "both", "some", "most", "many", "other", "two", "three"}
#: punctuation that ends the phrase a value is said of
_NP_PUNCT = frozenset({",", ";", ":", ".", "!", "?", "—", "–"})
#: words before a measure that make its value a threshold ("at an IoU of 0.5", "precision at 90% recall")
_THRESHOLD = frozenset({"at", "under", "@"})
#: comparatives that carry their own measure ("15x faster" is speed, "4x smaller" size)
_SELF_MEASURING = frozenset({"faster", "slower", "smaller", "larger", "bigger", "cheaper", "shorter", "longer", "lighter"})
#: words that start a predicate of their own: a value after one does not share the previous value's direction
_PREDICATES = frozenset({"is", "are", "was", "were", "remains", "remained", "stays", "becomes", "became"})
#: words that start a clause with a subject of its own
_SUBJECT_BREAKS = frozenset({";", ":", "while", "whereas", "but", "although", "though", "where", "whilst"})
#: words before a Method / Model after the value that make it a setting ("90% accuracy with ResNet-50")
_SETTING_BEFORE = frozenset({"on", "in", "for", "with", "using", "across", "of", "under", "at"})
#: words that end the noun phrase after "V% of"
_NP_END = frozenset({",", ";", ".", ":", "(", ")", "on", "in", "for", "with", "at", "than", "compared", "while", "and", "or",
                     "when", "by", "across", "over", "under", "to", "from", "that", "which", "who", "is", "are", "was", "were"})


def _head_word(token: str) -> str:
    """The word a measure token is read by: "recall@5" is a recall, "hits@10" a hits."""
    return token.partition("@")[0] if "@" in token else token


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

        def words(key: str) -> frozenset[str]:
            return frozenset(t.lower() for t in settings.get(key, ()))

        self.metric_rule = METRIC_RULE
        self.qualifiers: dict[tuple[str, ...], str] = {toks(k): v for k, v in settings.get("qualifiers", {}).items()}
        self.boundaries: list[tuple[str, ...]] = [toks(t) for t in settings.get("boundaries", ())]
        self.compare: set[tuple[str, ...]] = {toks(t) for t in settings.get("compare", ())}
        self.stop = words("stop")
        # a measure on its own ("latency"), only after a modifier ("error rate"), or too vague for a Metric node
        self.metric_heads = words("metric_heads")
        self.compound_heads = words("compound_heads")
        self.vague_heads = words("vague_heads")
        self.all_heads = self.metric_heads | self.compound_heads | self.vague_heads
        self.setting_words = words("setting_words")
        self.resource_heads = words("resource_heads")
        self.setting_cues = words("setting_cues")
        self.weak_cues = words("weak_setting_cues")
        self.own = words("own")
        self.result_before_at = words("result_before_at")
        self.others = words("other_subjects")
        self.np_stops = words("np_stops")
        self.subject_heads = words("subject_heads")
        self._max_compare = max((len(c) for c in self.compare), default=1)
        self.units = units
        # units spelled "points" also count things ("2000 points"): only small values are score points
        self._point_units = frozenset(k for k, v in units.items() if v == "pp" and "point" in k)
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
            if t in self.stop or (t in self.verbs and t not in self.all_heads) or not any(c.isalpha() for c in t) or doc[j].like_num:
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
        links = [s for label, s, _ in doc._.kg_links or () if label == "proposes"]
        subject = next((s for s in links if s.label_ in _SUBJECT_TYPES), None)
        # what the paper proposes that cannot be a subject (a dataset, a mistyped name): a clause about it is no
        # clause about the proposed method ("models trained on AICC reach ...")
        proposed = (subject, frozenset(s.text.lower() for s in links if s.label_ not in _SUBJECT_TYPES))
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
        self._add_metric_mentions(doc, findings, ent_tok, ents)
        doc._.kg_findings = findings
        return doc

    def _add_metric_mentions(self, doc: Doc, findings: list[dict], ent_tok: dict[int, Span], ents: list[Span]) -> None:
        """Make each finding's measure phrase that no mention covers a Metric mention in ``doc.ents``, and add
        the names this component found as subjects (``_bare_name``) of the findings kept.

        "reduces inference latency by 40%" then links to a Metric node even where no lexicon
        lists "inference latency"; only phrases ending in a measure word get here (``_metric``).
        """
        made: dict[tuple[int, int], Span] = {
            (f["subject"].start, f["subject"].end): f["subject"] for f in findings
            if f["subject"] is not None and f["subject"].id_ == SUBJECT_RULE
        }
        for f in findings:
            where = f.pop("_new_metric", None)
            if where is None or f["metric_mention"] is not None:
                continue
            span = made.get(where)
            if span is None:
                if any(t in ent_tok for t in range(*where)):
                    continue  # an earlier finding's new mention, or a mention of another type, holds a token
                span = Span(doc, where[0], where[1], label="Metric", span_id=self.metric_rule)
                made[where] = span
                for t in range(*where):
                    ent_tok[t] = span
            f["metric_mention"] = span
        if made:
            doc.ents = sorted([*ents, *made.values()], key=lambda e: e.start)

    def _sentence(self, doc: Doc, sent: tuple[int, int, int, int], ent_tok: dict[int, Span],
                  proposed: tuple[Span | None, frozenset[str]], lower: list[str]) -> list[dict]:
        """The findings of one sentence, ``sent``: its (start, end) tokens and (start, end) characters;
        ``proposed``: the Method / Model the paper proposes (or None) and the lower-case texts of what else it proposes."""
        s0, s1, base, end_char = sent
        text = doc_text(doc)
        starts, texts = token_starts(doc), token_texts(doc)
        raw = []  # (value tok start, value tok end (incl. unit), match, unit, sign)
        for m in self._values(text[base:end_char]):
            span = char_token_span(doc, base + m.start(), base + m.end())
            if span is None:
                continue
            v0, v1 = span  # the value's tokens
            if any(t in ent_tok for t in range(v0, v1)):
                continue
            unit = self.units.get((m.group("unit") or "").lower().strip(), "")
            if not m.group("unit"):
                # a bare number counts only right beside a Metric mention ("45.2 BLEU", "F1 of 0.87"), or a
                # fraction right before a measure word ("0.81 ROC AUC"); never part of a word ("1.5B parameters")
                signed = starts[v0] == base + m.start() - 1 and text[starts[v0]] in "+-−"
                if (starts[v0] != base + m.start() and not signed) or starts[v1 - 1] + len(texts[v1 - 1]) != base + m.end():
                    continue
                nxt, prv = ent_tok.get(v1), None
                for k in (1, 2):
                    if v0 - k >= s0 and ent_tok.get(v0 - k) is not None:
                        prv = ent_tok[v0 - k]
                        if not all(lower[x] in ("of", "=", ":", "score", "is", "(") for x in range(prv.end, v0)):
                            prv = None
                        break
                metric_near = (nxt is not None and nxt.label_ == "Metric") or (prv is not None and prv.label_ == "Metric")
                if not metric_near and "." in m.group("val") and nxt is None:
                    metric_near = any(
                        _head_word(lower[k]) in self.metric_heads and all(lower[x].isalpha() and lower[x] not in self.stop and x not in ent_tok for x in range(v1, k))
                        for k in range(v1, min(v1 + 2, s1))
                    )
                if not metric_near or _YEAR.match(m.group("val")):
                    continue
            if unit == "x" and m.group("unit").lower() in ("x", "×") and v1 < s1 and (lower[v1] in ("-", "/") or doc[v1].like_num or lower[v1] in ("k", "n", "d")):
                continue  # "8x-" / "2x/" / "512 × 512" / "1 × 10": a compound or a dimension, not a factor
            if m.group("unit") and m.group("unit").lower().strip() in self._point_units and float(m.group("val")) > 100:
                continue  # "2000 points": a count, not score points
            # "+2.1%" / "−0.35 BLEU": a sign written before the value, not a range dash ("0.5-0.7")
            at = base + m.start()
            sign = ""
            if at > 0 and text[at - 1] in "+-−" and (at == 1 or text[at - 2] in " \t\n(["):
                sign = "+" if text[at - 1] == "+" else "-"
            raw.append((v0, v1, m, unit, sign))

        out: list[dict] = []
        prev_end = s0
        # the sentence's mentions, once: each value would otherwise rescan the sentence's tokens; and the
        # roles their context gives them (comparison target, a verb's object), read once per mention
        sent_all: list[Span] = []
        roles: dict[int, tuple[tuple[str, ...] | None, bool]] = {}
        if raw:
            seen: set[int] = set()
            for t in range(s0, s1):
                e = ent_tok.get(t)
                if e is not None and e.start not in seen:
                    seen.add(e.start)
                    sent_all.append(e)
        for n, (vs, ve, m, unit, sign) in enumerate(raw):
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
                "qualifier": qualifier, "baseline": None, "subject": None, "compared_to": None, "settings": [],
                "_vs": vs, "_ve": ve, "_left": left, "_right": right, "_qstart": qstart, "_sign": sign,
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
            if self._baseline_value(lower, f, out, s0, sent_all, ent_tok):
                prev_end = ve
                continue
            self._direction(doc, lower, f, out, ent_tok)
            self._metric(doc, lower, f, ent_tok)
            self._setting_value(lower, f, s0, ent_tok)
            taken = {e.start for g in out for e in g["settings"]}
            self._subject_settings(doc, lower, f, ent_tok, proposed, s0, taken, sent_all, roles, out[-1] if out else None)
            out.append(f)
            prev_end = ve
        # coordinated values share the settings named after the last one ("73% and FLOPs by 74.4% in X"),
        # and a value with no measure of its own takes the previous one's ("an error reduction of 22% on
        # all arguments and 32% on core arguments"), when only settings stand between them
        for a, b in zip(out, out[1:]):
            between = lower[a["_ve"] : b["_vs"]]
            if any(self._boundary(lower, j) for j in range(a["_ve"], b["_vs"])):
                continue  # "...; in X, accuracy rose from 0.52 to 0.79": another clause
            if not a["settings"] and b["settings"] and "and" in between:
                a["settings"] = list(b["settings"])
            if (
                b["metric"] is None and a["metric"] and not b.get("_drop") and not a.get("_drop")
                and ("and" in between or "," in between) and b["direction"] == a["direction"]
                and not any(t in self.verbs or t in self.all_heads for t in between)
                and lower[b["_qstart"] - 1] not in ("by", "of", "=", ":", "is", "to")  # "X by 16%": a measure of its own
            ):
                b["metric"], b["metric_mention"] = a["metric"], a["metric_mention"]
                if "_new_metric" in a:
                    b["_new_metric"] = a["_new_metric"]
        kept = []
        for f in out:
            if f.get("_drop") or not (f["metric"] or (f["subject"] is not None and self._change_of_its_own(lower, f))):
                continue  # a setting, or a number that says nothing a reader can use ("reaches 9%")
            f["text"] = text[f["start"] : f["end"]]
            for k in [k for k in f if k.startswith("_") and k != "_new_metric"]:
                del f[k]
            kept.append(f)
        return kept

    def _cue_before(self, lower: list[str], i: int, s0: int) -> bool:
        """Whether a comparison phrase ("compared to", "than") ends right before token ``i`` ("over" aside:
        "over 90%" is a qualifier)."""
        return any(i - n >= s0 and tuple(lower[i - n : i]) in self.compare and tuple(lower[i - n : i]) != ("over",)
                   for n in range(self._max_compare, 0, -1))

    def _change_of_its_own(self, lower: list[str], f: dict) -> bool:
        """Whether ``f``'s value is a change said right at it ("a 24x speedup", "outperforms X by 11%", "+2.1", "from A to B"):
        without a measure, a finding needs one. A comparative a clause away ("a higher share of features, for X,
        21.1% scored ...") says nothing of that value."""
        if f["direction"] == "reaches":
            return False
        q = f["_qstart"]
        # "from 27.6% to 35.4%" names its change too, and "by 0.4 points (EM) and 0.6 points" shares it
        return (f.get("_noun_end") is not None or bool(f["_sign"]) or f["baseline"] is not None or bool(f.get("_inherited"))
                or (q - 1 >= 0 and lower[q - 1] == "by"))

    def _baseline_value(self, lower: list[str], f: dict, out: list[dict], s0: int, sent_all: list[Span],
                        ent_tok: dict[int, Span]) -> bool:
        """Whether ``f`` is a comparison target's value, not a result: after a comparison cue ("98% accuracy,
        compared to 60% for X", "compared to X's 63.6%") or in parentheses after a comparison target ("compared to
        prior defenses (ASR > 50%)", "equivalent to ones using X (81%-91%)"). Then the previous finding takes the
        value as its ``baseline`` and X as what it is compared to, and ``f`` is no finding."""
        q = f["_qstart"]
        target = None
        if not self._cue_before(lower, q, s0):
            e = ent_tok.get(q - 2) if q - 2 >= s0 and lower[q - 1] in ("'s", "’s") else None
            if e is not None and e.end == q - 1 and e.label_ in _SUBJECT_TYPES and self._cue_before(lower, e.start, s0):
                target = e  # "compared to Trafilatura's 63.6%"
            elif e is None and q - 2 >= s0 and lower[q - 1] in ("'s", "’s") and self._cue_before(lower, q - 2, s0):
                pass  # the same, with a name no mention covers
            else:
                where = self._paren_target(lower, q, s0)
                if where is None:
                    return False
                target = next((e for e in sent_all if where[0] <= e.start < where[1] and e.label_ in _SUBJECT_TYPES), None)
        if out and not out[-1].get("_drop"):
            prev = out[-1]
            if prev["baseline"] is None:
                prev["baseline"] = f["value"]
            if prev["compared_to"] is None:
                # "... for X", "... of X": the method the baseline value belongs to
                prev["compared_to"] = target or next((e for e in sent_all if f["_ve"] <= e.start <= f["_ve"] + 2
                                                      and e.start < f["_right"] and e.label_ in _SUBJECT_TYPES), None)
        return True

    def _paren_target(self, lower: list[str], q: int, s0: int) -> tuple[int, int] | None:
        """The words between a comparison cue and the parentheses that hold the value at token ``q`` ("compared
        to prior defenses (ASR > 50%)", "equivalent to ones using X (81%-91%)"), as (start, end) tokens; None
        when the value is in no parentheses or they follow no comparison."""
        p = q - 1
        while p >= s0 and q - p <= 4 and lower[p] != "(":
            if lower[p] in (")", ",", ";", ":") or _DIGIT.search(lower[p]):
                return None
            p -= 1
        if p < s0 or lower[p] != "(":
            return None
        for k in range(p - 1, max(s0, p - 7) - 1, -1):
            t = lower[k]
            if self._cue_before(lower, k + 1, s0) or (t == "to" and k - 1 >= s0 and lower[k - 1] in _LIKENESS):
                return k + 1, p
            d = self.verbs.get(t)
            if d is not None and t not in self.all_heads:
                # "outperforming prior defenses (50%)": the rival's value; another verb's object is a result
                return (k + 1, p) if d[0] == "outperforms" else None
            if not (t == "-" or t in ("'s", "’s") or any(c.isalnum() for c in t)):
                return None
        return None

    def _direction(self, doc: Doc, lower: list[str], f: dict, out: list[dict], ent_tok: dict[int, Span]) -> None:
        """Set ``f``'s direction and rule: a direction noun after the value, else the nearest verb before it, else a
        sign, else the previous coordinated value's direction, else ``reaches``."""
        vs, ve, left = f["_vs"], f["_ve"], f["_left"]
        noun = self._noun_after(lower, ve, f["_right"])
        if noun:
            f["direction"], f["rule"], f["_noun_start"], e = noun
            f["end"] = max(f["end"], doc[e - 1].idx + len(doc[e - 1]))
            f["_noun_end"] = e
            return
        for j in range(f["_qstart"] - 1, max(left, f["_qstart"] - 15) - 1, -1):
            d = self.verbs.get(lower[j])
            if d and d[0] == "outperforms" and j == f["_qstart"] - 1:
                # "exceeding 90%": a level passed, not a rival beaten
                f["qualifier"] = f["qualifier"] or "more than"
                d = ("reaches", d[1])
            if d and lower[j] not in self.all_heads:  # "the mean Dice score by 4%": a noun, not the verb "score"
                f["direction"], f["rule"] = d
                f["start"] = min(f["start"], doc[j].idx)
                f["_verb"] = j
                if out and out[-1]["_ve"] <= j < out[-1].get("_noun_end", -1):
                    f["_inherited"] = True  # "a 30% absolute improvement, and 11% on average": the previous value's noun
                if d[0] == "reaches" and f["_sign"]:
                    break  # "achieves −0.35 BLEU": the sign says more than the verb
                if d[0] != "reaches" and not f["_sign"] and (self._level_after_to(lower, j, f) or self._paren_level(lower, j, f, ent_tok)):
                    # "improves X to 97.5%", "better robustness (ASR < 20%)": the level reached, not the change
                    f["direction"] = "reaches"
                return
        if f["_sign"]:
            f["direction"] = "improves" if f["_sign"] == "+" else "reduces"
            return
        between = lower[out[-1]["_ve"] : vs] if out else []
        if (
            out and not out[-1].get("_drop") and out[-1]["_ve"] >= left - 1 and any(t in (",", "and") for t in between)
            and not any(t in _PREDICATES for t in between)  # "..., the accuracy is maintained at 93%": a new predicate
        ):
            f["direction"], f["rule"] = out[-1]["direction"], out[-1]["rule"]
            f["_inherited"] = True  # "... by 73% and FLOPs by 74.4%": said of what the previous value is said of
            return
        f["direction"] = "reaches"

    def _level_after_to(self, lower: list[str], verb: int, f: dict) -> bool:
        """Whether the value follows "to" after the change verb at ``verb`` ("raises accuracy to an unprecedented
        97.5%", "cuts the error to 5%"): the level reached. Not "from A to B" (a baseline) nor "5% to 10%" (a range)."""
        if f["baseline"] is not None:
            return False
        k = f["_qstart"] - 1
        while k > verb and f["_qstart"] - k <= 3 and lower[k] != "to" and lower[k].isalpha() and lower[k] not in self.verbs:
            k -= 1
        return k > verb and lower[k] == "to" and not (k - 1 >= 0 and (lower[k - 1] in ("%", "x", "×") or _DIGIT.search(lower[k - 1])))

    def _paren_level(self, lower: list[str], verb: int, f: dict, ent_tok: dict[int, Span]) -> bool:
        """Whether the value sits in parentheses opened after the verb at ``verb`` that name a measure before it
        ("better robustness (ALO-ASR < 20%)", "(accuracy: 91%)"): they state the level, not the change."""
        q = f["_qstart"]
        p, measure = q - 1, False
        while p > verb and q - p <= 5 and lower[p] != "(":
            e = ent_tok.get(p)
            if lower[p] in self.all_heads or (e is not None and e.label_ == "Metric"):
                measure = True
            elif lower[p] not in _LEVEL_SIGNS and lower[p] != "-":
                return False
            p -= 1
        return measure and p > verb and lower[p] == "("

    def _setting_value(self, lower: list[str], f: dict, s0: int, ent_tok: dict[int, Span]) -> None:
        """Mark ``f`` dropped when the word before it makes the value a setting ("top 5%", "with 10% labels",
        "precision at 90% recall")."""
        q = f["_qstart"]
        prev = lower[q - 1] if q - 1 >= s0 else ""
        if prev in self.setting_cues:
            f["_drop"] = "setting cue"
        elif prev in self.weak_cues and not (f["metric"] and f.get("_metric_after")):
            if not (prev in _THRESHOLD and q - 2 >= s0 and lower[q - 2] in self.result_before_at):
                f["_drop"] = "setting cue"
        elif prev in _THRESHOLD and q - 2 >= s0 and self._is_head(lower, q - 2, ent_tok):
            f["_drop"] = "threshold"

    def _is_head(self, lower: list[str], j: int, ent_tok: dict[int, Span]) -> bool:
        """Whether token ``j`` ends a measure: inside a Metric mention, or a measure word."""
        e = ent_tok.get(j)
        if e is not None and e.label_ == "Metric":
            return True
        return _head_word(lower[j]) in self.all_heads

    def _head_before(self, lower: list[str], end: int, lo: int, ent_tok: dict[int, Span]) -> int | None:
        """Last token before ``end`` (not before ``lo``) that is a Metric mention or a measure word."""
        for j in range(end - 1, max(lo, end - 20) - 1, -1):
            e = ent_tok.get(j)
            if (e is not None and e.label_ == "Metric") or _head_word(lower[j]) in self.metric_heads or lower[j] in self.vague_heads:
                if e is None and j - 1 >= lo and _DIGIT.search(lower[j - 1]):
                    continue  # "(7-8B parameters)": a count of the thing, not the measure
                return j
        return None

    def _metric(self, doc: Doc, lower: list[str], f: dict, ent_tok: dict[int, Span]) -> None:
        """Find ``f``'s measure; mark ``f`` dropped when the value measures a setting or a thing, not a result."""
        ve, qs, right = f["_ve"], f["_qstart"], f["_right"]
        after = f.get("_noun_end", ve)
        # a Metric mention right after the value, or right after its direction noun ("improvement in CHAIR_S")
        for j in (ve, ve + 1, after, after + 1):
            e = ent_tok.get(j)
            if e is not None and e.label_ == "Metric" and j < right:
                # "0.6 points (F1)": the measure in parentheses right after the value
                if j == e.start and all(lower[x] in ("in", "on", "of", "a", "the", "-", "relative", "absolute", "(")
                                        for x in range(ve if j <= ve + 1 else after, j)):
                    f["_metric_after"] = True
                    return self._set_metric(doc, lower, f, e, e.start, e.end, ent_tok)
        # "a 24x speedup": a direction noun that is a measure word itself (written "speed-up" too)
        ns = f.get("_noun_start")
        if ns is not None and "".join(lower[ns:after]).replace("-", "") in self.metric_heads:
            f["_metric_after"] = True
            f["metric"], f["metric_mention"], f["_new_metric"] = doc[ns:after].text, None, (ns, after)
            return None
        # "V% of NP": a share of a measure ("95% of its accuracy"), else of a population ("10% of the labels")
        if f.get("_noun_end") is None and ve < right and lower[ve] == "of":
            return self._share_of(doc, lower, f, ent_tok)
        verb_end = f.get("_verb", -1) + 1
        # "15x faster", "4x smaller" carry their measure (speed, size): what comes before "is" is the thing
        # measured, not the measure ("shared memory is 15x faster")
        self_measuring = f.get("_noun_end") is not None and lower[f["_noun_end"] - 1] in _SELF_MEASURING
        # "<metric> by VALUE" / "<metric> of VALUE"
        if qs - 1 >= f["_left"] and lower[qs - 1] in ("by", "of", "=", ":", "is", "from", "to") and not (
            self_measuring and lower[qs - 1] in ("is", ":", "=")
        ):
            e = ent_tok.get(qs - 2)
            if e is not None and e.label_ == "Metric":
                if lower[qs - 1] != "by" and self._threshold(lower, e.start, f["_left"]):
                    f["_drop"] = "threshold"  # "at an IoU of 0.5": a setting of the evaluation
                    return None
                return self._set_metric(doc, lower, f, e, e.start, e.end, ent_tok)
            lo = max(f["_left"], verb_end)
            ph = self._phrase(doc, lower, qs - 2, lo, -1, ent_tok)
            if ph and any(lower[k] in self.setting_words for k in range(*ph)):
                f["_drop"] = "hyper-parameter"  # "increase the compression ratio to 40x": a setting raised
                return None
            if ph and not self._is_head(lower, ph[1] - 1, ent_tok):
                if lower[qs - 1] in ("of", "=", ":", "is"):
                    # "a sparsity of 50%", "a learning rate of 0.1": the value of something that is no result
                    f["_drop"] = "value of a non-measure"
                    return None
                # "boosts performance across multiple tasks by 9%": the measure is the verb's object
                head = self._head_before(lower, ph[0], lo, ent_tok)
                ph = self._phrase(doc, lower, head, lo, -1, ent_tok) if head is not None else None
            if ph and lower[qs - 1] != "by" and self._threshold(lower, ph[0], f["_left"]):
                f["_drop"] = "threshold"
                return None
            if ph and self._set_metric(doc, lower, f, None, *ph, ent_tok):
                return None
        # words right after the value ("54.2% accuracy", "27.3% FID reduction"); without a direction noun
        # closing them they must name a measure ("10% labels", "50% sparsity" are settings)
        if f.get("_noun_end") is None and ve + 1 < right and lower[ve] == "in":
            # "+8% in (AlpacaEval) win-rate": the measure after "in", past a dataset's name
            e = ent_tok.get(ve + 1)
            at = e.end if e is not None and e.label_ != "Metric" else ve + 1
            e = ent_tok.get(at)
            if e is not None and e.label_ == "Metric" and e.start == at:
                f["_metric_after"] = True
                return self._set_metric(doc, lower, f, e, e.start, e.end, ent_tok)
            ph = self._phrase(doc, lower, at, right, 1, ent_tok) if at < right else None
            if ph and self._set_metric(doc, lower, f, None, *ph, ent_tok):
                f["_metric_after"] = True
                return None
        if f.get("_noun_end") is None or f["_noun_end"] > ve:
            ph = self._phrase(doc, lower, ve, right, 1, ent_tok)
            if ph:
                if f.get("_noun_end") is not None:
                    ph = (ph[0], min(ph[1], f["_noun_end"] - 1)) if ph[1] > f["_noun_end"] - 1 else ph
                if ph[0] < ph[1] and self._set_metric(doc, lower, f, None, *ph, ent_tok):
                    f["_metric_after"] = True
                    return None
                if f.get("_noun_end") is None and not doc[ve].is_punct:
                    f["_drop"] = "quantity of a thing"
                    return None
        # after a direction noun: "improvement in X", "2.5x higher human-normalized score"
        if f.get("_noun_end") is not None and f["_noun_end"] < right:
            at = f["_noun_end"] + (lower[f["_noun_end"]] in ("in", "on", "of"))
            ph = self._phrase(doc, lower, at, right, 1, ent_tok) if at < right else None
            if ph and self._set_metric(doc, lower, f, None, *ph, ent_tok, after_noun=True):
                f["_metric_after"] = True
                return None
        # last resort: the measure named earlier in the clause ("... enhances recognition accuracy,
        # increasing it from 14.92% to 84.43%"); not after "15x faster", "4x smaller": those name their measure
        # (speed, size), and the noun before is what is fast or small ("shared memory is 15x faster")
        if self_measuring:
            return None
        head = self._head_before(lower, qs, f["_left"], ent_tok)
        if head is not None:
            # only the head word (or its mention): the words before it may belong to another phrase
            e = ent_tok.get(head)
            if e is not None and e.label_ == "Metric":
                return self._set_metric(doc, lower, f, e, e.start, e.end, ent_tok)
            return self._set_metric(doc, lower, f, None, head, head + 1, ent_tok)

    def _threshold(self, lower: list[str], a: int, lo: int) -> bool:
        """Whether the measure starting at token ``a`` follows "at" / "under" ("at (a standard) IoU of 0.5"):
        then its value is a threshold the evaluation was run at, not a result."""
        j = a - 1
        while j >= lo and j >= a - 3 and lower[j].isalpha() and lower[j] not in _THRESHOLD and lower[j] not in self.verbs:
            j -= 1
        return j >= lo and lower[j] in _THRESHOLD

    def _share_of(self, doc: Doc, lower: list[str], f: dict, ent_tok: dict[int, Span]) -> None:
        """"V% of NP": the NP's measure as ``f``'s metric, else mark ``f`` dropped (a share of a population)."""
        j, end, right = f["_ve"] + 1, f["_ve"] + 1, f["_right"]
        while j < right and lower[j] in _DETERMINERS:
            j += 1
        end = j
        while end < min(right, j + 8) and lower[end] not in _NP_END and lower[end] not in self.verbs:
            end += 1
        head = end - 1
        if head < j or not self._is_head(lower, head, ent_tok) or lower[head] in self.compound_heads and head == j:
            f["_drop"] = "share of a population"
            return None
        if lower[head] in self.resource_heads and f["direction"] != "reduces":
            f["_drop"] = "share of a resource"  # "with 10% of the parameters": a setting
            return None
        ph = self._phrase(doc, lower, head, j, -1, ent_tok)
        if ph is None or not self._set_metric(doc, lower, f, None, *ph, ent_tok):
            f["_drop"] = "share of a population"
        return None

    def _set_metric(self, doc: Doc, lower: list[str], f: dict, mention: Span | None, a: int, b: int,
                    ent_tok: dict[int, Span], after_noun: bool = False) -> bool:
        """Make tokens ``a:b`` ``f``'s metric when they end in a measure; False (nothing set) when not.

        A Metric mention inside the phrase is its mention; a phrase ending in a measure word that no
        mention covers is marked for a new Metric mention (``_add_metric_mentions``). A phrase that
        names a hyper-parameter ("masking ratio", "batch size") marks ``f`` dropped.
        """
        spaces = token_spaces(doc)
        if a > 0 and not spaces[a - 1] and (lower[a - 1] == "-" or lower[a - 1][-1:].isalnum()):
            # a phrase cut inside a hyphenated compound ("state-of-the-|art accuracy") starts after it
            k = a + 1
            while k < b and not spaces[k - 1]:
                k += 1
            if k >= b:
                return False
            a = k
        if mention is None:
            for j in range(b - 1, a - 1, -1):
                e = ent_tok.get(j)
                if e is not None and e.label_ == "Metric":
                    mention = e
                    break
        last = _head_word(lower[b - 1])
        if mention is None and not (
            last in self.metric_heads or last in self.vague_heads or (last in self.compound_heads and (b - a > 1 or after_noun))
        ):
            return False  # "rate" or "time" alone names no measure ("error rate", "inference time", "21% less time" do)
        if any(lower[j] in self.setting_words for j in range(a, b)):
            f["_drop"] = "hyper-parameter"
            return True
        f["metric"] = doc[a:b].text
        f["metric_mention"] = mention
        f["end"] = max(f["end"], doc[b - 1].idx + len(doc[b - 1]))
        f["start"] = min(f["start"], doc[a].idx)
        if mention is None and (last in self.metric_heads or (last in self.compound_heads and b - a > 1)):
            f["_new_metric"] = (a, b)
        return True

    def _compare_cue(self, lower: list[str], i: int, s0: int, ent_tok: dict[int, Span]) -> tuple[str, ...] | None:
        """The comparison phrase ("than", "compared to", "outperforms") before token ``i``, if any.

        Up to six plain words may stand between ("outperforms the 175B parameter instruction-tuned X"),
        but no verb, punctuation or other mention.
        """
        end = i
        for gap in range(7):
            if gap:
                end -= 1
                t = lower[end] if end >= s0 else ""
                if not t or t in self.verbs or end in ent_tok or not (t == "-" or any(c.isalnum() for c in t)):
                    return None
            if end - 1 >= s0 and self.verbs.get(lower[end - 1], ("",))[0] == "outperforms":
                return (lower[end - 1],)
            for n in range(self._max_compare, 0, -1):
                if end - n >= s0 and tuple(lower[end - n : end]) in self.compare:
                    return tuple(lower[end - n : end])
        return None

    def _clause_start(self, lower: list[str], vs: int, s0: int) -> int:
        """Where the clause holding the value at ``vs`` starts, for its subject.

        "...: the best models reach only 50%" is not about a name before the colon; "..., while
        reaching 24x" (a participle) shares its sentence's subject; a ";" inside the parentheses
        holding the value ("(0.87 accuracy; 0.95 AUC)") separates list items, not clauses.
        """
        cand, depth = None, 0
        for j in range(vs - 1, s0 - 1, -1):
            t = lower[j]
            if t == ")":
                depth += 1
            elif t == "(":
                if depth:
                    depth -= 1
                else:
                    cand = None  # the value sits inside these parentheses: breaks after "(" do not count
            elif depth == 0 and cand is None and t in _SUBJECT_BREAKS and not (j + 1 < vs and lower[j + 1].endswith("ing")):
                cand = j
        return s0 if cand is None else cand + 1

    def _object_of(self, lower: list[str], e: Span, s0: int) -> bool:
        """Whether mention ``e`` is the object of a direction verb ("improves both E5 and X by 1.4"): where it holds."""
        k = e.start - 1
        if k - 1 > s0 and lower[k] == "of" and lower[k - 1] in self.all_heads:
            # "improves the performance of X": X is what the measure is read on
            k -= 2
            while k > s0 and k >= e.start - 6 and (lower[k] in _DETERMINERS or lower[k] not in self.verbs) and lower[k].isalpha():
                k -= 1
            d = self.verbs.get(lower[k])
            return d is not None and d[0] in ("improves", "reduces")
        for k in range(e.start - 1, max(s0, e.start - 7) - 1, -1):
            d = self.verbs.get(lower[k])
            if d is not None and d[0] in ("improves", "reduces") and lower[k] not in self.all_heads:
                return True
            # a coordination of names may stand between ("improves both E5 (base) and X"), no measure or clause
            if d is not None or lower[k] in self.all_heads or lower[k] in (";", ":", ".", "that", "which", "while"):
                return False
        return False

    def _word_before(self, lower: list[str], i: int, s0: int, ent_tok: dict[int, Span], end: int | None = None) -> str:
        """The word that gives the mention at tokens ``i:end`` its role: the word right before it, or a preposition
        before an article or quantifier and up to two modifiers ("on the lightweight X", "to various X", "in the
        X challenge"); "In practice X" keeps "practice" (no article: "in" is not X's). An acronym in parentheses
        after its long form has the long form's role ("for a pre-trained deep neural network (DNN)")."""
        reach = 3
        if end is not None and i - 1 >= s0 and lower[i - 1] == "(" and end < len(lower) and lower[end] == ")":
            long = ent_tok.get(i - 2)
            if long is not None and long.end == i - 1:
                return self._word_before(lower, long.start, s0, ent_tok)
            i, reach = i - 1, 6
        first = lower[i - 1] if i - 1 >= s0 else ""
        j, words = i - 1, 0
        while j >= s0 and words <= reach:
            t = lower[j]
            if t in _SETTING_PREPS:
                k = j + 1
                if k < i and t in ("as", "like"):
                    return first  # "classifiers such as the Random Forest": an example of the subject
                return t if k == i or lower[k] in _QUANTIFIERS or lower[k].isdigit() else first
            if t != "-":
                if j in ent_tok or t in self.verbs or t in self.own or t in ("and", "or") or not t.isalnum():
                    return first
                words += 1
            j -= 1
        return first

    def _subject_np(self, lower: list[str], f: dict, clause: int) -> tuple[int, int]:
        """The words the value is said of, as (start, end) tokens (maybe empty): the phrase before its verb (or
        before the value), read back to a clause word, punctuation, "and" / "or" or another verb. A phrase that ends at a verb
        is that verb's object, so the phrase before that verb is read ("our model beats the best baselines with a
        5% gain": "our model"; "a supervised baseline with 48.9% success": "a supervised baseline")."""
        j = f.get("_verb", -1)
        if j < clause:
            j = f["_qstart"]
        for _ in range(4):
            k, depth = j - 1, 0
            if k >= clause and lower[k] in _PREDICATES:
                k -= 1  # "human accuracy is 90%": the phrase before the copula
            end = k + 1
            while k >= clause and end - k <= 12:
                t = lower[k]
                if t == ")":
                    depth += 1
                elif t == "(":
                    if not depth:
                        break
                    depth -= 1
                elif not depth and (t in self.np_stops or t in _NP_PUNCT or t in ("and", "or")
                                    or (t in self.verbs and t not in self.all_heads)):
                    break
                k -= 1
            if k >= clause and not depth and lower[k] in self.verbs and lower[k] not in self.all_heads:
                if lower[k] == "with" and (k == clause or lower[k - 1] in _NP_PUNCT):
                    return k + 1, end  # ", with some providers exceeding 90%": the phrase after "with" is the subject
                j = k
                continue
            return k + 1, end
        return j, j

    def _bare_name(self, doc: Doc, lower: list[str], a: int, b: int, ent_tok: dict[int, Span]) -> Span | None:
        """A name no mention covers that heads the subject phrase ``a:b`` ("ColmmBERT-base-TR yields",
        "our multi-layer RPCA reached", "the LoG detector alone attained"): a Method mention (rule
        ``find.subject_name``), put in ``ent_tok`` so the sentence's later values find the same one. None
        when the phrase holds no such name, or more than one, or the name is not at its end (at most a
        head noun and an adverb may follow), or it sits in a prepositional phrase."""
        spaces = token_spaces(doc)
        found, k = None, a
        while k < b:
            # a name written without spaces ("ColmmBERT-base-TR") is one run of tokens
            e = k
            while e + 1 < b and e - k < 6 and not spaces[e] and doc[e + 1].text != "(":
                e += 1
            run = range(k, e + 1)
            if lower[k] in _SETTING_PREPS or lower[k] == "of":
                return None
            held = [ent_tok.get(t) for t in run if t in ent_tok]
            if held and all(h is not None and h.id_ == SUBJECT_RULE and h.start == k for h in held):
                return held[0]  # made for an earlier value of this sentence
            texts = [doc[t].text for t in run]
            if not held and any(_INNER_CAP.match(x) and not _PLURAL_ACRONYM.match(x) for x in texts) and all(
                _NAME_PART.match(x) or x == "-" for x in texts) and texts[0] != "-" and texts[-1] != "-" and not any(
                lower[t] in self.all_heads or lower[t] in self.own or lower[t] in self.others for t in run):
                if found is not None:
                    return None  # two names: which one is the subject is not clear
                found = (k, e + 1)
            k = e + 1
        if found is None:
            return None
        # "the LoG detector alone": a system noun and an adverb may follow the name, nothing else ("the SOP task")
        tail = [lower[t] for t in range(found[1], b)]
        if tail and tail[-1] in ("alone", "itself", "only"):
            tail.pop()
        if len(tail) > 1 or (tail and tail[0] not in self.subject_heads):
            return None
        label = "Model" if tail[:1] in (["model"], ["models"]) else "Method"
        span = Span(doc, found[0], found[1], label=label, span_id=SUBJECT_RULE)
        for t in range(*found):
            ent_tok[t] = span
        return span

    def _np_kind(self, lower: list[str], a: int, b: int) -> str:
        """``own`` when the phrase ``a:b`` holds the paper's own words ("our model", "the proposed method"),
        ``other`` when it holds someone else's ("the best models", "existing methods", "some providers") outside
        a prepositional phrase ("attacks on some providers" is about the attacks) and after no comparison cue
        ("lower than the strongest ... baselines"), else ``""``."""
        if any(self._cue_before(lower, k, max(0, a - 8)) for k in range(a, max(0, a - 6) - 1, -1)):
            return ""
        kind, prep = "", False
        for k in range(a, b):
            t = lower[k]
            if t in self.own:
                return "own"
            if t in _SETTING_PREPS or t == "of":
                # "state-of-the-art" is one word
                prep = prep or not ((k > a and lower[k - 1] == "-") or (k + 1 < b and lower[k + 1] == "-"))
            elif t in self.others and not prep:
                kind = "other"
        return kind

    def _subject_settings(
        self, doc: Doc, lower: list[str], f: dict, ent_tok: dict[int, Span], proposed: tuple[Span | None, frozenset[str]],
        s0: int, taken: set[int], sent_all: list[Span], roles: dict[int, tuple[tuple[str, ...] | None, bool]],
        prev_f: dict | None,
    ) -> None:
        """Subject, comparison target and settings of finding ``f``; ``taken`` holds mentions earlier values'
        settings claimed, ``sent_all`` the sentence's mentions in order (each value reads those before its clause's end),
        ``roles`` caches each mention's comparison cue and whether a direction verb acts on it; ``prev_f`` is the
        sentence's previous finding (a coordinated value is said of what it is said of).

        Marks ``f`` dropped when it is said of someone else's unnamed systems ("the best models reach only 50%",
        "a supervised baseline with 48.9% success"): a number no reader can attach to anything."""
        proposed, proposed_other = proposed
        vs, left, right = f["_vs"], f["_left"], f["_right"]
        sent_ents = [e for e in sent_all if max(e.start, s0) < right]
        for e in sent_ents:
            if e.start not in roles:
                cue = self._compare_cue(lower, e.start, s0, ent_tok) if e.label_ in _SUBJECT_TYPES else None
                roles[e.start] = (cue, e.label_ in _SETTING_TYPES and self._object_of(lower, e, s0))
        cues = {k: v[0] for k, v in roles.items()}
        # the comparison target: the nearest Method / Model after a comparison cue in the subject's clause, or anywhere
        # before it after "compared to" / "relative to" (those scope the whole sentence)
        clause = self._clause_start(lower, vs, s0)
        compared = None
        for e in sent_ents:
            cue = cues.get(e.start)
            if cue is None or (e.start < clause and cue[0] not in ("compared", "relative", "in", "comparison", "as")):
                continue
            if compared is None or abs(e.start - vs) < abs(compared.start - vs):
                compared = e
        f["compared_to"] = compared
        own = next((j for j in range(s0, vs) if lower[j] in self.own), None)  # "our", "we": the paper's own
        subject, excluded_end = None, -1
        candidates, objects = [], []
        for e in sent_ents:
            if e.end > vs:
                break
            if e.start < clause:
                continue
            prev = lower[e.start - 1] if e.start - 1 >= s0 else ""
            role = self._word_before(lower, e.start, s0, ent_tok, e.end)
            # "than X", "on X", "outperforms the strong X": a comparison target or a setting, not the subject;
            # after "we", "of X" is an object ("we improve the accuracy of X"); "X and Y" share X's role
            obj = roles[e.start][1] or (
                e.label_ in _SETTING_TYPES and prev in ("and", "or") and e.start - 1 == excluded_end and bool(objects)
            )
            if (
                role in _SETTING_PREPS or cues.get(e.start) is not None or obj
                or (prev == "of" and own is not None and own < e.start)
                or (prev in ("and", "or") and e.start - 1 == excluded_end)
            ):
                excluded_end = e.end
                if obj:
                    objects.append(e)
                continue
            if e.label_ in _SUBJECT_TYPES and e.start not in taken and _named(e):
                candidates.append(e)
        # what the value is said of: "our model" (the paper's own), "the best models" (someone else's), a name
        a, b = self._subject_np(lower, f, clause)
        if prev_f is not None and "_np" in prev_f and (
            f.get("_inherited") or a == b
            # "X is 3x faster and offers +1.7% ...": a second predicate of the same subject
            or (a - 1 >= s0 and lower[a - 1] in ("and", "or") and not any(a <= e.start < b for e in sent_ents)
                and not self._np_kind(lower, a, b))
        ):
            # "... 54.2% on coarse tasks and 33.0% on ...", ", outperforming X by 1.08pp": the previous value's
            a, b = prev_f["_np"]
        f["_np"] = (a, b)
        kind = self._np_kind(lower, a, b)
        if candidates:
            subject = candidates[-1]
        elif kind == "other":
            f["_drop"] = "someone else's result"
        elif a < b and (subject := self._bare_name(doc, lower, a, b, ent_tok)) is not None:
            pass
        elif proposed is not None and _named(proposed) and not any(
            # "PUDD (a Task mention) achieves", "models trained on AICC (a proposed dataset)": not the proposed method
            a <= e.start < b and e.label_ not in _SUBJECT_TYPES and e.label_ != "Metric"
            and (e.text.lower() in proposed_other or self._word_before(lower, e.start, s0, ent_tok) not in _SETTING_PREPS)
            for e in sent_ents
        ):
            subject = proposed
        if subject is not None and compared is not None and subject.start == compared.start:
            subject = None
        # "outperforming X with up to 3.5x more parameters": the value describes X, not a result
        q = f["_qstart"]
        if q - 2 >= s0 and lower[q - 1] in self.weak_cues:
            e = ent_tok.get(q - 2)
            if e is not None and e.end == q - 1 and e.label_ in _SUBJECT_TYPES and (subject is None or e.start != subject.start):
                f["_drop"] = "describes another method"
        mm = f["metric_mention"]
        settings = list(objects)
        for e in sent_ents:
            if e.label_ not in _SETTING_TYPES or e is subject or (subject is not None and e.start == subject.start):
                continue
            if (mm is not None and e.start == mm.start) or e is compared or e in objects:
                continue
            if e.start >= f["_ve"]:
                # "on COCO", "in LLaVA-1.5-7B": a method or model after the value is a setting only after a
                # preposition ("..., followed by X at 0.86" names another subject)
                if e.label_ in _SUBJECT_TYPES and not any(lower[k] in _SETTING_BEFORE for k in range(max(s0, e.start - 2), e.start)):
                    continue
                settings.append(e)
            elif e.start >= left and e.start not in taken and self._word_before(lower, e.start, s0, ent_tok, e.end) in ("on", "in", "across", "for"):
                settings.append(e)
        if subject is proposed and subject is not None and any(e.text.lower() == subject.text.lower() for e in settings):
            subject = None  # the paper's method named as where the value holds: the value is not about it
        f["subject"] = subject
        f["settings"] = settings


@Language.factory("kg_findings", assigns=["doc._.kg_findings"], requires=["doc.ents", "doc.sents"])
def make_findings(nlp: Language, name: str) -> FindingExtractor:
    """spaCy factory for :class:`FindingExtractor` (rules/findings.jsonl and findings_settings.json, read by ``initialize``)."""
    return FindingExtractor(nlp, name)
