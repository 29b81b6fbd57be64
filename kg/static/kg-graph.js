/* kg graph.html: draws the embedded graph with vis-network and wires search,
 * filters, communities and the node panel. Every string from the data reaches
 * the DOM through textContent / text nodes (or the canvas): paper titles and
 * sentences are untrusted text.
 *
 * The data is columnar (see kg/export/html.py graph_payload): entities, papers
 * and findings are addressed by index; vis-network only ever holds the nodes
 * drawn now. A small graph is drawn whole; a large one starts on an overview
 * of its most-used entities and the reader expands communities and nodes. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var meta = data.meta;
  var E = data.entities;
  var P = data.papers;
  var F = data.findings;
  var EV = data.evidence;
  var nE = E.id.length;
  var nP = P.title.length;
  var nF = F.id.length;
  var nEdges = data.edges.length / 4; // flat [u, v, rel, count, ...]
  var rels = data.rels;
  var rules = data.rules;
  var nodeStyles = data.styles.nodes;
  var edgeStyles = data.styles.edges;
  var OTHER_STYLE = { color: "#adb5bd", shape: "dot" };
  var OTHER_EDGE = { color: "#868e96", width: 1, dashes: false, label: true, arrows: true };
  var WHOLE = meta.mode === "whole";
  var START = data.draw.ids.length;
  // the initial layout stops after this long even if not converged (Resume layout continues it)
  var LAYOUT_BUDGET_MS = 4500;
  // expanding nodes past this many drawn nodes first goes back to the overview
  var MAX_DRAWN = Math.max(1500, 3 * START);
  var PAPER = 0, FINDING = 1, ENTITY = 2;

  window.kgStabilized = null; // performance.now() when the layout stopped (tests, bench)
  window.kgData = data;

  // ---- indexes (one pass over each column) ------------------------------------
  function paperId(i) {
    return P.id[i] || "paper/arxiv:" + P.arxiv[i];
  }
  var byId = new Map(); // node id -> [kind, index]
  var i, j;
  for (i = 0; i < nE; i++) byId.set(E.id[i], [ENTITY, i]);
  for (i = 0; i < nP; i++) byId.set(paperId(i), [PAPER, i]);
  for (i = 0; i < nF; i++) byId.set(F.id[i], [FINDING, i]);
  /** Finding k as one object (the data holds findings as columns). */
  function fnd(k) {
    var s = F.strings;
    var links = [];
    for (var n = 0; n + 1 < F.links[k].length; n += 2) links.push([F.links[k][n], F.links[k][n + 1]]);
    var sent = F.sentence[k];
    return {
      id: F.id[k], label: F.label[k], paper: F.paper[k], links: links, value: F.value[k], baseline: F.baseline[k],
      direction: s[F.direction[k]], unit: s[F.unit[k]], metric: s[F.metric[k]], qualifier: s[F.qualifier[k]], rule: s[F.rule[k]],
      text: F.text[k] || "", sentence: sent ? sent[0] : "", hl: sent ? [sent[1], sent[2]] : [-1, -1],
    };
  }
  // communities: members in rank order (the entity columns are ranked), size, papers, label
  var communities = [];
  for (i = 0; i < data.communities; i++) communities.push({ members: [], size: 0, papers: 0, label: "" });
  for (i = 0; i < nE; i++) {
    var cm = communities[E.comm[i]];
    if (!cm) continue;
    if (cm.members.length < 20) cm.members.push(i);
    cm.size += 1;
    cm.papers += E.papers[i];
  }
  communities.forEach(function (cm) {
    cm.label = cm.members.slice(0, 3).map(function (e) { return shortLabel(E.label[e], 28); }).join(" \u00b7 ");
    cm.short = cm.members.slice(0, 2).map(function (e) { return shortLabel(E.label[e], 20); }).join(" \u00b7 ");
  });
  /** Edge k between entities: [u, v, rel, count]. */
  function edge(k) {
    return [data.edges[4 * k], data.edges[4 * k + 1], data.edges[4 * k + 2], data.edges[4 * k + 3]];
  }

  function list(n) {
    var out = new Array(n);
    for (var k = 0; k < n; k++) out[k] = [];
    return out;
  }
  var entPapers = list(nE); // entity -> [paper, ...] (mentions, in paper order)
  for (i = 0; i < nP; i++) P.ents[i].forEach(function (e) { entPapers[e].push(i); });
  var entLinks = list(nE); // entity -> [[paper, rel], ...] (proposes, uses, ...)
  var paperLinks = list(nP); // paper -> [[entity, rel], ...]
  for (i = 0; i + 2 < data.links.length; i += 3) {
    entLinks[data.links[i + 1]].push([data.links[i], data.links[i + 2]]);
    paperLinks[data.links[i]].push([data.links[i + 1], data.links[i + 2]]);
  }
  var entEdges = list(nE); // entity -> [edge index, ...]
  for (i = 0; i < nEdges; i++) {
    entEdges[data.edges[4 * i]].push(i);
    if (data.edges[4 * i + 1] !== data.edges[4 * i]) entEdges[data.edges[4 * i + 1]].push(i);
  }
  var entFindings = list(nE);
  var paperFindings = list(nP);
  for (i = 0; i < nF; i++) {
    if (F.paper[i] >= 0) paperFindings[F.paper[i]].push(i);
    for (j = 1; j < F.links[i].length; j += 2) entFindings[F.links[i][j]].push(i);
  }

  // ---- DOM helpers (text only) ---------------------------------------------
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function append(parent) {
    for (var k = 1; k < arguments.length; k++) {
      var child = arguments[k];
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
  function relName(r) {
    return String(rels[r]).replace(/_/g, " ");
  }

  // ---- what a node is ---------------------------------------------------------
  /** {id, kind, index, type, label, papers} of a node id, or null. */
  function info(id) {
    var ref = byId.get(id);
    if (!ref) return null;
    var k = ref[1];
    if (ref[0] === ENTITY) return { id: id, kind: ENTITY, index: k, type: data.types[E.type[k]], label: E.label[k], papers: E.papers[k] };
    if (ref[0] === PAPER) return { id: id, kind: PAPER, index: k, type: "Paper", label: P.title[k], papers: 1 };
    return { id: id, kind: FINDING, index: k, type: "Finding", label: F.label[k], papers: 1 };
  }
  function paperUrl(p) {
    if (Object.prototype.hasOwnProperty.call(P.url, p)) return P.url[p];
    return /^(?:\d{4}\.\d{4,5}|[a-z][a-z.-]{0,30}\/\d{7})(?:v\d{1,3})?$/i.test(P.arxiv[p]) ? "https://arxiv.org/abs/" + P.arxiv[p] : "";
  }
  function aliasesOf(e) {
    return E.aliases[e] || [];
  }
  function keyOf(e) {
    return E.key[e] || E.id[e].replace(/^entity\//, "");
  }
  /** Papers linked to entity e (mentions and paper-level links), in paper order. */
  function papersOfEntity(e) {
    var seen = new Map();
    entPapers[e].forEach(function (p) { seen.set(p, []); });
    entLinks[e].forEach(function (l) {
      if (!seen.has(l[0])) seen.set(l[0], []);
      seen.get(l[0]).push(l[1]);
    });
    return Array.from(seen.keys()).sort(function (a, b) { return a - b; }).map(function (p) { return [p, seen.get(p)]; });
  }
  /** Entity e's edges to other entities: typed relations first, then by count. */
  function edgesOfEntity(e) {
    var co = rels.indexOf("co_occurs");
    return entEdges[e].slice().sort(function (a, b) {
      var x = edge(a), y = edge(b);
      return (x[2] === co) - (y[2] === co) || y[3] - x[3] || a - b;
    });
  }

  // ---- vis data -------------------------------------------------------------
  function tooltip(x) {
    var t = x.type + ": " + x.label;
    if (x.kind === ENTITY) {
      t += "\n" + fmt(x.papers) + (x.papers === 1 ? " paper" : " papers");
      var al = aliasesOf(x.index);
      if (al.length) t += "\nalso: " + al.slice(0, 6).join(", ");
    }
    return t; // plain text: vis-network sets it with innerText
  }
  function visNode(id, x, y) {
    var n = info(id);
    var s = styleOf(n.type);
    return {
      id: id,
      label: shortLabel(n.label, n.kind === PAPER ? 32 : 40),
      title: tooltip(n),
      shape: s.shape,
      value: n.papers,
      color: { background: s.color, border: s.color, highlight: { background: s.color, border: "#111" }, hover: { background: s.color, border: "#111" } },
      x: x,
      y: y,
      kgType: n.type,
      kgPapers: n.papers,
    };
  }
  function visEdge(id, from, to, r, count) {
    var key = rels[r];
    var s = edgeStyles[key] || OTHER_EDGE;
    var edge = {
      id: id,
      from: from,
      to: to,
      width: s.width,
      dashes: s.dashes,
      color: { color: s.color, highlight: "#111", hover: "#111", opacity: key === "mentions" ? 0.6 : 1 },
      arrows: s.arrows ? { to: { enabled: true, scaleFactor: 0.5 } } : { to: { enabled: false } },
      title: relName(r) + (count > 1 ? " (" + fmt(count) + ")" : ""),
      kgKey: key,
    };
    if (s.label) edge.label = relName(r);
    return edge;
  }
  var MENTIONS = rels.indexOf("mentions");
  var REPORTS = rels.indexOf("reports");
  /** Every edge between node `id` and a drawn node (or one in `also`), as vis edges. */
  function edgesAt(id, drawn) {
    var ref = byId.get(id);
    var out = [];
    if (!ref) return out;
    var k = ref[1];
    if (ref[0] === ENTITY) {
      entEdges[k].forEach(function (ei) {
        var e = edge(ei);
        var other = E.id[e[0] === k ? e[1] : e[0]];
        if (drawn(other)) out.push(visEdge("ee" + ei, E.id[e[0]], E.id[e[1]], e[2], e[3]));
      });
      entPapers[k].forEach(function (p) { if (drawn(paperId(p))) out.push(visEdge("pm" + p + ":" + k, paperId(p), id, MENTIONS, 1)); });
      entLinks[k].forEach(function (l) { if (drawn(paperId(l[0]))) out.push(visEdge("pl" + l[0] + ":" + k + ":" + l[1], paperId(l[0]), id, l[1], 1)); });
      entFindings[k].forEach(function (f) {
        fnd(f).links.forEach(function (l) { if (l[1] === k && drawn(F.id[f])) out.push(visEdge("fl" + f + ":" + l[1] + ":" + l[0], F.id[f], id, l[0], 1)); });
      });
    } else if (ref[0] === PAPER) {
      P.ents[k].forEach(function (e) { if (drawn(E.id[e])) out.push(visEdge("pm" + k + ":" + e, id, E.id[e], MENTIONS, 1)); });
      paperLinks[k].forEach(function (l) { if (drawn(E.id[l[0]])) out.push(visEdge("pl" + k + ":" + l[0] + ":" + l[1], id, E.id[l[0]], l[1], 1)); });
      paperFindings[k].forEach(function (f) { if (drawn(F.id[f])) out.push(visEdge("fr" + f, id, F.id[f], REPORTS, 1)); });
    } else {
      var f = fnd(k);
      f.links.forEach(function (l) { if (drawn(E.id[l[1]])) out.push(visEdge("fl" + k + ":" + l[1] + ":" + l[0], id, E.id[l[1]], l[0], 1)); });
      if (f.paper >= 0 && drawn(paperId(f.paper))) out.push(visEdge("fr" + k, paperId(f.paper), id, REPORTS, 1));
    }
    return out;
  }

  var nodes = new vis.DataSet();
  var edges = new vis.DataSet();
  /** Draw the nodes `ids` at positions `pos` (id -> {x, y}) with their edges to what is drawn. */
  function addNodes(ids, pos) {
    var fresh = ids.filter(function (id) { return byId.has(id) && nodes.get(id) === null; });
    if (!fresh.length) return [];
    var isNew = new Set(fresh);
    nodes.add(fresh.map(function (id) { return visNode(id, pos[id].x, pos[id].y); }));
    var drawn = function (id) { return isNew.has(id) || nodes.get(id) !== null; };
    var add = new Map();
    fresh.forEach(function (id) {
      edgesAt(id, drawn).forEach(function (e) { if (!add.has(e.id) && edges.get(e.id) === null) add.set(e.id, e); });
    });
    if (add.size) edges.add(Array.from(add.values()));
    return fresh;
  }
  function initialDraw() {
    var pos = {};
    data.draw.ids.forEach(function (id, k) { pos[id] = { x: data.draw.x[k], y: data.draw.y[k] }; });
    addNodes(data.draw.ids, pos);
    if (WHOLE) {
      data.extra.forEach(function (x, k) {
        if (nodes.get(x[0]) !== null && nodes.get(x[1]) !== null) edges.add(visEdge("x" + k, x[0], x[1], x[2], x[3]));
      });
    }
  }
  initialDraw();

  // ---- filter state -----------------------------------------------------------
  var state = {
    types: new Set(Object.keys(nodeStyles)),
    relations: new Set(Object.keys(edgeStyles)),
    minPapers: 1,
  };
  // co-occurrence edges are mostly noise among thousands of drawn nodes and double the layout work
  // and an overview is about its communities: it opens on the typed relations between them
  if (START > 1000 || !WHOLE) state.relations.delete("co_occurs");
  function nodeVisible(id) {
    var n = info(id);
    if (!n || !state.types.has(n.type)) return false;
    if (n.kind !== ENTITY) return true;
    return n.papers >= state.minPapers;
  }
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return nodeVisible(n.id); } });
  var edgeView = new vis.DataView(edges, {
    filter: function (e) { return state.relations.has(e.kgKey) && nodeVisible(e.from) && nodeVisible(e.to); },
  });

  // ---- the network ------------------------------------------------------------
  var MEDIUM = START > 300;
  var BIG = START > 1000;
  var options = {
    autoResize: true,
    layout: { improvedLayout: false, randomSeed: 7 },
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
      enabled: WHOLE,
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
  if (!WHOLE) {
    // the overview's layout (community discs) was computed with the data: nothing to wait for
    network.fit();
    settle();
  } else if (nodeView.length === 0) {
    progress.textContent = nE + nP + nF === 0 ? "This graph is empty." : "Nothing is drawn.";
    settled = true;
    window.kgStabilized = performance.now();
  }
  physicsButton.addEventListener("click", function () { setPhysics(!physicsOn); });
  document.getElementById("kg-fit").addEventListener("click", function () { network.fit({ animation: { duration: 300 } }); });

  // ---- communities: labels on the canvas, list in the sidebar ----------------------
  var labelBoxes = []; // [x0, y0, x1, y1, community] in canvas coordinates, from the last drawing
  var MAX_COMMUNITY_LABELS = 16;
  network.on("afterDrawing", function (ctx) {
    labelBoxes = [];
    if (WHOLE) return;
    var scale = network.getScale();
    var groups = new Map();
    nodeView.getIds().forEach(function (id) {
      var ref = byId.get(id);
      if (ref[0] !== ENTITY) return;
      var c = E.comm[ref[1]];
      if (c < 0) return;
      if (!groups.has(c)) groups.set(c, []);
      groups.get(c).push(id);
    });
    var shown = Array.from(groups.keys()).filter(function (c) { return groups.get(c).length >= 3; }).sort(function (a, b) { return a - b; });
    var size = 13 / scale; // the same size on screen at every zoom
    ctx.save();
    ctx.font = "600 " + size + "px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "bottom";
    shown.slice(0, MAX_COMMUNITY_LABELS).forEach(function (c) {
      var pos = network.getPositions(groups.get(c));
      var sx = 0, top = Infinity, n = 0;
      Object.keys(pos).forEach(function (id) { sx += pos[id].x; top = Math.min(top, pos[id].y); n++; });
      var x = sx / n, y = top - 22;
      var text = communities[c].short;
      var w = ctx.measureText(text).width;
      ctx.lineWidth = 4 / scale;
      ctx.strokeStyle = "rgba(255,255,255,0.9)";
      ctx.fillStyle = "#343a40";
      ctx.strokeText(text, x, y);
      ctx.fillText(text, x, y);
      labelBoxes.push([x - w / 2, y - size, x + w / 2, y, c]);
    });
    ctx.restore();
  });
  function communityAt(point) {
    for (var k = 0; k < labelBoxes.length; k++) {
      var b = labelBoxes[k];
      if (point.x >= b[0] && point.x <= b[2] && point.y >= b[1] && point.y <= b[3]) return b[4];
    }
    return -1;
  }
  var commBox = document.getElementById("kg-communities");
  var COMMUNITIES_LISTED = 40;
  if (WHOLE || !communities.length) {
    document.getElementById("kg-communities-section").hidden = true;
  } else {
    communities.slice(0, COMMUNITIES_LISTED).forEach(function (c, k) {
      var b = el("button", "kg-community", c.label);
      b.type = "button";
      b.appendChild(el("span", "kg-count", fmt(c.size) + " \u00b7 " + fmt(c.papers)));
      b.title = fmt(c.size) + " entities, " + fmt(c.papers) + " paper mentions";
      b.addEventListener("click", function () { expandCommunity(k); });
      commBox.appendChild(b);
    });
    if (communities.length > COMMUNITIES_LISTED) {
      commBox.appendChild(el("p", "kg-hint", "\u2026 and " + fmt(communities.length - COMMUNITIES_LISTED) + " smaller ones (search finds their members)"));
    }
  }

  // ---- drawing more: neighbourhoods and communities ------------------------------
  function drawnPositions() {
    return network.getPositions();
  }
  /** Positions for `ids` on rings around `center` (skipping those already drawn). */
  function ring(ids, center, radius, into) {
    var n = ids.length;
    if (!n) return;
    var r = Math.max(radius, (n * 46) / (2 * Math.PI));
    ids.forEach(function (id, k) {
      var a = (2 * Math.PI * k) / n + 0.3;
      into[id] = { x: center.x + r * Math.cos(a), y: center.y + r * Math.sin(a) };
    });
  }
  function spotFor(id, pos) {
    // next to what it is linked to when that is drawn, else beside the drawing
    var near = neighbours(id, 40).filter(function (m) { return pos[m]; });
    if (near.length) {
      var sx = 0, sy = 0;
      near.forEach(function (m) { sx += pos[m].x; sy += pos[m].y; });
      return { x: sx / near.length + 60, y: sy / near.length + 60 };
    }
    var maxX = 0;
    Object.keys(pos).forEach(function (m) { maxX = Math.max(maxX, pos[m].x); });
    return { x: maxX + 400, y: 0 };
  }
  /** The nodes a node's neighbourhood view draws, strongest first, at most `limit` of each kind. */
  function neighbours(id, limit) {
    var ref = byId.get(id);
    if (!ref) return [];
    var k = ref[1];
    var out = [];
    if (ref[0] === ENTITY) {
      edgesOfEntity(k).slice(0, limit).forEach(function (ei) {
        var e = edge(ei);
        out.push(E.id[e[0] === k ? e[1] : e[0]]);
      });
      papersOfEntity(k).slice(0, Math.ceil(limit / 2)).forEach(function (p) { out.push(paperId(p[0])); });
      entFindings[k].slice(0, Math.ceil(limit / 3)).forEach(function (f) { out.push(F.id[f]); });
    } else if (ref[0] === PAPER) {
      P.ents[k].concat(paperLinks[k].map(function (l) { return l[0]; })).slice(0, limit).forEach(function (e) { out.push(E.id[e]); });
      paperFindings[k].slice(0, limit).forEach(function (f) { out.push(F.id[f]); });
    } else {
      if (F.paper[k] >= 0) out.push(paperId(F.paper[k]));
      fnd(k).links.forEach(function (l) { out.push(E.id[l[1]]); });
    }
    return Array.from(new Set(out)).filter(function (m) { return m !== id; });
  }
  function resetIfFull(extra) {
    if (nodes.length + extra > MAX_DRAWN) showOverview();
  }
  /** Draw node `id` (if it is not) and its neighbourhood; returns the ids now in view. */
  function expand(id) {
    var around = neighbours(id, 16);
    resetIfFull(around.length + 1);
    var pos = drawnPositions();
    var add = {};
    var center = pos[id] || spotFor(id, pos);
    if (!pos[id]) add[id] = center;
    var entitiesNew = around.filter(function (m) { return !pos[m] && byId.get(m)[0] === ENTITY; });
    var othersNew = around.filter(function (m) { return !pos[m] && byId.get(m)[0] !== ENTITY; });
    ring(entitiesNew, center, 150, add);
    ring(othersNew, center, 260, add);
    addNodes([id].concat(entitiesNew, othersNew), add);
    updateStats();
    return [id].concat(around);
  }
  /** Draw the best-used members of community `c` and bring them into view. */
  function expandCommunity(c) {
    var members = communities[c].members.map(function (e) { return E.id[e]; });
    resetIfFull(members.length);
    var pos = drawnPositions();
    var drawnOnes = members.filter(function (m) { return pos[m]; });
    var center = drawnOnes.length ? pos[drawnOnes[0]] : spotFor(members[0], pos);
    var add = {};
    ring(members.filter(function (m) { return !pos[m]; }), center, 170, add);
    addNodes(members, add);
    updateStats();
    network.fit({ nodes: members, animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    status(communities[c].label + ": " + fmt(communities[c].size) + " entities");
  }
  function expandAndFit(id) {
    var around = expand(id).filter(function (m) { return nodes.get(m) !== null; });
    network.fit({ nodes: around, animation: { duration: 400, easingFunction: "easeInOutQuad" } });
  }
  window.kgExpand = expand;
  window.kgExpandCommunity = expandCommunity;
  function showOverview() {
    var keep = new Set(data.draw.ids);
    nodes.remove(nodes.getIds().filter(function (id) { return !keep.has(id); }));
    edges.remove(edges.getIds().filter(function (eid) {
      var e = edges.get(eid);
      return !keep.has(e.from) || !keep.has(e.to);
    }));
    updateStats();
  }
  window.kgOverview = showOverview;
  var overviewButton = document.getElementById("kg-overview");
  if (WHOLE) overviewButton.hidden = true;
  overviewButton.addEventListener("click", function () {
    showOverview();
    network.fit({ animation: { duration: 300 } });
  });

  // ---- filters UI ----------------------------------------------------------------
  var typeCounts = new Map();
  function bump(t, n) { typeCounts.set(t, (typeCounts.get(t) || 0) + n); }
  for (i = 0; i < nE; i++) bump(data.types[E.type[i]], 1);
  bump("Paper", nP);
  bump("Finding", nF);
  var relCounts = new Map();
  function bumpRel(r, n) { relCounts.set(rels[r], (relCounts.get(rels[r]) || 0) + n); }
  for (i = 0; i < nEdges; i++) bumpRel(data.edges[4 * i + 2], 1);
  if (MENTIONS >= 0) for (i = 0; i < nP; i++) bumpRel(MENTIONS, P.ents[i].length);
  for (i = 0; i + 2 < data.links.length; i += 3) bumpRel(data.links[i + 2], 1);
  for (i = 0; i < nF; i++) {
    for (j = 0; j < F.links[i].length; j += 2) bumpRel(F.links[i][j], 1);
    if (F.paper[i] >= 0 && REPORTS >= 0) bumpRel(REPORTS, 1);
  }
  data.extra.forEach(function (x) { bumpRel(x[2], 1); });

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
  function checkbox(box, name, value, swatch, label, total, onChange) {
    var row = el("label", "kg-check");
    var input = el("input");
    input.type = "checkbox";
    input.checked = name === "type" ? state.types.has(value) : state.relations.has(value);
    input.name = name;
    input.value = value;
    input.addEventListener("change", function () { onChange(value, input.checked); });
    append(row, input, swatch, el("span", "kg-check-label", label), el("span", "kg-count", fmt(total)));
    box.appendChild(row);
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
  var maxPapers = nE ? Math.max(1, E.papers[0]) : 1; // entities are ranked: most papers first
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
    stats.textContent = fmt(nodeView.length) + " nodes, " + fmt(edgeView.length) + " edges shown of " +
      fmt(meta.total_nodes) + " nodes, " + fmt(meta.total_edges) + " edges";
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
  var notes = [meta.hidden_note, meta.evidence_note].filter(function (t) { return t; });
  if (notes.length) {
    note.textContent = notes.join(". ");
    note.hidden = false;
  }

  // ---- search: every entity, alias and paper title, drawn or not ----------------------
  var searchInput = document.getElementById("kg-search");
  var searchStatus = document.getElementById("kg-search-status");
  var suggest = document.getElementById("kg-suggest");
  var nameLow = []; // lower-cased name
  var nameText = []; // the name as written
  var nameNode = []; // node id
  function addName(text, id) {
    text = String(text || "");
    if (!text) return;
    nameText.push(text);
    nameLow.push(text.toLowerCase());
    nameNode.push(id);
  }
  for (i = 0; i < nE; i++) {
    addName(E.label[i], E.id[i]);
    aliasesOf(i).forEach(function (a) { addName(a, E.id[i]); });
  }
  for (i = 0; i < nP; i++) addName(P.title[i], paperId(i));
  for (i = 0; i < nF; i++) addName(F.label[i], F.id[i]);

  /** Matches of q (case-insensitive substring of a name or alias), best first:
   * exact match, then prefix, then substring; ties by papers, then shorter name.
   * Returns [{id, name}] (name: the label or alias that matched). */
  function searchNames(q, limit) {
    q = String(q || "").trim().toLowerCase();
    if (!q) return [];
    var best = new Map();
    for (var k = 0; k < nameLow.length; k++) {
      var at = nameLow[k].indexOf(q);
      if (at < 0) continue;
      var rank = nameLow[k].length === q.length ? 0 : at === 0 ? 1 : 2;
      var prev = best.get(nameNode[k]);
      if (!prev || rank < prev.rank || (rank === prev.rank && nameLow[k].length < prev.len)) {
        best.set(nameNode[k], { id: nameNode[k], rank: rank, len: nameLow[k].length, name: nameText[k], papers: info(nameNode[k]).papers });
      }
    }
    var found = Array.from(best.values()).sort(function (a, b) {
      return a.rank - b.rank || b.papers - a.papers || a.len - b.len || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    });
    return limit ? found.slice(0, limit) : found;
  }
  function search(q) {
    return searchNames(q).map(function (m) { return m.id; });
  }
  window.kgSearch = search;

  function status(text) {
    searchStatus.textContent = text;
  }
  function runSearch() {
    var found = search(searchInput.value);
    if (!found.length) {
      status(searchInput.value.trim() ? "no match" : "");
      return;
    }
    focusNode(found[0]);
    status(found.length === 1 ? "1 match" : fmt(found.length) + " matches");
  }
  var SUGGESTIONS = 12;
  function fillSuggestions() {
    clear(suggest);
    searchNames(searchInput.value, SUGGESTIONS).forEach(function (m) {
      var opt = document.createElement("option");
      opt.value = m.name;
      var x = info(m.id);
      opt.label = (m.name !== x.label ? m.name + " (" + shortLabel(x.label, 40) + ")" : m.name) + " \u00b7 " + x.type;
      suggest.appendChild(opt);
    });
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
    else fillSuggestions();
  });
  document.getElementById("kg-search-go").addEventListener("click", runSearch);

  /** Select node `id`, drawing it and its neighbourhood first when it is not drawn, and show its panel. */
  function focusNode(id) {
    if (!byId.has(id)) return;
    var inView = [id];
    if (nodes.get(id) === null) inView = expand(id);
    if (!nodeVisible(id)) {
      status("\u201c" + info(id).label + "\u201d is hidden by the filters");
      network.unselectAll();
    } else {
      network.selectNodes([id]);
      if (inView.length > 1) {
        network.fit({ nodes: inView.filter(function (m) { return nodes.get(m) !== null && nodeVisible(m); }), animation: { duration: 400, easingFunction: "easeInOutQuad" } });
      } else {
        network.focus(id, { scale: Math.max(1, network.getScale()), animation: { duration: 400, easingFunction: "easeInOutQuad" } });
      }
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
    var x = info(id);
    var b = el("button", "kg-node-link", x ? x.label : id);
    b.type = "button";
    if (x) b.appendChild(el("span", "kg-type-tag", x.type));
    b.addEventListener("click", function () { focusNode(id); });
    return b;
  }
  /** A sentence with the mention (hl = [start, end], UTF-16 indices) in a <mark>. */
  function sentence(text, h0, h1) {
    var q = el("blockquote", "kg-evidence");
    text = String(text || "");
    if (h0 >= 0 && h1 > h0 && h1 <= text.length) {
      append(q, text.slice(0, h0), el("mark", null, text.slice(h0, h1)), text.slice(h1));
    } else {
      q.textContent = text;
    }
    return q;
  }
  function evidenceList(ids, total) {
    var box = el("div", "kg-evidence-list");
    ids.forEach(function (k) {
      var ev = EV[k];
      var item = sentence(ev[2], ev[3], ev[4]);
      if (rules[ev[5]]) item.appendChild(el("span", "kg-rule", rules[ev[5]]));
      box.appendChild(item);
    });
    if (total > ids.length) {
      box.appendChild(el("p", "kg-more", "\u2026 and " + fmt(total - ids.length) + " more in graph.json"));
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
  function paperLine(p) {
    var line = el("div", "kg-paper");
    append(line, link(paperUrl(p), P.title[p]), " ", nodeButtonSmall(paperId(p)));
    return line;
  }
  function nodeButtonSmall(id) {
    var b = el("button", "kg-goto", "show");
    b.type = "button";
    b.title = "Show this node in the graph";
    b.addEventListener("click", function () { focusNode(id); });
    return b;
  }
  function more(parent, n, what) {
    if (n > 0) parent.appendChild(el("p", "kg-more", "\u2026 and " + fmt(n) + " more" + (what ? " " + what : "")));
  }

  var MAX_LIST = 50;
  function showPanel(id) {
    var x = info(id);
    if (!x) return;
    clear(panelBody);
    panel.hidden = false;
    panel.setAttribute("data-node", id);
    var head = el("header", "kg-panel-head");
    append(head, swatchNode(x.type), el("span", "kg-panel-type", x.type));
    if (!WHOLE) {
      var grow = el("button", "kg-goto", "draw neighbours");
      grow.type = "button";
      grow.addEventListener("click", function () { expandAndFit(id); });
      head.appendChild(grow);
    }
    panelBody.appendChild(head);
    panelBody.appendChild(el("h2", "kg-panel-title", x.label));
    if (x.kind === PAPER) paperPanel(x.index);
    else if (x.kind === FINDING) findingPanel(x.index);
    else entityPanel(x.index);
    panelBody.scrollTop = 0;
  }

  function entityPanel(e) {
    var about = section("About");
    fields(about, [
      ["papers", fmt(E.papers[e])],
      ["key", keyOf(e)],
      ["aliases", aliasesOf(e).join(", ")],
    ]);
    if (!WHOLE && E.comm[e] >= 0) {
      var c = E.comm[e];
      var row = el("div", "kg-relation");
      var b = el("button", "kg-node-link", communities[c].label);
      b.type = "button";
      b.addEventListener("click", function () { expandCommunity(c); });
      append(row, el("span", "kg-rel-key", "community (" + fmt(communities[c].size) + ")"), " ", b);
      about.appendChild(row);
    }
    var lineage = E.lineage[e];
    if (lineage) {
      fields(section("Lineage"), [["family", lineage.family], ["version", lineage.version], ["size", lineage.size], ["flavour", lineage.flavour]]);
    }
    var rel = edgesOfEntity(e);
    if (rel.length) {
      var rs = section("Relations (" + fmt(rel.length) + ")");
      rel.slice(0, MAX_LIST).forEach(function (ei) {
        var x = edge(ei);
        var out = x[0] === e;
        var r = el("div", "kg-relation");
        append(r, el("span", "kg-rel-key", (out ? "\u2192 " : "\u2190 ") + relName(x[2])), " ", nodeButton(E.id[out ? x[1] : x[0]]));
        if (x[3] > 1) r.appendChild(el("span", "kg-count", "\u00d7" + fmt(x[3])));
        var ids = data.edge_ev[ei] || [];
        if (rels[x[2]] !== "co_occurs" && ids.length) r.appendChild(evidenceList(ids, data.edge_nev[ei] || ids.length));
        rs.appendChild(r);
      });
      more(rs, rel.length - MAX_LIST);
    }
    if (entFindings[e].length) {
      var fs = section("Findings (" + fmt(entFindings[e].length) + ")");
      entFindings[e].slice(0, MAX_LIST).forEach(function (f) {
        var r = el("div", "kg-relation");
        r.appendChild(nodeButton(F.id[f]));
        fs.appendChild(r);
      });
      more(fs, entFindings[e].length - MAX_LIST);
    }
    // the papers that mention / propose / use it, with the sentences embedded for it
    var papers = papersOfEntity(e);
    var byPaper = new Map();
    (E.ev[e] || []).forEach(function (k) {
      var p = EV[k][0];
      if (!byPaper.has(p)) byPaper.set(p, []);
      byPaper.get(p).push(k);
    });
    if (papers.length) {
      // papers with a sentence first: they say most
      papers.sort(function (a, b) { return byPaper.has(b[0]) - byPaper.has(a[0]) || a[0] - b[0]; });
      var ps = section("Papers (" + fmt(papers.length) + (E.papers[e] > papers.length ? " of " + fmt(E.papers[e]) : "") + ")");
      papers.slice(0, MAX_LIST).forEach(function (pr) {
        var block = el("div", "kg-paper-block");
        block.appendChild(paperLine(pr[0]));
        pr[1].forEach(function (r) { block.appendChild(el("span", "kg-rel-key", relName(r))); });
        if (byPaper.has(pr[0])) block.appendChild(evidenceList(byPaper.get(pr[0]), 0));
        ps.appendChild(block);
      });
      more(ps, papers.length - MAX_LIST, "papers");
      var total = E.nev[e];
      if (total) ps.appendChild(el("p", "kg-more", fmt((E.ev[e] || []).length) + " of " + fmt(total) + " sentences embedded; graph.json holds them all"));
    }
  }

  function paperPanel(p) {
    var about = section("Paper");
    fields(about, [["id", paperId(p).replace(/^paper\//, "")], ["topics", (P.topics[p] || []).join(", ")]]);
    var url = paperUrl(p);
    if (isHttp(url)) {
      var line = el("p");
      line.appendChild(link(url, P.arxiv[p] ? "arXiv:" + P.arxiv[p] : url));
      about.appendChild(line);
    }
    var groups = new Map();
    function put(key, ent) {
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(ent);
    }
    paperLinks[p].forEach(function (l) { put(rels[l[1]], l[0]); });
    P.ents[p].forEach(function (e) { put("mentions", e); });
    var order = ["proposes", "uses", "mentions", "affiliated_with"];
    Array.from(groups.keys()).sort(function (a, b) {
      var ia = order.indexOf(a), ib = order.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || (a < b ? -1 : 1);
    }).forEach(function (key) {
      var ents = groups.get(key);
      var s = section((key === "mentions" ? "Entities" : key.replace(/_/g, " ")) + " (" + fmt(ents.length) + ")");
      var r = rels.indexOf(key);
      ents.slice(0, MAX_LIST * 2).forEach(function (e) {
        var row = el("div", "kg-relation");
        row.appendChild(nodeButton(E.id[e]));
        var mine = (E.ev[e] || []).filter(function (k) { return EV[k][0] === p && EV[k][1] === r; });
        if (mine.length) row.appendChild(evidenceList(mine, 0));
        s.appendChild(row);
      });
      more(s, ents.length - MAX_LIST * 2);
    });
    if (paperFindings[p].length) {
      var fs = section("Findings (" + fmt(paperFindings[p].length) + ")");
      paperFindings[p].forEach(function (f) {
        var row = el("div", "kg-relation");
        row.appendChild(nodeButton(F.id[f]));
        fs.appendChild(row);
      });
    }
    if (P.text && P.text[p]) section("Abstract").appendChild(el("p", "kg-abstract", P.text[p]));
    else if (!meta.abstracts && nP) section("Abstract").appendChild(el("p", "kg-more", "not embedded in a page this large; graph.json holds it"));
  }

  function findingPanel(k) {
    var x = fnd(k);
    var about = section("Finding");
    var linked = {};
    x.links.forEach(function (l) {
      var key = rels[l[0]];
      if (!linked[key]) linked[key] = [];
      linked[key].push(E.label[l[1]]);
    });
    function names(key) { return (linked[key] || []).join(", "); }
    fields(about, [
      ["subject", names("subject")],
      ["metric", x.metric || names("metric")],
      ["value", x.value === null ? "" : x.value],
      ["unit", x.unit],
      ["direction", x.direction],
      ["qualifier", x.qualifier],
      ["baseline", x.baseline === undefined ? "" : x.baseline],
      ["compared to", names("compared_to")],
      ["settings", names("setting")],
      ["rule", x.rule],
    ]);
    if (x.sentence) about.appendChild(sentence(x.sentence, x.hl[0], x.hl[1]));
    else if (x.text) about.appendChild(el("blockquote", "kg-evidence", x.text));
    if (x.paper >= 0) section("Paper").appendChild(paperLine(x.paper));
    if (x.links.length) {
      var ls = section("Linked entities");
      x.links.forEach(function (l) {
        var row = el("div", "kg-relation");
        append(row, el("span", "kg-rel-key", rels[l[0]]), " ", nodeButton(E.id[l[1]]));
        ls.appendChild(row);
      });
    }
  }

  network.on("click", function (params) {
    if (params.nodes && params.nodes.length) {
      showPanel(params.nodes[0]);
      return;
    }
    var c = communityAt(params.pointer.canvas);
    if (c >= 0) expandCommunity(c);
  });
  network.on("doubleClick", function (params) {
    if (!WHOLE && params.nodes && params.nodes.length) expandAndFit(params.nodes[0]);
  });
})();
