// How numbers are written on the page: like Python's "%.6g" (the CLI's and the renderers'
// format), so the page shows the same strings as `nnmath explain`. Layout only: no math.

/** Format a number from the API as "%.6g" does ("0.324962", "-1.00521", "1e-05"). */
export function fmt(value, digits = 6) {
  if (value === null || value === undefined) return "–";
  if (typeof value !== "number") return String(value);
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const [mantissa, expText] = value.toExponential(digits - 1).split("e");
  const exp = Number(expText);
  if (exp < -4 || exp >= digits) {
    const sign = exp < 0 ? "-" : "+";
    const e = String(Math.abs(exp)).padStart(2, "0");
    return `${stripZeros(mantissa)}e${sign}${e}`;
  }
  return stripZeros(value.toFixed(Math.max(0, digits - 1 - exp)));
}

function stripZeros(text) {
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

/** A vector or matrix of API numbers as text: "[0.5, -1]". */
export function fmtList(values) {
  if (!Array.isArray(values)) return fmt(values);
  return `[${values.map(fmtList).join(", ")}]`;
}
