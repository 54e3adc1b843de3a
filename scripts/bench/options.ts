/** Command-line options shared by the benchmark scripts. */

/** The value of a whole-number option, or a one-line error and exit 2 when it is not one (at least `min`). */
export function wholeOption(name: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be a whole number of at least ${min} (got "${value}")`);
    process.exit(2);
  }
  return n;
}
