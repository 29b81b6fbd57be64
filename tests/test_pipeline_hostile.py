"""Hostile text: the pipeline stays linear and bounded, and says what it cut.

Sizes are chosen so that a quadratic step would take minutes (the inputs here once did:
20k "(" took 56 s in the tokenizer, "A.A.A..." was cubic in a shape rule) while the
linear pipeline reads each in about a second. The tests assert on output, never on time.
"""

from __future__ import annotations

import logging
import re

import pytest

from kg.extract import extract, extract_one
from kg.pipeline import load_pipeline
from kg.pipeline.abbreviations import find_uses
from kg.pipeline.guard import MAX_PUNCT_RUN, MAX_SENT_TOKENS, MAX_WORD, cut_point, safe_text
from kg.records import Paper

SENTENCE = "We propose Sparse Autoencoders (SAEs), which reduce latency by up to 73% on LLaVA-1.5-7B compared with LoRA. "


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def _paper(text: str, pid: str = "p1") -> Paper:
    return Paper(id=pid, title=None, text=text, source="hostile.jsonl")


def _acronym_definitions(n: int) -> str:
    out = []
    for i in range(n):
        a, b, c = (chr(65 + (i * k) % 26) for k in (1, 7, 11))
        out.append(f"{a}lpha {b}eta {c}amma Network ({a}{b}{c}{i}), ")
    return "".join(out)


HOSTILE = {
    "nested parentheses": "(" * 50_000 + ")" * 50_000,
    "punctuation run": "!" * 100_000,
    "mixed punctuation": "()" * 50_000,
    "underscores and emoji": "_" * 30_000 + "\U0001F600" * 30_000,
    "dotted capitals": "A." * 50_000,
    "possessive run": "'s" * 50_000,
    "numbers": " ".join(f"{i % 997}{'%' if i % 3 else ''}" for i in range(20_000)),
    "one sentence without a full stop": "we evaluate BERT and GPT-2 on ImageNet and COCO with accuracy and " * 1_500,
    "a list of 10k models": "We evaluate " + "BERT, GPT-2, RoBERTa, T5, " * 2_500 + "on ImageNet, COCO, SQuAD and GLUE.",
    "acronym definitions": _acronym_definitions(2_000),
    "spaces after a parenthesis": "(" + " " * 90_000 + "x",
    "a number before spaces": "1 -" + " " * 90_000 + "x",
}


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_text_is_read_with_offsets_intact(nlp, text):
    ext = extract_one(nlp, _paper(text))
    content = text
    for m in ext.mentions:
        assert 0 <= m.start < m.end <= len(content)
    for a, b in ext.sentences:
        assert 0 <= a <= b <= len(content)
    # every relation joins two mentions of one sentence: no pair explosion across a list
    assert len(ext.relations) <= 64 * max(1, len(ext.mentions))


@pytest.mark.parametrize("text", [HOSTILE["one sentence without a full stop"], HOSTILE["numbers"]], ids=["words", "numbers"])
def test_overlong_sentences_are_split(nlp, text):
    doc = nlp(text)
    assert max(len(s) for s in doc.sents) <= MAX_SENT_TOKENS


def test_normal_sentences_are_not_split(nlp):
    doc = nlp("We train " + "a " * 300 + "model. It works.")
    assert [len(s) for s in doc.sents] == [304, 3]


def test_text_over_spacys_max_length_is_cut_with_a_warning(nlp, caplog):
    text = SENTENCE * (1_100_000 // len(SENTENCE) + 1)
    assert len(text) > nlp.max_length
    with caplog.at_level(logging.WARNING, logger="kg"):
        ext = next(extract(nlp, [_paper(text, "arxiv:2401.00001")]))
    warning = " ".join(r.getMessage() for r in caplog.records)
    assert "hostile.jsonl" in warning and "arxiv:2401.00001" in warning and "limit" in warning
    assert ext.mentions and all(text[m.start : m.end] == m.text for m in ext.mentions)
    assert ext.sentences[-1][1] <= 100_000


def test_cut_ends_at_a_sentence_end():
    text = SENTENCE * 100
    cut = cut_point(text, 1_000)
    assert cut <= 1_000 and text[:cut].endswith("LoRA. ")


def test_max_chars_keeps_the_prefix_and_its_offsets(nlp, caplog):
    text = SENTENCE * 40
    with caplog.at_level(logging.WARNING, logger="kg"):
        short = next(extract(nlp, [_paper(text)], max_chars=len(SENTENCE) * 3))
    full = extract_one(nlp, _paper(text))
    assert len(short.sentences) == 3
    assert [(m.start, m.end, m.label) for m in short.mentions] == [
        (m.start, m.end, m.label) for m in full.mentions if m.end <= len(SENTENCE) * 3
    ]
    assert caplog.records


def test_broken_punctuation_is_reported(nlp, caplog):
    with caplog.at_level(logging.WARNING, logger="kg"):
        next(extract(nlp, [_paper("BERT works" + "!" * 40)]))
    assert any("runaway punctuation" in r.getMessage() and "p1" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    "text",
    [SENTENCE, "BERT (Devlin et al., 2019) is fine-tuned --- twice!", "see https://example.org/a/b?c=d&e=f"],
)
def test_safe_text_leaves_ordinary_text_alone(text):
    assert safe_text(text) == text


@pytest.mark.parametrize(
    "text",
    ["(" * 40, "=-" * 30 + " ok", "x" * 350, "_" * 20 + "a", "'s" * 200],
)
def test_safe_text_keeps_length_and_bounds_runs(text):
    safe = safe_text(text)
    assert len(safe) == len(text)
    assert safe_text(safe) == safe
    assert all(len(w) <= MAX_WORD for w in safe.split())
    assert not re.search(r"[^\w\s]{%d}" % (MAX_PUNCT_RUN + 1), safe)


def _uses_by_regex(text: str, defined) -> list[tuple[int, int, str]]:
    """The regex find_uses replaces (one alternation branch per acronym)."""
    alts = "|".join(map(re.escape, sorted(defined, key=len, reverse=True)))
    return [(m.start(), m.end(), m.group(1)) for m in re.finditer(r"(?<![\w-])(" + alts + r")s?(?![\w-])", text)]


@pytest.mark.parametrize(
    "text",
    [
        "SAEs and SAE, not SAE-based or xSAE; SAEss, (SAE) SAE.",
        "LLM LLMs LLMx LLM-7B R&D R&Ds R&D.",
        "AB ABC ABCs ABCD ABs AB_ AB1",
    ],
)
def test_find_uses_matches_the_regex_it_replaces(text):
    defined = {"SAE": 0, "LLM": 0, "R&D": 0, "AB": 0, "ABC": 0, "ABCD": 0}
    assert find_uses(text, defined) == _uses_by_regex(text, defined)
