"""The import graph of kg/: no cycle, and no import that runs back up.

Every module under kg/ is parsed with :mod:`ast` (nothing is imported). An
edge ``a -> b`` is an import of kg module ``b`` anywhere in ``a``: at module
level or inside a function, and ``importlib.import_module("kg....")`` with a
literal name; imports under ``if TYPE_CHECKING:`` are left out (they never run).
``from pkg import name`` points at ``pkg.name`` when that is a module, else at
``pkg``.

:data:`LAYERS` states the intended architecture, bottom first: a module may
import its own layer and the layers below, never one above, and never a package
that encloses it (a package's ``__init__`` assembles its modules, so a module
importing it runs back up). Known violations are listed with the change that
removes them, as strict xfails: fixing one makes its test fail until the entry
is deleted here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

KG = Path(__file__).resolve().parent.parent / "kg"

#: bottom first; a name covers that module and, for a package, every module under it
LAYERS: tuple[tuple[str, ...], ...] = (
    # plain records, errors, atomic files, packaged data, IRIs, the progress line: import nothing of kg above
    # and the schema tables with the value converters they use, the one reader of rule files, and
    # LaTeX/Unicode text normalisation
    ("kg.errors", "kg.records", "kg.io", "kg.resources", "kg.namespaces", "kg.progress", "kg.version", "kg.schema", "kg.values",
     "kg.rulefiles", "kg.textnorm"),
    # text in: files -> Paper records; the spaCy pipeline; model-name parsing (rules data only)
    ("kg.readers", "kg.pipeline", "kg.lineage"),
    # Doc -> PaperExtraction
    ("kg.extract",),
    # extractions -> graph; extractions scored against gold
    ("kg.graph", "kg.evaluate"),
    # graph -> files; the output folder's lock and swap
    ("kg.export", "kg.outdir"),
    # the whole build, locally or on Dask
    ("kg.distributed", "kg.builder"),
    # SPARQL over what the build wrote
    ("kg.query", "kg.serve"),
    # what users call: the package's API, the command line
    ("kg", "kg.cli", "kg.__main__"),
)

#: edges that close a cycle today -> the change that removes them
KNOWN_CYCLES: dict[tuple[str, str], str] = {}

#: edges that run back up today -> the change that removes them
KNOWN_UPWARD: dict[tuple[str, str], str] = {}


# --------------------------------------------------------------------------- the graph


def module_name(path: Path, root: Path) -> str:
    """``kg/readers/atom.py`` -> ``kg.readers.atom``; a package's ``__init__.py`` -> the package."""
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _nodes(tree: ast.AST):
    """Every node of ``tree`` except the bodies of ``if TYPE_CHECKING:`` (their ``else`` still runs)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def imports_of(source: str, module: str, is_package: bool, known: set[str], filename: str = "<source>") -> set[str]:
    """The kg modules (among ``known``) that ``source``, the text of ``module``, imports."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in _nodes(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in known else target)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    # "import kg.readers.atom" names a module; keep the longest known prefix of anything else
    out = set()
    for name in found:
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name and name != module:
            out.add(name)
    return out


def import_graph(root: Path) -> nx.DiGraph:
    """Module -> imported kg module, for every ``.py`` file under ``root``."""
    files = {module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    known = set(files)
    graph = nx.DiGraph()
    graph.add_nodes_from(known)
    for module, path in files.items():
        source = path.read_text(encoding="utf-8")
        for target in imports_of(source, module, path.name == "__init__.py", known, str(path)):
            graph.add_edge(module, target)
    return graph


def layer_of(module: str) -> int:
    """The index in :data:`LAYERS` of the most specific name covering ``module``."""
    best, depth = -1, -1
    for i, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and name.count(".") > depth:
                best, depth = i, name.count(".")
    return best


def runs_back_up(a: str, b: str) -> bool:
    """Whether ``a -> b`` imports a higher layer or a package enclosing ``a``."""
    return layer_of(b) > layer_of(a) or a.startswith(b + ".")


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    return import_graph(KG)


# --------------------------------------------------------------------------- the rules


def test_imports_graph_sees_real_edges(graph):
    # a resolver that found nothing would pass every rule below
    for edge in [("kg.builder", "kg.graph"), ("kg.readers.atom", "kg.readers.common"),
                 ("kg.cli.extract", "kg.readers"), ("kg.pipeline.lineage", "kg.lineage")]:
        assert graph.has_edge(*edge), edge


def test_imports_every_module_has_a_layer(graph):
    assert [m for m in sorted(graph) if layer_of(m) < 0] == []


def test_imports_no_cycle(graph):
    rest = graph.copy()
    rest.remove_edges_from(set(KNOWN_CYCLES) | set(KNOWN_UPWARD))
    cycles = list(nx.simple_cycles(rest))
    assert cycles == [], f"import cycles: {cycles}"


def test_imports_nothing_runs_back_up(graph):
    bad = sorted(e for e in graph.edges if runs_back_up(*e) and e not in KNOWN_UPWARD)
    assert bad == [], "imports of a higher layer or an enclosing package: " + ", ".join(f"{a} -> {b}" for a, b in bad)


@pytest.mark.parametrize(
    "edge",
    [pytest.param(e, marks=pytest.mark.xfail(strict=True, reason=why), id=f"{e[0]}->{e[1]}") for e, why in KNOWN_CYCLES.items()],
)
def test_imports_known_cycle_is_gone(graph, edge):
    a, b = edge
    assert not (graph.has_edge(a, b) and nx.has_path(graph, b, a))


@pytest.mark.parametrize(
    "edge",
    [pytest.param(e, marks=pytest.mark.xfail(strict=True, reason=why), id=f"{e[0]}->{e[1]}") for e, why in KNOWN_UPWARD.items()],
)
def test_imports_known_upward_import_is_gone(graph, edge):
    assert not graph.has_edge(*edge)


# --------------------------------------------------------------------------- the resolver


@pytest.mark.parametrize(
    "module,is_package,source,expected",
    [
        ("kg.readers.atom", False, "from .common import x\nfrom ..records import Paper", {"kg.readers.common", "kg.records"}),
        ("kg.readers", True, "from .atom import read_atom", {"kg.readers.atom"}),
        ("kg.pipeline.stages", False, "def f():\n    from . import findings, rules", {"kg.pipeline.findings", "kg.pipeline.rules"}),
        ("kg.graph", False, "def f():\n    from . import __version__", {"kg"}),
        ("kg.cli.x", False, "import kg.readers.atom\nimport json", {"kg.readers.atom"}),
        ("kg.cli.x", False, "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..graph import G\nelse:\n    from ..io import w",
         {"kg.io"}),
        ("kg.evaluate", False, "import importlib\nimportlib.import_module('kg.pipeline')", {"kg.pipeline"}),
        ("kg.extract", False, "from .extract import x", set()),
    ],
    ids=["relative", "package-relative", "function-level", "package-attribute", "absolute", "type-checking", "importlib", "self"],
)
def test_imports_resolver(module, is_package, source, expected):
    known = {"kg", "kg.readers", "kg.readers.atom", "kg.readers.common", "kg.records", "kg.pipeline",
             "kg.pipeline.findings", "kg.pipeline.rules", "kg.pipeline.stages", "kg.graph", "kg.io", "kg.cli",
             "kg.cli.x", "kg.evaluate", "kg.extract"}
    assert imports_of(source, module, is_package, known) == expected


def test_imports_rules_catch_a_cycle_and_an_upward_import(tmp_path):
    root = tmp_path / "kg"
    (root / "readers").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "errors.py").write_text("from .readers import x\n")  # bottom layer importing a higher one
    (root / "readers" / "__init__.py").write_text("from .a import y\n")
    (root / "readers" / "a.py").write_text("def f():\n    from . import b\n")
    (root / "readers" / "b.py").write_text("from . import a\nfrom .. import readers\n")
    g = import_graph(root)
    # a <-> b, and readers -> a -> b -> readers through the package b imports
    assert sorted(map(sorted, nx.simple_cycles(g))) == [["kg.readers", "kg.readers.a", "kg.readers.b"],
                                                       ["kg.readers.a", "kg.readers.b"]]
    assert sorted(e for e in g.edges if runs_back_up(*e)) == [("kg.errors", "kg.readers"), ("kg.readers.b", "kg.readers")]
