"""Shared pieces of kg's readers: safe text decoding, clean text, arXiv ids and paper ids.

Every reader gets its text through :func:`text_lines` (line by line) or
:func:`text_chunks` (blocks, for the XML parser), which turn each way a file can
be unreadable (missing, not a regular file, permissions, empty, binary, not
UTF-8 or UTF-16/32 with a byte-order mark) into a one-line
:class:`~kg.errors.InputError` naming the file. :func:`make_paper` gives every
paper a stable id, so the same paper read from two files (or twice from one)
gets one id and the graph merges it, and cleans its text with
:func:`clean_text`: lone surrogates (which JSON can escape), control characters
and the non-characters U+FFFE/U+FFFF become U+FFFD, so no writer downstream
meets a character it cannot encode.
"""

from __future__ import annotations

import codecs
import hashlib
import math
import os
import re
import stat
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from ..errors import InputError
from ..records import Paper

__all__ = [
    "SNIFF_BYTES",
    "input_error",
    "open_binary",
    "read_head",
    "text_lines",
    "text_chunks",
    "clean_text",
    "display_path",
    "collapse",
    "find_arxiv_id",
    "text_hash_id",
    "make_paper",
    "split_topics",
]

#: how much of a file is looked at to decide whether it is text at all
SNIFF_BYTES = 8192
# text_chunks' block sizes double from the first to the last: expat before 2.6 rescans an
# unfinished token (a long start tag, an unclosed comment) on every block it is fed, so
# line-sized blocks cost quadratic time, and doubling blocks keep the total linear
_FIRST_CHUNK = 1 << 16
_MAX_CHUNK = 1 << 26
# text_lines' blocks for UTF-16/32 files (UTF-8 files are read line by line)
_WIDE_CHUNK = 1 << 20

_BOM = b"\xef\xbb\xbf"
# byte-order marks, longest first: the UTF-32-LE mark starts with the UTF-16-LE one
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (_BOM, "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_NUL = b"\x00"
# control bytes that plain text never contains (tab, newlines, form feed, escape are allowed)
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\r\f\v\x1b") + b"\x7f"
# what no writer should meet: controls other than tab/newline/CR (XML 1.0 refuses most of
# them), C1 controls (mis-decoded cp1252), lone surrogates (a JSON "\ud800" escape; UTF-8
# cannot encode them) and the non-characters U+FFFE/U+FFFF (XML refuses them)
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# a carriage return that does not start a CRLF: an old-Mac line end
_LONE_CR = re.compile(r"\r(?!\n)")
_AFTER_LONE_CR = re.compile(r"(?<=\r)(?!\n)")


def clean_text(text: str) -> str:
    """``text`` with lone surrogates, control characters (other than tab, newline, CR) and U+FFFE/U+FFFF as U+FFFD.

    >>> clean_text("a\\ud800b\\x01c")
    'a\\ufffdb\\ufffdc'
    """
    return _UNSAFE.sub("\ufffd", text)


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else "\ufffd"


def display_path(path: str | os.PathLike[str] | bytes) -> str:
    """``path`` as printable text: bytes of a non-UTF-8 file name and control characters as ``\\xNN``.

    A file name that is not UTF-8 reaches Python as lone surrogates (PEP 383),
    which no UTF-8 stream can print or store; the paper's ``source`` and every
    error message use this form instead.
    """
    raw = os.fspath(path)
    text = os.fsdecode(raw) if isinstance(raw, bytes) else raw
    try:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that did not come from a file name's byte
        pass
    return _UNSAFE.sub(_escape_char, text)


def input_error(path: str | os.PathLike[str], problem: str, line: int | None = None) -> InputError:
    """An :class:`InputError` ``"<path>[:<line>]: <problem>"`` kept to one printable line."""
    where = f"{display_path(path)}:{line}" if line is not None else display_path(path)
    return InputError(" ".join(clean_text(f"{where}: {problem}").split()))


def open_binary(path: str | os.PathLike[str]) -> BinaryIO:
    """Open ``path`` for binary reading, or raise :class:`InputError` saying why not.

    Only regular files are opened: a named pipe would block the run forever and
    a device never ends.
    """
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(st.st_mode):
            raise input_error(path, "not a regular file (a pipe, socket or device); save its content to a file")
        return open(path, "rb")  # noqa: SIM115 - the caller closes it
    except FileNotFoundError:
        raise input_error(path, "no such file or directory") from None
    except PermissionError:
        raise input_error(path, "permission denied (file is not readable)") from None
    except IsADirectoryError:
        raise input_error(path, "is a folder, not a file") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        raise input_error(path, f"cannot read ({getattr(exc, 'strerror', None) or exc})") from None


def _encoding(head: bytes) -> tuple[str, int]:
    """The encoding a file's byte-order mark declares (UTF-8 without one) and the mark's length."""
    for mark, encoding in _BOMS:
        if head.startswith(mark):
            return encoding, len(mark)
    return "utf-8", 0


def _looks_utf16(head: bytes) -> bool:
    """Whether NUL bytes fill every other byte, as in UTF-16 text saved without a byte-order mark."""
    half = max(len(head) // 2, 1)
    even, odd = head[0::2].count(0), head[1::2].count(0)
    return max(even, odd) >= 0.4 * half and min(even, odd) <= 0.02 * half


def _check_head(path: str | os.PathLike[str], head: bytes, at_eof: bool) -> tuple[str, int]:
    """Raise if the first bytes of a file show it is empty or binary; else its encoding and BOM length."""
    encoding, skip = _encoding(head)
    if encoding != "utf-8":
        # a character cut at the end of the head is dropped, not an error
        text = head[skip:].decode(encoding, errors="ignore")
        if not text.strip() and at_eof:
            raise input_error(path, "empty file")
        if "\x00" in text:
            raise input_error(path, f"binary file (NUL character in {encoding.upper()[:6]} text), not text")
        controls = sum(text.count(chr(c)) for c in _CONTROL)
        if text and controls > 0.05 * len(text):
            raise input_error(path, "binary file (mostly non-text characters), not text")
        return encoding, skip
    body = head[skip:]
    if not body.strip() and at_eof:
        raise input_error(path, "empty file")
    if _NUL in head:
        if _looks_utf16(head):
            raise input_error(path, "not UTF-8 text (looks like UTF-16 without a byte-order mark; save it as UTF-8)")
        raise input_error(path, f"binary file (NUL byte at offset {head.index(_NUL)}), not text")
    controls = sum(body.count(c) for c in _CONTROL)
    replaced = body.decode("utf-8", errors="replace").count("\ufffd")
    # binary data is ~10% control bytes and ~50% invalid UTF-8; Latin-1 text is neither,
    # so it gets the precise "not UTF-8" message from text_lines instead
    if body and (controls > 0.05 * len(body) or replaced > 0.3 * len(body)):
        raise input_error(path, "binary file (mostly non-text bytes), not text")
    return encoding, skip


def read_head(path: str | os.PathLike[str], n: int = SNIFF_BYTES) -> str:
    """The first ``n`` bytes of ``path`` as text (after the text checks), for sniffing formats."""
    with open_binary(path) as fh:
        head = _read(path, fh, n)
    encoding, skip = _check_head(path, head, at_eof=len(head) < n)
    return head[skip:].decode(encoding, errors="ignore").lstrip("\ufeff")


def _read(path: str | os.PathLike[str], fh: BinaryIO, n: int = -1) -> bytes:
    try:
        return fh.read(n)
    except OSError as exc:
        raise input_error(path, f"cannot read ({exc.strerror or exc})") from None


def _utf8_lines(path: str | os.PathLike[str], fh: BinaryIO, skip: int) -> Iterator[str]:
    """The lines of a UTF-8 file from byte ``skip`` on, checked for NUL bytes and bad UTF-8."""
    fh.seek(skip)
    offset = skip
    while True:
        try:
            raw = fh.readline()
        except OSError as exc:
            raise input_error(path, f"cannot read ({exc.strerror or exc})") from None
        if not raw:
            return
        start = offset
        offset += len(raw)
        if _NUL in raw:
            raise input_error(path, f"binary file (NUL byte at offset {start + raw.index(_NUL)}), not text")
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad = raw[exc.start]
            raise input_error(path, f"not UTF-8 text (byte 0x{bad:02x} at offset {start + exc.start})") from None


def _decoded_chunks(
    path: str | os.PathLike[str], fh: BinaryIO, encoding: str, skip: int, size: int, max_size: int
) -> Iterator[str]:
    """The text of a file from byte ``skip`` on, in blocks of ``size`` bytes doubling up to ``max_size``."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    label = encoding.upper()[:6]
    fh.seek(skip)
    offset = skip
    while True:
        raw = _read(path, fh, size)
        final = not raw
        if encoding == "utf-8" and _NUL in raw:
            raise input_error(path, f"binary file (NUL byte at offset {offset + raw.index(_NUL)}), not text")
        pending = len(decoder.getstate()[0])  # bytes of a character cut by the last block
        try:
            text = decoder.decode(raw, final)
        except UnicodeDecodeError as exc:
            at = offset - pending + exc.start
            if encoding == "utf-8":
                bad = (decoder.getstate()[0] + raw)[exc.start] if exc.start < pending + len(raw) else 0
                raise input_error(path, f"not UTF-8 text (byte 0x{bad:02x} at offset {at})") from None
            raise input_error(path, f"not valid {label} text (at byte offset {at}: {exc.reason})") from None
        if encoding != "utf-8" and "\x00" in text:
            raise input_error(path, f"binary file (NUL character in {label} text), not text")
        if text:
            yield text
        if final:
            return
        offset += len(raw)
        size = min(size * 2, max_size)


def _split_lines(chunks: Iterable[str]) -> Iterator[str]:
    """Lines (with their ``\\n``) of text given in arbitrary blocks."""
    partial: list[str] = []
    for chunk in chunks:
        start = 0
        while (end := chunk.find("\n", start)) >= 0:
            partial.append(chunk[start : end + 1])
            yield "".join(partial)
            partial.clear()
            start = end + 1
        if start < len(chunk):
            partial.append(chunk[start:])
    if partial:
        yield "".join(partial)


def text_lines(path: str | os.PathLike[str], keepends: bool = False) -> Iterator[str]:
    """Stream the lines of a text file: UTF-8 (a leading BOM is dropped), or UTF-16/32 with a BOM.

    Raises :class:`InputError` for a missing, unreadable, empty or binary file and
    for bytes that are not in the encoding, giving the byte and its offset.
    Lines end at ``\\n``, ``\\r\\n`` or a lone ``\\r`` (old Mac files). Lines are
    decoded one at a time, so memory use does not grow with the file.
    """
    with open_binary(path) as fh:
        head = _read(path, fh, SNIFF_BYTES)
        encoding, skip = _check_head(path, head, at_eof=len(head) < SNIFF_BYTES)
        if encoding == "utf-8":
            lines = _utf8_lines(path, fh, skip)
        else:
            lines = _split_lines(_decoded_chunks(path, fh, encoding, skip, _WIDE_CHUNK, _WIDE_CHUNK))
        first = True
        for line in lines:
            if first:
                first = False
                # a file saved twice with a BOM has a second one, now a U+FEFF character
                line = line.lstrip("\ufeff")
            if "\r" in line and _LONE_CR.search(line):
                pieces = [p for p in _AFTER_LONE_CR.split(line) if p]
            else:
                pieces = [line]
            for piece in pieces:
                yield piece if keepends else piece.rstrip("\r\n")


def text_chunks(path: str | os.PathLike[str]) -> Iterator[str]:
    """Stream the text of a file in blocks of doubling size (64 KiB up to 64 MiB), with :func:`text_lines`' checks.

    For parsers that take text in any cut (expat): few, growing blocks keep a
    parser that rescans an unfinished token linear in the file's size.
    """
    with open_binary(path) as fh:
        head = _read(path, fh, SNIFF_BYTES)
        encoding, skip = _check_head(path, head, at_eof=len(head) < SNIFF_BYTES)
        first = True
        for chunk in _decoded_chunks(path, fh, encoding, skip, _FIRST_CHUNK, _MAX_CHUNK):
            if first:
                first = False
                chunk = chunk.lstrip("\ufeff")  # a second BOM, as in text_lines
            yield chunk


def _scalar_text(value: object) -> str:
    """A string or number as text; anything else (None, a boolean, a nested object) as ""."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    try:
        return str(value)
    except ValueError:  # an int too long to write out (over sys.get_int_max_str_digits())
        return ""


def collapse(text: object) -> str:
    """``text`` as clean one-line text: whitespace runs as one space, trimmed, :func:`clean_text` applied.

    A list or tuple is joined with spaces (its strings and numbers; nested
    objects are left out); numbers are written out; anything else gives "".
    """
    if isinstance(text, (list, tuple)):
        text = " ".join(_scalar_text(t) for t in text)
    else:
        text = _scalar_text(text)
    return clean_text(" ".join(text.split()))


# --- arXiv ids ------------------------------------------------------------------------
# new style (2007-): YYMM.NNNN (to 2014) or YYMM.NNNNN (2015-), optional version
_NEW_ID = r"(?P<new>\d{2}(?:0[1-9]|1[0-2])\.\d{4,5})(?:v\d+)?"
# old style (-2007): archive[.SUBJECT]/YYMMNNN, e.g. hep-th/9901001, math.GT/0309136
_OLD_ID = r"(?P<old>[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{2}(?:0[1-9]|1[0-2])\d{3})(?:v\d+)?"
_ID = rf"(?:{_NEW_ID}|{_OLD_ID})"
_HOSTS = (
    r"(?:export\.)?arxiv\.org/(?:abs|pdf|html|format)/",
    r"ar5iv(?:\.labs\.arxiv)?\.org/(?:abs|html)/",
    r"huggingface\.co/papers/",
    r"alphaxiv\.org/(?:abs|overview)/",
)
# an explicit mention inside free text: "arXiv:2401.01234v2", an abs/pdf URL, the arXiv DOI
_MENTION = re.compile(
    rf"(?:\barxiv:\s?|(?:https?://)?(?:www\.)?(?:{'|'.join(_HOSTS)})|\b10\.48550/arxiv\.){_ID}(?![\w.]*\d)",
    re.IGNORECASE,
)
# cheap substrings one of which every _MENTION match contains
_MARKERS = ("arxiv", "ar5iv", "huggingface.co/papers", "alphaxiv", "10.48550")
# a field that is nothing but an id ("2401.01234", "hep-th/9901001v2")
_BARE = re.compile(rf"\s*(?:arxiv:\s?)?{_ID}\s*", re.IGNORECASE)


def _id_of(match: re.Match[str]) -> str:
    return match.group("new") or match.group("old")


def find_arxiv_id(value: object, *, bare: bool = False) -> str | None:
    """The arXiv id (without version) that ``value`` carries, or None.

    Finds ``arXiv:2401.01234v2``, arXiv abs/pdf/html URLs (and mirrors such as
    huggingface.co/papers), the arXiv DOI ``10.48550/arXiv.2401.01234`` and old
    style ids (``hep-th/9901001``). With ``bare=True`` (an id field) a value that
    is only an id also counts. Free text naming two different ids is ambiguous
    (it cites other work), so it gives None.
    """
    if value is None:
        return None
    text = collapse(value)
    if not text:
        return None
    if bare:
        m = _BARE.fullmatch(text)
        if m:
            return _id_of(m)
    low = text.lower()
    # the regex is slow on long prose; most abstracts name no id at all
    if not any(marker in low for marker in _MARKERS):
        return None
    found = {_id_of(m) for m in _MENTION.finditer(text)}
    return found.pop() if len(found) == 1 else None


def text_hash_id(text: str) -> str:
    """``sha:`` + 16 hex of sha256 of ``text`` lower-cased with whitespace collapsed."""
    norm = " ".join(text.lower().split())
    return "sha:" + hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


_TOPIC_SEP = re.compile(r"[,;|]")
_ARXIV_CATEGORY = re.compile(r"[a-z]+(?:-[a-z]+)*(?:\.[A-Za-z]+(?:-[A-Za-z]+)*)?")


def split_topics(value: object) -> tuple[str, ...]:
    """Topics from a field: a list, or a string separated by ``, ; |``.

    A space-separated string of arXiv categories ("cs.CL cs.AI") is split too;
    other strings with spaces are one topic ("machine learning").
    """
    if value is None:
        return ()
    items: list[str] = []
    for part in value if isinstance(value, (list, tuple)) else [value]:
        if isinstance(part, dict):  # e.g. {"term": "cs.CL"}
            part = part.get("term") or part.get("name") or part.get("label")
        for piece in _TOPIC_SEP.split(collapse(part)):
            piece = piece.strip()
            words = piece.split()
            if len(words) > 1 and all("." in w and _ARXIV_CATEGORY.fullmatch(w) for w in words):
                items.extend(words)
            elif piece:
                items.append(piece)
    return tuple(dict.fromkeys(items))


def make_paper(
    *,
    title: object,
    text: object,
    source: str | os.PathLike[str],
    topics: Iterable[str] = (),
    id_fields: Iterable[object] = (),
) -> Paper | None:
    """A :class:`Paper` with a stable id, or None when there is neither title nor text.

    The id is ``arxiv:<id>`` when one of ``id_fields`` (id, url, ... values of the
    record, tried in order) or else the text carries an arXiv id; otherwise it is
    ``sha:`` of the normalised text (the title when there is no text). The title
    and the topic are left out of the hash on purpose: listing pages show the same
    summary under several topics, and those must merge into one paper.

    Title, text and topics are cleaned (:func:`collapse`) and the source made
    printable (:func:`display_path`), so no later stage meets a character that
    UTF-8 or XML cannot carry.
    """
    title_s = collapse(title) or None
    text_s = collapse(text)
    if not text_s and not title_s:
        return None
    arxiv_id = None
    for field in id_fields:
        arxiv_id = find_arxiv_id(field, bare=True)
        if arxiv_id:
            break
    else:
        arxiv_id = find_arxiv_id(text_s)
    pid = f"arxiv:{arxiv_id}" if arxiv_id else text_hash_id(text_s or title_s or "")
    return Paper(
        id=pid,
        title=title_s,
        text=text_s,
        source=display_path(source),
        topics=tuple(dict.fromkeys(t for t in map(collapse, topics) if t)),
        arxiv_id=arxiv_id,
    )
