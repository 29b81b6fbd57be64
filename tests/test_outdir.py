"""kg.outdir and the build's output folder: locked, swapped in together, never left half-written."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.builder import OUTPUT_FILES
from kg.cli import main
from kg.errors import OutputError
from kg.outdir import STAGING_PREFIX, OutputLock, clean_stale_staging, swap_in

ROOT = Path(__file__).resolve().parent.parent


def _snapshot(out: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in sorted(out.iterdir()) if f.is_file()}


def _paper_file(path: Path, n: int, word: str = "LoRA") -> Path:
    with path.open("w") as fh:
        for i in range(n):
            fh.write(json.dumps({"title": f"{word} paper {i}", "abstract": f"We fine-tune Llama 2 with {word} on GSM8K ({i})."}) + "\n")
    return path


def test_outdir_failed_rename_puts_every_old_output_back(tmp_path, monkeypatch):
    out, staging = tmp_path / "out", tmp_path / "out" / f"{STAGING_PREFIX}x"
    staging.mkdir(parents=True)
    names = ["a.json", "b.ttl", "c.html", "d.graphml"]
    for n in names:
        (out / n).write_text(f"old {n}")
        (staging / n).write_text(f"new {n}")
    import kg.outdir as outdir

    real, calls = outdir._replace, []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == len(names) + 3:  # the 3rd rename of a new file into place
            raise OSError(5, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(outdir, "_replace", flaky)
    with pytest.raises(OutputError, match="previous outputs are kept"):
        swap_in(staging, out, names)
    assert {n: (out / n).read_text() for n in names} == {n: f"old {n}" for n in names}


def test_outdir_swap_removes_outputs_of_formats_not_written(tmp_path):
    src = _paper_file(tmp_path / "p.jsonl", 2)
    out = tmp_path / "out"
    assert main(["build", str(src), "-o", str(out), "-q"]) == 0
    assert (out / "graph.ttl").exists()
    assert main(["build", str(src), "-o", str(out), "-q", "--format", "nt"]) == 0
    assert (out / "graph.nt").exists() and not (out / "graph.ttl").exists()


def test_outdir_stale_staging_folders_are_removed_by_the_next_build(tmp_path):
    out = tmp_path / "out"
    (out / f"{STAGING_PREFIX}12345-dead").mkdir(parents=True)
    (out / f"{STAGING_PREFIX}12345-dead" / "graph.json").write_text("{}")
    (out / "keep.txt").write_text("mine")
    assert clean_stale_staging(out) == 1
    assert sorted(os.listdir(out)) == ["keep.txt"]


def test_outdir_lock_refuses_a_second_holder_in_another_process(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys,time; from kg.outdir import OutputLock\n"
         f"with OutputLock({str(out)!r}):\n print('held', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(OutputError, match="another kg build"):
            with OutputLock(out, wait=False):
                pass
    finally:
        holder.kill()
        holder.wait()
    with OutputLock(out, wait=False):  # a killed holder leaves nothing locked
        pass


def test_outdir_two_concurrent_merges_both_land(tmp_path):
    out = tmp_path / "out"
    assert main(["build", str(_paper_file(tmp_path / "base.jsonl", 2, "Base")), "-o", str(out), "-q"]) == 0
    batches = [_paper_file(tmp_path / f"b{i}.jsonl", 3, f"Batch{i}") for i in range(2)]
    procs = [
        subprocess.Popen([sys.executable, "-m", "kg", "build", "--merge", str(b), "-o", str(out), "-q"], cwd=ROOT)
        for b in batches
    ]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    papers = [n for n in json.loads((out / "graph.json").read_text())["nodes"] if n.get("type") == "Paper"]
    assert len(papers) == 2 + 3 + 3


@pytest.mark.parametrize(
    "content,problem",
    [
        (None, "no graph to merge into"),
        ('{"nodes": [], "edges": []}', "holds no papers"),
        ('{"nodes": {"a": 1}, "edges": []}', "must be lists"),
        ('{"nodes": [{"id": "paper/x", "type": "Paper", "sources": "a.txt"}], "edges": []}', "'sources' must be a list"),
        ('[' * 5000 + ']' * 5000, "not a kg graph.json"),
    ],
)
def test_outdir_merge_refuses_a_missing_empty_or_malformed_graph(tmp_path, capsys, content, problem):
    out = tmp_path / "out"
    out.mkdir()
    if content is not None:
        (out / "graph.json").write_text(content)
    before = _snapshot(out)
    capsys.readouterr()
    assert main(["build", "--merge", str(_paper_file(tmp_path / "p.jsonl", 1)), "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and problem in err
    assert _snapshot(out) == before


def test_outdir_two_builds_of_the_same_input_are_byte_identical(tmp_path, seeds_dir):
    assert main(["build", str(seeds_dir), "-o", str(tmp_path / "a"), "-q"]) == 0
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-m", "kg", "build", str(seeds_dir), "-o", str(tmp_path / "b"), "-q"], check=True, cwd=ROOT, env=env)
    assert _snapshot(tmp_path / "a") == _snapshot(tmp_path / "b")


def test_outdir_build_killed_mid_write_leaves_the_previous_outputs_byte_identical(tmp_path, seeds_dir):
    out = tmp_path / "out"
    assert main(["build", str(_paper_file(tmp_path / "old.jsonl", 2)), "-o", str(out), "-q"]) == 0
    before = _snapshot(out)
    proc = subprocess.Popen([sys.executable, "-m", "kg", "build", str(seeds_dir), "-o", str(out), "-q"], cwd=ROOT)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.name.startswith(STAGING_PREFIX) for p in out.iterdir()):
            break
        time.sleep(0.005)
    assert proc.poll() is None, "the build ended before its staging folder was seen"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _snapshot(out) == before
    assert main(["build", str(_paper_file(tmp_path / "new.jsonl", 1)), "-o", str(out), "-q"]) == 0
    assert not [p for p in out.iterdir() if p.name.startswith(STAGING_PREFIX)]
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
