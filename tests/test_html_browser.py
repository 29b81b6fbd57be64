"""graph.html in a real browser: Debian's headless Chromium driven by Playwright, network blocked.

Skipped only when /usr/bin/chromium is absent (CI installs the ``chromium`` package).
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from kg.export.html import write_html
from test_html import _evidence as _ev

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium (/usr/bin/chromium) is not installed")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--proxy-server=127.0.0.1:9",  # nothing gets out even if a request slipped past page.route
]
XSS_TITLE = "<img src=x onerror=alert(1)>"
P1 = "paper/arxiv:2401.00001"
P2 = "paper/sha:0123456789abcdef"
SAE = "entity/sparse-autoencoder"


def browser_graph() -> nx.MultiDiGraph:
    """Two papers (one with a hostile title), five entities, a finding; every edge style once."""
    g = nx.MultiDiGraph(name="kg", kg_version="test", n_papers=2)
    t1 = "Sparse Autoencoders Find Interpretable Features"
    s1 = "We train Sparse Autoencoders (SAEs) on GPT-2 Small."
    s2 = "SAEs outperform PCA on ImageNet, reducing loss by 12%."
    x1 = f"{s1} {s2}"
    c1 = f"{t1}\n\n{x1}"
    x2 = "We evaluate GPT-2 Small on ImageNet </script><script>alert(2)</script>."
    c2 = f"{XSS_TITLE}\n\n{x2}"
    g.add_node(P1, type="Paper", label=t1, title=t1, text=x1, sources=["a.jsonl"], topics=["cs.LG"],
               arxiv_id="2401.00001", url="https://arxiv.org/abs/2401.00001")
    g.add_node(P2, type="Paper", label=XSS_TITLE, title=XSS_TITLE, text=x2, sources=["b.jsonl"], topics=[],
               arxiv_id="", url="javascript:alert(3)")
    g.add_node(SAE, type="Method", label="Sparse Autoencoders", key="sparse-autoencoder", aliases=["SAEs"],
               n_papers=1, type_votes={"Method": 1})
    g.add_node("entity/gpt-2-small", type="Model", label="GPT-2 Small", key="gpt-2-small", aliases=[], n_papers=2,
               family="gpt-2", version="2", size="small", flavour="")
    g.add_node("entity/gpt-2", type="Model", label="GPT-2", key="gpt-2", aliases=["GPT2"], n_papers=1,
               family="", version="", size="", flavour="")
    g.add_node("entity/imagenet", type="Dataset", label="ImageNet", key="imagenet", aliases=["ImageNet-1k"], n_papers=2)
    g.add_node("entity/pca", type="Method", label="PCA", key="pca", aliases=["principal component analysis"], n_papers=1)
    g.add_node("finding/00000000000000aa", type="Finding", label="loss -12%", text="reducing loss by 12%",
               direction="decrease", value=12.0, unit="%", metric="loss", qualifier="", baseline=None, paper=P1,
               sentence=s2, start=c1.index("reducing"), end=c1.index("12%") + 3, rule="finding.pct")
    g.add_edge(P1, SAE, key="mentions", evidence=[_ev(P1, c1, s1, "Sparse Autoencoders"), _ev(P1, c1, s2, "SAEs", sent_start=False)], count=2)
    g.add_edge(P1, "entity/gpt-2-small", key="mentions", evidence=[_ev(P1, c1, s1, "GPT-2 Small")], count=1)
    g.add_edge(P1, "entity/pca", key="mentions", evidence=[_ev(P1, c1, s2, "PCA")], count=1)
    g.add_edge(P1, "entity/imagenet", key="mentions", evidence=[_ev(P1, c1, s2, "ImageNet")], count=1)
    g.add_edge(P2, "entity/gpt-2-small", key="mentions", evidence=[_ev(P2, c2, x2, "GPT-2 Small")], count=1)
    g.add_edge(P2, "entity/imagenet", key="mentions", evidence=[_ev(P2, c2, x2, "ImageNet")], count=1)
    g.add_edge(P1, SAE, key="proposes", evidence=[_ev(P1, c1, s1, "Sparse Autoencoders", rule="we_train")], count=1)
    g.add_edge(P1, "finding/00000000000000aa", key="reports", evidence=[], count=0)
    g.add_edge("finding/00000000000000aa", SAE, key="subject", evidence=[], count=0)
    g.add_edge(SAE, "entity/pca", key="outperforms",
               evidence=[{"paper": P1, "sentence": s2, "start": c1.index(s2), "end": c1.index(s2) + len(s2), "rule": "outperforms.v1"}], count=1)
    g.add_edge("entity/gpt-2-small", "entity/gpt-2", key="variant_of", evidence=[_ev(P1, c1, s1, "GPT-2 Small", rule="lineage")], count=1)
    g.add_edge("entity/gpt-2-small", "entity/imagenet", key="co_occurs", evidence=[_ev(P2, c2, x2, "GPT-2 Small")], count=1)
    return g


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


class Page:
    """An opened graph.html plus everything the page reported (console, errors, dialogs, requests)."""

    def __init__(self, browser, path: Path):
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.blocked: list[str] = []
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.on("dialog", self._dialog)
        self.page.route("**/*", self._route)
        self.page.goto(path.as_uri())
        self.page.wait_for_function("() => window.kgStabilized !== null", timeout=60_000)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def visible_ids(self) -> set[str]:
        return set(self.js("() => Object.keys(window.kgNetwork.getPositions())"))

    def click_node(self, node_id: str) -> None:
        """A real mouse click on the node's position on the canvas."""
        point = self.js(
            "(id) => window.kgNetwork.canvasToDOM(window.kgNetwork.getPositions([id])[id])", node_id
        )
        box = self.page.locator("#kg-network canvas").bounding_box()
        self.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


@pytest.fixture
def page(browser, tmp_path):
    """graph.html of :func:`browser_graph`, opened; fails the test on console errors, dialogs or network use."""
    path = tmp_path / "graph.html"
    write_html(browser_graph(), path, title="test graph")
    opened = Page(browser, path)
    yield opened
    opened.page.close()
    assert opened.errors == []
    assert opened.dialogs == []
    assert opened.blocked == []


def test_html_browser_draws_the_network(page):
    assert page.visible_ids() == {n for n in browser_graph().nodes}
    painted = page.js(
        """() => {
          const c = document.querySelector('#kg-network canvas');
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
          return [c.width, c.height, n];
        }"""
    )
    width, height, non_blank = painted
    assert width > 300 and height > 300
    assert non_blank > 500  # nodes and edges were drawn


def test_html_browser_layout_stops_and_can_resume(page):
    first = page.js("() => window.kgNetwork.getPositions()")
    page.page.wait_for_timeout(400)
    assert page.js("() => window.kgNetwork.getPositions()") == first
    button = page.page.locator("#kg-physics")
    assert button.inner_text() == "Resume layout"
    button.click()
    assert button.inner_text() == "Freeze layout"
    button.click()
    assert button.inner_text() == "Resume layout"


@pytest.mark.parametrize(
    "query,expected",
    [
        ("saes", SAE),  # an alias, other case
        ("GPT-2", "entity/gpt-2"),  # exact label beats the longer "GPT-2 Small"
        ("gpt-2 sm", "entity/gpt-2-small"),  # prefix
        ("imagenet-1K", "entity/imagenet"),
        ("component anal", "entity/pca"),  # substring of an alias
    ],
)
def test_html_browser_search_focuses_the_best_match(page, query, expected):
    page.page.fill("#kg-search", query)
    page.page.press("#kg-search", "Enter")
    assert page.js("() => window.kgNetwork.getSelectedNodes()") == [expected]
    assert page.page.locator("#kg-panel").get_attribute("data-node") == expected


def test_html_browser_search_without_match_says_so(page):
    page.page.fill("#kg-search", "no such thing")
    page.page.press("#kg-search", "Enter")
    assert page.page.locator("#kg-search-status").inner_text() == "no match"
    assert page.js("() => window.kgNetwork.getSelectedNodes()") == []


@pytest.mark.parametrize("typed,expected", [("sae", {"SAEs"}), ("sparse", {"Sparse Autoencoders"}), ("gpt-2", {"GPT-2", "GPT-2 Small"}), ("onerror", {XSS_TITLE})])
def test_html_browser_suggestions_list_names_and_aliases(page, typed, expected):
    page.page.type("#kg-search", typed)
    options = page.js("() => Array.from(document.querySelectorAll('#kg-suggest option')).map(o => o.value)")
    assert expected <= set(options)


@pytest.fixture
def overview_page(browser, tmp_path):
    """The same graph, written as a large one: the page opens on its 3 most-used entities."""
    path = tmp_path / "graph.html"
    write_html(browser_graph(), path, title="test graph", max_nodes=5, overview=3)
    opened = Page(browser, path)
    yield opened
    opened.page.close()
    assert opened.errors == [] and opened.dialogs == [] and opened.blocked == []


def test_html_browser_overview_draws_only_the_most_used(overview_page):
    assert overview_page.visible_ids() == {"entity/gpt-2-small", "entity/imagenet", SAE}


@pytest.mark.parametrize("query,expected", [("pca", "entity/pca"), ("GPT2", "entity/gpt-2"), ("onerror", P2)])
def test_html_browser_search_brings_undrawn_nodes_into_view(overview_page, query, expected):
    assert expected not in overview_page.visible_ids()
    overview_page.page.fill("#kg-search", query)
    overview_page.page.press("#kg-search", "Enter")
    assert overview_page.js("() => window.kgNetwork.getSelectedNodes()") == [expected]
    visible = overview_page.visible_ids()
    assert expected in visible and len(visible) > 3  # with its neighbourhood
    assert overview_page.page.locator("#kg-panel").get_attribute("data-node") == expected


def test_html_browser_overview_button_goes_back(overview_page):
    overview_page.js("(id) => window.kgFocus(id)", "entity/pca")
    assert "entity/pca" in overview_page.visible_ids()
    overview_page.page.locator("#kg-overview").click()
    assert overview_page.visible_ids() == {"entity/gpt-2-small", "entity/imagenet", SAE}


def test_html_browser_community_list_draws_members(overview_page):
    rows = overview_page.page.locator("#kg-communities .kg-community")
    assert rows.count() >= 1
    rows.first.click()
    assert len(overview_page.visible_ids()) >= 3


def test_html_browser_type_filter_hides_nodes(page):
    box = page.page.locator('#kg-type-filters input[value="Model"]')
    box.uncheck()
    visible = page.visible_ids()
    assert "entity/gpt-2" not in visible and "entity/gpt-2-small" not in visible
    assert SAE in visible
    box.check()
    assert {"entity/gpt-2", "entity/gpt-2-small"} <= page.visible_ids()


def test_html_browser_relation_filter_hides_edges(page):
    def keys():
        return page.js("() => window.kgNetwork.body.data.edges.get().map(e => e.kgKey)")

    assert "outperforms" in keys()
    page.page.locator('#kg-rel-filters input[value="outperforms"]').uncheck()
    assert "outperforms" not in keys() and "mentions" in keys()


def test_html_browser_min_papers_hides_rare_entities(page):
    page.page.fill("#kg-min-papers-num", "2")
    page.page.press("#kg-min-papers-num", "Enter")
    page.page.locator("#kg-min-papers-num").blur()
    visible = page.visible_ids()
    assert "entity/pca" not in visible and SAE not in visible
    assert {"entity/imagenet", "entity/gpt-2-small", P1, P2} <= visible


def test_html_browser_click_shows_evidence(page):
    page.click_node(SAE)
    panel = page.page.locator("#kg-panel")
    panel.wait_for(state="visible")
    assert panel.get_attribute("data-node") == SAE
    marks = page.page.locator("#kg-panel mark").all_inner_texts()
    assert "Sparse Autoencoders" in marks and "SAEs" in marks
    text = panel.inner_text()
    assert "We train Sparse Autoencoders (SAEs) on GPT-2 Small." in text
    link = page.page.locator('#kg-panel a[href="https://arxiv.org/abs/2401.00001"]').first
    assert link.get_attribute("rel") == "noopener noreferrer"


def test_html_browser_lineage_and_finding_fields(page):
    page.js("(id) => window.kgFocus(id)", "entity/gpt-2-small")
    text = page.page.locator("#kg-panel").inner_text()
    assert "family" in text and "gpt-2" in text and "small" in text
    page.js("(id) => window.kgFocus(id)", "finding/00000000000000aa")
    text = page.page.locator("#kg-panel").inner_text()
    for field in ("loss", "12", "%", "decrease", "Sparse Autoencoders"):
        assert field in text
    assert page.page.locator("#kg-panel mark").all_inner_texts() == ["reducing loss by 12%"]


def test_html_browser_hostile_title_is_text(page):
    page.click_node(P2)
    page.page.locator("#kg-panel").wait_for(state="visible")
    assert page.page.locator("#kg-panel .kg-panel-title").inner_text() == XSS_TITLE
    assert page.page.locator("img").count() == 0
    assert page.page.locator("#kg-panel a").count() == 0  # its javascript: URL is no link
    assert "</script><script>alert(2)</script>" in page.page.locator("#kg-panel").inner_text()
    page.page.wait_for_timeout(200)
    assert page.dialogs == []


def test_html_browser_shows_what_it_hides(browser, tmp_path):
    path = tmp_path / "graph.html"
    write_html(browser_graph(), path, max_nodes=3)
    opened = Page(browser, path)
    try:
        assert opened.page.locator("#kg-note").inner_text().startswith("overview: the 3 most-used of 5 entities")
        assert len(opened.visible_ids()) == 3
        assert opened.errors == [] and opened.blocked == []
    finally:
        opened.page.close()


def test_html_browser_empty_graph(browser, tmp_path):
    path = tmp_path / "graph.html"
    write_html(nx.MultiDiGraph(), path)
    opened = Page(browser, path)
    try:
        assert opened.page.locator("#kg-progress").inner_text() == "This graph is empty."
        assert opened.errors == []
    finally:
        opened.page.close()


def test_html_browser_paper_panel_lists_entities_and_abstract(page):
    page.click_node(P1)
    panel = page.page.locator("#kg-panel")
    panel.wait_for(state="visible")
    assert panel.get_attribute("data-node") == P1
    assert page.page.locator("#kg-panel .kg-panel-title").inner_text() == "Sparse Autoencoders Find Interpretable Features"
    text = panel.inner_text()
    assert "cs.LG" in text and "arXiv:2401.00001" in text
    assert "SAEs outperform PCA on ImageNet, reducing loss by 12%." in page.page.locator("#kg-panel .kg-abstract").inner_text()
    entities = page.page.locator("#kg-panel .kg-node-link").all_inner_texts()
    for label in ("Sparse Autoencoders", "GPT-2 Small", "PCA", "ImageNet", "loss -12%"):
        assert any(t.startswith(label) for t in entities), label
    page.page.locator("#kg-panel .kg-node-link", has_text="PCA").first.click()
    assert panel.get_attribute("data-node") == "entity/pca"


def test_html_browser_tooltip_is_plain_text(page):
    point = page.js("(id) => window.kgNetwork.canvasToDOM(window.kgNetwork.getPositions([id])[id])", P2)
    box = page.page.locator("#kg-network canvas").bounding_box()
    page.page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    tooltip = page.page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5000)
    assert XSS_TITLE in tooltip.inner_text()
    assert page.page.locator("div.vis-tooltip *").count() == 0
