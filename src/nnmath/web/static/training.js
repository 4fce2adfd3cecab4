// Training: Epoch (one train request) and Run/Pause (one request after another, each as many
// epochs as chosen and as the server's work limit allows: the State's max_epochs_now).

import { refreshDerivation } from "./derivation.js";
import { $, api, drawAll, page, say, showError, stopRunning, withRows, writeHash } from "./page.js";
import { resetStep } from "./step.js";

async function trainOnce() {
  const wanted = Number($("epochs-per").value) || 1;
  const most = page.state.max_epochs_now || wanted;     // the server's work budget for this network
  const epochs = Math.max(1, Math.min(wanted, most));
  const next = await api("POST", "/train", { epochs });
  if (page.stage) resetStep();
  page.state = await withRows(next);
  drawAll();
}

function nextFrame() {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

async function runLoop() {
  while (page.running) {
    try {
      await trainOnce();
    } catch (err) {
      stopRunning();
      showError(err);
      return;
    }
    await nextFrame();
  }
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
