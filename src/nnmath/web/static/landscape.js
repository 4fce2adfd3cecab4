// The loss landscape panel: two parameters (w1 and w2 by default), the loss over a grid
// around them from the engine (GET .../landscape: every other parameter held), the path the
// training took (one point per State), and descent from the same start with other learning
// rates (POST .../paths). The tour's section 7 borrows this panel.

import { fmt } from "./format.js";
import { keyOf, symbolOf } from "./netview.js";
import { $, api, drawPanels, page, panelDue, say, watchPanel } from "./page.js";
import { LAND, landScales, pathColour } from "./plots.js";

/** Every weight and bias entry of the State's network: [{key, symbol, value}]. */
function entries(state) {
  const out = [];
  state.network.layers.forEach((layer, k) => {
    layer.W.forEach((row, i) => row.forEach((w, j) => {
      out.push({ key: keyOf(`W${k + 1}`, [i, j]), symbol: symbolOf(state.network.sizes, `W${k + 1}`, [i, j]), value: w });
    }));
    layer.b.forEach((b, j) => {
      out.push({ key: keyOf(`b${k + 1}`, [j]), symbol: symbolOf(state.network.sizes, `b${k + 1}`, [j]), value: b });
    });
  });
  return out;
}

function valueOf(state, key) {
  const found = entries(state).find((e) => e.key === key);
  return found ? found.value : null;
}

function fillChoices(state) {
  const all = entries(state);
  const keys = all.map((e) => e.key).join(" ");
  if ($("land-x").dataset.keys !== keys) {
    for (const id of ["land-x", "land-y"]) {
      $(id).replaceChildren(...all.map((e) => new Option(e.symbol, e.key)));
      $(id).dataset.keys = keys;
    }
  }
  if (!page.landKeys || !page.landKeys.every((k) => all.some((e) => e.key === k))) {
    page.landKeys = null;                 // the server's default: w1 and w2
  }
}

function pointOf(state) {
  const [kx, ky] = page.landKeys || [];
  if (!kx) return null;
  return { epoch: state.epoch, x: valueOf(state, kx), y: valueOf(state, ky), loss: state.loss };
}

/** Follow the State: a point on the path (a new start clears it). */
function followState(state) {
  const fresh = state.epoch === 0 && !state.stepped;
  const last = page.path[page.path.length - 1];
  if (fresh || (last && state.epoch < last.epoch)) page.path = [];
  const point = pointOf(state);
  const same = last && point && last.epoch === point.epoch && last.x === point.x && last.y === point.y;
  if (point && point.x !== null && point.y !== null && !same) page.path.push(point);
}

function outside(point, land) {
  if (!land || !point) return false;
  const [xs, ys] = [land.x.values, land.y.values];
  const inner = (v, lo, hi) => v >= lo + 0.05 * (hi - lo) && v <= hi - 0.05 * (hi - lo);
  return !(inner(point.x, xs[0], xs[xs.length - 1]) && inner(point.y, ys[0], ys[ys.length - 1]));
}

/** Bounds that hold every point given, with a margin (at least ±0.5 around them). */
function boundsOf(points) {
  const fit = (values) => {
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const margin = Math.max(0.5, 0.25 * (hi - lo));
    return [lo - margin, hi + margin];
  };
  const [x_lo, x_hi] = fit(points.map((p) => p.x));
  const [y_lo, y_hi] = fit(points.map((p) => p.y));
  return { x_lo, x_hi, y_lo, y_hi };
}

/** Ask for the landscape again (the held parameters changed, or the view). */
export async function loadLandscape() {
  const params = new URLSearchParams();
  if (page.landKeys) { params.set("x", page.landKeys[0]); params.set("y", page.landKeys[1]); }
  if (page.landBounds) for (const [k, v] of Object.entries(page.landBounds)) params.set(k, String(v));
  const land = await api("GET", `/landscape?${params}`);
  page.landscape = land;
  page.landKeys = [land.x.key, land.y.key];
  showLandscape();
  drawPanels();
}

function showLandscape() {
  const land = page.landscape;
  if (!land) return;
  $("land-x").value = land.x.key;
  $("land-y").value = land.y.key;
  $("land-current").textContent = fmt(land.current_loss);
  $("land-current").dataset.value = String(land.current_loss);
  const held = land.held.map((h) => `${h.symbol} = ${fmt(h.value)}`);
  const more = land.n_held > land.held.length ? ` and ${land.n_held - land.held.length} more` : "";
  $("land-held").textContent = land.n_held
    ? `The other parameters are held at their current values: ${held.join(", ")}${more}. ` +
      "Each point of the map is the loss with only these two changed."
    : "The network has only these two parameters.";
  $("land-meta").textContent = `${land.loss_name}${land.alpha ? ` + L2 (α = ${fmt(land.alpha)})` : ""}` +
    ` over ${land.rows} training rows · ${land.side}×${land.side} grid`;
  $("land-coarser").textContent = land.coarser || "";
}

/** After a new State: the path grows; the grid follows every so many States while running. */
async function refreshLandscape() {
  const { state } = page;
  if (!state) return;
  fillChoices(state);
  if (page.rateEta !== state.config.learning_rate) {
    page.rateEta = state.config.learning_rate;
    suggestRates();
  }
  followState(state);
  if (outside(page.path[page.path.length - 1], page.landscape)) {
    page.landBounds = boundsOf([...page.path, ...pathPoints()]);
  }
  if (panelDue("landscape") || !page.landscape) await loadLandscape();
  if (!page.path.length) followState(state);
}

function pathPoints() {
  return page.paths ? [page.paths.start, ...page.paths.paths.flatMap((p) => p.points)] : [];
}

/** The learning-rate comparison: descent from the current weights, one path per η. */
async function descend() {
  const rates = [0, 1, 2].map((k) => Number($(`rate-${k}`).value)).filter((r) => Number.isFinite(r) && r > 0);
  if (!rates.length) throw new Error("Type at least one learning rate above 0.");
  const epochs = Number($("rate-epochs").value);
  const body = { learning_rates: rates, epochs };
  if (page.landKeys) { body.x = page.landKeys[0]; body.y = page.landKeys[1]; }
  const paths = await api("POST", "/paths", body);
  page.paths = paths;
  page.landBounds = boundsOf([paths.start, ...paths.paths.flatMap((p) => p.points)]);
  const list = $("rates-words");
  list.replaceChildren(...paths.paths.map((p, k) => {
    const li = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = `swatch swatch-${k}`;
    li.append(swatch, p.words);
    li.dataset.testid = `rate-words-${k}`;
    return li;
  }));
  await loadLandscape();
  say(`Descended ${epochs} epochs from the same start with η = ${rates.map((r) => fmt(r)).join(", ")}.`);
}

/** The learning rates offered: a tenth of η, η, and η × 100 (within the server's limit). */
export function suggestRates() {
  const { state, options } = page;
  const eta = state.config.learning_rate;
  const values = [eta / 10, eta, Math.min(options.limits.max_learning_rate, eta * 100)];
  values.forEach((v, k) => { $(`rate-${k}`).value = String(Number(v.toPrecision(3))); });
}

function hover(event) {
  const land = page.landscape;
  if (!land) return;
  const canvas = $("landscape");
  const rect = canvas.getBoundingClientRect();
  const px = ((event.clientX - rect.left) / rect.width) * LAND.size;
  const py = ((event.clientY - rect.top) / rect.height) * LAND.size;
  const [sx, sy] = landScales(land);
  const nearest = (values, s, p) => values.reduce((best, v, k) => (Math.abs(s(v) - p) < Math.abs(s(values[best]) - p) ? k : best), 0);
  const c = nearest(land.x.values, sx, px);
  const r = nearest(land.y.values, sy, py);
  const value = land.loss[r][c];
  const out = $("land-hover");
  out.textContent = `${land.x.symbol} = ${fmt(land.x.values[c])}, ${land.y.symbol} = ${fmt(land.y.values[r])}: ` +
    `loss ${fmt(value)} (the engine's, at this grid point)`;
  Object.assign(out.dataset, { x: String(land.x.values[c]), y: String(land.y.values[r]), value: String(value) });
}

/** Wire the panel: the two parameters, the learning rates, the hover read-out. */
export function wireLandscape(on) {
  watchPanel("landscape", $("landscape-panel"));
  const choose = async () => {
    if ($("land-x").value === $("land-y").value) throw new Error("Choose two different parameters.");
    page.landKeys = [$("land-x").value, $("land-y").value];
    page.landBounds = null;
    page.paths = null;
    $("rates-words").replaceChildren();
    page.path = [];
    followState(page.state);
    await loadLandscape();
  };
  on("land-x", "change", choose);
  on("land-y", "change", choose);
  on("rates-run", "click", descend);
  on("land-reset", "click", async () => {
    page.landBounds = null;
    page.paths = null;
    $("rates-words").replaceChildren();
    await loadLandscape();
  });
  $("landscape").addEventListener("mousemove", hover);
  page.refreshers.push(refreshLandscape);
}
