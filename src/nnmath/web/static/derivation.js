// The derivation of the selected weight or bias (GET .../derivation): the chain-rule product,
// each factor's value and meaning, as the API renders it.

import { fmt } from "./format.js";
import { $, api, page } from "./page.js";

export function clearDerivation() {
  page.view.selected = null;
  $("deriv-symbol").textContent = "";
  $("deriv-value").replaceChildren();
  $("derivation").replaceChildren();
  $("deriv-hint").textContent = "Click a weight or bias in the network.";
}

/** Ask again for the selected parameter's derivation (at the current weights and row). */
export async function refreshDerivation() {
  const sel = page.view.selected;
  if (!sel || !page.state) return;
  const [name, index] = [sel.name, sel.index];
  const query = name.startsWith("W") ? `param=${name}&i=${index[0]}&j=${index[1]}` : `param=${name}&j=${index[0]}`;
  const d = await api("GET", `/derivation?${query}`);
  $("deriv-symbol").textContent = d.symbol;
  $("deriv-hint").textContent = `From the trace of row ${page.state.sample} at the current weights.`;
  const strong = document.createElement("strong");
  strong.dataset.testid = "deriv-gradient";
  strong.textContent = fmt(d.value);
  $("deriv-value").replaceChildren(`∂L/∂${d.symbol} = `, strong);
  $("derivation").innerHTML = d.html || "";
}
