"""Small converters for attribute values read from a graph (hand-made, loaded or built).

A graph loaded from someone's ``graph.json`` may hold anything where kg writes
an int or a URL, so the exporters read attributes through these, and all of them
read them the same way: a value that is not what the schema says is treated as
absent (None or ""), never raised on.

>>> as_int(3.0), as_int(True), as_int("3"), as_int(float("nan"))
(3, None, None, None)
>>> safe_url("https://arxiv.org/abs/2401.00001 v2"), safe_url("javascript:alert(1)")
('https://arxiv.org/abs/2401.00001%20v2', '')
"""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import quote

__all__ = ["as_int", "as_text", "safe_url", "clean_text"]

#: an http(s) URL with a host: the only links kg writes (no javascript:, data:, file: ...)
_HTTP_URL = re.compile(r"https?://[^\s/?#]", re.IGNORECASE)
#: characters kept as they are in a URL: printable ASCII that an IRI allows
_URL_SAFE = "".join(chr(c) for c in range(33, 127) if chr(c) not in '<>"{}|\\^`')


def as_int(value: Any) -> int | None:
    """``value`` as an int when it is a number (a finite float is truncated), else None.

    Booleans are not numbers here (``True`` is no count), nor are strings.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return int(value)


def as_text(value: Any) -> str:
    """``value`` as a str: "" for None and non-finite floats, ``str(value)`` otherwise."""
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return value if isinstance(value, str) else str(value)


def clean_text(text: Any) -> str:
    """``text`` as a str that UTF-8 can encode (lone surrogates -> U+FFFD)."""
    s = str(text)
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        s = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in s)
    return s


def safe_url(value: Any) -> str:
    """``value`` as an http(s) URL that is also a valid IRI, or "" when it is no http(s) URL.

    Characters an IRI may not hold (spaces, ``<>"{}|\\^```, controls, non-ASCII)
    are percent-encoded rather than dropping the link; any other scheme
    (``javascript:``, ``data:``, ``file:``) gives "" so no exporter writes it as a link.
    """
    url = as_text(value).strip()
    if not _HTTP_URL.match(url):
        return ""
    return quote(clean_text(url), safe=_URL_SAFE, errors="replace")
