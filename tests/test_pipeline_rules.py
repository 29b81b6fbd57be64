"""Tests of rule loading: errors name the file and line; rules_dir replaces the packaged rules."""

import json
import shutil

import pytest

from kg.errors import KGError, RuleError
from kg.pipeline import load_pipeline
from kg.pipeline.regexrules import balanced
from kg.pipeline.rules import read_rules, rules_path


def copy_rules(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(rules_path(), target, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return target


@pytest.mark.parametrize(
    "line,message",
    [
        ('{"label": "Model", "pattern": "Foo"', "invalid JSON"),
        ('{"label": "Model", "pattern": "Foo"}', "lacks 'id'"),
        ('{"label": "Gadget", "pattern": "Foo", "id": "x.y"}', "unknown label 'Gadget'"),
        ('["not", "an", "object"]', "must be a JSON object"),
        ('{"label": "Model", "pattern": 3, "id": "x.y"}', "pattern must be a string"),
    ],
)
def test_rules_errors_name_file_and_line(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"label": "Model", "pattern": "Ok", "id": "ok"}\n\n' + line + "\n", encoding="utf-8")
    with pytest.raises(RuleError) as err:
        read_rules(path)
    assert f"{path}:3:" in str(err.value)
    assert message in str(err.value)
    assert isinstance(err.value, KGError)


def test_rules_bad_regex_in_pipeline_names_file_and_line(tmp_path):
    folder = copy_rules(tmp_path)
    with (folder / "shapes.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps({"label": "Model", "pattern": "([A-Z]", "id": "shape.broken"}) + "\n")
    n = len((folder / "shapes.jsonl").read_text(encoding="utf-8").splitlines())
    with pytest.raises(RuleError, match=rf"shapes\.jsonl:{n}: invalid regular expression"):
        load_pipeline(rules_dir=folder)


def test_rules_unknown_macro(tmp_path):
    folder = copy_rules(tmp_path)
    (folder / "context.jsonl").write_text(json.dumps({"label": "Dataset", "pattern": "{NOPE} data", "id": "ctx.x"}) + "\n")
    with pytest.raises(RuleError, match=r"context\.jsonl:1: unknown macro \{NOPE\}"):
        load_pipeline(rules_dir=folder)


def test_rules_missing_folder(tmp_path):
    with pytest.raises(RuleError, match="does not exist"):
        load_pipeline(rules_dir=tmp_path / "nowhere")


def test_rules_dir_lexicon_is_used(tmp_path):
    folder = copy_rules(tmp_path)
    (folder / "lexicon_extra.jsonl").write_text(
        json.dumps({"label": "Dataset", "pattern": "glorp corpus", "id": "lex.dataset.test", "case_sensitive": False}) + "\n"
    )
    doc = load_pipeline(rules_dir=folder)("We release the Glorp Corpus today.")
    assert [(e.text, e.label_, e.id_) for e in doc.ents] == [("Glorp Corpus", "Dataset", "lex.dataset.test")]


@pytest.mark.parametrize("name", ["lexicon_model.jsonl", "lexicon_dataset.jsonl", "shapes.jsonl", "context.jsonl",
                                  "head_nouns.jsonl", "priorities.jsonl", "filters.jsonl", "macros.jsonl"])
def test_rules_packaged_files_valid(name):
    rules = read_rules(rules_path() / name, labels=None)
    assert rules and all(r["id"] for r in rules)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("GPT-4 (OpenAI", "GPT-4"),
        ("Frechet Inception Distance (FID", "Frechet Inception Distance"),
        ("CNN)-based", ""),
        ("R(2+1)D network", "R(2+1)D network"),
        ("ImageNet [1k]", "ImageNet [1k]"),
        ("plain name", "plain name"),
    ],
)
def test_rules_balanced_cuts_a_half_bracketed_name(text, expected):
    s, e = balanced(text, 0, len(text))
    assert text[s:e] == expected
