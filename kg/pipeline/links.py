"""Paper-level links (``doc._.kg_links``): what a paper proposes, uses and who wrote it.

* ``proposes``: what the paper names as its own, strongest signal first, at most
  ``max_proposes`` things (a paper introduces one to three things, not every name;
  a third only when named as directly as 1, 2 or right after a cue):

  1. the title's name: "Arena: A Toolkit for ...", the words before the colon (or
     before "Technical Report") when they are a name: a distinctive shape such as
     "LaVi", "HEMM", "iDisc"; or words that the rest of the title says are a
     framework, benchmark, model ..., or that the abstract uses again. Not generic
     words ("Survey", "Position"), not a topic the title says is surveyed or
     studied, not a famous model ("ChatGPT: ..."); one coined word may hold a
     mention of what it builds on ("Recursive-NeRF"). Also the long form of an
     acronym defined where the paper introduces something, when the title repeats it
     ("Hierarchical Graph Capsule Network" ... "we propose hierarchical graph
     capsule network (HGCN)"), and the words a colon-less title opens with, found
     again right after a propose cue ("This paper introduces Bayesian attention
     belief networks" under the title "Bayesian Attention Belief Networks");
  2. a name given by a naming cue in a sentence where the paper introduces
     something ("we design an algorithm, called X", "which we call X", "our method,
     X", "a method called X is introduced"); not "we evaluate on a benchmark called
     X"; a lower-case word counts as a name right after "called" ("called
     micro-attention") or with an acronym defined for it, and lower-case words right
     after "we propose" that an appositive says are a kind of thing ("multipoint
     quantization, a quantization method"); a name runs to the acronym defined for
     it ("called Bag of Color Features (BoCF)"); an acronym defined for what a
     propose cue introduces ("this paper proposes a semantic-aware makeup cleanser
     (SAMC)": the long form where it is a mention, else the acronym);
  3. the first mention after a cue such as "we propose", "this paper presents"
     (within a window, stopped by words that start a different phrase, e.g.
     "based on", "for"), or a mention followed by an appositive (", a novel ...").
     Not a mention that only modifies a longer phrase ("an advanced RAG
     framework"), not a task, not a known (lexicon) technique called by its plain
     words or after "a" ("a novel Deep Reinforcement Learning algorithm", "we
     develop a Graph-CNN"; a coined name such as "TraDeS" may be in a lexicon
     because this very paper introduced it).

  An acronym and its defined long form count as one thing, and so do the title's
  name and a name that holds it ("LaVi-7B"; not "CASS-Bench", a benchmark of the
  title's "CASS"). When the title names the paper's
  thing, only a second thing named as directly (2, or right after a cue) is added.
  A title name, or a name found by 2 or right after a cue, that is not a mention
  yet becomes one (``doc.ents``, rule ``link.name.title`` / ``link.name.cue``) where
  no mention overlaps it or over the shorter mentions it holds ("NeRF" inside
  "Recursive-NeRF" is no mention then), typed by the head noun of what the paper says it is ("a
  benchmark" -> Dataset, "a language model" -> Model, else Method); the title's
  name is also tagged where the abstract uses it again.
* ``uses``: mentions after cues such as "we use", "based on", "experiments on",
  with the mentions listed beside them, plus the tails of the relations named in
  the rule (datasets a method is evaluated on, baselines it is compared with).
  Anything the paper proposes is not also "used".
* ``affiliated_with``: every ``Organization`` mention.

Cue phrases, head nouns and word lists are data in rules/links.jsonl.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..errors import RuleError
from ..rulefiles import RuleSource
from ..schema import types_with_role
from .candidates import candidate_records
from .doctokens import sentence_bounds, token_lower, token_spaces, token_texts
from .rules import RuleComponent

__all__ = ["PaperLinker", "make_links"]

#: mention types a paper can propose or use (kg.schema's ``linkable`` role: not Organization or Metric)
_LINKABLE = frozenset(types_with_role("linkable"))
_LIST_JOINERS = frozenset({",", "and", "or", "&", "as", "well", "the", "(", ")"})
#: most mentions one "uses" cue links ("experiments on A, B, ..."), bounding the work per cue
_MAX_LISTED = 32
#: tokens that end a word even when no space comes before them ("Arena," "LD-ZNet:")
_PUNCT = frozenset(",:;.()[]{}\"'?!“”‘’«»")
_ALNUM = re.compile(r"[^\W_]+")
#: quotation marks around a name ('called "X"')
_QUOTES = frozenset({'"', "“", "”", "'", "‘", "’"})
#: most tokens in one word ("LD-ZNet" is three), so reading a word is bounded on any input
_MAX_WORD_TOKENS = 12
#: the kinds a head noun can give a new name
_KINDS = ("Dataset", "Model", "Method", "Architecture")
#: how strong each kind of proposal is (lower is stronger): the title, a naming cue or a
#: mention right after a propose cue, and a mention further on or before an appositive
_TITLE, _DIRECT, _WEAK = 0, 1, 2


class _CueIndex:
    """Cue phrases indexed by their last token, so each token costs one dict lookup."""

    def __init__(self) -> None:
        self.by_last: dict[str, list[tuple[tuple[str, ...], str, int, frozenset[str]]]] = {}
        # the cues of two or more tokens by their last two, longest first: most tokens that end
        # a cue ("on", "the") are not preceded by the rest of one, and one lookup says so
        self._by_pair: dict[tuple[str, str], list[tuple[tuple[str, ...], str, int, frozenset[str]]]] = {}
        self._single: dict[str, tuple[tuple[str, ...], str, int, frozenset[str]]] = {}  # the first one-token cue

    def add(self, toks: tuple[str, ...], rid: str, window: int, blockers: frozenset[str]) -> None:
        """Index one cue (its lower-case tokens) with its rule id, window and blocker words."""
        self.by_last.setdefault(toks[-1], []).append((toks, rid, window, blockers))
        self.by_last[toks[-1]].sort(key=lambda c: -len(c[0]))
        if len(toks) >= 2:
            pair = self._by_pair.setdefault(toks[-2:], [])
            pair.append((toks, rid, window, blockers))
            pair.sort(key=lambda c: -len(c[0]))
        else:
            self._single.setdefault(toks[0], (toks, rid, window, blockers))

    def matches(self, lower: list[str], i: int) -> list:
        """Every cue ending at token ``i``, longest first (at most the cues that end with its word)."""
        return [c for c in self.by_last.get(lower[i], ())
                if i + 1 >= len(c[0]) and tuple(lower[i + 1 - len(c[0]) : i + 1]) == c[0]]

    def match(self, lower: list[str], i: int):
        """The longest cue ending at token ``i``, or None."""
        if i >= 1:
            for cue in self._by_pair.get((lower[i - 1], lower[i]), ()):
                n = len(cue[0])
                if i + 1 >= n and tuple(lower[i + 1 - n : i + 1]) == cue[0]:
                    return cue
        single = self._single.get(lower[i])  # no longer cue matched
        if single is None and i >= 2 and lower[i - 2] == "we" and lower[i - 1].endswith("ly") and lower[i - 1].isalpha():
            # "we innovatively propose": an adverb inside a "we ..." cue (not "the recently proposed")
            for cue in self._by_pair.get((lower[i - 2], lower[i]), ()):
                if len(cue[0]) == 2:
                    return cue
        return single


def _named(span: Span) -> bool:
    """Whether a mention is written as a name (a capital letter or a digit), not a lower-case common term.

    What a paper introduces gets a name ("Deterministic World Model", "GPT-4o") or an acronym
    defined for it; a lower-case mention after "we develop a" is a known technique it applies.
    """
    # a capital that only starts a sentence ("Random forests ...") does not make a name
    text = span.text[1:] if span.start == span.sent.start else span.text
    return any(c.isupper() or c.isdigit() for c in text)


def _words_of(text: str) -> list[str]:
    """The runs of letters and digits in ``text`` ("\\texttt{CASS}" -> ["texttt", "cass"])."""
    return _ALNUM.findall(text.lower())


def _contains(words: list[str], part: list[str]) -> bool:
    """Whether ``part`` occurs in ``words`` as consecutive items."""
    n = len(part)
    return any(words[k : k + n] == part for k in range(len(words) - n + 1))


def _capitalised(word: str) -> bool:
    """A word written as (part of) a name: it starts with a capital or a digit, or has a capital ("iDisc")."""
    return bool(word) and (word[0].isupper() or word[0].isdigit() or (word[0].isalpha() and not word.islower()))


def _acronym_end(texts: list[str], spaces: list[int], a: int, limit: int) -> int | None:
    """The end token of an acronym in brackets that starts at token ``a`` ("SAMC", "MTT-GAN", "BoCF"
    before ")"): one word of at most 12 characters with two capitals or more; None where there is none."""
    k = a
    while k < limit and k - a < _MAX_WORD_TOKENS and texts[k] != ")" and (k == a or not spaces[k - 1]):
        k += 1
    if k == a or k >= limit or texts[k] != ")" or spaces[k - 1]:
        return None
    if k + 1 < len(texts) and not spaces[k] and texts[k + 1] not in _PUNCT:
        return None  # "(CoT)-enhanced": the acronym of something the phrase builds on
    word = "".join(texts[a:k])
    if not 2 <= len(word) <= 12 or not word[0].isalpha() or sum(c.isupper() for c in word) < 2:
        return None
    if k - a > 2 and texts[k - 2] == "-" and texts[k - 1].islower():
        return None  # "(RL-based)": the short form of a modifier, not of a name
    return k


def _distinctive(word: str) -> bool:
    """A word shaped like a coined name, not like a capitalised English word.

    A capital right after a lower-case letter or a digit ("LaVi", "iDisc", "HelpSteer2"),
    two capitals in a row ("HEMM", "LD-ZNet"), or letters and digits mixed ("T5X").
    "Multi-Agent" or "Arena" are not: any title capitalises words like those.
    """
    prev = ""
    has_alpha = has_digit = False
    for c in word:
        if c.isupper() and prev and (prev.islower() or prev.isdigit() or prev.isupper()):
            return True
        has_alpha |= c.isalpha()
        has_digit |= c.isdigit()
        prev = c
    return has_alpha and has_digit


class _Names:
    """The mentions of one Doc and the names kg_links adds to them.

    A name is added where no mention is, or over shorter mentions it holds: the title's
    "Recursive-NeRF" replaces the "NeRF" tagged inside it, "called Bag of Color Features (BoCF)"
    the "Bag" a context rule tagged. A name added here is never replaced.
    """

    def __init__(self, doc: Doc, ents: list[Span]) -> None:
        self.doc = doc
        self.ents = ents
        #: the tokens a mention or an added name holds
        self.taken = bytearray(len(doc))
        #: token -> index in ``ents`` of the mention that holds it (only tokens of mentions)
        self.owner: dict[int, int] = {}
        for k, e in enumerate(ents):
            self.taken[e.start : e.end] = b"\x01" * (e.end - e.start)
            for t in range(e.start, e.end):
                self.owner[t] = k
        self.new: list[Span] = []
        self.dropped: set[int] = set()
        self.dropped_at: set[tuple[int, int]] = set()

    def free(self, a: int, b: int) -> bool:
        """Whether no mention or added name holds any of tokens ``a:b``."""
        return not any(self.taken[a:b])

    def holds(self, a: int, b: int) -> bool:
        """Whether a name on tokens ``a:b`` may replace what is there: only mentions that lie
        inside it and are shorter (none of the names added here)."""
        for t in range(a, b):
            if self.taken[t]:
                k = self.owner.get(t)
                if k is None:
                    return False
                e = self.ents[k]
                if e.start < a or e.end > b or (e.start == a and e.end == b):
                    return False
        return True

    def add(self, a: int, b: int, label: str, rid: str) -> Span:
        """Add the name on tokens ``a:b`` (rule ``rid``), dropping the mentions inside it."""
        for t in range(a, b):
            k = self.owner.pop(t, None)
            if k is not None and k not in self.dropped:
                self.dropped.add(k)
                self.dropped_at.add((self.ents[k].start, self.ents[k].end))
        span = Span(self.doc, a, b, label=label, span_id=rid)
        self.new.append(span)
        self.taken[a:b] = b"\x01" * (b - a)
        return span

    def kept(self) -> list[Span]:
        """The mentions that no added name replaced."""
        return [e for k, e in enumerate(self.ents) if k not in self.dropped] if self.dropped else self.ents

    def replaced(self, span: Span) -> bool:
        """Whether ``span`` is a mention an added name replaced."""
        return bool(self.dropped) and (span.start, span.end) in self.dropped_at


class PaperLinker(RuleComponent):
    """Fill ``doc._.kg_links`` with (label, span, rule id) tuples; add the names it finds to ``doc.ents``."""

    default_name = "kg_links"

    def __init__(self, nlp: Language, name: str | None = None, *, max_proposes: int = 3, max_weak_proposes: int = 2,
                 max_title_words: int = 4, max_title_tokens: int = 64):
        super().__init__(nlp, name)
        self.max_proposes = max_proposes
        self.max_weak_proposes = max_weak_proposes
        self.title_max_words = max_title_words
        self.title_max_tokens = max_title_tokens

    def load(self, source: RuleSource) -> None:
        """Read the cues of rules/links.jsonl and the word lists of rules/links_settings.json."""

        def toks(text: str) -> tuple[str, ...]:
            return tuple(t.lower_ for t in self.nlp.make_doc(text))

        settings = source.settings("links_settings.json") if source.exists("links_settings.json") else {}

        def words(key: str) -> frozenset[str]:
            return frozenset(w.lower() for w in settings.get(key, ()))

        self.propose_cues = _CueIndex()
        self.use_cues = _CueIndex()
        self.naming_cues = _CueIndex()
        self.appositives: list[tuple[tuple[str, ...], str]] = []
        self.relation_roles: dict[str, tuple[str, str]] = {}
        #: head noun (lower-case tokens) -> (type, rule id): what a description says a thing is
        self.heads: dict[tuple[str, ...], tuple[str, str]] = {}
        self.title_suffixes: list[tuple[str, ...]] = []
        self.title_rid = "link.proposes.title"
        self.appositive_rid = "link.proposes.appositive"
        self.we_rid = "link.proposes.we"
        self.topic_heads = words("title_topic_heads")
        self.generic = words("title_generic")
        self.not_first = words("title_not_first")
        self.famous: tuple[str, ...] = tuple(settings.get("famous_rules", ()))
        self.connectors = words("connectors")
        self.name_joiners = words("name_joiners")
        self.passive_not_own = words("passive_not_own")
        self.description_stops = words("description_stops")
        self.np_ends = words("np_ends")
        self.noun_suffixes: tuple[str, ...] = tuple(w.lower() for w in settings.get("noun_suffixes", ()))
        self.pointers = words("pointers")
        self.not_before_appositive = words("not_before_appositive")
        for r in source.rules("links.jsonl"):
            p, rid, label = r["pattern"], r["id"], r["label"]
            if label in _KINDS:
                # a head noun -> the type it gives a name the paper introduces ("Arena: A Toolkit ...")
                for head in p.get("heads", ()):
                    self.heads.setdefault(toks(head), (label, rid))
                continue
            if label not in ("proposes", "uses"):
                raise RuleError(f"{r['_where']}: rule {rid}: label must be 'proposes', 'uses' or one of {', '.join(_KINDS)}")
            index = self.propose_cues if label == "proposes" else self.use_cues
            blockers = frozenset(b.lower() for b in p.get("blockers", ()))
            for cue in p.get("cues", ()):
                index.add(toks(cue), rid, int(p.get("window", 10)), blockers)
            # a naming cue: "window" is how many lower-case words may come between it and the name
            # ("we call this method X"); "anchored" asks for a propose cue or "our" before it
            for cue in p.get("naming", ()):
                flags = {"anchored"} if p.get("anchored", True) else set()
                if p.get("lead"):
                    flags.add("lead")  # only where the cue opens a sentence ("A framework named X ...")
                self.naming_cues.add(toks(cue), rid, int(p.get("window", 0)), frozenset(flags))
            for cue in p.get("appositive", ()):
                self.appositives.append((toks(cue), rid))
                self.appositive_rid = rid
            if "title_suffixes" in p:
                # the rule of a title's own name: the words before its colon, or before one of these endings
                self.title_rid = rid
                self.title_suffixes += [toks(x) for x in p["title_suffixes"]]
            roles = p.get("roles", ["tail"] * len(p.get("relations", ())))
            for rel, role in zip(p.get("relations", ()), roles):
                if role not in ("head", "tail"):
                    raise RuleError(f"{r['_where']}: rule {rid}: role must be 'head' or 'tail'")
                self.relation_roles[rel] = (role, rid)
        self._head_len = max((len(h) for h in self.heads), default=1)
        self._cue_ends = frozenset(self.propose_cues.by_last) | frozenset(self.use_cues.by_last)
        self._naming_ends = frozenset(self.naming_cues.by_last)
        self._max_window = max((c[2] for index in (self.propose_cues, self.use_cues) for cues in index.by_last.values()
                                for c in cues), default=0)
        self._appositives_by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for cue, rid in self.appositives:
            self._appositives_by_first.setdefault(cue[0] if cue else "", []).append((cue, rid))
        # an empty cue matches after every mention: then every cue is tried, in list order
        self._any_appositive = list(self.appositives) if any(not cue for cue, _ in self.appositives) else None

    # ------------------------------------------------------------------ main
    def process(self, doc: Doc) -> Doc:
        """Set ``doc._.kg_links`` (what the paper proposes and uses, its organisations) and add the
        names it introduces to ``doc.ents``."""
        all_ents = list(doc.ents)  # read once: each read builds a Span per mention
        texts, lower, spaces = token_texts(doc), token_lower(doc), token_spaces(doc)
        # where the mentions are: a name found here is added where none is, or over shorter ones it holds
        names = _Names(doc, all_ents)
        # the tokens a curated lexicon names: broadly known things
        known: set = {(a, b) for a, b, _, rid in candidate_records(doc) if rid.startswith("lex.")}
        # an acronym of a known long form is known too ("active learning (AL)" ... "our AL framework")
        known.update(short.text.lower() for short, long, _ in doc._.kg_aliases or () if (long.start, long.end) in known)
        title_end = self._title_end(texts)
        title = self._title_name(doc, texts, lower, spaces, names, title_end) if title_end else None
        has_sents = doc.has_annotation("SENT_START")
        sent_starts = {a for a, _ in sentence_bounds(doc)} if has_sents else set()
        if title_end:
            sent_starts.add(title_end + 1)  # the title is no part of the abstract's first sentence
        self._coined_after_cue(doc, texts, lower, spaces, sent_starts, names)
        defined = self._defined_after_cue(doc, texts, lower, spaces, sent_starts, names, title_end)

        ents = sorted([e for e in names.kept() if e.label_ in _LINKABLE] + names.new, key=lambda e: e.start)
        starts = {e.start: e for e in ents}
        pos = {e.start: k for k, e in enumerate(ents)}
        # (tier, span, rule id): what the paper may propose, and what it uses
        proposes: list[tuple[int, Span, str]] = []
        uses: list[tuple[Span, str]] = []
        if title is not None:
            proposes.append((_TITLE, title, self.title_rid))
        if title_end:
            proposes.extend(self._title_long_forms(doc, texts, lower, sent_starts, title_end, starts, known))

        ends = self._cue_ends
        # a cue links the first mention within its window after it, so only the tokens at most the
        # widest window before a mention can be cues that link anything: the rest are not read
        reach = self._max_window
        near = sorted({i for e in ents for i in range(max(0, e.start - reach), e.start)})
        cue_at = [k for k in near if lower[k] in ends]
        for i in cue_at:
            for index, is_use in ((self.propose_cues, False), (self.use_cues, True)):
                if lower[i] not in index.by_last:
                    continue
                cue = index.match(lower, i)
                if cue is None:
                    continue
                _, rid, window, blockers = cue
                span = self._first_after(lower, spaces, sent_starts, starts, i + 1, window, blockers)
                if span is None:
                    continue
                if is_use:
                    uses.extend((s, rid) for s in self._listed(lower, ents, pos, span))
                elif rid == self.we_rid and span.start == i + 1 and not _named(span) \
                        and self._appositive_kind(lower, sent_starts, span.end):
                    # "we propose multipoint quantization, a quantization method": named by the appositive
                    proposes.append((_DIRECT, span, self.appositive_rid))
                elif self._is_object(lower, i + 1, span):
                    proposes.append((_DIRECT if span.start - i <= 4 else _WEAK, span, rid))
                else:
                    # "an advanced RAG framework": the paper builds on the name, the thing is the phrase
                    uses.append((span, rid.replace("proposes", "uses")))
        used_by_cue = {s.start for s, _ in uses}
        proposes.extend(defined)
        proposes.extend(self._named_by_cue(doc, texts, lower, spaces, sent_starts, starts, names))
        for e in ents:
            # only the cues that start with the token after the mention can match (list order kept)
            if self._any_appositive is not None:
                cues = self._any_appositive
            else:
                cues = self._appositives_by_first.get(lower[e.end], ()) if e.end < len(lower) else ()
            for cue, rid in cues:
                n = len(cue)
                if tuple(lower[e.end : e.end + n]) == cue:
                    if e.start not in used_by_cue and not self._known(e, known) \
                            and (e.start == 0 or lower[e.start - 1] not in self.not_before_appositive):
                        proposes.append((_WEAK, e, rid))
                    break
        for head, tail, label, _ in doc._.kg_relations or ():
            if label in self.relation_roles:
                role, rid = self.relation_roles[label]
                uses.append((tail if role == "tail" else head, rid))

        if names.dropped:
            # a name that replaced a shorter mention stands for it ("Bag" in "called Bag of Color Features")
            proposes = [p for p in proposes if not names.replaced(p[1])]
            uses = [u for u in uses if not names.replaced(u[0])]
        links, proposed = self._choose(doc, lower, proposes, uses, title, known)
        used: set[int] = set()
        for span, rid in sorted(uses, key=lambda x: x[0].start):
            if span.text.lower() in proposed or span.start in used:
                continue
            used.add(span.start)
            links.append(("uses", span, rid))
        kept = names.kept()
        for e in kept:
            if e.label_ == "Organization":
                links.append(("affiliated_with", e, e.id_ or "org"))
        if names.new:
            doc.ents = sorted(kept + names.new, key=lambda e: e.start)
        doc._.kg_links = links
        return doc

    def _choose(self, doc: Doc, lower: list[str], proposes: list[tuple[int, Span, str]], uses: list[tuple[Span, str]],
                title: Span | None, known: set) -> tuple[list[tuple[str, Span, str]], set[str]]:
        """Pick at most ``max_proposes`` proposals, strongest and earliest first; the rest that are
        names the paper only builds on go to ``uses``. ``known``: the (start, end) tokens of lexicon
        names. Returns the links and the proposed texts (lower case, with the acronyms defined for them)."""
        aliases = doc._.kg_aliases or ()
        defined = {long.start for _, long, _ in aliases}
        # an acronym and its long form are one thing: both map to the long form's text
        same: dict[str, str] = {}
        longs: dict[str, str] = {}  # an acronym's long form as written: "al" -> "active learning"
        for short, long, _ in aliases:
            same[short.text.lower()] = long.text.lower()
            longs[short.text.lower()] = long.text
        # "quaternion Hardy filter (QHF)" where no alias pair was read: a proposal in brackets right
        # after another is its acronym
        ending = {span.end: span for _, span, _ in proposes}
        for _, span, _ in proposes:
            long = ending.get(span.start - 1)
            if long is not None and lower[span.start - 1] == "(" and span.end < len(lower) and lower[span.end] == ")":
                same.setdefault(span.text.lower(), long.text.lower())
        title_key = title.text.lower() if title is not None else None
        title_words = _words_of(title_key) if title_key else []
        links: list[tuple[str, Span, str]] = []
        proposed: set[str] = set()
        for tier, span, rid in sorted(proposes, key=lambda x: (x[0], x[1].start)):
            key = span.text.lower()
            group = same.get(key, key)
            if key in proposed or group in proposed:
                continue
            if not any(c.isalpha() for c in span.text):
                continue  # "we present our results in Table 6": a number is never what a paper introduces
            if tier == _WEAK and span.label_ == "Task":
                continue  # a task is studied; a paper names the task it introduces ("called X")
            if tier != _TITLE and not rid.startswith("link.proposes.named") and self._known(span, known) \
                    and ((span.start > 0 and lower[span.start - 1] in ("a", "an"))
                         or not any(_distinctive(w) for w in longs.get(key, span.text).split())):
                # "a novel Deep Reinforcement Learning (DRL) algorithm", "a novel Mean Teacher + ...",
                # "we develop a Graph-CNN": a known technique called by its plain words, or one of a
                # known kind, is what the paper builds on (a coined name such as "TraDeS" may be in
                # a lexicon because this very paper introduced it)
                uses.append((span, rid.replace("proposes", "uses")))
                continue
            if title_words and tier > _TITLE and _contains(_words_of(key), title_words) \
                    and [self.heads.get((w,), ("",))[0] for w in _words_of(key) if w not in title_words] != ["Dataset"]:
                # "LaVi" in the title, "LaVi-7B", "LaVi LLM" or "\\texttt{LaVi}" in the abstract: one
                # thing ("CASS-Bench" under the title "CASS: ..." is another: a benchmark of it)
                continue
            if tier != _TITLE and not rid.startswith("link.proposes.named") and not _named(span) \
                    and span.start not in defined and not (tier == _DIRECT and rid == self.appositive_rid):
                # "we develop a random forest algorithm": a known family used, not a new thing
                uses.append((span, rid.replace("proposes", "uses")))
                continue
            if len(links) >= self.max_proposes or (tier == _WEAK and (title is not None
                                                                     or len(links) >= self.max_weak_proposes)):
                continue  # the title names the paper's thing: a second one must be named as directly
            proposed.update({key, group})
            links.append(("proposes", span, rid))
        # an acronym defined for a proposed long form is proposed too ("Deterministic World Model (DWM)")
        for short, long, _ in aliases:
            if long.text.lower() in proposed:
                proposed.add(short.text.lower())
        return links, proposed

    # ------------------------------------------------------------------ the title
    @staticmethod
    def _title_end(texts: list[str]) -> int:
        """The token that ends the title (the blank line after it), or 0 where the text has no title."""
        for k in range(min(len(texts), 96)):
            if texts[k].count("\n") >= 2 and not texts[k].strip():
                return k
        return 0

    def _title_name(self, doc: Doc, texts: list[str], lower: list[str], spaces: list[int], names: _Names,
                    title_end: int) -> Span | None:
        """The name before the title's colon ("Arena: A Toolkit for ..."), as a mention, or None.

        A name that is no mention yet is added to ``names``, with its later uses in the abstract;
        so is a coined word that holds a shorter mention ("Recursive-NeRF", "A3T-GCN"), over it.
        """
        if title_end > self.title_max_tokens:
            return None
        colon = next((k for k in range(title_end) if texts[k] == ":"), None)
        desc = colon + 1 if colon else title_end
        if not colon:
            # "Arctic-Extract Technical Report": the name before a suffix that says what the paper is
            colon = next((title_end - len(suf) for suf in self.title_suffixes
                          if len(suf) < title_end and tuple(lower[title_end - len(suf) : title_end]) == suf), None)
        if not colon or any(texts[k] in ("?", "!") for k in range(colon)):
            return None
        words = self._words(texts, spaces, 0, colon, self.title_max_words + 1)
        if not words or words[-1][1] != colon or len(words) > self.title_max_words:
            return None
        ws = ["".join(texts[a:b]) for a, b in words]
        if ws[0].lower() in self.not_first or " ".join(ws).lower() in self.generic or ws[0].lower() in self.generic:
            return None
        # "rlpyt: A Research Code Base": one lower-case word is a name if the title or abstract says so
        lower_name = len(ws) == 1 and ws[0].islower() and any(c.isalpha() for c in ws[0])
        if not lower_name and (not _capitalised(ws[0]) or not _capitalised(ws[-1])
                               or any(not _capitalised(w) and w.lower() not in self.connectors for w in ws)):
            return None
        if len(ws) > 1 and ws[0].lower().endswith("ing"):
            return None  # "Standardising the NLP Workflow: ...", "Talking Heads: ...": a phrase, not a name
        head, kind = self._description_head(lower, desc, title_end)
        title_text = "".join(texts[:title_end])
        shouting = sum(c.isupper() for c in title_text) > 0.6 * max(1, sum(c.isalpha() for c in title_text))
        strong = len(ws) == 1 and _distinctive(ws[0]) and not shouting
        initials = self._initials_match(ws, texts, desc, title_end) if len(ws) == 1 else False
        if head in self.topic_heads and not initials:
            return None  # "X: A Survey", "ChatGPT: An Empirical Study": the paper is about X
        same = [e for e in names.ents if e.start < colon]
        inner = None
        if same and (len(same) > 1 or same[0].start != 0 or same[0].end != colon or same[0].label_ not in _LINKABLE):
            # "Recursive-NeRF: ...", "A3T-GCN: ...": one coined word holds the name of what it builds
            # on; "Vision GNN: ..." or "GPT-4-based: ..." may be the thing itself described
            a, b = words[0]
            if not strong or (b - a > 1 and texts[b - 2] == "-" and texts[b - 1].islower()) \
                    or not names.holds(0, colon):
                return None
            inner = next((e.label_ for e in same if e.label_ in _LINKABLE), None)
            same = []
        if same:
            e = same[0]
            if e.id_.startswith(self.famous) or (e.id_.startswith("lex.") and not strong):
                # a famous model or a plain known term before the colon is more often studied than
                # introduced ("ChatGPT: ..."); a coined name that a paper-derived list holds is
                # most likely this paper's ("MSSRNet: ...")
                return e if kind is not None else None
            if e.label_ == "Task" and not strong:
                return None
            if strong or kind is not None or initials or self._recurs(texts, spaces, 0, colon, title_end + 1):
                return e
            return None
        if not (strong or kind is not None or initials or self._recurs(texts, spaces, 0, colon, title_end + 1)):
            return None
        if lower_name and kind is None:
            return None  # "segmentation: ...": a lower-case word needs the title to say what it names
        label = kind or inner or "Method"
        span = names.add(0, colon, label, "link.name.title")
        self._add_uses(texts, spaces, names, [span], title_end + 1)
        return span

    def _title_long_forms(self, doc: Doc, texts: list[str], lower: list[str], sent_starts: set[int], title_end: int,
                          starts: dict[int, Span], known: set) -> list[tuple[int, Span, str]]:
        """Long forms of acronyms the abstract defines that the title names ("Hierarchical Graph
        Capsule Network" ... "we propose hierarchical graph capsule network (HGCN)") in a sentence
        where the paper introduces something: the paper's own thing, unless it is a task or a known
        technique ("we propose a Convolutional Neural Network (CNN) for ...")."""
        if not doc._.kg_aliases:
            return []
        title_words = _words_of(" ".join(texts[:title_end]))
        out = []
        for _, long, _ in doc._.kg_aliases:
            span = starts.get(long.start)
            if span is None or span.end != long.end or span.start <= title_end or span.label_ == "Task":
                continue
            words = _words_of(span.text)
            if len(words) < 2 or not _contains(title_words, words):
                continue
            if self._known(span, known) and not any(_distinctive(w) for w in span.text.split()):
                continue
            if not self._cue_before(lower, sent_starts, span.start):
                continue  # "Neural architecture search (NAS) has shown ...": the field, not the paper's
            out.append((_TITLE, span, self.title_rid + "_acronym"))
        return out

    def _cue_before(self, lower: list[str], sent_starts: set[int], i: int) -> bool:
        """Whether a propose cue ends before token ``i`` in its sentence (at most 60 tokens back)."""
        for k in range(i - 1, max(-1, i - 60), -1):
            if lower[k] in self.propose_cues.by_last and self.propose_cues.match(lower, k) is not None:
                return True
            if k in sent_starts:
                break
        return False

    def _description_head(self, lower: list[str], i: int, end: int) -> tuple[str | None, str | None]:
        """The head noun of the description that starts at token ``i`` ("A Toolkit for ..." -> toolkit)
        and the kind it gives (None where no head rule names it)."""
        if i < end and lower[i].endswith("ing"):
            return None, None  # "X: Evaluating LLMs as Agents" says what the paper does, not what X is
        j = i
        while j < end and j - i < 10 and lower[j] not in self.description_stops and lower[j] not in _PUNCT:
            j += 1
        if j == i:
            return None, None
        # the kind comes from the last head noun ("X-Embodied Foundation Model Technical Report" -> Model)
        for k in range(j, i, -1):
            for n in range(min(self._head_len, k - i), 0, -1):
                got = self.heads.get(tuple(lower[k - n : k]))
                if got is not None:
                    return lower[j - 1], got[0]
            word = lower[k - 1]
            if word.endswith("s") and (word[:-1],) in self.heads:
                return lower[j - 1], self.heads[(word[:-1],)][0]
        return lower[j - 1], None

    def _initials_match(self, ws: list[str], texts: list[str], i: int, end: int) -> bool:
        """Whether a one-word acronym before the colon spells the capitalised words after it
        ("HEMM: Holistic Evaluation of Multimodal Foundation Models"), letters in order, first to first."""
        letters = [c for c in ws[0] if c.isalpha()]
        if not (2 <= len(letters) <= 10) or not all(c.isupper() for c in letters):
            return False
        caps = [t[0] for t in texts[i:end] if t[:1].isupper()]
        if not caps or caps[0] != letters[0]:
            return False
        k = 0
        for c in caps:
            if k < len(letters) and c == letters[k]:
                k += 1
        return k == len(letters)

    def _recurs(self, texts: list[str], spaces: list[int], a: int, b: int, i: int) -> bool:
        """Whether tokens ``a:b`` occur again, as the same words with the same case, from token ``i`` on."""
        return next(self._occurrences(texts, spaces, [(a, b)], i), None) is not None

    @staticmethod
    def _occurrences(texts: list[str], spaces: list[int], parts: list[tuple[int, int]], i: int):
        """(start token, k) from token ``i`` on where tokens ``parts[k]`` (start, end) occur again as
        whole words: one pass over the tokens, whatever the number of parts."""
        by_first: dict[str, list[tuple[list[str], int]]] = {}
        for x, (a, b) in enumerate(parts):
            by_first.setdefault(texts[a], []).append((texts[a:b], x))
        for k in range(i, len(texts)):
            for name, x in by_first.get(texts[k], ()):
                n = len(name)
                if texts[k : k + n] != name:
                    continue
                # a whole word: no letters glued before or after ("Arena" is not in "Arenas" or "Arena-based")
                if k > 0 and not spaces[k - 1] and texts[k - 1] not in _PUNCT and not texts[k - 1].isspace():
                    continue
                if k + n < len(texts) and not spaces[k + n - 1] and texts[k + n] not in _PUNCT \
                        and not texts[k + n].isspace():
                    continue
                yield k, x
                break

    def _add_uses(self, texts: list[str], spaces: list[int], names: _Names, spans: list[Span], i: int) -> None:
        """Tag the later uses of the added names ``spans`` from token ``i`` on, with their types and
        rule ids, where no mention is or over the shorter mentions a use holds ("Recursive-NeRF"
        tagged "NeRF")."""
        for k, x in self._occurrences(texts, spaces, [(sp.start, sp.end) for sp in spans], i):
            sp = spans[x]
            n = sp.end - sp.start
            if names.free(k, k + n) or names.holds(k, k + n):
                names.add(k, k + n, sp.label_, sp.id_)

    # ------------------------------------------------------------------ the abstract
    def _words(self, texts: list[str], spaces: list[int], i: int, end: int, most: int) -> list[tuple[int, int]]:
        """Up to ``most`` words from token ``i`` (a word: tokens with no space between, "LD-ZNet"),
        stopping at punctuation or ``end``."""
        out: list[tuple[int, int]] = []
        j = i
        while j < end and len(out) < most and texts[j] not in _PUNCT and not texts[j].isspace():
            k = j + 1
            while k < end and k - j < _MAX_WORD_TOKENS and not spaces[k - 1] and texts[k] not in _PUNCT \
                    and not texts[k].isspace():
                k += 1
            out.append((j, k))
            if k < end and not spaces[k - 1]:
                break  # punctuation right after the word ends the run
            j = k
        return out

    def _name_at(self, texts: list[str], spaces: list[int], i: int, end: int, lower_ok: bool) -> int | None:
        """End token of a name that starts at token ``i``: capitalised words (joiners such as "of"
        between them, not "for" or "on", which start what the name is for), at most five; or, with
        ``lower_ok``, one lower-case word that ends the phrase."""
        words = self._words(texts, spaces, i, end, 6)
        if not words:
            return None
        first = "".join(texts[words[0][0] : words[0][1]])
        if not _capitalised(first):
            if not lower_ok or not any(c.isalpha() for c in first):
                return None
            nxt = words[0][1]
            # "called micro-attention, which": one word, then the phrase ends
            if len(words) > 1 and texts[nxt].lower() not in self.np_ends:
                return None
            return nxt
        out = words[0][1]
        k = 1
        while k < len(words) and k < 5:
            w = "".join(texts[words[k][0] : words[k][1]])
            if _capitalised(w):
                out = words[k][1]
            elif not (w.lower() in self.name_joiners and k + 1 < len(words)
                      and _capitalised("".join(texts[words[k + 1][0] : words[k + 1][1]]))):
                break
            k += 1
        return out

    def _named_by_cue(self, doc: Doc, texts: list[str], lower: list[str], spaces: list[int], sent_starts: set[int],
                      starts: dict[int, Span], names: _Names) -> list[tuple[int, Span, str]]:
        """Names given by a naming cue in a sentence where the paper introduces something
        ("we propose a method, called X"; "we call it X"). A name that ends at the acronym defined
        for it ("called Bag of Color Features (BoCF)") or a longer name than the mention there
        replaces the shorter mentions it holds."""
        out: list[tuple[int, Span, str]] = []
        n = len(lower)
        ends = self._naming_ends
        for i in range(n):
            if lower[i] not in ends:
                continue
            # the longest cue that holds here: "a framework called X" opens a sentence, else "called X"
            cue = next((c for c in self.naming_cues.matches(lower, i) if "lead" not in c[3]
                        or i - len(c[0]) + 1 == 0 or i - len(c[0]) + 1 in sent_starts), None)
            if cue is None:
                continue
            toks, rid, skip, flags = cue
            first = i - len(toks) + 1
            anchored = "anchored" not in flags or self._anchored(lower, sent_starts, first)
            j = i + 1
            kind = None
            # "we call this approach X": a few words that point at the thing before the name
            for _ in range(skip):
                if j < n and j not in starts and (lower[j] in self.pointers or (lower[j],) in self.heads):
                    kind = self.heads[(lower[j],)][0] if (lower[j],) in self.heads else kind
                    j += 1
            if j < n and lower[j] == "the" and not skip:
                j += 1  # "called the X"
            if j >= n or lower[j] in ("a", "an") or j in sent_starts:
                continue  # "called a Region Proposal Network": a kind of thing, not a name
            sent_end = next((k for k in range(j + 1, min(n, j + 40)) if k in sent_starts), min(n, j + 40))
            if texts[j] in _QUOTES:
                # 'called "Activation Replay"', 'which we call "reason for future"': the quotes say where it ends
                close = next((k for k in range(j + 1, min(sent_end, j + 14)) if texts[k] in _QUOTES), None)
                if close is None or close == j + 1:
                    continue
                j, end = j + 1, close
                # 'we call this approach "leave-one-out" training': the quoted words modify a longer name
                if not any(c.isalpha() for c in texts[j]) or not self._ends_phrase(lower, close + 1):
                    continue
            elif (paren := self._acronym_after(texts, spaces, j, sent_end)) is not None \
                    and (names.free(j, paren) or names.holds(j, paren)
                         or (j in starts and starts[j].end == paren)):
                # "namely Federated Learning by Instance reweighTing (FLIT)": the acronym ends the name
                end = paren
            elif j in starts:
                end = starts[j].end
                # "called Bag of Color Features" with only "Bag" tagged: the longer name, over it
                longer = self._name_at(texts, spaces, j, sent_end, lower_ok=False)
                if longer is not None and longer > end:
                    if not names.holds(j, longer):
                        continue
                    end = longer
            else:
                # a lower-case word is a name only right after "called" ("we refer to it as the hybrid
                # internal embedding" describes; "called micro-attention" names)
                end = self._name_at(texts, spaces, j, sent_end, lower_ok=not skip)
                if end is None:
                    continue
            # "a method called X is introduced": the propose cue may follow the name
            if not anchored and not self._anchored_after(lower, sent_starts, end):
                continue
            if sum(c.isalnum() for t in texts[j:end] for c in t) < 2:
                continue  # "denoted as T": a symbol, not a name
            if j in starts and starts[j].end == end:
                out.append((_DIRECT, starts[j], rid))
                continue
            if not names.free(j, end) and not names.holds(j, end):
                continue
            kind = kind or self._kind_before(lower, first)
            after = end + 1 if end < n and texts[end] in _QUOTES else end
            if kind is None and not any(c.isupper() or c.isdigit() for t in texts[j:end] for c in t) \
                    and not (after + 1 < n and texts[after] == "(" and _acronym_end(texts, spaces, after + 1, n)):
                # a lower-case name counts where the paper says what kind of thing it names
                # ("a lightweight attention variant, called micro-attention") or defines an
                # acronym for it ('which we call "reason for future, act for now" (RAFA)'), not
                # for a phenomenon ("a type of overfitting that we call 'data-copying'")
                continue
            if kind is None and j in starts:
                kind = starts[j].label_  # "Bag" (Method) in "Bag of Color Features"
            span = names.add(j, end, kind or "Method", "link.name.cue")
            out.append((_DIRECT, span, rid))
        return out

    def _coined_after_cue(self, doc: Doc, texts: list[str], lower: list[str], spaces: list[int],
                          sent_starts: set[int], names: _Names) -> None:
        """Add to ``names`` a coined name that no component tagged whole, right after a propose cue
        ("we propose LogicCBM, a ..."): one word shaped like a name ("LogicCBM", "X2Former") that
        ends its phrase, over the shorter mentions it holds ("Recursive-NeRF"). Typed by the
        appositive after it (", a benchmark ..."), else by what it holds, else Method."""
        n = len(lower)
        for i in range(n - 1):
            cue = self.propose_cues.match(lower, i) if lower[i] in self.propose_cues.by_last else None
            if cue is None:
                continue
            j = i + 2 if lower[i + 1] == "the" else i + 1
            if j >= n or j in sent_starts:
                continue
            words = self._words(texts, spaces, j, min(n, j + 4 * _MAX_WORD_TOKENS), 4)
            if not words:
                continue
            end = words[0][1]
            word = "".join(texts[j:end])
            kind = self._appositive_kind(lower, sent_starts, words[-1][1])
            if not names.free(j, end) and not (_distinctive(word) and names.holds(j, end)):
                continue  # a mention is there already
            if _distinctive(word):
                # "GPT-4-based", "BERT-style": a name used as a modifier, not a new name
                if (end - j > 1 and texts[end - 2] == "-" and texts[end - 1].islower()) or not self._ends_phrase(lower, end):
                    continue
                kind = self._appositive_kind(lower, sent_starts, end)
            elif kind is not None and cue[1] == self.we_rid and lower[words[-1][1] + 1] in ("a", "an") \
                    and all(texts[a:b] == lower[a:b] for a, b in words) \
                    and lower[j].isalpha() and lower[j] not in self.pointers \
                    and lower[j] not in ("a", "an") and not any(lower[a] in self.np_ends for a, _ in words):
                # "we propose multipoint quantization, a quantization method": lower-case words the
                # paper names as its own by saying at once what kind of thing they are
                end = words[-1][1]
            else:
                continue
            if not names.free(j, end) and not names.holds(j, end):
                continue
            inner = next((names.ents[names.owner[t]].label_ for t in range(j, end) if t in names.owner), None)
            names.add(j, end, kind or (inner if inner in _LINKABLE else None) or "Method", "link.name.cue")

    def _acronym_after(self, texts: list[str], spaces: list[int], j: int, limit: int) -> int | None:
        """The "(" token of an acronym defined for the words from token ``j`` on ("Bag of Color Features
        (BoCF)", "quaternion Hardy filter (QHF)"): two to eight words, then "(" an acronym ")" whose
        first letter is theirs. None where there is none."""
        words = self._words(texts, spaces, j, limit, 9)
        if not 2 <= len(words) <= 8:
            return None
        paren = words[-1][1]
        if paren >= limit or texts[paren] != "(" or _acronym_end(texts, spaces, paren + 1, limit) is None:
            return None
        return paren if texts[paren + 1][0].lower() == texts[j][0].lower() else None

    def _defined_after_cue(self, doc: Doc, texts: list[str], lower: list[str], spaces: list[int],
                           sent_starts: set[int], names: _Names, title_end: int) -> list[tuple[int, Span, str]]:
        """What a propose cue introduces by defining an acronym for it ("this paper proposes a
        semantic-aware makeup cleanser (SAMC)": the long form where it is a mention, else the
        acronym, added as a name where no mention is) or by the title's own words ("This paper
        introduces Bayesian attention belief networks" under the title "Bayesian Attention Belief
        Networks", added over the shorter mentions they hold)."""
        out: list[tuple[int, Span, str]] = []
        n = len(lower)
        phrase = self._title_phrase(texts, lower, spaces, title_end)
        first_new = len(names.new)
        at: dict[tuple[int, int], Span] | None = None
        by_end: dict[int, list[Span]] = {}
        for i in range(title_end, n - 1):
            if lower[i] not in self.propose_cues.by_last:
                continue
            cue = self.propose_cues.match(lower, i)
            if cue is None:
                continue
            toks, rid, window, blockers = cue
            if toks[0] not in ("is", "are") and window < 3:
                continue  # "the proposed X": it points at a mention, defines nothing
            if at is None:
                # the mentions by position, read once per doc that has a cue
                at = {(e.start, e.end): e for e in names.kept() + names.new}
                for e in at.values():
                    by_end.setdefault(e.end, []).append(e)
            if toks[0] in ("is", "are"):
                if toks[-1] in self.passive_not_own:
                    continue
                # "an end-to-end multi-task network (MTN) is designed": the acronym before the cue
                # (not "(TD3) is introduced for ...", which as often tells what the paper uses)
                paren = self._bracket_before(texts, spaces, lower, i - len(toks) + 1)
                if paren is not None:
                    begin = max((k for k in sent_starts if k <= paren), default=0)
                    got = self._acronym_name(doc, texts, lower, spaces, names, at, by_end, begin, paren)
                    if got is not None:
                        out.append((_DIRECT, got, rid))
                continue
            j = i + 1
            while j < n and (lower[j] in ("a", "an", "the", "our") or lower[j] in self.pointers):
                j += 1
            if phrase and tuple(lower[j : j + len(phrase)]) == phrase and j not in sent_starts \
                    and (self._ends_phrase(lower, j + len(phrase)) or lower[j + len(phrase)] == "("):
                got = self._title_words_at(names, at, j, j + len(phrase), lower)
                if got is not None:
                    out.append((_TITLE, got, self.title_rid + "_words"))
                    continue
            # "we devise an Entity-aware Attention (EA) module and a Relation-aware Attention (RA)
            # module": the first bracket after the cue, then one after each "and" that follows it
            start = i + 1
            for _ in range(3):
                paren = self._first_bracket(texts, spaces, lower, sent_starts, blockers, start, min(n, start + window),
                                            by_end)
                if paren is None:
                    break
                got = self._acronym_name(doc, texts, lower, spaces, names, at, by_end, start, paren)
                if got is None:
                    break
                out.append((_DIRECT, got, rid))
                close = paren + 1
                while close < n and texts[close] != ")":
                    close += 1
                # the acronym's head noun may come before the "and" ("(EA) module and a ...")
                start = next((k + 1 for k in range(close + 1, min(n, close + 4))
                              if lower[k] == "and" and k not in sent_starts), None)
                if start is None or any(k in sent_starts or lower[k] in blockers for k in range(close + 1, start)):
                    break
        acronyms = [e for e in names.new[first_new:] if e.id_ == "link.name.cue"]
        if acronyms:
            self._add_uses(texts, spaces, names, acronyms, min(e.end for e in acronyms))  # "SAMC" again further on
        return out

    def _bracket_before(self, texts: list[str], spaces: list[int], lower: list[str], i: int) -> int | None:
        """The "(" of an acronym that ends right before token ``i``, or before one or two head nouns
        there ("(MTN) is designed", "(ALSE) method is proposed"); None where there is none."""
        k = i - 1
        for _ in range(2):
            if k >= 0 and (lower[k],) in self.heads:
                k -= 1
        if k < 2 or texts[k] != ")":
            return None
        paren = next((p for p in range(k - 1, max(-1, k - _MAX_WORD_TOKENS - 1), -1) if texts[p] == "("), None)
        if paren is None or _acronym_end(texts, spaces, paren + 1, k + 1) != k:
            return None
        return paren

    @staticmethod
    def _first_bracket(texts: list[str], spaces: list[int], lower: list[str], sent_starts: set[int],
                       blockers: frozenset[str], start: int, stop: int, ends: dict[int, list[Span]]) -> int | None:
        """The first "(" from token ``start`` to ``stop`` that opens an acronym, after two words at
        least and before any blocker word, sentence start or comma after a mention ("we introduce
        SurvNet, the first ... (CoT)": what follows describes the name); None where the first
        bracket is not one. ``ends``: the mentions by end token."""
        for k in range(start, stop):
            # a blocker inside a word is none ("Chain-of-Thought")
            if k in sent_starts or (lower[k] in blockers and (k == 0 or spaces[k - 1])) \
                    or (texts[k] == "," and k in ends):
                return None
            if texts[k] == "(":
                ok = k > start + 1 and _acronym_end(texts, spaces, k + 1, min(len(texts), stop + 8)) is not None
                return k if ok else None
        return None

    def _acronym_name(self, doc: Doc, texts: list[str], lower: list[str], spaces: list[int], names: _Names,
                      at: dict[tuple[int, int], Span], by_end: dict[int, list[Span]], i: int, paren: int) -> Span | None:
        """The thing an acronym defined at ``paren`` names, in the words from token ``i``: its long
        form or the acronym where either is a linkable mention, else the acronym as a new name;
        None where the acronym is a mention of another kind (a metric) or its first letter
        starts none of the words before it. ``at`` / ``by_end``: the mentions by (start, end)
        and by end token."""
        a = paren + 1
        b = _acronym_end(texts, spaces, a, min(len(texts), a + _MAX_WORD_TOKENS + 1))
        if b is None:
            return None
        if texts[a][0].lower() not in {lower[k][0] for k in range(i, paren) if lower[k][:1].isalpha()}:
            return None  # "(Table 2)", "(CIFAR)": not defined here
        for short, long, _ in doc._.kg_aliases or ():
            if short.start == a and long.end == paren:
                span = at.get((long.start, long.end))
                if span is not None and span.label_ in _LINKABLE:
                    return span
        # "we propose 3D Multi-Conditional GAN (MCGAN)": a mention that ends at the bracket is the long form
        # (its first letter the acronym's: in "a Mean Teacher + Transfer GAN (MTT-GAN)" "GAN" is not it)
        long = next((e for e in by_end.get(paren, ()) if e.start >= i and e.label_ in _LINKABLE
                     and lower[e.start][:1] == lower[a][:1]), None)
        if long is not None and any(c.isupper() or c.isdigit() for c in long.text):
            return long
        span = at.get((a, b))
        if span is not None:
            return span if span.label_ in _LINKABLE else None
        if long is not None:
            return long  # "a sparse gated network (SGN)": written lower case, named by its acronym
        if not names.free(a, b) and not names.holds(a, b):
            return None  # "(MTT-GAN)" with "GAN" tagged: the acronym, over it
        kind = self._kind_before(lower, paren)
        return names.add(a, b, kind or "Method", "link.name.cue")

    def _title_phrase(self, texts: list[str], lower: list[str], spaces: list[int], title_end: int) -> tuple[str, ...] | None:
        """The lower-case words of a title without a colon that opens with a name: its capitalised
        words up to a word that says what the name is for ("Bayesian Attention Belief Networks",
        "Bag of Color Features For Color Constancy"), two to six words. None for other titles,
        and for a title that opens with two things ("Stacked Denoising Autoencoders and ...")."""
        if not title_end or title_end > self.title_max_tokens or any(texts[k] == ":" for k in range(title_end)):
            return None
        end = 0
        while end < title_end and lower[end] not in self.description_stops and texts[end] not in _PUNCT \
                and not texts[end].isspace() and lower[end] not in ("and", "or", "vs", "vs.", "--", "—", "–"):
            end += 1
        if end < title_end and lower[end] in ("and", "or", "vs", "vs."):
            return None
        words = self._words(texts, spaces, 0, end, 7)
        if not 2 <= len(words) <= 6 or words[-1][1] != end:
            return None
        ws = ["".join(texts[a:b]) for a, b in words]
        first = ws[0].lower()
        if not all(_capitalised(w) or w.lower() in self.name_joiners for w in ws) or first in self.not_first \
                or first in self.generic or first.endswith("ing"):
            return None
        return tuple(lower[:end])

    def _title_words_at(self, names: _Names, at: dict[tuple[int, int], Span], a: int, b: int,
                        lower: list[str]) -> Span | None:
        """The title's words found again on tokens ``a:b``: the mention there, or a new name over the
        shorter mentions they hold, when two of their words are no mention ("Stacked Wasserstein
        Autoencoder"; not "Deep Q-Learning", a known method with an adjective)."""
        span = at.get((a, b))
        if span is not None:
            return span if span.label_ in _LINKABLE else None
        if not (names.free(a, b) or names.holds(a, b)):
            return None
        if sum(1 for t in range(a, b) if t not in names.owner and lower[t].isalpha()) < 2:
            return None
        kind = self.heads.get((lower[b - 1],)) or self.heads.get((lower[b - 1][:-1],))
        inner = next((names.ents[names.owner[t]].label_ for t in range(a, b) if t in names.owner), None)
        return names.add(a, b, (kind[0] if kind else None) or (inner if inner in _LINKABLE else None) or "Method",
                         "link.name.title")

    def _appositive_kind(self, lower: list[str], sent_starts: set[int], end: int) -> str | None:
        """The kind an appositive right after token ``end`` gives (", a quantization method" -> Method)."""
        n = len(lower)
        if end + 1 < n and lower[end] == "," and lower[end + 1] in ("a", "an", "the"):
            stop = next((k for k in range(end + 2, min(n, end + 14)) if k in sent_starts), min(n, end + 14))
            return self._description_head(lower, end + 1, stop)[1]
        return None

    def _anchored_after(self, lower: list[str], sent_starts: set[int], end: int) -> bool:
        """Whether a propose cue ends within a few tokens after a name ("called X is introduced")."""
        for k in range(end, min(len(lower), end + 5)):
            if k > end and k in sent_starts:
                return False
            if lower[k] in self.propose_cues.by_last and self.propose_cues.match(lower, k) is not None:
                return True
        return False

    def _anchored(self, lower: list[str], sent_starts: set[int], i: int) -> bool:
        """Whether the naming cue at token ``i`` names the paper's own thing: a propose cue ends
        earlier in its sentence ("we design an algorithm named X"), "our" opens the phrase just
        before it ("our method, called X"), or "we" did something to it that is not using it
        ("we first simulate a benchmark called X"; not "we evaluate on a benchmark called X")."""
        used = False
        for k in range(i - 1, max(-1, i - 40), -1):
            if lower[k] in self.propose_cues.by_last and self.propose_cues.match(lower, k) is not None:
                return True
            if lower[k] in self.use_cues.by_last and self.use_cues.match(lower, k) is not None:
                used = True
            if lower[k] == "our" and i - k <= 5:
                return True
            if lower[k] == "we" and not used:
                return True
            if k in sent_starts:
                break
        return False

    def _kind_before(self, lower: list[str], i: int) -> str | None:
        """The kind named by the head noun just before token ``i`` ("a benchmark, called X" -> Dataset)."""
        j = i
        while j > 0 and lower[j - 1] in (",", "which", "is", "we", "that"):
            j -= 1
        for n in range(min(self._head_len, j), 0, -1):
            got = self.heads.get(tuple(lower[j - n : j]))
            if got is not None:
                return got[0]
        return None

    def _is_object(self, lower: list[str], i: int, span: Span) -> bool:
        """Whether a mention after a propose cue (that ends before token ``i``) is the thing proposed,
        not a modifier of a longer phrase ("an advanced RAG framework", "causal de Finetti theorems")."""
        k = span.end
        defined = False
        if k < len(lower) and lower[k] == "(":
            # "a Feature Restoration (FR) operation": look past the acronym
            close = next((c for c in range(k + 1, min(len(lower), k + 5)) if lower[c] == ")"), None)
            if close is not None:
                k, defined = close + 1, True
        indefinite = any(w in ("a", "an") for w in lower[i : span.start])
        if defined:
            # "a Feature Restoration (FR) operation", "a low-rank regularizer (LR)" define an acronym
            # for the name ("an active learning (AL) framework" is known: see _choose)
            return True
        if k < len(lower) and (lower[k],) in self.heads:
            # "the DYNAMICQA dataset" names the dataset; "a (new) GAN model" is a kind built on GAN
            return not indefinite
        return self._ends_phrase(lower, k)

    def _ends_phrase(self, lower: list[str], k: int) -> bool:
        """Whether a name that ends before token ``k`` ends its noun phrase: punctuation, a function
        word or a verb follows, not a noun that the name modifies ("de Finetti theorems",
        "Transformer distillation", "RAG framework")."""
        if k >= len(lower):
            return True
        word = lower[k]
        if word in ("+", "&", "/"):
            return False  # "Mean Teacher + Transfer GAN": the name goes on
        if not word.isalpha() or word in self.np_ends or word.endswith("ly"):
            return True
        return (word,) not in self.heads and not word.endswith(self.noun_suffixes)

    @staticmethod
    def _known(span: Span, known: set) -> bool:
        """A name from a curated lexicon (``known``: the (start, end) tokens a lexicon names, and the
        lower-case acronyms defined for them): something broadly known, so rarely what a paper introduces."""
        return span.id_.startswith("lex.") or (span.start, span.end) in known or span.text.lower() in known

    @staticmethod
    def _first_after(lower: list[str], spaces: list[int], sent_starts: set[int], starts: dict[int, Span], i: int,
                     window: int, blockers: frozenset[str]) -> Span | None:
        """The first linkable mention starting within ``window`` tokens of ``i`` in the same sentence
        (``lower``: the doc's lower-case tokens; ``sent_starts``: where its sentences start); a
        blocker word inside a word ("a Chain-of-Thought ...") does not stop it."""
        for j in range(i, min(len(lower), i + window)):
            if j in starts:
                return starts[j]
            if j > i and (j in sent_starts or (lower[j] in blockers and spaces[j - 1])):
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


@Language.factory(
    "kg_links",
    assigns=["doc._.kg_links", "doc.ents"],
    requires=["doc.ents"],
    default_config={"max_proposes": 3, "max_weak_proposes": 2, "max_title_words": 4, "max_title_tokens": 64},
)
def make_links(nlp: Language, name: str, *, max_proposes: int, max_weak_proposes: int, max_title_words: int,
               max_title_tokens: int) -> PaperLinker:
    """spaCy factory for :class:`PaperLinker` (cues from rules/links.jsonl, word lists from
    rules/links_settings.json, read by ``initialize``). ``max_proposes``: most things one paper
    proposes; ``max_weak_proposes``: most proposals in all while one is only a mention further on
    after a cue or before an appositive; ``max_title_words`` / ``max_title_tokens``: the longest
    name before a title's colon, and the longest title read for one."""
    return PaperLinker(nlp, name, max_proposes=max_proposes, max_weak_proposes=max_weak_proposes,
                       max_title_words=max_title_words, max_title_tokens=max_title_tokens)
