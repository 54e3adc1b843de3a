/**
 * Our whole service, as `npm start` builds it (createApp from src/app.ts) on the embedded lowdb
 * store in the data folder given as the first argument. Logs are off for the measurement; the
 * start-up events the runner prints (data folder checked, retention sweep done) are picked out of
 * the logger's stream and sent over IPC instead, with the end of the delivery worker's first round.
 * With a second argument, DATABASE_URL: every store (state, cases, transcripts, web chat, outbox,
 * audit log, records) goes to PostgreSQL.
 * Usage (by the runner): node --import tsx scripts/bench/intake-server.ts <dataDir> [<databaseUrl>]
 */
import { Writable } from 'node:stream';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { fail, serveRunner, tell } from './child.js';
import { countRoundTrips, roundTrips } from './pg-round-trips.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dataDir = process.argv[2];
const databaseUrl = process.argv[3];
if (!dataDir) fail(new Error('usage: intake-server.ts <dataDir> [<databaseUrl>]'));

/** Start-up events worth reporting, and a count of error lines (a failed turn); everything else is dropped. */
const EVENTS: Record<string, string> = { 'data folder checked': 'dataFolderChecked', 'language understanding ready': 'nluReady', 'retention sweep done': 'retentionSweepDone' };
let errorLines = 0;
const events = new Writable({
  write(chunk: Buffer, _encoding, callback) {
    const line = chunk.toString('utf8');
    if (/"level":(50|60)[,}]/u.test(line)) errorLines += 1;
    for (const [msg, name] of Object.entries(EVENTS)) {
      if (line.includes(`"msg":"${msg}"`)) {
        const { level: _l, time: _t, msg: _m, ...detail } = JSON.parse(line) as Record<string, unknown>;
        tell({ type: 'event', name, ms: performance.now(), detail });
      }
    }
    callback();
  },
});

// Round trips to PostgreSQL, counted from before the pools open (reported with the stats).
if (databaseUrl) countRoundTrips();

try {
  const config = loadConfig(
    {
      DATA_DIR: dataDir!,
      LOG_LEVEL: 'silent',
      OUTBOX_INTERVAL_MS: '60000',
      // 16 residents typing as fast as the server answers would hit the per-conversation limit (300/min).
      DIRECTLINE_REQUESTS_PER_MINUTE: '1000000',
      DIRECTLINE_NEW_CONVERSATIONS_PER_MINUTE: '1000000',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      // The startup scenario measures a start without the recognizer's cache (NLU_CACHE_DIR=off).
      ...(process.env['NLU_CACHE_DIR'] ? { NLU_CACHE_DIR: process.env['NLU_CACHE_DIR'] } : {}),
    },
    repoRoot,
  );
  // LOG_LEVEL is "silent" for the service; the runner's logger only picks out the lines above
  // (the service logs at info only at start-up, so measured turns pay nothing for it).
  const logger = pino({ level: 'info', base: undefined }, events);
  const app = await createApp({ ...config, port: 0 }, logger);
  const { port } = await app.listen();
  tell({ type: 'ready', port, readyMs: performance.now() });
  // The delivery worker's first round began with the app: its check for urgent cases to remind
  // staff of reads every stored case, so it grows with the store. The runner waits for it, as for
  // the first retention sweep (the bench's OUTBOX_INTERVAL_MS puts the next check 12 minutes on).
  const roundFrom = performance.now();
  void app.delivery.runOnce().then(() => tell({ type: 'event', name: 'firstDeliveryRoundDone', ms: performance.now(), detail: { msAfterReady: Math.round(performance.now() - roundFrom) } }));
  // Transcripts are written after the turn has answered (botbuilder does not wait for them).
  serveRunner({ onStop: () => app.close(), settle: () => app.transcripts.flush(), detail: () => ({ errorLines, ...(databaseUrl ? { pgRoundTrips: roundTrips() } : {}) }) });
} catch (err) {
  fail(err);
}
