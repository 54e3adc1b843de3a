/**
 * `npm run bench:ab`: the CPU cost of one intake turn in this working tree (B) against another
 * commit (A), measured in alternation: A and B each run as their own server (scripts/bench/
 * intake-server.ts of their checkout, lowdb in a fresh data folder, or with --store pg each in a
 * fresh PostgreSQL database), and the load goes to one, then
 * the other, round after round. A change of a few per cent is lost between two separate `npm run
 * bench` runs, where the machine's own drift moves a turn's CPU by 10-20 %; side by side, in the same
 * minutes, it shows. See `npm run bench:ab -- --help`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { INTAKE_OPENING, Resident, botFrameworkOpener, directLineOpener, openConversations, runLoad } from './bench/load.js';
import { median, wholeOption } from './bench/options.js';
import { backendCpuMs, benchDatabase, cpuBetween } from './bench/postgres.js';
import { startChild, type Started } from './bench/process.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const HELP = `npm run bench:ab [-- options]

CPU per intake turn of this working tree (B) against a commit (A, checked out in a temporary git
worktree that shares this node_modules), alternating between the two servers every round.

Options:
  --base REF          the commit to compare with (default HEAD: what the uncommitted changes do)
  --channel dl|api    the turn over our Direct Line endpoint (default) or over /api/messages
                      (replies to a loopback fake Bot Connector)
  --turn help|answer-back   as in npm run bench (default help)
  --rounds N          measured rounds (default 6; one more, first, warms both up)
  --seconds N         seconds of load per server per round (default 5)
  --connections N     concurrent conversations (default 16)
  --store lowdb|pg    the store of both servers (default lowdb); pg: every store in PostgreSQL, a
                      fresh database for each side on --database-url, dropped afterwards, and the
                      CPU per turn of each side's PostgreSQL backends reported too
  --database-url URL  where pg may create them (default $BENCH_DATABASE_URL, else
                      postgresql://postgres@127.0.0.1:5432/test)
  --help`;

const { values: opts } = parseArgs({
  options: {
    base: { type: 'string', default: 'HEAD' },
    channel: { type: 'string', default: 'dl' },
    turn: { type: 'string', default: 'help' },
    rounds: { type: 'string', default: '6' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '16' },
    store: { type: 'string', default: 'lowdb' },
    'database-url': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (opts.help) {
  console.log(HELP);
  process.exit(0);
}
const ROUNDS = wholeOption('rounds', opts.rounds, 1);
const SECONDS = wholeOption('seconds', opts.seconds, 1);
const CONNECTIONS = wholeOption('connections', opts.connections, 1);
if (!['dl', 'api'].includes(opts.channel) || !['help', 'answer-back'].includes(opts.turn) || !['lowdb', 'pg'].includes(opts.store)) {
  console.error('--channel must be dl or api, --turn help or answer-back, --store lowdb or pg');
  process.exit(2);
}
const MESSAGES = opts.turn === 'help' ? ['hjälp'] : ['Jag bor ensam och trappan upp till lägenheten är svår på vintern.', 'tillbaka'];

interface Side {
  name: 'A' | 'B';
  label: string;
  server: Started;
  dataDir: string;
  cpuMsPerTurn: number[];
  turnsPerSecond: number[];
  /** --store pg: its database's backends' CPU (ms) so far, and their CPU per turn in each round. */
  dbCpu?: () => Promise<Map<number, number> | undefined>;
  dbCpuMsPerTurn: number[];
}

const DATABASE_URL = opts['database-url'] ?? process.env['BENCH_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';

const progress = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  let commit: string;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', `${opts.base}^{commit}`], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    console.error(`--base ${opts.base} is not a commit of this repository`);
    process.exit(2);
  }
  const worktree = await mkdtemp(path.join(os.tmpdir(), `narvard-ab-${commit}-`));
  const cleanUps: Array<() => Promise<unknown>> = [];
  try {
    progress(`A: ${commit} (checked out in ${worktree}); B: this working tree`);
    execFileSync('git', ['worktree', 'add', '--force', '--detach', worktree, commit], { cwd: REPO_ROOT, stdio: 'ignore' });
    cleanUps.push(async () => execFileSync('git', ['worktree', 'remove', '--force', worktree], { cwd: REPO_ROOT, stdio: 'ignore' }));
    await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(worktree, 'node_modules'));

    const connector = await startChild(REPO_ROOT, 'scripts/bench/fake-connector.ts', [], (l) => progress(`  [connector] ${l}`));
    cleanUps.push(() => connector.stop());
    const sides: Side[] = [];
    for (const [name, label, dir] of [
      ['A', commit, worktree],
      ['B', 'working tree', REPO_ROOT],
    ] as const) {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), `narvard-ab-${name}-data-`));
      cleanUps.push(() => rm(dataDir, { recursive: true, force: true }));
      let db: { url: string; name: string } | undefined;
      if (opts.store === 'pg') {
        const made = await benchDatabase(DATABASE_URL);
        if ('unavailable' in made) throw new Error(made.unavailable);
        cleanUps.push(() => made.drop());
        db = made;
      }
      // The recognizer trained in a process of its own first: a server that trained in its own
      // process (before 3c10e1b, training ran on the main thread) served every turn at two to four
      // times the CPU, which would have flattered whichever side found its cache up to date.
      if (existsSync(path.join(dir, 'scripts', 'nlu-cache.ts'))) {
        progress(`${name}: the recognizer's cache (npm run nlu:cache) …`);
        execFileSync(process.execPath, ['--import', 'tsx', 'scripts/nlu-cache.ts'], { cwd: dir, stdio: 'ignore' });
      }
      const server = await startChild(dir, 'scripts/bench/intake-server.ts', db ? [dataDir, db.url] : [dataDir], (l) => progress(`  [${name} server] ${l}`));
      cleanUps.push(() => server.stop());
      await server.waitFor('retentionSweepDone', 300_000).catch(() => undefined);
      sides.push({ name, label, server, dataDir, cpuMsPerTurn: [], turnsPerSecond: [], dbCpuMsPerTurn: [], ...(db ? { dbCpu: () => backendCpuMs(DATABASE_URL, db.name) } : {}) });
    }

    let opened = 0;
    for (let round = 0; round <= ROUNDS; round++) {
      // A then B, then B then A: neither always follows the other.
      for (const side of round % 2 ? [...sides].reverse() : sides) {
        const base = `http://127.0.0.1:${side.server.port}`;
        const open = opts.channel === 'dl' ? directLineOpener(base, INTAKE_OPENING) : botFrameworkOpener(base, `http://127.0.0.1:${connector.port}/`, INTAKE_OPENING, `ab-${side.name}`);
        const conversations = await openConversations(open, opened, opened + CONNECTIONS);
        opened += CONNECTIONS;
        const residents = conversations.map((c) => {
          const resident = new Resident(MESSAGES, 0);
          resident.add([c]);
          return resident;
        });
        await side.server.settle();
        const [before, dbBefore] = await Promise.all([side.server.stats(), side.dbCpu?.()]);
        const load = await runLoad(base, residents, SECONDS);
        await side.server.settle();
        const [after, dbAfter] = await Promise.all([side.server.stats(), side.dbCpu?.()]);
        const failed = load.non2xx + load.errors + load.timeouts;
        if (failed) throw new Error(`${side.name} failed ${failed} requests in round ${round}`);
        // A turn that fails still answers 200 (the resident gets the error message): the server's error lines tell.
        const errorLines = Number(after.detail?.['errorLines'] ?? 0) - Number(before.detail?.['errorLines'] ?? 0);
        if (errorLines) throw new Error(`${side.name} logged ${errorLines} errors (failed turns) in round ${round}: the measurement would flatter it`);
        const cpu = (after.cpuMs - before.cpuMs) / Math.max(1, load.turns);
        const dbCpu = dbBefore && dbAfter ? cpuBetween(dbBefore, dbAfter) / Math.max(1, load.turns) : undefined;
        if (round > 0) {
          side.cpuMsPerTurn.push(cpu);
          side.turnsPerSecond.push(load.turnsPerSecond);
          if (dbCpu !== undefined) side.dbCpuMsPerTurn.push(dbCpu);
        }
        progress(`round ${round}${round ? '' : ' (warm-up)'} ${side.name}: ${cpu.toFixed(3)} CPU ms/turn${dbCpu !== undefined ? ` + ${dbCpu.toFixed(3)} in PostgreSQL` : ''}, ${load.turnsPerSecond.toFixed(0)} turns/s`);
      }
    }
    const [a, b] = sides as [Side, Side];
    const ratios = b.cpuMsPerTurn.map((cpu, i) => cpu / a.cpuMsPerTurn[i]!);
    console.log(`${opts.channel === 'dl' ? 'Direct Line' : '/api/messages'} turn "${MESSAGES.join('" / "')}" on ${opts.store === 'pg' ? 'PostgreSQL' : 'lowdb'}, ${ROUNDS} rounds of ${SECONDS} s at ${CONNECTIONS} conversations:`);
    for (const side of sides) {
      const db = side.dbCpuMsPerTurn.length ? ` + ${median(side.dbCpuMsPerTurn).toFixed(3)} in PostgreSQL` : '';
      console.log(`  ${side.name} (${side.label}): median ${median(side.cpuMsPerTurn).toFixed(3)} CPU ms/turn${db}, ${median(side.turnsPerSecond).toFixed(0)} turns/s`);
    }
    console.log(`  B/A CPU per turn: median ${median(ratios).toFixed(3)} (each round: ${ratios.map((r) => r.toFixed(2)).join(' ')})`);
    if (a.dbCpuMsPerTurn.length && b.dbCpuMsPerTurn.length) {
      const both = b.cpuMsPerTurn.map((cpu, i) => (cpu + b.dbCpuMsPerTurn[i]!) / (a.cpuMsPerTurn[i]! + a.dbCpuMsPerTurn[i]!));
      console.log(`  B/A CPU per turn, server + PostgreSQL: median ${median(both).toFixed(3)} (each round: ${both.map((r) => r.toFixed(2)).join(' ')})`);
    }
  } finally {
    for (const cleanUp of cleanUps.reverse()) await cleanUp().catch(() => undefined);
  }
}

main().catch((err: unknown) => {
  console.error(`bench:ab failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
