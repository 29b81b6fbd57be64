"""kg.extract: the pipeline reads normalised text; every offset points into the original content."""

from __future__ import annotations

import pytest

from kg.evaluate import extraction_to_dict
from kg.extract import extract, extract_one
from kg.graph import add_extraction, new_graph
from kg.pipeline import load_pipeline
from kg.records import Paper

LATEX_PAPER = Paper(
    id="arxiv:0000.00001",
    title=r"\textit{Linformer}: Self-Attention with Linear Complexity",
    text=(r"We propose \textit{Linformer}, which reduces memory by 73\% on long sequences. "
          r"Samples are scored with the Fr\'echet Inception Distance (FID), and the "
          r"Fr\'{e}chet Inception Distance of Linformer is lower."),
    source="test",
)


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


@pytest.fixture(scope="module")
def ext(nlp):
    return extract_one(nlp, LATEX_PAPER)


def test_extract_mention_texts_are_normalised(ext):
    texts = {m.text for m in ext.mentions}
    assert "Linformer" in texts
    assert "Fréchet Inception Distance" in texts
    assert not any("\\" in t or "{" in t or "}" in t for t in texts)
    # both spellings of the accent meet in one key
    keys = {m.key for m in ext.mentions if m.text == "Fréchet Inception Distance"}
    assert len(keys) == 1


def test_extract_finding_keeps_its_percent(ext):
    finding = next(f for f in ext.findings if f.value == 73.0)
    assert finding.unit == "%"
    assert LATEX_PAPER.content[finding.start:finding.end].endswith(r"73\%")


def test_extract_offsets_point_into_the_original_content(ext):
    content = LATEX_PAPER.content
    for m in ext.mentions:
        written = content[m.start:m.end]
        if m.text == "Fréchet Inception Distance":
            assert written in (r"Fr\'echet Inception Distance", r"Fr\'{e}chet Inception Distance")
        else:
            assert written == m.text
        s, e = ext.sentences[m.sent]
        assert s <= m.start < m.end <= e
    # the title, its markup included, is the first sentence
    assert ext.sentence(0) == LATEX_PAPER.title


def test_extract_graph_evidence_quotes_the_original(ext):
    g = new_graph()
    add_extraction(g, ext)
    content = LATEX_PAPER.content
    labels = {a.get("label") for _, a in g.nodes(data=True)}
    assert {"Linformer", "Fréchet Inception Distance"} <= labels
    for _, _, data in g.edges(data=True):
        for ev in data.get("evidence", []):
            assert ev["sentence"] == content[ev["sent_start"]:ev["sent_start"] + len(ev["sentence"])]
            assert ev["sent_start"] <= ev["start"] <= ev["end"] <= ev["sent_start"] + len(ev["sentence"])


def test_extract_prediction_record_keeps_the_written_text(ext):
    record = extraction_to_dict(ext)
    for e in record["entities"]:
        assert e.get("raw", e["text"]) == LATEX_PAPER.content[e["start"]:e["end"]]
    assert any(e.get("raw") == r"Fr\'echet Inception Distance" for e in record["entities"])


def test_extract_stream_and_single_agree(nlp, ext):
    (streamed,) = extract(nlp, [LATEX_PAPER])
    assert [(m.start, m.end, m.text) for m in streamed.mentions] == [(m.start, m.end, m.text) for m in ext.mentions]
    assert streamed.sentences == ext.sentences
