"""kg_sentencizer: spaCy's sentencizer rule, plus a blank line (the title's end) ends a sentence."""

from __future__ import annotations

import pytest
from spacy.pipeline import Sentencizer

from kg.extract import extract_one
from kg.pipeline import load_pipeline
from kg.pipeline.sentences import FastSentencizer
from kg.records import Paper


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


@pytest.mark.parametrize(
    "title,text,sentences",
    [
        # no full stop after the title: still a sentence of its own
        ("Sparse Autoencoders Find Features", "We train SAEs. They work.",
         ["Sparse Autoencoders Find Features", "We train SAEs.", "They work."]),
        ("A Title Ending In A Stop.", "We propose Foo.", ["A Title Ending In A Stop.", "We propose Foo."]),
        ("Title: with a colon", "lower-case start of the abstract here",
         ["Title: with a colon", "lower-case start of the abstract here"]),
        (None, "No title. Two sentences", ["No title.", "Two sentences"]),
    ],
)
def test_sentences_title_is_its_own_sentence(nlp, title, text, sentences):
    ext = extract_one(nlp, Paper(id="p", title=title, text=text, source="t"))
    assert [ext.sentence(i) for i in range(len(ext.sentences))] == sentences


@pytest.mark.parametrize(
    "text,starts",
    [
        ("Title\n\nBody text", ["Title", "\n\n"]),
        ("Title\n \t\nBody", ["Title", "\n \t\n"]),
        ("One line\nnext line", ["One"]),  # a single newline ends nothing
        ("Para one\n\nPara two\n\n\nPara three.", ["Para", "\n\n", "\n\n\n"]),
        ("Ends with a blank line\n\n", ["Ends"]),
        ("Stop.\n\nNext", ["Stop", "\n\n"]),  # spaCy's rule already starts one there
    ],
)
def test_sentences_blank_line_starts_a_sentence(nlp, text, starts):
    doc = FastSentencizer()(nlp.make_doc(text))
    assert [t.text for t in doc if t.is_sent_start] == starts


@pytest.mark.parametrize("text", ["One. Two! Three", "x\ny. z", '"Quoted." Then (aside.) end'])
def test_sentences_without_blank_line_match_spacy(nlp, text):
    ours = FastSentencizer()(nlp.make_doc(text))
    theirs = Sentencizer()(nlp.make_doc(text))
    assert [t.is_sent_start for t in ours] == [t.is_sent_start for t in theirs]
