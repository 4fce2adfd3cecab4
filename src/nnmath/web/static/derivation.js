// The derivation of the selected weight or bias (GET .../derivation): the chain-rule product,
// each factor's value and meaning, as the API renders it. It says where it stands: after an
// Update, the step just taken (the weights before the update: the gradient the update used)
// and, one click away, the step at the current weights; each labelled. On a narrow screen
// the panel rises from the bottom of the window, so a clicked weight's derivation is seen.

import { fmt } from "./format.js";
import { $, api, guard, page } from "./page.js";

export function clearDerivation() {
  page.view.selected = null;
  $("deriv-symbol").textContent = "";
  $("deriv-value").replaceChildren();
  $("derivation").replaceChildren();
  $("deriv-label").textContent = "";
  $("deriv-where").hidden = true;
  $("deriv-hint").textContent = "Click a weight or bias in the network.";
  $("deriv-panel").classList.remove("open");
}

/** Ask again for the selected parameter's derivation (at the weights chosen, the row selected). */
export async function refreshDerivation() {
  const sel = page.view.selected;
  if (!sel || !page.state) return;
  const [name, index] = [sel.name, sel.index];
  const at = page.state.stepped ? page.derivAt : "current";
  const query = (name.startsWith("W") ? `param=${name}&i=${index[0]}&j=${index[1]}` : `param=${name}&j=${index[0]}`) +
    `&at=${at}`;
  const d = await api("GET", `/derivation?${query}`);
  $("deriv-symbol").textContent = d.symbol;
  $("deriv-hint").textContent = "";
  $("deriv-where").hidden = !page.state.stepped;
  $("deriv-at-step").setAttribute("aria-pressed", String(at === "step"));
  $("deriv-at-current").setAttribute("aria-pressed", String(at === "current"));
  const row = page.state.sample + 1;
  $("deriv-label").textContent = at === "step"
    ? `The step just taken on row ${row}: the weights before the update, the gradient the update used.`
    : `At the current weights, on row ${row}: the step that Forward would take now.`;
  $("deriv-label").dataset.at = at;
  const strong = document.createElement("strong");
  strong.dataset.testid = "deriv-gradient";
  strong.textContent = fmt(d.value);
  $("deriv-value").replaceChildren(`∂L/∂${d.symbol} = `, strong);
  $("derivation").innerHTML = d.html || "";
  $("deriv-panel").classList.add("open");
}

/** Wire the two views (the step just taken, the current weights) and the narrow screen's close. */
export function wireDerivation(on) {
  const choose = (at) => async () => {
    page.derivAt = at;
    await refreshDerivation();
  };
  on("deriv-at-step", "click", choose("step"));
  on("deriv-at-current", "click", choose("current"));
  on("deriv-close", "click", () => $("deriv-panel").classList.remove("open"));
  $("deriv-panel").addEventListener("keydown", (event) => {
    if (event.key === "Escape") guard(() => $("deriv-panel").classList.remove("open"))();
  });
}
