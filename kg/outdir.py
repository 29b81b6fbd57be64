"""The output folder: one writer at a time, outputs swapped in together.

``kg build`` writes every file into a staging folder inside the output folder,
then :func:`swap_in` moves the old outputs aside, moves the new ones in, and
only then deletes the old ones; if any rename fails, everything moved so far is
put back, so the folder holds either the whole old build or the whole new one.
:class:`OutputLock` keeps a second build or merge from writing the same folder
at the same time (it waits its turn), and staging folders left by a killed
build are removed by the next one that holds the lock.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import OutputError

__all__ = ["OutputLock", "STAGING_PREFIX", "make_staging", "clean_stale_staging", "swap_in"]

STAGING_PREFIX = ".kg-staging-"

# folders this process holds the lock of (the lock is re-entrant within a process)
_held: dict[str, int] = {}


class OutputLock:
    """An exclusive lock on an output folder (``fcntl.flock`` on the folder itself, so no lock file is left).

    A second holder waits until the first is done (``wait=True``, telling the
    user once on stderr) or fails at once with :class:`OutputError`. The lock
    goes with the process: a killed build never leaves the folder locked.
    """

    def __init__(self, out_dir: str | os.PathLike[str], *, wait: bool = True, quiet: bool = False) -> None:
        self.dir = Path(out_dir)
        self.wait = wait
        self.quiet = quiet
        self.fd: int | None = None
        self.key = str(self.dir.resolve())

    def __enter__(self) -> OutputLock:
        if self.key in _held:
            _held[self.key] += 1
            return self
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock, as before
            _held[self.key] = 1
            return self
        try:
            self.fd = os.open(self.dir, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError as exc:
            raise OutputError(f"{self.dir}: cannot lock output folder ({exc.strerror or exc})") from None
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise OutputError(f"{self.dir}: cannot lock output folder ({exc.strerror or exc})") from None
            if not self.wait:
                os.close(self.fd)
                raise OutputError(f"{self.dir}: another kg build is writing this folder") from None
            if not self.quiet:
                print(f"kg: waiting for another kg build writing {self.dir}", file=sys.stderr, flush=True)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        _held[self.key] = 1
        return self

    def __exit__(self, *exc) -> None:
        _held[self.key] -= 1
        if _held[self.key] == 0:
            del _held[self.key]
            if self.fd is not None:
                os.close(self.fd)  # closing releases the flock
                self.fd = None


def clean_stale_staging(out_dir: str | os.PathLike[str]) -> int:
    """Remove staging folders a killed build left in ``out_dir``; returns how many.

    Call it holding :class:`OutputLock`: then no other build is using one.
    """
    n = 0
    with contextlib.suppress(OSError):
        for entry in Path(out_dir).iterdir():
            if entry.name.startswith(STAGING_PREFIX) and entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
                n += 1
    return n


def make_staging(out_dir: Path) -> Path:
    """A new staging folder inside ``out_dir`` (same file system, so renames are atomic)."""
    try:
        return Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=out_dir))
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot write ({exc.strerror or exc})") from None


def swap_in(staging: Path, out_dir: Path, names: Iterable[str], *, remove: Iterable[str] = ()) -> None:
    """Move ``names`` from ``staging`` into ``out_dir`` together, and delete ``remove`` there.

    Old files are first moved into ``staging/.old``; if any step fails, the new
    files are taken out again and the old ones put back before
    :class:`OutputError` is raised. The caller removes ``staging`` afterwards.
    """
    names = list(names)
    backup = staging / ".old"
    backup.mkdir(exist_ok=True)
    saved: list[str] = []
    placed: list[str] = []
    try:
        for name in list(dict.fromkeys([*names, *remove])):
            if (out_dir / name).exists() or (out_dir / name).is_symlink():
                _replace(out_dir / name, backup / name)
                saved.append(name)
        for name in names:
            _replace(staging / name, out_dir / name)
            placed.append(name)
    except OSError as exc:
        for name in reversed(placed):
            with contextlib.suppress(OSError):
                _replace(out_dir / name, staging / name)
        for name in reversed(saved):
            with contextlib.suppress(OSError):
                _replace(backup / name, out_dir / name)
        raise OutputError(f"{out_dir}: cannot move outputs into place ({exc.strerror or exc}); the previous outputs are kept") from None


def _replace(src: Path, dst: Path) -> None:
    # one indirection so tests can inject a failing rename
    os.replace(src, dst)
