"""Run kg's spaCy pipeline over papers and turn each Doc into plain records.

The output, :class:`kg.records.PaperExtraction`, holds no spaCy objects, so one
paper's work is independent and picklable: it can run in another process or on
a Dask worker and be merged into a graph anywhere.

Overlong and hostile text (see :mod:`kg.pipeline.guard`): a paper whose content is
longer than ``max_chars`` (default :data:`kg.pipeline.guard.MAX_CHARS`, 100,000
characters) is read up to the last sentence end before that limit; its extraction
covers that prefix, with offsets into the full ``Paper.content`` as always. Each
such paper, and each paper whose runaway punctuation or overlong words the
tokenizer had to break, gets one warning on ``logging.getLogger("kg")``:
``"<file>: paper <id>: <what happened>"``.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from .records import Alias, Finding, Mention, Paper, PaperExtraction, PaperLink, Relation

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

__all__ = ["extract", "extract_one", "doc_to_extraction", "bounded_content"]

log = logging.getLogger("kg")


def extract(
    nlp: "Language", papers: Iterable[Paper], *, batch_size: int = 64, max_chars: int | None = None
) -> Iterator[PaperExtraction]:
    """Stream one :class:`PaperExtraction` per paper, in input order.

    ``max_chars`` (default :data:`kg.pipeline.guard.MAX_CHARS`) bounds the text read per
    paper; a longer one is cut and logged (module docstring), never an error.
    """
    stream = ((bounded_content(p, max_chars), p) for p in papers)
    for doc, paper in nlp.pipe(stream, as_tuples=True, batch_size=batch_size):
        yield _checked(doc, paper)


def extract_one(nlp: "Language", paper: Paper, *, max_chars: int | None = None) -> PaperExtraction:
    """Extract a single paper (convenient for tests and per-paper workers)."""
    return _checked(nlp(bounded_content(paper, max_chars)), paper)


def bounded_content(paper: Paper, max_chars: int | None = None) -> str:
    """``paper.content``, or its prefix up to a sentence end within ``max_chars`` (logged)."""
    from .pipeline.guard import MAX_CHARS, cut_point

    content = paper.content
    limit = MAX_CHARS if max_chars is None else max_chars
    if len(content) <= limit:
        return content
    cut = cut_point(content, limit)
    log.warning("%s: paper %s: text of %s characters is over the limit of %s; only the first %s are read",
                paper.source or "<input>", paper.id, f"{len(content):,}", f"{limit:,}", f"{cut:,}")
    return content[:cut]


def _checked(doc: "Doc", paper: Paper) -> PaperExtraction:
    """``doc_to_extraction``, logging when the tokenizer had to break runaway runs in the text."""
    text = doc.user_data.get("kg_text")
    if text is not None and not paper.content.startswith(text):
        changed = sum(1 for a, b in zip(text, paper.content) if a != b)
        log.warning("%s: paper %s: %s characters of runaway punctuation or overlong words read as spaces",
                    paper.source or "<input>", paper.id, f"{changed:,}")
    return doc_to_extraction(doc, paper)


def doc_to_extraction(doc: "Doc", paper: Paper) -> PaperExtraction:
    """Convert a processed Doc into records; spans become indices into ``mentions``."""
    from .pipeline.doctokens import sentence_bounds

    bounds = sentence_bounds(doc)
    n_tok = len(doc)
    # character offsets from the token index array, without a Span per sentence
    idx = doc.to_array("IDX").tolist() if n_tok else []
    sentences = [(idx[a], idx[b - 1] + len(doc[b - 1])) for a, b in bounds] or [(0, 0)]
    sent_tok_starts = [a for a, _ in bounds]
    sent_char_starts = [a for a, _ in sentences]

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
                sent=max(0, bisect_right(sent_tok_starts, ent.start) - 1),
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
        compared_to = ref(f.pop("compared_to", None))
        settings = tuple(i for i in (ref(s) for s in f.pop("settings", ()) or ()) if i is not None)
        start = f["start"]
        i = bisect_right(sent_char_starts, start) - 1
        sent = i if i >= 0 and start < sentences[i][1] else 0
        ext.findings.append(
            Finding(sent=sent, subject=subject, metric_mention=metric_mention, settings=settings, compared_to=compared_to, **f)
        )
    return ext


@lru_cache(maxsize=65536)
def _key(text: str, label: str) -> str:
    """The graph key of a mention; model variants use the lineage key so every spelling meets.

    Cached: a corpus names the same few thousand things over and over, and the lineage parse
    is the costliest step of turning a Doc into records.
    """
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
