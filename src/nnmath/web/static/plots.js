// The panels' pictures: the loss landscape (a contour map of the API's grid, the descent
// path and the learning-rate paths on it) and what each neuron sees (a curve or a small map
// per neuron). Every value drawn is the API's; this file maps values to pixels and colours.

import { fmt } from "./format.js";
import { svgEl } from "./netview.js";

export const LAND = { size: 360, pad: 34 };
const PATH_COLOURS = ["#2f6fb5", "#1b1f24", "#cf222e", "#8250df"];
const LEVELS = 12;

/** The colour of a value t in [0, 1]: pale (low loss) to deep blue (high). */
function ramp(t) {
  const stops = [[255, 252, 230], [199, 233, 180], [65, 182, 196], [34, 94, 168], [8, 29, 88]];
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const k = Math.min(stops.length - 2, Math.floor(x));
  const f = x - k;
  const c = stops[k].map((v, i) => Math.round(v + (stops[k + 1][i] - v) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** Where a grid value goes on the colour scale: by rank of the level (low losses spread). */
function levelsOf(grid) {
  const values = grid.flat().filter(Number.isFinite).sort((a, b) => a - b);
  if (!values.length) return [];
  return Array.from({ length: LEVELS }, (_, k) => values[Math.floor(((k + 0.5) / LEVELS) * (values.length - 1))]);
}

/** Map a grid (x values, y values) to the canvas: returns [sx, sy] for data coordinates. */
export function landScales(land) {
  const { size, pad } = LAND;
  const xs = land.x.values;
  const ys = land.y.values;
  const sx = (v) => pad + ((v - xs[0]) / (xs[xs.length - 1] - xs[0])) * (size - 2 * pad);
  const sy = (v) => size - pad - ((v - ys[0]) / (ys[ys.length - 1] - ys[0])) * (size - 2 * pad);
  return [sx, sy];
}

/** Marching squares: the segments where the grid crosses `level` (in grid index units). */
function contour(grid, level) {
  const segs = [];
  const rows = grid.length;
  const cols = grid[0].length;
  const at = (a, b, va, vb) => (va === vb ? 0.5 : (level - va) / (vb - va));
  for (let r = 0; r + 1 < rows; r += 1) {
    for (let c = 0; c + 1 < cols; c += 1) {
      const v = [grid[r][c], grid[r][c + 1], grid[r + 1][c + 1], grid[r + 1][c]];
      if (!v.every(Number.isFinite)) continue;
      const edges = [];
      const corners = [[c, r], [c + 1, r], [c + 1, r + 1], [c, r + 1]];
      for (let k = 0; k < 4; k += 1) {
        const [a, b] = [v[k], v[(k + 1) % 4]];
        if ((a < level) !== (b < level)) {
          const t = at(0, 0, a, b);
          const [p, q] = [corners[k], corners[(k + 1) % 4]];
          edges.push([p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t]);
        }
      }
      if (edges.length === 2) segs.push(edges);
      if (edges.length === 4) segs.push([edges[0], edges[1]], [edges[2], edges[3]]);
    }
  }
  return segs;
}

/** The landscape's grid as colour bands and contour lines, with its axes: drawn once per
 * answer of the API (the path on it changes with every State, the grid does not). */
const backgrounds = new WeakMap();

function landBackground(land) {
  const { size, pad } = LAND;
  const canvas = document.createElement("canvas");
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext("2d");
  const grid = land.loss;
  const n = grid.length;
  const xs = land.x.values;
  const ys = land.y.values;
  const levels = levelsOf(grid);
  const cw = (size - 2 * pad) / (n - 1);
  // one pixel per grid point, stretched smoothly over the plot: the grid points sit on the
  // plot's corners and edges (the colour of a value: its rank among the grid's values)
  const sorted = grid.flat().filter(Number.isFinite).sort((a, b) => a - b);
  const rank = (v) => {
    let [lo, hi] = [0, sorted.length - 1];
    while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid] < v) lo = mid + 1; else hi = mid; }
    return sorted.length > 1 ? lo / (sorted.length - 1) : 0;
  };
  const cells = document.createElement("canvas");
  cells.width = n;
  cells.height = n;
  const cctx = cells.getContext("2d");
  for (let r = 0; r < n; r += 1) {
    for (let c = 0; c < n; c += 1) {
      const v = grid[r][c];
      cctx.fillStyle = Number.isFinite(v) ? ramp(rank(v)) : "#eee";
      cctx.fillRect(c, n - 1 - r, 1, 1);
    }
  }
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(cells, 0.5, 0.5, n - 1, n - 1, pad, pad, size - 2 * pad, size - 2 * pad);
  ctx.strokeStyle = "rgba(27,31,36,0.45)";
  ctx.lineWidth = 0.8;
  const toX = (c) => pad + c * cw;
  const toY = (r) => size - pad - r * cw;
  for (const level of levels) {
    ctx.beginPath();
    for (const [[c1, r1], [c2, r2]] of contour(grid, level)) {
      ctx.moveTo(toX(c1), toY(r1));
      ctx.lineTo(toX(c2), toY(r2));
    }
    ctx.stroke();
  }
  ctx.fillStyle = "#57606a";
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "center";
  ctx.fillText(`${land.x.symbol} →`, size / 2, size - 6);
  ctx.fillText(fmt(xs[0], 3), pad, size - pad + 16);
  ctx.fillText(fmt(xs[n - 1], 3), size - pad, size - pad + 16);
  ctx.save();
  ctx.translate(11, size / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(`${land.y.symbol} →`, 0, 0);
  ctx.restore();
  ctx.textAlign = "right";
  ctx.fillText(fmt(ys[0], 3), pad - 4, size - pad);
  ctx.fillText(fmt(ys[n - 1], 3), pad - 4, pad + 8);
  return canvas;
}

/**
 * Draw the landscape on its canvas: the grid's values as colour bands and contour lines,
 * the axes, the training path (a line through the States' points) and the paths of the
 * learning-rate comparison; the canvas keeps the grid's side and values as data attributes.
 */
export function drawLandscape(canvas, land, path, paths) {
  const ctx = canvas.getContext("2d");
  const { size, pad } = LAND;
  ctx.clearRect(0, 0, size, size);
  if (!land) return;
  if (!backgrounds.has(land)) backgrounds.set(land, landBackground(land));
  ctx.drawImage(backgrounds.get(land), 0, 0);
  const [sx, sy] = landScales(land);
  const n = land.loss.length;
  const line = (points, colour, width) => {
    if (!points.length) return;
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = width;
    ctx.beginPath();
    points.forEach((p, k) => (k ? ctx.lineTo(sx(p.x), sy(p.y)) : ctx.moveTo(sx(p.x), sy(p.y))));
    ctx.stroke();
    for (const p of points) {
      ctx.beginPath();
      ctx.arc(sx(p.x), sy(p.y), 2.2, 0, 2 * Math.PI);
      ctx.fill();
    }
  };
  ctx.save();
  ctx.beginPath();
  ctx.rect(pad, pad, size - 2 * pad, size - 2 * pad);
  ctx.clip();
  if (paths) {
    paths.paths.forEach((p, k) => line([paths.start, ...p.points], PATH_COLOURS[k % PATH_COLOURS.length], 1.6));
  }
  line(path, "#d9822b", 2.4);
  ctx.beginPath();                                            // the current point
  ctx.arc(sx(land.x.current), sy(land.y.current), 6, 0, 2 * Math.PI);
  ctx.lineWidth = 2.5;
  ctx.strokeStyle = "#fff";
  ctx.stroke();
  ctx.beginPath();
  ctx.arc(sx(land.x.current), sy(land.y.current), 6, 0, 2 * Math.PI);
  ctx.lineWidth = 1.4;
  ctx.strokeStyle = "#1b1f24";
  ctx.stroke();
  ctx.restore();
  canvas.dataset.side = String(n);
  canvas.dataset.current = String(land.current_loss);
  canvas.dataset.path = String(path.length);
  canvas.dataset.paths = paths ? String(paths.paths.length) : "0";
}

/** The colour of a path of the learning-rate comparison (its legend uses the same). */
export function pathColour(k) {
  return PATH_COLOURS[k % PATH_COLOURS.length];
}

/* ---------- what each neuron sees ---------- */

export const CELL = { width: 150, height: 110, pad: 6 };

function neuronRange(neuron) {
  const values = neuron.values.flat().filter(Number.isFinite);
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
  return [lo, hi];
}

function curvePlot(neuron, xs) {
  const { width, height, pad } = CELL;
  const svg = svgEl("svg", { viewBox: `0 0 ${width} ${height}`, class: "neuron-plot", role: "img",
    "aria-label": `${neuron.name} along the input` });
  const [lo, hi] = neuronRange(neuron);
  const sx = (k) => pad + (k / (xs.length - 1)) * (width - 2 * pad);
  const sy = (v) => height - pad - ((v - lo) / (hi - lo)) * (height - 2 * pad);
  svg.append(svgEl("rect", { x: pad, y: pad, width: width - 2 * pad, height: height - 2 * pad, class: "plot-bg" }));
  const d = neuron.values.map((v, k) => `${sx(k).toFixed(1)},${sy(v).toFixed(1)}`).join(" ");
  svg.append(svgEl("polyline", { points: d, class: "neuron-curve", fill: "none" }));
  return svg;
}

function mapPlot(neuron) {
  const side = neuron.values.length;
  const canvas = document.createElement("canvas");
  canvas.width = side;
  canvas.height = side;
  canvas.className = "neuron-map";
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", `${neuron.name} over the plane`);
  const ctx = canvas.getContext("2d");
  const [lo, hi] = neuronRange(neuron);
  for (let r = 0; r < side; r += 1) {
    for (let c = 0; c < side; c += 1) {
      ctx.fillStyle = ramp((neuron.values[r][c] - lo) / (hi - lo));
      ctx.fillRect(c, side - 1 - r, 1, 1);              // row 0 (the lowest y) at the bottom
    }
  }
  return canvas;
}

/** One figure per neuron: its picture, its name and its formula (the API's words). */
export function drawNeuronPlots(box, neurons) {
  box.replaceChildren();
  if (!neurons) return;
  if (neurons.kind === "none") {
    const p = document.createElement("p");
    p.className = "hint";
    p.textContent = `No pictures for ${neurons.inputs.length} inputs: a curve needs one, a map two.`;
    box.append(p);
    return;
  }
  neurons.neurons.forEach((neuron, k) => {
    const figure = document.createElement("figure");
    figure.className = "neuron-fig";
    figure.tabIndex = 0;
    figure.dataset.k = String(k);
    figure.dataset.testid = `neuron-${neuron.layer}-${neuron.index}`;
    figure.title = neuron.formula;
    figure.append(neurons.kind === "curve" ? curvePlot(neuron, neurons.x) : mapPlot(neuron));
    const caption = document.createElement("figcaption");
    caption.className = "neuron-formula";
    const [lo, hi] = neuronRange(neuron);
    const range = document.createElement("span");
    range.className = "neuron-range";
    range.textContent = neurons.kind === "map" ? `pale ${fmt(lo, 3)} → dark ${fmt(hi, 3)}` : `${fmt(lo, 3)} to ${fmt(hi, 3)}`;
    caption.append(neuron.formula, document.createElement("br"), range);
    figure.append(caption);
    box.append(figure);
  });
}
