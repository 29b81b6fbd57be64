/* kg graph.html: draws the embedded graph with vis-network and wires search,
 * filters and the node panel. Every string from the data reaches the DOM through
 * textContent / text nodes: paper titles and sentences are untrusted text. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var meta = data.meta;
  var nodeStyles = data.styles.nodes;
  var edgeStyles = data.styles.edges;
  var OTHER_STYLE = { color: "#adb5bd", shape: "dot" };
  var MEDIUM = data.nodes.length > 300;
  var BIG = data.nodes.length > 1000;
  // the initial layout stops after this long even if not converged (Resume layout continues it)
  var LAYOUT_BUDGET_MS = 4500;

  window.kgStabilized = null; // performance.now() when the layout stopped (tests, bench)
  window.kgData = data;

  // ---- indexes ------------------------------------------------------------
  var byId = new Map();
  var outEdges = new Map();
  var inEdges = new Map();
  data.nodes.forEach(function (n) {
    byId.set(n.id, n);
    outEdges.set(n.id, []);
    inEdges.set(n.id, []);
  });
  data.edges.forEach(function (e) {
    if (outEdges.has(e.from)) outEdges.get(e.from).push(e);
    if (inEdges.has(e.to)) inEdges.get(e.to).push(e);
  });

  // ---- DOM helpers (text only) ---------------------------------------------
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function append(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined) continue;
      parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return parent;
  }
  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }
  function fmt(n) {
    return Number(n).toLocaleString("en-US");
  }
  function isHttp(url) {
    return typeof url === "string" && /^https?:\/\/[^\s<>"']+$/i.test(url);
  }
  function link(url, text) {
    if (!isHttp(url)) return el("span", null, text);
    var a = el("a", null, text);
    a.href = url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }
  function styleOf(type) {
    return nodeStyles[type] || OTHER_STYLE;
  }
  function shortLabel(text, max) {
    text = String(text || "");
    return text.length > max ? text.slice(0, max - 1) + "\u2026" : text;
  }

  // ---- vis data -------------------------------------------------------------
  function papersOf(n) {
    return typeof n.n_papers === "number" ? n.n_papers : 1;
  }
  function tooltip(n) {
    var t = n.type + ": " + (n.type === "Paper" ? n.title || n.label : n.label);
    if (n.type !== "Paper" && n.type !== "Finding") t += "\n" + fmt(papersOf(n)) + (papersOf(n) === 1 ? " paper" : " papers");
    if (n.aliases && n.aliases.length) t += "\nalso: " + n.aliases.slice(0, 6).join(", ");
    return t; // plain text: vis-network sets it with innerText
  }
  function visNode(n) {
    var s = styleOf(n.type);
    var value = papersOf(n);
    return {
      id: n.id,
      label: shortLabel(n.label, n.type === "Paper" ? 32 : 40),
      title: tooltip(n),
      shape: s.shape,
      value: value,
      color: { background: s.color, border: s.color, highlight: { background: s.color, border: "#111" }, hover: { background: s.color, border: "#111" } },
      x: n.x,
      y: n.y,
      kgType: n.type,
      kgPapers: papersOf(n),
    };
  }
  function visEdge(e) {
    var s = edgeStyles[e.key] || { color: "#868e96", width: 1, dashes: false, label: true, arrows: true };
    var edge = {
      id: e.id,
      from: e.from,
      to: e.to,
      width: s.width,
      dashes: s.dashes,
      color: { color: s.color, highlight: "#111", hover: "#111", opacity: e.key === "mentions" ? 0.6 : 1 },
      arrows: s.arrows ? { to: { enabled: true, scaleFactor: 0.5 } } : { to: { enabled: false } },
      title: e.key.replace(/_/g, " ") + (e.count > 1 ? " (" + fmt(e.count) + ")" : ""),
      kgKey: e.key,
    };
    if (s.label) edge.label = e.key.replace(/_/g, " ");
    return edge;
  }

  var nodes = new vis.DataSet(data.nodes.map(visNode));
  var edges = new vis.DataSet(data.edges.map(visEdge));

  // ---- filter state -----------------------------------------------------------
  var state = {
    types: new Set(Object.keys(nodeStyles)),
    relations: new Set(Object.keys(edgeStyles)),
    minPapers: 1,
  };
  // on big graphs co-occurrence edges are mostly noise and double the layout work: start without them
  if (BIG) state.relations.delete("co_occurs");
  function nodeVisible(id) {
    var n = byId.get(id);
    if (!n || !state.types.has(n.type)) return false;
    if (n.type === "Paper" || n.type === "Finding") return true;
    return papersOf(n) >= state.minPapers;
  }
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return nodeVisible(n.id); } });
  var edgeView = new vis.DataView(edges, {
    filter: function (e) { return state.relations.has(e.kgKey) && nodeVisible(e.from) && nodeVisible(e.to); },
  });

  // ---- the network ------------------------------------------------------------
  var n = data.nodes.length;
  var options = {
    autoResize: true,
    layout: { improvedLayout: n <= 300, randomSeed: 7 },
    nodes: {
      borderWidth: 1,
      scaling: { min: 8, max: 32, label: { enabled: true, min: 11, max: 30, drawThreshold: 5, maxVisible: 24 } },
      font: { size: 12, face: "system-ui, sans-serif", color: "#212529", strokeWidth: 3, strokeColor: "#ffffff" },
    },
    edges: {
      smooth: false,
      selectionWidth: 1.5,
      font: { size: 9, color: "#495057", strokeWidth: 2, strokeColor: "#ffffff", align: "middle" },
    },
    physics: {
      enabled: true,
      solver: "forceAtlas2Based",
      forceAtlas2Based: {
        theta: MEDIUM ? 0.9 : 0.5,
        gravitationalConstant: -40,
        centralGravity: 0.015,
        springLength: 90,
        springConstant: 0.06,
        avoidOverlap: BIG ? 0 : 0.2,
      },
      stabilization: { enabled: true, iterations: MEDIUM ? 200 : 300, updateInterval: BIG ? 5 : 10, fit: true },
      minVelocity: 1,
      timestep: 0.5,
    },
    interaction: {
      hover: !BIG,
      tooltipDelay: 150,
      hideEdgesOnDrag: BIG,
      hideEdgesOnZoom: BIG,
      navigationButtons: false,
      keyboard: false,
      multiselect: false,
    },
  };
  var container = document.getElementById("kg-network");
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, options);
  window.kgNetwork = network;

  var progress = document.getElementById("kg-progress");
  var physicsButton = document.getElementById("kg-physics");
  var physicsOn = true;
  function setPhysics(on) {
    physicsOn = on;
    network.setOptions({ physics: { enabled: on } });
    physicsButton.textContent = on ? "Freeze layout" : "Resume layout";
    physicsButton.setAttribute("aria-pressed", on ? "true" : "false");
  }
  var settled = false;
  var layoutStart = null;
  var layoutIterations = 0;
  function settle() {
    if (settled) return;
    settled = true;
    window.kgLayout = { iterations: layoutIterations, ms: layoutStart === null ? 0 : performance.now() - layoutStart };
    setPhysics(false); // the layout stops moving once it has settled
    physicsButton.disabled = false;
    progress.hidden = true;
    window.kgStabilized = performance.now();
  }
  network.on("stabilizationProgress", function (p) {
    progress.textContent = "Laying out the graph\u2026 " + Math.round((100 * p.iterations) / p.total) + "%";
    layoutIterations = p.iterations;
    if (layoutStart === null) layoutStart = performance.now();
    else if (performance.now() - layoutStart > LAYOUT_BUDGET_MS) network.stopSimulation(false);
  });
  // fires once the (possibly cut short) initial layout is done, after vis has fitted the view
  network.once("stabilizationIterationsDone", settle);
  if (nodeView.length === 0) {
    progress.textContent = "This graph is empty.";
    settled = true;
    window.kgStabilized = performance.now();
  }
  physicsButton.addEventListener("click", function () { setPhysics(!physicsOn); });
  document.getElementById("kg-fit").addEventListener("click", function () { network.fit({ animation: { duration: 300 } }); });

  // ---- filters UI ----------------------------------------------------------------
  function count(list, key) {
    var m = new Map();
    list.forEach(function (x) { m.set(x[key], (m.get(x[key]) || 0) + 1); });
    return m;
  }
  var typeCounts = count(data.nodes, "type");
  var relCounts = count(data.edges, "key");

  function swatchNode(type) {
    var s = styleOf(type);
    var sw = el("span", "kg-swatch kg-shape-" + s.shape);
    sw.style.setProperty("--kg-color", s.color);
    return sw;
  }
  function swatchEdge(key) {
    var s = edgeStyles[key];
    var sw = el("span", "kg-edge-swatch");
    sw.style.borderTopColor = s.color;
    sw.style.borderTopWidth = Math.max(1, Math.round(s.width)) + "px";
    sw.style.borderTopStyle = s.dashes ? "dashed" : "solid";
    return sw;
  }
  function checkbox(container, name, value, swatch, label, total, onChange) {
    var row = el("label", "kg-check");
    var box = el("input");
    box.type = "checkbox";
    box.checked = name === "type" ? state.types.has(value) : state.relations.has(value);
    box.name = name;
    box.value = value;
    box.addEventListener("change", function () { onChange(value, box.checked); });
    append(row, box, swatch, el("span", "kg-check-label", label), el("span", "kg-count", fmt(total)));
    container.appendChild(row);
  }
  var typeBox = document.getElementById("kg-type-filters");
  Object.keys(nodeStyles).forEach(function (t) {
    checkbox(typeBox, "type", t, swatchNode(t), t, typeCounts.get(t) || 0, function (v, on) {
      if (on) state.types.add(v); else state.types.delete(v);
      applyFilters();
    });
  });
  var relBox = document.getElementById("kg-rel-filters");
  Object.keys(edgeStyles).forEach(function (k) {
    checkbox(relBox, "relation", k, swatchEdge(k), k.replace(/_/g, " "), relCounts.get(k) || 0, function (v, on) {
      if (on) state.relations.add(v); else state.relations.delete(v);
      applyFilters();
    });
  });
  var maxPapers = 1;
  data.nodes.forEach(function (x) { if (x.type !== "Paper" && x.type !== "Finding") maxPapers = Math.max(maxPapers, papersOf(x)); });
  var slider = document.getElementById("kg-min-papers");
  var number = document.getElementById("kg-min-papers-num");
  slider.max = String(maxPapers);
  number.max = String(maxPapers);
  function setMinPapers(v) {
    v = Math.max(1, Math.min(maxPapers, parseInt(v, 10) || 1));
    slider.value = String(v);
    number.value = String(v);
    if (v !== state.minPapers) {
      state.minPapers = v;
      applyFilters();
    }
  }
  slider.addEventListener("input", function () { setMinPapers(slider.value); });
  number.addEventListener("change", function () { setMinPapers(number.value); });

  var stats = document.getElementById("kg-stats");
  function updateStats() {
    stats.textContent = fmt(nodeView.length) + " nodes, " + fmt(edgeView.length) + " edges shown";
  }
  function applyFilters() {
    // keep every drawn node where it is, so nodes that come back reappear in place
    var pos = network.getPositions();
    var updates = Object.keys(pos).map(function (id) { return { id: id, x: pos[id].x, y: pos[id].y }; });
    if (updates.length) nodes.update(updates);
    nodeView.refresh();
    edgeView.refresh();
    updateStats();
  }
  updateStats();

  var note = document.getElementById("kg-note");
  if (meta.hidden_note) {
    note.textContent = meta.hidden_note;
    note.hidden = false;
  }

  // ---- search -----------------------------------------------------------------------
  var searchInput = document.getElementById("kg-search");
  var searchStatus = document.getElementById("kg-search-status");
  var suggest = document.getElementById("kg-suggest");
  var names = []; // [lowercased name, node id, is alias]
  var seenOptions = new Set();
  data.nodes.forEach(function (x) {
    var labels = [x.label];
    if (x.type === "Paper" && x.title && x.title !== x.label) labels.push(x.title);
    labels.forEach(function (l) { names.push([String(l).toLowerCase(), x.id, false]); });
    (x.aliases || []).forEach(function (a) { names.push([String(a).toLowerCase(), x.id, true]); });
  });
  var byRank = data.nodes.slice().sort(function (a, b) { return papersOf(b) - papersOf(a); });
  byRank.forEach(function (x) {
    [x.label].concat(x.aliases || []).forEach(function (l) {
      if (seenOptions.has(l)) return;
      seenOptions.add(l);
      var opt = document.createElement("option");
      opt.value = l;
      if (l !== x.label) opt.label = l + " (" + x.label + ")";
      suggest.appendChild(opt);
    });
  });

  /** Nodes whose label or alias contains q (case-insensitive), best first:
   * exact match, then prefix, then substring; ties by papers, then shorter name. */
  function search(q) {
    q = String(q || "").trim().toLowerCase();
    if (!q) return [];
    var best = new Map();
    names.forEach(function (entry) {
      var at = entry[0].indexOf(q);
      if (at < 0) return;
      var rank = entry[0] === q ? 0 : at === 0 ? 1 : 2;
      var prev = best.get(entry[1]);
      if (!prev || rank < prev.rank || (rank === prev.rank && entry[0].length < prev.len)) {
        best.set(entry[1], { id: entry[1], rank: rank, len: entry[0].length });
      }
    });
    return Array.from(best.values()).sort(function (a, b) {
      return a.rank - b.rank || papersOf(byId.get(b.id)) - papersOf(byId.get(a.id)) || a.len - b.len || (a.id < b.id ? -1 : 1);
    }).map(function (m) { return m.id; });
  }
  window.kgSearch = search;

  function runSearch() {
    var found = search(searchInput.value);
    if (!found.length) {
      searchStatus.textContent = searchInput.value.trim() ? "no match" : "";
      return;
    }
    searchStatus.textContent = found.length === 1 ? "1 match" : fmt(found.length) + " matches";
    focusNode(found[0]);
  }
  searchInput.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      ev.preventDefault();
      runSearch();
    }
  });
  // picking a suggestion from the datalist fires "input" with insertReplacementText (or no inputType)
  searchInput.addEventListener("input", function (ev) {
    if (!ev.inputType || ev.inputType === "insertReplacementText") runSearch();
  });
  document.getElementById("kg-search-go").addEventListener("click", runSearch);

  function focusNode(id) {
    if (!byId.has(id)) return;
    if (!nodeVisible(id)) {
      searchStatus.textContent = "\u201c" + byId.get(id).label + "\u201d is hidden by the filters";
      network.unselectAll();
    } else {
      network.selectNodes([id]);
      network.focus(id, { scale: Math.max(1, network.getScale()), animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    }
    showPanel(id);
  }
  window.kgFocus = focusNode;

  // ---- the panel ------------------------------------------------------------------------
  var panel = document.getElementById("kg-panel");
  var panelBody = document.getElementById("kg-panel-body");
  document.getElementById("kg-panel-close").addEventListener("click", function () {
    panel.hidden = true;
    network.unselectAll();
  });

  function nodeButton(id) {
    var x = byId.get(id);
    var b = el("button", "kg-node-link", x ? x.label : id);
    b.type = "button";
    if (x) b.appendChild(el("span", "kg-type-tag", x.type));
    b.addEventListener("click", function () { focusNode(id); });
    return b;
  }
  /** A sentence with the mention (hl = [start, end], UTF-16 indices) in a <mark>. */
  function sentence(text, hl) {
    var q = el("blockquote", "kg-evidence");
    text = String(text || "");
    if (hl && hl[0] >= 0 && hl[1] > hl[0] && hl[1] <= text.length) {
      append(q, text.slice(0, hl[0]), el("mark", null, text.slice(hl[0], hl[1])), text.slice(hl[1]));
    } else {
      q.textContent = text;
    }
    return q;
  }
  function evidenceList(edge) {
    var box = el("div", "kg-evidence-list");
    edge.evidence.forEach(function (ev) {
      var item = sentence(ev.sentence, ev.hl);
      if (ev.rule) item.appendChild(el("span", "kg-rule", ev.rule));
      box.appendChild(item);
    });
    if (edge.n_evidence > edge.evidence.length) {
      box.appendChild(el("p", "kg-more", "\u2026 and " + fmt(edge.n_evidence - edge.evidence.length) + " more in graph.json"));
    }
    return box;
  }
  function section(title) {
    var s = el("section", "kg-section");
    s.appendChild(el("h3", null, title));
    panelBody.appendChild(s);
    return s;
  }
  function fields(parent, rows) {
    var dl = el("dl", "kg-fields");
    rows.forEach(function (r) {
      if (r[1] === null || r[1] === undefined || r[1] === "") return;
      append(dl, el("dt", null, r[0]), el("dd", null, String(r[1])));
    });
    if (dl.firstChild) parent.appendChild(dl);
  }
  function paperLine(paperId) {
    var p = byId.get(paperId);
    var line = el("div", "kg-paper");
    if (!p) {
      line.textContent = paperId.replace(/^paper\//, "");
      return line;
    }
    append(line, link(p.url, p.title || p.label), " ", nodeButtonSmall(paperId));
    return line;
  }
  function nodeButtonSmall(id) {
    var b = el("button", "kg-goto", "show");
    b.type = "button";
    b.title = "Show this node in the graph";
    b.addEventListener("click", function () { focusNode(id); });
    return b;
  }

  var MAX_LIST = 50;
  function showPanel(id) {
    var x = byId.get(id);
    if (!x) return;
    clear(panelBody);
    panel.hidden = false;
    panel.setAttribute("data-node", id);
    var head = el("header", "kg-panel-head");
    var sw = swatchNode(x.type);
    append(head, sw, el("span", "kg-panel-type", x.type));
    panelBody.appendChild(head);
    panelBody.appendChild(el("h2", "kg-panel-title", x.type === "Paper" ? x.title || x.label : x.label));
    if (x.type === "Paper") paperPanel(x);
    else if (x.type === "Finding") findingPanel(x);
    else entityPanel(x);
    panelBody.scrollTop = 0;
  }

  function entityPanel(x) {
    var info = section("About");
    fields(info, [
      ["papers", fmt(papersOf(x))],
      ["key", x.key],
      ["aliases", (x.aliases || []).join(", ")],
    ]);
    if (x.lineage) {
      var lin = section("Lineage");
      fields(lin, [["family", x.lineage.family], ["version", x.lineage.version], ["size", x.lineage.size], ["flavour", x.lineage.flavour]]);
    }
    // relations to other entities (typed, lineage, co-occurrence) both ways
    var rel = [];
    // papers are listed below, with their sentences
    outEdges.get(x.id).forEach(function (e) { if (byId.get(e.to).type !== "Paper") rel.push([e, e.to, "\u2192"]); });
    inEdges.get(x.id).forEach(function (e) { if (byId.get(e.from).type !== "Paper") rel.push([e, e.from, "\u2190"]); });
    rel.sort(function (a, b) { return (a[0].key === "co_occurs") - (b[0].key === "co_occurs") || b[0].count - a[0].count; });
    if (rel.length) {
      var rs = section("Relations (" + fmt(rel.length) + ")");
      rel.slice(0, MAX_LIST).forEach(function (r) {
        var row = el("div", "kg-relation");
        append(row, el("span", "kg-rel-key", r[2] + " " + r[0].key.replace(/_/g, " ")), " ", nodeButton(r[1]));
        if (r[0].count > 1) row.appendChild(el("span", "kg-count", "\u00d7" + fmt(r[0].count)));
        if (r[0].key !== "co_occurs" && r[0].evidence.length) row.appendChild(evidenceList(r[0]));
        rs.appendChild(row);
      });
      if (rel.length > MAX_LIST) rs.appendChild(el("p", "kg-more", "\u2026 and " + fmt(rel.length - MAX_LIST) + " more"));
    }
    // the papers that mention / propose / use it, with the sentences
    var byPaper = new Map();
    inEdges.get(x.id).forEach(function (e) {
      var p = byId.get(e.from);
      if (!p || p.type !== "Paper") return;
      if (!byPaper.has(e.from)) byPaper.set(e.from, []);
      byPaper.get(e.from).push(e);
    });
    if (byPaper.size) {
      var ps = section("Papers (" + fmt(byPaper.size) + (papersOf(x) > byPaper.size ? " of " + fmt(papersOf(x)) : "") + ")");
      Array.from(byPaper.keys()).slice(0, MAX_LIST).forEach(function (pid) {
        var block = el("div", "kg-paper-block");
        block.appendChild(paperLine(pid));
        byPaper.get(pid).forEach(function (e) {
          if (e.key !== "mentions") block.appendChild(el("span", "kg-rel-key", e.key.replace(/_/g, " ")));
          if (e.evidence.length) block.appendChild(evidenceList(e));
        });
        ps.appendChild(block);
      });
      if (byPaper.size > MAX_LIST) ps.appendChild(el("p", "kg-more", "\u2026 and " + fmt(byPaper.size - MAX_LIST) + " more papers"));
    }
  }

  function paperPanel(x) {
    var info = section("Paper");
    var rows = [["id", x.id.replace(/^paper\//, "")], ["topics", (x.topics || []).join(", ")]];
    fields(info, rows);
    if (isHttp(x.url)) {
      var p = el("p");
      p.appendChild(link(x.url, x.arxiv_id ? "arXiv:" + x.arxiv_id : x.url));
      info.appendChild(p);
    }
    var groups = new Map();
    outEdges.get(x.id).forEach(function (e) {
      if (!groups.has(e.key)) groups.set(e.key, []);
      groups.get(e.key).push(e);
    });
    var order = ["proposes", "uses", "reports", "mentions", "affiliated_with"];
    Array.from(groups.keys()).sort(function (a, b) {
      var ia = order.indexOf(a), ib = order.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
    }).forEach(function (key) {
      var list = groups.get(key);
      var s = section((key === "reports" ? "Findings" : key === "mentions" ? "Entities" : key.replace(/_/g, " ")) + " (" + fmt(list.length) + ")");
      list.slice(0, MAX_LIST * 2).forEach(function (e) {
        var row = el("div", "kg-relation");
        row.appendChild(nodeButton(e.to));
        if (key === "mentions" && e.evidence.length) row.appendChild(evidenceList(e));
        s.appendChild(row);
      });
      if (list.length > MAX_LIST * 2) s.appendChild(el("p", "kg-more", "\u2026 and " + fmt(list.length - MAX_LIST * 2) + " more"));
    });
    if (x.text) section("Abstract").appendChild(el("p", "kg-abstract", x.text));
  }

  function findingPanel(x) {
    var info = section("Finding");
    var linked = { subject: [], metric: [], setting: [] };
    outEdges.get(x.id).forEach(function (e) {
      if (linked[e.key]) linked[e.key].push(byId.get(e.to) ? byId.get(e.to).label : e.to);
    });
    fields(info, [
      ["subject", linked.subject.join(", ")],
      ["metric", x.metric || linked.metric.join(", ")],
      ["value", x.value === null ? "" : x.value],
      ["unit", x.unit],
      ["direction", x.direction],
      ["qualifier", x.qualifier],
      ["baseline", x.baseline === null ? "" : x.baseline],
      ["settings", linked.setting.join(", ")],
      ["rule", x.rule],
    ]);
    if (x.sentence) info.appendChild(sentence(x.sentence, x.hl));
    else if (x.text) info.appendChild(el("blockquote", "kg-evidence", x.text));
    if (x.paper) {
      var ps = section("Paper");
      ps.appendChild(paperLine(x.paper));
    }
    var out = outEdges.get(x.id);
    if (out.length) {
      var ls = section("Linked entities");
      out.forEach(function (e) {
        var row = el("div", "kg-relation");
        append(row, el("span", "kg-rel-key", e.key), " ", nodeButton(e.to));
        ls.appendChild(row);
      });
    }
  }

  network.on("click", function (params) {
    if (params.nodes && params.nodes.length) showPanel(params.nodes[0]);
  });
})();
