"""Benchmark graph.html at 1k / 10k / 100k papers: page size, write time, time to settle.

Builds synthetic, schema-conformant graphs (docs/SCHEMA.md section 3) in the
proportions ``kg.build`` gives on real abstracts (:func:`synthetic_graph`),
writes each with :func:`kg.export.html.write_html`, opens it from ``file://``
in headless Chromium (Debian's /usr/bin/chromium, network blocked) and reads
``window.kgStabilized`` (``performance.now()`` when the page has drawn and its
layout stopped, i.e. ms since navigation began). The baseline is the old
300-node graph drawn whole, in the same run; every time is printed as a ratio
against it.

Usage::

    python bench/bench_html.py [--papers 1000 10000 100000] [--repeat 3] [--keep DIR]
    python bench/bench_html.py --screenshot outputs/graph.json docs/graph.png --title "kg: seeds"

Targets at 100k papers: graph.html at most 25 MB, settled in under 10 s.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
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
WORDS = ("sparse deep graph neural latent robust adaptive contrastive diffusion vision language token "
         "attention retrieval federated causal quantized multimodal recurrent spectral").split()
HEADS = "network model transformer encoder benchmark dataset loss score detection parsing alignment".split()


def n_entities_for(n_papers: int) -> int:
    """Entities grow sublinearly with papers: ~1,000 at 1k papers (as kg builds), 30,000 at 100k."""
    return max(20, int(30_000 * (n_papers / 100_000) ** 0.74))


def synthetic_graph(n_papers: int, seed: int = 0) -> nx.MultiDiGraph:
    """A kg-shaped graph (docs/SCHEMA.md section 3) of ``n_papers`` papers, in real proportions.

    Measured on ``kg.build`` of bench/corpus.py's 1,000 papers: per paper ~3.2
    ``mentions`` edges carrying ~2 evidence items each, ~0.6 ``uses``, ~0.1
    ``proposes``, ~0.45 findings, ~2-5 new or repeated ``co_occurs`` pairs,
    ~0.3 typed relations. Entities are used with a Zipf-like law, so a few are
    in thousands of papers and most in one; :func:`n_entities_for` sets how many.
    Each paper draws most of its entities from one topic, so the graph has communities.
    """
    rng = random.Random(seed)
    g = nx.MultiDiGraph(name="kg", kg_version="bench", n_papers=n_papers)
    n_ent = n_entities_for(n_papers)
    entities = []
    for i in range(n_ent):
        etype = ENTITY_TYPES[rng.randrange(len(ENTITY_TYPES))]
        label = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {rng.choice(HEADS)} {i}"
        key = label.lower().replace(" ", "-")
        nid = f"entity/{key}"
        attrs = {"type": etype, "label": label, "key": key, "aliases": [f"{label[:3].upper()}{i}"] if i % 4 == 0 else [],
                 "n_papers": 0, "type_votes": {etype: 1}}
        if etype == "Model":
            attrs.update(family="", version="", size="", flavour="")
        g.add_node(nid, **attrs)
        entities.append(nid)
    # Zipf over ranks (s ~ 1): cumulative weights for bisect-based sampling; papers keep to a
    # topic (a slice of the entities, with its own Zipf law) most of the time, as real fields do
    cum = list(itertools.accumulate(1.0 / (r + 1) ** 1.0 for r in range(n_ent)))
    n_topics = max(3, n_ent // 300)
    topics = [entities[t::n_topics] for t in range(n_topics)]
    topic_cum = [list(itertools.accumulate(1.0 / (r + 1) for r in range(len(t)))) for t in topics]
    models = [e for e in entities if g.nodes[e]["type"] == "Model"]
    next_new = 0  # every entity is used at least once: walk through the tail as papers come
    for i in range(n_papers):
        pid = f"paper/arxiv:{2000 + i // 100_000:04d}.{i % 100_000:05d}"
        arxiv = pid.split(":", 1)[1]
        k = rng.choice((2, 3, 3, 3, 4, 4, 5))
        t = rng.randrange(n_topics)
        chosen = set()
        for _ in range(k):
            if rng.random() < 0.75:
                chosen.add(topics[t][bisect.bisect(topic_cum[t], rng.random() * topic_cum[t][-1])])
            else:
                chosen.add(entities[bisect.bisect(cum, rng.random() * cum[-1])])
        if next_new < n_ent and rng.random() < n_ent / n_papers * 1.5:
            chosen.add(entities[next_new])
            next_new += 1
        chosen = sorted(chosen)
        names = [g.nodes[e]["label"] for e in chosen]
        title = f"On {names[0]} for {names[-1]}: a study of {rng.choice(WORDS)} {rng.choice(HEADS)}s"
        sentences = [f"We study {a} together with {b} and report gains on {rng.choice(WORDS)} {rng.choice(HEADS)} tasks."
                     for a, b in zip(names, names[1:] + names[:1])]
        sentences.append(f"Our {rng.choice(WORDS)} approach improves accuracy by {rng.randint(1, 30)}% over prior work.")
        text = " ".join(sentences)
        g.add_node(pid, type="Paper", label=title, title=title, text=text, sources=["bench.jsonl"], topics=["cs.LG"],
                   arxiv_id=arxiv, url=f"https://arxiv.org/abs/{arxiv}")
        offset = len(title) + 2
        starts = []
        for s in sentences:
            starts.append(offset)
            offset += len(s) + 1
        for j, (ent, name) in enumerate(zip(chosen, names)):
            evs = []
            for r in range(rng.choice((1, 2, 2, 3))):
                sj = (j - r) % len(chosen)  # the name is in sentence j (as "a") and j-1 (as "b")
                sent = sentences[sj]
                at = sent.find(name)
                if at < 0:
                    continue
                evs.append({"paper": pid, "sentence": sent, "sent_start": starts[sj], "start": starts[sj] + at,
                            "end": starts[sj] + at + len(name), "rule": "lexicon"})
            g.add_edge(pid, ent, key="mentions", evidence=evs, count=len(evs))
            g.nodes[ent]["n_papers"] += 1
        if rng.random() < 0.6:
            g.add_edge(pid, chosen[0], key="uses", evidence=[], count=1)
        if rng.random() < 0.1:
            g.add_edge(pid, chosen[-1], key="proposes", evidence=[], count=1)
        for a, b in itertools.combinations(chosen, 2):
            if g.has_edge(a, b, key="co_occurs"):
                data = g.edges[a, b, "co_occurs"]
                data["count"] += 1
                if len(data["evidence"]) < 10:
                    data["evidence"].append({"paper": pid, "sentence": sentences[0], "sent_start": starts[0],
                                             "start": starts[0], "end": starts[0] + 5, "rule": "co_occurs"})
            else:
                g.add_edge(a, b, key="co_occurs", count=1, evidence=[
                    {"paper": pid, "sentence": sentences[0], "sent_start": starts[0], "start": starts[0],
                     "end": starts[0] + 5, "rule": "co_occurs"}])
        if len(chosen) >= 2 and rng.random() < 0.3:
            a, b = chosen[0], chosen[1]
            key = RELATIONS[rng.randrange(len(RELATIONS))]
            ev = {"paper": pid, "sentence": sentences[0], "sent_start": starts[0], "start": starts[0],
                  "end": starts[0] + len(sentences[0]), "rule": f"{key}.v1"}
            if g.has_edge(a, b, key=key):
                g.edges[a, b, key]["count"] += 1
            else:
                g.add_edge(a, b, key=key, evidence=[ev], count=1)
        if rng.random() < 0.45:
            fid = f"finding/{i:016x}"
            last = sentences[-1]
            at = last.index("improves")
            g.add_node(fid, type="Finding", label=f"accuracy +{i % 30}%", text=last[at:-1], direction="increase",
                       value=float(i % 30), unit="%", metric="accuracy", qualifier="", baseline=None, paper=pid,
                       sentence=last, sent_start=starts[-1], start=starts[-1] + at, end=starts[-1] + len(last) - 1,
                       rule="finding.pct")
            g.add_edge(pid, fid, key="reports", evidence=[], count=0)
            g.add_edge(fid, chosen[0], key="subject", evidence=[], count=0)
    for a, b in zip(models[1::9], models[::9]):
        g.add_edge(a, b, key="variant_of", evidence=[], count=1)
    for ent in entities:
        g.nodes[ent]["n_papers"] = max(g.nodes[ent]["n_papers"], 1)
    return g


def baseline_graph(n_nodes: int, seed: int = 0) -> nx.MultiDiGraph:
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
    """Run the benchmark; print size, write time and settle time per corpus size, and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--baseline", type=int, default=300, help="nodes of the baseline graph (drawn whole)")
    parser.add_argument("--repeat", type=int, default=3)
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

    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            cases = [("baseline", args.baseline)] + [("papers", n) for n in args.papers]
            base_settle = base_write = None
            for kind, n in cases:
                t0 = time.perf_counter()
                g = baseline_graph(n) if kind == "baseline" else synthetic_graph(n)
                gen_s = time.perf_counter() - t0
                path = folder / f"bench-{kind}-{n}.html"
                t0 = time.perf_counter()
                write_html(g, path, max_nodes=5000) if kind == "baseline" else write_html(g, path)
                write_s = time.perf_counter() - t0
                runs = [time_page(path, browser) for _ in range(args.repeat)]
                settle = statistics.median(t for t, _ in runs)
                mb = path.stat().st_size / 1e6
                if base_settle is None:
                    base_settle, base_write = settle, write_s
                name = f"{n:,} nodes (baseline)" if kind == "baseline" else f"{n:,} papers"
                print(f"{name:>22}: {g.number_of_nodes():>8,} nodes {g.number_of_edges():>9,} edges; "
                      f"generated {gen_s:.1f} s; write_html {write_s:.1f} s ({write_s / base_write:.0f}x baseline); "
                      f"{mb:.1f} MB; settled in {settle:.2f} s ({settle / base_settle:.1f}x baseline; "
                      f"runs {', '.join(f'{t:.2f}' for t, _ in runs)})")
                if kind == "papers" and n >= 100_000:
                    ok = ok and mb <= 25 and settle < 10
                del g
            browser.close()
    print("targets at 100k papers (<= 25 MB, < 10 s):", "OK" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
