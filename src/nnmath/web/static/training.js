// Training: Epoch (one train request) and Run/Pause (one request after another, each as many
// epochs as chosen and as the server's work limit allows: the State's max_epochs_now; the
// next one is sent while the page draws the last one's State).

import { refreshDerivation } from "./derivation.js";
import { $, api, drawAll, page, say, showError, stopRunning, withRows, writeHash } from "./page.js";
import { resetStep } from "./step.js";

/** The epochs of the next train request: as many as chosen and as the server's work limit
 * allows this network (the last State's max_epochs_now). */
function epochsWanted() {
  const wanted = Number($("epochs-per").value) || 1;
  const most = page.state.max_epochs_now || wanted;
  return Math.max(1, Math.min(wanted, most));
}

/** Show a State the train request answered. */
async function showTrained(next) {
  if (page.stage) resetStep();
  page.state = await withRows(next);
  drawAll();
}

async function trainOnce() {
  await showTrained(await api("POST", "/train", { epochs: epochsWanted() }));
}

function nextFrame() {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

/** Run: one train request after another, the next one sent as soon as the last answers, so
 * the server trains while the page draws the last State (still one request at a time:
 * the API's queue). Pause ends the loop; the request under way is still shown (the
 * server has trained it), so Pause waits for one request at most. */
async function runLoop() {
  page.runs += 1;
  const mine = page.runs;
  const going = () => page.running && mine === page.runs;
  let pending = api("POST", "/train", { epochs: epochsWanted() });
  while (pending) {
    let next;
    try {
      next = await pending;
    } catch (err) {
      stopRunning();
      showError(err);
      return;
    }
    pending = going() ? api("POST", "/train", { epochs: epochsWanted() }) : null;
    try {
      await showTrained(next);
    } catch (err) {
      stopRunning();
      showError(err);
      if (pending) await pending.then(showTrained).catch(() => undefined);
      return;
    }
    if (pending) await nextFrame();
  }
  if (mine !== page.runs) return;       // the newer loop shows the pictures when it ends
  writeHash();
  for (const refresh of page.refreshers) await refresh().catch(showError);   // the last State's pictures
  await refreshDerivation().catch(showError);
}

function toggleRun() {
  if (page.running) {
    stopRunning();
    return;
  }
  page.running = true;
  $("btn-run").textContent = "Pause";
  $("btn-run").setAttribute("aria-pressed", "true");
  say("Training… (press Pause to stop)");
  runLoop();
}

/** Wire Epoch and Run. */
export function wireTraining(on) {
  on("btn-epoch", "click", async () => {
    stopRunning();
    await trainOnce();
    writeHash();
    await refreshDerivation();
  });
  on("btn-run", "click", toggleRun);
}
