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

The pipeline reads :func:`kg.textnorm.normalize_text` of the content (LaTeX markup,
accents and Unicode forms written plainly: ``\\textit{Linformer}`` reads "Linformer"); the
records keep the normalised mention texts, and every offset is mapped back to ``Paper.content``.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from .records import Alias, Finding, Mention, Paper, PaperExtraction, PaperLink, Relation
from .textnorm import NormText, normalize_text

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

__all__ = ["extract", "extract_one", "doc_to_extraction", "bounded_content", "reading"]

log = logging.getLogger("kg")


def extract(
    nlp: "Language", papers: Iterable[Paper], *, batch_size: int = 64, max_chars: int | None = None
) -> Iterator[PaperExtraction]:
    """Stream one :class:`PaperExtraction` per paper, in input order.

    ``max_chars`` (default :data:`kg.pipeline.guard.MAX_CHARS`) bounds the text read per
    paper; a longer one is cut and logged (module docstring), never an error.
    """
    stream = ((norm.text, (p, norm)) for p in papers for norm in (reading(p, max_chars),))
    for doc, (paper, norm) in nlp.pipe(stream, as_tuples=True, batch_size=batch_size):
        yield _checked(doc, paper, norm)


def extract_one(nlp: "Language", paper: Paper, *, max_chars: int | None = None) -> PaperExtraction:
    """Extract a single paper (convenient for tests and per-paper workers)."""
    norm = reading(paper, max_chars)
    return _checked(nlp(norm.text), paper, norm)


def reading(paper: Paper, max_chars: int | None = None) -> NormText:
    """What the pipeline reads of ``paper``: its :func:`bounded_content`, normalised, with the offset map."""
    return normalize_text(bounded_content(paper, max_chars))


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


def _checked(doc: "Doc", paper: Paper, norm: NormText) -> PaperExtraction:
    """``doc_to_extraction``, logging when the tokenizer had to break runaway runs in the text."""
    text = doc.user_data.get("kg_text")
    if text is not None and text != norm.text:
        changed = sum(1 for a, b in zip(text, norm.text) if a != b)
        log.warning("%s: paper %s: %s characters of runaway punctuation or overlong words read as spaces",
                    paper.source or "<input>", paper.id, f"{changed:,}")
    return doc_to_extraction(doc, paper, norm)


def doc_to_extraction(doc: "Doc", paper: Paper, norm: NormText | None = None) -> PaperExtraction:
    """Convert a processed Doc into records; spans become indices into ``mentions``.

    ``norm``: the normalisation ``doc`` was made from (:func:`reading`); its offsets are
    mapped back to ``paper.content``. Without it, ``doc``'s text must be ``paper.content``.
    """
    from .pipeline.doctokens import sentence_bounds, token_texts

    bounds = sentence_bounds(doc)
    n_tok = len(doc)
    # character offsets from the token index array, without a Span per sentence; a sentence
    # does not start with the blank line before it (spaCy puts it there: "\n\nAbstract ...")
    idx = doc.to_array("IDX").tolist() if n_tok else []
    texts = token_texts(doc) if n_tok else []
    sentences = [(idx[a + 1] if b - a > 1 and texts[a].isspace() else idx[a], idx[b - 1] + len(texts[b - 1]))
                 for a, b in bounds] or [(0, 0)]
    sent_tok_starts = [a for a, _ in bounds]
    sent_char_starts = [a for a, _ in sentences]

    mentions: list[Mention] = []
    index: dict[tuple[int, int], int] = {}
    lineage = doc._.kg_lineage or {}
    canonical = doc._.kg_canonical or {}
    for ent in doc.ents:
        index[(ent.start_char, ent.end_char)] = len(mentions)
        parsed = lineage.get((ent.start, ent.end))
        name = canonical.get((ent.start, ent.end))
        mentions.append(
            Mention(
                start=ent.start_char,
                end=ent.end_char,
                label=ent.label_,
                text=ent.text,
                rule=ent.id_ or "unknown",
                sent=max(0, bisect_right(sent_tok_starts, ent.start) - 1),
                # every spelling meets on one key: the canonical name's ("MS-COCO" -> COCO), a model
                # variant's lineage key ("LLaVA 1.5 7B", "LLaVA-1.5-7B"), else the normalised text
                key=name.key if name is not None else (parsed.key if parsed is not None and parsed.key else _key(ent.text)),
                lineage=parsed,
                canonical=name.name if name is not None else None,
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
    return ext if norm is None or norm.identity else _to_original(ext, norm)


def _to_original(ext: PaperExtraction, norm: NormText) -> PaperExtraction:
    """``ext`` with every character offset mapped from the normalised text to ``Paper.content``."""
    from dataclasses import replace

    content = ext.paper.content
    sentences = []
    for s, e in ext.sentences:
        # a sentence takes the markup around it ("$", "\\textit{"), not the whitespace
        s, e = norm.cover(s, e)
        while s < e and content[s].isspace():
            s += 1
        while e > s and content[e - 1].isspace():
            e -= 1
        sentences.append((s, e))
    ext.sentences = sentences

    def moved(record):
        start, end = norm.to_original(record.start, record.end)
        return replace(record, start=start, end=end)

    ext.mentions = [moved(m) for m in ext.mentions]
    ext.findings = [moved(f) for f in ext.findings]
    return ext


@lru_cache(maxsize=65536)
def _key(text: str) -> str:
    """The graph key of a mention that is not a model variant (cached: a corpus repeats its names)."""
    from .pipeline.normalize import entity_key

    return entity_key(text)


def _ext(doc: "Doc", name: str) -> list:
    """A custom Doc attribute's value (kg.pipeline.extensions), or [] when its component did not run."""
    return getattr(doc._, name) or []
