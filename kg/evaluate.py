"""Measure kg's extraction against human-annotated text.

Scoring only: ``kg extract`` (:mod:`kg.cli.extract`) writes the predictions,
in the format :func:`extraction_to_dict` defines and :func:`read_predictions`
reads back. Three parts, each usable on its own:

* :func:`read_gold` reads annotated text, either kg's evaluation format (one
  ``{"id", "corpus", "text", "entities", "ignore", "relations"}`` object per line)
  or DyGIE-style token JSON (``doc_key`` / ``sentences`` / ``ner``), detected
  from the first record;
* :func:`evaluate` scores predictions (the ``kg extract`` format) against gold,
  per corpus, for entities under three schemes and for relations.

Scoring rules
-------------
kg types and relation labels are first mapped to the corpus's own labels with the
mapping in ``rules/eval_mappings.json`` (or a user file, same format); a kg type
or relation label with no mapping for a corpus is dropped from that corpus's counts.
A predicted mention that overlaps one or more ``ignore`` spans and no gold entity
is neither right nor wrong and is left out (likewise a predicted relation with such
an argument). Entity schemes:

* ``exact``: same start, end and mapped label;
* ``partial``: spans overlap and labels match, one-to-one: the count is a
  maximum matching of overlapping same-label (gold, prediction) pairs, each gold
  and each prediction used at most once (augmenting paths, larger overlaps tried
  first; see :func:`_max_matching` for why not plain greedy);
* ``doc_set``: per text and label, the set of distinct mention strings
  (lower-cased, hyphens as spaces, whitespace collapsed) compared as sets.

Relations: a prediction matches a gold relation with the same mapped label whose
head and tail spans it overlaps (either way round for the corpus's symmetric
labels), one-to-one by the same maximum matching. kg's acronym definitions
(``aliases``: short, long) count as ``alias_of`` relations. Gold relations whose
label no kg label maps to are left out of recall.

Gold texts and ids are cleaned as kg's readers clean text (lone surrogates and
control characters other than tab, newline and CR become U+FFFD, one for one), so
offsets hold and they meet ``kg extract``'s output of the same file exactly.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, RuleError
from .readers.common import clean_text, text_lines
from .records import Mention, Paper, PaperExtraction
from .resources import rules_path

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "SCHEMES",
    "Span",
    "GoldDoc",
    "RelationTarget",
    "CorpusMapping",
    "Counts",
    "Scores",
    "CorpusReport",
    "load_mappings",
    "corpus_key",
    "extraction_to_dict",
    "read_gold",
    "dygie_to_gold",
    "read_predictions",
    "predict",
    "load_default_pipeline",
    "normalize_mention",
    "score_entities",
    "score_relations",
    "evaluate",
    "evaluate_file",
    "format_report",
    "report_to_json",
]

#: entity scoring schemes, in the order they are reported
SCHEMES: tuple[str, ...] = ("exact", "partial", "doc_set")

_MAPPING_FILE = "eval_mappings.json"
_HYPHENS = re.compile("[-\u2010\u2011]")
_SPACES = re.compile(r"\s+")


# --------------------------------------------------------------------------- records


@dataclasses.dataclass(frozen=True, slots=True)
class Span:
    """A labelled character span ``[start, end)`` of a document's text."""

    start: int
    end: int
    label: str
    text: str = ""

    def overlap(self, other: "Span") -> int:
        """Number of characters the two spans share (0 when disjoint)."""
        return max(0, min(self.end, other.end) - max(self.start, other.start))


@dataclasses.dataclass(slots=True)
class GoldDoc:
    """One annotated text: in-scope entities, ``ignore`` spans and relations (entity indices)."""

    id: str
    corpus: str
    text: str
    entities: list[Span]
    ignore: list[Span] = dataclasses.field(default_factory=list)
    relations: list[tuple[int, int, str]] = dataclasses.field(default_factory=list)
    where: str = ""  # "file:line", for error messages


@dataclasses.dataclass(frozen=True, slots=True)
class RelationTarget:
    """Where a kg relation label lands in a corpus: its label, and whether head/tail swap."""

    label: str
    reverse: bool = False


@dataclasses.dataclass(slots=True)
class CorpusMapping:
    """kg type -> corpus entity label, kg relation label -> :class:`RelationTarget`."""

    name: str
    entities: dict[str, str]
    relations: dict[str, RelationTarget]
    symmetric: frozenset[str] = frozenset()
    description: str = ""


@dataclasses.dataclass(slots=True)
class Counts:
    """True positives and the sizes of the gold and predicted sets."""

    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0

    @property
    def precision(self) -> float:
        """tp / n_pred (0.0 when nothing was predicted)."""
        return self.tp / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        """tp / n_gold (0.0 when there is no gold)."""
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall (0.0 when both are 0)."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "Counts") -> None:
        """Accumulate ``other`` into this one."""
        self.tp += other.tp
        self.n_pred += other.n_pred
        self.n_gold += other.n_gold

    def as_dict(self) -> dict[str, float | int]:
        """Counts and P / R / F1 (fractions in [0, 1]) as a JSON-ready dict."""
        return {
            "tp": self.tp,
            "fp": self.n_pred - self.tp,
            "fn": self.n_gold - self.tp,
            "n_pred": self.n_pred,
            "n_gold": self.n_gold,
            "precision": round(self.precision, 6),
            "recall": round(self.recall, 6),
            "f1": round(self.f1, 6),
        }


class Scores:
    """Per-label :class:`Counts`; ``overall`` is their micro-average (summed counts)."""

    def __init__(self) -> None:
        self.per_label: dict[str, Counts] = defaultdict(Counts)

    def count(self, label: str, *, tp: int = 0, n_pred: int = 0, n_gold: int = 0) -> None:
        """Add counts for ``label``."""
        c = self.per_label[label]
        c.tp += tp
        c.n_pred += n_pred
        c.n_gold += n_gold

    def merge(self, other: "Scores") -> None:
        """Accumulate every label of ``other``."""
        for label, c in other.per_label.items():
            self.per_label[label].add(c)

    @property
    def overall(self) -> Counts:
        """Counts summed over all labels (micro-average)."""
        total = Counts()
        for c in self.per_label.values():
            total.add(c)
        return total

    def as_dict(self) -> dict[str, Any]:
        """``{"overall": {...}, "per_label": {label: {...}}}``."""
        return {
            "overall": self.overall.as_dict(),
            "per_label": {k: v.as_dict() for k, v in sorted(self.per_label.items())},
        }


@dataclasses.dataclass(slots=True)
class CorpusReport:
    """All scores of one corpus: entity scores per scheme, relation scores."""

    corpus: str
    n_docs: int = 0
    entities: dict[str, Scores] = dataclasses.field(default_factory=lambda: {s: Scores() for s in SCHEMES})
    relations: Scores = dataclasses.field(default_factory=Scores)
    has_relations: bool = False  # whether the mapping has any relation label for this corpus


# --------------------------------------------------------------------------- mappings


def _default_mapping_path() -> Path:
    """rules/eval_mappings.json, shipped with the package."""
    return rules_path() / _MAPPING_FILE


def load_mappings(extra: str | Path | None = None) -> dict[str, CorpusMapping]:
    """Corpus name -> :class:`CorpusMapping`: the shipped table, updated by ``extra``.

    ``extra`` is a user JSON file in the same format as rules/eval_mappings.json;
    its corpora are added to (or replace) the shipped ones.
    """
    mappings = _read_mapping_file(_default_mapping_path())
    if extra is not None:
        mappings.update(_read_mapping_file(Path(extra)))
    return mappings


def _read_mapping_file(path: Path) -> dict[str, CorpusMapping]:
    """Parse one mapping file, raising :class:`RuleError` that names the file and corpus."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RuleError(f"{path}: cannot read mapping file ({exc.strerror or exc})") from None
    except json.JSONDecodeError as exc:
        raise RuleError(f"{path}:{exc.lineno}: invalid JSON ({exc.msg})") from None
    corpora = data.get("corpora") if isinstance(data, dict) else None
    if not isinstance(corpora, dict):
        raise RuleError(f"{path}: expected an object with a 'corpora' object")
    out: dict[str, CorpusMapping] = {}
    for name, spec in corpora.items():
        where = f"{path}: corpus {name!r}"
        if not isinstance(spec, dict) or not isinstance(spec.get("entities"), dict):
            raise RuleError(f"{where}: expected an object with an 'entities' object")
        entities = spec["entities"]
        if not all(isinstance(v, str) for v in entities.values()):
            raise RuleError(f"{where}: 'entities' values must be corpus label strings")
        relations: dict[str, RelationTarget] = {}
        for kg_label, target in (spec.get("relations") or {}).items():
            if kg_label.startswith("_"):
                continue
            if isinstance(target, str):
                relations[kg_label] = RelationTarget(target)
            elif isinstance(target, dict) and isinstance(target.get("label"), str):
                relations[kg_label] = RelationTarget(target["label"], bool(target.get("reverse", False)))
            else:
                raise RuleError(f"{where}: relation {kg_label!r} must map to a label or {{\"label\", \"reverse\"}}")
        symmetric = spec.get("symmetric_relations") or []
        if not isinstance(symmetric, list):
            raise RuleError(f"{where}: 'symmetric_relations' must be a list of labels")
        out[name.lower()] = CorpusMapping(
            name=name.lower(),
            entities={k: v for k, v in entities.items() if not k.startswith("_")},
            relations=relations,
            symmetric=frozenset(symmetric),
            description=str(spec.get("description", "")),
        )
    return out


def corpus_key(name: str, mappings: dict[str, CorpusMapping]) -> str | None:
    """The mapping a corpus name selects: the longest mapping name that prefixes it.

    Case-insensitive, so ``"sciER-dev"`` -> ``"scier"`` and ``"scierc"`` -> ``"scierc"``;
    None when no mapping name fits.
    """
    low = name.strip().lower()
    fits = [k for k in mappings if low.startswith(k)]
    return max(fits, key=len) if fits else None


# --------------------------------------------------------------------------- reading


def _json_lines(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each non-blank line of a JSONL file, or :class:`InputError` naming file and line.

    The file is read with kg's readers' checks (missing, empty, binary, not UTF-8,
    a byte-order mark), and lines end only at ``\\n`` / ``\\r``: ``str.splitlines``
    would also cut at U+2028, which JSON strings may hold unescaped.
    """
    for lineno, line in enumerate(text_lines(path), 1):
        if line.strip():
            yield lineno, _parse_json_line(line, path, lineno)


def _parse_json_line(line: str, path: Path, lineno: int) -> dict:
    """One JSONL line as a dict, or :class:`InputError` naming file and line."""
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{lineno}: invalid JSON ({exc.msg})") from None
    except RecursionError:
        raise InputError(f"{path}:{lineno}: invalid JSON (nested too deeply to read)") from None
    except ValueError as exc:  # an integer literal longer than Python converts
        raise InputError(f"{path}:{lineno}: invalid JSON ({exc})") from None
    if not isinstance(rec, dict):
        raise InputError(f"{path}:{lineno}: expected a JSON object, got {type(rec).__name__}")
    return rec


# --------------------------------------------------------------------------- gold


def read_gold(path: str | Path, *, corpus: str | None = None) -> list[GoldDoc]:
    """Read annotated documents, auto-detecting kg's eval JSONL or DyGIE-style JSON.

    The format is decided by the first record: ``sentences`` + ``ner`` means DyGIE
    (see :func:`dygie_to_gold`), otherwise kg's format with ``text`` and ``entities``.
    ``corpus`` overrides each record's ``corpus`` field (DyGIE records fall back to
    their ``dataset`` field). Raises :class:`InputError` naming file and line.
    """
    p = Path(path)
    docs: list[GoldDoc] = []
    dygie: bool | None = None
    for lineno, rec in _json_lines(p):
        if dygie is None:
            dygie = "sentences" in rec and "ner" in rec
        where = f"{p}:{lineno}"
        docs.append(dygie_to_gold(rec, where=where, corpus=corpus) if dygie else _kg_gold(rec, where, corpus))
    return docs


def _kg_gold(rec: dict, where: str, corpus: str | None) -> GoldDoc:
    """One record of kg's evaluation format as a :class:`GoldDoc`."""
    text = rec.get("text")
    if not isinstance(text, str):
        raise InputError(f"{where}: record has no \"text\" string")
    text = clean_text(text)
    name = corpus or rec.get("corpus")
    if not isinstance(name, str) or not name:
        raise InputError(f"{where}: record has no \"corpus\" field; pass --corpus NAME")

    def spans(key: str) -> list[Span]:
        out = []
        for i, e in enumerate(rec.get(key) or []):
            try:
                s, t, label = int(e["start"]), int(e["end"]), str(e["label"])
            except (KeyError, TypeError, ValueError):
                raise InputError(f"{where}: {key}[{i}] needs integer \"start\", \"end\" and a \"label\"") from None
            if not 0 <= s < t <= len(text):
                raise InputError(f"{where}: {key}[{i}] offsets {s}-{t} are outside the text (length {len(text)})")
            out.append(Span(s, t, label, text[s:t]))
        return out

    entities = spans("entities")
    relations = []
    for i, r in enumerate(rec.get("relations") or []):
        try:
            h, t, label = int(r["head"]), int(r["tail"]), str(r["label"])
        except (KeyError, TypeError, ValueError):
            raise InputError(f"{where}: relations[{i}] needs integer \"head\", \"tail\" and a \"label\"") from None
        if not (0 <= h < len(entities) and 0 <= t < len(entities)):
            raise InputError(f"{where}: relations[{i}] points outside \"entities\"")
        relations.append((h, t, label))
    return GoldDoc(
        id=clean_text(str(rec.get("id", where))),
        corpus=name,
        text=text,
        entities=entities,
        ignore=spans("ignore"),
        relations=relations,
        where=where,
    )


def dygie_to_gold(rec: dict, *, where: str = "", corpus: str | None = None) -> GoldDoc:
    """Convert one DyGIE-style record (SciERC format) to a :class:`GoldDoc`.

    ``sentences`` is a list of token lists; the text is every token joined by one
    space (sentences too), so token ``i`` starts right after token ``i-1`` and a
    space. ``ner`` holds, per sentence, ``[start_tok, end_tok_inclusive, label]``
    and ``relations`` ``[h_start, h_end, t_start, t_end, label]``, with
    document-level token indices (as DyGIE writes them). Relation ends that are not
    annotated entities are added to no list and the relation is dropped.
    """
    sentences = rec.get("sentences")
    if not isinstance(sentences, list) or not all(isinstance(s, list) for s in sentences):
        raise InputError(f"{where}: DyGIE record needs \"sentences\" as a list of token lists")
    tokens = [clean_text(str(t)) for sent in sentences for t in sent]
    starts: list[int] = []
    pos = 0
    for tok in tokens:
        starts.append(pos)
        pos += len(tok) + 1
    text = " ".join(tokens)

    def char_span(s: int, e: int, label: str, what: str) -> Span:
        if not 0 <= s <= e < len(tokens):
            raise InputError(f"{where}: {what} token span {s}-{e} is outside the document ({len(tokens)} tokens)")
        a, b = starts[s], starts[e] + len(tokens[e])
        return Span(a, b, label, text[a:b])

    entities: list[Span] = []
    index: dict[tuple[int, int], int] = {}
    for sent in rec.get("ner") or []:
        for item in sent:
            s, e, label = int(item[0]), int(item[1]), str(item[2])
            if (s, e) not in index:
                index[(s, e)] = len(entities)
                entities.append(char_span(s, e, label, "ner"))
    relations = []
    for sent in rec.get("relations") or []:
        for item in sent:
            hs, he, ts, te, label = int(item[0]), int(item[1]), int(item[2]), int(item[3]), str(item[4])
            h, t = index.get((hs, he)), index.get((ts, te))
            if h is not None and t is not None:
                relations.append((h, t, label))
    name = corpus or rec.get("corpus") or rec.get("dataset")
    if not isinstance(name, str) or not name:
        raise InputError(f"{where}: DyGIE record has no \"dataset\" field; pass --corpus NAME")
    return GoldDoc(
        id=clean_text(str(rec.get("doc_key", where))),
        corpus=name,
        text=text,
        entities=entities,
        relations=relations,
        where=where,
    )


# --------------------------------------------------------------------------- predictions


def extraction_to_dict(ext: PaperExtraction) -> dict[str, Any]:
    """One extraction as the plain JSON object ``kg extract`` writes per line.

    ``{"id", "entities": [{"start", "end", "label", "text", "rule", "raw"?}],
    "relations": [{"head", "tail", "label", "rule"}], "aliases": [{"short", "long", "rule"}],
    "findings": [{<Finding fields>, "sentence"}]}``; relation and alias ends index
    ``entities``, offsets are into ``Paper.content``. An entity's ``text`` is the name as the
    pipeline read it (:mod:`kg.textnorm`: "Fréchet"); where the content at its offsets is
    written otherwise (``Fr\\'echet``), ``raw`` holds that.
    """
    content = ext.paper.content
    findings = []
    for f in ext.findings:
        d = dataclasses.asdict(f)
        d["settings"] = list(f.settings)
        d["sentence"] = ext.sentence(f.sent) if 0 <= f.sent < len(ext.sentences) else ""
        findings.append(d)
    return {
        "id": ext.paper.id,
        "entities": [_entity_dict(m, content) for m in ext.mentions],
        "relations": [{"head": r.head, "tail": r.tail, "label": r.label, "rule": r.rule} for r in ext.relations],
        "aliases": [{"short": a.short, "long": a.long, "rule": a.rule} for a in ext.aliases],
        "findings": findings,
    }


def _entity_dict(m: Mention, content: str) -> dict[str, Any]:
    """One mention as an ``entities`` item of :func:`extraction_to_dict`."""
    out: dict[str, Any] = {"start": m.start, "end": m.end, "label": m.label, "text": m.text, "rule": m.rule}
    raw = content[m.start:m.end]
    if raw != m.text:
        out["raw"] = raw
    return out


def read_predictions(path: str | Path) -> dict[str, dict]:
    """Read a ``kg extract`` output file: document id -> its record (validated, line noted)."""
    p = Path(path)
    out: dict[str, dict] = {}
    for lineno, rec in _json_lines(p):
        if "id" not in rec or not isinstance(rec.get("entities", []), list):
            raise InputError(f"{p}:{lineno}: expected \"id\" and an \"entities\" list")
        rec["_where"] = f"{p}:{lineno}"
        out[str(rec["id"])] = rec
    return out


def load_default_pipeline(rules_dir: str | Path | None = None) -> "Language":
    """kg's pipeline (rules from ``rules_dir``, default kg's rules/), as ``kg eval`` runs it on
    gold texts when no ``--pred`` file is given."""
    from .pipeline import load_pipeline

    return load_pipeline(rules_dir=rules_dir)


def predict(nlp: "Language", docs: Iterable[GoldDoc], *, source: str = "") -> dict[str, dict]:
    """Run the pipeline on the gold texts; document id -> ``kg extract``-format record."""
    from .extract import extract

    papers = (Paper(id=d.id, title=None, text=d.text, source=source or d.where) for d in docs)
    return {ext.paper.id: extraction_to_dict(ext) for ext in extract(nlp, papers)}


def _pred_spans(doc: GoldDoc, rec: dict) -> list[Span]:
    """A prediction record's entities as spans (kg labels), checked against the gold text."""
    where = rec.get("_where", doc.id)
    spans = []
    for i, e in enumerate(rec.get("entities") or []):
        try:
            s, t, label = int(e["start"]), int(e["end"]), str(e["label"])
        except (KeyError, TypeError, ValueError):
            raise InputError(f"{where}: entities[{i}] needs integer \"start\", \"end\" and a \"label\"") from None
        if not 0 <= s < t <= len(doc.text):
            raise InputError(f"{where}: entities[{i}] offsets {s}-{t} are outside the gold text of {doc.id!r}")
        written = e.get("raw", e.get("text"))  # "raw": the content at the offsets, where the name differs
        if written is not None and written != doc.text[s:t]:
            raise InputError(
                f"{where}: entities[{i}] text {written!r} differs from the gold text {doc.text[s:t]!r} "
                f"at {s}-{t}; were the predictions made on other text?"
            )
        spans.append(Span(s, t, label, doc.text[s:t]))
    return spans


# --------------------------------------------------------------------------- scoring


def normalize_mention(text: str) -> str:
    """The doc-set form of a mention: lower case, hyphens as spaces, whitespace collapsed."""
    return _SPACES.sub(" ", _HYPHENS.sub(" ", text.lower())).strip()


def _only_ignored(span: Span, doc: GoldDoc) -> bool:
    """True when ``span`` overlaps an ignore span and no in-scope gold entity."""
    return any(span.overlap(g) for g in doc.ignore) and not any(span.overlap(g) for g in doc.entities)


def _max_matching(pairs: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """A maximum one-to-one matching of (score, gold, pred) candidate pairs.

    Kuhn's augmenting paths: gold items in order, each trying its candidates
    largest score (character overlap) first, so among matchings of maximum size the
    search favours larger overlaps. Returns (gold, pred) pairs, sorted by gold.
    A plain greedy pass (largest overlap first) can undercount: with gold
    "large language" + "model" and predictions "large language model" +
    "language", greedy pairs the long prediction with the first gold and leaves
    both others unmatched, where two pairs exist.
    """
    options: dict[int, list[int]] = defaultdict(list)
    for _score, g, p in sorted(pairs, key=lambda x: (-x[0], x[1], x[2])):
        options[g].append(p)
    owner: dict[int, int] = {}  # pred -> gold

    def augment(g: int, seen: set[int]) -> bool:
        for p in options[g]:
            if p in seen:
                continue
            seen.add(p)
            if p not in owner or augment(owner[p], seen):
                owner[p] = g
                return True
        return False

    for g in sorted(options):
        augment(g, set())
    return sorted((g, p) for p, g in owner.items())


def score_entities(doc: GoldDoc, predicted: Iterable[Span], mapping: CorpusMapping) -> dict[str, Scores]:
    """Score one document's predicted mentions (kg labels) under every scheme in :data:`SCHEMES`.

    Predictions with a kg type the mapping lacks are dropped; those overlapping
    only ``ignore`` spans are left out; the rest get the corpus label.
    """
    preds = []
    for s in predicted:
        label = mapping.entities.get(s.label)
        if label is None or _only_ignored(s, doc):
            continue
        preds.append(Span(s.start, s.end, label, s.text))
    preds = sorted(set(preds), key=lambda s: (s.start, s.end, s.label))
    gold = sorted(set(doc.entities), key=lambda s: (s.start, s.end, s.label))
    out = {s: Scores() for s in SCHEMES}

    # exact and partial count mentions; doc-set counts distinct strings (below)
    for scheme in ("exact", "partial"):
        for g in gold:
            out[scheme].count(g.label, n_gold=1)
        for p in preds:
            out[scheme].count(p.label, n_pred=1)

    gold_keys = {(g.start, g.end, g.label) for g in gold}
    for p in preds:
        if (p.start, p.end, p.label) in gold_keys:
            out["exact"].count(p.label, tp=1)

    pairs = [(g.overlap(p), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(preds)
             if g.label == p.label and g.overlap(p)]
    for gi, _pi in _max_matching(pairs):
        out["partial"].count(gold[gi].label, tp=1)

    gold_set = {(g.label, normalize_mention(g.text)) for g in gold}
    pred_set = {(p.label, normalize_mention(p.text)) for p in preds}
    for label, _ in gold_set:
        out["doc_set"].count(label, n_gold=1)
    for label, _ in pred_set:
        out["doc_set"].count(label, n_pred=1)
    for label, _ in gold_set & pred_set:
        out["doc_set"].count(label, tp=1)
    return out


def score_relations(doc: GoldDoc, rec: dict, mapping: CorpusMapping) -> Scores:
    """Score one document's predicted relations (and aliases as ``alias_of``) against gold.

    A prediction is mapped to the corpus label (head and tail swapped for
    ``reverse`` targets), dropped if its label has no mapping or an argument
    overlaps only ``ignore`` spans, and matches a gold relation of that label when
    head overlaps head and tail overlaps tail (or crosswise, for symmetric labels).
    """
    ents = _pred_spans(doc, rec)
    mapped_labels = {t.label for t in mapping.relations.values()}
    raw = [(r.get("head"), r.get("tail"), str(r.get("label"))) for r in rec.get("relations") or []]
    raw += [(a.get("short"), a.get("long"), "alias_of") for a in rec.get("aliases") or []]
    preds: set[tuple[Span, Span, str]] = set()
    for i, (h, t, label) in enumerate(raw):
        if not (isinstance(h, int) and isinstance(t, int) and 0 <= h < len(ents) and 0 <= t < len(ents)):
            raise InputError(f"{rec.get('_where', doc.id)}: relation/alias {i} points outside \"entities\"")
        target = mapping.relations.get(label)
        if target is None:
            continue
        head, tail = (ents[t], ents[h]) if target.reverse else (ents[h], ents[t])
        if _only_ignored(head, doc) or _only_ignored(tail, doc):
            continue
        preds.add((head, tail, target.label))
    pred_list = sorted(preds, key=lambda r: (r[0].start, r[0].end, r[1].start, r[1].end, r[2]))
    gold_list = sorted(
        {(doc.entities[h], doc.entities[t], label) for h, t, label in doc.relations if label in mapped_labels},
        key=lambda r: (r[0].start, r[0].end, r[1].start, r[1].end, r[2]),
    )
    scores = Scores()
    for _, _, label in gold_list:
        scores.count(label, n_gold=1)
    for _, _, label in pred_list:
        scores.count(label, n_pred=1)
    pairs = []
    for gi, (gh, gt, gl) in enumerate(gold_list):
        for pi, (ph, pt, pl) in enumerate(pred_list):
            if gl != pl:
                continue
            best = min(gh.overlap(ph), gt.overlap(pt))
            if gl in mapping.symmetric:
                best = max(best, min(gh.overlap(pt), gt.overlap(ph)))
            if best:
                pairs.append((best, gi, pi))
    for gi, _pi in _max_matching(pairs):
        scores.count(gold_list[gi][2], tp=1)
    return scores


def evaluate(
    docs: Iterable[GoldDoc],
    predictions: dict[str, dict],
    mappings: dict[str, CorpusMapping],
) -> dict[str, CorpusReport]:
    """Score predictions against gold documents; corpus key -> :class:`CorpusReport`.

    Each document's corpus picks its mapping (see :func:`corpus_key`). A gold
    document missing from ``predictions`` raises :class:`InputError`: a prediction
    file for other text would otherwise score as silence.
    """
    reports: dict[str, CorpusReport] = {}
    for doc in docs:
        key = corpus_key(doc.corpus, mappings)
        if key is None:
            raise InputError(
                f"{doc.where or doc.id}: corpus {doc.corpus!r} has no label mapping "
                f"(known: {', '.join(sorted(mappings))}); pass --mapping FILE.json or --corpus NAME"
            )
        mapping = mappings[key]
        rec = predictions.get(doc.id)
        if rec is None:
            raise InputError(f"{doc.where or doc.id}: no prediction for document {doc.id!r}")
        report = reports.setdefault(key, CorpusReport(corpus=key, has_relations=bool(mapping.relations)))
        report.n_docs += 1
        for scheme, sc in score_entities(doc, _pred_spans(doc, rec), mapping).items():
            report.entities[scheme].merge(sc)
        report.relations.merge(score_relations(doc, rec, mapping))
    return reports


def evaluate_file(
    gold_path: str | Path,
    *,
    pred_path: str | Path | None = None,
    corpus: str | None = None,
    mapping_path: str | Path | None = None,
    nlp: "Language | None" = None,
    rules_dir: str | Path | None = None,
) -> dict[str, CorpusReport]:
    """Read gold, get predictions (``pred_path``, else run ``nlp`` / kg's pipeline with the rules
    of ``rules_dir``), score."""
    mappings = load_mappings(mapping_path)
    docs = read_gold(gold_path, corpus=corpus)
    if pred_path is not None:
        predictions = read_predictions(pred_path)
    else:
        predictions = predict(nlp if nlp is not None else load_default_pipeline(rules_dir), docs, source=str(gold_path))
    return evaluate(docs, predictions, mappings)


# --------------------------------------------------------------------------- output


def report_to_json(reports: dict[str, CorpusReport]) -> dict[str, Any]:
    """Reports as a JSON-ready dict (P / R / F1 as fractions, with raw counts)."""
    return {
        name: {
            "n_docs": r.n_docs,
            "entities": {scheme: r.entities[scheme].as_dict() for scheme in SCHEMES},
            "relations": r.relations.as_dict() if r.has_relations else None,
        }
        for name, r in sorted(reports.items())
    }


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}"


def format_report(reports: dict[str, CorpusReport]) -> str:
    """An aligned plain-text table per corpus: entities per label under each scheme, then relations."""
    lines: list[str] = []
    for name, r in sorted(reports.items()):
        labels = sorted({lab for s in SCHEMES for lab in r.entities[s].per_label})
        width = max([len("overall"), len("label")] + [len(x) for x in labels]) + 2
        lines.append(f"{name}: {r.n_docs} texts")
        head = " " * (width + 12) + "".join(f"{s.replace('_', '-'):^19}" for s in SCHEMES)
        lines.append(head.rstrip())
        cell = f" {'P':>5} {'R':>5} {'F1':>5} "
        lines.append(f"{'label':<{width}}{'gold':>6}{'pred':>6}{cell * len(SCHEMES)}".rstrip())
        rows = [(lab, {s: r.entities[s].per_label.get(lab, Counts()) for s in SCHEMES}) for lab in labels]
        rows.append(("overall", {s: r.entities[s].overall for s in SCHEMES}))
        for lab, cs in rows:
            ex = cs["exact"]
            cells = "".join(f" {_pct(c.precision)} {_pct(c.recall)} {_pct(c.f1)} " for c in cs.values())
            lines.append(f"{lab:<{width}}{ex.n_gold:>6}{ex.n_pred:>6}{cells}".rstrip())
        if r.has_relations:
            rel_labels = sorted(r.relations.per_label)
            rw = max([len("relations overall")] + [len(x) for x in rel_labels]) + 2
            lines.append(f"{'relation':<{rw}}{'gold':>6}{'pred':>6} {'P':>5} {'R':>5} {'F1':>5}")
            rel_rows = [(lab, r.relations.per_label[lab]) for lab in rel_labels]
            rel_rows.append(("relations overall", r.relations.overall))
            for lab, c in rel_rows:
                lines.append(f"{lab:<{rw}}{c.n_gold:>6}{c.n_pred:>6} {_pct(c.precision)} {_pct(c.recall)} {_pct(c.f1)}")
        lines.append("")
    return "\n".join(lines)
