// The page's only way to the engine: JSON requests to /api, one at a time per page
// (the server answers 409 to a session's second concurrent request; the page never sends one).
// Every request says it is the page's own (PROOF): with the browser's Origin header, the
// server's proof that a request changing state does not come from another site.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The header a request from another site cannot send (it would need a CORS permission). */
export const PROOF = { "X-Requested-With": "nnmath" };

let queue = Promise.resolve();

/** Send one request after the previous one has finished; resolve to its JSON (or null). */
export function call(method, path, body) {
  const run = () => send(method, path, body);
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}

/** A file from the API (a download), after the requests before it: {blob, filename}. A link
 * followed directly would reach the session while another request holds it (409). */
export function fetchFile(path) {
  const run = async () => {
    let response;
    try {
      response = await fetch(path, { headers: { Accept: "*/*" } });
    } catch (err) {
      throw new ApiError(0, `The server does not answer (${err.message}). Is nnmath serve running?`);
    }
    if (!response.ok) {
      const text = await response.text();
      let data;
      try { data = JSON.parse(text); } catch (err) { data = { detail: text }; }
      throw new ApiError(response.status, detailOf(data, response));
    }
    const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
    return { blob: await response.blob(), filename: named ? named[1] : "download" };
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}

async function send(method, path, body) {
  const init = { method, headers: { Accept: "application/json", ...PROOF } };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, `The server does not answer (${err.message}). Is nnmath serve running?`);
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch (err) {
    data = { detail: text };
  }
  if (!response.ok) throw new ApiError(response.status, detailOf(data, response));
  return data;
}

/** The API's words: `detail` as a string, or FastAPI's 422 list as "field: message; ...". */
export function detailOf(data, response) {
  const detail = data && data.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail.map((d) => {
      const where = (d.loc || []).filter((p) => p !== "body").join(".");
      return where ? `${where}: ${d.msg}` : d.msg;
    }).join("; ");
  }
  return `${response.status} ${response.statusText}`;
}
