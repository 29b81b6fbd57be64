"""Benchmark graph.html: time until a 3,000-node page has laid itself out.

Builds a synthetic, schema-conformant graph (docs/SCHEMA.md section 3), writes it
with :func:`kg.export.html.write_html`, opens it from ``file://`` in headless
Chromium (Debian's /usr/bin/chromium, network blocked) and reads
``window.kgStabilized`` (``performance.now()`` when physics stopped, i.e. ms
since navigation began). A 300-node graph is the baseline; the ratio shows how
the layout time grows with the graph.

Usage::

    python bench/bench_html.py [--nodes 3000] [--baseline 300] [--repeat 3] [--keep DIR]
    python bench/bench_html.py --screenshot outputs/graph.json docs/graph.png --title "kg: seeds"

Target: the 3,000-node page settles in under 10 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.export.html import write_html  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--proxy-server=127.0.0.1:9",
]
ENTITY_TYPES = ["Method", "Model", "Architecture", "Dataset", "Task", "Metric", "Organization"]
RELATIONS = ["evaluated_on", "used_for", "trained_on", "compared_with", "outperforms", "part_of", "measured_by"]
WORDS = "sparse deep graph neural latent robust adaptive contrastive diffusion vision language token".split()


def synthetic_graph(n_nodes: int, seed: int = 0) -> nx.MultiDiGraph:
    """A kg-shaped graph of about ``n_nodes`` nodes: 30% papers, 62% entities, 8% findings.

    Papers mention 3-8 entities drawn with a heavy tail (a few entities in many
    papers, most in one), as real corpora do; entities in one paper co-occur,
    some pairs get typed relations, some models are variants of others.
    """
    rng = random.Random(seed)
    g = nx.MultiDiGraph(name="kg", kg_version="bench", n_papers=0)
    n_papers = int(n_nodes * 0.30)
    n_findings = int(n_nodes * 0.08)
    n_entities = n_nodes - n_papers - n_findings
    entities = []
    for i in range(n_entities):
        etype = rng.choice(ENTITY_TYPES)
        label = f"{rng.choice(WORDS).title()}{rng.choice(WORDS).title()}-{i}"
        key = label.lower()
        nid = f"entity/{key}"
        g.add_node(nid, type=etype, label=label, key=key, aliases=[label.upper()] if i % 5 == 0 else [],
                   n_papers=0, type_votes={etype: 1})
        if etype == "Model":
            g.nodes[nid].update(family="", version="", size="", flavour="")
        entities.append(nid)
    weights = [1.0 / (i + 1) ** 0.9 for i in range(n_entities)]
    papers = []
    for i in range(n_papers):
        pid = f"paper/arxiv:2401.{i:05d}"
        chosen = list(dict.fromkeys(rng.choices(entities, weights=weights, k=rng.randint(3, 8))))
        # every entity comes from some mention: give the tail entities one paper each
        tail = entities[n_entities // 3 + i * 2 : n_entities // 3 + i * 2 + 2]
        chosen += [e for e in tail if e not in chosen]
        names = [g.nodes[e]["label"] for e in chosen]
        title = f"On {names[0]} for {names[-1]}"
        sentences = [f"We study {a} together with {b}." for a, b in zip(names, names[1:] + names[:1])]
        text = " ".join(sentences)
        content = f"{title}\n\n{text}"
        g.add_node(pid, type="Paper", label=title, title=title, text=text, sources=["bench.jsonl"],
                   topics=["cs.LG"], arxiv_id=f"2401.{i:05d}", url=f"https://arxiv.org/abs/2401.{i:05d}")
        papers.append(pid)
        offset = len(title) + 2
        for j, (ent, name) in enumerate(zip(chosen, names)):
            sent = sentences[j]
            start = offset + sent.index(name)
            ev = {"paper": pid, "sentence": sent, "sent_start": offset, "start": start,
                  "end": start + len(name), "rule": "lexicon"}
            g.add_edge(pid, ent, key="mentions", evidence=[ev], count=1)
            g.nodes[ent]["n_papers"] += 1
            nxt = chosen[(j + 1) % len(chosen)]
            if nxt != ent:
                u, v = sorted((ent, nxt))
                if g.has_edge(u, v, key="co_occurs"):
                    g.edges[u, v, "co_occurs"]["count"] += 1
                else:
                    g.add_edge(u, v, key="co_occurs", evidence=[ev], count=1)
                if rng.random() < 0.15:
                    g.add_edge(ent, nxt, key=rng.choice(RELATIONS), evidence=[dict(ev, rule="relation")], count=1)
            offset += len(sent) + 1
        if rng.random() < 0.3:
            g.add_edge(pid, chosen[0], key="proposes", evidence=[], count=0)
    for i in range(n_findings):
        fid = f"finding/{i:016x}"
        pid = rng.choice(papers)
        subj = rng.choice(entities)
        g.add_node(fid, type="Finding", label=f"accuracy +{i % 9}.0 points", text=f"improves accuracy by {i % 9}.0 points",
                   direction="increase", value=float(i % 9), unit="points", metric="accuracy", qualifier="",
                   baseline=None, paper=pid, sentence=g.nodes[pid]["text"].split(".")[0] + ".", start=0, end=5, rule="finding")
        g.add_edge(pid, fid, key="reports", evidence=[], count=0)
        g.add_edge(fid, subj, key="subject", evidence=[], count=0)
    models = [e for e in entities if g.nodes[e]["type"] == "Model"]
    for a, b in zip(models[1::7], models[::7]):
        g.add_edge(a, b, key="variant_of", evidence=[], count=0)
    for ent in entities:
        g.nodes[ent]["n_papers"] = max(g.nodes[ent]["n_papers"], 1)
    g.graph["n_papers"] = n_papers
    return g


def time_page(path: Path, browser, timeout_s: float = 120.0) -> tuple[float, int]:
    """Seconds from navigation start until the layout stopped moving, and the layout iterations run."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://") else route.abort())
    page.goto(path.as_uri())
    page.wait_for_function("() => window.kgStabilized !== null", timeout=timeout_s * 1000)
    ms, layout = page.evaluate("() => [window.kgStabilized, window.kgLayout]")
    page.close()
    if errors:
        raise RuntimeError(f"{path}: page errors: {errors}")
    return ms / 1000.0, layout["iterations"]


def screenshot(graph_json: Path, png: Path, *, title: str = "kg", focus: str | None = None) -> None:
    """Render ``graph_json`` (node-link, as ``kg build`` writes it) and save the settled page as ``png``.

    The page shows the panel of ``focus`` (default: the entity in most papers).
    """
    import json

    from playwright.sync_api import sync_playwright

    with open(graph_json, encoding="utf-8") as fh:
        g = nx.node_link_graph(json.load(fh), edges="edges", multigraph=True, directed=True)
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "graph.html"
        write_html(g, page_path, title=title)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 850})
            page.goto(page_path.as_uri())
            page.wait_for_function("() => window.kgStabilized !== null", timeout=120_000)
            if focus is None:
                entities = [n for n, d in g.nodes(data=True) if d.get("type") not in ("Paper", "Finding")]
                focus = max(entities, key=lambda n: (g.nodes[n].get("n_papers") or 0, str(n)), default=None)
            if focus is not None:
                page.evaluate("(id) => window.kgFocus(id)", focus)
            page.wait_for_timeout(800)
            page.screenshot(path=str(png))
            browser.close()
    print(f"{png}: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print seconds per graph size and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=3000)
    parser.add_argument("--baseline", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-nodes", type=int, default=5000, help="write_html's max_nodes (default: keep all)")
    parser.add_argument("--keep", type=Path, help="write the pages into this folder")
    parser.add_argument("--screenshot", nargs=2, type=Path, metavar=("GRAPH_JSON", "PNG"),
                        help="instead of benchmarking, save a screenshot of GRAPH_JSON's page (docs/graph.png)")
    parser.add_argument("--title", default="kg", help="page title for --screenshot")
    parser.add_argument("--focus", help="node id whose panel --screenshot shows (default: the entity in most papers)")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} not found: install Debian's chromium package", file=sys.stderr)
        return 1
    if args.screenshot:
        screenshot(*args.screenshot, title=args.title, focus=args.focus)
        return 0
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        results = {}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for n in (args.baseline, args.nodes):
                g = synthetic_graph(n)
                path = folder / f"bench-{n}.html"
                t0 = time.perf_counter()
                write_html(g, path, max_nodes=args.max_nodes)
                write_s = time.perf_counter() - t0
                runs = [time_page(path, browser) for _ in range(args.repeat)]
                times = [t for t, _ in runs]
                results[n] = statistics.median(times)
                print(
                    f"{n:>6} nodes {g.number_of_edges():>6} edges: write_html {write_s:.2f} s, "
                    f"{path.stat().st_size / 1e6:.1f} MB, settled in {results[n]:.2f} s "
                    f"(median of {args.repeat}: {', '.join(f'{t:.2f}' for t in times)}; "
                    f"layout iterations {', '.join(str(i) for _, i in runs)})"
                )
            browser.close()
    ratio = results[args.nodes] / results[args.baseline]
    verdict = "OK" if results[args.nodes] < 10 else "OVER TARGET"
    print(f"ratio {args.nodes}/{args.baseline} nodes: {ratio:.1f}x; target < 10 s: {verdict}")
    return 0 if results[args.nodes] < 10 else 1


if __name__ == "__main__":
    sys.exit(main())
