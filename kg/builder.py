"""The main job: papers in, graph and its exports out.

:func:`build_graph` streams papers from files and folders through the pipeline
into a graph (optionally across worker processes: each worker runs the
pipeline on its own papers and sends back plain, picklable extractions).
:func:`write_outputs` writes every export into a staging folder first and moves
them into place only when all are written, so a failed run leaves an earlier
good output untouched.
"""

from __future__ import annotations

import functools
import os
import shutil
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import networkx as nx

from .errors import KGError, OutputError
from .graph import DEFAULT_MAX_EVIDENCE, add_extraction, add_sources, apply_canonical_names, finalize, new_graph, paper_node_id
from .progress import Progress
from .records import Paper, PaperExtraction
from .rulefiles import RuleFolder

__all__ = ["build_graph", "write_outputs", "OUTPUT_FILES", "RDF_FILES", "BuildSummary", "Progress"]

#: every file ``kg build`` writes by default, in the order it writes them
OUTPUT_FILES: tuple[str, ...] = ("graph.json", "graph.graphml", "graph.ttl", "ontology.ttl", "graph.html")
#: the RDF file written for each ``--format``
RDF_FILES: dict[str, str] = {"turtle": "graph.ttl", "nt": "graph.nt", "json-ld": "graph.jsonld"}
#: where the pipeline runs: this machine (``jobs`` processes) or a Dask cluster
SCHEDULERS: tuple[str, ...] = ("local", "dask")


def build_graph(
    paths: Iterable[str | os.PathLike[str]],
    *,
    graph: nx.MultiDiGraph | None = None,
    jobs: int = 1,
    batch_size: int = 64,
    max_evidence: int = DEFAULT_MAX_EVIDENCE,
    progress: Progress | None = None,
    scheduler: str = "local",
    client: Any = None,
    address: str | None = None,
    reader_options: dict[str, Any] | None = None,
    rules_dir: str | os.PathLike[str] | None = None,
) -> nx.MultiDiGraph:
    """Read papers from ``paths`` and merge what the pipeline extracts into a graph.

    ``graph`` is an existing graph to extend (a new batch of papers); papers it
    already holds are not processed again. ``jobs`` > 1 runs the pipeline in that
    many worker processes. ``scheduler="dask"`` (or a ``client``) runs the build on
    Dask instead (see :mod:`kg.distributed`): on the cluster at ``address``, or on
    a LocalCluster of ``jobs`` workers. Every path gives the same graph.
    ``reader_options`` are passed to :func:`kg.readers.read_papers` (e.g.
    ``title_field`` / ``text_field``). ``rules_dir`` replaces kg's rules/ for every
    stage: the readers' page chrome, the pipeline and its workers (they are sent a
    snapshot of the folder, so Dask workers need not share it).
    """
    if scheduler not in SCHEDULERS:
        raise KGError(f"unknown scheduler {scheduler!r} (choose from {', '.join(SCHEDULERS)})")
    rules = RuleFolder.read(rules_dir) if rules_dir is not None else None
    if graph is not None:
        from .pipeline.canonical import canonical_lookup

        # a graph built before the alias table named some of its spellings meets the new batch on one node
        apply_canonical_names(graph, canonical_lookup(rules))
    if client is not None or address is not None or scheduler == "dask":
        from .distributed import build_on_dask

        return build_on_dask(
            paths, graph=graph, client=client, address=address, jobs=max(jobs, 1), max_evidence=max_evidence,
            rules=rules, **(reader_options or {}),
        )
    from .readers import read_papers

    g = graph if graph is not None else new_graph()
    # Duplicates (one card under two topics, a re-run batch) are extracted once; their
    # extra sources and topics are folded into the paper node. Only ids are held, not texts.
    seen: set[str] = set()
    # paper node -> (sources, topics) of its repeats, folded in once at the end so
    # that thousands of copies of one record cost linear time, not quadratic
    late: dict[str, tuple[set[str], set[str]]] = {}

    def fresh() -> Iterator[Paper]:
        for paper in read_papers(paths, rules_dir=rules, **(reader_options or {})):
            pid = paper_node_id(paper.id)
            if pid in g or paper.id in seen:
                sources, topics = late.setdefault(pid, (set(), set()))
                sources.add(paper.source)
                topics.update(paper.topics)
            else:
                seen.add(paper.id)
                yield paper

    for ext in extract_papers(fresh(), jobs=jobs, batch_size=batch_size, rules=rules):
        add_extraction(g, ext, max_evidence=max_evidence)
        if progress is not None:
            progress.update()
    for pid, (sources, topics) in late.items():
        add_sources(g.nodes[pid], sources, topics)
    if progress is not None:
        progress.close()
    return finalize(g)


def extract_papers(
    papers: Iterable[Paper], *, jobs: int = 1, batch_size: int = 64, rules: RuleFolder | None = None
) -> Iterator[PaperExtraction]:
    """Run kg's pipeline over ``papers``, in this process or in ``jobs`` workers, in input order.

    With workers, at most ``2 * jobs`` batches are in flight at a time, so memory
    holds a few batches of text, never the corpus. ``rules``: the rules every
    pipeline reads (default: kg's rules/).
    """
    from .extract import extract
    from .pipeline import load_pipeline

    if jobs <= 1:
        yield from extract(load_pipeline(rules_dir=rules), papers, batch_size=batch_size)
        return
    chunks = _chunks(papers, batch_size)
    pending: deque[Future] = deque()
    with ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init, initargs=(rules,)) as pool:
        for batch in chunks:
            pending.append(pool.submit(_worker_extract, batch))
            if len(pending) >= 2 * jobs:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def _chunks(items: Iterable[Paper], size: int) -> Iterator[list[Paper]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


_worker_nlp = None


def _worker_init(rules: RuleFolder | None = None) -> None:
    global _worker_nlp
    from .pipeline import load_pipeline

    _worker_nlp = load_pipeline(rules_dir=rules)


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
    evidence: str | None = None,
    jobs: int = 1,
    writers: dict[str, Callable[[nx.MultiDiGraph, Path], None]] | None = None,
) -> BuildSummary:
    """Write every export of ``graph`` into ``out_dir``, all or nothing.

    ``rdf_formats`` picks the RDF serialisations (turtle -> graph.ttl, nt -> graph.nt,
    json-ld -> graph.jsonld); an RDF file of a format not written this time is
    removed, so no stale graph sits beside fresh ones. ``evidence`` is the RDF
    evidence level (see :mod:`kg.export.rdf`). ``jobs`` > 1 runs the writers in
    that many forked processes. The folder is locked for the whole write
    (:class:`kg.outdir.OutputLock`), and the new files replace the old ones
    together or not at all (:func:`kg.outdir.swap_in`).
    """
    from .io import ensure_dir
    from .outdir import OutputLock, clean_stale_staging, make_staging, swap_in

    out = ensure_dir(out_dir)
    writers = writers or default_writers(base=base, max_nodes=max_nodes, rdf_formats=rdf_formats, evidence=evidence)
    stale = [name for name in RDF_FILES.values() if name not in writers]
    with OutputLock(out):
        clean_stale_staging(out)
        staging = make_staging(out)
        try:
            _run_writers(graph, staging, writers, jobs)
            swap_in(staging, out, list(writers), remove=stale)
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


def _run_writers(graph: nx.MultiDiGraph, staging: Path, writers: dict[str, Callable], jobs: int) -> None:
    """Run each writer into ``staging``; with ``jobs`` > 1, in forked processes sharing the graph."""
    import multiprocessing as mp

    if jobs <= 1 or len(writers) <= 1 or "fork" not in mp.get_all_start_methods():
        for name, write in writers.items():
            write(graph, staging / name)
        return
    ctx = mp.get_context("fork")
    todo = list(writers.items())
    running: list[tuple[str, Any, Any]] = []
    failure: str | None = None
    while todo or running:
        while todo and len(running) < jobs and failure is None:
            name, write = todo.pop(0)
            recv, send = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_write_in_child, args=(write, graph, staging / name, send), daemon=True)
            proc.start()
            send.close()
            running.append((name, proc, recv))
        if failure is not None:
            todo.clear()
        name, proc, recv = running.pop(0)
        message = recv.recv() if recv.poll(None) else None
        proc.join()
        recv.close()
        if (message or proc.exitcode) and failure is None:
            failure = message or f"{staging.parent / name}: writer stopped (exit code {proc.exitcode})"
    if failure is not None:
        raise OutputError(failure)


def _write_in_child(write: Callable, graph: nx.MultiDiGraph, path: Path, send) -> None:
    try:
        write(graph, path)
        send.send("")
    except KGError as exc:
        send.send(str(exc))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent as one line
        send.send(f"{path.name}: {type(exc).__name__}: {exc}")
    finally:
        send.close()


def default_writers(
    *,
    base: str | None = None,
    max_nodes: int | None = None,
    rdf_formats: Iterable[str] = ("turtle",),
    evidence: str | None = None,
) -> dict[str, Callable]:
    """The writer for each output file: :data:`OUTPUT_FILES`, with the RDF files of ``rdf_formats``."""
    from .export.html import write_html
    from .export.json import write_graphml, write_json
    from .export.rdf import FORMATS
    from .namespaces import DEFAULT_BASE, check_base

    rdf_kw: dict[str, Any] = {"base": base or DEFAULT_BASE}
    check_base(rdf_kw["base"])  # fail before anything is written
    if evidence is not None:
        from .export.rdf import EVIDENCE_LEVELS

        if evidence not in EVIDENCE_LEVELS:
            raise OutputError(f"unknown evidence level {evidence!r} (choose from {', '.join(EVIDENCE_LEVELS)})")
        rdf_kw["evidence"] = evidence
    html_kw = {"max_nodes": max_nodes} if max_nodes is not None else {}
    writers: dict[str, Callable] = {"graph.json": write_json, "graph.graphml": write_graphml}
    for name in rdf_formats:
        fmt = FORMATS.get(name)
        if fmt is None:
            raise OutputError(f"unknown RDF format {name!r} (choose from {', '.join(RDF_FILES)})")
        writers[RDF_FILES[fmt]] = functools.partial(_write_rdf, format=fmt, **rdf_kw)
    writers["ontology.ttl"] = _write_ontology
    writers["graph.html"] = functools.partial(write_html, **html_kw)
    return writers


def _write_rdf(graph: nx.MultiDiGraph, path: Path, **kw: Any) -> None:
    from .export.rdf import write_rdf

    write_rdf(graph, path, **kw)


def _write_ontology(graph: nx.MultiDiGraph, path: Path) -> None:
    from .export.rdf import write_ontology

    write_ontology(path)
