"""Tests of rule loading: one loader, a schema per file, errors that name the file and line,
rules through initialize(), and a rules folder that reaches every stage."""

import json
import re
import shutil
from pathlib import Path

import pytest

from kg.errors import KGError, RuleError
from kg.pipeline import PIPELINE, load_pipeline
from kg.pipeline.regexrules import balanced
from kg.pipeline.rules import RuleComponent
from kg.resources import rules_path
from kg.rulefiles import RULE_FILES, RuleFolder, RuleSource, read_rules, read_settings, schema_for, schema_table

README = Path(__file__).resolve().parent.parent / "rules" / "README.md"
#: files in rules/ that are not read by the pipeline or the readers (kg eval's label mapping)
NOT_RULE_FILES = {"eval_mappings.json"}


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
        ('{"label": "Model", "pattern": 3, "id": "x.y"}', "rule x.y pattern must be a string"),
        ('{"label": "Model", "pattern": "Foo", "id": "x.y", "casesensitive": true}', "rule x.y has unknown key 'casesensitive'"),
        ('{"label": "Model", "pattern": "Foo", "id": "x.y", "ambiguous": "yes"}', "rule x.y ambiguous must be true or false"),
    ],
)
def test_rules_errors_name_file_and_line(tmp_path, line, message):
    path = tmp_path / "lexicon_test.jsonl"
    path.write_text('{"label": "Model", "pattern": "Ok", "id": "ok"}\n\n' + line + "\n", encoding="utf-8")
    with pytest.raises(RuleError) as err:
        read_rules(path)
    assert f"{path}:3:" in str(err.value)
    assert message in str(err.value)
    assert isinstance(err.value, KGError)


@pytest.mark.parametrize(
    "line,message",
    [
        ('{"id": "r", "label": "uses", "pattern": {"cues": ["using"], "windw": 3}}', "pattern has unknown key 'windw'"),
        ('{"id": "r", "label": "uses", "pattern": {"cues": "using"}}', "pattern cues must be a list"),
        ('{"id": "r", "label": "uses", "pattern": {"cues": ["using", 3]}}', "pattern cues must be a list of strings"),
        ('{"id": "r", "label": "cites", "pattern": {"cues": ["using"]}}', "unknown label 'cites'"),
    ],
)
def test_rules_object_patterns_are_checked_against_the_schema(tmp_path, line, message):
    path = tmp_path / "links.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(RuleError, match=re.escape(f"{path}:1: ") + ".*" + re.escape(message)):
        read_rules(path)


@pytest.mark.parametrize(
    "text,message",
    [
        ('{"units": {"%": "%"}, "boundaries": "while"}', ":1: setting 'boundaries' must be a list of strings"),
        ('{\n  "units": {"%": "%"},\n  "colour": []\n}', ":3: setting 'colour' is unknown"),
        ('{"qualifiers": {}}', "setting 'units' is missing"),
        ('{"units": {"%": 1}}', "setting 'units' must be an object of strings"),
        ("[1, 2]", "must hold one JSON object"),
        ('{"units": ', "invalid JSON"),
    ],
)
def test_rules_settings_errors_name_file_line_and_setting(tmp_path, text, message):
    path = tmp_path / "findings_settings.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError, match=re.escape(str(path)) + ".*" + re.escape(message)):
        read_settings(path)


def test_rules_unknown_file_is_refused(tmp_path):
    with pytest.raises(RuleError, match="not a rule file kg knows"):
        schema_for("mystery.jsonl")


def test_rules_every_packaged_file_has_a_schema_and_is_valid():
    folder = rules_path()
    names = sorted(p.name for p in folder.iterdir() if p.suffix in (".jsonl", ".json") and p.name not in NOT_RULE_FILES)
    assert names
    source = RuleSource.from_folder()
    for name in names:
        schema = schema_for(name)
        if schema.kind == "rules":
            rules = source.rules(name)
            assert rules and all(r["id"] for r in rules), name
        else:
            assert source.settings(name), name


def test_rules_readme_table_is_generated_from_the_schemas():
    assert schema_table() in README.read_text(encoding="utf-8"), "run: python -c 'import kg.rulefiles as r; print(r.schema_table())'"


def test_rules_settings_are_not_written_as_rules():
    # word lists live in *_settings.json, never as rules with a "_"-label
    for name, schema in RULE_FILES.items():
        if schema.kind == "rules" and schema.labels is not None:
            assert not any(label.startswith("_") for label in schema.labels), name


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


def test_rules_dir_reaches_the_lineage_step(tmp_path):
    folder = copy_rules(tmp_path)
    words = json.loads((folder / "lineage.json").read_text(encoding="utf-8"))
    words["non_model_families"].append("zorblat")
    (folder / "lineage.json").write_text(json.dumps(words), encoding="utf-8")
    text = "We prune Zorblat-1.5-7B tokens."
    assert load_pipeline()(text)._.kg_lineage
    assert load_pipeline(rules_dir=folder)(text)._.kg_lineage == {}


def test_rules_dir_reaches_the_finding_settings(tmp_path):
    folder = copy_rules(tmp_path)
    settings = json.loads((folder / "findings_settings.json").read_text(encoding="utf-8"))
    settings["units"]["glorps"] = "glorp"
    (folder / "findings_settings.json").write_text(json.dumps(settings), encoding="utf-8")
    text = "Our method improves accuracy by 12 glorps on ImageNet."
    units = [f["unit"] for f in load_pipeline(rules_dir=folder)(text)._.kg_findings]
    assert "glorp" in units


def test_rules_components_read_rules_in_initialize_and_save_them(tmp_path):
    nlp = load_pipeline()
    rule_driven = [name for name, proc in nlp.pipeline if isinstance(proc, RuleComponent)]
    assert rule_driven == [s.name for s in PIPELINE if s.name in rule_driven]
    assert set(rule_driven) >= {"kg_lexicon", "kg_shapes", "kg_resolve", "kg_findings", "kg_lineage"}
    lineage = nlp.get_pipe("kg_lineage")
    lineage.to_disk(tmp_path / "lineage")
    assert sorted(p.name for p in (tmp_path / "lineage").iterdir()) == ["lexicon_model.jsonl", "lineage.json"]


def test_rules_component_used_without_initialize_reads_kg_rules():
    import spacy

    nlp = spacy.blank("en")
    shapes = nlp.add_pipe("kg_shapes")
    assert not shapes.is_initialized
    doc = nlp("We fine-tune Qwen2.5-7B-Instruct.")
    assert shapes.is_initialized
    assert any(s.text == "Qwen2.5-7B-Instruct" for s in doc.spans["kg_candidates"])


def test_rules_folder_snapshot_is_picklable_and_keyed_by_content(tmp_path):
    import pickle

    folder = copy_rules(tmp_path)
    a, b = RuleFolder.read(folder), RuleFolder.read(rules_path())
    assert a == b and hash(a) == hash(b)  # same texts, different places
    assert pickle.loads(pickle.dumps(a)) == a
    (folder / "macros.jsonl").write_text((folder / "macros.jsonl").read_text() + "\n// changed\n")
    assert RuleFolder.read(folder) != b


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
