"""The main job: papers in, graph and its exports out.

:func:`build_graph` streams papers from files and folders through the pipeline
into a graph (optionally across worker processes: each worker runs the
pipeline on its own papers and sends back plain, picklable extractions).
:func:`write_outputs` writes every export into a staging folder first and moves
them into place only when all are written, so a failed run leaves an earlier
good output untouched.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import networkx as nx

from .errors import OutputError
from .graph import DEFAULT_MAX_EVIDENCE, add_extraction, add_paper_source, finalize, new_graph, paper_node_id
from .records import Paper, PaperExtraction

__all__ = ["build_graph", "write_outputs", "OUTPUT_FILES", "RDF_FILES", "BuildSummary", "Progress"]

#: every file ``kg build`` writes by default, in the order it writes them
OUTPUT_FILES: tuple[str, ...] = ("graph.json", "graph.graphml", "graph.ttl", "ontology.ttl", "graph.html")
#: the RDF file written for each ``--format``
RDF_FILES: dict[str, str] = {"turtle": "graph.ttl", "nt": "graph.nt", "json-ld": "graph.jsonld"}


class Progress:
    """Reports papers per second on stderr on long runs; silent for short ones."""

    def __init__(self, *, enabled: bool = True, every_s: float = 2.0, stream=None) -> None:
        self.enabled = enabled
        self.every_s = every_s
        self.stream = stream or sys.stderr
        self.start: float | None = None  # the clock starts with the first paper, not the pipeline's load
        self.last = 0.0
        self.count = 0
        self.shown = False

    def update(self, n: int = 1) -> None:
        """Count ``n`` more papers, printing a line at most every ``every_s`` seconds."""
        self.count += n
        now = time.perf_counter()
        if self.start is None:
            self.start = self.last = now
            return
        if self.enabled and now - self.last >= self.every_s:
            self.last = now
            rate = self.count / max(now - self.start, 1e-9)
            end = "\r" if self.stream.isatty() else "\n"
            print(f"kg: {self.count:,} papers ({rate:,.0f}/s)", end=end, file=self.stream, flush=True)
            self.shown = True

    def close(self) -> None:
        """End the progress line, if one was shown."""
        if self.shown and self.stream.isatty():
            print(file=self.stream)


def build_graph(
    paths: Iterable[str | os.PathLike[str]],
    *,
    graph: nx.MultiDiGraph | None = None,
    jobs: int = 1,
    batch_size: int = 64,
    max_evidence: int = DEFAULT_MAX_EVIDENCE,
    progress: Progress | None = None,
) -> nx.MultiDiGraph:
    """Read papers from ``paths`` and merge what the pipeline extracts into a graph.

    ``graph`` is an existing graph to extend (a new batch of papers); papers it
    already holds are not processed again. ``jobs`` > 1 runs the pipeline in that
    many worker processes.
    """
    from .readers import read_papers

    g = graph if graph is not None else new_graph()
    # Duplicates (one card under two topics, a re-run batch) are extracted once; their
    # extra sources and topics are folded into the paper node. Only ids are held, not texts.
    seen: set[str] = set()
    late: list[Paper] = []

    def fresh() -> Iterator[Paper]:
        for paper in read_papers(paths):
            if paper_node_id(paper.id) in g:
                add_paper_source(g, paper)
            elif paper.id in seen:
                late.append(Paper(id=paper.id, title=None, text="", source=paper.source, topics=paper.topics))
            else:
                seen.add(paper.id)
                yield paper

    for ext in extract_papers(fresh(), jobs=jobs, batch_size=batch_size):
        add_extraction(g, ext, max_evidence=max_evidence)
        if progress is not None:
            progress.update()
    for paper in late:
        add_paper_source(g, paper)
    if progress is not None:
        progress.close()
    return finalize(g)


def extract_papers(papers: Iterable[Paper], *, jobs: int = 1, batch_size: int = 64) -> Iterator[PaperExtraction]:
    """Run kg's pipeline over ``papers``, in this process or in ``jobs`` workers, in input order."""
    from .extract import extract
    from .pipeline import load_pipeline

    if jobs <= 1:
        yield from extract(load_pipeline(), papers, batch_size=batch_size)
        return
    chunks = _chunks(papers, batch_size)
    with ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init) as pool:
        yield from (ext for batch in pool.map(_worker_extract, chunks) for ext in batch)


def _chunks(items: Iterable[Paper], size: int) -> Iterator[list[Paper]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


_worker_nlp = None


def _worker_init() -> None:
    global _worker_nlp
    from .pipeline import load_pipeline

    _worker_nlp = load_pipeline()


def _worker_extract(batch: list[Paper]) -> list[PaperExtraction]:
    from .extract import extract

    return list(extract(_worker_nlp, batch))


@dataclass(frozen=True)
class BuildSummary:
    """What a build wrote: counts for the summary line."""

    papers: int
    entities: int
    findings: int
    edges: int
    out_dir: Path

    def line(self) -> str:
        """The one-line summary ``kg build`` prints."""
        return (
            f"kg: wrote {self.papers:,} papers, {self.entities:,} entities, {self.findings:,} findings "
            f"and {self.edges:,} edges to {self.out_dir}"
        )


def write_outputs(
    graph: nx.MultiDiGraph,
    out_dir: str | os.PathLike[str],
    *,
    base: str | None = None,
    max_nodes: int | None = None,
    rdf_formats: Iterable[str] = ("turtle",),
    writers: dict[str, Callable[[nx.MultiDiGraph, Path], None]] | None = None,
) -> BuildSummary:
    """Write every export of ``graph`` into ``out_dir``, all or nothing.

    ``rdf_formats`` picks the RDF serialisations (turtle -> graph.ttl, nt -> graph.nt,
    json-ld -> graph.jsonld).
    """
    from .io import ensure_dir

    out = ensure_dir(out_dir)
    writers = writers or default_writers(base=base, max_nodes=max_nodes, rdf_formats=rdf_formats)
    try:
        staging = Path(tempfile.mkdtemp(prefix=".kg-staging-", dir=out))
    except OSError as exc:
        raise OutputError(f"{out}: cannot write ({exc.strerror or exc})") from None
    try:
        for name, write in writers.items():
            write(graph, staging / name)
        for name in writers:
            os.replace(staging / name, out / name)
    except OSError as exc:
        raise OutputError(f"{out}: cannot write outputs ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    types = [d.get("type") for _, d in graph.nodes(data=True)]
    return BuildSummary(
        papers=types.count("Paper"),
        entities=sum(t not in ("Paper", "Finding") for t in types),
        findings=types.count("Finding"),
        edges=graph.number_of_edges(),
        out_dir=out,
    )


def default_writers(
    *, base: str | None = None, max_nodes: int | None = None, rdf_formats: Iterable[str] = ("turtle",)
) -> dict[str, Callable]:
    """The writer for each output file: :data:`OUTPUT_FILES`, with the RDF files of ``rdf_formats``."""
    from .export.html import write_html
    from .export.json import write_graphml, write_json
    from .export.rdf import FORMATS, write_ontology, write_rdf
    from .namespaces import DEFAULT_BASE

    rdf_kw = {"base": base or DEFAULT_BASE}
    html_kw = {"max_nodes": max_nodes} if max_nodes is not None else {}
    writers: dict[str, Callable] = {"graph.json": write_json, "graph.graphml": write_graphml}
    for name in rdf_formats:
        fmt = FORMATS.get(name)
        if fmt is None:
            raise OutputError(f"unknown RDF format {name!r} (choose from {', '.join(RDF_FILES)})")
        writers[RDF_FILES[fmt]] = lambda g, p, fmt=fmt: write_rdf(g, p, format=fmt, **rdf_kw)
    writers["ontology.ttl"] = lambda g, p: write_ontology(p)
    writers["graph.html"] = lambda g, p: write_html(g, p, **html_kw)
    return writers
