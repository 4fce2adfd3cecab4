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

/** Where the neurons go: labelled networks get room for their labels, dense ones less. */
function layout(sizes, dense) {
  const tallest = Math.max(...sizes);
  const [colW, rowH] = dense ? [200, 60] : [tallest > 1 ? 300 : 230, 150];
  const width = Math.max(480, colW * (sizes.length - 1) + 140);
  const height = Math.max(200, tallest * rowH + 60);
  const xs = sizes.map((_, l) => 70 + (l * (width - 140)) / Math.max(1, sizes.length - 1));
  const ys = sizes.map((n) => Array.from({ length: n }, (_, i) => (height - 20) * (i + 0.5) / n + 4));
  return { width, height, xs, ys };
}

/**
 * Draw the network.
 *
 * view: {state, forward: Step|null, backward: Step|null, updated: Step|null,
 *        selected: {name, index}|null, animate: bool}.
 */
export function drawNetwork(svg, view) {
  const { state } = view;
  const sizes = state.network.sizes;
  // Numbers on the edges while they fit (the article's chains and forks); else a dot per
  // weight, its numbers on hover and in the derivation panel.
  const dense = state.network.layers.some((layer) => layer.W.length * layer.W[0].length > 2);
  const geo = layout(sizes, dense);
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${geo.width} ${geo.height}`);
  svg.style.maxWidth = `${geo.width}px`;
  const edges = svgEl("g", { class: "edges" });
  const labels = svgEl("g", { class: "labels" });
  const neurons = svgEl("g", { class: "neurons" });
  svg.append(edges, neurons, labels);
  state.network.layers.forEach((layer, k) => {
    drawLayerEdges(edges, labels, view, geo, k, dense);
  });
  drawNeurons(neurons, labels, view, geo, dense);
}

function weightScale(state) {
  let largest = 0;
  for (const layer of state.network.layers) {
    for (const row of layer.W) for (const w of row) largest = Math.max(largest, Math.abs(w));
  }
  return largest || 1;
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
      const line = svgEl("line", {
        x1, y1, x2, y2, stroke: w >= 0 ? POSITIVE : NEGATIVE,
        "stroke-width": (0.8 + 7 * Math.abs(w) / largest).toFixed(2),
        "stroke-opacity": 0.8, "data-testid": `edge-${keyOf(name, [i, j])}`,
      });
      line.append(svgEl("title", {}, `${symbolOf(state.network.sizes, name, [i, j])} = ${fmt(w)}`));
      edges.append(line);
      const t = nIn * nOut === 1 ? 0.5 : 0.3 + 0.4 * ((i * nOut + j) / (nIn * nOut - 1));
      const at = [x1 + t * (x2 - x1), y1 + t * (y2 - y1)];
      labels.append(paramLabel(view, name, [i, j], w, at, dense, k));
    }
  }
}

function paramLabel(view, name, index, value, [cx, cy], dense, k) {
  const { state } = view;
  const sizes = state.network.sizes;
  const key = keyOf(name, index);
  const symbol = symbolOf(sizes, name, index);
  const grad = view.backward ? pick(view.backward.gradients[name], index) : null;
  const old = view.updated ? pick(view.updated.layers[k][name.startsWith("W") ? "W" : "b"], index) : null;
  const width = dense ? 26 : 190;
  const height = dense ? 26 : 70;
  const fo = svgEl("foreignObject", {
    x: cx - width / 2, y: cy - (dense ? 13 : 14), width, height, class: "fo",
  });
  const box = htmlEl("div", { class: dense ? "plabel dense" : "plabel" });
  const button = htmlEl("button", {
    type: "button", class: `param ${value >= 0 ? "pos" : "neg"}`, "data-testid": `param-${key}`,
    "data-param": name, "data-index": index.join(","),
    "aria-label": `${symbol} = ${fmt(value)}: edit it and show its derivation`,
    title: `${symbol} = ${fmt(value)}` + (grad !== null ? `\n∂L/∂${symbol} = ${fmt(grad)}` : "") +
      (old !== null ? `\nupdate: ${fmt(old)} → ${fmt(value)}` : ""),
  }, dense ? "" : `${symbol} = ${fmt(value)}`);
  if (dense && grad !== null) button.classList.add("has-grad");
  const sel = view.selected;
  if (sel && sel.name === name && sel.index.join(",") === index.join(",")) button.classList.add("selected");
  box.append(button);
  if (!dense && grad !== null) {
    const g = htmlEl("span", { class: `grad${reveal(view, sizes.length - 2 - k)}` });
    g.append(`∂L/∂${symbol} = `, htmlEl("b", { "data-testid": `grad-${key}` }, fmt(grad)));
    box.append(g);
  }
  if (!dense && old !== null) {
    const u = htmlEl("span", { class: "upd" });
    u.append(`${fmt(old)} → `, htmlEl("b", { "data-testid": `updated-${key}` }, fmt(value)));
    box.append(u);
  }
  fo.append(box);
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
  const sampleRow = state.data && state.data.X ? state.data.X[state.sample] : null;
  sizes.forEach((n, l) => {
    for (let j = 0; j < n; j += 1) {
      const [cx, cy] = [geo.xs[l], geo.ys[l][j]];
      const g = svgEl("g", { class: `neuron ${l === 0 ? "input" : ""}` });
      g.append(svgEl("circle", { cx, cy, r: R }));
      const shown = neuronValue(view, l, j, sampleRow);
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
      if (l > 0) labels.append(biasLabel(view, l, j, [cx, cy], dense));
    }
  });
  const names = ["input", ...sizes.slice(1).map((_, k) => (k === sizes.length - 2 ? "output" : `hidden ${k + 1}`))];
  names.forEach((label, l) => {
    const act = l > 0 ? ` (${state.network.layers[l - 1].activation})` : "";
    const feature = l === 0 && state.data ? `: ${state.data.feature_names.slice(0, 3).join(", ")}` : "";
    group.append(svgEl("text", { x: geo.xs[l], y: geo.height - 4, "text-anchor": "middle", class: "layer-name" },
      `${label}${act}${feature}`));
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

function biasLabel(view, l, j, [cx, cy], dense) {
  const layer = view.state.network.layers[l - 1];
  return paramLabel(view, `b${l}`, [j], layer.b[j], [cx, cy + R + 18], dense, l - 1);
}
