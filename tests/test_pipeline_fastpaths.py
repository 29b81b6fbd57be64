"""kg's fast paths give what the plain computations they replace give.

The pipeline reads token arrays instead of Token objects, scans a text for a rule's likely
starts before trying the rule, and skips work that cannot change the result. Each shortcut
is compared here with the plain spaCy / ``re`` computation on small inputs chosen to reach
its edge cases (non-ASCII sentence ends, empty matches, whitespace that is not a space).
"""

from __future__ import annotations

import re

import pytest
import spacy
from spacy.pipeline import Sentencizer

from kg.pipeline import load_pipeline
from kg.pipeline.abbreviations import _last_words_start, find_uses
from kg.pipeline.candidates import CANDIDATES, add_candidate, candidate_records
from kg.pipeline.guard import MAX_PUNCT_RUN, MAX_WORD, _LONG_WORD, _PUNCT_ONLY, _PUNCT_RUN, _UNDERSCORES, safe_text
from kg.pipeline.regexrules import _scout, _scouted
from kg.pipeline.sentences import FastSentencizer
from kg.pipeline.doctokens import char_token_span, sentence_bounds


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


SENTENCE_TEXTS = [
    "",
    ".",
    "One. Two! Three? Four",
    "Wait... what?! Yes.) Next one.",
    '"Quoted." Then more. (Aside.) End',
    "数据集很大。模型很好！结果？",
    "यह एक वाक्य है। दूसरा वाक्य।",
    "Mixed ends ‼ and ⁉ here. Done",
    "x ! ! y . . z",
    "No final punctuation at all",
]


@pytest.mark.parametrize("text", SENTENCE_TEXTS)
@pytest.mark.parametrize("punct_chars", [None, ["!", ".", "?"], ["。", "।"], ["...", "."]])
def test_sentencizer_matches_spacy_sentencizer(nlp, text, punct_chars):
    ours = FastSentencizer(punct_chars=punct_chars)(nlp.make_doc(text))
    theirs = Sentencizer(punct_chars=punct_chars)(nlp.make_doc(text))
    assert [t.is_sent_start for t in ours] == [t.is_sent_start for t in theirs]


def test_sentencizer_keeps_starts_set_before_it(nlp):
    doc = nlp.make_doc("One two three. Four five")
    doc[2].is_sent_start = True
    FastSentencizer()(doc)
    assert [t.i for t in doc if t.is_sent_start] == [0, 2, 4]


@pytest.mark.parametrize("text", ["A  b\tc\n\nd e.", "  lead and trail  ", "x", "one, two (three)."])
def test_char_token_span_matches_expanded_char_span(nlp, text):
    doc = nlp.make_doc(text)
    for start in range(-1, len(text) + 2):
        for end in range(start, len(text) + 2):
            span = doc.char_span(start, end, alignment_mode="expand")
            expected = None if span is None else (span.start, span.end)
            assert char_token_span(doc, start, end) == expected, (start, end)


def test_sentence_bounds_follow_changed_sentence_starts(nlp):
    doc = nlp("One two. Three four. Five")
    first = sentence_bounds(doc)
    doc[1].is_sent_start = True  # a later component may split a sentence
    assert first == [(0, 3), (3, 6), (6, 7)]
    assert sentence_bounds(doc) == [(0, 1), (1, 3), (3, 6), (6, 7)]


def test_candidate_records_read_a_group_filled_directly(nlp):
    doc = nlp.make_doc("BERT and GPT-2 are models")
    add_candidate(doc, 0, 1, "Model", "lex.a")
    doc.spans[CANDIDATES].append(doc.char_span(9, 14, label="Model", span_id="other"))
    assert candidate_records(doc) == [(0, 1, "Model", "lex.a"), (2, 3, "Model", "other")]


@pytest.mark.parametrize(
    "pattern, text",
    [
        (r"\bin terms of (\w+)", "in terms of BLEU, within terms of FID and in terms of"),
        (r"\b(?:test|trained) on (\w+)", "latest on X; tested on Y; trained on Z; test on W"),
        (r"\b[Ww]e (?:propose|present) (\w+)", "We propose A. Awe present B. we present C"),
        (r"\b(x?)", "ab x"),  # empty matches: finditer's own rules apply
        (r"\bfoo|bar", "foobar bar foo"),
    ],
)
def test_scouted_rule_finds_what_finditer_finds(pattern, text):
    regex = re.compile(pattern)
    scout = _scout(regex)
    assert scout is not None
    assert [m.span() for m in _scouted(regex, scout, text)] == [m.span() for m in regex.finditer(text)]


def test_rule_without_leading_word_boundary_has_no_scout():
    assert _scout(re.compile(r"[A-Z](?<![\w-].)\w+")) is None


def _safe_text_reference(text: str) -> str:
    """safe_text without its fast path: the whole-text scans it once always ran."""
    if _PUNCT_ONLY.search(text) or _UNDERSCORES.search(text):
        text = _PUNCT_RUN.sub(lambda m: m.group()[:MAX_PUNCT_RUN] + " " * (len(m.group()) - MAX_PUNCT_RUN), text)
    if _LONG_WORD.search(text):
        def split(m):
            word = list(m.group())
            for i in range(MAX_WORD, len(word), MAX_WORD + 1):
                word[i] = " "
            return "".join(word)

        text = _LONG_WORD.sub(split, text)
    return text


@pytest.mark.parametrize(
    "text",
    [
        "plain words only",
        "state-of-the-art, encoder-decoder-based models",
        "(" * 17,
        "!" * 10 + "\u00a0" + "!" * 10,  # a no-break space ends a run for str.split and \s alike
        "!" * 20 + "\u3000" + "x" * 120,
        "_-" * 20,
        "a" * (MAX_WORD + 1) + " tail",
    ],
)
def test_safe_text_fast_path_matches_full_scan(text):
    assert safe_text(text) == _safe_text_reference(text)


@pytest.mark.parametrize("text", ["", "one", "one two  three", "  a\tb\u00a0c d", "x, y,"])
@pytest.mark.parametrize("k", [0, 1, 2, 5])
def test_last_words_start_matches_word_list(text, k):
    words = list(re.finditer(r"\S+", text.rstrip()))[-k:]
    assert _last_words_start(text.rstrip(), k) == (words[0].start() if words else None)


def test_find_uses_reads_only_acronym_initials():
    text = "SAE and SAEs beat xSAE; the LLM-based SAE, LLMs, and 7B models"
    assert find_uses(text, {"SAE": 0, "LLM": 1, "7B": 2}) == [
        (0, 3, "SAE"), (8, 12, "SAE"), (38, 41, "SAE"), (43, 47, "LLM"), (53, 55, "7B"),
    ]


@pytest.mark.parametrize(
    "text",
    ["reduces latency by 73% and 2-3x", "\\sim80% and \\SIM 5x", "GPT4 7B a1 2 x.5 3.5 ×3 4", "10 - 20% of 1,000"],
)
def test_finding_values_match_the_value_regex(nlp, text):
    findings = nlp.get_pipe("kg_findings")
    assert [m.span() for m in findings._values(text)] == [m.span() for m in findings.regex.finditer(text)]


def test_link_cue_index_prefers_the_longest_cue(nlp):
    index = nlp.get_pipe("kg_links").propose_cues
    lower = "in this paper we propose a new method".split()
    cue = index.match(lower, lower.index("propose"))
    assert cue is not None and cue[0][-1] == "propose"
    assert index.match(lower, lower.index("method")) is None


def test_pipeline_reads_a_sentence_every_fast_path_touches(nlp):
    # the entities of a sentence the fast paths all touch, against what the plain spaCy
    # sentencizer gives the same components
    text = "We propose Sparse Autoencoders (SAEs). SAEs reduce latency by 73% on LLaVA-1.5-7B in terms of FID."
    doc = nlp(text)
    assert [s.text for s in doc.sents] == [s.text for s in spacy.blank("en").add_pipe("sentencizer")(nlp.make_doc(text)).sents]
    assert ("Sparse Autoencoders", "SAEs") in [(l.text, s.text) for s, l, _ in doc._.kg_aliases]
    assert any(f["value"] == 73.0 for f in doc._.kg_findings)
