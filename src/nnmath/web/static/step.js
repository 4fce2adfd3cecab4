// One step on the selected sample, as the article does it: Forward, Loss, Backward, Update,
// Forward again. The Step (POST .../step) is asked once; each stage shows more of it.

import { refreshDerivation } from "./derivation.js";
import { fmt, fmtList } from "./format.js";
import { $, api, drawAll, page, say, withRows, writeHash } from "./page.js";
import { stepParts } from "./parts.js";

const STEP_BUTTONS = ["btn-forward", "btn-loss", "btn-backward", "btn-update", "btn-again"];

function setStage(next) {
  const hadFocus = STEP_BUTTONS.includes(document.activeElement && document.activeElement.id);
  page.stage = next;
  STEP_BUTTONS.forEach((id, k) => {
    $(id).disabled = k === 0 ? false : k !== page.stage;
    $(id).classList.toggle("done", k < page.stage);
  });
  // The keyboard follows the article: the next step's button takes the focus.
  if (hadFocus) $(STEP_BUTTONS[page.stage < STEP_BUTTONS.length ? page.stage : 0]).focus();
}

/** Nothing of a step shown (a new network, weight, sample or epoch makes it stale). */
export function resetStep() {
  page.current = null;
  page.view.forward = null;
  page.view.backward = null;
  page.view.updated = null;
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
  const parts = page.current ? stepParts(page.current.html) : [];
  const shown = parts.length === STEP_BUTTONS.length + 1 ? parts.slice(0, upTo + 1) : parts;
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

export async function stepForward() {
  resetStep();
  const current = await api("POST", "/step", {});
  page.current = current;
  page.view.forward = current;
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

export function stepLoss() {
  const { current } = page;
  $("out-loss").textContent = fmt(current.loss);
  showParts(2);
  say(`Loss: L = ${fmt(current.loss)}.`);
  $("step-words").textContent = `Loss (${current.loss_name}): how far ŷ is from the target t.`;
  setStage(2);
}

export async function stepBackward() {
  page.view.backward = page.current;
  $("step-words").textContent = "Backward: the chain rule, from the output back; each edge shows " +
    "its gradient ∂L/∂w, each neuron its δ. Click a weight for its derivation.";
  setStage(3);
  showParts(3);
  say("Backward: the gradients are on the edges, from the output back.");
  page.view.animate = true;
  drawAll();
  page.view.animate = false;
  await refreshDerivation();
}

export async function stepUpdate() {
  const { current } = page;
  const next = await api("POST", "/update", {});
  page.view.updated = current;
  page.view.backward = current;
  page.state = await withRows(next);
  writeHash();
  $("step-words").textContent = `Update: w ← w − η · ∂L/∂w with η = ${fmt(current.learning_rate)}; ` +
    "each weight shows old → new.";
  setStage(4);
  showParts(4);
  say("Update: each weight shows old → new.");
  page.derivAt = "step";                 // the derivation of the step just watched
  drawAll();
  await refreshDerivation();
}

export async function stepAgain() {
  const { current } = page;
  $("out-output-after").textContent = vec(current.output_after);
  $("out-loss-after").textContent = fmt(current.loss_after);
  showParts(5);
  say(`Forward again: ŷ = ${vec(current.output_after)}, L = ${fmt(current.loss_after)}.`);
  const fresh = await api("POST", "/step", {});
  page.view.forward = fresh;
  page.view.backward = null;
  $("step-words").textContent = `Forward again with the new weights: the loss went from ` +
    `${fmt(current.loss)} to ${fmt(current.loss_after)}.`;
  setStage(5);
  drawAll();
  refreshDerivation();
}

/** Wire the five buttons. */
export function wireStep(on) {
  on("btn-forward", "click", stepForward);
  on("btn-loss", "click", stepLoss);
  on("btn-backward", "click", stepBackward);
  on("btn-update", "click", stepUpdate);
  on("btn-again", "click", stepAgain);
}
