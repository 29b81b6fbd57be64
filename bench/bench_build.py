"""Scale of the whole build: 1k, 10k and 100k papers of replicated real abstracts.

    python bench/bench_build.py [--sizes 1000 10000 100000] [--jobs 1] [--workdir DIR]

For each size N, a corpus of N papers is written by ``bench/corpus.py`` (real
abstracts replicated with distinct ids), then two fresh child processes run on
it, one after the other, each timed from its start:

* **extract**: what ``kg extract`` does, the baseline: read the papers and run
  the pipeline over them, discarding the results;
* **build**: what ``kg build`` does: read, extract, build the graph, and write
  every default output (graph.json, graph.graphml, graph.ttl, ontology.ttl,
  graph.html), each writer timed on its own, and the peak RSS of the process.

It prints a table per size and the ratios the targets are set on: full build
over extraction alone (target <= 2 at every size), and the 100k time over the
10k time (target <= 11, linear growth is 10). Times are ratios within one run,
so a slower or busier machine moves both sides.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _child_extract(path: str, jobs: int) -> dict:
    t0 = time.perf_counter()
    from kg.builder import extract_papers
    from kg.readers import read_papers

    n = sum(1 for _ in extract_papers(read_papers([path]), jobs=jobs))
    return {"papers": n, "total": time.perf_counter() - t0}


def _child_build(path: str, out: str, jobs: int) -> dict:
    t0 = time.perf_counter()
    import kg.builder as builder
    from kg.readers import read_papers

    times: dict[str, float] = {}
    t = time.perf_counter()
    n_read = sum(1 for _ in read_papers([path]))
    times["read (alone)"] = time.perf_counter() - t

    # the graph phase runs interleaved with extraction: time it by wrapping its two steps
    spent = {"graph": 0.0}
    add, fin = builder.add_extraction, builder.finalize

    def timed(f):
        def wrapper(*a, **kw):
            s = time.perf_counter()
            try:
                return f(*a, **kw)
            finally:
                spent["graph"] += time.perf_counter() - s
        return wrapper

    builder.add_extraction, builder.finalize = timed(add), timed(fin)
    t = time.perf_counter()
    g = builder.build_graph([path], jobs=jobs)
    times["read+extract+graph"] = time.perf_counter() - t
    times["graph (of which)"] = spent["graph"]
    builder.add_extraction, builder.finalize = add, fin

    writers = builder.default_writers()
    for name, write in list(writers.items()):
        def one(gr, p, name=name, write=write):
            s = time.perf_counter()
            write(gr, p)
            times[f"write {name}"] = time.perf_counter() - s
        writers[name] = one
    t = time.perf_counter()
    builder.write_outputs(g, out, writers=writers, jobs=1)
    times["write (all)"] = time.perf_counter() - t
    sizes = {f.name: f.stat().st_size for f in Path(out).iterdir() if f.is_file()}
    return {
        "papers": n_read,
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "phases": times,
        "sizes": sizes,
        "total": time.perf_counter() - t0,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _run_child(args: list[str]) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"child failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--workdir", default=None, help="where corpora and outputs go (default: a temporary folder)")
    ap.add_argument("--json", action="store_true", help="print the results as JSON too")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        result = _child_extract(rest[0], int(rest[1])) if kind == "extract" else _child_build(rest[0], rest[1], int(rest[2]))
        print(json.dumps(result))
        return 0

    from corpus import write_corpus

    work = Path(args.workdir or tempfile.mkdtemp(prefix="kg-bench-build-"))
    work.mkdir(parents=True, exist_ok=True)
    results = {}
    for n in args.sizes:
        corpus = work / f"papers-{n}.jsonl"
        if not corpus.exists():
            write_corpus(n, corpus)
        ext = _run_child(["extract", str(corpus), str(args.jobs)])
        build = _run_child(["build", str(corpus), str(work / f"out-{n}"), str(args.jobs)])
        results[n] = {"extract": ext, "build": build}
        ratio = build["total"] / ext["total"]
        print(f"\n== {n:,} papers (jobs={args.jobs}): {build['nodes']:,} nodes, {build['edges']:,} edges")
        print(f"  {'extract alone (baseline)':28s} {ext['total']:9.2f} s")
        for phase, secs in build["phases"].items():
            print(f"  {phase:28s} {secs:9.2f} s")
        print(f"  {'full build':28s} {build['total']:9.2f} s   ratio to extract: {ratio:.2f} (target <= 2)")
        print(f"  {'peak RSS of the build':28s} {build['peak_rss_mb']:9.0f} MB")
        print("  sizes: " + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sorted(build["sizes"].items())))
        sys.stdout.flush()
    if 10000 in results and 100000 in results:
        r = results[100000]["build"]["total"] / results[10000]["build"]["total"]
        print(f"\n10k -> 100k build time ratio: {r:.2f} (target <= 11)")
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
