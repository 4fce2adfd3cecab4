// The page: one server-side session per page load (its id lives in this module only, never in
// storage, so two tabs never share state), the article's step sequence, live training, the
// derivation of any parameter, a quiz, and the configuration kept in the address.
// Every number shown comes from the API (the engine); this file only asks and lays out.

import { ApiError, call } from "./api.js";
import { fmt, fmtList } from "./format.js";
import { drawNetwork, keyOf, symbolOf } from "./netview.js";
import { drawLoss, drawView } from "./charts.js";
import { addressOf, configFromAddress } from "./address.js";
import { stepParts } from "./parts.js";

const $ = (id) => document.getElementById(id);
const MAX_HIDDEN = 6;       // the contract's bounds of a Config (the API checks them)
const MAX_NEURONS = 64;
let sid = null;            // this page's session id: a variable, never storage
let options = null;
let state = null;
let draft = { hidden: [1], activations: ["sigmoid", "sigmoid"] };
const view = { forward: null, backward: null, updated: null, selected: null };
let stage = 0;             // 0 nothing shown · 1 forward · 2 loss · 3 backward · 4 update · 5 again
let current = null;        // the Step being walked through
let running = false;
let quizId = null;
let writtenHash = "";      // the address this page wrote last (so its own changes are not followed)

function api(method, path, body) {
  return call(method, `/api/sessions/${sid}${path}`, body);
}

/* ---------- messages ---------- */

function say(text) {
  $("status").textContent = text;
}

/** Show a failure: the API's words in the alert box (or next to the field it is about). */
function showError(err, field = null) {
  const message = err instanceof ApiError || err instanceof Error ? err.message : String(err);
  if (field) {
    field.textContent = message;
    say(`Error: ${message}`);
    return;
  }
  const box = $("error");
  box.textContent = message;
  box.hidden = false;
  say("Error: see the message above.");
}

function clearError() {
  $("error").hidden = true;
  $("error").textContent = "";
}

/** Run an action; show the API's message if it fails (an older message goes when it starts). */
function guard(action) {
  return async (...args) => {
    clearError();
    try {
      await action(...args);
    } catch (err) {
      showError(err);
    }
  };
}

/* ---------- configuration: controls, address ---------- */

function fillSelect(select, values, labels = {}) {
  select.replaceChildren(...values.map((v) => new Option(labels[v] || v, v)));
}

function writeHash() {
  writtenHash = addressOf(state.config, state.sample);
  history.replaceState(null, "", writtenHash);
}

function addressText() {
  return location.hash.slice(1) || location.search.slice(1);
}

/** An address typed or pasted into this tab: build what it says. */
async function followHash() {
  if (location.hash === writtenHash) return;
  stopRunning();
  const { config, sample } = configFromAddress(addressText(), options.defaults);
  let next;
  try {
    next = await api("PUT", "/config", { ...options.defaults, ...config });
  } catch (err) {
    history.replaceState(null, "", writtenHash);        // the address keeps saying what is shown
    throw err;
  }
  adopt(next, { dataChanged: true });
  if (sample !== null && sample !== next.sample && sample >= 0 && sample < next.data.n_samples) {
    adopt(await api("PUT", "/sample", { index: sample }));
  }
  say(`Built the configuration of the address: ${next.network.sizes.join("-")} on ${next.data.name}.`);
}

function syncControls(config) {
  $("dataset").value = config.dataset;
  $("n_samples").value = config.n_samples;
  $("noise").value = config.noise;
  $("seed").value = config.seed;
  $("learning_rate").value = config.learning_rate;
  $("batch_size").value = config.batch_size;
  $("shuffle").checked = Boolean(config.shuffle);
  $("loss-name").value = config.loss;
  $("optimizer").value = config.optimizer;
  draft = { hidden: [...config.hidden], activations: [...config.activations] };
  $("out-activation").value = draft.activations[draft.activations.length - 1];
  $("toy-fields").hidden = ["psa", "csv"].includes(config.dataset);
  drawLayerEditor();
}

function drawLayerEditor() {
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
    fillSelect(select, options.activations.filter((a) => a !== "softmax"));
    select.value = draft.activations[k];
    select.addEventListener("change", guard(async () => {
      draft.activations[k] = select.value;
      await applyConfig();
    }));
    minus.disabled = n <= 1;
    plus.disabled = n >= MAX_NEURONS;
    row.append(title, minus, count, plus, select);
    box.append(row);
  });
  $("add-layer").disabled = draft.hidden.length >= MAX_HIDDEN;
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

function button(text, label, testid, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  b.setAttribute("aria-label", label);
  b.dataset.testid = testid;
  b.addEventListener("click", guard(onClick));
  return b;
}

async function setNeurons(k, n) {
  if (n < 1) return;
  draft.hidden[k] = n;
  await applyConfig();
}

function readConfig() {
  const activations = [...draft.activations];
  activations[activations.length - 1] = $("out-activation").value;
  return {
    dataset: $("dataset").value,
    n_samples: Number($("n_samples").value),
    noise: Number($("noise").value),
    seed: Number($("seed").value),
    hidden: [...draft.hidden],
    activations,
    loss: $("loss-name").value,
    optimizer: $("optimizer").value,
    learning_rate: Number($("learning_rate").value),
    batch_size: Number($("batch_size").value),
    shuffle: $("shuffle").checked,
  };
}

async function applyConfig() {
  stopRunning();
  const config = readConfig();
  if (config.dataset === "csv" && state.config.dataset !== "csv") {
    say("Choose a CSV file and its target column, then press Upload CSV.");
    $("csv-file").focus();
    return;
  }
  const next = await api("PUT", "/config", config);
  adopt(next, { dataChanged: true });
  say(`Built a ${next.network.sizes.join("-")} network on ${next.data.name} (epoch 0).`);
}

/* ---------- state → page ---------- */

function adopt(next, { dataChanged = false } = {}) {
  state = next;
  clearError();
  if (dataChanged) {
    clearDerivation();
    syncControls(state.config);
    fillSamples();
    resetStep();
  }
  $("sample").value = String(state.sample);
  writeHash();
  drawAll();
}

function fillSamples() {
  const data = state.data;
  const select = $("sample");
  select.replaceChildren(...data.X.map((row, i) => {
    const xs = row.map((v, k) => `${data.feature_names[k] || `x${k + 1}`} = ${fmt(v, 4)}`).join(", ");
    const target = data.class_names ? data.class_names[Number(data.y[i])] : fmtList(data.y[i]);
    return new Option(`row ${i}: ${xs} → ${target}`, String(i));
  }));
}

function drawAll() {
  drawNetwork($("net"), { ...view, state }, { onParam: guard(onParam) });
  const limits = state.limits || (options && options.limits) || {};
  $("net-meta").textContent = `${state.network.sizes.join("-")} · ${state.network.n_params}` +
    (limits.max_params ? ` of at most ${limits.max_params} parameters` : " parameters");
  drawTraining();
}

function drawTraining() {
  $("epoch").textContent = String(state.epoch);
  $("mean-loss").textContent = fmt(state.loss);
  drawLoss($("loss-chart"), state.history || []);
  drawView($("view-curve"), $("view-map"), $("view-caption"), state);
}

/* ---------- one step, as the article does it ---------- */

const STEP_BUTTONS = ["btn-forward", "btn-loss", "btn-backward", "btn-update", "btn-again"];

function setStage(next) {
  const hadFocus = STEP_BUTTONS.includes(document.activeElement && document.activeElement.id);
  stage = next;
  STEP_BUTTONS.forEach((id, k) => {
    $(id).disabled = k === 0 ? false : k !== stage;
    $(id).classList.toggle("done", k < stage);
  });
  // The keyboard follows the article: the next step's button takes the focus.
  if (hadFocus) $(STEP_BUTTONS[stage < STEP_BUTTONS.length ? stage : 0]).focus();
}

function resetStep() {
  current = null;
  view.forward = null;
  view.backward = null;
  view.updated = null;
  for (const id of ["step-x", "step-target", "out-output", "out-loss", "out-output-after", "out-loss-after"]) {
    $(id).textContent = "–";
  }
  $("step-words").textContent = "";
  const hint = document.createElement("p");
  hint.className = "hint";
  hint.textContent = "Press Forward: the step is written out here, part by part, as you go.";
  $("step-html").replaceChildren(hint);
  setStage(0);
}

function showParts(upTo) {
  const parts = current ? stepParts(current.html) : [];
  const shown = parts.length === 6 ? parts.slice(0, upTo + 1) : parts;
  $("step-html").replaceChildren(...shown);
  const last = shown[shown.length - 1];
  if (upTo > 1 && last) {
    last.classList.add("just-shown");
    const box = $("step-html");
    box.scrollTop = last.offsetTop;      // the new part at the top of its box (offsetParent)
  }
}

function vec(values) {
  return values.length === 1 ? fmt(values[0]) : fmtList(values);
}

async function stepForward() {
  resetStep();
  current = await api("POST", "/step", {});
  view.forward = current;
  $("step-x").textContent = vec(current.x);
  $("step-target").textContent = vec(current.target);
  $("out-output").textContent = vec(current.output);
  showParts(1);
  say(`Forward: ŷ = ${vec(current.output)} for x = ${vec(current.x)}.`);
  $("step-words").textContent = "Forward: each neuron computes z = a_prev·W + b, then a = g(z); " +
    "the numbers fill the neurons (hover one for z and a).";
  setStage(1);
  drawAll();
}

function stepLoss() {
  $("out-loss").textContent = fmt(current.loss);
  showParts(2);
  say(`Loss: L = ${fmt(current.loss)}.`);
  $("step-words").textContent = `Loss (${current.loss_name}): how far ŷ is from the target t.`;
  setStage(2);
}

async function stepBackward() {
  view.backward = current;
  $("step-words").textContent = "Backward: the chain rule, from the output back; each edge shows " +
    "its gradient ∂L/∂w, each neuron its δ. Click a weight for its derivation.";
  setStage(3);
  showParts(3);
  say("Backward: the gradients are on the edges, from the output back.");
  view.animate = true;
  drawAll();
  view.animate = false;
  await refreshDerivation();
}

async function stepUpdate() {
  const next = await api("POST", "/update", {});
  view.updated = current;
  view.backward = current;
  state = next;
  writeHash();
  $("step-words").textContent = `Update: w ← w − η · ∂L/∂w with η = ${fmt(current.learning_rate)}; ` +
    "each weight shows old → new.";
  setStage(4);
  showParts(4);
  say("Update: each weight shows old → new.");
  drawAll();
}

async function stepAgain() {
  $("out-output-after").textContent = vec(current.output_after);
  $("out-loss-after").textContent = fmt(current.loss_after);
  showParts(5);
  say(`Forward again: ŷ = ${vec(current.output_after)}, L = ${fmt(current.loss_after)}.`);
  const fresh = await api("POST", "/step", {});
  view.forward = fresh;
  view.backward = null;
  $("step-words").textContent = `Forward again with the new weights: the loss went from ` +
    `${fmt(current.loss)} to ${fmt(current.loss_after)}.`;
  setStage(5);
  drawAll();
  refreshDerivation();
}

/* ---------- parameters: edit, derivation ---------- */

function paramValue(name, index) {
  const layer = state.network.layers[Number(name.slice(1)) - 1];
  return name.startsWith("W") ? layer.W[index[0]][index[1]] : layer.b[index[0]];
}

async function onParam(name, index, btn) {
  stopRunning();
  $("deriv-symbol").textContent = "";                   // filled again by this parameter's answer
  view.selected = { name, index };
  document.querySelectorAll("#net .param.selected").forEach((b) => b.classList.remove("selected"));
  btn.classList.add("selected");
  openEditor(name, index, btn);
  await refreshDerivation();
}

function openEditor(name, index, btn) {
  const symbol = symbolOf(state.network.sizes, name, index);
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
  adopt(next);
  say(`${symbolOf(state.network.sizes, name, index)} = ${fmt(paramValue(name, index))}`);
}

function clearDerivation() {
  view.selected = null;
  $("deriv-symbol").textContent = "";
  $("deriv-value").replaceChildren();
  $("derivation").replaceChildren();
  $("deriv-hint").textContent = "Click a weight or bias in the network.";
}

async function refreshDerivation() {
  const sel = view.selected;
  if (!sel || !state) return;
  const [name, index] = [sel.name, sel.index];
  const query = name.startsWith("W") ? `param=${name}&i=${index[0]}&j=${index[1]}` : `param=${name}&j=${index[0]}`;
  const d = await api("GET", `/derivation?${query}`);
  $("deriv-symbol").textContent = d.symbol;
  $("deriv-hint").textContent = `From the trace of row ${state.sample} at the current weights.`;
  const strong = document.createElement("strong");
  strong.dataset.testid = "deriv-gradient";
  strong.textContent = fmt(d.value);
  $("deriv-value").replaceChildren(`∂L/∂${d.symbol} = `, strong);
  $("derivation").innerHTML = d.html || "";
}

/* ---------- training ---------- */

async function trainOnce() {
  const wanted = Number($("epochs-per").value) || 1;
  const most = state.max_epochs_now || wanted;          // the server's work budget for this network
  const epochs = Math.max(1, Math.min(wanted, most));
  const next = await api("POST", "/train", { epochs });
  if (stage) resetStep();
  state = next;
  drawAll();
}

function nextFrame() {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

async function runLoop() {
  while (running) {
    try {
      await trainOnce();
    } catch (err) {
      stopRunning();
      showError(err);
      return;
    }
    await nextFrame();
  }
  writeHash();
  await refreshDerivation().catch(showError);
}

function toggleRun() {
  if (running) {
    stopRunning();
    return;
  }
  running = true;
  $("btn-run").textContent = "Pause";
  $("btn-run").setAttribute("aria-pressed", "true");
  say("Training… (press Pause to stop)");
  runLoop();
}

function stopRunning() {
  if (!running) return;
  running = false;
  $("btn-run").textContent = "Run";
  $("btn-run").setAttribute("aria-pressed", "false");
  say(`Paused at epoch ${state ? state.epoch : 0}.`);
}

/* ---------- teaching mode ---------- */

async function askQuiz() {
  $("quiz-question").textContent = "";                  // no old question while the new one comes
  $("quiz-result").textContent = "";
  const q = await api("POST", "/quiz", {});
  quizId = q.quiz;
  $("quiz").hidden = false;
  $("quiz-question").textContent = q.question;
  $("quiz-html").innerHTML = q.html || "";
  $("quiz-result").textContent = "";
  $("quiz-result").className = "";
  $("quiz-solution").replaceChildren();
  $("quiz-answer").value = "";
  $("quiz-answer").focus();
}

async function checkQuiz() {
  if (!quizId) return;
  const text = $("quiz-answer").value.trim().replace("−", "-");
  const answer = Number(text);
  if (text === "" || !Number.isFinite(answer)) throw new Error(`The answer must be a number. Got ${JSON.stringify(text)}.`);
  const r = await api("POST", `/quiz/${quizId}`, { answer });
  $("quiz-result").textContent = r.correct
    ? `Correct: ${fmt(r.expected)} (within ±${fmt(r.tolerance)}).`
    : `Not quite: the value is ${fmt(r.expected)} (tolerance ±${fmt(r.tolerance)}); you typed ${fmt(answer)}.`;
  $("quiz-result").className = r.correct ? "correct" : "incorrect";
  $("quiz-solution").innerHTML = r.html || "";
}

/* ---------- uploads, downloads ---------- */

async function uploadCsv() {
  const file = $("csv-file").files[0];
  $("csv-error").textContent = "";
  if (!file) throw new Error("Choose a CSV file first.");
  const form = new FormData();
  form.append("file", file);
  form.append("target", $("csv-target").value.trim());
  const features = $("csv-features").value.trim();
  if (features) form.append("features", features);
  stopRunning();
  try {
    const next = await api("POST", "/csv", form);
    adopt(next, { dataChanged: true });
    say(`Loaded ${next.data.n_samples} rows from ${file.name}.`);
  } catch (err) {
    showError(err, $("csv-error"));
  }
}

async function uploadModel() {
  const file = $("model-file").files[0];
  if (!file) throw new Error("Choose a model JSON file first.");
  const form = new FormData();
  form.append("file", file);
  stopRunning();
  const next = await api("POST", "/model", form);
  adopt(next, { dataChanged: true });
  say(`Loaded the model ${file.name} (${next.network.sizes.join("-")}).`);
}

function setDownloads() {
  const base = `/api/sessions/${sid}`;
  $("dl-model").href = `${base}/model`;
  $("dl-explain-html").href = `${base}/explanation?format=html`;
  $("dl-explain-md").href = `${base}/explanation?format=markdown`;
  $("dl-report").href = `${base}/report`;
}

async function copyLink() {
  try {
    await navigator.clipboard.writeText(location.href);
    say("The link is copied: it rebuilds this configuration.");
  } catch (err) {
    say(`Copy this address to share the configuration: ${location.href}`);
  }
}

/* ---------- start ---------- */

function wire() {
  const on = (id, event, action) => $(id).addEventListener(event, guard(action));
  on("btn-forward", "click", stepForward);
  on("btn-loss", "click", stepLoss);
  on("btn-backward", "click", stepBackward);
  on("btn-update", "click", stepUpdate);
  on("btn-again", "click", stepAgain);
  on("btn-epoch", "click", async () => { stopRunning(); await trainOnce(); writeHash(); await refreshDerivation(); });
  on("btn-run", "click", toggleRun);
  for (const id of ["dataset", "n_samples", "noise", "seed", "learning_rate", "batch_size",
    "shuffle", "loss-name", "optimizer", "out-activation"]) on(id, "change", applyConfig);
  on("apply-config", "click", applyConfig);
  on("article", "click", async () => {
    stopRunning();
    adopt(await api("PUT", "/config", options.defaults), { dataChanged: true });
    say("The article's network B on PSA: w1 = 0.5, b1 = 0, w2 = -1, b2 = 0, η = 0.1, row 8.");
  });
  on("add-layer", "click", async () => {
    draft.hidden.push(draft.hidden.length ? draft.hidden[draft.hidden.length - 1] : 2);
    draft.activations.splice(draft.activations.length - 1, 0, draft.activations[0] === "softmax" ? "sigmoid" : draft.activations[0]);
    await applyConfig();
  });
  on("remove-layer", "click", async () => {
    if (!draft.hidden.length) return;
    draft.hidden.pop();
    draft.activations.splice(draft.activations.length - 2, 1);
    await applyConfig();
  });
  on("sample", "change", async () => {
    const next = await api("PUT", "/sample", { index: Number($("sample").value) });
    resetStep();
    adopt(next);
    await refreshDerivation();
  });
  on("csv-upload", "click", uploadCsv);
  on("model-upload", "click", uploadModel);
  on("copy-link", "click", copyLink);
  on("quiz-ask", "click", askQuiz);
  on("quiz-check", "click", checkQuiz);
  $("quiz-answer").addEventListener("keydown", (event) => {
    if (event.key === "Enter") guard(checkQuiz)();
  });
  window.addEventListener("hashchange", guard(followHash));
  window.addEventListener("pagehide", () => {
    if (sid) fetch(`/api/sessions/${sid}`, { method: "DELETE", keepalive: true }).catch(() => undefined);
  });
}

async function start() {
  wire();
  options = await call("GET", "/api/options");
  fillSelect($("dataset"), options.datasets, { psa: "PSA (the article)", csv: "CSV (upload below)" });
  fillSelect($("out-activation"), options.activations);
  fillSelect($("loss-name"), options.losses);
  fillSelect($("optimizer"), options.optimizers);
  const { config, sample } = configFromAddress(addressText(), options.defaults);
  let first;
  let refused = null;
  try {
    first = await call("POST", "/api/sessions", { config });
  } catch (err) {
    if (!Object.keys(config).length) throw err;
    refused = new Error(`The address's configuration was refused: ${err.message} The defaults are shown instead.`);
    first = await call("POST", "/api/sessions", {});
  }
  sid = first.session;
  setDownloads();
  adopt(first, { dataChanged: true });
  if (refused) showError(refused);
  if (sample !== null && sample !== first.sample && sample >= 0 && sample < first.data.n_samples) {
    adopt(await api("PUT", "/sample", { index: sample }));
  }
  document.body.dataset.ready = "true";
  say(`Ready: the ${state.network.sizes.join("-")} network on ${state.data.name}, row ${state.sample} selected.`);
}

start().catch(showError);
