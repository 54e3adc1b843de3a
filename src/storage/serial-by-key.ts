/**
 * Runs asynchronous operations one at a time per key, in the order they were called (operations on
 * different keys run concurrently). Stores use it so that, within a process, a delete issued after
 * a write lands after it, and appends to one conversation keep their order.
 */
export class SerialByKey {
  private readonly chains = new Map<string, Promise<unknown>>();

  /** Runs `op` after every earlier operation on the same key, whether those succeeded or failed. */
  run<R>(key: string, op: () => Promise<R>): Promise<R> {
    const previous = this.chains.get(key) ?? Promise.resolve();
    const run = previous.then(op, op);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.chains.set(key, tail);
    void tail.then(() => {
      if (this.chains.get(key) === tail) this.chains.delete(key);
    });
    return run;
  }

  /** Resolves when every operation started so far has finished. */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }
}
