"""Listing-page dumps (``.txt``): text copied from paper-listing web pages.

Two page shapes are read by one set of line-shape rules:

* topic listings: a topic slug on the first line ("model-interpretation"),
  then one summary card per line, with stray upvote counters ("30", "1.2k")
  and page chrome between them;
* daily-paper pages: chrome, a date, then title / abstract pairs (blank lines
  between them are common but not relied on).

Each non-blank line is classified by its shape:

* counter: only a number ("110", "1.2k");
* chrome: a known listing-site phrase (rules/page_chrome.jsonl) or any short
  line that is not followed by an abstract;
* abstract: prose: 40+ words, or 20+ words ending with a full stop or holding two
  sentences (a "?" between parts does not count: titles ask questions);
* title: 2-40 words, at most 300 characters, no final full stop, and the
  last such line before an abstract (blanks, counters, chrome and short
  sentences in between are skipped); a title-shaped line that the next
  title-shaped line replaces was chrome.

Counters and chrome never become papers. A chrome phrase glued to a card
("...at the moment.negie Mellon, USC ...") is cut out; text glued straight
after it mid-word loses its leading word fragment and is kept only if what
remains is abstract-sized.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from ..records import Paper
from .chrome import ChromeRules, load_chrome_rules
from .common import make_paper, text_lines
from .fields import FieldMap

__all__ = ["read_listing", "classify_line", "is_abstract", "is_title", "is_counter", "topic_slug"]

_COUNTER = re.compile(r"[+\-]?\d[\d,]*(?:\.\d+)?\s*[kKmM]?")
_SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*|[a-z]+(?:-[a-z]+)*\.[A-Z]{2}")
# a sentence end: . ! ? (maybe closing quotes/brackets) then space and a capital, digit or opening quote
_SENT_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")
_FINAL_STOP = re.compile(r"[.!?][\"'\u201d\u2019)\]]*$")

MIN_ABSTRACT_WORDS = 20
LONG_ABSTRACT_WORDS = 40
MAX_TITLE_WORDS = 40
MAX_TITLE_CHARS = 300


def is_counter(line: str) -> bool:
    """Whether ``line`` is only a number such as an upvote count ("30", "1,204", "1.2k")."""
    return bool(_COUNTER.fullmatch(line.strip()))


def topic_slug(line: str, rules: ChromeRules | None = None) -> str | None:
    """``line`` as a topic slug ("model-interpretation", "cs.CL"), or None if it is not one."""
    s = line.strip()
    rules = rules or load_chrome_rules()
    if not _SLUG.fullmatch(s) or s.isdigit() or rules.is_chrome(s):
        return None
    return s


def is_abstract(line: str) -> bool:
    """Whether ``line`` reads as an abstract or summary (prose of abstract length)."""
    n = len(line.split())
    if n >= LONG_ABSTRACT_WORDS:
        return True
    if n < MIN_ABSTRACT_WORDS:
        return False
    stripped = line.strip()
    # a question mark is left out on purpose: "Does X Scale? Evidence from Y" is a title shape
    if _FINAL_STOP.search(stripped) and not stripped.endswith("?"):
        return True
    return any(end[0] in ".!" for end in _SENT_END.findall(stripped))


def is_title(line: str) -> bool:
    """Whether ``line`` has the shape of a paper title (it still needs an abstract after it)."""
    s = line.strip()
    n = len(s.split())
    return (
        2 <= n <= MAX_TITLE_WORDS
        and len(s) <= MAX_TITLE_CHARS
        and not s.endswith(".")
        and any(c.isalpha() for c in s)
        and not is_abstract(s)
    )


def classify_line(line: str, rules: ChromeRules | None = None) -> str:
    """One of ``blank``, ``counter``, ``chrome``, ``abstract``, ``title``, ``other``.

    ``title`` means "could be a title"; it becomes one only when an abstract follows.
    ``other`` lines (short sentences, lone words) are chrome unless glued to nothing.
    """
    s = line.strip()
    if not s:
        return "blank"
    if is_counter(s):
        return "counter"
    if (rules or load_chrome_rules()).is_chrome(s):
        return "chrome"
    if is_abstract(s):
        return "abstract"
    if is_title(s):
        return "title"
    return "other"


def _pieces(line: str, rules: ChromeRules) -> Iterator[str]:
    """``line`` with glued chrome phrases cut out; fragments that were glued mid-word lose the fragment."""
    for piece, glued in rules.split_glued(line):
        if glued and piece[:1].islower():
            # pasted straight after chrome, starting mid-word: the first word is a fragment
            _, _, piece = piece.partition(" ")
            piece = piece.strip()
            if not is_abstract(piece):
                continue
        if piece:
            yield piece


def read_listing(
    path: str | os.PathLike[str], rules: ChromeRules | None = None, fields: FieldMap | None = None
) -> Iterator[Paper]:
    """Stream the papers of a listing-page dump; see the module docstring for the rules.

    Papers from a topic listing carry ``topics=(slug,)`` and no title; papers
    from a daily page carry their title and no topic. ``fields`` is not used
    (listings have no field names); it is taken so every reader has one signature.
    """
    rules = rules or load_chrome_rules()
    topics: tuple[str, ...] = ()
    seen_first = False
    title: str | None = None
    for line in text_lines(path):
        if not line.strip():
            continue
        if not seen_first:
            seen_first = True
            slug = topic_slug(line, rules)
            if slug:
                topics = (slug,)
                continue
        for piece in _pieces(line, rules):
            kind = classify_line(piece, rules)
            if kind == "abstract":
                paper = make_paper(title=title, text=piece, source=path, topics=topics)
                title = None
                if paper is not None:
                    yield paper
            elif kind == "title":
                # a later title-shaped line replaces this one: a line not followed by an abstract is chrome
                title = piece
