"""Shared pieces of kg's readers: safe text decoding, arXiv ids and paper ids.

Every reader gets its text through :func:`text_lines`, which streams a file line
by line and turns each way a file can be unreadable (missing, permissions,
empty, binary, not UTF-8) into a one-line :class:`~kg.errors.InputError` naming
the file. :func:`make_paper` gives every paper a stable id, so the same paper
read from two files (or twice from one) gets one id and the graph merges it.
"""

from __future__ import annotations

import hashlib
import os
import re
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
    "collapse",
    "find_arxiv_id",
    "text_hash_id",
    "make_paper",
    "split_topics",
]

#: how much of a file is looked at to decide whether it is text at all
SNIFF_BYTES = 8192

_BOM = b"\xef\xbb\xbf"
_NUL = b"\x00"
# control bytes that plain text never contains (tab, newlines, form feed, escape are allowed)
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\r\f\v\x1b") + b"\x7f"


def input_error(path: str | os.PathLike[str], problem: str, line: int | None = None) -> InputError:
    """An :class:`InputError` ``"<path>[:<line>]: <problem>"`` kept to one line."""
    where = f"{os.fspath(path)}:{line}" if line is not None else os.fspath(path)
    return InputError(" ".join(f"{where}: {problem}".split()))


def open_binary(path: str | os.PathLike[str]) -> BinaryIO:
    """Open ``path`` for binary reading, or raise :class:`InputError` saying why not."""
    try:
        return open(path, "rb")  # noqa: SIM115 - the caller closes it
    except FileNotFoundError:
        raise input_error(path, "no such file or directory") from None
    except PermissionError:
        raise input_error(path, "permission denied (file is not readable)") from None
    except IsADirectoryError:
        raise input_error(path, "is a folder, not a file") from None
    except OSError as exc:
        raise input_error(path, f"cannot read ({exc.strerror or exc})") from None


def _check_head(path: str | os.PathLike[str], head: bytes, at_eof: bool) -> None:
    """Raise if the first bytes of a file show it is empty, binary or UTF-16."""
    body = head[len(_BOM) :] if head.startswith(_BOM) else head
    if not body.strip() and at_eof:
        raise input_error(path, "empty file")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise input_error(path, f"not UTF-8 text (byte 0x{head[0]:02x} at offset 0; looks like UTF-16, save it as UTF-8)")
    if _NUL in head:
        raise input_error(path, f"binary file (NUL byte at offset {head.index(_NUL)}), not text")
    controls = sum(body.count(c) for c in _CONTROL)
    replaced = body.decode("utf-8", errors="replace").count("\ufffd")
    # binary data is ~10% control bytes and ~50% invalid UTF-8; Latin-1 text is neither,
    # so it gets the precise "not UTF-8" message from text_lines instead
    if body and (controls > 0.05 * len(body) or replaced > 0.3 * len(body)):
        raise input_error(path, "binary file (mostly non-text bytes), not text")


def read_head(path: str | os.PathLike[str], n: int = SNIFF_BYTES) -> str:
    """The first ``n`` bytes of ``path`` as text (after the text checks), for sniffing formats."""
    with open_binary(path) as fh:
        head = _read(path, fh, n)
    _check_head(path, head, at_eof=len(head) < n)
    if head.startswith(_BOM):
        head = head[len(_BOM) :]
    return head.decode("utf-8", errors="ignore")


def _read(path: str | os.PathLike[str], fh: BinaryIO, n: int = -1) -> bytes:
    try:
        return fh.read(n)
    except OSError as exc:
        raise input_error(path, f"cannot read ({exc.strerror or exc})") from None


def text_lines(path: str | os.PathLike[str], keepends: bool = False) -> Iterator[str]:
    """Stream the lines of a UTF-8 text file (a leading BOM is dropped).

    Raises :class:`InputError` for a missing, unreadable, empty or binary file and
    for bytes that are not UTF-8, giving the byte and its offset. Lines are
    decoded one at a time, so memory use does not grow with the file.
    """
    with open_binary(path) as fh:
        head = _read(path, fh, SNIFF_BYTES)
        _check_head(path, head, at_eof=len(head) < SNIFF_BYTES)
        fh.seek(0)
        offset = 0
        first = True
        while True:
            try:
                raw = fh.readline()
            except OSError as exc:
                raise input_error(path, f"cannot read ({exc.strerror or exc})") from None
            if not raw:
                return
            start = offset
            offset += len(raw)
            if first:
                first = False
                if raw.startswith(_BOM):
                    raw = raw[len(_BOM) :]
                    start += len(_BOM)
            if _NUL in raw:
                raise input_error(path, f"binary file (NUL byte at offset {start + raw.index(_NUL)}), not text")
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                bad = raw[exc.start]
                raise input_error(path, f"not UTF-8 text (byte 0x{bad:02x} at offset {start + exc.start})") from None
            yield line if keepends else line.rstrip("\r\n")


def collapse(text: object) -> str:
    """``text`` as a string with runs of whitespace collapsed to one space and trimmed."""
    if text is None:
        return ""
    if isinstance(text, (list, tuple)):
        text = " ".join(str(t) for t in text if t is not None)
    return " ".join(str(text).split())


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
        source=os.fspath(source),
        topics=tuple(dict.fromkeys(t for t in topics if t)),
        arxiv_id=arxiv_id,
    )
