"""Tests of bench/fuzz.py: its harness classifies outcomes right, and a small sample never crashes or hangs kg build."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FUZZ = ROOT / "bench" / "fuzz.py"

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the fuzz harness forks")


@pytest.fixture(scope="module")
def fuzz():
    """bench/fuzz.py as a module."""
    spec = importlib.util.spec_from_file_location("kg_bench_fuzz", FUZZ)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _exit(code):
    def target():
        return code

    return target


def _say(lines, code):
    def target():
        for line in lines:
            print(line, file=sys.stderr)
        return code

    return target


def _raise():
    raise RuntimeError("boom")


def _sleep():
    time.sleep(30)
    return 0


@pytest.mark.parametrize(
    "target,outcome,detail",
    [
        (_exit(0), "build", ""),
        (_say(["kg: warning: x.jsonl: 1 of 2 records have no abstract text"], 0), "build", "kg: warning:"),
        (_say(["kg: error: x.jsonl:3: not valid JSON"], 2), "error", "kg: error: x.jsonl:3"),
        (_say(["kg: warning: w", "kg: error: e"], 2), "error", "kg: error: e"),
        (_say(["kg: error: one", "kg: error: two"], 2), "crash", "exit 2"),
        (_say(["something else"], 2), "crash", "exit 2: something else"),
        (_say(["stray line"], 0), "crash", "stray stderr"),
        (_exit(1), "crash", "exit 1"),
        (_raise, "crash", "traceback: RuntimeError: boom"),
        (_sleep, "hang", "killed after 1 s"),
    ],
    ids=["build", "build-with-warning", "error", "error-after-warning", "two-errors", "other-stderr", "stray-stderr", "exit-1", "traceback", "hang"],
)
def test_harness_classifies_child_outcomes(fuzz, tmp_path, target, outcome, detail):
    got, seconds, rss, text = fuzz.run_child(target, str(tmp_path / "err.txt"), timeout=1.0, mem_bytes=0)
    assert got == outcome and detail in text
    assert rss > 0 and seconds < 20


def test_harness_memory_cap_turns_a_runaway_allocation_into_a_clean_failure(fuzz, tmp_path):
    def hog():
        _ = bytearray(8 * 2**30)
        return 0

    got, _, _, text = fuzz.run_child(hog, str(tmp_path / "err.txt"), timeout=30, mem_bytes=4 * 2**30)
    assert got == "crash" and "MemoryError" in text


def test_cases_are_deterministic_and_cover_every_format_and_category(fuzz):
    first = [fuzz.make_case(i, seed=3, scale=0.01) for i in range(120)]
    again = [fuzz.make_case(i, seed=3, scale=0.01) for i in range(120)]
    assert [(c.name, c.files) for c in first] == [(c.name, c.files) for c in again]
    assert {c.category for c in first} == set(fuzz.CATEGORIES)
    exts = {name.rsplit(".", 1)[-1] for c in first for name in c.files}
    assert set(fuzz.FORMATS) <= exts
    other_seed = [fuzz.make_case(i, seed=4, scale=0.01) for i in range(120)]
    assert [c.files for c in other_seed] != [c.files for c in first]


def test_small_sample_has_no_tracebacks_or_hangs(tmp_path):
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, str(FUZZ), "40", "--small", "--timeout", "60", "--json", str(out)],
        capture_output=True, text=True, timeout=900, cwd=ROOT,
    )
    results = json.loads(out.read_text(encoding="utf-8"))["results"]
    failing = [f"{r['name']}: {r['outcome']}: {r['detail']}" for r in results if r["outcome"] in ("crash", "hang")]
    assert failing == [], "\n".join(failing) + "\n" + proc.stdout[-2000:]
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(results) == 40
    outcomes = {r["outcome"] for r in results}
    assert outcomes == {"build", "error"}  # the sample holds both good and bad input
    assert "clean builds" in proc.stdout and "total" in proc.stdout
