// The editor: the configuration's controls (data, layers, activations, loss, optimizer, ...),
// a weight or bias typed in the drawing, and the configuration kept in the address. Every
// choice and bound comes from GET /api/options (`page.options`); the API checks them again.

import { configFromAddress, tourPlace } from "./address.js";
import { clearDerivation, refreshDerivation } from "./derivation.js";
import { fmt, fmtList } from "./format.js";
import { keyOf, symbolOf } from "./netview.js";
import { $, addressText, api, clearError, drawAll, guard, page, say, stopRunning, withRows, writeHash } from "./page.js";
import { resetStep } from "./step.js";

/* ---------- the controls, from the options ---------- */

/** The configuration's numbers, each an <input> of the same id. */
const NUMBERS = ["n_samples", "noise", "n_classes", "seed", "learning_rate", "batch_size", "test_share", "alpha"];

function fillSelect(select, values, labels = {}) {
  select.replaceChildren(...values.map((v) => new Option(labels[v] || v, v)));
}

/** The controls' choices and bounds, from the API's registries and limits. */
export function setUpControls() {
  const { options } = page;
  const { limits } = options;
  fillSelect($("dataset"), options.datasets, options.dataset_labels);
  fillSelect($("out-activation"), options.activations);
  fillSelect($("loss-name"), options.losses);
  fillSelect($("optimizer"), options.optimizers);
  const bounds = {
    n_samples: [limits.min_samples, limits.max_samples],
    noise: [0, limits.max_noise],
    n_classes: [limits.min_classes, limits.max_classes],
    seed: [0, limits.max_seed],
    learning_rate: [0, limits.max_learning_rate],
    batch_size: [1, limits.max_rows],
    test_share: [0, limits.max_test_share],
    alpha: [0, limits.max_alpha],
  };
  for (const [id, [min, max]] of Object.entries(bounds)) {
    $(id).min = String(min);
    $(id).max = String(max);
  }
}

function syncControls(config) {
  const keys = page.options.dataset_keys[config.dataset] || [];
  for (const id of NUMBERS) {
    $(id).value = config[id];
  }
  $("shuffle").checked = Boolean(config.shuffle);
  $("loss-name").value = config.loss;
  $("optimizer").value = config.optimizer;
  $("dataset").value = config.dataset;
  page.draft = { hidden: [...config.hidden], activations: [...config.activations] };
  $("out-activation").value = page.draft.activations[page.draft.activations.length - 1];
  $("toy-fields").hidden = !keys.includes("n_samples");
  $("classes-field").hidden = !keys.includes("n_classes");
  drawLayerEditor();
}

function button(text, label, testid, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  b.setAttribute("aria-label", label);
  b.dataset.testid = testid;
  b.addEventListener("click", guard(onClick));
  return b;
}

function drawLayerEditor() {
  const { draft, options } = page;
  const box = $("layers");
  const focused = box.contains(document.activeElement) ? document.activeElement.dataset.testid : null;
  box.replaceChildren();
  draft.hidden.forEach((n, k) => {
    const row = document.createElement("div");
    row.className = "layer-row";
    const title = document.createElement("span");
    title.className = "layer-title";
    title.textContent = `Hidden ${k + 1}`;
    const minus = button("−", `Fewer neurons in hidden layer ${k + 1}`, `neurons-minus-${k}`,
      () => setNeurons(k, n - 1));
    const count = document.createElement("output");
    count.textContent = String(n);
    count.dataset.testid = `neurons-${k}`;
    count.setAttribute("aria-label", `hidden layer ${k + 1}: ${n} neurons`);
    const plus = button("+", `More neurons in hidden layer ${k + 1}`, `neurons-plus-${k}`,
      () => setNeurons(k, n + 1));
    const select = document.createElement("select");
    select.id = `act-${k}`;
    select.setAttribute("aria-label", `Activation of hidden layer ${k + 1}`);
    select.dataset.testid = `act-${k}`;
    fillSelect(select, options.hidden_activations);
    select.value = draft.activations[k];
    select.addEventListener("change", guard(async () => {
      draft.activations[k] = select.value;
      await applyConfig();
    }));
    minus.disabled = n <= 1;
    plus.disabled = n >= options.limits.max_neurons;
    row.append(title, minus, count, plus, select);
    box.append(row);
  });
  $("add-layer").disabled = draft.hidden.length >= options.limits.max_hidden_layers;
  $("remove-layer").disabled = draft.hidden.length === 0;
  const again = focused && box.querySelector(`[data-testid="${focused}"]`);
  if (again && !again.disabled) again.focus();            // the keyboard keeps its place
  if (!draft.hidden.length) {
    const none = document.createElement("p");
    none.className = "hint";
    none.textContent = "No hidden layer: inputs connect straight to the outputs.";
    box.append(none);
  }
}

async function setNeurons(k, n) {
  if (n < 1) return;
  page.draft.hidden[k] = n;
  await applyConfig();
}

async function addLayer() {
  const { draft, options } = page;
  const first = draft.activations[0];     // a hidden layer's, when there is one
  draft.hidden.push(draft.hidden.length ? draft.hidden[draft.hidden.length - 1] : 2);
  draft.activations.splice(draft.activations.length - 1, 0,
    options.hidden_activations.includes(first) ? first : options.hidden_activations[0]);
  await applyConfig();
}

async function removeLayer() {
  const { draft } = page;
  if (!draft.hidden.length) return;
  draft.hidden.pop();
  draft.activations.splice(draft.activations.length - 2, 1);
  await applyConfig();
}

function readConfig() {
  const activations = [...page.draft.activations];
  activations[activations.length - 1] = $("out-activation").value;
  const config = {
    dataset: $("dataset").value,
    hidden: [...page.draft.hidden],
    activations,
    loss: $("loss-name").value,
    optimizer: $("optimizer").value,
    shuffle: $("shuffle").checked,
  };
  for (const id of NUMBERS) {
    config[id] = Number($(id).value);
  }
  return config;
}

/** Send the controls' configuration: a new network (epoch 0) where it changes one. */
export async function applyConfig() {
  stopRunning();
  const config = readConfig();
  const uploaded = page.options.uploaded_dataset;
  if (config.dataset === uploaded && page.state.config.dataset !== uploaded) {
    say("Choose a CSV file and its target column, then press Upload CSV.");
    $("csv-file").focus();
    return;
  }
  const next = await api("PUT", "/config", config);
  await adopt(next, { dataChanged: true });
  say(`Built a ${next.network.sizes.join("-")} network on ${next.data.name} (epoch 0).`);
}

/* ---------- a State from the API → the page ---------- */

function fillSamples() {
  const data = page.state.data;
  const held = new Set(page.state.test_rows || []);
  $("sample").replaceChildren(...data.X.map((row, i) => {
    const xs = row.map((v, k) => `${data.feature_names[k] || `x${k + 1}`} = ${fmt(v, 4)}`).join(", ");
    const target = data.class_names ? data.class_names[Number(data.y[i])] : fmtList(data.y[i]);
    // numbered from 1, as `nnmath explain --row` numbers them (the API's index is i)
    return new Option(`row ${i + 1}: ${xs} → ${target}${held.has(i) ? " (held out)" : ""}`, String(i));
  }));
}

/** Show a State (with its rows); with `dataChanged`, the controls, the rows and the step
 * start again. */
export async function adopt(next, { dataChanged = false } = {}) {
  page.state = await withRows(next);
  clearError();
  if (dataChanged) {
    clearDerivation();
    syncControls(page.state.config);
    fillSamples();
    resetStep();
  }
  $("sample").value = String(page.state.sample);
  writeHash();
  drawAll();
}

/** Select a row of the address (if it has one the data has). */
export async function selectSample(sample) {
  if (sample !== null && sample !== page.state.sample && sample >= 0 && sample < page.state.data.n_samples) {
    await adopt(await api("PUT", "/sample", { index: sample }));
  }
}

/** An address typed or pasted into this tab: build what it says. */
async function followHash() {
  if (location.hash === page.writtenHash || tourPlace(location.hash)) return;   // tour.js follows #tour/N
  stopRunning();
  const { defaults } = page.options;
  const { config, sample } = configFromAddress(addressText(), page.options);
  let next;
  try {
    next = await api("PUT", "/config", { ...defaults, ...config });
  } catch (err) {
    history.replaceState(null, "", page.writtenHash);     // the address keeps saying what is shown
    throw err;
  }
  await adopt(next, { dataChanged: true });
  await selectSample(sample);
  say(`Built the configuration of the address: ${next.network.sizes.join("-")} on ${next.data.name}.`);
}

/* ---------- a weight or bias typed in the drawing ---------- */

function paramValue(name, index) {
  const layer = page.state.network.layers[Number(name.slice(1)) - 1];
  return name.startsWith("W") ? layer.W[index[0]][index[1]] : layer.b[index[0]];
}

/** A parameter's button in the drawing, clicked: edit it, show its derivation. */
async function onParam(btn) {
  const name = btn.dataset.param;
  const index = btn.dataset.index.split(",").map(Number);
  stopRunning();
  $("deriv-symbol").textContent = "";                   // filled again by this parameter's answer
  page.view.selected = { name, index };
  document.querySelectorAll("#net .param.selected").forEach((b) => b.classList.remove("selected"));
  btn.classList.add("selected");
  openEditor(name, index, btn);
  await refreshDerivation();
}

function openEditor(name, index, btn) {
  const symbol = symbolOf(page.state.network.sizes, name, index);
  const input = document.createElement("input");
  input.type = "text";
  input.inputMode = "decimal";
  input.className = "param-input";
  input.value = fmt(paramValue(name, index));
  input.dataset.testid = "param-input";
  input.setAttribute("aria-label", `New value of ${symbol} (Enter sets it, Escape cancels)`);
  const original = input.value;
  let done = false;
  const finish = guard(async (commit, always = false) => {
    if (done) return;
    done = true;
    const changed = commit && (always || input.value.trim() !== original);
    try {
      if (changed) await setParam(name, index, input.value);
      else drawAll();
    } finally {
      focusParam(name, index);
    }
    if (changed) await refreshDerivation();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); finish(true, true); }
    if (event.key === "Escape") { event.preventDefault(); finish(false); }
  });
  input.addEventListener("blur", () => finish(true));
  btn.replaceWith(input);
  input.focus();
  input.select();
}

function focusParam(name, index) {
  const target = document.querySelector(`[data-testid="param-${keyOf(name, index)}"]`);
  if (target) target.focus();
}

async function setParam(name, index, text) {
  const value = Number(text.trim().replace("−", "-").replace(",", "."));
  if (text.trim() === "" || !Number.isFinite(value)) {
    drawAll();
    throw new Error(`The value must be a number. Got ${JSON.stringify(text)}.`);
  }
  stopRunning();
  const next = await api("PUT", "/param", { name, index, value });
  resetStep();
  await adopt(next);
  say(`${symbolOf(page.state.network.sizes, name, index)} = ${fmt(paramValue(name, index))}`);
}

/* ---------- wiring ---------- */

/** Wire the controls, the drawing's parameters and the address. */
export function wireEditor(on) {
  for (const id of ["dataset", ...NUMBERS, "shuffle", "loss-name", "optimizer", "out-activation"]) {
    on(id, "change", applyConfig);
  }
  on("apply-config", "click", applyConfig);
  on("article", "click", async () => {
    stopRunning();
    await adopt(await api("PUT", "/config", page.options.defaults), { dataChanged: true });
    const { state } = page;
    const params = state.network.layers.flatMap((layer, k) => [
      `${symbolOf(state.network.sizes, `W${k + 1}`, [0, 0])} = ${fmt(layer.W[0][0])}`,
      `${symbolOf(state.network.sizes, `b${k + 1}`, [0])} = ${fmt(layer.b[0])}`]);
    say(`The article's network B: ${params.join(", ")}, η = ${fmt(state.config.learning_rate)}, ` +
      `row ${state.sample + 1}.`);
  });
  on("add-layer", "click", addLayer);
  on("remove-layer", "click", removeLayer);
  on("sample", "change", async () => {
    const next = await api("PUT", "/sample", { index: Number($("sample").value) });
    resetStep();
    await adopt(next);
    await refreshDerivation();
  });
  $("net").addEventListener("click", (event) => {     // one listener for every parameter
    const btn = event.target.closest("button[data-param]");
    if (btn) guard(onParam)(btn);
  });
  window.addEventListener("hashchange", guard(followHash));
}
