"""Tests of kg.readers on hostile input: every such file reads, or stops with one clean line.

Covers what a demanding tester tries: lone surrogates and control characters
(cleaned as read), nesting deeper than Python parses, huge numbers, other
encodings and BOMs, NULs, old-Mac line ends, CSV quoting, XML entity tricks,
pipes and deep folders, odd file names and wrong JSON value types.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.readers import iter_input_files, read_file, read_papers
from kg.readers.common import clean_text, collapse, display_path, text_chunks
from kg.readers.fields import _forms_cached, normalise_key

ABS = "We train sparse autoencoders on the residual stream and report reconstruction error on two benchmarks."


def _write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def _one_line_error(path: Path, **options) -> str:
    with pytest.raises(InputError) as info:
        list(read_papers([path], **options))
    message = str(info.value)
    assert "\n" not in message and display_path(path) in message
    return message


# --- characters no writer can take ---------------------------------------------------------


@pytest.mark.parametrize(
    "escaped",
    [r"\ud800", r"\udfff", r"\udc00\ud800", r"\ud800\ud800", r"x\ud83dy"],
    ids=["lone-high", "lone-low", "reversed-pair", "two-highs", "high-between-letters"],
)
def test_lone_surrogates_in_json_become_replacement_characters(tmp_path, escaped):
    line = '{"title": "T%s", "abstract": "%s %s", "topics": ["cs.CL%s"]}\n' % (escaped, escaped, ABS, escaped)
    (paper,) = read_file(_write(tmp_path, "s.jsonl", line))
    for value in (paper.title, paper.text, *paper.topics):
        assert "\ufffd" in value
        value.encode("utf-8")  # what the writers do: must not raise


def test_valid_surrogate_pair_is_kept(tmp_path):
    (paper,) = read_file(_write(tmp_path, "s.jsonl", '{"title": "T", "abstract": "smile \\ud83d\\ude00 %s"}\n' % ABS))
    assert "\U0001f600" in paper.text and "\ufffd" not in paper.text


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("a\x01b", "a\ufffdb"),
        ("a\x0cb\x0bc\x1fd", "a b c d"),  # whitespace-class controls are spaces
        ("a\ufffeb\uffff", "a\ufffdb\ufffd"),
        ("a\x85b\u2028c", "a b c"),
        ("a\x1b[31mb", "a\ufffd[31mb"),
        ("\x9d\x7f", "\ufffd\ufffd"),
    ],
)
def test_collapse_cleans_control_characters_and_non_characters(raw, expected):
    assert collapse(raw) == expected


def test_clean_text_keeps_tab_newline_and_ordinary_unicode():
    text = "a\tb\nc\r\u00e9\u4e2d\U0001f600\u200d"
    assert clean_text(text) == text


@pytest.mark.parametrize(
    "value,expected",
    [
        (3.5, "3.5"),
        (2020, "2020"),
        (True, ""),
        (None, ""),
        ({"en": "T"}, ""),
        (["A", ["B"], {"c": 1}, 7], "A 7"),
        (float("nan"), ""),
    ],
)
def test_collapse_takes_strings_and_numbers_only(value, expected):
    assert collapse(value) == expected


def test_display_path_escapes_non_utf8_bytes_and_controls():
    assert display_path(os.fsdecode(b"/d/bad\xff.jsonl")) == "/d/bad\\xff.jsonl"
    assert display_path("/d/ansi\x1b[31m.jsonl") == "/d/ansi\\x1b[31m.jsonl"


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file systems refuse non-UTF-8 names")
def test_non_utf8_file_name_gives_printable_source_and_error(tmp_path):
    raw = os.path.join(os.fsencode(tmp_path), b"bad\xff.jsonl")
    with open(raw, "wb") as fh:
        fh.write(b'{"title": "T", "abstract": "A b c."}\n{oops}\n')
    name = os.fsdecode(raw)
    papers = []
    with pytest.raises(InputError) as info:
        papers.extend(read_papers([tmp_path]))
    assert papers[0].source.endswith("bad\\xff.jsonl")
    str(info.value).encode("utf-8")
    assert "bad\\xff.jsonl:2: not valid JSON" in str(info.value)
    assert not os.path.exists(display_path(name))  # the printable form is not the real name


# --- JSON the parser cannot take ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name,content,where",
    [
        ("top.json", "[" * 5000 + "]" * 5000, ""),
        ("field.json", '[{"title": "T", "abstract": "A.", "x": ' + "[" * 3000 + "]" * 3000 + "}]", ""),
        ("line.jsonl", '{"title": "T", "abstract": "A."}\n' + '{"a":' * 2000 + "1" + "}" * 2000 + "\n", ":2:"),
        ("unclosed.jsonl", "[" * 100_000 + "\n", ""),  # a leading "[" reads as JSON
    ],
)
def test_json_nested_too_deeply_is_one_line_error(tmp_path, name, content, where):
    message = _one_line_error(_write(tmp_path, name, content))
    assert "nested too deeply" in message and where in message


@pytest.mark.parametrize("digits", [4301, 50_000])
@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_huge_integer_in_an_unread_field_still_reads(tmp_path, digits, fmt):
    record = '{"title": "T", "abstract": "%s", "n_citations": %s}' % (ABS, "9" * digits)
    content = f"[{record}]" if fmt == "json" else record + "\n"
    (paper,) = read_file(_write(tmp_path, f"p.{fmt}", content))
    assert paper.text == ABS


def test_huge_integer_as_title_reads_as_its_digits(tmp_path):
    (paper,) = read_file(_write(tmp_path, "p.jsonl", '{"title": %s, "abstract": "%s"}\n' % ("7" * 5000, ABS)))
    assert paper.title == "7" * 5000


# --- encodings, BOMs, NULs, line ends ------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig"])
@pytest.mark.parametrize(
    "name,text",
    [
        ("p.csv", "title,abstract\nCaf\u00e9 \u4e2d,%s\n" % ABS),
        ("p.jsonl", '{"title": "Caf\u00e9 \u4e2d", "abstract": "%s"}\n' % ABS),
        ("p.txt", "Daily Papers\nCaf\u00e9 \u4e2d Title Here\n%s %s\n" % (ABS, ABS)),
    ],
)
def test_files_with_a_byte_order_mark_read_in_their_encoding(tmp_path, encoding, name, text):
    (paper,) = read_file(_write(tmp_path, name, text.encode(encoding)))
    assert paper.title.startswith("Caf\u00e9 \u4e2d") and ABS in paper.text


def test_utf16_bad_bytes_name_the_offset(tmp_path):
    data = "title,abstract\nT,A.\n".encode("utf-16-le")
    path = _write(tmp_path, "p.csv", b"\xff\xfe" + data + b"\x00\xdc")  # a lone low surrogate unit
    assert "not valid UTF-16 text" in _one_line_error(path)


@pytest.mark.parametrize(
    "content,expected",
    [
        ("title,abstract\nT,A.\n".encode("utf-16-le"), "looks like UTF-16 without a byte-order mark"),
        (("title,abstract\nT,%s\n" % ABS).encode() * 400 + b"\x00", "NUL byte at offset"),
        (b'{"title": "T", "abstract": "\xed\xa0\x80"}\n', "not UTF-8 text (byte 0xed at offset 28)"),
        (b'{"title": "T", "abstract": "\xc0\xaf"}\n', "not UTF-8 text (byte 0xc0"),
    ],
    ids=["utf16-no-bom", "nul-after-the-sniffed-head", "encoded-surrogate", "overlong"],
)
def test_bad_bytes_are_one_line_errors(tmp_path, content, expected):
    assert expected in _one_line_error(_write(tmp_path, "p.csv" if content[:1] != b"{" else "p.jsonl", content))


@pytest.mark.parametrize(
    "name,content,n",
    [
        ("p.csv", "title,abstract\rT1,A one.\rT2,A two.\r", 2),
        ("p.jsonl", '{"title": "T1", "abstract": "A."}\r{"title": "T2", "abstract": "B."}\r', 2),
        ("p.txt", f"topic-a\r{ABS} {ABS}\r12\r{ABS} Again {ABS}\r", 2),
    ],
)
def test_old_mac_line_ends_split_lines(tmp_path, name, content, n):
    assert len(list(read_file(_write(tmp_path, name, content)))) == n


def test_jsonl_lines_starting_with_a_bom_are_read(tmp_path):
    one = '\ufeff{"title": "T1", "abstract": "A."}\n'
    papers = list(read_file(_write(tmp_path, "cat.jsonl", one + one.replace("T1", "T2"))))
    assert [p.title for p in papers] == ["T1", "T2"]


@pytest.mark.parametrize(
    "name,content",
    [
        ("p.json", '[{"title": "T", "abstract": "A b c."}]'),
        ("p.csv", "title,abstract\nT,A b c.\n"),
        ("p.dat", "title,abstract\nT,A b c.\n"),
    ],
)
def test_file_saved_twice_with_a_bom_reads(tmp_path, name, content):
    (paper,) = read_file(_write(tmp_path, name, b"\xef\xbb\xbf\xef\xbb\xbf" + content.encode()))
    assert (paper.title, paper.text) == ("T", "A b c.")


# --- CSV quoting -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content,expected",
    [
        ('title,abstract\n"T,An abstract.\n', ":2: malformed CSV (unexpected end of data)"),
        ('title,abstract\n"T"x,An abstract.\n', ":2: malformed CSV (',' expected after '\"')"),
        (",,\n,,x\n", ":1: no title, abstract, summary or text column in the header (columns: none)"),
        ("title,abstract\n", "no papers found"),
    ],
)
def test_csv_quoting_errors_name_the_line(tmp_path, content, expected):
    assert expected in _one_line_error(_write(tmp_path, "p.csv", content))


@pytest.mark.parametrize(
    "content,expected",
    [
        ('title,abstract\n"He said ""hi""","A, b\nc."\n', [("He said \"hi\"", "A, b c.")]),
        ("sep=;\ntitle;abstract\nT;A, b.\n", [("T", "A, b.")]),
        ("abstract,abstract,title\n,A real one.,T\n", [("T", "A real one.")]),
        ("  Title ,  ABSTRACT  \nT,A.\n", [("T", "A.")]),
        ('title,abstract\nT"x,=HYPERLINK("http://x")\n', [('T"x', '=HYPERLINK("http://x")')]),
        ("title,abstract\nT\nT2,A.,extra,more\n", [("T", ""), ("T2", "A.")]),
    ],
    ids=["doubled-quotes", "excel-sep-line", "duplicate-columns", "spaced-header", "formula", "ragged-rows"],
)
def test_csv_quoting_that_reads(tmp_path, content, expected):
    assert [(p.title, p.text) for p in read_file(_write(tmp_path, "p.csv", content))] == expected


# --- XML tricks ------------------------------------------------------------------------------

_FEED = '<feed xmlns="http://www.w3.org/2005/Atom">{}</feed>'
_ENTRY = "<entry><id>http://arxiv.org/abs/2401.01234</id><title>{}</title><summary>An abstract.</summary></entry>"


@pytest.mark.parametrize(
    "content,expected",
    [
        ('<!DOCTYPE f [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + _FEED.format(_ENTRY.format("&x;")), "DOCTYPE/ENTITY declarations are not allowed"),
        ('<!DOCTYPE f [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x.dtd"> %p;]>' + _FEED.format(""), "DOCTYPE/ENTITY declarations are not allowed"),
        (_FEED.format(_ENTRY.format("&nope;")), "not well-formed XML (undefined entity"),
        (_FEED.format(_ENTRY.format("&#0;")), "not well-formed XML (reference to invalid character number"),
        (_FEED.format(_ENTRY.format("&#xD800;")), "not well-formed XML (reference to invalid character number"),
        (_FEED.format("<!--" + "x\n" * 50_000), "not well-formed XML (unclosed token"),
        ('<feed xmlns="http://www.w3.org/2005/Atom"><entry\n' + "".join(f' a{i}="1"\n' for i in range(20_000)), "unclosed token"),
        ("<" + "r" * 10_000 + "/>", "not an Atom or RSS feed (root element <" + "r" * 60 + ">)"),
    ],
    ids=["xxe", "parameter-entity", "undefined-entity", "nul-charref", "surrogate-charref", "unclosed-comment", "long-start-tag", "long-root"],
)
def test_xml_tricks_are_one_line_errors(tmp_path, content, expected):
    assert expected in _one_line_error(_write(tmp_path, "p.xml", content))


@pytest.mark.parametrize(
    "content,title",
    [
        ('<?xml-stylesheet href="x.xsl"?><!-- c -->' + _FEED.format("<?pi x?>" + _ENTRY.format("A <![CDATA[<b>]]>")), "A <b>"),
        (_FEED.format('<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd" parse="text"/>' + _ENTRY.format("T")), "T"),
        ('<?xml version="1.0" encoding="UTF-16"?>' + _FEED.format(_ENTRY.format("Caf\u00e9")), "Caf\u00e9"),
        ("<feed>" + _ENTRY.format("Plain") + "</feed>", "Plain"),
    ],
    ids=["cdata-and-pis", "xinclude-not-followed", "encoding-declaration-lie", "no-namespace"],
)
def test_xml_tricks_that_read_safely(tmp_path, content, title):
    (paper,) = read_file(_write(tmp_path, "p.xml", content))
    assert paper.title == title and "root:" not in paper.text


def test_xml_is_fed_in_few_doubling_blocks(tmp_path):
    # expat 2.5 rescans an unfinished token on every block: line-sized blocks were quadratic
    path = _write(tmp_path, "big.xml", _FEED.format(_ENTRY.format("T") * 40_000))
    sizes = [len(chunk) for chunk in text_chunks(path)]
    assert sum(sizes) == path.stat().st_size and len(sizes) <= 8
    assert all(b >= a for a, b in zip(sizes, sizes[1:-1]))


# --- what is not a file, and folders -------------------------------------------------------------


@pytest.fixture
def alarm():
    """Turn a hang into a failure after 10 s."""

    def hang(*_):
        raise TimeoutError("read blocked")

    old = signal.signal(signal.SIGALRM, hang)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_named_pipe_given_as_a_file_is_refused_not_waited_on(tmp_path, alarm):
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    assert "not a regular file" in _one_line_error(fifo)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_named_pipe_in_a_folder_is_skipped(tmp_path, alarm):
    os.mkfifo(tmp_path / "pipe.jsonl")
    _write(tmp_path, "p.jsonl", '{"title": "T", "abstract": "A."}\n')
    assert [p.title for p in read_papers([tmp_path])] == ["T"]


def test_folders_nested_deeper_than_the_recursion_limit(tmp_path):
    levels = [str(tmp_path)]
    try:
        for _ in range(1200):  # one level at a time: os.makedirs and Path.mkdir recurse
            levels.append(os.path.join(levels[-1], "d"))
            os.mkdir(levels[-1])
        Path(levels[-1], "p.jsonl").write_text('{"title": "Deep", "abstract": "A."}\n', encoding="utf-8")
        assert [p.title for p in read_papers([tmp_path])] == ["Deep"]
    finally:
        # removed bottom up here: pytest's own tmp cleanup (shutil.rmtree) recurses and would fail later
        with contextlib.suppress(FileNotFoundError):
            os.remove(os.path.join(levels[-1], "p.jsonl"))
        for level in reversed(levels[1:]):
            with contextlib.suppress(FileNotFoundError):
                os.rmdir(level)


def test_symlink_loops_and_dangling_links_are_skipped(tmp_path):
    _write(tmp_path, "a/p.jsonl", '{"title": "T", "abstract": "A."}\n')
    os.symlink(".", tmp_path / "a" / "loop")
    os.symlink("self.jsonl", tmp_path / "self.jsonl")
    os.symlink("nowhere.csv", tmp_path / "dangling.csv")
    assert [f.name for f in iter_input_files(tmp_path)] == ["p.jsonl"]


# --- JSON value types ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "record,title,text",
    [
        ({"title": 3.5, "abstract": "A b."}, "3.5", "A b."),
        ({"title": ["A", ["B"], {"c": 1}], "abstract": "A b."}, "A", "A b."),
        ({"title": {"en": "T"}, "abstract": "A b."}, None, "A b."),
        ({"title": "T", "abstract": [["a", ["b"]], "c d."]}, "T", "c d."),
        ({"title": "T", "abstract": "A b.", "topics": [1, None, {"term": 5}, ["x"], "a;b|c"]}, "T", "A b."),
        ({"": "x", "title": "T", "abstract": "A b."}, "T", "A b."),
        ({"id": {"arxiv": "2401.01234"}, "title": "T", "abstract": "A b."}, "T", "A b."),
    ],
)
def test_json_values_of_the_wrong_type_never_crash(tmp_path, record, title, text):
    (paper,) = read_file(_write(tmp_path, "p.jsonl", json.dumps(record) + "\n"))
    assert (paper.title, paper.text) == (title, text)


@pytest.mark.parametrize(
    "content,expected",
    [
        ('"just a string"', "expected a JSON list of objects, got a string"),
        ("null", "expected a JSON list of objects, got null"),
        ('{"papers": "nope", "data": 3}', "no papers found"),
        ('["a", "b"]', "item 0 of the list is a string"),
    ],
)
def test_json_of_the_wrong_shape_is_one_line_error(tmp_path, content, expected):
    assert expected in _one_line_error(_write(tmp_path, "p.json", content))


def test_long_field_names_do_not_fill_the_key_cache(tmp_path):
    before = _forms_cached.cache_info().currsize
    records = "".join(json.dumps({"k" * 1000 + str(i): 1, "title": "T", "abstract": "A."}) + "\n" for i in range(200))
    assert len(list(read_file(_write(tmp_path, "p.jsonl", records)))) == 200
    assert _forms_cached.cache_info().currsize - before <= 3  # "title", "abstract", nothing long
    assert normalise_key("k" * 1000) == "k" * 1000
