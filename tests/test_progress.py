"""Tests of kg.progress.Progress with a fake clock and in-memory streams (no sleeping)."""

from __future__ import annotations

import io

import pytest

from kg.progress import Progress


class Stream(io.StringIO):
    """A StringIO that says whether it is a terminal."""

    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def clock(*ticks: float):
    """A clock returning ``ticks`` in turn."""
    it = iter(ticks)
    return lambda: next(it)


def run(progress: Progress, n: int) -> None:
    for _ in range(n):
        progress.update()
    progress.close()


@pytest.mark.parametrize("tty", [False, True])
def test_progress_silent_on_runs_shorter_than_the_interval(tty):
    out = Stream(tty)
    p = Progress(every_s=2.0, stream=out, clock=clock(0.0, 0.5, 1.0, 1.9))
    run(p, 4)
    assert out.getvalue() == "" and p.count == 4 and not p.shown


def test_progress_one_line_per_report_when_not_a_terminal():
    out = Stream(tty=False)
    p = Progress(every_s=1.0, stream=out, clock=clock(10.0, 10.5, 11.0, 11.5, 12.0))
    run(p, 5)
    # the clock starts at the first item: 3 items in 1 s, then 5 in 2 s
    assert out.getvalue() == "kg: 3 papers (3/s)\nkg: 5 papers (2/s)\n"


def test_progress_redraws_one_line_on_a_terminal_and_ends_it():
    out = Stream(tty=True)
    p = Progress(every_s=1.0, stream=out, clock=clock(0.0, 1.0, 2.0))
    run(p, 3)
    assert out.getvalue() == "\rkg: 2 papers (2/s)\rkg: 3 papers (2/s)\n"


def test_progress_pads_a_shorter_line_on_a_terminal():
    out = Stream(tty=True)
    p = Progress(every_s=1.0, stream=out, clock=clock(0.0, 1.0, 100.0))
    p.update(999)
    p.update(1_000)  # 1,999 in 1 s
    p.update()  # 2,000 in 100 s: a shorter rate
    first, second = out.getvalue().split("\r")[1:]
    assert first == "kg: 1,999 papers (1,999/s)"
    assert second.rstrip() == "kg: 2,000 papers (20/s)" and len(second) == len(first)


def test_progress_disabled_counts_but_prints_nothing():
    out = Stream(tty=False)
    p = Progress(enabled=False, every_s=0.0, stream=out, clock=clock())  # the clock is never read
    p.update(5)
    p.update(2)
    p.close()
    assert out.getvalue() == "" and p.count == 7


def test_progress_label_and_unit():
    out = Stream(tty=False)
    p = Progress(every_s=0.0, stream=out, label="kg extract", unit="docs", clock=clock(0.0, 4.0))
    run(p, 2)
    assert out.getvalue() == "kg extract: 2 docs (0/s)\n"


def test_progress_close_without_a_line_writes_nothing_on_a_terminal():
    out = Stream(tty=True)
    with Progress(stream=out, clock=clock(0.0)) as p:
        p.update()
    assert out.getvalue() == ""


def test_progress_stream_without_isatty_counts_as_a_file():
    class Bare:
        def __init__(self) -> None:
            self.parts: list[str] = []

        def write(self, text: str) -> None:
            self.parts.append(text)

        def flush(self) -> None:
            pass

    out = Bare()
    run(Progress(every_s=1.0, stream=out, clock=clock(0.0, 1.0)), 2)
    assert out.parts == ["kg: 2 papers (2/s)\n"]


def test_progress_defaults_to_stderr(capsys):
    p = Progress(every_s=0.0, clock=clock(0.0, 1.0))
    run(p, 2)
    assert capsys.readouterr().err == "kg: 2 papers (2/s)\n"
