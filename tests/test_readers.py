"""Tests of kg.readers: every input format, the seed listing pages, and bad input."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from kg.errors import InputError, RuleError
from kg.readers import detect_format, iter_input_files, read_file, read_papers
from kg.readers.chrome import load_chrome_rules
from kg.readers.common import find_arxiv_id, text_hash_id
from kg.readers.listing import classify_line

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

# prose long enough to read as an abstract (the listing rules look at shape, not words)
ABS1 = (
    "We study how sparse autoencoders recover features from the residual stream of small language models. "
    "Our method trains dictionaries on activations and reports reconstruction error and downstream loss. "
    "Experiments on two benchmarks show consistent gains over strong baselines."
)
ABS2 = (
    "Retrieval augmented generation reduces hallucination in open domain question answering. "
    "We propose a relevance aware reranker that scores passages before generation and filters noise. "
    "It improves exact match by four points on three datasets."
)
ABS3 = (
    "Vision language models struggle with object orientation in cluttered scenes and fine grained layouts. "
    "We build a benchmark of multi axis perception tasks and evaluate fifteen open models on it. "
    "All of them fall well short of human accuracy."
)


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# --- the seed listing pages ------------------------------------------------------------


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seeds/ not in this checkout")
def test_readers_seeds_distinct_ids():
    papers = list(read_papers([SEEDS]))
    per_file = defaultdict(int)
    for p in papers:
        per_file[Path(p.source).name[:3]] += 1
    assert dict(per_file) == {"000": 20, "001": 67, "002": 20}
    assert len({p.id for p in papers}) == 106


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seeds/ not in this checkout")
def test_readers_seeds_shared_card_merges_by_id():
    by_id = defaultdict(list)
    for p in read_papers([SEEDS]):
        by_id[p.id].append(p)
    shared = [ps for ps in by_id.values() if len(ps) > 1]
    assert len(shared) == 1
    a, b = shared[0]
    assert "RAGLens" in a.text and a.text == b.text
    assert a.title is None and b.title is None
    assert a.topics != b.topics
    assert {a.topics, b.topics} == {("model-interpretation",), ("mechanistic-interpretability",)}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seeds/ not in this checkout")
def test_readers_seeds_no_chrome_or_counters():
    rules = load_chrome_rules()
    for p in read_papers([SEEDS]):
        assert not p.text.isdigit()
        assert "no more papers matching" not in p.text.lower()
        assert not rules.is_chrome(p.text)
        assert len(p.text.split()) >= 20
        if p.title:
            assert not rules.is_chrome(p.title)
            assert p.title not in ("Jul 31", "byAK and the research community")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seeds/ not in this checkout")
def test_readers_seeds_daily_page_pairs_titles_with_abstracts():
    path = SEEDS / "001_3dba5bd895e456f0.txt"
    lines = path.read_text(encoding="utf-8").split("\n")
    papers = list(read_file(path))
    # the page alternates title, blank, abstract, blank after 12 lines of chrome
    expected = [(lines[i - 1], lines[i + 1]) for i in range(13, len(lines) - 1, 4)]
    assert [(p.title, p.text) for p in papers] == expected
    long_titles = [p.title for p in papers if len(p.title) > 200]
    assert len(long_titles) == 1 and long_titles[0].startswith('Can "consciousness"')
    assert all(p.topics == () for p in papers)


# --- listing-page rules on inline text ---------------------------------------------------


@pytest.mark.parametrize(
    "line,kind",
    [
        ("", "blank"),
        ("30", "counter"),
        ("1.2k", "counter"),
        ("1,204", "counter"),
        ("There are no more papers matching your filters at the moment.", "chrome"),
        ("Subscribe", "chrome"),
        ("Jul 31", "chrome"),
        ("Sparse Autoencoders Find Interpretable Features", "title"),
        ("Does Circuit Analysis Scale? Evidence from Multiple Choice Capabilities in a Large Model", "title"),
        ("Hello", "other"),
        ("This is one short sentence.", "other"),
        (ABS1, "abstract"),
    ],
)
def test_listing_classify_line(line, kind):
    assert classify_line(line) == kind


@pytest.mark.parametrize("blank_before_abstract", [True, False])
def test_listing_title_abstract_pairs_with_or_without_blank(tmp_path, blank_before_abstract):
    sep = "\n\n" if blank_before_abstract else "\n"
    text = (
        "Trending\n\nWeekly Picks\n\nAug 2\n\n"
        f"Sparse Dictionaries for Language Models{sep}{ABS1}\n\n"
        f"Relevance-Aware Retrieval{sep}42{sep}{ABS2}\n"
        "Share this page\n"
    )
    papers = list(read_file(_write(tmp_path, "day.txt", text)))
    assert [(p.title, p.text) for p in papers] == [
        ("Sparse Dictionaries for Language Models", ABS1),
        ("Relevance-Aware Retrieval", ABS2),
    ]
    assert all(p.topics == () for p in papers)


def test_listing_abstract_without_title_gets_none(tmp_path):
    papers = list(read_file(_write(tmp_path, "x.txt", f"{ABS1}\n\n{ABS2}\n")))
    assert [p.title for p in papers] == [None, None]


def test_listing_topic_cards_skip_counters_and_chrome(tmp_path):
    text = f"some-topic\n{ABS1}\n1\n{ABS2}\n1.2k\nLoad more papers\n{ABS3}\nThere are no more papers matching your filters at the moment.\n"
    papers = list(read_file(_write(tmp_path, "cards.txt", text)))
    assert [p.text for p in papers] == [ABS1, ABS2, ABS3]
    assert all(p.topics == ("some-topic",) and p.title is None for p in papers)


def test_listing_same_card_in_two_topics_shares_id(tmp_path):
    a = list(read_file(_write(tmp_path, "a.txt", f"topic-a\n{ABS1}\n{ABS2}\n")))
    b = list(read_file(_write(tmp_path, "b.txt", f"topic-b\n{ABS3}\n{ABS1}\n")))
    assert a[0].id == b[1].id == text_hash_id(ABS1)
    assert a[0].topics == ("topic-a",) and b[1].topics == ("topic-b",)


def test_listing_glued_chrome_is_cut_and_fragment_word_dropped(tmp_path):
    fragment = "negie Mellon, USC, and MIT " + ABS2
    text = f"topic-a\n{ABS1}There are no more papers matching your filters at the moment.{fragment}\n"
    papers = list(read_file(_write(tmp_path, "glued.txt", text)))
    assert [p.text for p in papers] == [ABS1, "Mellon, USC, and MIT " + ABS2]


def test_listing_glued_short_fragment_is_dropped(tmp_path):
    text = f"topic-a\n{ABS1}\nThere are no more papers matching your filters at the moment.negie Mellon, USC\n"
    papers = list(read_file(_write(tmp_path, "glued.txt", text)))
    assert [p.text for p in papers] == [ABS1]


# --- arXiv ids -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,bare,expected",
    [
        ("http://arxiv.org/abs/2401.01234v1", False, "2401.01234"),
        ("https://arxiv.org/pdf/2401.01234v3.pdf", False, "2401.01234"),
        ("https://export.arxiv.org/abs/1706.03762", False, "1706.03762"),
        ("See arXiv:2401.01234v2 for details.", False, "2401.01234"),
        ("arXiv:1501.0001", False, "1501.0001"),
        ("https://huggingface.co/papers/2312.00752", False, "2312.00752"),
        ("doi 10.48550/arXiv.2305.10601", False, "2305.10601"),
        ("http://arxiv.org/abs/hep-th/9901001v2", False, "hep-th/9901001"),
        ("arXiv:math.GT/0309136", False, "math.GT/0309136"),
        ("2401.01234", True, "2401.01234"),
        ("2401.01234v5", True, "2401.01234"),
        ("hep-th/9901001", True, "hep-th/9901001"),
        ("2401.01234", False, None),  # a bare number inside prose is not an id
        ("2413.01234", True, None),  # month 13
        ("arXiv:2401.012345", False, None),  # six digits
        ("compare arXiv:2401.01234 and arXiv:2402.05678", False, None),  # cites two papers
        ("arXiv:2401.01234 and again arXiv:2401.01234v2", False, "2401.01234"),
        ("W19-1234", True, None),
        (None, True, None),
    ],
)
def test_common_find_arxiv_id(value, bare, expected):
    assert find_arxiv_id(value, bare=bare) == expected


def test_common_hash_id_ignores_case_and_spacing():
    assert text_hash_id("Hello   World\n") == text_hash_id("hello world")
    assert text_hash_id("hello world").startswith("sha:") and len(text_hash_id("x")) == 4 + 16


# --- structured formats ----------------------------------------------------------------


def test_jsonl_fields_case_insensitive_ids_and_topics(tmp_path):
    rows = [
        {"Title": "Paper  One", "Abstract": "First\nabstract.", "URL": "https://arxiv.org/abs/2401.01234v2", "Categories": "cs.CL cs.LG"},
        {"title": "Paper Two", "summary": "Second abstract.", "topics": ["a", "b", "a"]},
        {"name": "Paper Three", "text": "Third abstract.", "topic": "x; y"},
        {"unrelated": 1},
    ]
    path = _write(tmp_path, "p.jsonl", "\n".join(json.dumps(r) for r in rows) + "\n\n")
    papers = list(read_file(path))
    assert [(p.id, p.title, p.text, p.topics, p.arxiv_id) for p in papers] == [
        ("arxiv:2401.01234", "Paper One", "First abstract.", ("cs.CL", "cs.LG"), "2401.01234"),
        (text_hash_id("Second abstract."), "Paper Two", "Second abstract.", ("a", "b"), None),
        (text_hash_id("Third abstract."), "Paper Three", "Third abstract.", ("x", "y"), None),
    ]
    assert all(p.source == str(path) for p in papers)


@pytest.mark.parametrize(
    "content",
    [
        '[{"title": "T", "abstract": "A."}]',
        '{"papers": [{"title": "T", "abstract": "A."}]}',
        '{"title": "T", "abstract": "A."}',
        '{\n  "title": "T",\n  "abstract": "A."\n}',
    ],
)
def test_json_list_wrapper_or_single_object(tmp_path, content):
    papers = list(read_file(_write(tmp_path, "p.json", content)))
    assert [(p.title, p.text) for p in papers] == [("T", "A.")]


def test_json_file_holding_json_lines(tmp_path):
    content = '{"title": "T1", "abstract": "A1."}\n{"title": "T2", "abstract": "A2."}\n'
    assert [p.title for p in read_file(_write(tmp_path, "p.json", content))] == ["T1", "T2"]


def test_csv_header_bom_quoted_newlines_and_ids(tmp_path):
    content = (
        "\ufeffID,Title,Abstract,categories\r\n"
        '2401.01234v1,"A, title","Line one\r\nline two.",cs.CL\r\n'
        ',Second,"Plain abstract.",\r\n'
    )
    papers = list(read_file(_write(tmp_path, "p.csv", content)))
    assert [(p.id, p.title, p.text, p.topics) for p in papers] == [
        ("arxiv:2401.01234", "A, title", "Line one line two.", ("cs.CL",)),
        (text_hash_id("Plain abstract."), "Second", "Plain abstract.", ()),
    ]


def test_tsv_reads_tabs(tmp_path):
    content = "title\tsummary\nT1\tS1.\nT2\tS2.\n"
    assert [(p.title, p.text) for p in read_file(_write(tmp_path, "p.tsv", content))] == [("T1", "S1."), ("T2", "S2.")]


ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <title>ArXiv Query</title>
  <id>http://arxiv.org/api/xyz</id>
  <entry>
    <id>http://arxiv.org/abs/2401.01234v1</id>
    <title>Sparse Autoencoders
      at Scale</title>
    <summary>  We train sparse autoencoders
  on many activations.
</summary>
    <author><name>A. Author</name></author>
    <link href="http://arxiv.org/abs/2401.01234v1" rel="alternate" type="text/html"/>
    <arxiv:primary_category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
  <entry>
    <id>http://arxiv.org/abs/hep-th/9901001v2</id>
    <title>Old &amp; Style</title>
    <summary>An old abstract.</summary>
  </entry>
</feed>
"""


def test_atom_arxiv_feed(tmp_path):
    papers = list(read_file(_write(tmp_path, "feed.xml", ATOM)))
    assert [(p.id, p.title, p.text, p.topics) for p in papers] == [
        ("arxiv:2401.01234", "Sparse Autoencoders at Scale", "We train sparse autoencoders on many activations.", ("cs.LG", "cs.CL")),
        ("arxiv:hep-th/9901001", "Old & Style", "An old abstract.", ()),
    ]


def test_atom_rss_feed(tmp_path):
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>cs.CL updates</title>'
        "<item><title>A Paper</title><link>https://arxiv.org/abs/2501.00001</link>"
        "<description>arXiv:2501.00001v1 Announce Type: new \nAbstract: We do things.</description>"
        "<category>cs.CL</category></item></channel></rss>"
    )
    papers = list(read_file(_write(tmp_path, "feed.atom", rss)))
    assert [(p.id, p.title, p.text, p.topics) for p in papers] == [("arxiv:2501.00001", "A Paper", "We do things.", ("cs.CL",))]


@pytest.mark.parametrize(
    "name,content,fmt,n",
    [
        ("papers", '{"title": "T", "abstract": "A."}\n', "jsonl", 1),
        ("papers", '[{"title": "T", "abstract": "A."}]', "json", 1),
        ("papers.dat", "title,abstract\nT,A.\n", "csv", 1),
        ("papers", ATOM, "atom", 2),
        ("papers.txt", '{"title": "T", "abstract": "A."}\n', "jsonl", 1),
        ("papers.jsonl", '[{"title": "T", "abstract": "A."}]', "json", 1),
        ("papers", f"some-topic\n{ABS1}\n", "listing", 1),
    ],
)
def test_readers_detect_format_by_extension_and_content(tmp_path, name, content, fmt, n):
    path = _write(tmp_path, name, content)
    assert detect_format(path) == fmt
    assert len(list(read_file(path))) == n


# --- folders ----------------------------------------------------------------------------


def test_readers_folder_recursive_sorted_skips_hidden_and_unknown(tmp_path):
    _write(tmp_path, "b/2.jsonl", '{"title": "B2", "abstract": "b2."}\n')
    _write(tmp_path, "a.jsonl", '{"title": "A", "abstract": "a."}\n')
    _write(tmp_path, "b/1.csv", "title,abstract\nB1,b1.\n")
    _write(tmp_path, ".hidden.jsonl", '{"title": "H", "abstract": "h."}\n')
    _write(tmp_path, ".git/x.jsonl", '{"title": "G", "abstract": "g."}\n')
    _write(tmp_path, "notes.md", "# not papers\n")
    _write(tmp_path, "image.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    assert [p.title for p in read_papers([tmp_path])] == ["A", "B1", "B2"]
    assert [f.name for f in iter_input_files(tmp_path)] == ["a.jsonl", "1.csv", "2.jsonl"]


def test_readers_single_path_not_in_a_list(tmp_path):
    path = _write(tmp_path, "a.jsonl", '{"title": "A", "abstract": "a."}\n')
    assert [p.title for p in read_papers(path)] == ["A"]
    assert [p.title for p in read_papers(str(tmp_path))] == ["A"]


def test_readers_same_file_twice_gives_same_ids(tmp_path):
    path = _write(tmp_path, "a.jsonl", '{"title": "A", "abstract": "a."}\n')
    ids = [p.id for p in read_papers([path, str(path)])]
    assert len(ids) == 2 and ids[0] == ids[1]


def test_readers_on_error_skips_bad_file(tmp_path):
    _write(tmp_path, "a.jsonl", "not json\n")
    _write(tmp_path, "b.jsonl", '{"title": "B", "abstract": "b."}\n')
    errors = []
    assert [p.title for p in read_papers([tmp_path], on_error=errors.append)] == ["B"]
    assert len(errors) == 1 and "a.jsonl:1:" in str(errors[0])


def test_readers_jsonl_10k_papers_keep_distinct_ids(tmp_path):
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(10_000):
            fh.write(json.dumps({"id": f"24{i % 12 + 1:02d}.{i:05d}", "title": f"Paper {i}", "abstract": ABS1 + f" Run {i}."}) + "\n")
    papers = list(read_papers([path]))
    assert len(papers) == 10_000 and len({p.id for p in papers}) == 10_000


# --- bad input -------------------------------------------------------------------------

BAD_INPUT = [
    ("empty.jsonl", b"", "empty file"),
    ("blank.txt", b"\n  \n\t\n", "empty file"),
    ("bom-only.csv", b"\xef\xbb\xbf\n", "empty file"),
    ("nul.jsonl", b'{"title": "a\x00b"}\n', "binary file"),
    ("noise.txt", bytes(range(1, 32)) * 20, "binary file"),
    ("random.csv", bytes((i * 37 + 128) % 256 for i in range(4000)), "binary file"),
    ("latin1.txt", "topic\nCaf\xe9 na\xefve r\xe9sum\xe9 abstract here.\n".encode("latin-1"), "not UTF-8 text (byte 0xe9 at offset 9)"),
    ("utf16.txt", "title,abstract\nT,A.\n".encode("utf-16-le"), "looks like UTF-16 without a byte-order mark"),
    ("bad.jsonl", b'{"title": "T", "abstract": "A."}\n{"title": oops}\n', "bad.jsonl:2: not valid JSON"),
    ("list.jsonl", b'{"title": "T", "abstract": "A."}\n\n[1, 2]\n', "list.jsonl:3: expected a JSON object per line, got a list"),
    ("bad.json", b'[{"title": "T",\n "abstract": }]', "bad.json:2: not valid JSON"),
    ("nums.json", b"[1, 2]", "item 0 of the list is a number"),
    ("cols.csv", b"name_of_thing,year\nx,2020\n", "no title, abstract, summary or text column in the header (columns: name_of_thing, year)"),
    ("quote.csv", b'title,abstract\n"T","unterminated\n', "malformed CSV"),
    ("broken.xml", b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><title>x</entry></feed>", "broken.xml:1: not well-formed XML (mismatched tag"),
    (
        "laughs.xml",
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n<feed>&lol2;</feed>',
        "laughs.xml:2: XML DOCTYPE/ENTITY declarations are not allowed",
    ),
    (
        "apierror.xml",
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_1234</id>'
        b"<title>Error</title><summary>incorrect id format for 1234</summary></entry></feed>",
        "arXiv API error: incorrect id format for 1234",
    ),
    ("html.xml", b"<html><body>hi</body></html>", "not an Atom or RSS feed (root element <html>)"),
    ("nofeed.xml", b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>', "no papers found"),
    ("chrome.txt", b"new\n\nSubscribe\n\n30\n\nThere are no more papers matching your filters at the moment.\n", "no papers found"),
    ("fields.jsonl", b'{"year": 2020}\n', "no papers found"),
]


@pytest.mark.parametrize("name,content,expected", BAD_INPUT, ids=[b[0] for b in BAD_INPUT])
def test_readers_bad_input_raises_one_line_error(tmp_path, name, content, expected):
    path = _write(tmp_path, name, content)
    with pytest.raises(InputError) as info:
        list(read_papers([path]))
    message = str(info.value)
    assert expected in message
    assert str(path) in message
    assert "\n" not in message


def test_readers_not_utf8_offset_points_at_the_byte(tmp_path):
    data = ('{"title": "T", "abstract": "A."}\n' * 3).encode() + b'{"title": "\xff"}\n'
    path = _write(tmp_path, "late.jsonl", data)
    offset = data.index(b"\xff")
    with pytest.raises(InputError, match=rf"byte 0xff at offset {offset}\)"):
        list(read_file(path))


@pytest.mark.parametrize("target", ["missing.jsonl", "missing-folder/"])
def test_readers_missing_path(tmp_path, target):
    path = tmp_path / target
    with pytest.raises(InputError, match="no such file or directory") as info:
        list(read_papers([path]))
    assert str(path) in str(info.value)


@pytest.mark.parametrize("files", [[], [".hidden.jsonl"], ["notes.md", "data.bin"]])
def test_readers_folder_with_nothing_readable(tmp_path, files):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for f in files:
        _write(folder, f, "x\n")
    with pytest.raises(InputError, match="folder has no readable files") as info:
        list(read_papers([folder]))
    assert str(folder) in str(info.value)


def test_readers_unreadable_file(tmp_path, monkeypatch):
    path = _write(tmp_path, "locked.jsonl", '{"title": "T"}\n')

    def deny(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    # the test may run as root, where chmod 000 does not stop reads
    monkeypatch.setattr("kg.readers.common.open", deny, raising=False)
    with pytest.raises(InputError, match="permission denied") as info:
        list(read_file(path))
    assert str(path) in str(info.value) and "\n" not in str(info.value)


# --- the chrome rule file --------------------------------------------------------------


@pytest.mark.parametrize(
    "line,expected",
    [
        ('{"label": "PAGE_CHROME", "pattern": "x"}', ":1: rule ? lacks 'id'"),
        ('{"id": "r1", "label": "PAGE_CHROME"}', 'rule r1 needs exactly one of "pattern" or "regex"'),
        ('{"id": "r2", "label": "PAGE_CHROME", "regex": "(unclosed"}', "rule r2 has a bad regex"),
        ('{"id": "r3", "label": "PAGE_CHROME", "phrase": "x"}', "rule r3 has unknown key 'phrase'"),
        ("{oops", ":1: invalid JSON"),
    ],
)
def test_chrome_bad_rule_file(tmp_path, line, expected):
    folder = tmp_path / "rules"
    folder.mkdir()
    path = _write(folder, "page_chrome.jsonl", line + "\n")
    with pytest.raises(RuleError, match=str(path).replace("(", r"\(") + ".*" + expected.replace("(", r"\(").replace("?", r"\?")):
        load_chrome_rules(str(folder))


def test_chrome_packaged_rules_load():
    rules = load_chrome_rules()
    assert rules.is_chrome("  there are NO more papers matching your filters at the moment. ")
    assert not rules.is_chrome("Sparse Autoencoders Find Interpretable Features")
