// The page: one server-side session per page load, the guided tour (tour.js, the first
// screen), the article's step sequence (step.js), the configuration and the weights edited
// (editor.js), live training (training.js), the loss landscape (landscape.js), SSR beside
// BCE (compare.js), what each neuron sees (neurons.js), a quiz (quiz.js), files in and out
// (files.js), around one state object (page.js). Every number shown comes from the API (the
// engine), and every name and limit from GET /api/options.

import { PROOF, call } from "./api.js";
import { configFromAddress } from "./address.js";
import { wireCompare } from "./compare.js";
import { wireDerivation } from "./derivation.js";
import { adopt, selectSample, setUpControls, wireEditor } from "./editor.js";
import { setDownloads, wireFiles } from "./files.js";
import { wireLandscape } from "./landscape.js";
import { wireNeurons } from "./neurons.js";
import { $, addressText, guard, page, say, showError } from "./page.js";
import { wireQuiz } from "./quiz.js";
import { wireStep } from "./step.js";
import { openFirstScreen, screenOf, wireTour } from "./tour.js";
import { wireTraining } from "./training.js";

function wire() {
  const on = (id, event, action) => $(id).addEventListener(event, guard(action));
  wireStep(on);
  wireEditor(on);
  wireTraining(on);
  wireQuiz(on);
  wireFiles(on);
  wireDerivation(on);
  wireLandscape(on);
  wireNeurons(on);
  wireCompare(on);
  wireTour(on);
  window.addEventListener("pagehide", () => {
    if (page.sid) {
      fetch(`/api/sessions/${page.sid}`, { method: "DELETE", keepalive: true, headers: PROOF })
        .catch(() => undefined);
    }
  });
}

/** A session for the address's configuration (the defaults, with a message, if refused). */
async function newSession(config) {
  try {
    return { first: await call("POST", "/api/sessions", { config }), refused: null };
  } catch (err) {
    if (!Object.keys(config).length) throw err;
    const refused = new Error(`The address's configuration was refused: ${err.message} The defaults are shown instead.`);
    return { first: await call("POST", "/api/sessions", {}), refused };
  }
}

async function start() {
  page.screen = screenOf(location.hash, location.search);
  wire();
  page.options = await call("GET", "/api/options");
  setUpControls();
  const { config, sample } = configFromAddress(addressText(), page.options);
  const { first, refused } = await newSession(config);
  page.sid = first.session;
  setDownloads();
  await adopt(first, { dataChanged: true });
  if (refused) showError(refused);
  await selectSample(sample);
  await openFirstScreen();
  document.body.dataset.ready = "true";
  const { state } = page;
  say(`Ready: the ${state.network.sizes.join("-")} network on ${state.data.name}, row ${state.sample + 1} selected.`);
}

start().catch(showError);
