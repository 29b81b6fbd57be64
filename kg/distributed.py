"""Distributed builds on Dask: partitions of papers in, one composed graph out.

The plan (:func:`plan_partitions`) cuts the inputs into partitions: one per
file, and JSON Lines files into byte ranges that end on line breaks, so that a
worker reads its own papers from shared storage and nothing of the corpus
passes through the client. :func:`build_on_dask` then runs three steps on a
``dask.bag`` with one element per partition:

1. every worker reads its partition and returns its paper ids (a few bytes a
   paper): the client gives each paper to the first partition holding it, so no
   paper is extracted twice and the reduce never has to undo a duplicate;
2. every worker runs kg's pipeline over its papers (loaded once per worker
   process) and builds a partial graph with :func:`kg.graph.add_extraction`;
3. a tree reduce (``Bag.reduction`` with ``split_every``) composes the partial
   graphs in input order with :func:`kg.graph.compose`, which makes the result
   equal to a single-process build of the same inputs.

dask[distributed] is an optional extra (``pip install "kg[dask]"``). With no
address a ``LocalCluster`` of ``jobs`` single-threaded worker processes runs on
this machine; ``address`` connects to a running scheduler instead (its workers
need kg installed and the input paths readable).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from .errors import KGError
from .graph import DEFAULT_MAX_EVIDENCE, add_extraction, add_sources, compose, finalize, new_graph, paper_node_id
from .records import Paper
from .rulefiles import RuleFolder, RulesDir

__all__ = ["Partition", "plan_partitions", "read_partition", "build_on_dask", "DEFAULT_PARTITION_BYTES"]

#: bytes of JSON Lines per partition (about 10k abstracts)
DEFAULT_PARTITION_BYTES = 16 << 20
#: partial graphs composed per step of the tree reduce
SPLIT_EVERY = 8


@dataclass(frozen=True)
class Partition:
    """A slice of the inputs: a whole file, or bytes ``[start, end)`` of a JSON Lines file."""

    path: str
    start: int = 0
    end: int | None = None

    @property
    def whole(self) -> bool:
        """Whether the partition is a whole file."""
        return self.start == 0 and self.end is None


def plan_partitions(
    paths: Iterable[str | os.PathLike[str]], *, partition_bytes: int = DEFAULT_PARTITION_BYTES
) -> list[Partition]:
    """Cut the inputs into partitions, in the order :func:`kg.readers.read_papers` reads them.

    A JSON Lines file larger than ``partition_bytes`` is cut into byte ranges
    that each end just after a line break; every other file is one partition.
    """
    from .readers import detect_format, input_files

    out: list[Partition] = []
    for f in input_files(paths):
        size = f.stat().st_size if f.exists() else 0
        if size <= partition_bytes or not f.is_file() or detect_format(f) != "jsonl":
            out.append(Partition(str(f)))
            continue
        with open(f, "rb") as fh:
            start = 0
            while start < size:
                fh.seek(min(start + partition_bytes, size))
                fh.readline()  # on to the end of the line the cut fell in
                end = min(fh.tell(), size)
                out.append(Partition(str(f), start, None if end >= size else end))
                start = end
    return out


def read_partition(
    part: Partition, *, title_field: str | None = None, text_field: str | None = None, rules_dir: RulesDir = None
) -> Iterator[Paper]:
    """The papers of one partition, in file order, read as :func:`kg.readers.read_file` reads them.

    A whole file goes through ``read_file`` (every check included). A byte range
    of a JSON Lines file is parsed line by line with the readers' own record
    mapping; the file-level checks (no papers at all, no record with a text) are
    left to the partitions' sum, since one range of a file may rightly hold none.
    """
    from .readers import read_file

    if part.whole:
        yield from read_file(part.path, title_field=title_field, text_field=text_field, rules_dir=rules_dir)
        return
    from .readers.common import input_error
    from .readers.fields import FieldMap
    from .readers.jsonlines import parse_json

    fields = FieldMap(title_field, text_field)
    with open(part.path, "rb") as fh:
        fh.seek(part.start)
        pos = part.start
        while part.end is None or pos < part.end:
            raw = fh.readline()
            if not raw:
                break
            at = pos
            pos += len(raw)
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise input_error(part.path, f"not UTF-8 text (in the line at byte {at})") from None
            line = line.lstrip("\ufeff")
            if not line.strip():
                continue
            try:
                obj = parse_json(line)
            except (json.JSONDecodeError, RecursionError, ValueError) as exc:
                raise input_error(part.path, f"not valid JSON in the line at byte {at} ({str(exc)[:60]})") from None
            if not isinstance(obj, dict):
                raise input_error(part.path, f"expected a JSON object per line (the line at byte {at})")
            paper = fields.paper(obj, part.path)
            if paper is not None:
                yield paper


# work done in the workers ---------------------------------------------------------------

_nlp: dict = {}


def _pipeline(rules: RuleFolder | None):
    """kg's pipeline with ``rules`` (None: kg's own), loaded once per worker process."""
    key = rules.digest if rules is not None else None
    if key not in _nlp:
        from .pipeline import load_pipeline

        _nlp.clear()  # one pipeline a worker: a build uses one rules folder
        _nlp[key] = load_pipeline(rules_dir=rules)
    return _nlp[key]


def _partition_ids(part: Partition, fields: dict[str, Any], rules: RuleFolder | None = None) -> list[str]:
    return [p.id for p in read_partition(part, rules_dir=rules, **fields)]


def _partition_graph(task: tuple[Partition, frozenset[str]], max_evidence: int, fields: dict[str, Any],
                     rules: RuleFolder | None = None) -> nx.MultiDiGraph:
    """The partial graph of one partition; papers in ``skip`` only add their source and topics."""
    from .extract import extract

    part, skip = task
    g = new_graph()
    late: list[tuple[str, str, tuple[str, ...]]] = []
    seen: set[str] = set()

    def fresh() -> Iterator[Paper]:
        for paper in read_partition(part, rules_dir=rules, **fields):
            if paper.id in skip or paper.id in seen:
                late.append((paper_node_id(paper.id), paper.source, tuple(paper.topics)))
            else:
                seen.add(paper.id)
                yield paper

    for ext in extract(_pipeline(rules), fresh()):
        add_extraction(g, ext, max_evidence=max_evidence)
    g.graph["late_sources"] = late
    return g


def _apply_late_sources(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Fold duplicates' sources and topics into paper nodes now present; keep the rest for later."""
    waiting = []
    for pid, source, topics in g.graph.pop("late_sources", []):
        if pid in g:
            add_sources(g.nodes[pid], (source,), topics)
        else:
            waiting.append((pid, source, topics))
    g.graph["late_sources"] = waiting
    return g


def _compose_ordered(graphs: Iterable[nx.MultiDiGraph], max_evidence: int) -> nx.MultiDiGraph:
    out: nx.MultiDiGraph | None = None
    for g in graphs:
        if out is None:
            out = g
            continue
        late = out.graph.pop("late_sources", []) + g.graph.pop("late_sources", [])
        out = compose(out, g, max_evidence=max_evidence, final=False)
        out.graph["late_sources"] = late
        _apply_late_sources(out)
    return out if out is not None else new_graph()


# the client side ------------------------------------------------------------------------


def _first_owner(id_lists: Sequence[list[str]], existing: nx.MultiDiGraph | None) -> list[frozenset[str]]:
    """For each partition, the ids it must not extract (held by an earlier partition or the graph)."""
    owner: dict[str, int] = {}
    skips: list[set[str]] = [set() for _ in id_lists]
    for i, ids in enumerate(id_lists):
        for pid in ids:
            if existing is not None and paper_node_id(pid) in existing:
                skips[i].add(pid)
            elif owner.setdefault(pid, i) != i:
                skips[i].add(pid)
    return [frozenset(s) for s in skips]


def _client(address: str | None, jobs: int):
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise KGError('the dask scheduler needs dask[distributed]: pip install "kg[dask]"') from None
    if address:
        try:
            return Client(address, timeout="20s"), None
        except (OSError, TimeoutError) as exc:
            raise KGError(f"cannot reach the Dask scheduler at {address} ({exc})") from None
    cluster = LocalCluster(
        n_workers=max(1, jobs), threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
    )
    return Client(cluster), cluster


def build_on_dask(
    paths: Iterable[str | os.PathLike[str]],
    *,
    graph: nx.MultiDiGraph | None = None,
    client: Any = None,
    address: str | None = None,
    jobs: int = 2,
    partition_bytes: int = DEFAULT_PARTITION_BYTES,
    max_evidence: int = DEFAULT_MAX_EVIDENCE,
    title_field: str | None = None,
    text_field: str | None = None,
    rules: RuleFolder | None = None,
) -> nx.MultiDiGraph:
    """Build (or extend ``graph`` with) the graph of ``paths`` on Dask; see the module docstring.

    ``title_field`` / ``text_field`` are passed to the readers, as ``kg build`` does.
    ``rules`` (a snapshot of a rules folder; None: kg's own) is sent to the workers once,
    as one task of the graph, and read by their readers and pipelines.

    ``client`` is a ``dask.distributed.Client`` to use as it is; otherwise one is
    made for ``address`` (a running scheduler), or for a LocalCluster of ``jobs``
    workers that is closed again at the end.
    """
    import dask
    import dask.bag as db

    parts = plan_partitions(paths, partition_bytes=partition_bytes)
    own = None
    if client is None:
        client, own = _client(address, jobs)
    try:
        bag = db.from_sequence(parts, npartitions=max(1, len(parts)))
        # one key in the task graph, fetched once per worker, whatever the number of partitions
        shared = dask.delayed(rules, pure=True) if rules is not None else None
        fields = {"title_field": title_field, "text_field": text_field}
        id_lists = client.compute(bag.map(_partition_ids, fields=fields, rules=shared)).result()
        skips = _first_owner(id_lists, graph)
        tasks = db.from_sequence(list(zip(parts, skips)), npartitions=max(1, len(parts)))
        partials = tasks.map(_partition_graph, max_evidence=max_evidence, fields=fields, rules=shared)
        reduced = partials.reduction(
            lambda gs: _compose_ordered(gs, max_evidence),
            lambda gs: _compose_ordered(gs, max_evidence),
            split_every=SPLIT_EVERY,
        )
        new = client.compute(reduced).result()
    finally:
        if own is not None:
            client.close()
            own.close()
    late = new.graph.pop("late_sources", [])
    if graph is None:
        out = new
    else:
        out = compose(graph, new, max_evidence=max_evidence, final=False)
    for pid, source, topics in late:
        if pid in out:
            add_sources(out.nodes[pid], (source,), topics)
    return finalize(out)

