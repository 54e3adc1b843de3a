/**
 * What every benchmark child process shares: it reports "ready" (and later its memory) to the
 * runner over the IPC channel, and ends when told to or when the runner goes away.
 */

export interface ReadyMessage {
  type: 'ready';
  /** Where to send load: http://127.0.0.1:<port>. */
  port: number;
  /** ms since this process started (performance.now()), when it began to listen. */
  readyMs: number;
  /** Anything else worth printing (start-up details). */
  detail?: Record<string, unknown>;
}

export interface StatsMessage {
  type: 'stats';
  rssBytes: number;
  /** Peak resident set size of this process (getrusage ru_maxrss, the kernel's VmHWM). */
  maxRssBytes: number;
  heapUsedBytes: number;
  /** CPU time this process has used so far (user + system). */
  cpuMs: number;
  detail?: Record<string, unknown>;
}

export type ChildMessage =
  | ReadyMessage
  | StatsMessage
  | { type: 'event'; name: string; ms: number; detail?: Record<string, unknown> }
  | { type: 'settled'; ms: number }
  | { type: 'failed'; message: string };

export function tell(message: ChildMessage): void {
  if (process.send) process.send(message);
  else console.log(JSON.stringify(message));
}

export interface RunnerHooks {
  onStop?: () => Promise<void>;
  /** Work still going on after the responses (such as transcript writes), to finish before measuring. */
  settle?: () => Promise<void>;
  detail?: () => Record<string, unknown>;
}

/** Answers the runner's "stats" and "settle" requests; ends on "stop", SIGTERM or a lost runner. */
export function serveRunner(hooks: RunnerHooks = {}): void {
  const { onStop = async () => undefined, settle = async () => undefined, detail = () => ({}) } = hooks;
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => process.exit(0), 2000);
    timer.unref();
    onStop().then(
      () => process.exit(0),
      () => process.exit(0),
    );
  };
  process.on('message', (m: { type?: string }) => {
    if (m?.type === 'stats') {
      const mem = process.memoryUsage();
      const cpu = process.cpuUsage();
      tell({ type: 'stats', rssBytes: mem.rss, maxRssBytes: process.resourceUsage().maxRSS * 1024, heapUsedBytes: mem.heapUsed, cpuMs: (cpu.user + cpu.system) / 1000, detail: detail() });
    } else if (m?.type === 'settle') {
      const t = performance.now();
      settle().then(
        () => tell({ type: 'settled', ms: performance.now() - t }),
        (err: unknown) => tell({ type: 'failed', message: `settle: ${(err as Error).message}` }),
      );
    } else if (m?.type === 'stop') stop();
  });
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Reports an error that stops start-up and exits. */
export function fail(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  tell({ type: 'failed', message });
  console.error(`benchmark child failed: ${message}`);
  process.exit(1);
}
