// The page's one state object, its messages, and how the state is drawn. The other modules
// (step, editor, training, quiz, files) read and change `page` and call `drawAll`; none keeps
// state of its own. Every name and limit comes from the API (`page.options`: GET /api/options).

import { call } from "./api.js";
import { addressOf } from "./address.js";
import { drawLoss, drawView } from "./charts.js";
import { fmt } from "./format.js";
import { drawNetwork } from "./netview.js";
import { drawLandscape, drawNeuronPlots } from "./plots.js";

export const $ = (id) => document.getElementById(id);

/** Everything the page holds (the session id lives here only, never in storage). */
export const page = {
  sid: null,            // this page's session id: two tabs never share state
  options: null,        // GET /api/options: names, limits, configuration keys, defaults
  state: null,          // the session's State, as the API last sent it (with rows' X, y)
  rows: null,           // GET .../data: the data's rows, asked once per data (their version)
  draft: { hidden: [], activations: [] },   // the layer editor's network, before it is sent
  view: { forward: null, backward: null, updated: null, selected: null, animate: false },
  stage: 0,             // 0 nothing shown · 1 forward · 2 loss · 3 backward · 4 update · 5 again
  current: null,        // the Step being walked through
  running: false,       // Run: one train request after another
  runs: 0,              // Run loops started: only the newest goes on (Pause, Run in a hurry)
  quizId: null,
  writtenHash: "",      // the address this page wrote last (its own changes are not followed)
  screen: "play",       // "tour" (the guided tour, #tour/N) or "play" (free play, #config)
  tour: null,           // GET /api/tour: the numbers of the tour's sections
  tourSection: 1,       // the section shown (1-7), and the part of section 6 revealed
  tourPart: 0,
  derivAt: "current",   // the derivation shown: "step" (the step just taken) or "current"
  landscape: null,      // GET .../landscape: the loss over two parameters
  landKeys: null,       // [x, y]: the parameter entries the landscape is over
  landBounds: null,     // the grid's bounds the page asked for (null: the server's default)
  path: [],             // the (x, y, loss) the training went through, one point per State
  paths: null,          // POST .../paths: descent from the same start, one per learning rate
  neurons: null,        // GET .../neurons: each neuron's activation over the inputs
  compare: null,        // POST .../compare: ssr beside the output's own loss
  panelCounts: {},     // States each panel has seen (while running it asks every so many)
  rateEta: null,        // the learning rate the suggested rates were made from
  drawnNetwork: null,   // the State's network the panels were last asked for
  refreshers: [],       // what asks the API again when the network changes (panels)
};

/** A request about this page's session. */
export function api(method, path, body) {
  return call(method, `/api/sessions/${page.sid}${path}`, body);
}

/** A State from the API, with its data's rows: a State carries none, so they are asked
 * for (GET .../data) only when its data.version is not the one the page holds. */
export async function withRows(next) {
  if (!page.rows || page.rows.version !== next.data.version) {
    page.rows = await api("GET", "/data");
  }
  next.data.X = page.rows.X;
  next.data.y = page.rows.y;
  return next;
}

/* ---------- messages ---------- */

export function say(text) {
  $("status").textContent = text;
}

/** Show a failure: the API's words in the alert box (or next to the field it is about). */
export function showError(err, field = null) {
  const message = err instanceof Error ? err.message : String(err);
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

export function clearError() {
  $("error").hidden = true;
  $("error").textContent = "";
}

/** Run an action; show the API's message if it fails (an older message goes when it starts). */
export function guard(action) {
  return async (...args) => {
    clearError();
    try {
      await action(...args);
    } catch (err) {
      showError(err);
    }
  };
}

/* ---------- the address, Run ---------- */

export function writeHash() {
  if (page.screen === "tour") return;        // the tour's address (#tour/N) stays
  page.writtenHash = addressOf(page.state.config, page.state.sample, page.options);
  history.replaceState(null, "", page.writtenHash);
}

export function addressText() {
  return location.hash.slice(1) || location.search.slice(1);
}

/** Stop Run (the loop ends after the request under way). */
export function stopRunning() {
  if (!page.running) return;
  page.running = false;
  $("btn-run").textContent = "Run";
  $("btn-run").setAttribute("aria-pressed", "false");
  say(`Paused at epoch ${page.state ? page.state.epoch : 0}.`);
}

/* ---------- the state, drawn ---------- */

/** Draw the network, its size, and the training pictures from `page`. */
export function drawAll() {
  const { state, view } = page;
  drawNetwork($("net"), { ...view, state });
  $("net-meta").textContent = `${state.network.sizes.join("-")} · ${state.network.n_params}` +
    ` of at most ${state.limits.max_params} parameters`;
  $("epoch").textContent = String(state.epoch);
  $("mean-loss").textContent = fmt(state.loss);
  drawLoss($("loss-chart"), state.history || [], state.test_history || []);
  drawView($("view-curve"), $("view-map"), $("view-caption"), state);
  $("test-counter").hidden = state.test_loss === null || state.test_loss === undefined;
  $("test-loss").textContent = fmt(state.test_loss);
  drawPanels();
  if (state.network !== page.drawnNetwork) {      // new weights: the panels ask again
    page.drawnNetwork = state.network;
    for (const refresh of page.refreshers) refresh().catch(showError);
  }
}

/** Panels off the screen (IntersectionObserver): while running, they do not ask the API. */
const offScreen = new Set();

/** Follow whether the panel `name` (its element) is on the screen. */
export function watchPanel(name, element) {
  if (typeof IntersectionObserver === "undefined") return;
  new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting) offScreen.delete(name);
      else offScreen.add(name);
    }
  }).observe(element);
}

/** Whether a panel asks the API again for this State: always, except while running, when
 * it asks every so many updates (the Training panel's choice) and only if it is on the
 * screen, so Run stays fast (when Run ends, every panel asks for the last State). */
export function panelDue(name) {
  if (page.running && offScreen.has(name)) return false;
  page.panelCounts[name] = (page.panelCounts[name] || 0) + 1;
  const every = page.running ? Number($("panel-every").value) || 1 : 1;
  return page.panelCounts[name] % every === 0;
}

/** The answers the neuron and comparison panels show now (drawPanels skips the same). */
const drawnPanels = { neurons: undefined, compare: undefined };

/** Draw the panels only (the landscape, the neurons, the comparison): what their own answers
 * change, leaving the network (and a weight being typed in it) as it is. */
export function drawPanels() {
  drawLandscape($("landscape"), page.landscape, page.path, page.paths);
  // the neurons and the comparison change only with their own answers: drawn once each
  if (drawnPanels.neurons !== page.neurons) {
    drawnPanels.neurons = page.neurons;
    drawNeuronPlots($("neurons"), page.neurons);
  }
  if (drawnPanels.compare !== page.compare) {
    drawnPanels.compare = page.compare;
    (page.compare ? page.compare.runs : []).forEach((run, k) => {
      drawLoss($(`cmp-chart-${k}`), run.history, run.test_history);
    });
  }
}

