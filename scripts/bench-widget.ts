/**
 * `npm run bench:widget`: how long a resident waits after tapping the chat launcher on the demo page,
 * in Debian's Chromium on a 390 × 844 phone viewport, on Chrome's network presets (emulated through
 * CDP Network.emulateNetworkConditions), on a first visit (empty cache) and on a repeat visit (a new
 * tab in the same browser, cache warm, a new conversation). Prints the medians of --runs runs, the
 * issue's targets with met / NOT met, and the ratio to the figures measured before this work
 * (issue 22). The definitions of "first bot message readable" and "ready for typing" are in
 * scripts/bench/widget-probe.ts and docs/widget.md. See `npm run bench:widget -- --help`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { buildWebChat } from './build-webchat.js';
import { median, wholeOption } from './bench/options.js';
import { WIDGET_PROBE, type ProbeResult } from './bench/widget-probe.js';
import { launchBrowser, startServer, type TestServer } from '../test/helpers/browser.js';
import { REPO_ROOT } from '../test/helpers/paths.js';

/**
 * Chrome's network presets as STACK.md gives them (CDP takes bytes per second). Chrome's own DevTools
 * and Lighthouse have since made "Slow 4G" an alias of "Fast 3G" (562.5 ms; crbug.com/342406608):
 * the Fast 3G row is what current Chrome calls Slow 4G.
 */
const NETWORKS = {
  none: null,
  'Slow 4G': { latency: 150, downloadThroughput: ((1.6 * 1000 * 1000) / 8) * 0.9, uploadThroughput: ((750 * 1000) / 8) * 0.9 },
  'Fast 3G': { latency: 150 * 3.75, downloadThroughput: ((1.6 * 1000 * 1000) / 8) * 0.9, uploadThroughput: ((750 * 1000) / 8) * 0.9 },
} as const;
type NetworkName = keyof typeof NETWORKS;

/** Issue 22's table (2026-12-04, the full Web Chat bundle): tap → first bot message, and bytes on opening. */
const BEFORE: Record<NetworkName, { firstMessage: number; bytes: number }> = {
  none: { firstMessage: 6.4, bytes: 934 * 1024 },
  'Slow 4G': { firstMessage: 8.3, bytes: 934 * 1024 },
  'Fast 3G': { firstMessage: 9.8, bytes: 935 * 1024 },
};

const TARGETS = { firstMessage: 1.5, readyFirstVisit: 4, readyRepeatVisit: 0.5, bytesBeforeFirst: 60 * 1024 };

const HELP = `npm run bench:widget [-- options]

Taps "Vad är viktigt för dig?" on the demo page (in-process service on 127.0.0.1, Debian's Chromium,
a 390 x 844 phone viewport) and measures, per network and visit:
  page load          navigation to the load event
  first message      tap -> the first message of the assistant readable in the panel
  answerable         tap -> the person can answer at all (the light panel's send box and buttons)
  ready for typing   tap -> Web Chat has taken over and its send box takes input
  bytes to first     bytes received (headers and bodies as sent) from the tap to the first message
  bytes to ready     the same, to ready for typing
  layout shift       sum of layout-shift scores from the tap to ready for typing
A first visit is a fresh browser context; a repeat visit is a new tab in that context afterwards
(HTTP cache warm, sessionStorage empty: a new conversation).

Options:
  --runs N          runs per network and visit; medians are printed (default 3)
  --networks LIST   any of ${Object.keys(NETWORKS).join(', ')} (default all)
  --json FILE       also write every run as JSON (default test-output/bench/widget.json)
  --help`;

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    networks: { type: 'string', default: Object.keys(NETWORKS).join(',') },
    json: { type: 'string', default: path.join('test-output', 'bench', 'widget.json') },
    help: { type: 'boolean', default: false },
  },
});
if (opts.help) {
  console.log(HELP);
  process.exit(0);
}
const RUNS = wholeOption('runs', opts.runs, 1);
const NETWORK_LIST = opts.networks.split(',').map((n) => n.trim()) as NetworkName[];
for (const n of NETWORK_LIST) {
  if (!(n in NETWORKS)) {
    console.error(`--networks: "${n}" is not one of ${Object.keys(NETWORKS).join(', ')}`);
    process.exit(2);
  }
}

const progress = (line: string) => process.stderr.write(`${line}\n`);

// The functions passed to page.evaluate run in the browser; the project compiles without the DOM lib.
declare const window: any;
declare const performance: any;

interface Run {
  network: NetworkName;
  visit: 'first' | 'repeat';
  pageLoad: number;
  firstMessage: number;
  firstFrom: string;
  /** Tap -> the person can answer at all (the light panel's send box or buttons; no target). */
  answerable: number;
  ready: number;
  bytesToFirst: number;
  bytesToReady: number;
  layoutShift: number;
  /** The widget's own marks (nv:…), seconds after the tap. */
  stages: Record<string, number>;
}

/** The widget's User Timing marks, in the order they happen (see mark() in public/widget.js). */
const STAGES = ['conversation', 'light-panel', 'webchat-run', 'webchat-loaded', 'webchat-rendered', 'webchat-ready'] as const;

/** Bytes the page received, by CDP time (seconds): headers at the response, body chunks as they arrived. */
class ReceivedBytes {
  private readonly chunks: Array<{ at: number; bytes: number }> = [];
  /** Epoch milliseconds minus CDP milliseconds, from a request's wallTime and timestamp. */
  private offset: number | undefined;
  private readonly partial = new Map<string, number>();

  constructor(cdp: CDPSession) {
    cdp.on('Network.requestWillBeSent', (e) => {
      this.offset ??= e.wallTime * 1000 - e.timestamp * 1000;
    });
    cdp.on('Network.responseReceived', (e) => {
      const headers = e.response.encodedDataLength ?? 0;
      this.partial.set(e.requestId, headers);
      this.chunks.push({ at: e.timestamp, bytes: headers });
    });
    cdp.on('Network.dataReceived', (e) => {
      this.partial.set(e.requestId, (this.partial.get(e.requestId) ?? 0) + e.encodedDataLength);
      this.chunks.push({ at: e.timestamp, bytes: e.encodedDataLength });
    });
    // The whole response's count, for anything the chunks did not report (sent at the end).
    cdp.on('Network.loadingFinished', (e) => {
      const missing = e.encodedDataLength - (this.partial.get(e.requestId) ?? 0);
      if (missing > 0) this.chunks.push({ at: e.timestamp, bytes: missing });
      this.partial.delete(e.requestId);
    });
  }

  /** Bytes received between two page times given as epoch milliseconds. */
  between(fromEpochMs: number, toEpochMs: number): number {
    if (this.offset === undefined) return 0;
    const from = (fromEpochMs - this.offset) / 1000;
    const to = (toEpochMs - this.offset) / 1000;
    return this.chunks.filter((c) => c.at >= from && c.at <= to).reduce((sum, c) => sum + c.bytes, 0);
  }
}

async function openTab(context: BrowserContext, network: NetworkName): Promise<{ page: Page; bytes: ReceivedBytes }> {
  const page = await context.newPage();
  await page.addInitScript({ content: WIDGET_PROBE });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const conditions = NETWORKS[network];
  if (conditions) await cdp.send('Network.emulateNetworkConditions', { offline: false, ...conditions });
  return { page, bytes: new ReceivedBytes(cdp) };
}

/** One visit: load the demo page, wait a moment as a reader would, tap, wait for ready for typing. */
async function visit(context: BrowserContext, server: TestServer, network: NetworkName, kind: Run['visit']): Promise<Run> {
  const { page, bytes } = await openTab(context, network);
  await page.goto(`${server.url}/`, { waitUntil: 'load', timeout: 60_000 });
  await page.waitForSelector('.nv-launcher', { state: 'visible', timeout: 60_000 });
  const pageLoad: number = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return nav ? nav.loadEventEnd / 1000 : NaN;
  });
  await page.waitForTimeout(500);
  await page.tap('.nv-launcher');
  await page.waitForFunction(() => {
    const b = window.__nvBench;
    return b.first !== null && b.ready !== null;
  }, undefined, { timeout: 60_000, polling: 100 });
  const probe: ProbeResult = await page.evaluate(() => window.__nvBench);
  const marks: Array<{ name: string; startTime: number }> = await page.evaluate(() =>
    performance.getEntriesByType('mark').map((m: { name: string; startTime: number }) => ({ name: m.name, startTime: m.startTime })),
  );
  const tap = probe.tap!;
  const epoch = (t: number) => probe.tapEpoch! + (t - tap);
  const run: Run = {
    network,
    visit: kind,
    pageLoad,
    firstMessage: (probe.first! - tap) / 1000,
    firstFrom: probe.firstFrom ?? '',
    answerable: ((probe.answerable ?? probe.ready!) - tap) / 1000,
    ready: (probe.ready! - tap) / 1000,
    bytesToFirst: bytes.between(probe.tapEpoch!, epoch(probe.first!)),
    bytesToReady: bytes.between(probe.tapEpoch!, epoch(probe.ready!)),
    layoutShift: probe.shifts.filter((s) => s.at >= tap && s.at <= probe.ready!).reduce((sum, s) => sum + s.value, 0),
    stages: Object.fromEntries(marks.filter((m) => m.name.startsWith('nv:') && m.startTime >= tap).map((m) => [m.name.slice(3), (m.startTime - tap) / 1000])),
  };
  await page.close();
  return run;
}

async function measure(browser: Browser, server: TestServer, network: NetworkName): Promise<Run[]> {
  const runs: Run[] = [];
  for (let i = 1; i <= RUNS; i++) {
    // The mobile viewport of the measurements; every request stays on 127.0.0.1.
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'sv-SE' });
    try {
      for (const kind of ['first', 'repeat'] as const) {
        const run = await visit(context, server, network, kind);
        runs.push(run);
        progress(`  ${network}, ${kind} visit, run ${i}/${RUNS}: first message ${run.firstMessage.toFixed(2)} s (${run.firstFrom}), ready ${run.ready.toFixed(2)} s, ${kb(run.bytesToFirst)} to first`);
      }
    } finally {
      await context.close();
    }
  }
  return runs;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

function seconds(s: number): string {
  return `${s.toFixed(2)} s`;
}

function met(ok: boolean): string {
  return ok ? 'met' : 'NOT met';
}

async function main(): Promise<void> {
  progress('Building Web Chat for the widget if needed …');
  const manifest = await buildWebChat({ log: progress });
  progress(`Web Chat build ${manifest.hash}: ${kb(manifest.bytes.br)} brotli, ${kb(manifest.bytes.gzip)} gzip, ${kb(manifest.bytes.identity)} minified.`);
  const server = await startServer();
  const browser = await launchBrowser();
  const all: Run[] = [];
  try {
    // Warm-up, not counted: the service's first turn, Chromium's first start of a renderer.
    progress('Warm-up (not counted) …');
    const warm = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'sv-SE' });
    await visit(warm, server, 'none', 'first');
    await warm.close();
    for (const network of NETWORK_LIST) {
      progress(`${network}:`);
      all.push(...(await measure(browser, server, network)));
    }
  } finally {
    await browser.close();
    await server.close();
  }

  const rows = NETWORK_LIST.flatMap((network) =>
    (['first', 'repeat'] as const).map((kind) => {
      const runs = all.filter((r) => r.network === network && r.visit === kind);
      const m = (pick: (r: Run) => number) => median(runs.map(pick));
      return {
        network,
        visit: kind,
        pageLoad: m((r) => r.pageLoad),
        firstMessage: m((r) => r.firstMessage),
        answerable: m((r) => r.answerable),
        ready: m((r) => r.ready),
        bytesToFirst: m((r) => r.bytesToFirst),
        bytesToReady: m((r) => r.bytesToReady),
        layoutShift: Math.max(...runs.map((r) => r.layoutShift)),
        firstFrom: [...new Set(runs.map((r) => r.firstFrom))].join(', '),
        stages: Object.fromEntries(STAGES.map((stage) => [stage, median(runs.map((r) => r.stages[stage] ?? NaN))])),
      };
    }),
  );

  console.log(`\nThe widget on the demo page, median of ${RUNS} run${RUNS === 1 ? '' : 's'} (390 x 844, Debian's Chromium, service on 127.0.0.1)\n`);
  console.log('network   visit    page load   first message   answerable   ready for typing   bytes to first   bytes to ready   layout shift (max)   first shown by');
  for (const r of rows) {
    console.log(
      `${r.network.padEnd(9)} ${r.visit.padEnd(7)} ${seconds(r.pageLoad).padStart(10)} ${seconds(r.firstMessage).padStart(15)} ${seconds(r.answerable).padStart(12)} ${seconds(r.ready).padStart(18)} ${kb(r.bytesToFirst).padStart(16)} ${kb(r.bytesToReady).padStart(16)} ${r.layoutShift.toFixed(3).padStart(20)}   ${r.firstFrom}`,
    );
  }
  console.log('(answerable: the person can answer, in the light panel or in Web Chat; for information, no target)');

  console.log('\nWhere the time goes (medians, seconds after the tap; the widget\'s marks nv:<stage>):');
  console.log(`network   visit    ${STAGES.map((s) => s.padStart(16)).join(' ')}`);
  for (const r of rows) console.log(`${r.network.padEnd(9)} ${r.visit.padEnd(7)} ${STAGES.map((s) => (Number.isNaN(r.stages[s]!) ? '-' : r.stages[s]!.toFixed(2)).padStart(16)).join(' ')}`);

  const row = (network: NetworkName, kind: 'first' | 'repeat') => rows.find((r) => r.network === network && r.visit === kind);
  const slow = row('Slow 4G', 'first');
  const slowRepeat = row('Slow 4G', 'repeat');
  if (slow && slowRepeat) {
    console.log('\nTargets (Slow 4G as in STACK.md: 150 ms, 1.44 Mbit/s down, 675 kbit/s up):');
    console.log(`  tap -> first bot message readable   ${seconds(slow.firstMessage).padStart(8)}   target <= ${TARGETS.firstMessage} s   ${met(slow.firstMessage <= TARGETS.firstMessage)}`);
    console.log(`  tap -> ready for typing, first visit ${seconds(slow.ready).padStart(7)}   target <= ${TARGETS.readyFirstVisit} s     ${met(slow.ready <= TARGETS.readyFirstVisit)}`);
    console.log(`  tap -> ready for typing, repeat visit ${seconds(slowRepeat.ready).padStart(6)}   target <= ${TARGETS.readyRepeatVisit} s   ${met(slowRepeat.ready <= TARGETS.readyRepeatVisit)}`);
    console.log(`  bytes before the first message      ${kb(slow.bytesToFirst).padStart(8)}   target <= 60 KB    ${met(slow.bytesToFirst <= TARGETS.bytesBeforeFirst)}`);
  }
  const chromeSlow = row('Fast 3G', 'first');
  const chromeSlowRepeat = row('Fast 3G', 'repeat');
  if (chromeSlow && chromeSlowRepeat) {
    console.log(`  The same targets on Fast 3G (562.5 ms; what current Chrome calls Slow 4G): first message ${met(chromeSlow.firstMessage <= TARGETS.firstMessage)}, ready ${met(chromeSlow.ready <= TARGETS.readyFirstVisit)} (first visit), ${met(chromeSlowRepeat.ready <= TARGETS.readyRepeatVisit)} (repeat visit), bytes ${met(chromeSlow.bytesToFirst <= TARGETS.bytesBeforeFirst)}`);
  }

  console.log('\nAgainst issue 22 (first visit, tap -> first bot message; bytes on opening):');
  for (const network of NETWORK_LIST) {
    const r = row(network, 'first');
    if (!r) continue;
    const before = BEFORE[network];
    console.log(
      `  ${network.padEnd(8)} ${seconds(r.firstMessage)} against ${before.firstMessage} s: ${(r.firstMessage / before.firstMessage).toFixed(3)}x (${(before.firstMessage / r.firstMessage).toFixed(1)} times sooner); ` +
        `${kb(r.bytesToFirst)} before the first message against ${Math.round(before.bytes / 1024)} KB: ${(r.bytesToFirst / before.bytes).toFixed(3)}x; ` +
        `${kb(r.bytesToReady)} to ready for typing: ${(r.bytesToReady / before.bytes).toFixed(2)}x`,
    );
  }

  const out = path.resolve(REPO_ROOT, opts.json);
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify({ measuredAt: new Date().toISOString(), runsPerRow: RUNS, build: manifest.hash, networks: NETWORKS, rows, runs: all }, null, 2)}\n`);
  console.log(`\nEvery run: ${path.relative(process.cwd(), out)}`);
}

main().catch((err: Error) => {
  console.error(`bench:widget failed: ${err.message}`);
  console.error('Is Debian\'s Chromium installed (/usr/bin/chromium)? Run with --networks none --runs 1 to see a single visit.');
  process.exit(1);
});
