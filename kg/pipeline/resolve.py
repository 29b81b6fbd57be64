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
the short form takes the long form's label. A name that only a naming cue typed
("we propose X", "called X": a Method) takes the type of a list-only shape rule
that matches it exactly ("we present HEAD-QA": a benchmark's shape).

Two steps then spread what the text already said, so a name needs one strong
cue, not one per mention (the "one sense per discourse" of word-sense work):

- a list ("MNLI, QNLI, RTE and STS-B", "BERT [4], XLNet (Yang et al., 2019)
  or ALBERT", citations skipped) whose known
  items are all Datasets (or all Models) makes its other name-shaped items
  the same (rule ``doc.list``): acronyms, CamelCase and names with a digit
  ("QQP", "fsCOCO", "FSS-1000"), and lexicon names that are too ambiguous
  to tag alone (rule ids ending in ``-ctx``, see rules/README.md);
- a Dataset, Model or Method name found by a context cue ("we present
  FastPose, a ...", "the ML50 benchmark") or in a list is tagged at its every
  other mention in the text (rule ``doc.repeat``), when it is shaped like a
  name (a capital after the first letter, or a digit).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..lineage import LineageWords, parse_model_name
from ..rulefiles import RuleSource
from .candidates import WEAK_SUFFIX, candidate_records, doc_text
from .doctokens import char_token_span, sentence_bounds, token_lower, token_spaces, token_starts, token_texts
from .regexrules import load_filters, load_macros
from .rules import RuleComponent

__all__ = ["Resolver", "make_resolve"]

# labels whose mentions take the modifiers in front of them ("dynamic quantization")
_MODIFIED = frozenset({"Method", "Task", "Architecture"})
# one part of a lower-case hyphenated modifier: "block", "wise", "8", "bit", "lingual"
_COMPOUND_PART = re.compile(r"[a-z]+|\d+")
# a dimension: "2D", "3D"
_DIMENSION = re.compile(r"\d[dD]")
# a lower-case adjective by its ending: "dynamic", "financial", "generative", "pairwise"
_ADJECTIVE = re.compile(r"[a-z]{3,}(?:al|ic|ive|wise|ous|ary)")
# a number, a size or a count ("3", "120,000", "13B", "4/9"): no name
_NUMBERISH = re.compile(r"[\d.,/:%x ]+[BMKTbmkt]?")
# a word shaped like a name on its own: an acronym or CamelCase ("QQP", "fsCOCO", "WikiSQL") or
# letters with a digit ("FSS-1000", "CIFAR10", "3DMatch"); a capitalised word ("Books") and a
# figure panel ("1c") are not
_NAME_SHAPE = re.compile(r"(?=[\w.+/-]{2,40}$)(?:[A-Za-z][a-z]*[A-Z][\w.+/-]*|[A-Za-z][\w.+/-]*\d[\w.+/-]*|\d[\w.+/-]*[A-Za-z][\w.+/-]*[A-Za-z][\w.+/-]*)")
# a web address or a file path is no name, whatever name it ends in ("https://github.com/x/JSENet")
_URLISH = re.compile(r"://|www\.|\.(?:com|org|io|net|edu|html?)\b|/[\w.-]{1,64}/")
# rule ids of model-name shapes (rules/shapes.jsonl), typed by _shape_label
_MODEL_SHAPE = "shape.model."
# lexicon kinds that a model-shaped name starting with one of their names belongs to
_SHAPE_KINDS = frozenset({"Dataset", "Metric"})
# the letters a name starts with ("WikiText" of "WikiText103", "CC" of "CC-100")
_STEM = re.compile(r"[A-Za-z]+(?:[ .][A-Za-z]+)*")
# context cues whose one-word proposals must be shaped like a name (rules/context.jsonl)
_SHAPED_CUES = ("ctx.head.",)
# naming cues ("we propose X", "called X") type X a Method by default; a list-only shape rule's type
# overrides that (_type_by_shape). Cues with a head noun ("X model", "X, a new dataset") keep theirs.
_NAMING_CUES = ("ctx.method.",)
_SHAPE_RULES = ("shape.",)
# labels whose lists and repeats are spread: proper names of things
_NAMED = frozenset({"Dataset", "Model"})
# labels whose context-found names are tagged at every mention (a coined method name too: "FastPose")
_REPEAT_LABELS = frozenset({"Dataset", "Model", "Method"})
# rule ids whose mentions are spread to the name's other mentions (lexicon and shape rules find them all already)
_REPEATED = ("ctx.", "doc.list")
# list separators: "A, B", "A and B", "A, and B", "A or B"
_CONJ = frozenset({"and", "or", "&"})
#: at most this many items in one list
_MAX_LIST = 16
# a citation or note between list items: "MNLI (+1.4%), SST-2 (+2.2%)", "LPS [17], HSC [8]"
_CLOSE = {"(": ")", "[": "]"}
_MAX_BRACKET = 24


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
        self._shape_cache: dict[str, str] = {}
        # model-name parsing reads the same word lists as the lineage step (rules/lineage.json)
        self.lineage_words = LineageWords.from_settings(source.settings("lineage.json"))
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
        if low in self.generic or low in self.stop or text in self.not_name or _URLISH.search(low):
            return False
        if toks.lower[start] in self.stop and (end - start == 1 or toks.span_text(start + 1, end).lower() in self.generic):
            return False
        if self._is_adjective(toks, start, end):
            return False
        # a count or a size ("3 datasets", "13B model") names nothing
        return any(c.isalpha() for c in low) and not _NUMBERISH.fullmatch(text)

    def _shape_label(self, text: str, lexicon_label: str | None) -> str | None:
        """The type of a model-shaped name ("Llama3-8B", "WikiText103", "ROUGE-1-F"), or None for no name.

        A name whose first word a lexicon lists as a Dataset or Metric is a version of that
        ("CIFAR-10", "ROUGE-1-F"); one that :func:`kg.lineage.parse_model_name` cannot read as
        family + version / size / flavour is a data set's number ("WikiText103": a Dataset when
        its stem is a dataset family of rules/lineage.json) or no model ("RQ1", "V100", "BM25").
        """
        if lexicon_label is not None:
            return lexicon_label
        hit = self._shape_cache.get(text)
        if hit is None:
            # a coined name without a number ("Shortformer", "CodeBERT") has nothing to misread
            if not any(c.isdigit() for c in text) or parse_model_name(text, self.lineage_words) is not None:
                hit = "Model"
            else:
                stem = _STEM.match(text)
                hit = "Dataset" if stem and stem.group().lower() in self.lineage_words.dataset_families else ""
            stem = _STEM.match(text)
            if stem and stem.group() in self.not_name:
                hit = ""  # "TensorFlow-Lite", "PyTorch-2": software, hardware or a company (filters not_name_cs)
            if len(self._shape_cache) < 50_000:
                self._shape_cache[text] = hit
        return hit or None

    def _context_name(self, toks: "_Tokens", start: int, end: int, rule_id: str) -> bool:
        """Whether a context cue's proposal can be a name. One shaped like a name ("PopVQA", "FSS-1000")
        can; capitalised words prove nothing in a title, where every word is capitalised, and a single
        one proves nothing at a sentence's (or a heading's) start ("Another dataset", "Recently, a
        model"), nor anywhere for a head-noun cue ("X, a new dataset")."""
        text = toks.span_text(start, end)
        if any(_NAME_SHAPE.fullmatch(w) for w in text.split()):
            return True
        if toks.title_case(start):
            # "Efficient LLM Reasoning", "Open-source dataset for ...": in a title every word is capitalised
            return False
        if " " in text:
            return True
        if rule_id.startswith(_SHAPED_CUES) or start in toks.sentence_starts():
            return False
        return not (start > 0 and toks.texts[start - 1] == ":")  # "HelpSteer2: Open-source dataset ..."

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
                    and lower[i] not in self.adj_suffix and f"{lower[i - 2]}-{lower[i]}" not in self.not_modifier:
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

    def _name_at(self, toks: "_Tokens", start: int, taken: bytearray) -> int:
        """End of the name-shaped word starting at token ``start`` ("QQP", "FSS-1000"), or ``start`` if none."""
        texts, spaces = toks.texts, toks.spaces
        n = len(texts)
        end = start + 1
        # one written word: the tokens up to the next space ("FSS", "-", "1000")
        while end < n and not spaces[end - 1] and texts[end] not in (",", ";", ":", ")", "(", ".") and end - start < 6:
            end += 1
        if 1 in taken[start:end] or not _NAME_SHAPE.fullmatch(toks.span_text(start, end)):
            return start
        # the name must end here: "MS" of "MS COCO" is only the start of one
        if end < n and (texts[end][:1].isupper() or texts[end][:1].isdigit()) or not self._keep(toks, start, end):
            return start
        return end

    def _name_ending_at(self, toks: "_Tokens", end: int, taken: bytearray) -> int:
        """Start of the name-shaped word that ends at token ``end`` (exclusive), or ``end`` if none."""
        texts, spaces = toks.texts, toks.spaces
        start = end - 1
        while start > 0 and not spaces[start - 1] and texts[start - 1] not in (",", ";", ":", ")", "(") and end - start < 6:
            start -= 1
        return start if self._name_at(toks, start, taken) == end else end

    @staticmethod
    def _skip_bracket(texts: list[str], i: int) -> int:
        """The token after a citation or note that opens at ``i`` ("(Lai et al., 2017)", "[17]",
        "(+8.4%)"), or ``i`` when none does; at most :data:`_MAX_BRACKET` tokens, none nested."""
        if i >= len(texts) or texts[i] not in _CLOSE:
            return i
        close = _CLOSE[texts[i]]
        for j in range(i + 1, min(i + _MAX_BRACKET, len(texts))):
            if texts[j] == close:
                return j + 1
            if texts[j] in _CLOSE:
                break
        return i

    @staticmethod
    def _skip_bracket_back(texts: list[str], end: int) -> int:
        """The end of the item before a citation that closes right before ``end``, or ``end``."""
        if end < 2 or texts[end - 1] not in (")", "]"):
            return end
        opening = "(" if texts[end - 1] == ")" else "["
        for j in range(end - 2, max(end - 1 - _MAX_BRACKET, -1), -1):
            if texts[j] == opening:
                return j
            if texts[j] in (")", "]"):
                break
        return end

    def _spread_lists(self, toks: "_Tokens", chosen: dict, taken: bytearray, weak: dict) -> None:
        """Tag the untagged names of a list whose tagged items are all Datasets (or all Models): ``doc.list``."""
        texts, lower = toks.texts, toks.lower
        n = len(texts)
        by_start = {s: (e, lab) for (s, e), (lab, _) in chosen.items()}
        by_end = {e: (s, lab) for (s, e), (lab, _) in chosen.items()}
        weak_by_end = {e: (s, lab) for s, (e, lab, _) in weak.items()}
        done: set[int] = set()
        for (s0, _), (label0, _) in sorted(chosen.items()):
            if label0 not in _NAMED or s0 in done:
                continue
            # walk left to the list's first item, then right over it: items joined by ",", "and", ", and"
            first = s0
            for _ in range(_MAX_LIST):
                j = first - 1
                if j < 1 or (texts[j] != "," and lower[j] not in _CONJ):
                    break
                k = j - 1 if texts[j] != "," and lower[j] in _CONJ and j >= 2 and texts[j - 1] == "," else j
                prev_end = self._skip_bracket_back(texts, k)
                if prev_end in by_end:
                    first = by_end[prev_end][0]
                elif prev_end in weak_by_end:
                    first = weak_by_end[prev_end][0]
                else:
                    s = self._name_ending_at(toks, prev_end, taken)
                    if s == prev_end:
                        break
                    first = s
            items: list[tuple[int, int, str | None]] = []  # (start, end, label or None)
            seps: list[str] = []
            i = first
            while len(items) < _MAX_LIST:
                if i in by_start:
                    e, lab = by_start[i]
                    items.append((i, e, lab))
                elif i in weak and 1 not in taken[i:weak[i][0]]:
                    # a list-only name of another kind makes the list a mixed one
                    items.append((i, weak[i][0], None if weak[i][1] == label0 else weak[i][1]))
                else:
                    e = self._name_at(toks, i, taken)
                    if e == i:
                        break
                    items.append((i, e, None))
                i = self._skip_bracket(texts, items[-1][1])
                if i < n and texts[i] == ",":
                    if i + 1 < n and lower[i + 1] in _CONJ:
                        seps.append("and")
                        i += 2
                    else:
                        seps.append(",")
                        i += 1
                elif i < n and lower[i] in _CONJ:
                    seps.append("and")
                    i += 1
                else:
                    break
            # a list is closed by its conjunction: "A, B and C"; a comma alone ("On ImageNet, DeiT ...") is no list
            del seps[len(items) - 1:]
            labels = {lab for _, _, lab in items if lab is not None}
            done.update(s for s, _, _ in items)
            if len(items) < 2 or labels != {label0} or not seps or seps[-1] != "and" or "and" in seps[:-1]:
                continue
            for s, e, lab in items:
                if lab is None and 1 not in taken[s:e]:
                    taken[s:e] = b"\x01" * (e - s)
                    chosen[(s, e)] = (label0, "doc.list")

    @staticmethod
    def _type_by_shape(chosen: dict, weak: dict) -> None:
        """Give a name that only a naming cue typed ("we propose HEAD-QA", "called FooQA") the type
        its shape says: a list-only shape rule's ("HotpotQA"-like names are benchmarks,
        rules/shapes.jsonl ``shape.dataset.*-ctx``). Head-noun cues ("X, a new model", "X model")
        and lexicon names keep theirs."""
        for (s, e), (label, rule_id) in chosen.items():
            if not rule_id.startswith(_NAMING_CUES):
                continue
            end, shape_label, shape_rule = weak.get(s, (s, "", ""))
            if end == e and shape_rule.startswith(_SHAPE_RULES) and shape_label != label:
                chosen[(s, e)] = (shape_label, rule_id)

    def _spread_repeats(self, toks: "_Tokens", chosen: dict, taken: bytearray) -> None:
        """Tag the other mentions of names that a context cue or a list found: ``doc.repeat``."""
        names: dict[str, str] = {}
        for (s, e), (label, rule_id) in chosen.items():
            if label in _REPEAT_LABELS and rule_id.startswith(_REPEATED):
                text = toks.span_text(s, e)
                if _NAME_SHAPE.fullmatch(text.replace(" ", "")) and text not in names:
                    names[text] = label
        if not names:
            return
        text = toks.text
        # longest names first, so "FastPose-50" is taken before "FastPose"; str.find per name, no regex
        # compiled per text
        for name in sorted(names, key=len, reverse=True):
            at = text.find(name)
            while at >= 0:
                end = at + len(name)
                # a whole word: no letter, digit, "_" or "-" glued on either side
                if not (at > 0 and (text[at - 1].isalnum() or text[at - 1] in "_-")) \
                        and not (end < len(text) and (text[end].isalnum() or text[end] in "_-")):
                    span = toks.token_span(at, end)
                    if span is not None:
                        s, e = span
                        if 1 not in taken[s:e] and toks.span_text(s, e) == name:
                            taken[s:e] = b"\x01" * (e - s)
                            chosen[(s, e)] = (names[name], "doc.repeat")
                at = text.find(name, end)

    def process(self, doc: Doc) -> Doc:
        """Set ``doc.ents`` from the candidates, and keep the acronym pairs whose forms both survived."""
        toks = _Tokens(doc)
        ranked = []
        weak: dict[int, tuple[int, str, str]] = {}  # start -> (end, label, rule id) of names tagged only in a list
        records = candidate_records(doc)
        # the kind a lexicon gives the first word of a shape ("ROUGE" of "ROUGE-1-F", "CIFAR" of "CIFAR-10")
        named_starts = {s: lab for s, _, lab, r in records if lab in _SHAPE_KINDS and r.startswith("lex.")}
        for k, (start, end, label, rule_id) in enumerate(records):
            if rule_id.startswith(_MODEL_SHAPE):
                label = self._shape_label(toks.span_text(start, end), named_starts.get(start))
                if label is None:
                    continue
            if rule_id.endswith(WEAK_SUFFIX):
                if self._keep(toks, start, end) and end - start > weak.get(start, (start, "", ""))[0] - start:
                    weak[start] = (end, label, rule_id)
                continue
            if self._keep(toks, start, end) and (not rule_id.startswith("ctx.") or self._context_name(toks, start, end, rule_id)):
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
        self._type_by_shape(chosen, weak)
        labels = {label for label, _ in chosen.values()}
        if not labels.isdisjoint(_NAMED):
            self._spread_lists(toks, chosen, taken, weak)
        if not labels.isdisjoint(_REPEAT_LABELS):
            self._spread_repeats(toks, chosen, taken)
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

    __slots__ = ("doc", "text", "texts", "lower", "starts", "spaces", "_sent_starts", "_titles", "_cuts")

    def __init__(self, doc: Doc):
        self.doc = doc
        self.text = doc_text(doc)
        self.texts = token_texts(doc)
        self.lower = token_lower(doc)
        self.starts = token_starts(doc)
        self.spaces = token_spaces(doc)
        self._sent_starts: set[int] | None = None
        self._titles: dict[int, bool] | None = None
        self._cuts: list[int] = []

    def title_case(self, i: int) -> bool:
        """Whether token ``i`` is in a title-case sentence: most of its longer words capitalised.

        A line break ends a sentence here too: a title runs into the abstract's first sentence
        when no full stop ends it."""
        if self._titles is None:
            self._titles = {}
            cuts = {s for s, _ in sentence_bounds(self.doc)}
            cuts.update(j + 1 for j, t in enumerate(self.texts) if "\n" in t)
            cuts.add(len(self.texts))
            self._cuts = sorted(cuts)
        cuts = self._cuts
        k = bisect_right(cuts, i) - 1
        hit = self._titles.get(k)
        if hit is None:
            s, e = cuts[max(k, 0)], cuts[min(k + 1, len(cuts) - 1)]
            # words of four letters or more: "for", "of", "and", "via" stay lower case in titles
            words = [w for w in self.texts[s:e] if len(w) > 3 and w[:1].isalpha()]
            capital = sum(w[0].isupper() for w in words)
            hit = self._titles[k] = len(words) >= 3 and capital >= 0.6 * len(words)
        return hit

    def sentence_starts(self) -> set[int]:
        """Indices of the tokens that open a sentence or follow a line break (built on first use)."""
        if self._sent_starts is None:
            # a line break starts one too: the abstract after its title, a heading's next line
            self._sent_starts = {s for s, _ in sentence_bounds(self.doc)}
            self._sent_starts.update(j + 1 for j, t in enumerate(self.texts) if "\n" in t)
        return self._sent_starts

    def span_text(self, start: int, end: int) -> str:
        """The text of tokens ``start:end`` (``Span.text``)."""
        return self.text[self.starts[start] : self.starts[end - 1] + len(self.texts[end - 1])]

    def token_span(self, start_char: int, end_char: int) -> tuple[int, int] | None:
        """Token offsets of the characters ``start_char:end_char`` (expanded to whole tokens)."""
        return char_token_span(self.doc, start_char, end_char)

    def char_len(self, start: int, end: int) -> int:
        """``end_char - start_char`` of tokens ``start:end``."""
        return self.starts[end - 1] + len(self.texts[end - 1]) - self.starts[start]


@Language.factory("kg_resolve", assigns=["doc.ents", "doc._.kg_aliases"], requires=["doc.spans"])
def make_resolve(nlp: Language, name: str) -> Resolver:
    """Factory of ``kg_resolve`` (rule priorities from rules/priorities.jsonl, read by ``initialize``)."""
    return Resolver(nlp, name)
