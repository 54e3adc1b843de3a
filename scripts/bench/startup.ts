/**
 * `npm run bench -- --only startup`: how long each server takes from spawn to listening, in
 * alternating rounds (echo bot, intake with an empty data folder, intake with n stored cases, …), so
 * that the machine's drift falls on all of them alike. Each start is a new process with the same
 * loader as the others (tsx); the intake server reads its trained recognizer from the cache
 * (var/cache/nlu, as every start after the first does), and one more start per round measures it
 * with the cache off (training, as the very first start does).
 *
 * Targets (issue 21): ready within 1.5 s with an empty data folder and within 3 s at 100,000 stored
 * cases on the embedded store. Seconds depend on the machine's load, so they are also given as a
 * ratio to the echo bot's start in the same rounds, with the ratio the target means on the machine
 * where the echo bot started in ECHO_REFERENCE_MS (2026-11-23's measurement).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { startChild } from './process.js';

/** The echo bot's start when the targets were set (README's table of 2026-11-23). */
export const ECHO_REFERENCE_MS = 777;
export const STARTUP_TARGETS = { empty: 1500, cases: 3000 } as const;

export interface StartupRow {
  name: string;
  title: string;
  /** Every start's ms from spawn to listening, in round order. */
  readyMs: number[];
  medianMs: number;
  /** median / the echo bot's median in the same rounds. */
  ratio: number;
  /** Start-up events the server reported (ms since spawn), from its last start. */
  events?: Record<string, number>;
  target?: { ms: number; ratio: number; met: boolean; metByRatio: boolean };
}

export interface StartupOptions {
  repoRoot: string;
  rounds: number;
  /** Where the empty data folders go. */
  dataRoot: string;
  /** Stored-case counts to start on, each with its seeded folder (made or reused by the caller). */
  seeded: Array<{ count: number; dir: string; reset: () => Promise<void> }>;
  progress: (line: string) => void;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** One start of a benchmark server; resolves with its ms to listening and its start-up events. */
async function oneStart(repoRoot: string, script: string, args: string[], env: Record<string, string> = {}): Promise<{ ms: number; events: Record<string, number> }> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const started = await startChild(repoRoot, script, args, () => undefined);
    const events = Object.fromEntries(Object.entries(started.events).map(([k, e]) => [k, Math.round(e.ms)]));
    await started.stop();
    return { ms: started.startupMs, events };
  } finally {
    for (const key of Object.keys(env)) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
}

export async function measureStartups(options: StartupOptions): Promise<StartupRow[]> {
  const { repoRoot, rounds, progress } = options;
  const kinds: Array<{ name: string; title: string; run: () => Promise<{ ms: number; events: Record<string, number> }>; target?: number }> = [
    { name: 'echo', title: 'stock echo bot', run: () => oneStart(repoRoot, 'scripts/bench/echo-server.ts', []) },
    {
      name: 'intake-empty',
      title: 'intake, empty data folder (recognizer from its cache)',
      target: STARTUP_TARGETS.empty,
      run: async () => {
        const dir = await mkdtemp(path.join(options.dataRoot, 'narvard-bench-startup-'));
        try {
          return await oneStart(repoRoot, 'scripts/bench/intake-server.ts', [dir]);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    },
    {
      name: 'intake-empty-training',
      title: 'intake, empty data folder, NLU_CACHE_DIR=off (trains at start, as the first start does)',
      run: async () => {
        const dir = await mkdtemp(path.join(options.dataRoot, 'narvard-bench-startup-'));
        try {
          return await oneStart(repoRoot, 'scripts/bench/intake-server.ts', [dir], { NLU_CACHE_DIR: 'off' });
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    },
    ...options.seeded.map((s) => ({
      name: `intake-cases-${s.count}`,
      title: `intake, ${s.count.toLocaleString('en')} stored cases`,
      target: STARTUP_TARGETS.cases,
      run: async () => {
        try {
          return await oneStart(repoRoot, 'scripts/bench/intake-server.ts', [s.dir]);
        } finally {
          await s.reset();
        }
      },
    })),
  ];
  const times = new Map<string, number[]>(kinds.map((k) => [k.name, []]));
  const events = new Map<string, Record<string, number>>();
  for (let round = 0; round < rounds; round++) {
    // Alternating order: each kind starts first in some round.
    const order = kinds.map((_, i) => kinds[(i + round) % kinds.length]!);
    for (const kind of order) {
      const { ms, events: e } = await kind.run();
      times.get(kind.name)!.push(ms);
      events.set(kind.name, e);
      progress(`  [startup ${round + 1}/${rounds}] ${kind.title}: ready in ${Math.round(ms)} ms`);
    }
  }
  const echo = median(times.get('echo')!);
  return kinds.map((kind) => {
    const ms = times.get(kind.name)!;
    const m = median(ms);
    const row: StartupRow = { name: kind.name, title: kind.title, readyMs: ms.map(Math.round), medianMs: Math.round(m), ratio: m / echo, events: events.get(kind.name) ?? {} };
    if (kind.target) {
      const ratioTarget = kind.target / ECHO_REFERENCE_MS;
      row.target = { ms: kind.target, ratio: ratioTarget, met: m <= kind.target, metByRatio: m / echo <= ratioTarget };
    }
    return row;
  });
}

/** The table and the verdicts, as the runner prints them. */
export function formatStartups(rows: StartupRow[]): string {
  const lines = ['| start-up | median ms (each round) | vs echo | target |', '|---|---|---|---|'];
  for (const r of rows) {
    const target = r.target
      ? `≤ ${r.target.ms} ms: ${r.target.met ? 'met' : 'NOT met'}; ≤ ${r.target.ratio.toFixed(2)}x echo: ${r.target.metByRatio ? 'met' : 'NOT met'}`
      : '';
    lines.push(`| ${r.title} | ${r.medianMs.toLocaleString('en')} (${r.readyMs.join(', ')}) | ${r.ratio.toFixed(2)}x | ${target} |`);
  }
  return lines.join('\n');
}
