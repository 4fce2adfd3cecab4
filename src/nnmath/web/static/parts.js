// The step's explanation (the API's HTML, as `nnmath explain` renders it) cut into the parts the
// article reveals one by one. Layout only: the parts are inserted as they are.

/**
 * The step's explanation cut at its headings: [the step, forward, loss, backward, update,
 * forward after]. Revealed one part per stage; if the cut is not that, all at once.
 */
export function stepParts(html) {
  const doc = new DOMParser().parseFromString(html || "", "text/html");
  const root = doc.body.querySelector("section") || doc.body;
  const parts = [[]];
  for (const node of Array.from(root.childNodes)) {
    const started = parts[parts.length - 1].some((n) => n.nodeType === Node.ELEMENT_NODE);
    if (node.nodeName === "H2" && started) parts.push([]);
    parts[parts.length - 1].push(node);
  }
  return parts.map((nodes) => {
    const box = document.createElement("div");
    box.className = "nnmath-trace step-part";
    box.append(...nodes.map((n) => document.importNode(n, true)));
    return box;
  });
}

