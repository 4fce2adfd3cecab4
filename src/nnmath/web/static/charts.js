// The live pictures: the loss per epoch, and what the network predicts (the State's `view`:
// a P(class | x) curve for one input, a decision map for two). Every value drawn is the
// API's; this file maps values to pixels.

import { fmt } from "./format.js";
import { svgEl } from "./netview.js";

const BOX = { left: 52, right: 12, top: 12, bottom: 34, width: 360, height: 220 };
const LIGHT_COLOURS = ["#f0c496", "#96b8e2", "#a9d8b5", "#d8b3e2", "#eba9a9", "#c3c9d0"];
const CLASS_COLOURS = ["#d9822b", "#2f6fb5", "#3b9c5a", "#a24bb8", "#c23b3b", "#6b7785"];

function scale(lo, hi, a, b) {
  const span = hi - lo || 1;
  return (v) => a + ((v - lo) / span) * (b - a);
}

/** The plot's frame, the ends of its axes and their names; returns the four ends' texts. */
function axes(svg, xr, yr, xlabel, ylabel) {
  const { left, right, top, bottom, width, height } = BOX;
  svg.append(svgEl("rect", { x: left, y: top, width: width - left - right, height: height - top - bottom, class: "plot-bg" }));
  const ticks = [[xr[0], left, height - bottom + 14, "start"], [xr[1], width - right, height - bottom + 14, "end"]];
  for (const [v, x, y, anchor] of ticks) svg.append(svgEl("text", { x, y, "text-anchor": anchor, class: "tick" }, fmt(v, 3)));
  svg.append(svgEl("text", { x: left - 4, y: top + 10, "text-anchor": "end", class: "tick" }, fmt(yr[1], 3)));
  svg.append(svgEl("text", { x: left - 4, y: height - bottom, "text-anchor": "end", class: "tick" }, fmt(yr[0], 3)));
  const tickNodes = Array.from(svg.querySelectorAll("text.tick"));
  svg.append(svgEl("text", { x: (left + width - right) / 2, y: height - 4, "text-anchor": "middle", class: "axis" }, xlabel));
  svg.append(svgEl("text", { x: 12, y: (top + height - bottom) / 2, "text-anchor": "middle", class: "axis",
    transform: `rotate(-90 12 ${(top + height - bottom) / 2})` }, ylabel));
  return tickNodes;     // the ends of the axes: x low, x high, y high, y low
}

function range(values) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/** Per loss chart: its elements that change with the numbers, and which series it shows. */
const lossParts = new WeakMap();

/**
 * The loss per epoch (history) and, dashed, the held-out rows' loss (test); the first and
 * last values are kept as data attributes (data-test-last: the held-out loss's). A chart
 * showing the same series as last time (Run) has its ticks, lines and dots set in place.
 */
export function drawLoss(svg, history, test = []) {
  const points = history.filter((h) => Number.isFinite(h.loss));
  const held = test.filter((h) => Number.isFinite(h.loss));
  svg.dataset.count = String(points.length);
  svg.dataset.first = points.length ? String(points[0].loss) : "";
  svg.dataset.last = points.length ? String(points[points.length - 1].loss) : "";
  svg.dataset.testLast = held.length ? String(held[held.length - 1].loss) : "";
  const xr = range([...points, ...held].map((h) => h.epoch));
  const yr = range([...points, ...held].map((h) => h.loss));
  if (yr[0] > 0) yr[0] = 0;
  const sx = scale(xr[0], xr[1], BOX.left, BOX.width - BOX.right);
  const sy = scale(yr[0], yr[1], BOX.height - BOX.bottom, BOX.top);
  const series = [[points, "loss-line"], [held, "loss-line test"]];
  const ticks = [xr[0], xr[1], yr[1], yr[0]].map((v) => fmt(v, 3));
  const lines = series.filter(([values]) => values.length).map(([values]) => ({
    points: values.map((h) => `${sx(h.epoch).toFixed(1)},${sy(h.loss).toFixed(1)}`).join(" "),
    cx: sx(values[values.length - 1].epoch), cy: sy(values[values.length - 1].loss),
  }));
  const shape = `${points.length > 0},${held.length > 0}`;
  const parts = lossParts.get(svg);
  if (parts && parts.shape === shape && svg.firstChild === parts.first) {
    parts.ticks.forEach((node, k) => { if (node.textContent !== ticks[k]) node.textContent = ticks[k]; });
    parts.lines.forEach(([polyline, dot], k) => {
      polyline.setAttribute("points", lines[k].points);
      dot.setAttribute("cx", lines[k].cx);
      dot.setAttribute("cy", lines[k].cy);
    });
    return;
  }
  svg.replaceChildren();
  const tickNodes = axes(svg, xr, yr, "epoch", "loss");
  const drawn = [];
  series.filter(([values]) => values.length).forEach(([, cls], k) => {
    const polyline = svgEl("polyline", { points: lines[k].points, class: cls });
    const dot = svgEl("circle", { cx: lines[k].cx, cy: lines[k].cy, r: 3, class: `loss-dot ${cls}` });
    svg.append(polyline, dot);
    drawn.push([polyline, dot]);
  });
  if (held.length) {
    const y = BOX.top + 12;
    svg.append(svgEl("text", { x: BOX.width - BOX.right - 6, y, "text-anchor": "end", class: "tick" },
      "— training rows   - - held-out rows"));
  }
  lossParts.set(svg, { shape, first: svg.firstChild, ticks: tickNodes, lines: drawn });
}

/** The State's view: a curve (1 input) on the SVG, a map (2 inputs) on the canvas. */
export function drawView(svg, canvas, caption, state) {
  const view = state.view || { kind: "none" };
  svg.toggleAttribute("hidden", view.kind !== "curve");     // an SVGElement has no .hidden
  canvas.toggleAttribute("hidden", view.kind !== "map");
  if (view.kind === "curve") {
    drawCurve(svg, view, state.data);
    caption.textContent = `${view.outputs.join(", ")} against ${state.data.feature_names[0]}; dots: the data`;
  } else if (view.kind === "map") {
    drawMap(canvas, view, state.data);
    caption.textContent = `Decision map over ${state.data.feature_names.slice(0, 2).join(" × ")}; dots: the data`;
  } else {
    caption.textContent = "No picture for this many inputs (the loss chart still shows training).";
  }
}

function drawCurve(svg, view, data) {
  svg.replaceChildren();
  const targets = data && data.task !== "multiclass" ? data.y.map(Number) : [];
  const xs = data ? data.X.map((row) => row[0]) : [];
  const xr = range([...view.x, ...xs]);
  const yr = range([...view.p.flat(), ...targets]);
  if (data && data.task !== "regression") { yr[0] = Math.min(0, yr[0]); yr[1] = Math.max(1, yr[1]); }
  axes(svg, xr, yr, data ? data.feature_names[0] : "x", view.outputs.length === 1 ? view.outputs[0] : "P");
  const sx = scale(xr[0], xr[1], BOX.left, BOX.width - BOX.right);
  const sy = scale(yr[0], yr[1], BOX.height - BOX.bottom, BOX.top);
  view.outputs.forEach((name, k) => {
    const d = view.x.map((x, i) => `${sx(x).toFixed(1)},${sy(view.p[i][k]).toFixed(1)}`).join(" ");
    const colour = view.outputs.length === 1 ? "#1b1f24" : CLASS_COLOURS[k % CLASS_COLOURS.length];
    svg.append(svgEl("polyline", { points: d, class: "curve", stroke: colour, "data-output": name }));
  });
  if (data && data.task !== "multiclass") {
    xs.forEach((x, i) => {
      const dot = svgEl("circle", { cx: sx(x), cy: sy(targets[i]), r: 4, class: "datum",
        fill: data.task === "binary" ? CLASS_COLOURS[targets[i] ? 1 : 0] : "#6b7785" });
      svg.append(dot);
    });
  }
  svg.dataset.points = String(view.x.length);
}

/** A cell's colour, [r, g, b]: its class's (more than two classes), else from orange
 * (P = 0) to blue (P = 1). */
function cellColour(value, classes) {
  if (classes && classes.length > 2) return LIGHT_RGB[Math.round(value) % LIGHT_RGB.length] || LIGHT_RGB[0];
  const t = Math.min(1, Math.max(0, value)) || 0;
  const a = [240, 196, 150];
  const b = [150, 184, 226];
  return a.map((v, i) => Math.round(v + (b[i] - v) * t));
}

const LIGHT_RGB = LIGHT_COLOURS.map((hex) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16)));

/** Per map canvas: a canvas of one pixel per cell, and the data's dots drawn once. */
const mapParts = new WeakMap();

/** The data's dots on a transparent canvas the map's size (drawn again only when the data
 * or the map's ranges change: Run changes neither). */
function dotsLayer(parts, canvas, view, data) {
  const { width, height } = canvas;
  const [nx, ny] = [view.x.length, view.y.length];
  const key = [width, height, nx, ny, view.x[0], view.x[nx - 1], view.y[0], view.y[ny - 1]].join(",");
  if (parts.dotsOf === data.X && parts.dotsKey === key && parts.dotsY === data.y) return parts.dots;
  const layer = parts.dots || document.createElement("canvas");
  [layer.width, layer.height] = [width, height];
  const ctx = layer.getContext("2d");
  ctx.clearRect(0, 0, width, height);
  const [cw, ch] = [width / nx, height / ny];
  const sx = scale(view.x[0], view.x[nx - 1], cw / 2, width - cw / 2);
  const sy = scale(view.y[0], view.y[ny - 1], height - ch / 2, ch / 2);
  data.X.forEach((row, i) => {
    ctx.beginPath();
    ctx.arc(sx(row[0]), sy(row[1]), 3, 0, 2 * Math.PI);
    ctx.fillStyle = CLASS_COLOURS[Number(data.y[i]) % CLASS_COLOURS.length];
    ctx.strokeStyle = "#fff";
    ctx.fill();
    ctx.stroke();
  });
  Object.assign(parts, { dots: layer, dotsOf: data.X, dotsY: data.y, dotsKey: key });
  return layer;
}

/** The decision map: a pixel per cell (row 0 at the bottom), stretched over the canvas
 * without smoothing (each cell a block of one colour), the data's dots on it. */
function drawMap(canvas, view, data) {
  const ctx = canvas.getContext("2d");
  const { width, height } = canvas;
  const nx = view.x.length;
  const ny = view.y.length;
  let parts = mapParts.get(canvas);
  if (!parts) {
    parts = { cells: document.createElement("canvas") };
    mapParts.set(canvas, parts);
  }
  const { cells } = parts;
  if (cells.width !== nx || cells.height !== ny) [cells.width, cells.height] = [nx, ny];
  const cctx = cells.getContext("2d");
  const image = cctx.createImageData(nx, ny);
  for (let r = 0; r < ny; r += 1) {
    const row = view.p[r];
    for (let c = 0; c < nx; c += 1) {
      const [red, green, blue] = cellColour(row[c], view.classes);
      const at = 4 * ((ny - 1 - r) * nx + c);
      image.data[at] = red;
      image.data[at + 1] = green;
      image.data[at + 2] = blue;
      image.data[at + 3] = 255;
    }
  }
  cctx.putImageData(image, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(cells, 0, 0, width, height);
  if (!data) return;
  ctx.drawImage(dotsLayer(parts, canvas, view, data), 0, 0);
  canvas.dataset.cells = String(nx * ny);
}
