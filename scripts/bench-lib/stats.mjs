// Statistics and formatting for scripts/bench.
const sorted = (xs) => [...xs].sort((a, b) => a - b);

/** Linear-interpolated quantile (q in 0..1) of the finite numbers in `xs`. */
export function quantile(xs, q) {
  const s = sorted(xs.filter(Number.isFinite));
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
}

/** { runs, median, min, max, q1, q3, samples } of a list of numbers. */
export function summary(xs) {
  const ok = xs.filter(Number.isFinite);
  return {
    runs: ok.length, median: quantile(ok, 0.5), min: Math.min(...ok), max: Math.max(...ok),
    q1: quantile(ok, 0.25), q3: quantile(ok, 0.75), samples: xs.map((x) => Math.round(x * 10) / 10),
  };
}

export const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
export const ms = (n) => `${n.toFixed(1)} ms`;
export const pad = (s, n) => String(s).padEnd(n);
export const lpad = (s, n) => String(s).padStart(n);
export const heading = (s) => console.log(`\n\x1b[1m${s}\x1b[0m`);
/** 1234567 -> "1,234,567". */
export const thousands = (n) => Math.round(n).toLocaleString('en-US');
