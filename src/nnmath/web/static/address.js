// The configuration in the page's address (like the Playground): "#dataset=circle&hidden=4,2&…".
// Loading an address rebuilds what it says; every change of the page rewrites it. Its keys
// are the API's (`options.config_keys`); a value's type is its default's.

/** A value of the address as the type of `fallback` (the key's default). */
function typed(raw, fallback) {
  if (Array.isArray(fallback)) {
    const parts = raw === "" ? [] : raw.split(",");
    return typeof fallback[0] === "number" ? parts.map(Number) : parts;
  }
  if (typeof fallback === "boolean") return raw === "true";
  if (typeof fallback === "number") return Number(raw);
  return raw;
}

/** The configuration (and selected row) an address asks for. */
export function configFromAddress(text, options) {
  const params = new URLSearchParams(text);
  const config = {};
  for (const key of options.config_keys) {
    if (params.has(key)) config[key] = typed(params.get(key), options.defaults[key]);
  }
  if (config.dataset === options.uploaded_dataset) delete config.dataset;   // the data is not in the address
  const sample = params.has("sample") ? Number(params.get("sample")) : null;
  return { config, sample };
}

/** The address fragment of a configuration and a selected row. */
export function addressOf(config, sample, options) {
  const params = new URLSearchParams();
  for (const key of options.config_keys) {
    const value = config[key];
    if (value === undefined || value === null) continue;
    params.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  params.set("sample", String(sample));
  return `#${params.toString()}`;
}

/** The tour's place an address names: "#tour/6" → {section: 6, part: 0}, "#tour/6/3" →
 * part 3; null for any other address. */
export function tourPlace(hash) {
  const match = /^#tour(?:\/(\d+))?(?:\/(\d+))?$/.exec(hash || "");
  if (!match) return null;
  return { section: Number(match[1] || 1), part: Number(match[2] || 0) };
}
