// Files in and out: a CSV file or a model file uploaded, the model, the explanation and the
// report downloaded (the very files the CLI writes), the address copied.

import { fetchFile } from "./api.js";
import { adopt } from "./editor.js";
import { $, api, guard, page, say, showError, stopRunning } from "./page.js";

async function uploadCsv() {
  const file = $("csv-file").files[0];
  $("csv-error").textContent = "";
  if (!file) throw new Error("Choose a CSV file first.");
  const form = new FormData();
  form.append("file", file);
  form.append("target", $("csv-target").value.trim());
  const features = $("csv-features").value.trim();
  if (features) form.append("features", features);
  stopRunning();
  try {
    const next = await api("POST", "/csv", form);
    await adopt(next, { dataChanged: true });
    say(`Loaded ${next.data.n_samples} rows from ${file.name}.`);
  } catch (err) {
    showError(err, $("csv-error"));
  }
}

async function uploadModel() {
  const file = $("model-file").files[0];
  if (!file) throw new Error("Choose a model JSON file first.");
  const form = new FormData();
  form.append("file", file);
  stopRunning();
  const next = await api("POST", "/model", form);
  await adopt(next, { dataChanged: true });
  say(`Loaded the model ${file.name} (${next.network.sizes.join("-")}).`);
}

/** The download links of this page's session. */
export function setDownloads() {
  const base = `/api/sessions/${page.sid}`;
  $("dl-model").href = `${base}/model`;
  $("dl-explain-html").href = `${base}/explanation?format=html`;
  $("dl-explain-md").href = `${base}/explanation?format=markdown`;
  $("dl-report").href = `${base}/report`;
}

async function copyLink() {
  try {
    await navigator.clipboard.writeText(location.href);
    say("The link is copied: it rebuilds this configuration.");
  } catch (err) {
    say(`Copy this address to share the configuration: ${location.href}`);
  }
}

/** A download link clicked: the file asked for in turn with the page's other requests (the
 * panels ask the session too), then saved under the server's name for it. */
async function download(link) {
  const { blob, filename } = await fetchFile(link.getAttribute("href"));
  const url = URL.createObjectURL(blob);
  const save = document.createElement("a");
  save.href = url;
  save.download = filename;
  document.body.append(save);
  save.click();
  save.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  say(`Downloaded ${filename}.`);
}

/** Wire the uploads, the downloads and the link. */
export function wireFiles(on) {
  on("csv-upload", "click", uploadCsv);
  on("model-upload", "click", uploadModel);
  on("copy-link", "click", copyLink);
  document.querySelector(".downloads").addEventListener("click", (event) => {
    const link = event.target.closest("a[download]");
    if (!link) return;
    event.preventDefault();
    guard(download)(link);
  });
}
