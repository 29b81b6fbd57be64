"""kg.export.json: node-link round trip, GraphML for Gephi, and clear errors on bad files."""

from __future__ import annotations

import networkx as nx
import pytest

import kg
from kg.errors import InputError
from kg.export.json import read_json, write_graphml, write_json


def _tiny() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(name="kg", n_papers=1, alias_keys={"sae": "sparse-autoencoder"})
    g.add_node("paper/sha:1", type="Paper", label="T <b>", title="T <b>", text="x", sources=["a.txt"], topics=["t"], arxiv_id="", url="")
    g.add_node("entity/lora", type="Method", label="LoRA", key="lora", aliases=["low-rank adaptation"], n_papers=1,
               forms={"LoRA": 1}, type_votes={"Method": 1})
    ev = {"paper": "paper/sha:1", "sentence": "x", "sent_start": 0, "start": 0, "end": 1, "rule": "r"}
    g.add_edge("paper/sha:1", "entity/lora", key="mentions", count=1, evidence=[ev])
    return g


def test_export_json_round_trip_keeps_keys_and_attributes(tmp_path):
    g = _tiny()
    write_json(g, tmp_path / "graph.json")
    back = kg.load(tmp_path)  # the folder works as well as the file
    assert isinstance(back, nx.MultiDiGraph)
    assert dict(back.nodes(data=True)) == dict(g.nodes(data=True))
    assert list(back.edges(keys=True, data=True)) == list(g.edges(keys=True, data=True))
    assert back.graph["alias_keys"] == {"sae": "sparse-autoencoder"}


def test_export_graphml_is_readable_by_networkx(tmp_path):
    write_graphml(_tiny(), tmp_path / "g.graphml")
    back = nx.read_graphml(tmp_path / "g.graphml")
    assert back.nodes["entity/lora"]["label"] == "LoRA"
    assert '"low-rank adaptation"' in back.nodes["entity/lora"]["aliases"]
    (_, _, d), = back.edges(data=True)
    assert d["relation"] == "mentions"


@pytest.mark.parametrize(
    "content,problem",
    [("{not json", "invalid JSON"), ('{"a": 1}', "no 'nodes'"), ("", "invalid JSON")],
)
def test_export_json_bad_graph_file_names_the_file(tmp_path, content, problem):
    p = tmp_path / "graph.json"
    p.write_text(content)
    with pytest.raises(InputError) as err:
        read_json(p)
    assert str(p) in str(err.value) and problem in str(err.value) and "\n" not in str(err.value)


def test_export_json_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_json(tmp_path / "nope.json")
