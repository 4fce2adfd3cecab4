// The network drawn as in the article: neurons in columns, an edge per weight coloured by
// its sign and sized by |w|, every weight and bias a real <button> (data-param, data-index: the
// editor listens for their clicks). The numbers come from the API's State and Step; this file
// only lays them out.

import { fmt } from "./format.js";

const SVG = "http://www.w3.org/2000/svg";
const XHTML = "http://www.w3.org/1999/xhtml";
const POSITIVE = "#2f6fb5";
const NEGATIVE = "#d9822b";
const R = 27;

function element(namespace, tag, attrs, text) {
  const node = document.createElementNS(namespace, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Create an SVG element with attributes (and text). */
export function svgEl(tag, attrs = {}, text) {
  return element(SVG, tag, attrs, text);
}

/** Create an HTML element (inside the SVG's foreignObjects) with attributes (and text). */
function htmlEl(tag, attrs = {}, text) {
  return element(XHTML, tag, attrs, text);
}

/** The article's scalar names in a 1-1-…-1 network (w1, b2), else W1[0,0] and b1[0]. */
export function symbolOf(sizes, name, index) {
  if (sizes.every((n) => n === 1)) return name.toLowerCase();
  return `${name}[${index.join(",")}]`;
}

/** The data-testid suffix of a parameter: "W1-0-0", "b2-0". */
export function keyOf(name, index) {
  return [name, ...index].join("-");
}

/* ---------- where everything goes ----------
 * Two layouts, and no two labels overlapping in either (tests/test_web_tour.py measures them):
 * - wide: every weight and bias a labelled box ("w1 = 0.5", its gradient and update below)
 *   placed on its edge where it collides with nothing placed before (label sizes estimated
 *   from their text: monospace digits), for networks whose layers have at most two weights;
 * - dense: a dot per weight on its edge, at a fraction of the way that depends only on the
 *   neuron it feeds (so dots into different neurons are in different columns), with room
 *   for every column and row by construction: a gap of DOT_STEP / SPREAD per neuron fed, and
 *   rows far enough apart that the dots of one column never touch.
 */
const MONO = 7.9;          // px per character of the labels' 13 px monospace
const SMALL = 7.6;         // ... of their 12.5 px lines (gradient, update)
const DOT = 14;            // a weight's dot, px
const DOT_STEP = 20;       // centre to centre of two dots, at least
const [T0, SPREAD] = [0.22, 0.5];   // dots from 22 % to 72 % of the way along their edge
const ROW = 76;            // between two neurons of the tallest dense layer
const TOP = 14;
const BOTTOM = 44;

function wideLayout(sizes) {
  const tallest = Math.max(...sizes);
  const [colW, rowH, top] = [300, 150, 40];
  const width = Math.max(480, colW * (sizes.length - 1) + 140);
  const span = tallest * rowH;
  const height = top + span + 70;        // room for the lowest bias's three lines, and the names
  const xs = sizes.map((_, l) => 70 + (l * (width - 140)) / Math.max(1, sizes.length - 1));
  const ys = sizes.map((n) => Array.from({ length: n }, (_, i) => top + (span * (i + 0.5)) / n));
  return { width, height, xs, ys, dense: false };
}

function denseLayout(sizes) {
  const tallest = Math.max(...sizes);
  const gaps = sizes.slice(1).map((n) => Math.max(200, (DOT_STEP * n) / SPREAD));
  const xs = [80];
  gaps.forEach((gap) => xs.push(xs[xs.length - 1] + gap));
  const width = Math.max(480, xs[xs.length - 1] + 80);
  const span = tallest * ROW;
  const height = TOP + span + BOTTOM;
  const ys = sizes.map((n) => Array.from({ length: n }, (_, i) => TOP + (span * (i + 0.5)) / n));
  return { width, height, xs, ys, dense: true };
}

/** Where a weight's label goes, and whether it grows up from its edge (wide only). */
function weightAt(geo, k, i, j, nOut) {
  const [x1, y1, x2, y2] = [geo.xs[k], geo.ys[k][i], geo.xs[k + 1], geo.ys[k + 1][j]];
  const [t, up] = geo.dense ? [T0 + (SPREAD * (j + 0.5)) / nOut, false] : geo.placed.get(keyOf(`W${k + 1}`, [i, j]));
  return [x1 + t * (x2 - x1), y1 + t * (y2 - y1), up];
}

function biasAt(geo, l, j) {
  const [cx, cy] = [geo.xs[l], geo.ys[l][j]];
  return geo.dense ? [cx, cy + R + 10] : [cx, cy + R + 18];
}

/** A parameter's gradient after Backward and its value before Update (null before). */
function stepValues(view, name, index, k) {
  return { grad: view.backward ? pick(view.backward.gradients[name], index) : null,
    old: view.updated ? pick(view.updated.layers[k][name.startsWith("W") ? "W" : "b"], index) : null };
}

/** The lines of a wide label: its value, and its gradient and update once a step shows them. */
function labelLines(view, name, index, value, k) {
  const symbol = symbolOf(view.state.network.sizes, name, index);
  const { grad, old } = stepValues(view, name, index, k);
  return { symbol, grad, old,
    texts: [`${symbol} = ${fmt(value)}`, grad !== null ? `∂L/∂${symbol} = ${fmt(grad)}` : null,
      old !== null ? `${fmt(old)} → ${fmt(value)}` : null] };
}

/** The box a wide label takes (its text's estimated size), centred on x: its value's button
 * from y - 14 to y + 8, the gradient and update lines below it (or above it: up). */
function labelBox(lines, [x, y, up = false]) {
  const [first, ...rest] = lines.filter((t) => t !== null);
  const width = Math.max(first.length * MONO + 16, ...rest.map((t) => t.length * SMALL + 10));
  const height = 22 + 19 * rest.length;
  return { x: x - width / 2, y: up ? y + 8 - height : y - 14, width, height };
}

function overlaps(a, b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/**
 * A wide layout's label places, or null where some label finds no free place (the network
 * is then drawn dense). Obstacles first: the neurons, their deltas, the layer names, the
 * biases; then each weight at the first fraction of its edge that is free.
 */
function placeWide(view, geo) {
  const { state } = view;
  const taken = textBoxes(view, geo, { withDeltas: true });
  geo.xs.forEach((cx, l) => geo.ys[l].forEach((cy) => {
    taken.push({ x: cx - R, y: cy - R, width: 2 * R, height: 2 * R });
  }));
  state.network.layers.forEach((layer, k) => layer.b.forEach((b, j) => {
    taken.push(labelBox(labelLines(view, `b${k + 1}`, [j], b, k).texts, biasAt(geo, k + 1, j)));
  }));
  const placed = new Map();
  const tries = [0.5, 0.4, 0.6, 0.3, 0.7, 0.35, 0.65, 0.25, 0.75, 0.2, 0.8]
    .flatMap((t) => [[t, false], [t, true]]);
  for (const [k, layer] of state.network.layers.entries()) {
    for (let i = 0; i < layer.W.length; i += 1) {
      for (let j = 0; j < layer.W[0].length; j += 1) {
        const texts = labelLines(view, `W${k + 1}`, [i, j], layer.W[i][j], k).texts;
        const [x1, y1, x2, y2] = [geo.xs[k], geo.ys[k][i], geo.xs[k + 1], geo.ys[k + 1][j]];
        const boxAt = ([t, up]) => labelBox(texts, [x1 + t * (x2 - x1), y1 + t * (y2 - y1), up]);
        const found = tries.find((place) => {
          const box = boxAt(place);
          return box.y >= 0 && box.y + box.height <= geo.height && !taken.some((o) => overlaps(o, box));
        });
        if (found === undefined) return null;
        taken.push(boxAt(found));
        placed.set(keyOf(`W${k + 1}`, [i, j]), found);
      }
    }
  }
  return placed;
}

/* ---------- the texts of the drawing: each neuron's value and delta, each layer's name ---------- */

function layerNames(view) {
  const { state } = view;
  const sizes = state.network.sizes;
  const features = state.data ? state.data.feature_names : [];
  const short = (text) => (text.length > 14 ? `${text.slice(0, 13)}…` : text);
  return sizes.map((_, l) => {
    if (l === 0) {
      return `input${!features.length ? "" : features.length === 1 ? `: ${short(features[0])}` : ` (${features.length})`}`;
    }
    return `${l === sizes.length - 1 ? "output" : `hidden ${l}`} (${state.network.layers[l - 1].activation})`;
  });
}

/** What a neuron shows (its value, and its delta after Backward). */
function neuronShown(view, l, j) {
  const { state } = view;
  const sampleRow = state.data && state.data.X ? state.data.X[state.sample] : null;
  return neuronValue(view, l, j, sampleRow);
}

/** The boxes of the drawing's texts (estimated from their characters: monospace digits,
 * generous for the layer names' proportional font), in the SVG's units. */
function textBoxes(view, geo, { withDeltas }) {
  const boxes = [];
  view.state.network.sizes.forEach((n, l) => {
    for (let j = 0; j < n; j += 1) {
      const [cx, cy] = [geo.xs[l], geo.ys[l][j]];
      const shown = neuronShown(view, l, j);
      const w = shown.text.length * 7.4 + 4;
      boxes.push({ kind: "value", x: cx - w / 2, y: cy - 8, width: w, height: 15 });
      if (withDeltas && l > 0) {
        const text = shown.delta === null ? "δ = -0.000000e-00" : `δ = ${fmt(shown.delta)}`;   // its room, kept
        const dw = text.length * 6.8 + 4;
        boxes.push({ kind: "delta", x: cx - dw / 2, y: cy - R - 16, width: dw, height: 14 });
      }
    }
  });
  layerNames(view).forEach((name, l) => {
    const w = name.length * 7.4 + 6;
    boxes.push({ kind: "layer", x: geo.xs[l] - w / 2, y: geo.height - 17, width: w, height: 17 });
  });
  return boxes;
}

/** The layout of a network: wide (labelled) while its labels fit, else dense. */
function layout(view) {
  const sizes = view.state.network.sizes;
  const small = view.state.network.layers.every((layer) => layer.W.length * layer.W[0].length <= 2);
  if (small) {
    const geo = wideLayout(sizes);
    geo.placed = placeWide(view, geo);
    if (geo.placed) return geo;
  }
  return denseLayout(sizes);
}

/** A weight's or bias's label box (a dot, dense; its lines, wide), in the SVG's units. */
function paramBox(view, name, index, value, [cx, cy, up = false], dense, k) {
  if (dense) return { x: cx - DOT / 2 - 1, y: cy - DOT / 2 - 1, width: DOT + 2, height: DOT + 2 };
  return labelBox(labelLines(view, name, index, value, k).texts, [cx, cy, up]);
}

/**
 * Every label of the drawing and the box it is drawn in (what drawNetwork draws: a test
 * checks no two overlap for every layer up to the page's limits, and that each drawn label
 * stays inside its box): {geo, boxes: [{kind, key, x, y, width, height}]}.
 */
export function labelBoxes(view) {
  const geo = layout(view);
  const boxes = textBoxes(view, geo, { withDeltas: !geo.dense });
  view.state.network.layers.forEach((layer, k) => {
    for (let i = 0; i < layer.W.length; i += 1) {
      for (let j = 0; j < layer.W[0].length; j += 1) {
        const key = keyOf(`W${k + 1}`, [i, j]);
        const at = weightAt(geo, k, i, j, layer.W[0].length);
        boxes.push({ kind: "param", key, ...paramBox(view, `W${k + 1}`, [i, j], layer.W[i][j], at, geo.dense, k) });
      }
    }
    layer.b.forEach((b, j) => {
      const box = paramBox(view, `b${k + 1}`, [j], b, biasAt(geo, k + 1, j), geo.dense, k);
      boxes.push({ kind: "param", key: keyOf(`b${k + 1}`, [j]), ...box });
    });
  });
  return { geo, boxes };
}

/**
 * Draw the network.
 *
 * view: {state, forward: Step|null, backward: Step|null, updated: Step|null,
 *        selected: {name, index}|null, animate: bool}.
 *
 * A dense drawing whose structure is the one drawn last (the same sizes, layer names and
 * size: what Run redraws many times a second) is updated in place: each edge's colour and
 * width, each parameter button's class and labels, each neuron's value, set from the new
 * view where they changed, without building a drawing to compare (a focused button keeps
 * the focus). Anything else is drawn anew and morphed into the page's drawing.
 */
export function drawNetwork(svg, view) {
  // Numbers on the edges while they fit (the article's chains and forks); else a dot per
  // weight, its numbers on hover and in the derivation panel.
  const geo = layout(view);
  const key = structureKey(view, geo);
  const last = drawnParts.get(svg);
  if (key !== null && last && last.key === key && updateInPlace(svg, last, view)) return;
  const { dense } = geo;
  svg.setAttribute("viewBox", `0 0 ${geo.width} ${geo.height}`);
  svg.style.maxWidth = `${geo.width}px`;
  svg.dataset.layout = dense ? "dense" : "wide";
  const edges = svgEl("g", { class: "edges" });
  const labels = svgEl("g", { class: "labels" });
  const neurons = svgEl("g", { class: "neurons" });
  view.state.network.layers.forEach((layer, k) => {
    drawLayerEdges(edges, labels, view, geo, k, dense);
  });
  drawNeurons(neurons, labels, view, geo, dense);
  morphChildren(svg, [edges, neurons, labels]);
  if (key === null) drawnParts.delete(svg);
  else drawnParts.set(svg, partsOf(svg, key));
}

/* ---------- a redraw in place (dense drawings: their structure depends on the sizes only) ---------- */

/** The drawing's elements that change with the numbers, per SVG, and the structure drawn. */
const drawnParts = new WeakMap();

/** What fixes a dense drawing's elements and places (null: a wide one, whose label boxes
 * follow the lengths of the numbers' texts, is always drawn anew). */
function structureKey(view, geo) {
  if (!geo.dense) return null;
  return JSON.stringify([view.state.network.sizes, geo.width, geo.height, layerNames(view)]);
}

/** The elements of a drawn dense network that the numbers change, where they belong, and
 * the texts last set on them (read back from the drawing). */
function partsOf(svg, key) {
  const [edgeGroup, neuronGroup] = svg.children;
  const edges = new Map(Array.from(edgeGroup.children, (line) => [
    line.getAttribute("data-testid").slice("edge-".length),
    { line, title: textNode(line.firstChild), stroke: line.getAttribute("stroke"),
      width: line.getAttribute("stroke-width") }]));
  const params = Array.from(svg.querySelectorAll("button[data-param]"), (button) => {
    const name = button.dataset.param;
    const index = button.dataset.index.split(",").map(Number);
    return { button, name, index, k: Number(name.slice(1)) - 1, edge: edges.get(keyOf(name, index)) || null,
      aria: button.getAttribute("aria-label"), title: button.getAttribute("title") };
  });
  const neurons = Array.from(neuronGroup.querySelectorAll(":scope > g.neuron"), (g) => {
    const [text, title] = [g.children[1], g.children[2]];
    const at = text.getAttribute("data-testid").split("-").slice(1).map(Number);
    return { text, title: textNode(title), cls: text.getAttribute("class"),
      l: at.length === 1 ? 0 : at[0], j: at[at.length - 1] };
  });
  return { key, first: edgeGroup, params, neurons };
}

/** The one text node of an element (made if it has none), whose data is then set. */
function textNode(node) {
  if (node.childNodes.length !== 1 || node.firstChild.nodeType !== Node.TEXT_NODE) {
    node.replaceChildren(document.createTextNode(node.textContent));
  }
  return node.firstChild;
}

function setData(text, value) {
  if (text.data !== value) text.data = value;
}

/** Update a dense drawing's numbers in place; false if its elements are no longer all on
 * the page (the editor's input replaces a button while a weight is typed). Each value's
 * text is written once, for its edge and its button. */
function updateInPlace(svg, parts, view) {
  if (svg.firstElementChild !== parts.first || !parts.params.every((p) => p.button.isConnected)) return false;
  const { layers } = view.state.network;
  const largest = weightScale(view.state);
  for (const part of parts.params) {
    const { button, name, index, k, edge } = part;
    const value = name.startsWith("W") ? layers[k].W[index[0]][index[1]] : layers[k].b[index[0]];
    const valueText = fmt(value);
    const look = paramLook(view, name, index, value, k, true, valueText);
    if (edge) {
      const line = edgeLook(view, k, index[0], index[1], largest, valueText);
      if (edge.stroke !== line.stroke) edge.line.setAttribute("stroke", (edge.stroke = line.stroke));
      if (edge.width !== line.width) edge.line.setAttribute("stroke-width", (edge.width = line.width));
      setData(edge.title, line.title);
    }
    if (button.className !== look.cls) button.className = look.cls;
    if (part.aria !== look.aria) button.setAttribute("aria-label", (part.aria = look.aria));
    if (part.title !== look.title) button.setAttribute("title", (part.title = look.title));
  }
  for (const neuron of parts.neurons) {
    const shown = neuronShown(view, neuron.l, neuron.j);
    if (neuron.text.textContent !== shown.text) neuron.text.textContent = shown.text;
    const cls = shown.idle ? "idle" : "";
    if (neuron.cls !== cls) neuron.text.setAttribute("class", (neuron.cls = cls));
    setData(neuron.title, shown.title);
  }
  return true;
}

/**
 * Make the children of `node` (on the page) like `fresh` (just drawn, not on the page),
 * changing only what differs: an element of the same kind in the same place stays, with
 * the attributes and texts that changed set on it. A redraw with new numbers (Run) then
 * costs what changed, not a new drawing's style and layout, and a focused button keeps
 * the focus. Where the children differ in number, they are replaced.
 */
function morphChildren(node, fresh) {
  if (node.childNodes.length !== fresh.length) {
    node.replaceChildren(...fresh);
    return;
  }
  let old = node.firstChild;
  for (const next of fresh) {
    const after = old.nextSibling;       // read first: a replaced node leaves the list
    morph(old, next);
    old = after;
  }
}

function morph(node, fresh) {
  if (node.nodeType !== fresh.nodeType || node.nodeName !== fresh.nodeName ||
      node.namespaceURI !== fresh.namespaceURI) {
    node.replaceWith(fresh);
    return;
  }
  if (node.nodeType !== Node.ELEMENT_NODE) {
    if (node.nodeValue !== fresh.nodeValue) node.nodeValue = fresh.nodeValue;
    return;
  }
  const attrs = fresh.attributes;
  for (let k = 0; k < attrs.length; k += 1) {
    const { name, value } = attrs[k];
    if (node.getAttribute(name) !== value) node.setAttribute(name, value);
  }
  // every attribute of fresh is on node now: any more are node's own, and go
  for (let k = node.attributes.length - 1; node.attributes.length > attrs.length && k >= 0; k -= 1) {
    const { name } = node.attributes[k];
    if (!fresh.hasAttribute(name)) node.removeAttribute(name);
  }
  const children = fresh.childNodes;
  if (children.length === 1 && node.childNodes.length === 1) {
    morph(node.firstChild, children[0]);     // a text or a single element: the common case
  } else if (children.length || node.childNodes.length) {
    morphChildren(node, Array.from(children));
  }
}

function weightScale(state) {
  let largest = 0;
  for (const layer of state.network.layers) {
    for (const row of layer.W) for (const w of row) largest = Math.max(largest, Math.abs(w));
  }
  return largest || 1;
}

/** An edge's colour, width and title: its weight's sign and size (of the largest |w|). */
function edgeLook(view, k, i, j, largest, text = undefined) {
  const w = view.state.network.layers[k].W[i][j];
  return { stroke: w >= 0 ? POSITIVE : NEGATIVE, width: (0.8 + 7 * Math.abs(w) / largest).toFixed(2),
    title: `${symbolOf(view.state.network.sizes, `W${k + 1}`, [i, j])} = ${text === undefined ? fmt(w) : text}` };
}

function drawLayerEdges(edges, labels, view, geo, k, dense) {
  const { state } = view;
  const layer = state.network.layers[k];
  const name = `W${k + 1}`;
  const nIn = layer.W.length;
  const nOut = layer.W[0].length;
  const largest = weightScale(state);
  for (let i = 0; i < nIn; i += 1) {
    for (let j = 0; j < nOut; j += 1) {
      const w = layer.W[i][j];
      const [x1, y1, x2, y2] = [geo.xs[k], geo.ys[k][i], geo.xs[k + 1], geo.ys[k + 1][j]];
      const look = edgeLook(view, k, i, j, largest);
      const line = svgEl("line", {
        x1, y1, x2, y2, stroke: look.stroke, "stroke-width": look.width,
        "stroke-opacity": 0.8, "data-testid": `edge-${keyOf(name, [i, j])}`,
      });
      line.append(svgEl("title", {}, look.title));
      edges.append(line);
      labels.append(paramLabel(view, name, [i, j], w, weightAt(geo, k, i, j, nOut), dense, k));
    }
  }
}

/** A parameter button's class, labels and text (its value; the gradient and update after a
 * step; whether it is the one selected). */
function paramLook(view, name, index, value, k, dense, text = fmt(value)) {
  const symbol = symbolOf(view.state.network.sizes, name, index);
  const { grad, old } = stepValues(view, name, index, k);
  const shown = `${symbol} = ${text}`;
  const sel = view.selected;
  const selected = sel && sel.name === name && sel.index.join(",") === index.join(",");
  return {
    symbol, grad, old, text: dense ? "" : shown,
    cls: `param ${value >= 0 ? "pos" : "neg"}${dense && grad !== null ? " has-grad" : ""}${selected ? " selected" : ""}`,
    aria: `${shown}: edit it and show its derivation`,
    title: shown + (grad !== null ? `\n∂L/∂${symbol} = ${fmt(grad)}` : "") +
      (old !== null ? `\nupdate: ${fmt(old)} → ${fmt(value)}` : ""),
  };
}

function paramLabel(view, name, index, value, [cx, cy, up = false], dense, k) {
  const sizes = view.state.network.sizes;
  const key = keyOf(name, index);
  const { symbol, grad, old, text, cls, aria, title } = paramLook(view, name, index, value, k, dense);
  const box = paramBox(view, name, index, value, [cx, cy, up], dense, k);
  const fo = svgEl("foreignObject", {
    x: box.x, y: box.y, width: box.width, height: box.height, class: "fo",
  });
  const label = htmlEl("div", { class: dense ? "plabel dense" : `plabel${up ? " up" : ""}` });
  const button = htmlEl("button", {
    type: "button", class: cls, "data-testid": `param-${key}`,
    "data-param": name, "data-index": index.join(","), "aria-label": aria, title,
  }, text);
  label.append(button);
  if (!dense && grad !== null) {
    const g = htmlEl("span", { class: `grad${reveal(view, sizes.length - 2 - k)}` });
    g.append(`∂L/∂${symbol} = `, htmlEl("b", { "data-testid": `grad-${key}` }, fmt(grad)));
    label.append(g);
  }
  if (!dense && old !== null) {
    const u = htmlEl("span", { class: "upd" });
    u.append(`${fmt(old)} → `, htmlEl("b", { "data-testid": `updated-${key}` }, fmt(value)));
    label.append(u);
  }
  fo.append(label);
  return fo;
}

/** The class that fades a gradient in, later the further it is from the output. */
function reveal(view, depth) {
  return view.animate ? ` reveal l${depth}` : "";
}

function pick(values, index) {
  if (!values) return null;
  return index.length === 2 ? values[index[0]][index[1]] : values[index[0]];
}

function drawNeurons(group, labels, view, geo, dense) {
  const { state } = view;
  const sizes = state.network.sizes;
  sizes.forEach((n, l) => {
    for (let j = 0; j < n; j += 1) {
      const [cx, cy] = [geo.xs[l], geo.ys[l][j]];
      const g = svgEl("g", { class: `neuron ${l === 0 ? "input" : ""}` });
      g.append(svgEl("circle", { cx, cy, r: R }));
      const shown = neuronShown(view, l, j);
      g.append(svgEl("text", {
        x: cx, y: cy + 4, "text-anchor": "middle", "data-testid": l === 0 ? `x-${j}` : `a-${l}-${j}`,
        class: shown.idle ? "idle" : "",
      }, shown.text));
      g.append(svgEl("title", {}, shown.title));
      if (shown.delta !== null && !dense) {
        g.append(svgEl("text", {
          x: cx, y: cy - R - 6, "text-anchor": "middle",
          class: `delta${reveal(view, sizes.length - 1 - l)}`, "data-testid": `delta-${l}-${j}`,
        }, `δ = ${fmt(shown.delta)}`));
      }
      group.append(g);
      if (l > 0) labels.append(biasLabel(view, l, j, geo, dense));
    }
  });
  layerNames(view).forEach((name, l) => {
    group.append(svgEl("text", { x: geo.xs[l], y: geo.height - 4, "text-anchor": "middle", class: "layer-name" }, name));
  });
}

function neuronValue(view, l, j, sampleRow) {
  if (l === 0) {
    const x = sampleRow ? sampleRow[j] : null;
    return { text: x === null ? "" : fmt(x, 4), title: `x${j + 1} = ${fmt(x)}`, delta: null };
  }
  const step = view.forward;
  if (!step) return idleValue(view.state, l, j);
  const layer = step.layers[l - 1];
  const back = view.backward ? view.backward.layers[l - 1] : null;
  const title = `z = ${fmt(layer.z[j])}\na = ${fmt(layer.a[j])}` + (back ? `\nδ = ${fmt(back.delta[j])}` : "");
  return { text: fmt(layer.a[j], 4), title, delta: back ? back.delta[j] : null };
}

/** Between steps: the State's activations of the selected sample, if the API sends them. */
function idleValue(state, l, j) {
  const acts = state.activations;
  if (!Array.isArray(acts)) return { text: "", title: `neuron ${j + 1} of layer ${l}: press Forward`, delta: null };
  const row = acts.length === state.network.sizes.length ? acts[l] : acts[l - 1];
  const a = row ? row[j] : null;
  return { text: a === null || a === undefined ? "" : fmt(a, 4), idle: true, delta: null,
    title: `a = ${fmt(a)} for the selected sample (press Forward to step through it)` };
}

function biasLabel(view, l, j, geo, dense) {
  const layer = view.state.network.layers[l - 1];
  return paramLabel(view, `b${l}`, [j], layer.b[j], biasAt(geo, l, j), dense, l - 1);
}
