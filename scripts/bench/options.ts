/** What the benchmark scripts share: checking their options, and the median of their rounds. */

/** The value of a whole-number option, or a one-line error and exit 2 when it is not one (at least `min`). */
export function wholeOption(name: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be a whole number of at least ${min} (got "${value}")`);
    process.exit(2);
  }
  return n;
}

/** The median of some figures (the mean of the middle two when their count is even). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
