/** Waiting in tests for something a person would see happen, with a deadline that names it. */

/** Resolves once `check` holds; rejects after `timeoutMs` saying what was waited for. */
export async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10000, everyMs = 25): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
