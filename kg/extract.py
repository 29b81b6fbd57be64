"""Run kg's spaCy pipeline over papers and turn each Doc into plain records.

The output, :class:`kg.records.PaperExtraction`, holds no spaCy objects, so one
paper's work is independent and picklable: it can run in another process or on
a Dask worker and be merged into a graph anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from .records import Alias, Finding, Mention, Paper, PaperExtraction, PaperLink, Relation

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

__all__ = ["extract", "extract_one", "doc_to_extraction"]


def extract(nlp: "Language", papers: Iterable[Paper], *, batch_size: int = 64) -> Iterator[PaperExtraction]:
    """Stream one :class:`PaperExtraction` per paper, in input order."""
    stream = ((p.content, p) for p in papers)
    for doc, paper in nlp.pipe(stream, as_tuples=True, batch_size=batch_size):
        yield doc_to_extraction(doc, paper)


def extract_one(nlp: "Language", paper: Paper) -> PaperExtraction:
    """Extract a single paper (convenient for tests and per-paper workers)."""
    return doc_to_extraction(nlp(paper.content), paper)


def doc_to_extraction(doc: "Doc", paper: Paper) -> PaperExtraction:
    """Convert a processed Doc into records; spans become indices into ``mentions``."""
    sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
    sentences = [(s.start_char, s.end_char) for s in sents]
    sent_of_token = {}
    for i, s in enumerate(sents):
        for t in range(s.start, s.end):
            sent_of_token[t] = i

    mentions: list[Mention] = []
    index: dict[tuple[int, int], int] = {}
    for ent in doc.ents:
        index[(ent.start_char, ent.end_char)] = len(mentions)
        mentions.append(
            Mention(
                start=ent.start_char,
                end=ent.end_char,
                label=ent.label_,
                text=ent.text,
                rule=ent.id_ or "unknown",
                sent=sent_of_token.get(ent.start, 0),
                key=_key(ent.text, ent.label_),
            )
        )

    def ref(span: "Span | None") -> int | None:
        if span is None:
            return None
        return index.get((span.start_char, span.end_char))

    ext = PaperExtraction(paper=paper, sentences=sentences, mentions=mentions)
    for short, long, rule in _ext(doc, "kg_aliases"):
        s, l = ref(short), ref(long)
        if s is not None and l is not None and s != l:
            ext.aliases.append(Alias(short=s, long=l, rule=rule))
    for head, tail, label, rule in _ext(doc, "kg_relations"):
        h, t = ref(head), ref(tail)
        if h is not None and t is not None and h != t:
            ext.relations.append(Relation(head=h, tail=t, label=label, rule=rule, sent=mentions[h].sent))
    for label, span, rule in _ext(doc, "kg_links"):
        i = ref(span)
        if i is not None:
            ext.links.append(PaperLink(label=label, target=i, rule=rule, sent=mentions[i].sent))
    for f in _ext(doc, "kg_findings"):
        f = dict(f)
        subject = ref(f.pop("subject", None))
        metric_mention = ref(f.pop("metric_mention", None))
        settings = tuple(i for i in (ref(s) for s in f.pop("settings", ()) or ()) if i is not None)
        start = f["start"]
        sent = next((i for i, (a, b) in enumerate(sentences) if a <= start < b), 0)
        ext.findings.append(
            Finding(sent=sent, subject=subject, metric_mention=metric_mention, settings=settings, **f)
        )
    return ext


def _key(text: str, label: str) -> str:
    """The graph key of a mention; model variants use the lineage key so every spelling meets."""
    from .lineage import parse_model_name
    from .pipeline.normalize import entity_key

    if label == "Model":
        parsed = parse_model_name(text)
        if parsed is not None and parsed.key:
            return parsed.key
    return entity_key(text, label)


def _ext(doc: "Doc", name: str) -> list:
    """A custom Doc attribute's value, or [] when that component is not in the pipeline."""
    from spacy.tokens import Doc

    if not Doc.has_extension(name):
        return []
    return getattr(doc._, name) or []
