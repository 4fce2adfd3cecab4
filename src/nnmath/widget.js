// nnmath.widget: the page's network drawing, its five-step stepper and the click-a-weight
// derivation, in Jupyter (anywidget). The drawing is the page's own ES modules
// (web/static/netview.js, parts.js, format.js), whose sources the Python side sends in the
// model; this file only lays out the panels and wires the buttons. Every number comes from
// the Python engine through the widget's model (traitlets): no HTTP, no fetch.

/** Import the page's modules from their sources: each one's `./x.js` imports point at the
 * blob URL of x.js, made first (`order` puts every module after its imports). */
async function loadModules(sources, order) {
  const urls = {};
  for (const name of order) {
    const text = sources[name].replace(/\bfrom\s*["']\.\/([\w.-]+\.js)["']/g,
      (_, dep) => `from "${urls[dep]}"`);
    urls[name] = URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
  }
  const loaded = {};
  for (const name of order) loaded[name] = await import(urls[name]);
  return loaded;
}

const BUTTONS = [["forward", "Forward"], ["loss", "Loss"], ["backward", "Backward"],
  ["update", "Update"], ["again", "Forward again"]];

const TEMPLATE = `
<div class="wpanel">
  <label class="inline">Sample <select data-w="sample" data-testid="w-sample"></select></label>
  <div class="netwrap"><svg class="net" data-w="net" data-testid="w-net" role="group"
    aria-label="The network"></svg></div>
  <p class="hint">Click a weight or a bias for its derivation. Blue: positive weights;
    orange: negative; thicker: larger |w|.</p>
</div>
<div class="wpanel">
  <div class="row steps" role="group" aria-label="Step through one sample" data-w="buttons"></div>
  <dl class="numbers">
    <div><dt>x</dt><dd data-w="x">–</dd></div>
    <div><dt>target t</dt><dd data-w="target">–</dd></div>
    <div><dt>ŷ</dt><dd data-w="output" data-testid="w-output">–</dd></div>
    <div><dt>loss L</dt><dd data-w="loss" data-testid="w-loss">–</dd></div>
    <div><dt>ŷ after the update</dt><dd data-w="output_after">–</dd></div>
    <div><dt>loss after</dt><dd data-w="loss_after" data-testid="w-loss-after">–</dd></div>
  </dl>
  <p class="explain-step" data-w="message" aria-live="polite"></p>
  <p class="werror" data-w="error" role="alert"></p>
  <details class="whole-step" open>
    <summary>Written out, part by part (as <code>nnmath explain</code> writes it)</summary>
    <div class="math step-html" data-w="parts"></div>
  </details>
</div>
<div class="wpanel">
  <strong>Derivation</strong> <span data-w="deriv-value" data-testid="w-deriv"></span>
  <div class="math" data-w="derivation"><p class="hint">Click a weight or bias in the network.</p></div>
</div>`;

async function render({ model, el }) {
  const mods = await loadModules(model.get("modules"), model.get("module_order"));
  const { drawNetwork } = mods["netview.js"];
  const { stepParts } = mods["parts.js"];
  const { fmt, fmtList } = mods["format.js"];
  el.classList.add("nnmath-widget");
  el.innerHTML = TEMPLATE;
  const $ = (key) => el.querySelector(`[data-w="${key}"]`);
  const vec = (values) => (values.length === 1 ? fmt(values[0]) : fmtList(values));

  for (const [action, label] of BUTTONS) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.dataset.action = action;
    button.dataset.testid = `w-btn-${action}`;
    button.addEventListener("click", () => model.send({ do: action }));
    $("buttons").append(button);
  }
  $("net").addEventListener("click", (event) => {
    const target = event.target.closest("button[data-param]");
    if (!target) return;
    const index = target.dataset.index.split(",").map(Number);
    model.send({ do: "select", name: target.dataset.param, index });
  });
  $("sample").addEventListener("change", () => model.send({ do: "sample", index: Number($("sample").value) }));

  function drawSamples(state) {
    const select = $("sample");
    if (select.options.length === state.data.X.length) {
      select.value = String(state.sample);
      return;
    }
    select.replaceChildren(...state.data.X.map((row, s) => {
      const option = document.createElement("option");
      option.value = String(s);
      option.textContent = `row ${s + 1}: ${fmtList(row)}`;   // numbered as explain --row
      return option;
    }));
    select.value = String(state.sample);
  }

  function drawNumbers(stage, current) {
    const shown = { x: 1, target: 1, output: 1, loss: 2, output_after: 5, loss_after: 5 };
    for (const [key, from] of Object.entries(shown)) {
      const value = current && stage >= from ? current[key] : null;
      $(key).textContent = value === null ? "–" : (Array.isArray(value) ? vec(value) : fmt(value));
    }
    const parts = current ? stepParts(current.html) : [];
    const upTo = parts.length === BUTTONS.length + 1 ? parts.slice(0, stage + 1) : parts;
    $("parts").replaceChildren(...(stage ? upTo : []));
  }

  function drawDerivation() {
    const d = model.get("derivation");
    if (!d) {
      $("deriv-value").textContent = "";
      return;
    }
    $("deriv-value").textContent = `∂L/∂${d.symbol} = ${fmt(d.value)} (${d.where})`;
    $("derivation").innerHTML = d.html || "";
  }

  function draw() {
    const state = model.get("state");
    const steps = model.get("steps") || {};
    const view = model.get("view") || {};
    const stage = model.get("stage");
    const pick = (key) => (key ? steps[key] : null);
    drawNetwork($("net"), {
      state, forward: pick(view.forward), backward: pick(view.backward),
      updated: pick(view.updated), selected: model.get("selected"), animate: false,
    });
    drawSamples(state);
    el.querySelectorAll("[data-action]").forEach((button, k) => {
      button.disabled = k === 0 ? false : k !== stage;
      button.classList.toggle("done", k < stage);
    });
    drawNumbers(stage, steps.current);
    drawDerivation();
    $("message").textContent = model.get("message");
    $("error").textContent = model.get("error");
    el.dataset.stage = String(stage);
  }

  const names = ["state", "steps", "view", "stage", "selected", "derivation", "message", "error"];
  for (const name of names) model.on(`change:${name}`, draw);
  draw();
  return () => {
    for (const name of names) model.off(`change:${name}`, draw);
  };
}

export default { render };
