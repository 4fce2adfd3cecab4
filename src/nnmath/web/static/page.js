// The page's one state object, its messages, and how the state is drawn. The other modules
// (step, editor, training, quiz, files) read and change `page` and call `drawAll`; none keeps
// state of its own. Every name and limit comes from the API (`page.options`: GET /api/options).

import { call } from "./api.js";
import { addressOf } from "./address.js";
import { drawLoss, drawView } from "./charts.js";
import { fmt } from "./format.js";
import { drawNetwork } from "./netview.js";

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
  quizId: null,
  writtenHash: "",      // the address this page wrote last (its own changes are not followed)
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
  drawLoss($("loss-chart"), state.history || []);
  drawView($("view-curve"), $("view-map"), $("view-caption"), state);
}
