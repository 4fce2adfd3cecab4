// The guided tour: the article, section by section, as the page's first screen. Sections
// 1-6 show the numbers of GET /api/tour (the engine's: network A trained, network B's step);
// section 7 borrows the Training and Landscape panels and trains this tab's own session.
// Each section has an address (#tour/6, and #tour/6/3 for a part of the step), Back and
// Next, and the keys ← and →; "Free play" (the full page) is one click away.

import { call } from "./api.js";
import { tourPlace } from "./address.js";
import { adopt } from "./editor.js";
import { fmt } from "./format.js";
import { loadLandscape } from "./landscape.js";
import { svgEl } from "./netview.js";
import { $, api, page, say, stopRunning, writeHash } from "./page.js";

const TITLES = ["One neuron", "The data: PSA levels", "Network A, trained", "The cost over all samples",
  "Network B: a hidden layer", "One step of backpropagation", "Epochs: the whole data, again and again"];
const STEP_PARTS = ["Forward pass", "The loss, with its ½", "The chain rule: six factors", "Four gradients",
  "The update", "Forward again"];
const SUB = "₀₁₂₃₄₅₆₇₈₉";

/* ---------- small builders ---------- */

/** An element: h("p", {class: "x", testid: "y"}, "text", child, ...). */
function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "testid") node.dataset.testid = value;
    else if (key.startsWith("data-")) node.setAttribute(key, value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

/** A number from the API, as the CLI writes it, with its full value kept in data-value. */
function num(value, testid, digits = 6) {
  return h("b", { class: "num", testid, "data-value": String(value) }, fmt(value, digits));
}

/** The article's names of derivatives: dL/dy_hat → dL/dŷ, dz2 → dz₂. */
function pretty(name) {
  return name.replace(/y_hat/g, "ŷ").replace(/([a-zŷ])(\d)/g, (m, a, d) => a + SUB[Number(d)]);
}

function eq(...parts) {
  return h("p", { class: "eq" }, ...parts);
}

function article(text, testid) {
  return h("span", { class: "article-says", testid }, ` (the article: ${text})`);
}

function percent(p) {
  return `${(100 * p).toFixed(1)} %`;
}

/* ---------- the drawings ---------- */

/** A small network: nodes {id, x, y, text, label, hot}, edges {from, to, text, hot}. */
function diagram(nodes, edges, width, height, label) {
  const svg = svgEl("svg", { viewBox: `0 0 ${width} ${height}`, class: "tour-diagram", role: "img", "aria-label": label });
  const at = Object.fromEntries(nodes.map((n) => [n.id, n]));
  for (const e of edges) {
    const [a, b] = [at[e.from], at[e.to]];
    svg.append(svgEl("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: `t-edge${e.hot ? " hot" : ""}` }));
    const [mx, my] = [(a.x + b.x) / 2, (a.y + b.y) / 2 - 10];
    svg.append(svgEl("text", { x: mx, y: my, "text-anchor": "middle", class: `t-edge-text${e.hot ? " hot" : ""}` }, e.text));
  }
  for (const n of nodes) {
    svg.append(svgEl("circle", { cx: n.x, cy: n.y, r: 30, class: `t-node${n.hot ? " hot" : ""}` }));
    svg.append(svgEl("text", { x: n.x, y: n.y + 5, "text-anchor": "middle", class: "t-node-text" }, n.text));
    if (n.label) svg.append(svgEl("text", { x: n.x, y: n.y + 50, "text-anchor": "middle", class: `t-label${n.hot ? " hot" : ""}` }, n.label));
    if (n.top) svg.append(svgEl("text", { x: n.x, y: n.y - 40, "text-anchor": "middle", class: "t-label" }, n.top));
  }
  return svg;
}

function networkB(t, hot = {}, values = {}) {
  const p = values.params || t.network_b;
  const w = (name) => fmt(Array.isArray(p[name]) ? p[name].flat()[0] : p[name]);
  return diagram([
    { id: "x", x: 60, y: 70, text: values.x ?? "x", label: "input (PSA)", hot: hot.x },
    { id: "h", x: 280, y: 70, text: values.a1 ?? "a₁", label: `b₁ = ${w("b1")}`, top: "hidden (sigmoid)", hot: hot.h },
    { id: "o", x: 496, y: 70, text: values.y ?? "ŷ", label: `b₂ = ${w("b2")}`, top: "output (sigmoid)", hot: hot.o },
  ], [
    { from: "x", to: "h", text: `w₁ = ${w("W1")}`, hot: hot.w1 },
    { from: "h", to: "o", text: `w₂ = ${w("W2")}`, hot: hot.w2 },
  ], 560, 140, "Network B: input → one hidden neuron → one output");
}

/* ---------- the sections ---------- */

function sectionNeuron(t) {
  const n = t.neuron;
  const slider = h("input", { type: "range", id: "tour-slider", testid: "tour-slider", min: "0",
    max: String(n.x.length - 1), step: "1", value: String(n.start), "aria-label": "x, the input (PSA level)" });
  const readout = h("div", { class: "tour-readout", "aria-live": "polite" });
  const plot = svgEl("svg", { viewBox: "0 0 360 200", class: "chart tour-plot", role: "img", "aria-label": "a = sigmoid(z) along x" });
  const show = () => {
    const k = Number(slider.value);
    readout.replaceChildren(
      eq("x = ", num(n.x[k], "tour-x")),
      eq("z = w·x + b = ", `${fmt(n.w)}·${fmt(n.x[k])} + ${fmt(n.b)} = `, num(n.z[k], "tour-z")),
      eq(`a = ${n.activation}(z) = 1 / (1 + e^(−z)) = `, num(n.a[k], "tour-a")));
    plot.replaceChildren();
    const sx = (v) => 30 + ((v - n.x[0]) / (n.x[n.x.length - 1] - n.x[0])) * 310;
    const sy = (v) => 180 - v * 160;
    plot.append(svgEl("rect", { x: 30, y: 20, width: 310, height: 160, class: "plot-bg" }));
    plot.append(svgEl("polyline", { points: n.x.map((x, i) => `${sx(x)},${sy(n.a[i])}`).join(" "), class: "curve", stroke: "#1b1f24" }));
    plot.append(svgEl("circle", { cx: sx(n.x[k]), cy: sy(n.a[k]), r: 5, class: "loss-dot" }));
    plot.append(svgEl("text", { x: 30, y: 196, class: "tick" }, `x = ${fmt(n.x[0])}`));
    plot.append(svgEl("text", { x: 340, y: 196, "text-anchor": "end", class: "tick" }, `x = ${fmt(n.x[n.x.length - 1])}`));
    plot.append(svgEl("text", { x: 26, y: 24, "text-anchor": "end", class: "tick" }, "1"));
    plot.append(svgEl("text", { x: 26, y: 182, "text-anchor": "end", class: "tick" }, "0"));
  };
  slider.addEventListener("input", show);
  show();
  return [
    h("p", {}, "Every neuron does the same two things: it adds up its weighted inputs and a bias, ",
      h("em", {}, "z = w·x + b"), ", then squeezes z through an activation function, here the sigmoid ",
      h("em", {}, "a = 1 / (1 + e^(−z))"), ", which turns any number into one between 0 and 1."),
    diagram([
      { id: "x", x: 60, y: 70, text: "x", label: "input", hot: true },
      { id: "n", x: 280, y: 70, text: "z → a", label: `b = ${fmt(n.b)}`, top: n.activation, hot: true },
      { id: "a", x: 496, y: 70, text: "a", label: "output" },
    ], [{ from: "x", to: "n", text: `w = ${fmt(n.w)}`, hot: true }, { from: "n", to: "a", text: "" }],
    560, 140, "One neuron: x, times w, plus b, through the sigmoid"),
    h("label", { for: "tour-slider" }, "Move x (this is network B's hidden neuron: w = 0.5, b = 0):"), slider, readout, plot,
  ];
}

function sectionData(t) {
  const d = t.data;
  const rows = d.rows.map((r) => h("tr", { class: r.row === d.test_row ? "hot" : "", testid: `tour-row-${r.row}` },
    h("td", { class: "num" }, String(r.row)), h("td", { class: "num" }, fmt(r.x)), h("td", {}, r.class)));
  return [
    h("p", {}, `${d.rows.length} patients: their PSA level (prostate-specific antigen) and whether they have cancer. `,
      "The goal: a network that tells the two apart from the PSA level alone. Row ", h("b", {}, String(d.test_row)),
      ` (PSA ${fmt(d.rows[d.test_row - 1].x)}, ${d.rows[d.test_row - 1].class}) is the one the article tests on.`),
    h("table", { class: "factors tour-table", testid: "tour-psa" },
      h("caption", {}, "The article's data (rows numbered from 1, as nnmath explain --row numbers them)"),
      h("thead", {}, h("tr", {}, h("th", {}, "row"), h("th", {}, d.feature), h("th", {}, d.target))),
      h("tbody", {}, ...rows)),
  ];
}

function sectionNetworkA(t) {
  const a = t.network_a;
  const [c0, c1] = a.classes;
  const w = a.W1[0];
  return [
    h("p", {}, `The first network has no hidden layer: the PSA level goes straight to two outputs, one per class, `,
      `through a softmax (the two outputs add up to 1). nnmath trained it on the ${t.data.rows.length} rows `,
      `(${a.loss_name}, learning rate ${fmt(a.learning_rate)}, all rows at once) until the loss stopped improving: `,
      num(a.epochs, "tour-a-epochs"), " epochs."),
    diagram([
      { id: "x", x: 60, y: 110, text: fmt(a.x), label: "PSA", hot: true },
      { id: "h", x: 400, y: 50, text: fmt(a.p[0], 3), label: `${c0}: b = ${fmt(a.b1[0], 4)}`, hot: true },
      { id: "c", x: 400, y: 170, text: fmt(a.p[1], 3), label: `${c1}: b = ${fmt(a.b1[1], 4)}`, hot: true },
    ], [{ from: "x", to: "h", text: `w = ${fmt(w[0], 4)}` }, { from: "x", to: "c", text: `w = ${fmt(w[1], 4)}` }],
    560, 240, "Network A: PSA → two softmax outputs"),
    eq(`z(${c0}) = ${fmt(w[0])}·${fmt(a.x)} + ${fmt(a.b1[0])} = `, num(a.z[0])),
    eq(`z(${c1}) = ${fmt(w[1])}·${fmt(a.x)} + ${fmt(a.b1[1])} = `, num(a.z[1])),
    eq(`P(${c1}) = e^z(${c1}) / (e^z(${c0}) + e^z(${c1})) = `, num(a.p[1], "tour-p-cancer"), " = ",
      h("b", { testid: "tour-pct-cancer" }, percent(a.p[1])), article(t.article.p_cancer, "tour-article-cancer")),
    eq(`P(${c0}) = `, num(a.p[0], "tour-p-healthy"), " = ", h("b", { testid: "tour-pct-healthy" }, percent(a.p[0])),
      article(t.article.p_healthy, "tour-article-healthy")),
    h("p", { class: "verdict", testid: "tour-a-verdict" }, `${percent(a.p[0])} > ${percent(a.p[1])}: the network says `,
      h("b", {}, a.predicted), ` for PSA ${fmt(a.x)}, as the data does. The article's own network, trained its own way, `,
      `printed ${t.article.p_cancer} and ${t.article.p_healthy}; this one, trained to convergence by nnmath, gives the `,
      "numbers above."),
  ];
}

function sectionCost(t) {
  const c = t.cost;
  const [c0, c1] = c.classes;
  const test = t.data.test_row;
  const at = c.rows[test - 1];
  const rows = c.rows.map((r) => h("tr", { class: r.row === test ? "hot" : "" },
    h("td", { class: "num" }, String(r.row)), h("td", { class: "num" }, fmt(r.x)),
    h("td", { class: "num" }, `${fmt(r.t[0])}, ${fmt(r.t[1])}`),
    h("td", { class: "num" }, `${fmt(r.p[0], 4)}, ${fmt(r.p[1], 4)}`),
    h("td", { class: "num" }, fmt(r.loss))));
  return [
    h("p", {}, `At PSA ${fmt(at.x)} the network says ${percent(at.p[0])} ${c0}; the data says ${c0} for sure: `,
      `t = (${fmt(at.t[0])}, ${fmt(at.t[1])}). The gap between ŷ and t is the error to learn from. `,
      "Over all the rows, the cost is the mean of each row's error; with the article's SSR (and its ½):"),
    eq("C = (1/n) Σ_rows ½ Σ_j (ŷ_j − t_j)² = ", num(c.mean, "tour-cost")),
    h("p", {}, "The lower the cost, the better the network fits the data. Before training it was ",
      num(c.before, "tour-cost-before"), "; training brought it to ", num(c.after), "."),
    h("table", { class: "factors tour-table" },
      h("caption", {}, "Network A on every row"),
      h("thead", {}, h("tr", {}, h("th", {}, "row"), h("th", {}, "PSA"), h("th", {}, `t (${c0}, ${c1})`),
        h("th", {}, `ŷ (${c0}, ${c1})`), h("th", {}, "½ Σ (ŷ − t)²"))),
      h("tbody", {}, ...rows)),
  ];
}

function sectionNetworkB(t) {
  const b = t.network_b;
  return [
    h("p", {}, "Real problems need hidden layers. Network B puts one hidden neuron between the input and the output, ",
      "both with the sigmoid. Training starts from values chosen by hand (usually random):"),
    networkB(t, { w1: true, w2: true, h: true, o: true }),
    h("table", { class: "factors tour-table", testid: "tour-b" },
      h("thead", {}, h("tr", {}, h("th", {}, "parameter"), h("th", {}, "value"), h("th", {}, "the article"))),
      h("tbody", {},
        ...[["w₁", b.W1[0][0], "w1"], ["b₁", b.b1[0], "b1"], ["w₂", b.W2[0][0], "w2"], ["b₂", b.b2[0], "b2"],
          ["η (learning rate)", b.learning_rate, "learning_rate"]].map(([name, v, key]) =>
          h("tr", {}, h("td", {}, name), h("td", { class: "num" }, num(v, `tour-b-${key}`)),
            h("td", { class: "num" }, t.article[key]))))),
    h("p", {}, "η sets the size of each step: large enough to make progress, small enough not to overshoot."),
  ];
}

function stepPart(t, part) {
  const s = t.step;
  const f = Object.fromEntries(t.factors.map((x) => [x.name, x]));
  const g = s.gradients;
  if (part === 0) {
    return [
      eq("z₁ = w₁·x + b₁ = ", `${fmt(s.params.W1)}·${fmt(s.x)} + ${fmt(s.params.b1)} = `, num(s.z1, "tour-z1")),
      eq("a₁ = sigmoid(z₁) = ", num(s.a1, "tour-a1")),
      eq("z₂ = w₂·a₁ + b₂ = ", `${fmt(s.params.W2)}·${fmt(s.a1)} + ${fmt(s.params.b2)} = `, num(s.z2, "tour-z2")),
      eq("ŷ = sigmoid(z₂) = ", num(s.y_hat, "tour-y-hat"), article(t.article.output, "tour-article-output")),
      h("p", {}, `The target is t = ${fmt(s.target)} (healthy): the untrained network is off by ${fmt(s.residual)}.`),
    ];
  }
  if (part === 1) {
    return [
      eq("L = ½ (ŷ − t)² = ", `½ (${fmt(s.y_hat)} − ${fmt(s.target)})² = `, num(s.loss, "tour-loss"),
        article(t.article.loss, "tour-article-loss")),
      h("p", {}, "Why the ½? Its derivative: dL/dŷ = ½ · 2 (ŷ − t) = ŷ − t = ", num(s.residual, "tour-residual"),
        ". The 2 of the square and the ½ cancel. (An alternative loss, binary cross-entropy, is compared with this one ",
        "in free play: SSR beside BCE.)"),
    ];
  }
  if (part === 2) {
    return [
      h("p", {}, "The chain rule walks from the loss back to each parameter, one local slope at a time:"),
      h("table", { class: "factors tour-table", testid: "tour-factors" },
        h("thead", {}, h("tr", {}, h("th", {}, "factor"), h("th", {}, "value"), h("th", {}, "what it measures"))),
        h("tbody", {}, ...t.factors.map((x, k) => h("tr", {},
          h("td", {}, pretty(x.name)), h("td", { class: "num" }, num(x.value, `tour-factor-${k}`)), h("td", {}, x.meaning))))),
    ];
  }
  if (part === 3) {
    return [
      h("p", {}, "Each gradient is the product of the factors on its path (dz/db = 1 for a bias):"),
      ...t.chains.map((c) => {
        const values = c.factors.map((name) => (f[name] ? fmt(f[name].value) : "1"));
        return eq(`dL/d${pretty(c.symbol)} = ${c.factors.map(pretty).join(" · ")} = ${values.join(" · ")} = `,
          num(c.gradient, `tour-grad-${c.symbol}`));
      }),
    ];
  }
  if (part === 4) {
    return [
      h("p", {}, `Gradient descent: each parameter takes a step against its gradient, w ← w − η · dL/dw, with η = ${fmt(s.learning_rate)}:`),
      ...["W2", "b2", "W1", "b1"].map((name) => {
        const sym = pretty(name.toLowerCase());
        return eq(`${sym} ← ${fmt(s.params[name])} − ${fmt(s.learning_rate)} · (${fmt(g[name])}) = `,
          num(s.updated[name], `tour-updated-${name}`));
      }),
    ];
  }
  return [
    h("p", {}, `The same forward pass on PSA ${fmt(s.x)}, with the updated weights:`),
    eq("ŷ = ", num(s.output_after, "tour-y-after"), article(t.article.output_after, "tour-article-output-after")),
    eq("L = ½ (ŷ − t)² = ", num(s.loss_after, "tour-loss-after"), article(t.article.loss_after, "tour-article-loss-after")),
    h("p", { class: "verdict" }, "The loss fell from ", num(s.loss), " to ", num(s.loss_after),
      ": one small step the right way. Repeating it for every row, many times over, is training."),
  ];
}

function sectionStep(t) {
  const part = Math.min(page.tourPart, STEP_PARTS.length - 1);
  const s = t.step;
  const hot = [{ x: true, h: true, o: true }, { o: true }, { w1: true, w2: true, h: true, o: true },
    { w1: true, w2: true }, { w1: true, w2: true }, { x: true, h: true, o: true }][part];
  const values = part === 5 ? { params: s.updated, x: fmt(s.x), a1: fmt(s.a1_after, 4), y: fmt(s.output_after, 4) } : { x: fmt(s.x), a1: fmt(s.a1, 4), y: fmt(s.y_hat, 4) };
  const parts = STEP_PARTS.map((title, k) => h("li", { class: k === part ? "current" : k < part ? "done" : "" },
    h("a", { href: `#tour/6/${k}`, "aria-current": k === part ? "step" : null }, `${k + 1}. ${title}`)));
  const out = [
    h("p", {}, `The article traces one step on row ${s.row}: PSA ${fmt(s.x)}, target ${fmt(s.target)} (healthy), `,
      `with network B's weights and η = ${fmt(s.learning_rate)}. Next reveals it part by part.`),
    h("ol", { class: "step-parts", "aria-label": "The parts of the step" }, ...parts),
    networkB(t, hot, values),
  ];
  for (let k = 0; k <= part; k += 1) {
    out.push(h("section", { class: `tour-part${k === part ? " current" : ""}`, testid: `tour-part-${k}` },
      h("h3", {}, `${k + 1}. ${STEP_PARTS[k]}`), ...stepPart(t, k)));
  }
  return out;
}

function sectionEpochs(t) {
  return [
    h("p", {}, `One step used one row. An epoch is a step on every row in turn (${t.data.rows.length} steps, per-sample `,
      "gradient descent); training repeats epochs until the loss over all rows stops falling. Press ",
      h("b", {}, "Run"), ": this tab trains network B live (every number from nnmath's engine). The loss chart falls, ",
      "and on the loss landscape the point (w₁, w₂) walks downhill, leaving its path behind."),
    h("p", { class: "hint" }, "The landscape shows the loss as w₁ and w₂ change with b₁ and b₂ held; training moves ",
      "b₁ and b₂ too, so the map is redrawn as it goes. Try another learning rate below the map: a large η ",
      "overshoots, a tiny one crawls."),
    h("div", { class: "row" },
      h("button", { type: "button", id: "tour-reset", testid: "tour-reset" }, "Start again from network B")),
  ];
}

const RENDER = [sectionNeuron, sectionData, sectionNetworkA, sectionCost, sectionNetworkB, sectionStep, sectionEpochs];
const BORROWED = [["train-panel", "home-train"], ["landscape-panel", "home-landscape"]];

/* ---------- showing a section ---------- */

function drawToc() {
  $("tour-toc").replaceChildren(...TITLES.map((title, k) => h("li", { class: k + 1 === page.tourSection ? "current" : "" },
    h("a", { href: `#tour/${k + 1}`, testid: `tour-toc-${k + 1}`, "aria-current": k + 1 === page.tourSection ? "step" : null },
      title))));
}

function borrowPanels(borrow) {
  for (const [panel, home] of BORROWED) {
    const node = $(panel);
    const target = borrow ? $("tour-borrowed") : $(home);
    if (node.parentElement !== target) target.append(node);
  }
}

async function render() {
  if (!page.tour) page.tour = await call("GET", "/api/tour");
  const n = page.tourSection;
  const heading = h("h2", { id: "tour-title", tabindex: "-1", testid: "tour-title" }, `${n}. ${TITLES[n - 1]}`);
  const body = $("tour-section");
  const hadFocus = body.contains(document.activeElement);
  const inToc = $("tour-toc").contains(document.activeElement);
  const newSection = body.dataset.section !== String(n);
  body.replaceChildren(heading, ...RENDER[n - 1](page.tour));
  body.dataset.section = String(n);
  borrowPanels(n === TITLES.length);
  drawToc();
  const lastPart = n === 6 && page.tourPart < STEP_PARTS.length - 1;
  $("tour-back").disabled = n === 1 && page.tourPart === 0;
  $("tour-play").hidden = n === TITLES.length;         // Next is "Free play" there
  $("tour-next").textContent = n === TITLES.length ? "Free play →" : lastPart ? `Next: ${STEP_PARTS[page.tourPart + 1].toLowerCase()} →` : "Next →";
  $("tour-where").textContent = `Section ${n} of ${TITLES.length}` + (n === 6 ? ` · part ${page.tourPart + 1} of ${STEP_PARTS.length}` : "");
  if (newSection) window.scrollTo(0, 0);             // a new section opens at its title
  if (n === 6) {
    const current = body.querySelector(".tour-part.current");
    if (current && page.tourPart > 0) current.scrollIntoView({ block: "nearest" });
  }
  if (n === TITLES.length) {
    $("tour-reset").addEventListener("click", () => startFromB().catch(showFailure));
    if (!page.landscape) await loadLandscape();
  }
  if (hadFocus) heading.focus();
  if (inToc) $("tour-toc").querySelector("[aria-current]").focus();     // the keyboard keeps its place
  document.body.dataset.tour = `${n}/${page.tourPart}`;
}

function showFailure(err) {
  const box = $("error");
  box.textContent = err instanceof Error ? err.message : String(err);
  box.hidden = false;
}

async function startFromB() {
  stopRunning();
  await adopt(await api("PUT", "/config", page.options.defaults), { dataChanged: true });
  page.path = [];
  page.paths = null;
  page.landBounds = null;
  say("Network B again, at epoch 0: press Run.");
}

/** Go to a place of the tour (its address follows). */
function go(section, part = 0) {
  location.hash = part ? `#tour/${section}/${part}` : `#tour/${section}`;
}

function next() {
  const n = page.tourSection;
  if (n === 6 && page.tourPart < STEP_PARTS.length - 1) go(6, page.tourPart + 1);
  else if (n < TITLES.length) go(n + 1);
  else toPlay();
}

function back() {
  const n = page.tourSection;
  if (n === 6 && page.tourPart > 0) go(6, page.tourPart - 1);
  else if (n > 1) go(n - 1, n - 1 === 6 ? STEP_PARTS.length - 1 : 0);
}

/** Show the screen the page is on: the tour, or free play. */
function showScreen() {
  const touring = page.screen === "tour";
  $("tour").hidden = !touring;
  $("play").hidden = touring;
  $("to-tour").setAttribute("aria-pressed", String(touring));
  $("to-play").setAttribute("aria-pressed", String(!touring));
  document.body.dataset.screen = page.screen;
}

/** Follow an address of the tour (#tour/N or #tour/6/part). */
async function followTour() {
  const place = tourPlace(location.hash);
  if (!place) {
    if (page.screen === "tour") toPlay();       // an address of free play (Back, a link)
    return;
  }
  page.screen = "tour";
  page.tourSection = Math.min(TITLES.length, Math.max(1, place.section));
  page.tourPart = page.tourSection === 6 ? Math.min(STEP_PARTS.length - 1, place.part) : 0;
  showScreen();
  await render();
}

/** Free play: the whole page, the configuration in the address again. */
export function toPlay() {
  page.screen = "play";
  borrowPanels(false);
  showScreen();
  writeHash();
  say("Free play: every control of the page; the guided tour is one click away.");
}

/** The first screen: the tour (at its address's section), unless the address is a configuration. */
export async function openFirstScreen() {
  if (page.screen === "tour") {
    const place = tourPlace(location.hash) || { section: 1, part: 0 };
    history.replaceState(null, "", `#tour/${place.section}${place.part ? `/${place.part}` : ""}`);
    await followTour();
  } else {
    showScreen();
  }
}

/** The screen an address asks for: the tour for none or #tour/..., else free play. */
export function screenOf(hash, search) {
  return tourPlace(hash) || (!hash && !search) ? "tour" : "play";
}

function typing(target) {
  return target && (target.closest("input, select, textarea, [contenteditable]") !== null);
}

/** Wire Back, Next, Free play, the table of contents (links), the keys and the address. */
export function wireTour(on) {
  on("tour-next", "click", next);
  on("tour-back", "click", back);
  on("tour-play", "click", toPlay);
  on("to-play", "click", toPlay);
  on("to-tour", "click", () => go(page.tourSection || 1, page.tourPart));
  window.addEventListener("hashchange", () => followTour().catch(showFailure));
  document.addEventListener("keydown", (event) => {
    if (page.screen !== "tour" || event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    if (event.key === "ArrowRight") { event.preventDefault(); next(); }
    if (event.key === "ArrowLeft") { event.preventDefault(); back(); }
  });
}
