"""kg's pipeline round-trips through nlp.to_disk / spacy.load, to_bytes and pickle."""

from __future__ import annotations

import dataclasses
from pathlib import Path
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


DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "dev"


def _dev_papers():
    from kg.evaluate import read_gold

    papers = []
    for path in sorted(DEV.glob("*.jsonl")):
        papers.extend(Paper(id=d.id, title=None, text=d.text, source=path.name) for d in read_gold(path))
    return papers


@pytest.mark.skipif(not DEV.is_dir(), reason="the annotated dev data (../shared/eval/dev) is not beside this checkout")
def test_saved_pipeline_gives_the_same_extract_output_on_the_dev_data(nlp, tmp_path):
    from kg.cli.extract import extraction_to_dict
    from kg.extract import extract

    nlp.to_disk(tmp_path / "kg")
    loaded = spacy.load(tmp_path / "kg")
    papers = _dev_papers()
    assert len(papers) > 1000
    ours = [extraction_to_dict(e) for e in extract(nlp, papers)]
    theirs = [extraction_to_dict(e) for e in extract(loaded, papers)]
    assert sum(len(r["entities"]) for r in ours) > 1000
    assert theirs == ours


def test_saved_pipeline_needs_no_rules_folder(nlp, tmp_path, monkeypatch):
    nlp.to_disk(tmp_path / "kg")
    # the saved folder holds every rule file the components read
    assert (tmp_path / "kg" / "kg_lexicon" / "lexicon_model.jsonl").is_file()
    assert (tmp_path / "kg" / "kg_findings" / "findings_settings.json").is_file()
    import kg.rulefiles

    def no_rules(*args, **kwargs):
        raise AssertionError("a saved pipeline must not read kg's rules/")

    monkeypatch.setattr(kg.rulefiles, "rules_path", no_rules)
    loaded = spacy.load(tmp_path / "kg")
    assert _records(loaded, TEXTS[0]) == _records(nlp, TEXTS[0])


def test_pipeline_bytes_and_pickle_round_trip(nlp):
    again = load_pipeline(relations=True)
    again.from_bytes(nlp.to_bytes())
    unpickled = pickle.loads(pickle.dumps(nlp))
    for other in (again, unpickled):
        assert other.pipe_names == nlp.pipe_names
        for text in TEXTS:
            assert _records(other, text) == _records(nlp, text)
