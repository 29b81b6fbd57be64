"""Atomic output: a file is either fully written or left as it was."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .errors import OutputError

__all__ = ["atomic_write", "ensure_dir", "write_bytes_atomic"]


def ensure_dir(path: str | os.PathLike[str]) -> Path:
    """Create the folder ``path`` (and parents) or raise :class:`OutputError` naming it."""
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{p}: cannot create output folder ({exc.strerror or exc})") from None
    if not os.access(p, os.W_OK):
        raise OutputError(f"{p}: output folder is not writable")
    return p


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success rename it over ``path``.

    If the body raises, the temporary file is removed and ``path`` keeps its old
    content, so a failed run never leaves a half-written output behind.
    """
    target = Path(path)
    binary = "b" in mode
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, mode, encoding=None if binary else encoding) as fh:
            yield fh
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; an OS error becomes :class:`OutputError` naming the file."""
    target = Path(path)
    try:
        with atomic_write(target, "wb", encoding=None) as fh:
            fh.write(data)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({exc.strerror or exc})") from None
    return target
