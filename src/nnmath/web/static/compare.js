// SSR beside BCE: one click trains the same start with both losses (POST .../compare) and
// shows both loss curves, each loss's output delta for the selected row, and the API's
// sentences on why they move differently. The loss names come from the answer.

import { fmt } from "./format.js";
import { $, api, drawPanels, page, say } from "./page.js";

function cell(text, testid) {
  const td = document.createElement("td");
  td.className = "num";
  td.textContent = text;
  if (testid) td.dataset.testid = testid;
  return td;
}

function showCompare() {
  const c = page.compare;
  $("cmp-out").hidden = false;
  c.runs.forEach((run, k) => {
    const first = run.history[0];
    const last = run.history[run.history.length - 1];
    $(`cmp-cap-${k}`).textContent = run.stopped
      ? `${run.loss}: stopped (${run.stopped})`
      : `${run.loss}: ${fmt(first.loss)} → ${fmt(last.loss)} in ${c.epochs} epochs`;
  });
  const sel = c.selected;
  $("cmp-caption").textContent = `Row ${sel.row_number}: the output delta of each loss at the same weights`;
  $("cmp-rows").replaceChildren(...sel.deltas.map((d) => {
    const tr = document.createElement("tr");
    const name = document.createElement("th");
    name.textContent = d.loss;
    tr.append(name, cell(d.formula), cell(fmt(d.y_hat)), cell(fmt(d.target)), cell(fmt(d.dL_dy_hat)),
      cell(fmt(d.slope)), cell(fmt(d.delta), `cmp-delta-${d.loss}`));
    tr.dataset.loss = d.loss;
    tr.dataset.delta = String(d.delta);
    return tr;
  }));
  $("cmp-words").replaceChildren(...c.sentences.map((text) => {
    const p = document.createElement("p");
    p.textContent = text;
    return p;
  }));
}

async function runCompare() {
  const epochs = Number($("cmp-epochs").value);
  say("Training the same start with both losses…");
  page.compare = await api("POST", "/compare", { epochs });
  showCompare();
  drawPanels();
  say(`Compared ${page.compare.losses.join(" and ")} over ${epochs} epochs from the same start.`);
}

/** Wire the button. */
export function wireCompare(on) {
  on("cmp-run", "click", runCompare);
}
