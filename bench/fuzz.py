"""Hostile inputs for ``kg build``: N deterministic cases, each run in a forked child with limits.

    python bench/fuzz.py 300                    # 300 cases, the table, the failing names
    python bench/fuzz.py 40 --small             # small sizes (what tests/test_fuzz.py runs)
    python bench/fuzz.py --only 0042-nul-mid-csv --keep /tmp/case   # reproduce one case
                                                 # (add --small/--seed as in the run that found it)
    python bench/fuzz.py --list 30              # names only, nothing run

Case ``i`` is generated from ``random.Random(f"{seed}:{i}")``: its category is
``CATEGORIES[i % len(CATEGORIES)]``, its variant and format are drawn by that
generator, so a name alone (its leading index) regenerates it. Categories cover
every input format (.txt listings, .jsonl, .json, .csv, .tsv, Atom .xml) with
other encodings, BOMs, NULs, lone surrogates, deep nesting, huge integers,
control characters and U+FFFE/U+FFFF, CSV quoting, XML entity/DOCTYPE tricks,
huge and tiny files, many files, wrong field types, missing abstracts,
duplicated records and hostile text (punctuation runs, parentheses, numbers,
acronyms, megabyte sentences, HTML/JS payloads).

kg and its pipeline are imported and loaded once, in this process; each case
runs in an ``os.fork()`` child calling ``kg.cli.main(["build", ...])`` with
stderr in a file, a wall-clock deadline (killed after ``--timeout`` s) and an
address-space cap (``RLIMIT_AS``, ``--mem-gb``). The parent reads the child's
peak RSS from ``os.wait4``. A child's RSS includes the pages it shares with
this process (the loaded pipeline), printed as the baseline.

Outcomes: ``build`` (exit 0, graph.json written, stderr only ``kg: warning:``
lines), ``error`` (exit 2 and stderr exactly one ``kg: error:`` line, besides
warnings), ``crash`` (a traceback, any other exit code or stderr, a signal),
``hang`` (killed at the deadline).
"""

from __future__ import annotations

import argparse
import codecs
import csv
import io
import json
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("txt", "jsonl", "json", "csv", "tsv", "xml")
OUTCOMES = ("build", "error", "crash", "hang")


# --- cases -----------------------------------------------------------------------------


@dataclass
class Case:
    """One hostile input: files to write under ``in/``, and the arguments of ``kg build``."""

    name: str
    category: str
    files: dict[str, bytes] = field(default_factory=dict)
    fifos: list[str] = field(default_factory=list)
    symlinks: dict[str, str] = field(default_factory=dict)  # link -> target (relative)
    args: list[str] = field(default_factory=lambda: ["."])  # input paths, relative to in/
    options: list[str] = field(default_factory=list)  # extra kg build options

    def write(self, folder: Path) -> None:
        """Create the case's files under ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        for rel, data in self.files.items():
            path = os.path.join(os.fsencode(folder), os.fsencode(rel))
            _makedirs(os.fsencode(folder), os.fsencode(rel))
            with open(path, "wb") as fh:
                fh.write(data)
        for rel in self.fifos:
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            os.mkfifo(path)
        for link, target in self.symlinks.items():
            path = folder / link
            path.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(target, path)


def _rmtree(path: Path) -> None:
    """Remove ``path`` and everything under it (shutil.rmtree recurses, and some cases nest 1,500 deep)."""
    if os.path.lexists(path):
        subprocess.run(["rm", "-rf", "--", str(path)], check=False)


def _makedirs(root: bytes, rel: bytes) -> None:
    """Create the folders of ``rel`` under ``root`` one level at a time (os.makedirs recurses)."""
    path = root
    for part in rel.split(b"/")[:-1]:
        path = os.path.join(path, part)
        if not os.path.isdir(path):
            os.mkdir(path)


_ABSTRACTS: list[tuple[str, str]] = []


def abstracts() -> list[tuple[str, str]]:
    """(title, abstract) pairs of real papers: the seeds, read once."""
    if not _ABSTRACTS:
        from kg.readers import read_papers

        for p in read_papers([ROOT / "seeds"]):
            _ABSTRACTS.append((p.title or " ".join(p.text.split()[:8]), p.text))
        if not _ABSTRACTS:  # pragma: no cover - a checkout without seeds/
            _ABSTRACTS.append(("Sparse Autoencoders at Scale", "We train sparse autoencoders on LLaVA-1.5-7B and improve accuracy by 5%."))
    return _ABSTRACTS


class Gen:
    """What a category generator draws from: the case's random generator and its size scale."""

    def __init__(self, rng: random.Random, scale: float) -> None:
        self.rng = rng
        self.scale = scale

    def n(self, size: int, floor: int = 1) -> int:
        """``size`` scaled (small runs keep hostile shapes at a fraction of the size)."""
        return max(floor, int(size * self.scale))

    def records(self, k: int) -> list[dict[str, object]]:
        """``k`` ordinary records with distinct arXiv ids."""
        pool = abstracts()
        out = []
        for _ in range(k):
            title, text = self.rng.choice(pool)
            out.append({"id": f"{self.rng.randint(1001, 2412)}.{self.rng.randint(10000, 99999)}", "title": title, "abstract": text})
        return out


def _enc(text: str) -> bytes:
    # surrogatepass: a lone surrogate left in a value becomes the (invalid) UTF-8 bytes ED A0 80
    return text.encode("utf-8", "surrogatepass")


def render(fmt: str, records: list[dict[str, object]], g: Gen) -> bytes:
    """``records`` written as a file of format ``fmt``."""
    rng = g.rng
    if fmt == "jsonl":
        ascii_ = rng.random() < 0.5
        return _enc("".join(json.dumps(r, ensure_ascii=ascii_) + "\n" for r in records))
    if fmt == "json":
        body: object = records if rng.random() < 0.7 else {"papers": records}
        return _enc(json.dumps(body, ensure_ascii=rng.random() < 0.5, indent=rng.choice([None, 2])))
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        keys = list(dict.fromkeys(k for r in records for k in r))
        writer = csv.writer(buf, delimiter="\t" if fmt == "tsv" else ",", quoting=rng.choice([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
        writer.writerow(keys)
        for r in records:
            writer.writerow([_flat(r.get(k)) for k in keys])
        return _enc(buf.getvalue())
    if fmt == "xml":
        entries = "".join(
            f"<entry><id>http://arxiv.org/abs/{escape(_flat(r.get('id')))}v1</id>"
            f"<title>{escape(_flat(r.get('title')))}</title><summary>{escape(_flat(r.get('abstract')))}</summary>"
            '<category term="cs.LG"/></entry>\n'
            for r in records
        )
        return _enc(f'<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n<title>q</title>\n{entries}</feed>\n')
    # txt: a topic listing (one card per line, counters between) or a daily page (title / abstract pairs)
    lines: list[str] = []
    if rng.random() < 0.5:
        lines.append("fuzz-topic")
        for r in records:
            lines += [_flat(r.get("abstract")).replace("\n", " "), str(rng.randint(0, 999))]
    else:
        lines.append("Daily Papers")
        for r in records:
            lines += [_flat(r.get("title")).replace("\n", " "), "", _flat(r.get("abstract")).replace("\n", " "), ""]
    return _enc("\n".join(lines) + "\n")


def _flat(value: object) -> str:
    return value if isinstance(value, str) else "" if value is None else json.dumps(value)


# --- hostile text ----------------------------------------------------------------------

_PAYLOADS = (
    "<script>alert('x')</script>", "</script><img src=x onerror=alert(1)>", '"><svg onload=alert(1)>',
    "javascript:alert(1)", "{{7*7}}${7*7}", "${jndi:ldap://x/a}", "'; DROP TABLE papers; --", "</textarea><!--",
    "<![CDATA[x]]>", "&lt;b&gt;", "=cmd|' /C calc'!A0", "@SUM(1+1)", "\\u0000", "%s%n%x", "../../etc/passwd",
    "<iframe src=//x>", "</style><style>*{display:none}</style>", "\u202egnp.exe", "[x](javascript:alert(1))",
)


def hostile_text(g: Gen, variant: str, length: int) -> str:
    """An abstract-sized or megabyte-sized text of one hostile shape."""
    rng = g.rng
    base = rng.choice(abstracts())[1]
    if variant == "punct":
        run = "".join(rng.choice("!?.,;:-*#~%&/\\|'\"`") for _ in range(64))
        return base + " " + (run * (length // 64 + 1))[:length]
    if variant == "parens":
        k = length // 2
        return rng.choice(["(" * k + "x" + ")" * k, "(" * length, "(a) " * (length // 4), "([{<" * (length // 4)])
    if variant == "numbers":
        return " ".join(rng.choice([str(rng.randint(0, 10**12)), f"{rng.random() * 100:.2f}%", "1.2.3.4", "-0", "1e308", "9" * 50]) for _ in range(length // 8))
    if variant == "acronyms":
        words = []
        for _ in range(length // 24):
            ac = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(rng.randint(2, 6)))
            words.append(rng.choice([f"{ac} ({ac})", f"Sparse {ac.title()} Models ({ac}s)", f"{ac}-{rng.randint(1, 99)}B", f"({ac})"]))
        return base + " " + " ".join(words)
    if variant == "sentence":  # one long sentence: no full stop, no newline
        words = base.replace(".", "").split()
        return " ".join(rng.choice(words) for _ in range(length // 7))
    if variant == "html":
        return base + " " + " ".join(rng.choice(_PAYLOADS) for _ in range(max(1, length // 30)))
    if variant == "unicode":
        marks = ["a" + "\u0301" * 50, "\u200d" * 20, "\U0001f600\U0001f9e0", "\u202e\u202d", "\U0001d400\U0001d401", "ｆｕｌｌ",
                 "\u00a0\u3000", "\u0939\u093f\u0928\u094d\u0926\u0940", "\ufeff", "\u2028\u2029", "\ufdd0", "\U0010ffff"]
        return base + " " + " ".join(rng.choice(marks) for _ in range(max(1, length // 20)))
    if variant == "findings":
        return " ".join(rng.choice(["improves accuracy by 5% on MMLU", "from 14.92% to 84.43%", "by up to 73%", "reduces latency 3x",
                                    "outperforms GPT-4 by 2.1 points"]) + rng.choice([", ", " and ", ". "]) for _ in range(length // 30))
    if variant == "ids":
        return base + " " + " ".join(rng.choice(["arXiv:2401.01234v2", "https://arxiv.org/abs/2402.00001", "10.48550/arXiv.2403.1",
                                                 "arxiv:" + "9" * 30, "hep-th/9901001"]) for _ in range(length // 20))
    if variant == "models":
        return " ".join(rng.choice(["LLaVA-1.5-7B", "Llama-2-70B-chat", "GPT-4o", "Qwen2.5-VL-72B-Instruct", "Chinchilla 70B",
                                    "BERT-base", "T5-XXL", "v" * 40 + "-7B"]) for _ in range(length // 12))
    if variant == "hyphens":
        return base + " " + "-".join(rng.choice(["a", "B", "7", "x_y", "."]) for _ in range(length // 2))
    return base + " " + " \t\u3000 " * (length // 4)  # whitespace


HOSTILE_VARIANTS = ("punct", "parens", "numbers", "acronyms", "sentence", "html", "unicode", "findings", "ids", "models", "hyphens", "whitespace")


# --- categories ------------------------------------------------------------------------
# each takes (Gen, fmt) and returns (variant name, Case without its name)


def cat_plain(g: Gen, fmt: str) -> tuple[str, Case]:
    return "ok", Case("", "", files={f"p.{fmt}": render(fmt, g.records(g.n(20, 2)), g)})


def cat_encoding(g: Gen, fmt: str) -> tuple[str, Case]:
    rng = g.rng
    records = g.records(3)
    records[0]["title"] = "Café naïve résumé Über — “quotes” Ελληνικά 日本語"
    text = render(fmt, records, g).decode("utf-8")
    variant = rng.choice(["latin1", "cp1252", "utf16", "utf16le", "utf16be-bom", "utf32", "sjis", "mixed", "overlong", "surrogate-bytes", "truncated"])
    if variant in ("latin1", "cp1252", "sjis"):
        data = text.encode({"latin1": "latin-1", "cp1252": "cp1252", "sjis": "shift_jis"}[variant], errors="replace")
    elif variant == "utf16":
        data = text.encode("utf-16")
    elif variant == "utf16le":
        data = text.encode("utf-16-le")  # no BOM
    elif variant == "utf16be-bom":
        data = codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    elif variant == "utf32":
        data = text.encode("utf-32")
    else:
        data = text.encode("utf-8")
        at = rng.randrange(len(data))
        bad = {"mixed": b"\xe9", "overlong": b"\xc0\xaf", "surrogate-bytes": b"\xed\xa0\x80", "truncated": b"\xe6\x97"}[variant]
        data = data[:at] + bad + data[at:] if variant != "truncated" else data.rstrip(b"\n") + bad
    return variant, Case("", "", files={f"p.{fmt}": data})


def cat_bom(g: Gen, fmt: str) -> tuple[str, Case]:
    data = render(fmt, g.records(3), g)
    variant = g.rng.choice(["start", "twice", "every-line", "only-bom", "bom-then-blank"])
    if variant == "start":
        data = codecs.BOM_UTF8 + data
    elif variant == "twice":
        data = codecs.BOM_UTF8 * 2 + data
    elif variant == "every-line":
        data = b"".join(codecs.BOM_UTF8 + line for line in data.splitlines(keepends=True))
    elif variant == "only-bom":
        data = codecs.BOM_UTF8
    else:
        data = codecs.BOM_UTF8 + b"\n\n" + data
    return variant, Case("", "", files={f"p.{fmt}": data})


def cat_nul(g: Gen, fmt: str) -> tuple[str, Case]:
    rng = g.rng
    variant = rng.choice(["mid", "end", "late", "escaped", "many"])
    records = g.records(g.n(50, 3))
    if variant == "escaped":
        records[0]["abstract"] = "a\x00b " + str(records[0]["abstract"])
        records[0]["title"] = "\x00"
    data = render(fmt, records, g)
    if variant == "mid":
        at = rng.randrange(len(data))
        data = data[:at] + b"\x00" + data[at:]
    elif variant == "end":
        data += b"\x00"
    elif variant == "late":  # beyond the first 8 KiB that are sniffed
        data = data * max(1, 20000 // len(data)) + b"\x00\n"
    elif variant == "many":
        data = bytes(b if rng.random() > 0.02 else 0 for b in data)
    return variant, Case("", "", files={f"p.{fmt}": data})


def cat_surrogate(g: Gen, fmt: str) -> tuple[str, Case]:
    rng = g.rng
    variant = rng.choice(["lone-high", "lone-low", "reversed", "valid-pair", "in-key", "in-topic", "charref"])
    records = g.records(3)
    s = {"lone-high": "\ud800", "lone-low": "\udfff", "reversed": "\udc00\ud800", "valid-pair": "\ud83d\ude00"}.get(variant, "\udbff")
    if variant == "valid-pair" and fmt not in ("jsonl", "json"):
        s = "\U0001f600"  # outside JSON escapes a pair is one character (as two, it would be CESU-8 bytes)
    if variant == "in-key":
        records[1]["abs\ud800tract"] = "x"
    elif variant == "in-topic":
        records[1]["topics"] = ["cs.CL\ud800", {"term": "\udc00"}]
    elif variant == "charref" and fmt == "xml":
        data = render(fmt, records, g).replace(b"<summary>", b"<summary>&#xD800;", 1)
        return variant, Case("", "", files={f"p.{fmt}": data})
    else:
        records[0]["title"] = f"Title {s} end"
        records[0]["abstract"] = f"{s}{records[0]['abstract']}{s}"
    if fmt in ("jsonl", "json"):
        data = render(fmt, records, g)
        if b"\xed" in data:  # ensure_ascii=False wrote surrogate bytes: write the JSON escape instead
            data = json.dumps(records if fmt == "json" else records[0]).encode("ascii")
            if fmt == "jsonl":
                data = b"".join(json.dumps(r).encode("ascii") + b"\n" for r in records)
        return variant, Case("", "", files={f"p.{fmt}": data})
    return variant, Case("", "", files={f"p.{fmt}": render(fmt, records, g)})  # surrogate bytes: not UTF-8


def cat_deep(g: Gen, fmt: str) -> tuple[str, Case]:
    rng = g.rng
    depth = rng.choice([999, 1001, 5000, g.n(200000, 3000)])
    if fmt == "json":
        variant = rng.choice(["top-list", "in-field"])
        if variant == "top-list":
            data = b"[" * depth + b"]" * depth
        else:
            data = b'[{"title": "T", "abstract": "A deep one.", "x": ' + b"[" * depth + b"]" * depth + b"}]"
    elif fmt == "jsonl":
        variant = rng.choice(["object", "in-field", "unclosed"])
        inner = {"object": b'{"a":' * depth + b"1" + b"}" * depth, "in-field": b'{"title": "T", "abstract": "A.", "x": ' + b"[" * depth + b"]" * depth + b"}",
                 "unclosed": b"[" * depth}[variant]
        data = b'{"title": "T0", "abstract": "Fine."}\n' + inner + b"\n"
    elif fmt == "xml":
        variant = "elements"
        data = b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>T</title><summary>S.</summary>' + b"<x>" * depth + b"</x>" * depth + b"</entry></feed>"
    else:
        variant = "parens-text"
        r = g.records(1)
        r[0]["abstract"] = "(" * depth + "deep" + ")" * depth
        data = render(fmt, r, g)
    return f"{variant}-{depth}", Case("", "", files={f"p.{fmt}": data})


def cat_hugeint(g: Gen, fmt: str) -> tuple[str, Case]:
    rng = g.rng
    digits = rng.choice([4300, 4301, 50000, g.n(1_000_000, 5000)])
    num = "9" * digits
    if fmt in ("json", "jsonl"):
        variant = rng.choice(["field", "title", "id", "float", "exponent", "nan", "top"])
        value = {"float": "1." + num, "exponent": "1e" + num, "nan": "NaN"}.get(variant, num)
        rec = '{"title": "T", "abstract": "An abstract about numbers.", "n": %s}' % value
        if variant == "title":
            rec = '{"title": %s, "abstract": "An abstract."}' % value
        elif variant == "id":
            rec = '{"id": %s, "title": "T", "abstract": "An abstract."}' % value
        elif variant == "top":
            rec = value
        data = (f"[{rec}]" if fmt == "json" else rec + "\n").encode()
    else:
        variant = "digits-in-text"
        r = g.records(1)
        r[0]["abstract"] = f"We improve accuracy by {num}% on MMLU."
        data = render(fmt, r, g)
    return f"{variant}-{digits}", Case("", "", files={f"p.{fmt}": data})


def cat_control(g: Gen, fmt: str) -> tuple[str, Case]:
    rng = g.rng
    variant = rng.choice(["c0", "c1", "fffe", "ansi", "separators", "del"])
    chars = {"c0": "\x01\x02\x07\x08\x0b\x0c\x1c\x1f", "c1": "\x80\x85\x93\x9f", "fffe": "\ufffe\uffff", "ansi": "\x1b[31m\x1b]0;t\x07",
             "separators": "\u2028\u2029\x85\x1e", "del": "\x7f"}[variant]
    records = g.records(3)
    for r in records:
        r["title"] = chars + str(r["title"]) + chars
        r["abstract"] = str(r["abstract"]).replace(" ", " " + rng.choice(chars), 5)
    return variant, Case("", "", files={f"p.{fmt}": render(fmt, records, g)})


def cat_csvquote(g: Gen, fmt: str) -> tuple[str, Case]:
    rng = g.rng
    fmt = fmt if fmt in ("csv", "tsv") else "csv"
    d = "\t" if fmt == "tsv" else ","
    a = rng.choice(abstracts())[1].replace('"', "")
    variants = {
        "unbalanced": f'title{d}abstract\n"T{d}{a}\nT2{d}{a}\n',
        "quote-in-field": f'title{d}abstract\nT"x{d}{a}\n',
        "after-quote": f'title{d}abstract\n"T"x{d}{a}\n',
        "newlines": f'title{d}abstract\n"T\nmore"{d}"{a}\r\n\r\nend"\n',
        "cr-only": f"title{d}abstract\rT{d}{a}\rT2{d}{a}\r",
        "delims": f'title{d}abstract\n"a{d}b{d}c"{d}"{a}{d}{d}{d}"\n',
        "sep-line": f"sep=;\ntitle;abstract\nT;{a}\n",
        "empty-header-cells": f"{d}{d}abstract{d}\n{d}{d}{a}{d}\n",
        "duplicate-columns": f"abstract{d}abstract{d}title\n{d}{a}{d}T\n",
        "header-only": f"title{d}abstract\n",
        "ragged": f"title{d}abstract\nT\nT2{d}{a}{d}extra{d}more\n",
        "many-columns": d.join(f"c{i}" for i in range(g.n(20000, 200))) + f"{d}abstract\n" + d * g.n(20000, 200) + a + "\n",
        "formula": f'title{d}abstract\n=HYPERLINK("http://x"){d}+{a}\n',
        "huge-field": f'title{d}abstract\nT{d}"{a * g.n(3000, 20)}"\n',
        "doubled-quotes": f'title{d}abstract\n"He said ""hi"""{d}"{a} ""q"""\n',
        "spaces-header": f"  Title {d}  ABSTRACT  \nT{d}{a}\n",
    }
    variant = rng.choice(sorted(variants))
    return variant, Case("", "", files={f"p.{fmt}": variants[variant].encode()})


def cat_xmltrick(g: Gen, fmt: str) -> tuple[str, Case]:
    rng = g.rng
    atom = '<feed xmlns="http://www.w3.org/2005/Atom">'
    entry = "<entry><id>http://arxiv.org/abs/2401.01234</id><title>T</title><summary>{}</summary></entry>".format(escape(rng.choice(abstracts())[1]))
    n = g.n(200000, 2000)
    variants = {
        "laughs": '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>' + atom + entry.replace("<title>T", "<title>&c;") + "</feed>",
        "xxe": '<?xml version="1.0"?><!DOCTYPE f [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + atom + entry.replace("<title>T", "<title>&x;") + "</feed>",
        "param-entity": '<!DOCTYPE f [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x.dtd"> %p;]>' + atom + entry + "</feed>",
        "undefined-entity": atom + entry.replace("<title>T", "<title>&nope;") + "</feed>",
        "bad-charref": atom + entry.replace("<title>T", "<title>&#0;&#xFFFE;") + "</feed>",
        "xinclude": atom + '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd" parse="text"/>' + entry + "</feed>",
        "cdata": atom + entry.replace("<summary>", "<summary><![CDATA[<b>not a tag</b> ]]>") + "</feed>",
        "pi-comments": '<?xml-stylesheet href="x.xsl"?><!-- c -->' + atom + "<!-- in -->" + entry + "<?pi x?></feed>",
        "unclosed-comment": atom + "<!--" + "x\n" * n,
        "long-start-tag": atom + "<entry\n" + "".join(f' a{i}="{i}"\n' for i in range(n // 4)) + ">",
        "many-attributes": atom + "<entry " + " ".join(f'a{i}="1"' for i in range(n // 20)) + "><title>T</title><summary>S s s.</summary></entry></feed>",
        "encoding-lie": '<?xml version="1.0" encoding="UTF-16"?>' + atom + entry + "</feed>",
        "xml11": '<?xml version="1.1"?>' + atom + entry + "</feed>",
        "wrong-root": "<html><body>" + entry + "</body></html>",
        "rss": '<rss version="2.0"><channel><item><title>T</title><description>arXiv:2501.00001v1 Announce Type: new Abstract: Hi there.</description></item></channel></rss>',
        "no-namespace": "<feed>" + entry + "</feed>",
        "truncated": atom + entry + entry[: len(entry) // 2],
        "entries-many": atom + entry * g.n(20000, 50) + "</feed>",
        "nested-entry": atom + entry.replace("</summary>", "</summary>" + entry) + "</feed>",
        "html-in-summary": atom + entry.replace("<summary>", "<summary>" + escape("<script>alert(1)</script>")) + "</feed>",
    }
    variant = rng.choice(sorted(variants))
    return variant, Case("", "", files={rng.choice(["p.xml", "p.atom", "p.txt"]): variants[variant].encode()})


def cat_hugefile(g: Gen, fmt: str) -> tuple[str, Case]:
    rng = g.rng
    variant = rng.choice(["duplicates", "one-huge-line", "many-skipped"])
    if variant == "duplicates":  # megabytes of one paper: cheap for the pipeline, not for the reader
        rec = g.records(1)
        data = render(fmt, rec * g.n(40000, 50), g)
    elif variant == "one-huge-line":
        rec = g.records(1)
        rec[0]["abstract"] = " ".join([str(rec[0]["abstract"])] * g.n(2000, 5))
        data = render(fmt, rec, g)
    else:
        rec = g.records(1) + [{"year": i} for i in range(g.n(100000, 100))]
        data = render(fmt, rec, g) if fmt not in ("txt", "xml") else render(fmt, g.records(1) * g.n(20000, 50), g)
    return variant, Case("", "", files={f"p.{fmt}": data})


def cat_tinyfile(g: Gen, fmt: str) -> tuple[str, Case]:
    rng = g.rng
    variants = {"empty": b"", "one-byte": b"a", "newline": b"\n", "spaces": b"   \t  ", "newlines": b"\n" * 1000, "brace": b"{",
                "bracket": b"[", "empty-list": b"[]", "empty-object": b"{}", "angle": b"<", "comma": b",", "null": b"null",
                "quote": b'"', "crlf": b"\r\n", "one-word": b"Subscribe\n", "number": b"42\n", "bom-space": b"\xef\xbb\xbf \n"}
    variant = rng.choice(sorted(variants))
    return variant, Case("", "", files={f"p.{fmt}": variants[variant]})


def cat_manyfiles(g: Gen, fmt: str) -> tuple[str, Case]:
    rng = g.rng
    variant = rng.choice(["many", "deep-folders", "odd-names", "fifo-in-folder", "fifo-direct", "symlink-loop", "mixed-bad", "empty-folders"])
    case = Case("", "")
    if variant == "many":
        for i in range(g.n(2000, 30)):
            case.files[f"d{i % 7}/f{i:05d}.{rng.choice(FORMATS)}"] = b""  # placeholders, filled below
        for rel in case.files:
            f = rel.rsplit(".", 1)[1]
            case.files[rel] = render(f, g.records(1), g)
    elif variant == "deep-folders":
        depth = rng.choice([50, g.n(1500, 300)])
        case.files["/".join(["d"] * depth) + f"/p.{fmt}"] = render(fmt, g.records(1), g)
    elif variant == "odd-names":
        for name in ["with space.jsonl", "-o.jsonl", "--help.csv", "ünï€ødé.json", "new\nline.jsonl", "tab\tname.tsv", "x" * 200 + ".jsonl",
                     "back\\slash.txt", "ansi\x1b[31m.jsonl"]:
            f = name.rsplit(".", 1)[1]
            case.files[name] = render(f, g.records(1), g)
        case.files["bad-\udcff-bytes.jsonl"] = render("jsonl", g.records(1), g)  # a file name that is not UTF-8
    elif variant == "fifo-in-folder":
        case.files[f"p.{fmt}"] = render(fmt, g.records(2), g)
        case.fifos.append("pipe.jsonl")
    elif variant == "fifo-direct":
        case.fifos.append("pipe.jsonl")
        case.args = ["pipe.jsonl"]
    elif variant == "symlink-loop":
        case.files[f"a/p.{fmt}"] = render(fmt, g.records(2), g)
        case.symlinks["a/loop"] = "."
        case.symlinks["self.jsonl"] = "self.jsonl"
        case.symlinks["dangling.csv"] = "nowhere.csv"
    elif variant == "mixed-bad":
        case.files[f"a.{fmt}"] = render(fmt, g.records(2), g)
        case.files["b.jsonl"] = b'{"title": oops}\n'
    else:
        for i in range(g.n(200, 10)):
            case.files[f"e{i}/.keep"] = b""
        case.files[f"z/p.{fmt}"] = render(fmt, g.records(1), g)
    return variant, case


def cat_hostile(g: Gen, fmt: str) -> tuple[str, Case]:
    rng = g.rng
    variant = rng.choice(HOSTILE_VARIANTS)
    length = rng.choice([200, 5000, g.n(100_000, 2000), g.n(1_000_000, 3000)])
    records = g.records(2)
    records[0]["abstract"] = hostile_text(g, variant, length)
    if rng.random() < 0.3:
        records[1]["title"] = hostile_text(g, variant, 300)
    return f"{variant}-{length}", Case("", "", files={f"p.{fmt}": render(fmt, records, g)})


def cat_duplicate(g: Gen, fmt: str) -> tuple[str, Case]:
    rng = g.rng
    variant = rng.choice(["same-record", "same-id-other-text", "same-text-other-id", "two-files", "two-formats"])
    records = g.records(2)
    case = Case("", "")
    if variant == "same-record":
        case.files[f"p.{fmt}"] = render(fmt, records[:1] * g.n(1000, 20), g)
    elif variant == "same-id-other-text":
        records[1]["id"] = records[0]["id"]
        case.files[f"p.{fmt}"] = render(fmt, records, g)
    elif variant == "same-text-other-id":
        records[1]["abstract"] = records[0]["abstract"]
        case.files[f"p.{fmt}"] = render(fmt, records, g)
    elif variant == "two-files":
        case.files[f"a/p.{fmt}"] = case.files[f"b/p.{fmt}"] = render(fmt, records, g)
    else:
        other = rng.choice([f for f in FORMATS if f != fmt])
        case.files[f"p.{fmt}"] = render(fmt, records, g)
        case.files[f"q.{other}"] = render(other, records, g)
    return variant, case


def cat_missingtext(g: Gen, fmt: str) -> tuple[str, Case]:
    rng = g.rng
    fmt = fmt if fmt in ("csv", "tsv", "json", "jsonl") else "csv"
    variant = rng.choice(["summaries", "text_body", "text_body-flag", "some-missing", "all-title-only", "nested-flag", "empty-cells"])
    if variant == "nested-flag" and fmt not in ("json", "jsonl"):
        variant = "empty-cells"
    records = g.records(4)
    case = Case("", "")
    if variant == "summaries":
        records = [{"title": r["title"], "summaries": r["abstract"]} for r in records]
    elif variant.startswith("text_body"):
        records = [{"title": r["title"], "text_body": r["abstract"]} for r in records]
        if variant.endswith("flag"):
            case.options = ["--text-field", "text_body"]
    elif variant == "some-missing":
        records[1].pop("abstract")
        records[2] = {"year": 2020}
    elif variant == "all-title-only":
        records = [{"title": r["title"]} for r in records]
    elif variant == "nested-flag":
        records = [{"meta": {"headline": r["title"], "body": r["abstract"]}} for r in records]
        case.options = ["--title-field", "meta.headline", "--text-field", "meta.body"]
    else:
        for r in records:
            r["abstract"] = "  "
    case.files[f"p.{fmt}"] = render(fmt, records, g)
    return variant, case


def cat_fieldtypes(g: Gen, fmt: str) -> tuple[str, Case]:
    rng = g.rng
    fmt = fmt if fmt in ("json", "jsonl") else rng.choice(["json", "jsonl"])
    variants: dict[str, object] = {
        "title-number": [{"title": 3.5, "abstract": "An abstract here."}],
        "title-list": [{"title": ["A", ["B"], {"c": 1}], "abstract": "An abstract here."}],
        "title-dict": [{"title": {"en": "T"}, "abstract": "An abstract here."}],
        "abstract-bool": [{"title": "T", "abstract": True}],
        "abstract-list-of-lists": [{"title": "T", "abstract": [["a", ["b"]], "c d e."]}],
        "nulls": [{"title": None, "abstract": None, "id": None, "topics": None}],
        "topics-weird": [{"title": "T", "abstract": "A b c.", "topics": [1, None, {"term": 5}, ["x"], "a;b|c"]}],
        "empty-key": [{"": "x", "title": "T", "abstract": "A b c."}],
        "huge-key": [{"k" * g.n(1_000_000, 5000): 1, "title": "T", "abstract": "A b c."}],
        "many-keys": [{**{f"k{i}": i for i in range(g.n(100000, 500))}, "title": "T", "abstract": "A b c."}],
        "top-string": "just a string",
        "top-null": None,
        "papers-not-list": {"papers": "nope", "data": 3},
        "list-of-strings": ["a", "b"],
        "id-object": [{"id": {"arxiv": "2401.01234"}, "title": "T", "abstract": "A b c."}],
        "dup-keys": None,  # written by hand below
    }
    variant = rng.choice(sorted(variants))
    if variant == "dup-keys":
        data = b'{"title": "A", "title": "B", "abstract": "x", "abstract": "A real one."}\n'
        return variant, Case("", "", files={f"p.{fmt}": data if fmt == "jsonl" else b"[" + data.strip() + b"]"})
    value = variants[variant]
    if fmt == "jsonl":
        items = value if isinstance(value, list) else [value]
        data = "".join(json.dumps(v) + "\n" for v in items).encode()
    else:
        data = json.dumps(value).encode()
    return variant, Case("", "", files={f"p.{fmt}": data})


CATEGORIES: dict[str, Callable[[Gen, str], tuple[str, Case]]] = {
    "plain": cat_plain,
    "encoding": cat_encoding,
    "bom": cat_bom,
    "nul": cat_nul,
    "surrogate": cat_surrogate,
    "deep": cat_deep,
    "hugeint": cat_hugeint,
    "control": cat_control,
    "csvquote": cat_csvquote,
    "xmltrick": cat_xmltrick,
    "hugefile": cat_hugefile,
    "tinyfile": cat_tinyfile,
    "manyfiles": cat_manyfiles,
    "hostile": cat_hostile,
    "duplicate": cat_duplicate,
    "missingtext": cat_missingtext,
    "fieldtypes": cat_fieldtypes,
}


def make_case(i: int, seed: int = 0, scale: float = 1.0) -> Case:
    """Case number ``i`` of the run seeded ``seed`` (the same every time)."""
    rng = random.Random(f"{seed}:{i}")
    category = list(CATEGORIES)[i % len(CATEGORIES)]
    fmt = rng.choice(FORMATS)
    variant, case = CATEGORIES[category](Gen(rng, scale), fmt)
    shown_fmt = next(iter(case.files), f"x.{fmt}").rsplit(".", 1)[-1] if case.files else fmt
    case.name = f"{i:04d}-{category}-{variant}-{shown_fmt}".replace("/", "_")
    case.category = category
    return case


# --- running -----------------------------------------------------------------------------


@dataclass
class Result:
    """How one case ended."""

    name: str
    category: str
    outcome: str  # build | error | crash | hang
    seconds: float
    rss_mb: float
    detail: str  # the error line, the traceback's last line, the exit status


def preload() -> float:
    """Import kg, load the pipeline once (children reuse it), run one warm-up build; the RSS in MB."""
    sys.path.insert(0, str(ROOT))
    import kg.cli
    import kg.pipeline

    nlp = kg.pipeline.load_pipeline()
    # builder calls kg.pipeline.load_pipeline() per build: hand every child the loaded one
    kg.pipeline.load_pipeline = lambda **_kw: nlp  # type: ignore[assignment]
    abstracts()
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp, "warm.jsonl")
        p.write_text(json.dumps({"title": "T", "abstract": abstracts()[0][1]}) + "\n", encoding="utf-8")
        devnull = open(os.devnull, "w")  # noqa: SIM115
        saved = sys.stderr
        sys.stderr = devnull
        try:
            kg.cli.main(["build", str(p), "-o", str(Path(tmp, "out")), "-q"])
        finally:
            sys.stderr = saved
            devnull.close()
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(target: Callable[[], int], err_path: str, mem_bytes: int) -> None:
    """In the forked child: limits, stderr to a file, run, exit with the code (never returns)."""
    code = 1
    try:
        os.setpgid(0, 0)
        if mem_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (mem_bytes, mem_bytes))
        fd = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 2)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        # the same text layers a fresh interpreter gives stderr and stdout
        sys.stderr = io.TextIOWrapper(os.fdopen(2, "wb", closefd=False), encoding="utf-8", errors="backslashreplace", line_buffering=True)
        sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", closefd=False), encoding="utf-8", line_buffering=True)
        code = int(target() or 0)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001 - the child reports everything, then exits
        try:
            traceback.print_exc()
        except BaseException:  # noqa: BLE001
            pass
        code = 1
    finally:
        try:
            sys.stderr.flush()
            sys.stdout.flush()
        except BaseException:  # noqa: BLE001
            pass
        os._exit(code)


def run_child(target: Callable[[], int], err_path: str, *, timeout: float, mem_bytes: int) -> tuple[str, float, float, str]:
    """Run ``target`` in a forked child: (outcome, seconds, peak RSS MB, detail)."""
    sys.stdout.flush()
    sys.stderr.flush()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        _child(target, err_path, mem_bytes)
    deadline = start + timeout
    killed = False
    delay = 0.002
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline and not killed:
            killed = True
            for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
                try:
                    kill()
                except ProcessLookupError:
                    pass
        time.sleep(delay)
        delay = min(delay * 2, 0.05)
    seconds = time.monotonic() - start
    rss = usage.ru_maxrss / 1024
    try:
        stderr = Path(err_path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        stderr = ""
    if killed:
        return "hang", seconds, rss, f"killed after {timeout:.0f} s"
    outcome, detail = _classify(status, stderr)
    return outcome, seconds, rss, detail


def _classify(status: int, stderr: str) -> tuple[str, str]:
    lines = [line for line in stderr.splitlines() if line.strip()]
    if os.WIFSIGNALED(status):
        return "crash", f"killed by signal {os.WTERMSIG(status)}" + (f": {lines[-1][:160]}" if lines else "")
    code = os.WEXITSTATUS(status)
    if "Traceback" in stderr:
        return "crash", f"traceback: {lines[-1][:200] if lines else ''}"
    others = [line for line in lines if not line.startswith("kg: warning:")]
    if code == 0:
        if others:
            return "crash", f"exit 0 with stray stderr: {others[0][:160]}"
        return "build", lines[0][:160] if lines else ""
    if code == 2 and len(others) == 1 and others[0].startswith("kg: error:"):
        return "error", others[0][:200]
    return "crash", f"exit {code}: {(others or lines or [''])[-1][:160]}"


def run_case(case: Case, work: Path, *, timeout: float, mem_bytes: int, keep: bool = False) -> Result:
    """Write ``case`` under ``work/<name>/in``, build it in a child, classify, clean up (unless ``keep``)."""
    import kg.cli

    folder = work / case.name
    _rmtree(folder)
    case.write(folder / "in")
    out = folder / "out"
    argv = ["build", *[str(folder / "in" / a) for a in case.args], "-o", str(out), "-q", *case.options]

    def target() -> int:
        rc = kg.cli.main(argv)
        if rc == 0 and not (out / "graph.json").is_file():
            print("fuzz: exit 0 but no graph.json written", file=sys.stderr)
            return 3
        return rc

    outcome, seconds, rss, detail = run_child(target, str(folder / "stderr.txt"), timeout=timeout, mem_bytes=mem_bytes)
    if not keep:
        _rmtree(folder)
    return Result(case.name, case.category, outcome, seconds, rss, detail)


def table(results: list[Result], baseline_mb: float) -> str:
    """The summary: one row per category and a total row."""
    rows = []
    head = f"{'category':<12} {'inputs':>6} {'clean builds':>12} {'clean errors':>12} {'tracebacks':>10} {'hangs':>5} {'peak RSS MB':>11} {'max s':>6}"
    rows.append(head)
    rows.append("-" * len(head))
    groups: dict[str, list[Result]] = {}
    for r in results:
        groups.setdefault(r.category, []).append(r)
    for name, rs in [*groups.items(), ("total", results)]:
        if name == "total":
            rows.append("-" * len(head))
        count = {o: sum(r.outcome == o for r in rs) for o in OUTCOMES}
        rows.append(
            f"{name:<12} {len(rs):>6} {count['build']:>12} {count['error']:>12} {count['crash']:>10} {count['hang']:>5} "
            f"{max((r.rss_mb for r in rs), default=0):>11.0f} {max((r.seconds for r in rs), default=0):>6.1f}"
        )
    rows.append(f"(a child's peak RSS counts the pages it shares with the parent, which holds the loaded pipeline: {baseline_mb:.0f} MB)")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """Run the fuzz cases; exit 1 when any crashed or hung."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", nargs="?", type=int, default=100, help="number of cases (default 100)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--start", type=int, default=0, help="first case index")
    ap.add_argument("--small", action="store_true", help="small sizes (a few KB per case), for tests")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per case before it counts as a hang (default 60)")
    ap.add_argument("--mem-gb", type=float, default=5.0, help="address-space cap per case, GB (default 5; 0: none)")
    ap.add_argument("--only", action="append", default=[], metavar="NAME", help="run only this case (its leading index is enough); repeatable")
    ap.add_argument("--category", action="append", default=[], help="run only cases of this category; repeatable")
    ap.add_argument("--keep", metavar="DIR", help="write cases (inputs, outputs, stderr) under DIR and keep them")
    ap.add_argument("--list", action="store_true", help="print the case names and exit")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per case as it finishes")
    args = ap.parse_args(argv)
    scale = 0.01 if args.small else 1.0

    if args.only:
        indices = [int(name.split("-", 1)[0]) for name in args.only]
    else:
        indices = list(range(args.start, args.start + args.n))
    names = set(args.only)
    if args.category:
        indices = [i for i in indices if list(CATEGORIES)[i % len(CATEGORIES)] in args.category]

    sys.path.insert(0, str(ROOT))
    if args.list:
        for i in indices:
            print(make_case(i, args.seed, scale).name)
        return 0

    print(f"fuzz: loading kg's pipeline once for {len(indices)} cases ...", file=sys.stderr)
    baseline = preload()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="kg-fuzz-"))
    work.mkdir(parents=True, exist_ok=True)
    results: list[Result] = []
    started = time.monotonic()
    try:
        for i in indices:
            case = make_case(i, args.seed, scale)
            if names and not any(case.name == n or n == case.name.split("-", 1)[0] for n in names):
                print(f"fuzz: note: case {i} is now named {case.name}", file=sys.stderr)
            r = run_case(case, work, timeout=args.timeout, mem_bytes=int(args.mem_gb * 2**30), keep=bool(args.keep))
            results.append(r)
            if args.verbose or r.outcome in ("crash", "hang"):
                print(f"{r.outcome:<5} {r.seconds:6.2f}s {r.rss_mb:6.0f}MB {r.name}: {r.detail}", file=sys.stderr)
    finally:
        if not args.keep:
            _rmtree(work)
    print(table(results, baseline))
    print(f"({len(results)} cases in {time.monotonic() - started:.0f} s, seed {args.seed}, {'small' if args.small else 'full'} sizes)")
    failing = [r for r in results if r.outcome in ("crash", "hang")]
    if failing:
        print("\nfailing cases (reproduce: python bench/fuzz.py --only NAME --keep DIR):")
        for r in failing:
            print(f"  {r.name}  {r.outcome}: {r.detail}")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"baseline_mb": baseline, "results": [r.__dict__ for r in results]}, indent=1), encoding="utf-8"
        )
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
