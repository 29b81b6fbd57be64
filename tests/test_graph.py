"""kg.graph: building, merging and composing the MultiDiGraph from plain extractions."""

from __future__ import annotations

import pickle

import pytest

from kg.graph import compose, merge, new_graph
from kg.records import Alias, Finding, Mention, Paper, PaperExtraction, PaperLink, Relation


def _steps():
    """kg's key steps with its own rules, as the pipeline runs them: model names parsed, canonical names."""
    from kg.pipeline.canonical import CanonicalNames
    from kg.pipeline.lineage import LineageParser

    parser, names = LineageParser(None), CanonicalNames(None)
    parser.initialize()
    names.initialize()
    return parser, names


_LINEAGE, _CANONICAL = _steps()


def _mention(start: int, surface: str, label: str, sent: int, *, canonical: bool = True) -> Mention:
    """A mention keyed as the pipeline keys it: canonical name, else model-variant key, else entity key."""
    from kg.pipeline.normalize import entity_key

    lineage = _LINEAGE.parse(surface) if label == "Model" else None
    key = lineage.key if lineage is not None else entity_key(surface, label)
    name = _CANONICAL.lookup(key) if canonical else None
    return Mention(start, start + len(surface), label, surface, "test.rule", sent, name.key if name else key, lineage,
                   name.name if name else None)


def _ext(pid: str, text: str, tagged: list[tuple[str, str]], *, topics=(), title=None) -> PaperExtraction:
    """An extraction of ``text`` with the given (substring, label) mentions, one sentence per '. '
    (keyed as the pipeline keys them, :func:`_mention`)."""

    paper = Paper(id=pid, title=title, text=text, source=f"{pid}.txt", topics=tuple(topics))
    content = paper.content
    sentences, start = [], 0
    for part in content.split(". "):
        end = start + len(part) + (1 if start + len(part) < len(content) else 0)
        sentences.append((start, end))
        start += len(part) + 2
    mentions, cursor = [], 0
    for surface, label in tagged:
        s = content.index(surface, cursor)
        cursor = s + len(surface)
        sent = next(i for i, (a, b) in enumerate(sentences) if a <= s < b)
        mentions.append(_mention(s, surface, label, sent))
    return PaperExtraction(paper=paper, sentences=sentences, mentions=mentions)


def test_graph_paper_and_entity_nodes_carry_schema_attributes():
    ext = _ext("sha:a", "We fine-tune Llama 2 with LoRA. It helps.", [("Llama 2", "Model"), ("LoRA", "Method")])
    g = merge(new_graph(), [ext])
    paper = g.nodes["paper/sha:a"]
    assert paper["type"] == "Paper" and paper["sources"] == ["sha:a.txt"]
    lora = g.nodes["entity/lora"]
    assert (lora["type"], lora["label"], lora["n_papers"]) == ("Method", "LoRA", 1)
    ev = g.edges["paper/sha:a", "entity/lora", "mentions"]["evidence"][0]
    assert ev["sentence"] == "We fine-tune Llama 2 with LoRA."
    assert paper_text(g, "sha:a")[ev["start"] : ev["end"]] == "LoRA"
    assert ev["rule"] == "test.rule"
    assert g.graph["n_papers"] == 1


def paper_text(g, pid):
    d = g.nodes[f"paper/{pid}"]
    return f"{d['title']}\n\n{d['text']}" if d["title"] else d["text"]


def test_graph_same_sentence_entities_co_occur_once_with_count():
    a = _ext("sha:a", "LoRA adapts Llama 2. LoRA and Llama 2 again", [("LoRA", "Method"), ("Llama 2", "Model"), ("LoRA", "Method"), ("Llama 2", "Model")])
    g = merge(new_graph(), [a])
    u, v = sorted(["entity/lora", "entity/llama-2"])
    assert g.edges[u, v, "co_occurs"]["count"] == 2
    assert not g.has_edge(v, u, "co_occurs")


def test_graph_same_paper_twice_is_one_node_with_both_topics():
    a = _ext("sha:a", "We use LoRA.", [("LoRA", "Method")], topics=["t1"])
    b = _ext("sha:a", "We use LoRA.", [("LoRA", "Method")], topics=["t2"])
    g = merge(new_graph(), [a, b])
    assert g.nodes["paper/sha:a"]["topics"] == ["t1", "t2"]
    assert g.edges["paper/sha:a", "entity/lora", "mentions"]["count"] == 1


def test_graph_acronym_defined_later_folds_into_long_form():
    early = _ext("sha:a", "We train an SAE on GPT-2.", [("SAE", "Method"), ("GPT-2", "Model")])
    defining = _ext("sha:b", "Sparse autoencoders (SAE) find features.", [("Sparse autoencoders", "Method"), ("SAE", "Method")])
    defining.aliases.append(Alias(short=1, long=0, rule="abbr"))
    g = merge(new_graph(), [early, defining])
    assert "entity/sae" not in g
    node = g.nodes["entity/sparse-autoencoder"]
    assert node["label"] == "Sparse autoencoders" and "SAE" in node["aliases"]
    assert node["n_papers"] == 2
    later = _ext("sha:c", "An SAE again.", [("SAE", "Method")])
    merge(g, [later])
    assert "entity/sae" not in g and g.nodes["entity/sparse-autoencoder"]["n_papers"] == 3


def test_graph_relations_links_and_findings_become_edges_and_nodes():
    ext = _ext(
        "sha:a",
        "We propose FooNet. FooNet reduces latency by up to 73% on LLaVA-1.5-7B",
        [("FooNet", "Model"), ("FooNet", "Model"), ("latency", "Metric"), ("LLaVA-1.5-7B", "Model")],
    )
    ext.links.append(PaperLink("proposes", 0, "link.propose", 0))
    ext.relations.append(Relation(1, 3, "compared_with", "rel.test", 1))
    content = ext.paper.content
    s = content.index("reduces")
    ext.findings.append(
        Finding(start=s, end=len(content), sent=1, rule="finding.test", text=content[s:], direction="reduces",
                value=73.0, unit="%", metric="latency", metric_mention=2, qualifier="up to", subject=1, settings=(3,))
    )
    g = merge(new_graph(), [ext])
    assert g.has_edge("paper/sha:a", "entity/foonet", "proposes")
    assert g.has_edge("entity/foonet", "entity/llava-1.5-7b", "compared_with")
    (fid,) = [n for n, t in g.nodes(data="type") if t == "Finding"]
    f = g.nodes[fid]
    assert (f["value"], f["unit"], f["qualifier"], f["direction"]) == (73.0, "%", "up to", "reduces")
    assert g.has_edge("paper/sha:a", fid, "reports")
    assert g.has_edge(fid, "entity/foonet", "subject") and g.has_edge(fid, "entity/llava-1.5-7b", "setting")


def test_graph_model_variant_links_to_its_family():
    ext = _ext("sha:a", "We prune LLaVA-1.5-7B and LLaVA-1.5-13B tokens.", [("LLaVA-1.5-7B", "Model"), ("LLaVA-1.5-13B", "Model")])
    g = merge(new_graph(), [ext])
    variant = g.nodes["entity/llava-1.5-7b"]
    assert (variant["family"], variant["version"], variant["size"]) == ("LLaVA", "1.5", "7B")
    family = [v for _, v, k in g.out_edges("entity/llava-1.5-7b", keys=True) if k == "variant_of"]
    assert family == ["entity/llava"] and g.nodes["entity/llava"]["type"] == "Model"


def test_graph_family_of_one_unmentioned_variant_waits_for_a_second_batch():
    one = _ext("sha:a", "We prune Zorblat-1.5-7B tokens.", [("Zorblat-1.5-7B", "Model")])
    g = merge(new_graph(), [one])
    assert "entity/zorblat" not in g  # only one split name vouches for an unknown family
    assert g.nodes["entity/zorblat-1.5-7b"]["family"] == "Zorblat"
    two = _ext("sha:b", "We also prune Zorblat-1.5-13B.", [("Zorblat-1.5-13B", "Model")])
    merge(g, [two])
    assert sorted(u for u, _, k in g.in_edges("entity/zorblat", keys=True) if k == "variant_of") == [
        "entity/zorblat-1.5-13b", "entity/zorblat-1.5-7b"]
    assert g.graph["pending_families"] == {}


def test_graph_family_known_to_the_model_lexicon_needs_one_variant():
    g = merge(new_graph(), [_ext("sha:a", "We prune LLaVA-1.5-7B tokens.", [("LLaVA-1.5-7B", "Model")])])
    assert g.has_edge("entity/llava-1.5-7b", "entity/llava", "variant_of")


def test_graph_compose_of_two_batches_equals_one_build():
    a = _ext("sha:a", "LoRA tunes Llama 2.", [("LoRA", "Method"), ("Llama 2", "Model")])
    b = _ext("sha:b", "LoRA tunes Llama 2 too.", [("LoRA", "Method"), ("Llama 2", "Model")])
    whole = merge(new_graph(), [a, b])
    # extractions cross process boundaries: they must pickle
    a2, b2 = pickle.loads(pickle.dumps(a)), pickle.loads(pickle.dumps(b))
    parts = compose(merge(new_graph(), [a2]), merge(new_graph(), [b2]))
    assert sorted(parts.nodes) == sorted(whole.nodes)
    assert sorted(parts.edges(keys=True)) == sorted(whole.edges(keys=True))
    for u, v, k in whole.edges(keys=True):
        assert parts.edges[u, v, k]["count"] == whole.edges[u, v, k]["count"]
    assert parts.nodes["entity/lora"]["n_papers"] == 2
    assert parts.graph["n_papers"] == 2


@pytest.mark.parametrize("votes,expected", [({"Model": 2, "Method": 1}, "Model"), ({"Method": 1, "Model": 1}, "Model")])
def test_graph_type_is_the_majority_vote(votes, expected):
    exts = []
    i = 0
    for label, n in votes.items():
        for _ in range(n):
            exts.append(_ext(f"sha:{i}", f"Paper {i} uses CLIP.", [("CLIP", label)]))
            i += 1
    g = merge(new_graph(), exts)
    assert g.nodes["entity/clip"]["type"] == expected


@pytest.mark.parametrize("first,second", [("pre-training", "pretraining"), ("LLMs", "LLM"), ("fine tuning", "fine-tuning")])
def test_graph_spelling_variants_are_one_node(first, second):
    a = _ext("sha:a", f"We study {first} here.", [(first, "Method")])
    b = _ext("sha:b", f"We study {second} here.", [(second, "Method")])
    g = merge(new_graph(), [a, b])
    entities = [n for n, t in g.nodes(data="type") if t == "Method"]
    assert len(entities) == 1 and g.nodes[entities[0]]["n_papers"] == 2
    # the same holds when the two were built apart and composed
    parts = compose(merge(new_graph(), [_ext("sha:a", f"We study {first} here.", [(first, "Method")])]),
                    merge(new_graph(), [_ext("sha:b", f"We study {second} here.", [(second, "Method")])]))
    assert [n for n, t in parts.nodes(data="type") if t == "Method"] == entities


def _json_bytes(g, tmp_path, name):
    from kg.export.json import write_json

    write_json(g, tmp_path / name)
    return (tmp_path / name).read_bytes()


def _assert_tree_of_parts_is_one_build(exts, tmp_path):
    """Three papers built apart and composed as ((1), (2 + 3)), unfinalised, write the same graph.json as one
    build of all three; returns the one build."""
    from kg.graph import add_extraction, compose_all

    whole = merge(new_graph(), exts)
    parts = []
    for ext in exts:
        g = new_graph()
        add_extraction(g, ext)
        parts.append(g)
    right = compose(parts[1], parts[2], final=False)
    assert _json_bytes(compose_all([parts[0], right]), tmp_path, "a") == _json_bytes(whole, tmp_path, "b")
    return whole


def test_graph_compose_with_a_shared_paper_keeps_evidence_from_the_other_papers(tmp_path):
    p1 = _ext("sha:1", "We pair LoRA with BERT here.", [("LoRA", "Method"), ("BERT", "Model")])
    p2 = _ext("sha:2", "Later LoRA meets BERT again.", [("LoRA", "Method"), ("BERT", "Model")])
    p3 = _ext("sha:3", "Once more LoRA and BERT.", [("LoRA", "Method"), ("BERT", "Model")])
    left = merge(new_graph(), [p1, p2])
    right = merge(new_graph(), [p2, p3])  # p2 is in both parts
    composed = compose(left, right)
    edge = composed.edges["entity/bert", "entity/lora", "co_occurs"]
    assert edge["count"] == 3
    assert sorted(ev["paper"] for ev in edge["evidence"]) == ["paper/sha:1", "paper/sha:2", "paper/sha:3"]
    whole = merge(new_graph(), [p1, p2, p3])
    assert composed.nodes["entity/lora"]["n_papers"] == whole.nodes["entity/lora"]["n_papers"] == 3


def test_graph_tree_of_unfinalised_parts_folds_acronyms_as_one_build_does(tmp_path):
    """A bare acronym resolves to the first definition in input order, whichever part saw it."""
    # invented names: a name of the alias table (rules/aliases.jsonl) would be read by the table instead
    define1 = _ext("sha:1", "Zorblat Rank Adaptation (ZRA) is cheap.", [("Zorblat Rank Adaptation", "Method"), ("ZRA", "Method")])
    define1.aliases.append(Alias(short=1, long=0, rule="test.abbr"))
    define2 = _ext("sha:2", "Zorblat Range Arena (ZRA) is a benchmark.", [("Zorblat Range Arena", "Dataset"), ("ZRA", "Dataset")])
    define2.aliases.append(Alias(short=1, long=0, rule="test.abbr"))
    bare = _ext("sha:3", "We use ZRA again.", [("ZRA", "Method")])
    exts = [define1, define2, bare]
    # ((1), (2 + 3)): the part holding the bare use never saw the first definition
    whole = _assert_tree_of_parts_is_one_build(exts, tmp_path)
    assert "paper/sha:3" in {u for u, _ in whole.in_edges("entity/zorblat-rank-adaptation")}


def test_graph_sentence_with_thousands_of_entities_makes_bounded_pairs():
    from kg.graph import MAX_COOCCURRING

    names = [f"Net{i}" for i in range(600)]
    ext = _ext("sha:1", "We compare " + " ".join(names) + ".", [(n, "Model") for n in names])
    g = merge(new_graph(), [ext])
    pairs = sum(1 for *_, k in g.edges(keys=True) if k == "co_occurs")
    assert pairs == MAX_COOCCURRING * (MAX_COOCCURRING - 1) // 2


# --- one node per thing: the alias table (rules/aliases.jsonl) and the key's spelling rules ---


def _named(pid: str, surface: str, label: str, *, canonical: bool = True) -> PaperExtraction:
    """A one-mention paper keyed as the pipeline keys it (``canonical=False``: as kg did before the alias table)."""
    text = f"We use {surface} here."
    paper = Paper(id=pid, title=None, text=text, source=f"{pid}.txt")
    mention = _mention(text.index(surface), surface, label, 0, canonical=canonical)
    return PaperExtraction(paper=paper, sentences=[(0, len(text))], mentions=[mention])


def _entity_of(g, pid: str) -> str:
    (node,) = [v for v in g.successors(f"paper/{pid}") if v.startswith("entity/")]
    return node


# (first spelling, second spelling, label, one node?): both orders are built, and the two
# papers built apart and composed, so a merge never depends on which spelling came first
SPELLINGS = [
    ("COCO", "MS-COCO", "Dataset", True),
    ("COCO", "MSCOCO", "Dataset", True),
    ("MS COCO", "Microsoft COCO", "Dataset", True),
    ("COCO", "Microsoft COCO dataset", "Dataset", True),
    ("PASCAL VOC 2007", "PASCAL VOC'07", "Dataset", True),
    ("PASCAL VOC 2007", "PASCAL VOC\u201907", "Dataset", True),
    ("ViT", "Vision Transformer", "Model", True),
    ("ViTs", "vision transformers", "Architecture", True),
    ("YOLO", "You Only Look Once", "Method", True),
    ("GCN", "graph convolutional networks", "Method", True),
    ("GCNs", "G.C.N.", "Method", True),
    ("LFW", "Labeled Faces in the Wild", "Dataset", True),
    ("MNLI", "MultiNLI", "Dataset", True),
    ("PCA", "principal component analysis", "Method", True),
    ("ResNet-50", "ResNet-101", "Model", False),
    ("COCO", "COCO-Stuff", "Dataset", False),
    ("MS-COCO", "COCO-Stuff", "Dataset", False),
    ("VOC 2007", "VOC 2012", "Dataset", False),
    ("PASCAL VOC'07", "PASCAL VOC 2012", "Dataset", False),
    ("PASCAL VOC'07", "PASCAL VOC'12", "Dataset", False),
    ("GPT-3", "GPT-3.5", "Model", False),
    ("BERT", "RoBERTa", "Model", False),
    ("CIFAR-10", "CIFAR-100", "Dataset", False),
    ("ViT", "DeiT", "Model", False),
    ("GCN", "GAT", "Method", False),
    ("GCN", "Global Convolutional Network", "Method", False),
    ("MS MARCO", "MARCO", "Dataset", False),
    ("MultiNLI", "XNLI", "Dataset", False),
]


@pytest.mark.parametrize("first,second,label,same", SPELLINGS)
def test_graph_spellings_of_one_name_are_one_node_and_distinct_names_stay_apart(first, second, label, same):
    for a, b in ((first, second), (second, first)):
        g = merge(new_graph(), [_named("sha:a", a, label), _named("sha:b", b, label)])
        node_a, node_b = _entity_of(g, "sha:a"), _entity_of(g, "sha:b")
        assert (node_a == node_b) is same, (a, b, node_a, node_b)
        parts = compose(merge(new_graph(), [_named("sha:a", a, label)]), merge(new_graph(), [_named("sha:b", b, label)]))
        assert (_entity_of(parts, "sha:a"), _entity_of(parts, "sha:b")) == (node_a, node_b)


@pytest.mark.parametrize("spellings,node,label", [
    (["MS-COCO", "COCO", "Microsoft COCO"], "entity/coco", "COCO"),
    (["Vision Transformer", "Vision Transformer", "ViT"], "entity/vit", "ViT"),
    (["You Only Look Once"], "entity/yolo", "You Only Look Once"),
])
def test_graph_canonical_node_keeps_every_spelling_as_an_alias_and_the_text_as_written(spellings, node, label):
    exts = [_named(f"sha:{i}", s, "Dataset") for i, s in enumerate(spellings)]
    g = merge(new_graph(), exts)
    data = g.nodes[node]
    assert data["label"] == label
    assert sorted({*data["aliases"], data["label"]}) == sorted(set(spellings))
    for i, s in enumerate(spellings):
        (ev,) = g.edges[f"paper/sha:{i}", node, "mentions"]["evidence"]
        assert ev["sentence"][ev["start"]:ev["end"]] == s  # the mention as written, offsets untouched


def test_graph_paper_defining_a_table_acronym_otherwise_keeps_its_reading_only_there(tmp_path):
    other = _ext("sha:1", "The Global Convolutional Network (GCN) segments roads.",
                 [("Global Convolutional Network", "Method"), ("GCN", "Method")])
    other.aliases.append(Alias(short=1, long=0, rule="test.abbr"))
    bare = _named("sha:2", "GCN", "Method")
    long = _named("sha:3", "graph convolutional network", "Method")
    # ((1), (2 + 3)): the definition and the bare uses in different parts
    whole = _assert_tree_of_parts_is_one_build([other, bare, long], tmp_path)
    assert _entity_of(whole, "sha:2") == _entity_of(whole, "sha:3") == "entity/gcn"
    assert set(whole.successors("paper/sha:1")) == {"entity/global-convolutional-network"}
    assert "gcn" not in whole.graph["alias_keys"]  # the table, not the first definition, reads bare uses


def test_graph_merge_onto_a_graph_built_without_the_table_folds_its_spellings():
    from kg.graph import apply_canonical_names

    old = merge(new_graph(), [_named("sha:a", "MS-COCO", "Dataset", canonical=False),
                              _named("sha:b", "Vision Transformer", "Model", canonical=False)])
    assert {"entity/ms-coco", "entity/vision-transformer"} <= set(old)
    g = merge(apply_canonical_names(old, _CANONICAL.lookup), [_named("sha:c", "COCO", "Dataset")])
    assert "entity/ms-coco" not in g and "entity/vision-transformer" not in g
    assert g.nodes["entity/coco"]["n_papers"] == 2 and "MS-COCO" in g.nodes["entity/coco"]["aliases"]
    assert g.nodes["entity/vit"]["label"] == "Vision Transformer"


@pytest.mark.parametrize("written,label", [("BERT's", "BERT"), ("Inception module\u2019s", "Inception module")])
def test_graph_possessive_mention_names_its_node_without_the_possessive(written, label):
    ext = _ext("sha:1", f"We reuse {written} weights.", [(written, "Method")])
    g = merge(new_graph(), [ext])
    (node,) = [n for n in g if n.startswith("entity/")]
    assert g.nodes[node]["label"] == label
    (ev,) = g.edges["paper/sha:1", node, "mentions"]["evidence"]
    assert ev["sentence"][ev["start"] - ev["sent_start"]:ev["end"] - ev["sent_start"]] == written  # evidence as written
