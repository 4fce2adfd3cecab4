// The configuration in the page's address (like the Playground): "#dataset=circle&hidden=4,2&…".
// Loading an address rebuilds what it says; every change of the page rewrites it.

export const CONFIG_KEYS = ["dataset", "n_samples", "noise", "seed", "hidden", "activations", "loss",
  "optimizer", "learning_rate", "batch_size", "shuffle"];

/** The configuration (and selected row) an address asks for; `defaults` gives the types. */
export function configFromAddress(text, defaults) {
  const params = new URLSearchParams(text);
  const config = {};
  for (const key of CONFIG_KEYS) {
    if (!params.has(key)) continue;
    const raw = params.get(key);
    if (key === "hidden") config.hidden = raw === "" ? [] : raw.split(",").map(Number);
    else if (key === "activations") config.activations = raw.split(",");
    else if (key === "shuffle") config.shuffle = raw === "true";
    else if (typeof defaults[key] === "number") config[key] = Number(raw);
    else config[key] = raw;
  }
  if (config.dataset === "csv") delete config.dataset;   // the data is not in the address
  const sample = params.has("sample") ? Number(params.get("sample")) : null;
  return { config, sample };
}

/** The address fragment of a configuration and a selected row. */
export function addressOf(config, sample) {
  const params = new URLSearchParams();
  for (const key of CONFIG_KEYS) {
    const value = config[key];
    if (value === undefined || value === null) continue;
    params.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  params.set("sample", String(sample));
  return `#${params.toString()}`;
}
