// What each neuron sees: every hidden and output neuron's activation over the input range
// (GET .../neurons: the engine's forward pass on a grid), drawn as a curve (one input) or a
// small map (two), its formula with the current weights on hover or focus; asked again
// whenever the weights change (while training too).

import { fmt } from "./format.js";
import { $, api, drawPanels, page, panelDue, watchPanel } from "./page.js";
import { CELL } from "./plots.js";

async function loadNeurons() {
  const { state } = page;
  if (!state) return;
  const total = state.network.sizes.slice(1).reduce((a, b) => a + b, 0);
  const many = total > page.options.limits.max_neuron_views;
  const row = $("neu-layer-row");
  row.hidden = !many;
  if (many) {
    const n = state.network.layers.length;
    if ($("neu-layer").options.length !== n) {
      $("neu-layer").replaceChildren(...state.network.layers.map((layer, k) =>
        new Option(k === n - 1 ? `output (${layer.activation})` : `hidden ${k + 1}`, String(k + 1))));
    }
  }
  const query = many ? `?layer=${$("neu-layer").value || 1}` : "";
  page.neurons = await api("GET", `/neurons${query}`);
  drawPanels();
}

/** The neuron and grid point under the pointer: its formula and its value there. */
function hover(event) {
  const figure = event.target.closest(".neuron-fig");
  const data = page.neurons;
  if (!figure || !data || data.kind === "none") return;
  const neuron = data.neurons[Number(figure.dataset.k)];
  const plot = figure.querySelector("svg, canvas");
  const rect = plot.getBoundingClientRect();
  const fx = (event.clientX - rect.left) / rect.width;
  const fy = (event.clientY - rect.top) / rect.height;
  let where;
  let value;
  const out = $("neu-hover");
  if (data.kind === "curve") {
    const inner = (fx * CELL.width - CELL.pad) / (CELL.width - 2 * CELL.pad);
    const k = Math.min(data.x.length - 1, Math.max(0, Math.round(inner * (data.x.length - 1))));
    where = `${data.inputs[0]} = ${fmt(data.x[k])}`;
    value = neuron.values[k];
    Object.assign(out.dataset, { x: String(data.x[k]), y: "" });
  } else {
    const side = data.x.length;
    const c = Math.min(side - 1, Math.max(0, Math.floor(fx * side)));
    const r = Math.min(side - 1, Math.max(0, side - 1 - Math.floor(fy * side)));
    where = `${data.inputs[0]} = ${fmt(data.x[c])}, ${data.inputs[1]} = ${fmt(data.y[r])}`;
    value = neuron.values[r][c];
    Object.assign(out.dataset, { x: String(data.x[c]), y: String(data.y[r]) });
  }
  Object.assign(out.dataset, { layer: String(neuron.layer), index: String(neuron.index), value: String(value) });
  out.textContent = `${neuron.formula} · at ${where}: ${neuron.name} = ${fmt(value)}`;
}

function focusShows(event) {
  const figure = event.target.closest(".neuron-fig");
  if (!figure || !page.neurons) return;
  const neuron = page.neurons.neurons[Number(figure.dataset.k)];
  $("neu-hover").textContent = neuron.formula;
}

/** Wire the panel: the layer choice of a large network, the hover and focus read-out. */
export function wireNeurons(on) {
  on("neu-layer", "change", loadNeurons);
  watchPanel("neurons", $("neurons-panel"));
  $("neurons").addEventListener("mousemove", hover);
  $("neurons").addEventListener("focusin", focusShows);
  page.refreshers.push(() => (panelDue("neurons") || !page.neurons ? loadNeurons() : Promise.resolve()));
}
