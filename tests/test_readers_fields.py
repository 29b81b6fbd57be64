"""Tests of the column and field names kg reads, --title-field / --text-field, and missing abstracts."""

from __future__ import annotations

import csv
import io
import json
import logging
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.readers import read_file, read_papers
from kg.readers.fields import FieldMap, normalise_key

ABS = "We fine-tune LoRA adapters on MMLU and report accuracy gains over full fine-tuning."


def _render(fmt: str, records: list[dict]) -> str:
    if fmt == "jsonl":
        return "".join(json.dumps(r) + "\n" for r in records)
    if fmt == "json":
        return json.dumps(records)
    buf = io.StringIO()
    keys = list(dict.fromkeys(k for r in records for k in r))
    writer = csv.writer(buf, delimiter="\t" if fmt == "tsv" else ",")
    writer.writerow(keys)
    writer.writerows([[r.get(k, "") for k in keys] for r in records])
    return buf.getvalue()


def _write(folder: Path, fmt: str, records: list[dict], name: str = "p") -> Path:
    path = folder / f"{name}.{fmt}"
    path.write_text(_render(fmt, records), encoding="utf-8")
    return path


FORMATS = ["csv", "tsv", "json", "jsonl"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("title_col", ["title", "titles", "paper_title", "Title", "Paper Title", "paperTitle"])
@pytest.mark.parametrize(
    "text_col", ["abstract", "abstracts", "summary", "summaries", "text", "abstract_text", "ABSTRACT", "Abstract-Text", "abstractText"]
)
def test_common_column_names_are_read_as_they_are(tmp_path, fmt, title_col, text_col):
    (paper,) = read_file(_write(tmp_path, fmt, [{title_col: "LoRA at Scale", text_col: ABS}]))
    assert (paper.title, paper.text) == ("LoRA at Scale", ABS)


@pytest.mark.parametrize(
    "key,camel,expected",
    [
        ("Paper Title", False, "paper_title"),
        ("arxiv-id", False, "arxiv_id"),
        ("abstractText", True, "abstract_text"),
        ("arXivId", False, "arxivid"),
        ("ABSTRACT", True, "abstract"),
        ("  spaced   name ", False, "spaced_name"),
    ],
)
def test_normalise_key(key, camel, expected):
    assert normalise_key(key, camel=camel) == expected


@pytest.mark.parametrize("fmt", FORMATS)
def test_text_field_names_an_unusual_column(tmp_path, fmt):
    path = _write(tmp_path, fmt, [{"headline": "LoRA at Scale", "text_body": ABS}])
    (paper,) = read_file(path, title_field="headline", text_field="text_body")
    assert (paper.title, paper.text) == ("LoRA at Scale", ABS)


def test_named_field_is_tried_first_then_the_usual_names(tmp_path):
    a = _write(tmp_path, "jsonl", [{"title": "A", "body": "Body of A.", "abstract": "Abstract of A."}], "a")
    b = _write(tmp_path, "jsonl", [{"title": "B", "abstract": "Abstract of B."}], "b")
    assert [p.text for p in read_papers([a, b], text_field="body")] == ["Body of A.", "Abstract of B."]


def test_dotted_field_reads_nested_json(tmp_path):
    path = _write(tmp_path, "json", [{"meta": {"Headline": "LoRA at Scale", "body": {"en": ABS}}}])
    (paper,) = read_file(path, title_field="meta.headline", text_field="meta.body.en")
    assert (paper.title, paper.text) == ("LoRA at Scale", ABS)


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_csv_with_title_but_no_text_column_stops_and_suggests_the_flag(tmp_path, fmt):
    path = _write(tmp_path, fmt, [{"title": "T1", "text_body": ABS}])
    with pytest.raises(InputError) as info:
        list(read_file(path))
    message = str(info.value)
    assert f"{path}:1: no abstract, summary or text column in the header, only a title" in message
    assert "(columns: title, text_body)" in message and "--text-field" in message


def test_csv_header_without_any_known_column_lists_columns_and_both_flags(tmp_path):
    path = _write(tmp_path, "csv", [{"headline": "T", "body": ABS}])
    with pytest.raises(InputError, match=r"columns: headline, body\); name yours with --title-field / --text-field"):
        list(read_file(path))


def test_csv_without_the_named_column_says_so(tmp_path):
    path = _write(tmp_path, "csv", [{"title": "T", "text_body": ABS}])
    with pytest.raises(InputError, match=r"no 'body' column in the header, only a title \(columns: title, text_body\)"):
        list(read_file(path, text_field="body"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_records_that_all_lack_text_stop_the_run(tmp_path, fmt):
    records = [{"title": "T1", "abstract": ""}, {"title": "T2", "abstract": "  "}]
    path = _write(tmp_path, fmt, records)
    with pytest.raises(InputError) as info:
        list(read_file(path))
    message = str(info.value)
    assert f"{path}: none of the 2 records has an abstract" in message and "--text-field" in message
    assert "\n" not in message


def test_json_records_with_an_unknown_text_field_stop_the_run_naming_fields_seen(tmp_path):
    path = _write(tmp_path, "jsonl", [{"title": "T1", "body": ABS}, {"title": "T2", "body": ABS}])
    with pytest.raises(InputError, match=r"none of the 2 records has an abstract .*fields seen: title, body\); name the text field with --text-field"):
        list(read_file(path))


def test_feed_whose_entries_all_lack_a_summary_stops_the_run(tmp_path):
    path = tmp_path / "f.xml"
    path.write_text('<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>T</title></entry></feed>', encoding="utf-8")
    with pytest.raises(InputError, match="none of the 1 feed entries has a summary"):
        list(read_file(path))


@pytest.mark.parametrize("fmt", FORMATS)
def test_some_records_lacking_text_warn_once_with_the_count(tmp_path, fmt, caplog):
    records = [{"title": "T1", "abstract": ABS}, {"title": "T2", "abstract": ""}, {"title": "", "abstract": ""}, {"title": "T4", "abstract": ABS}]
    for year, record in enumerate(records, 2020):
        record["year"] = year  # a CSV row of empty cells is a blank line, not a record
    path = _write(tmp_path, fmt, records)
    with caplog.at_level(logging.WARNING, logger="kg"):
        papers = list(read_file(path))
    assert [p.title for p in papers] == ["T1", "T2", "T4"]
    warnings = [r for r in caplog.records if r.name == "kg"]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert message == f"{path}: 2 of 4 records have no abstract text (1 kept with the title only, 1 skipped)"


def test_no_warning_when_every_record_has_text(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="kg"):
        list(read_file(_write(tmp_path, "jsonl", [{"title": "T", "abstract": ABS}])))
    assert not [r for r in caplog.records if r.name == "kg"]


def test_object_with_paper_fields_and_a_data_list_is_one_paper(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"title": "T", "abstract": ABS, "data": [1, 2]}), encoding="utf-8")
    assert [p.title for p in read_file(path)] == ["T"]


def test_unknown_extension_with_named_columns_sniffs_as_csv(tmp_path):
    path = tmp_path / "papers.dat"
    path.write_text(f"headline,body\nT,{ABS}\n", encoding="utf-8")
    assert [p.text for p in read_file(path, text_field="body")] == [ABS]


def test_fieldmap_fresh_starts_counts_again():
    fields = FieldMap(text_field="body")
    assert fields.paper({"year": 1}, "x.jsonl") is None and fields.skipped == 1
    fresh = fields.fresh()
    assert (fresh.skipped, fresh.text_field, fresh.seen) == (0, "body", {})
