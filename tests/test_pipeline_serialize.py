"""kg's pipeline round-trips through nlp.to_disk / spacy.load, to_bytes and pickle."""

from __future__ import annotations

import dataclasses
import pickle

import pytest
import spacy

import kg.pipeline  # noqa: F401  (registers kg.Tokenizer.v1 and kg's components)
from kg.extract import extract_one
from kg.pipeline import load_pipeline
from kg.pipeline.tokenizer import KGTokenizer
from kg.records import Paper

TEXTS = [
    "We propose Sparse Autoencoders (SAEs), which reduce latency by up to 73% on LLaVA-1.5-7B compared with LoRA.",
    "Llama 3.1 405B. It is evaluated on MMLU and GSM8K, and outperforms GPT-4 by 2.1 points in accuracy.",
    "Researchers at MIT and ETH Zurich fine-tune BERT-base on SQuAD v1.1" + "!" * 30,
]


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def _records(nlp, text):
    ext = extract_one(nlp, Paper(id="p", title=None, text=text, source="t"))
    d = dataclasses.asdict(ext)
    d.pop("paper")
    return d


def test_pipeline_uses_kg_tokenizer(nlp):
    assert isinstance(nlp.tokenizer, KGTokenizer)
    assert nlp.config["nlp"]["tokenizer"]["@tokenizers"] == "kg.Tokenizer.v1"


def test_to_disk_and_load_give_the_same_extraction(nlp, tmp_path):
    nlp.to_disk(tmp_path / "kg")
    loaded = spacy.load(tmp_path / "kg")
    assert isinstance(loaded.tokenizer, KGTokenizer)
    assert loaded.pipe_names == nlp.pipe_names
    for text in TEXTS:
        assert _records(loaded, text) == _records(nlp, text)


def test_reloaded_tokenizer_still_splits_size_full_stop(nlp, tmp_path):
    nlp.to_disk(tmp_path / "kg")
    loaded = spacy.load(tmp_path / "kg")
    assert [t.text for t in loaded.make_doc("We use Llama 405B.")][-2:] == ["405B", "."]


def test_tokenizer_bytes_and_pickle_round_trip(nlp):
    again = KGTokenizer(nlp.vocab).from_bytes(nlp.tokenizer.to_bytes())
    unpickled = pickle.loads(pickle.dumps(nlp.tokenizer))
    for tok in (again, unpickled):
        for text in TEXTS:
            assert [t.text for t in tok(text)] == [t.text for t in nlp.tokenizer(text)]


def test_kg_sentencizer_agrees_with_spacys():
    ours = load_pipeline(relations=False)
    # same tokenizer on both sides: only the sentence rule is compared
    theirs = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "kg.Tokenizer.v1"}}})
    theirs.add_pipe("sentencizer")
    text = " ".join(TEXTS) + ' He said "Stop!" Then left... (See Fig. 2.) Done?! Yes.'
    assert [s.text for s in ours(text).sents] == [s.text for s in theirs(text).sents]
