"""Tests for kg.pipeline.links and kg.pipeline.orgs: proposes / uses / affiliated_with."""

import pytest

from spacy.tokens import Span
from stage_helpers import STAGE_COMPONENTS, run, stage_nlp, tag

M, MO, A, D, T = "Method", "Model", "Architecture", "Dataset", "Task"


@pytest.fixture(scope="module")
def nlp():
    return stage_nlp()


def links(doc, label):
    return [s.text for lab, s, _ in doc._.kg_links if lab == label]


@pytest.mark.parametrize(
    "text,tags,proposes,uses",
    [
        ("We propose a Deterministic World Model that maps states to images. We use conformal prediction.",
         [("Deterministic World Model", MO), ("conformal prediction", M)], ["Deterministic World Model"], ["conformal prediction"]),
        ("LaVi: Efficient Vision-Language Fusion\n\nWe evaluate LaVi on ScienceQA.", [("LaVi", MO), ("LaVi", MO), ("ScienceQA", D)],
         ["LaVi"], ["ScienceQA"]),
        ("This paper presents the Universal Weight Subspace Hypothesis, based on LoRA adapters.",
         [("Universal Weight Subspace Hypothesis", M), ("LoRA", M)], ["Universal Weight Subspace Hypothesis"], ["LoRA"]),
        ("We introduce SceneBench, a new benchmark for spatial reasoning, and test GPT-4o, Gemini and Claude.",
         [("SceneBench", D), ("spatial reasoning", T), ("GPT-4o", MO), ("Gemini", MO), ("Claude", MO)],
         ["SceneBench"], ["GPT-4o", "Gemini", "Claude"]),
        ("Sparse autoencoders and transcoders are trained on Pythia-70M; we compare them using activation patching.",
         [("Sparse autoencoders", M), ("transcoders", M), ("Pythia-70M", MO), ("activation patching", M)], [], ["Pythia-70M", "activation patching"]),
        ("A framework named Self-Refining Diffusion utilizes Flaw Activation Maps built on Stable Diffusion.",
         [("Self-Refining Diffusion", M), ("Flaw Activation Maps", M), ("Stable Diffusion", MO)],
         ["Self-Refining Diffusion"], ["Stable Diffusion"]),
        ("Transformers are popular. BERT and GPT-2 are language models.", [("Transformers", A), ("BERT", MO), ("GPT-2", MO)], [], []),
        # a lower-case known technique after "we develop a" is applied, not proposed
        ("We develop a random forest algorithm that reproduces the profiles.", [("random forest", M)], [], ["random forest"]),
        ("We propose diffusion models for tabular data.", [("diffusion models", A)], [], ["diffusion models"]),
        # a table number or a results sentence is no proposal
        ("We present our results in Table 6.", [("6", M)], [], []),
        ("We present the differences between BERT and ALBERT.", [("BERT", MO), ("ALBERT", MO)], [], ["ALBERT"]),
    ],
)
def test_links_proposes_and_uses(nlp, text, tags, proposes, uses):
    doc = run(nlp, text, tags)
    assert links(doc, "proposes") == proposes
    assert links(doc, "uses") == uses


# ---------------------------------------------------------------- proposes: the title's name

def paper(title, abstract):
    """A paper's text as kg reads it: the title, a blank line, the abstract."""
    return f"{title}\n\n{abstract}"


@pytest.mark.parametrize(
    "title,abstract,tags,proposes,label",
    [
        # a name no component tagged: the rest of the title says what it is, and that gives its type
        ("Arbor: A Toolkit for Cooperative Multi-Robot Planning", "Arbor ships planners and simulators.", [],
         ["Arbor"], M),
        ("MedQuill: A Benchmark for Clinical Note Summarisation", "We score eleven summarisers.", [], ["MedQuill"], D),
        ("Kestrel: A Large Language Model for Contract Drafting", "Kestrel drafts clauses.", [], ["Kestrel"], MO),
        ("Tessera: Open Corpus of Byzantine Mosaic Inscriptions", "The corpus holds 9,000 inscriptions.", [],
         ["Tessera"], D),
        # a coined shape needs no description ("GeoFuse", "qBound", "HydroNet3")
        ("GeoFuse: Fusing Satellite and Street Imagery for Land-Use Mapping", "Land use maps are stale.", [], ["GeoFuse"], M),
        ("qBound: Tight Error Bounds for Noisy Quantum Circuits", "We bound the error.", [], ["qBound"], M),
        # capitalised words the abstract uses again as a name
        ("Spectral Echo: Detecting Replayed Voices from Phase Artefacts", "We show that Spectral Echo flags replays.", [],
         ["Spectral Echo"], M),
        # one lower-case word is a name when the title says what it is
        ("tidyprobe: A Python Library for Probing Classifiers", "We release it.", [], ["tidyprobe"], M),
        # a suffix that says what the paper is stands for the colon
        ("Koala-Vision Technical Report", "Koala-Vision reads charts.", [], ["Koala-Vision"], M),
        # a mention that is the name: kept with its own type
        ("PolyGlotter: Translating Dialects with Little Data", "PolyGlotter beats pivoting.",
         [("PolyGlotter", MO), ("PolyGlotter", MO)], ["PolyGlotter"], MO),
    ],
)
def test_links_proposes_the_title_name(nlp, title, abstract, tags, proposes, label):
    doc = run(nlp, paper(title, abstract), tags)
    assert links(doc, "proposes") == proposes
    named = [e for e in doc.ents if e.text == proposes[0]]
    assert named and all(e.label_ == label for e in named)


def test_links_title_name_is_tagged_where_the_abstract_uses_it(nlp):
    doc = run(nlp, paper("Arbor: A Toolkit for Planning", "Arbor plans. We extend Arbor-Lite and Arborist."), [])
    assert [(e.text, e.label_, e.id_) for e in doc.ents] == [("Arbor", M, "link.name.title"), ("Arbor", M, "link.name.title")]


@pytest.mark.parametrize(
    "title,abstract,tags",
    [
        ("Deep Learning: A Survey", "We review deep networks.", []),
        ("Graph Rewiring: A Critical Review of Oversquashing Remedies", "Many remedies exist.", []),
        ("ChatGPT: An Empirical Study of Its Arithmetic", "ChatGPT fails at carries.", [("ChatGPT", MO), ("ChatGPT", MO)]),
        # plain capitalised words that nothing says are a name
        ("Talking Points: Understanding How Debaters Reuse Arguments", "Debaters recycle claims.", []),
        ("Mechanistic Interpretability: Challenges Ahead", "Circuits are hard to find.", []),
        # a question, a long clause, a heading-like generic word
        ("Can Robots Dream? Sleep Phases for Continual Learning", "We add sleep phases.", []),
        ("Fine-Tuning Changes Little in Early Layers: Evidence from Probes", "Probes agree.", []),
        ("Position: Benchmarks Should Report Variance", "We argue for seeds.", []),
        # no title: a heading inside an abstract is no paper name
        ("", "Stage2: the features are pooled. We pool them.", []),
    ],
)
def test_links_title_without_a_name_proposes_nothing(nlp, title, abstract, tags):
    doc = run(nlp, paper(title, abstract) if title else abstract, tags)
    assert links(doc, "proposes") == []


def run_known(nlp, text, tags, rule):
    """``run``, with the tagged mentions marked as made by lexicon rule ``rule`` (a known name)."""
    doc = tag(nlp, text, tags)
    doc.ents = [Span(doc, e.start, e.end, label=e.label_, span_id=rule) for e in doc.ents]
    for name in STAGE_COMPONENTS:
        doc = nlp.get_pipe(name)(doc)
    return doc


@pytest.mark.parametrize(
    "title,tags,rule,proposes",
    [
        # a famous model or a plain known term before the colon is what the paper studies,
        # unless the title says it is a new thing
        ("Claude: Jack of All Trades, Master of None", [("Claude", MO)], "lex.model.hf", []),
        ("Federated Learning: Where Do the Errors Come From", [("Federated Learning", M)], "lex.method.pwc", []),
        ("Gemini: A Family of Multimodal Models", [("Gemini", MO)], "lex.model.hf", ["Gemini"]),
        # a coined name that a list taken from papers holds is most likely this paper's own
        ("GraphQuill: Writing Graphs as Sentences", [("GraphQuill", M)], "lex.method.pwc", ["GraphQuill"]),
    ],
)
def test_links_known_name_in_the_title(nlp, title, tags, rule, proposes):
    doc = run_known(nlp, paper(title, "We test it on puzzles."), tags, rule)
    assert links(doc, "proposes") == proposes


# ---------------------------------------------------------------- proposes: names in the abstract

@pytest.mark.parametrize(
    "text,tags,proposes",
    [
        # a naming cue where the paper introduces something; a lower-case word is a name right after "called"
        ("We propose a lightweight attention variant, called micro-attention, which halves memory.", [], ["micro-attention"]),
        ("We design an optimiser, dubbed SwiftStep, that adapts the step size.", [], ["SwiftStep"]),
        ("Our solver, named Tidewater, schedules ferries.", [], ["Tidewater"]),
        ('A training-free decoding method called "Echo Sampling" is introduced for code models.', [], ["Echo Sampling"]),
        ("To this end, we build a sampler, which we call Lantern, for rare events.", [], ["Lantern"]),
        ("A framework named Harrow from a robotics lab plans grasps.", [], ["Harrow"]),
        ("Lacking data, we first simulate a federated benchmark called FedSoil.", [], ["FedSoil"]),
        ("Our method, RiverFlow, needs no gauges.", [], ["RiverFlow"]),
        # lower-case words the paper names at once as a kind of thing
        ("We propose multipoint pruning, a pruning method for sparse nets.", [], ["multipoint pruning"]),
        ("We propose tidal attention, an architecture for long tides.", [("tidal attention", M)], ["tidal attention"]),
        # a coined name right after a propose cue, even untagged
        ("We present CrystaLLM2, a model of crystal structures.", [], ["CrystaLLM2"]),
        ("Unlike earlier work, our proposed SoilNet-X needs no labels.", [], ["SoilNet-X"]),
        # names of other people's work, or descriptions rather than names
        ("Prior work [3] introduced a filter called Bilateral Grid for denoising.", [], []),
        ("When applying our pipeline to a planning benchmark, called Blockland, results hold.", [], []),
        ("The detector uses what is called a Region Proposal Network.", [], []),
        ("Hence, we refer to this phenomenon as the attention drain.", [], []),
        ("We use a model called Foo for parsing.", [("Foo", MO)], []),
        ("We evaluate on a benchmark called FedSoil.", [], []),
        ("To validate it, the proposed methodology, a workflow for audits, is applied.", [], []),
        ("We present GPT-4-based agents for triage.", [], []),
    ],
)
def test_links_proposes_named_in_the_abstract(nlp, text, tags, proposes):
    doc = run(nlp, text, tags)
    assert links(doc, "proposes") == proposes
    for name in proposes:
        assert any(e.text == name for e in doc.ents)


@pytest.mark.parametrize(
    "text,tags,proposes,uses",
    [
        # the mention only modifies the thing proposed: it is used
        ("This work proposes an advanced RAG framework for enterprise search.", [("RAG", M)], [], ["RAG"]),
        ("Here we present new Bayesian Lasso estimators for sparse data.", [("Bayesian Lasso", M)], [], ["Bayesian Lasso"]),
        ("We introduce the TideQA dataset, which covers tidal physics.", [("TideQA", D)], ["TideQA"], []),
        # datasets, tasks and games the paper only works on
        ("We present a scoring function for FB15k-237 and WN18RR.", [("FB15k-237", D), ("WN18RR", D)], [], []),
        ("We introduce SentiMATE, a model that learns to play Chess from commentary.", [("SentiMATE", MO), ("Chess", T)],
         ["SentiMATE"], []),
        ("We evaluate on CIFAR-10, a dataset of tiny images.", [("CIFAR-10", D)], [], ["CIFAR-10"]),
        ("Similar to Mask R-CNN, our proposed detector is two-stage.", [("Mask R-CNN", MO)], [], []),
        # "the proposed" points at the paper's thing only right after it
        ("The proposed method outperforms BERT on parsing.", [("BERT", MO)], [], []),
        ("We present a simple recipe that, unlike prior work, keeps BERT frozen.", [("BERT", MO)], [], []),
        # an appositive names the paper's own thing
        ("SailPlan, a novel planner for sailing robots, beats A*.", [("SailPlan", M), ("A*", M)], ["SailPlan"], ["A*"]),
    ],
)
def test_links_proposes_only_what_the_paper_names_as_its_own(nlp, text, tags, proposes, uses):
    doc = run(nlp, text, tags)
    assert links(doc, "proposes") == proposes
    assert links(doc, "uses") == uses


@pytest.mark.parametrize(
    "text,tags,proposes",
    [
        # the title names the long form of an acronym defined where the paper introduces something
        (paper("Layered Wave Encoders for Sonar Imaging", "Sonar is noisy. Here we build, for shallow and deep water, "
               "layered wave encoders (LWE) that denoise returns."), [("layered wave encoders", A), ("LWE", A)],
         ["layered wave encoders"]),
        # ... not where the abstract only describes the field
        (paper("Layered Wave Encoders for Sonar Imaging", "Layered wave encoders (LWE) are common. We tune them."),
         [("Layered wave encoders", A), ("LWE", A)], []),
        # an adverb inside "we ... propose"
        ("We carefully introduce TideNet, a tidal model.", [("TideNet", MO)], ["TideNet"]),
        ("It extends the recently proposed TideNet to rivers.", [("TideNet", MO)], []),
    ],
)
def test_links_proposes_title_long_forms_and_adverbs(nlp, text, tags, proposes):
    doc = run(nlp, text, tags)
    aliases = [(s, lg) for s in doc.ents for lg in doc.ents if s.text == "LWE" and lg.text.lower() == "layered wave encoders"]
    doc._.kg_aliases = [(s, lg, "abbr.definition") for s, lg in aliases]
    doc = nlp.get_pipe("kg_links")(doc)
    assert links(doc, "proposes") == proposes


def test_links_title_name_leaves_room_only_for_a_direct_second_name(nlp):
    text = paper("Quill: A Parser for Legal Text",
                 "Quill builds on Loom, a new tokenizer. We also release LexBank, a corpus of 2,000 statutes.")
    doc = run(nlp, text, [("Loom", M), ("LexBank", D)])
    assert links(doc, "proposes") == ["Quill", "LexBank"]


def test_links_propose_at_most_three_things(nlp):
    text = "We propose AlphaNet. We introduce BetaNet. We present GammaNet. We release DeltaNet."
    doc = run(nlp, text, [("AlphaNet", MO), ("BetaNet", MO), ("GammaNet", MO), ("DeltaNet", MO)])
    assert links(doc, "proposes") == ["AlphaNet", "BetaNet", "GammaNet"]


def test_links_third_proposal_must_be_named_directly(nlp):
    # a mention further on after a cue is weak: it may be a second proposal, not a third
    text = ("We propose AlphaNet. We introduce BetaNet. "
            "We present a compact and fast and robust and tiny and simple model GammaNet.")
    doc = run(nlp, text, [("AlphaNet", MO), ("BetaNet", MO), ("GammaNet", MO)])
    assert links(doc, "proposes") == ["AlphaNet", "BetaNet"]


# ---------------------------------------------------------------- proposes: names over shorter mentions

@pytest.mark.parametrize(
    "text,tags,proposes,ents",
    [
        # a coined title word holds the name of what it builds on: the whole word, here and in the abstract
        (paper("Layered-ViT: A Growing Vision Transformer", "Layered-ViT grows ViT layers on demand."),
         [("ViT", A), ("Vision Transformer", A), ("ViT", A), ("ViT", A)], ["Layered-ViT"],
         [("Layered-ViT", A, "link.name.title"), ("Vision Transformer", A, "test"), ("Layered-ViT", A, "link.name.title"),
          ("ViT", A, "test")]),
        (paper("Q7-GCN: Queued Temporal Graph Convolution for Ride Demand", "Q7-GCN forecasts demand."),
         [("GCN", A), ("GCN", A)], ["Q7-GCN"],
         [("Q7-GCN", A, "link.name.title"), ("Q7-GCN", A, "link.name.title")]),
        # a name that ends at the acronym defined for it, over the word a context rule tagged
        ("We propose a novel pooling approach, called Sack of Texture Words (SoTW), for tiles. SoTW is fast.",
         [("Sack", M), ("SoTW", M)], ["Sack of Texture Words"],
         [("Sack of Texture Words", M, "link.name.cue"), ("SoTW", M, "test")]),
        # a coined word right after a cue, over a mention inside it
        ("We present Fold-NeRF, a folding radiance field.", [("NeRF", M)], ["Fold-NeRF"],
         [("Fold-NeRF", M, "link.name.cue")]),
    ],
)
def test_links_name_replaces_the_shorter_mentions_it_holds(nlp, text, tags, proposes, ents):
    doc = run(nlp, text, tags)
    assert links(doc, "proposes") == proposes
    assert [(e.text, e.label_, e.id_) for e in doc.ents] == ents


@pytest.mark.parametrize(
    "text,tags",
    [
        # "-based" makes the word a modifier; a word that only holds a famous model plus a suffix is not coined
        (paper("Sentinel-based: Rethinking Watermarks", "We study it."), [("Sentinel", M)]),
        # two words: the mention inside may be the thing itself described
        (paper("Vision GNN: An Image is Worth a Graph", "We build graphs of patches."), [("GNN", A)]),
    ],
)
def test_links_title_name_over_a_mention_needs_one_coined_word(nlp, text, tags):
    doc = run(nlp, text, tags)
    assert links(doc, "proposes") == []
    assert [e.text for e in doc.ents] == [t for t, _ in tags]


@pytest.mark.parametrize(
    "text,tags,proposes",
    [
        # an acronym defined right where the paper introduces something: the acronym as a name, and its uses
        ("This paper proposes a texture-aware haze cleaner (TAHC) for aerial photos. TAHC is fast.", [], ["TAHC"]),
        ("We present a novel Mean Teacher + Transfer GAN (MTT2-GAN) for X-rays.", [("Mean Teacher", M), ("GAN", A)],
         ["MTT2-GAN"]),
        # ... or the long form where it is a mention (its first letter the acronym's)
        ("We propose Cross-Scale Fusion Network (CSFN) to denoise scans.", [("Cross-Scale Fusion Network", A)],
         ["Cross-Scale Fusion Network"]),
        # a long form and its acronym found by two rules are one thing
        ("This paper presents a robust filter called octonion Riesz filter (ORF) for edges.", [], ["octonion Riesz filter"]),
        # not a bracket after a blocker, not a citation, not a known technique, not a metric mention
        ("We propose a method for graph matching (GM) on meshes.", [], []),
        ("We propose to use T5 (Raffel et al., 2020) as a generator.", [("T5", MO)], []),
        ("We present results on the test split (Table 2) of the data.", [], []),
        # one acronym after each "and" that follows the first: a second thing named as directly
        ("We devise a Gate-of-Flow (GoF) unit and a Ripple Memory Bank (RMB) module for video.", [], ["GoF", "RMB"]),
        # a passive cue follows the acronym it introduces; a past one tells of earlier work
        ("A fused multi-view tracker (FMVT) is designed to follow cells.", [], ["FMVT"]),
        # (a lower-case long form that no acronym pair names: the acronym)
        ("A sparse gated network (SGN) module is proposed. SGN is small.", [("sparse gated network", A), ("SGN", A)],
         ["SGN"]),
        ("A separable video network (SVN) was introduced in 2018.", [], []),
        ("The Twin Delayed Policy Gradient (TDPG) network is introduced for control.", [], []),
        # the short form of a modifier is no acronym of a name
        ("We introduce a reinforcement learning-based (RL-based) rate controller.", [], []),
        # an acronym glued to a modifier, or in the description of a name the cue already gave
        ("We build a chain-of-draft (CoD)-enhanced planner for games.", [], []),
        ("We introduce TideNet, the first tidal gated recurrent unit (TGRU) model.", [("TideNet", MO)],
         ["TideNet"]),
        ("We propose a weighted kernel similarity (WKS) for graphs.", [("weighted kernel similarity", "Metric"), ("WKS", "Metric")], []),
    ],
)
def test_links_proposes_an_acronym_defined_after_a_cue(nlp, text, tags, proposes):
    doc = run(nlp, text, tags)
    assert links(doc, "proposes") == proposes
    for name in proposes:
        assert sum(e.text == name for e in doc.ents) >= 1
    if proposes == ["TAHC"]:
        assert [e.text for e in doc.ents] == ["TAHC", "TAHC"]


@pytest.mark.parametrize(
    "title,abstract,tags,proposes",
    [
        # a title without a colon that the abstract introduces by its words
        ("Bayesian Ripple Belief Networks", "This paper introduces Bayesian ripple belief networks, which stack layers.",
         [], ["Bayesian ripple belief networks"]),
        ("Stacked Sinkhorn Autoencoder for Shapes", "We propose a stacked Sinkhorn autoencoder to learn shapes.",
         [("autoencoder", A)], ["stacked Sinkhorn autoencoder"]),
        # not a known method with an adjective, not a title that opens with two things
        ("Deep Q-Learning for Molecule Design", "We propose deep Q-learning for molecules.", [("Q-learning", M)], []),
        ("Sparse Codes and Dense Codes for Retrieval", "We present sparse codes that index fast.", [], []),
    ],
)
def test_links_proposes_the_title_words_after_a_cue(nlp, title, abstract, tags, proposes):
    doc = run_known(nlp, paper(title, abstract), tags, "lex.method.pwc")  # the tagged names are known
    assert links(doc, "proposes") == proposes


@pytest.mark.parametrize(
    "text,tags,proposes",
    [
        # "we ... and present X": the same subject introduces it
        ("We revisit attention and present Ripplet, a sparse attention layer.", [("Ripplet", M)], ["Ripplet"]),
        # "researchers propose" tells of earlier work
        ("Recently, researchers propose Generative Echo Networks (GENs) for audio. We study them.",
         [("Generative Echo Networks", A), ("GENs", A)], []),
        # a symbol is no name; a name stops before what it is for
        ("We define a transform, denoted as T, for grids.", [], []),
        ("We propose a framework called GraphMixer for Semi-Supervised Learning.", [], ["GraphMixer"]),
        # a lower-case name with an acronym defined for it
        ('We design a planner, which we call "look before you leap" (LBYL), for robots.', [],
         ["look before you leap"]),
    ],
)
def test_links_proposes_cue_variants(nlp, text, tags, proposes):
    doc = run(nlp, text, tags)
    assert links(doc, "proposes") == proposes


def test_links_title_name_with_a_head_noun_is_another_thing(nlp):
    text = paper("Kiln: A Toolkit for Porting CUDA Kernels", "We introduce Kiln-Bench, a benchmark of 90 kernels.")
    doc = run(nlp, text, [("Kiln-Bench", D)])
    assert links(doc, "proposes") == ["Kiln", "Kiln-Bench"]


@pytest.mark.parametrize(
    "text,orgs",
    [
        ("Researchers at MPI-IS, University of Oxford, and ETH Zürich show that SAEs forget.", ["MPI-IS", "University of Oxford", "ETH Zürich"]),
        ("A study by NYU Abu Dhabi and UC Davis finds bias in CLIP.", ["NYU Abu Dhabi", "UC Davis"]),
        ("Research from the University of Michigan, Princeton, and Harvard reveals a gap.", ["University of Michigan", "Princeton", "Harvard"]),
        ("A framework from Kookmin University utilizes Explainable AI-based maps.", ["Kookmin University"]),
        ("Work by Meta AI introduces a new tokenizer.", ["Meta AI"]),
        ("Explainable AI methods help users.", []),
        ("Vision Transformers outperform convolutional networks.", []),
        # "center" and "school" are also common nouns: an organisation only after an affiliation word
        ("We add the Distance to Center of Mass Encoding to every node.", []),
        ("The School of Thought prompting style helps.", []),
        ("Work at Center for Brain Science shows the effect.", ["Center for Brain Science"]),
    ],
)
def test_links_affiliated_with_organisations(nlp, text, orgs):
    doc = run(nlp, text, [])
    assert links(doc, "affiliated_with") == orgs
    assert all(e.label_ == "Organization" for e in doc.ents)


def test_orgs_keep_existing_mentions(nlp):
    text = "Researchers at Google Research and Stanford University propose CLIP-Lite."
    doc = run(nlp, text, [("Google Research", MO), ("CLIP-Lite", MO)])
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Google Research", "Model"), ("Stanford University", "Organization"), ("CLIP-Lite", "Model"),
    ]


def test_links_relation_stage_runs_in_pipeline_order(nlp):
    assert nlp.pipe_names == ["sentencizer", *STAGE_COMPONENTS]


@pytest.fixture(scope="module")
def full():
    from kg.pipeline import load_pipeline

    return load_pipeline()


@pytest.mark.parametrize(
    "title,abstract,proposes",
    [
        ("Arbor: A Toolkit for Cooperative Multi-Robot Planning",
         "We release Arbor to the community. Arbor plans for fleets of 40 robots and is 3x faster than CBS.", ["Arbor"]),
        ("Sparse Gate Routing for Mixture Models",
         "We propose Sparse Gate Routing (SGR), which picks two experts per token. SGR halves the cost.",
         ["Sparse Gate Routing"]),
        ("A Survey of Protein Language Models", "We review ESM-2 and ProtT5 and compare them on CASP14.", []),
    ],
)
def test_links_full_pipeline_proposes(full, title, abstract, proposes):
    doc = full(paper(title, abstract))
    assert links(doc, "proposes") == proposes
    # a name the links add is a mention like any other: it has a rule id and no overlap
    ents = list(doc.ents)
    assert all(a.end <= b.start for a, b in zip(ents, ents[1:]))
    assert all(e.id_ for e in ents)
