/** Starting a benchmark child process, talking to it over IPC, and reading its peak memory. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { ChildMessage, StatsMessage } from './child.js';

export interface Started {
  child: ChildProcess;
  port: number;
  /** From spawn() to the child listening, as the runner saw it. */
  startupMs: number;
  /** Start-up events the child reported (ms since spawn), such as the data folder check. */
  events: Record<string, { ms: number; detail?: Record<string, unknown> }>;
  /** Resolves with an event once the child reports it (ms since spawn). */
  waitFor(event: string, timeoutMs: number): Promise<{ ms: number; detail?: Record<string, unknown> }>;
  stats(): Promise<StatsMessage>;
  /** Waits until the child has finished work left over from earlier requests; resolves with its ms. */
  settle(): Promise<number>;
  /** Peak RSS in bytes: /proc/<pid>/status VmHWM, else the child's own getrusage. */
  peakRss(): Promise<number>;
  stop(): Promise<void>;
}

/** Runs `node --import tsx <script> ...args` from `cwd` and waits for its "ready". */
export function startChild(cwd: string, script: string, args: string[], onOutput: (line: string) => void, nodeFlags: string[] = [], timeoutMs = 300_000): Promise<Started> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', ...nodeFlags, '--import', 'tsx', script, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const events: Started['events'] = {};
  const eventWaiters: Array<{ name: string; resolve: (e: { ms: number; detail?: Record<string, unknown> }) => void }> = [];
  let statsWaiter: ((m: StatsMessage) => void) | undefined;
  let settleWaiter: ((ms: number) => void) | undefined;
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) onOutput(line);
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${script} was not ready after ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} ended before it was ready (exit ${code ?? signal})`));
    });
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`${script}: ${m.message}`));
      } else if (m.type === 'event') {
        const e = { ms: performance.now() - t0, ...(m.detail ? { detail: m.detail } : {}) };
        events[m.name] = e;
        for (const w of eventWaiters.filter((w) => w.name === m.name)) w.resolve(e);
      } else if (m.type === 'settled') {
        settleWaiter?.(m.ms);
        settleWaiter = undefined;
      } else if (m.type === 'stats') {
        statsWaiter?.(m);
        statsWaiter = undefined;
      } else if (m.type === 'ready') {
        clearTimeout(timer);
        const startupMs = performance.now() - t0;
        const stats = () =>
          new Promise<StatsMessage>((ok, fail) => {
            const t = setTimeout(() => fail(new Error(`${script} did not answer "stats"`)), 10_000);
            statsWaiter = (s) => (clearTimeout(t), ok(s));
            child.send({ type: 'stats' });
          });
        resolve({
          child,
          port: m.port,
          startupMs,
          events,
          waitFor: (name, ms) =>
            events[name]
              ? Promise.resolve(events[name]!)
              : new Promise((ok, fail) => {
                  const t = setTimeout(() => fail(new Error(`${script}: no "${name}" after ${ms / 1000} s`)), ms);
                  eventWaiters.push({ name, resolve: (e) => (clearTimeout(t), ok(e)) });
                }),
          stats,
          settle: () =>
            new Promise<number>((ok, fail) => {
              const t = setTimeout(() => fail(new Error(`${script} did not settle within 120 s`)), 120_000);
              settleWaiter = (ms) => (clearTimeout(t), ok(ms));
              child.send({ type: 'settle' });
            }),
          peakRss: async () => {
            try {
              const match = /^VmHWM:\s+(\d+)\s+kB/mu.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
              if (match) return Number(match[1]) * 1024;
            } catch {
              // Not Linux: ask the child.
            }
            return (await stats()).maxRssBytes;
          },
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) {
              child.send({ type: 'stop' });
              const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
              await exited;
              clearTimeout(hard);
            }
          },
        });
      }
    });
  });
}
