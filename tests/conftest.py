"""Shared fixtures: the seeds' graph is built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The example corpus shipped with the repository."""
    return SEEDS


@pytest.fixture(scope="session")
def seeds_graph():
    """The graph built from seeds/ (read-only: copy it before changing it)."""
    import kg

    return kg.build([SEEDS])


@pytest.fixture(scope="session")
def seeds_outputs(tmp_path_factory, seeds_graph) -> Path:
    """A folder holding every export of the seeds' graph."""
    from kg.builder import write_outputs

    out = tmp_path_factory.mktemp("seeds-outputs")
    write_outputs(seeds_graph, out)
    return out
