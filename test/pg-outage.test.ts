/**
 * PostgreSQL going away and coming back, against the real service on 127.0.0.1 with a loopback fake
 * Bot Connector. The database is an in-process PostgreSQL (PGlite) with its data in a temp folder,
 * behind its socket server: stopped (server and database closed, every connection cut) and started
 * again on the same port with the same data, as a restarted server would be. Never the machine's
 * own PostgreSQL, which other tests share.
 *
 * While it is gone: /readyz answers 503 within seconds, naming the check with a clear message (no
 * stack, no password) and one log line saying what happened and what to do; a resident gets the
 * Swedish "try again" text; a turn caught in the middle ends and leaves no broken connection in the
 * turn-lock pool; a server that accepts but never answers makes nothing hang. When it is back:
 * /readyz is 200 again by itself, the interview begun before continues, a new one runs to its case.
 */
import net from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import { expect } from 'chai';
import pg from 'pg';
import { pino } from 'pino';
import { parse } from 'yaml';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createPool } from '../src/storage/postgres/database.js';
import { DatabaseUnavailableError, databaseTarget, explainConnectionFailure } from '../src/storage/postgres/connection-errors.js';
import { publicMessage } from '../src/http/server.js';
import { PgTurnLock } from '../src/storage/postgres/pg-turn-lock.js';
import { FakeConnector, residentActivity } from './helpers/fake-connector.js';
import { CONFIRM_AND_SHARE, SELF_ANSWERS } from './helpers/answers.js';
import { REPO_ROOT, removeDir, tempDir } from './helpers/harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns something, or fails after `ms`. */
async function eventually<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(100);
  }
}

/** PGlite on a data folder behind its socket server, on one port for its whole life. */
class RestartablePostgres {
  port = 0;
  private db: PGlite | undefined;
  private server: PGLiteSocketServer | undefined;
  private blackHole: { server: net.Server; sockets: Set<net.Socket> } | undefined;

  constructor(readonly dataDir: string) {}

  /** With a password in it: no answer or log line may show it. */
  url(): string {
    return `postgresql://postgres:${PASSWORD}@127.0.0.1:${this.port}/postgres`;
  }

  async start(): Promise<void> {
    this.db = await PGlite.create(this.dataDir);
    this.server = new PGLiteSocketServer({ db: this.db, port: this.port, host: '127.0.0.1', maxConnections: 64 });
    await this.server.start();
    this.port = Number(this.server.getServerConn().split(':').at(-1));
  }

  /** Cuts every connection, stops listening and closes the database, as a server shutting down. */
  async stop(): Promise<void> {
    await this.server?.stop();
    // The socket server detaches its connections without waiting (rolling back an open transaction first).
    await sleep(200);
    await this.db?.close();
    this.server = undefined;
    this.db = undefined;
  }

  /** Something on the port that accepts connections and never answers (a hung server, a dead route). */
  async startBlackHole(): Promise<void> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.blackHole = { server, sockets };
  }

  async stopBlackHole(): Promise<void> {
    if (!this.blackHole) return;
    const { server, sockets } = this.blackHole;
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.blackHole = undefined;
  }
}

const PASSWORD = 's3cret-Pw-7731';

/** Runs a query on a connection of its own (not the service's pools). */
async function sql<R extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** What pg-pool keeps of each connection: one that failed must not be among them. */
function brokenClients(pool: pg.Pool): number {
  const clients = (pool as unknown as { _clients: Array<{ _queryable: boolean; _ending: boolean }> })._clients;
  return clients.filter((c) => !c._queryable || c._ending).length;
}

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

const GENERIC_ERROR = (parse(readFileSync(path.join(REPO_ROOT, 'locales', 'sv', 'texts.yaml'), 'utf8')) as { error: { generic: string } }).error.generic;

describe('when PostgreSQL goes away and comes back', function () {
  // The first start of PGlite creates its database (about 15 s on two cores).
  this.timeout(120_000);
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => void uncaught.push(err);
  let postgres: RestartablePostgres;
  let pgDir: string;

  before(async () => {
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
    pgDir = await tempDir('intake-pg-outage-db-');
    postgres = new RestartablePostgres(pgDir);
    await postgres.start();
  });

  after(async () => {
    await postgres?.stopBlackHole();
    await postgres?.stop();
    await removeDir(pgDir);
    process.removeListener('uncaughtException', onUncaught);
    process.removeListener('unhandledRejection', onUncaught);
  });

  describe('the service', () => {
    const connector = new FakeConnector();
    const logs: LogLine[] = [];
    let app: App;
    let url: string;
    let dataDir: string;
    /** The conversation begun before the outage, and how far it got. */
    const convA = `outage-a-${randomUUID()}`;
    let seq = 0;

    const pools = () => {
      const { pool, lockPool } = app.stores;
      if (!pool || !lockPool) throw new Error('the app has no PostgreSQL pools: is DATABASE_URL set?');
      return { pool, lockPool };
    };

    const activity = (conversationId: string, extra: Record<string, unknown>) => residentActivity(connector.url, conversationId, `act-${++seq}`, extra);

    /** Posts an activity; resolves with the HTTP status and the texts the bot sent for it. */
    const send = async (conversationId: string, extra: Record<string, unknown>) => {
      const before = connector.calls.length;
      const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity(conversationId, extra)) });
      await res.arrayBuffer();
      return { status: res.status, text: connector.texts().slice(before).join('\n') };
    };
    const join = (conversationId: string) => send(conversationId, { type: 'conversationUpdate', membersAdded: [{ id: 'resident-1' }] });
    const say = (conversationId: string, text: string) => send(conversationId, { text });

    const readyz = async () => {
      const started = Date.now();
      const res = await fetch(`${url}/readyz`);
      const raw = await res.text();
      return { status: res.status, raw, body: JSON.parse(raw) as { status: string; checks: Array<{ name: string; ok: boolean; error?: string }> }, ms: Date.now() - started };
    };

    before(async () => {
      await connector.start();
      dataDir = await tempDir('intake-pg-outage-');
      const sink = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as LogLine);
          callback();
        },
      });
      const config = loadConfig({ DATA_DIR: dataDir, HOST: '127.0.0.1', LOG_LEVEL: 'info', DATABASE_URL: postgres.url() }, REPO_ROOT);
      app = await createApp({ ...config, port: 0 }, pino({ level: 'info', base: undefined }, sink));
      ({ url } = await app.listen());
    });

    after(async () => {
      connector.delayMs = 0;
      await app?.close();
      await connector.stop();
      await removeDir(dataDir);
    });

    it('is ready while PostgreSQL answers, and an interview keeps its state there', async () => {
      const ready = await readyz();
      expect(ready.status).to.equal(200);
      expect(ready.body.status).to.equal('ready');
      expect((await join(convA)).text).to.include('automatisk assistent');
      for (const answer of SELF_ANSWERS.slice(0, 3)) expect((await say(convA, answer)).status).to.be.within(200, 299);
      const rows = await sql<{ key: string }>(postgres.url(), 'SELECT key FROM bot_state WHERE key LIKE $1', [`%${convA}%`]);
      expect(rows).to.have.length.greaterThan(0);
    });

    it('a turn caught in the middle ends, the process stays up, and no broken connection stays in the turn-lock pool', async () => {
      const { lockPool } = pools();
      // A slow connector keeps the turn (and its turn lock's connection) busy while PostgreSQL goes.
      connector.delayMs = 700;
      const callsBefore = connector.calls.length;
      const started = Date.now();
      const turn = say(convA, SELF_ANSWERS[3]!);
      await connector.waitFor(callsBefore + 1, 10_000);
      expect(lockPool.totalCount - lockPool.idleCount, 'the turn holds a lock connection').to.be.greaterThan(0);
      await postgres.stop();
      const result = await turn;
      connector.delayMs = 0;
      expect(Date.now() - started, 'the turn ended instead of hanging').to.be.below(15_000);
      expect(result.status).to.be.within(200, 299);
      // Its state was not saved: the person is told so, in Swedish.
      expect(result.text).to.include(GENERIC_ERROR);
      expect(uncaught, 'no unhandled error event or rejection').to.deep.equal([]);
      await eventually('the lock pool drops its lost connections', 3000, async () => (brokenClients(lockPool) === 0 && lockPool.totalCount === 0 ? true : undefined));
    });

    it('/readyz answers 503 within seconds, naming the check, with a clear message and no password or stack; logged once', async () => {
      const first = await eventually('/readyz answers 503', 5000, async () => {
        const r = await readyz();
        expect(r.ms, '/readyz never hangs').to.be.below(2500);
        return r.status === 503 ? r : undefined;
      });
      expect(first.body.status).to.equal('not ready');
      const store = first.body.checks.find((c) => !c.ok);
      expect(store?.name).to.equal('store');
      expect(store?.error).to.match(new RegExp(`^PostgreSQL at 127\\.0\\.0\\.1:${postgres.port}/postgres refused the connection \\(ECONNREFUSED`, 'u'));
      expect(store?.error).to.include('Check that the database server is running');
      expect(store?.error).to.include('reconnects by itself');
      expect(first.raw).not.to.include(PASSWORD);
      expect(first.raw).not.to.match(/postgres(ql)?:\/\//u);
      expect(first.raw).not.to.match(/\n\s+at |\.ts:\d+/u);
      // Probes keep coming; the log says it once.
      for (let i = 0; i < 3; i++) expect((await readyz()).status).to.equal(503);
      const notReady = logs.filter((l) => l.msg.startsWith('not ready'));
      expect(notReady, 'one log line for the outage, not one per probe').to.have.length(1);
      expect(notReady[0]!.level).to.equal(50);
      expect(notReady[0]!.msg).to.match(/^not ready: store: PostgreSQL at .* refused the connection .* Check that the database server is running .*DATABASE_URL.* reconnects by itself/u);
      expect(JSON.stringify(logs)).not.to.include(PASSWORD);
      expect((await fetch(`${url}/healthz`)).status).to.equal(200);
    });

    it('a resident writing during the outage gets the Swedish "try again" reply, not a crash', async () => {
      const again = await say(convA, SELF_ANSWERS[3]!);
      expect(again.status).to.be.within(200, 299);
      expect(again.text).to.include(GENERIC_ERROR);
      const someoneNew = await join(`outage-new-${randomUUID()}`);
      expect(someoneNew.text).to.include(GENERIC_ERROR);
      const turnFailed = logs.filter((l) => l.msg.startsWith('turn failed'));
      expect(turnFailed.length).to.be.greaterThan(0);
      expect(JSON.stringify(turnFailed.at(-1))).to.include('refused the connection');
      expect(uncaught).to.deep.equal([]);
    });

    it('a server that accepts connections but never answers does not make /readyz or a turn hang', async () => {
      await postgres.startBlackHole();
      try {
        const r = await readyz();
        expect(r.ms).to.be.below(2500);
        expect(r.status).to.equal(503);
        expect(r.body.checks.find((c) => c.name === 'store')?.error).to.equal('no answer within 2 s');
        const started = Date.now();
        const turn = await say(convA, SELF_ANSWERS[3]!);
        // The connection attempt gives up after 5 s; the person hears about it.
        expect(Date.now() - started).to.be.below(9000);
        expect(turn.text).to.include(GENERIC_ERROR);
      } finally {
        await postgres.stopBlackHole();
      }
    });

    it('when PostgreSQL returns, /readyz is 200 again by itself, and that is logged once', async () => {
      await postgres.start();
      const back = Date.now();
      await eventually('/readyz answers 200', 10_000, async () => ((await readyz()).status === 200 ? true : undefined));
      expect(Date.now() - back).to.be.below(10_000);
      expect(logs.filter((l) => l.msg.startsWith('ready again'))).to.have.length(1);
      expect(uncaught).to.deep.equal([]);
    });

    it('the interview begun before continues at the same question, and a new one runs to its case in PostgreSQL', async () => {
      const { pool, lockPool } = pools();
      // The answer written during the outage was not kept; sent again, it lands.
      await say(convA, SELF_ANSWERS[3]!);
      expect((await say(convA, SELF_ANSWERS[4]!)).text).to.include('Hur ser en riktigt bra dag ut för dig?');

      const convB = `outage-b-${randomUUID()}`;
      await join(convB);
      for (const answer of [...SELF_ANSWERS, ...CONFIRM_AND_SHARE.slice(0, -1)]) {
        const r = await say(convB, answer);
        expect(r.status).to.be.within(200, 299);
        expect(r.text).not.to.include(GENERIC_ERROR);
      }
      const last = await say(convB, CONFIRM_AND_SHARE.at(-1)!);
      const reference = /NV-\d{4}-\d{6}/u.exec(last.text)?.[0];
      expect(reference, 'the case reference is shown').to.be.a('string');
      const cases = await sql<{ reference: string }>(postgres.url(), 'SELECT reference FROM cases WHERE reference = $1', [reference]);
      expect(cases).to.have.length(1);
      const state = await sql<{ key: string }>(postgres.url(), 'SELECT key FROM bot_state WHERE key LIKE $1', [`%${convB}%`]);
      expect(state).to.have.length.greaterThan(0);
      expect(brokenClients(pool)).to.equal(0);
      expect(brokenClients(lockPool)).to.equal(0);
      expect(uncaught).to.deep.equal([]);
    });
  });

  describe('the turn lock (PgTurnLock)', () => {
    const context = (id: string) => ({ activity: { channelId: 'test', conversation: { id } } }) as unknown as TurnContext;

    it('when its connection dies mid-turn: the turn\'s own error is thrown, the connection is closed, and the next turn works once PostgreSQL is back', async () => {
      const lockPool = createPool(postgres.url(), 4);
      try {
        const lock = new PgTurnLock(lockPool);
        await lock.onTurn(context('c1'), async () => undefined);
        expect(lockPool.idleCount).to.equal(1);

        let thrown: unknown;
        const started = Date.now();
        try {
          await lock.onTurn(context('c1'), async () => {
            await postgres.stop();
            throw new Error('the turn itself failed');
          });
        } catch (err) {
          thrown = err;
        }
        expect((thrown as Error).message).to.equal('the turn itself failed');
        expect(Date.now() - started).to.be.below(5000);
        expect(lockPool.totalCount, 'the lost connection is not kept').to.equal(0);

        // A turn that went through is not failed afterwards because only the lock's connection was lost.
        await postgres.start();
        let ran = false;
        await lock.onTurn(context('c2'), async () => {
          await postgres.stop();
          ran = true;
        });
        expect(ran).to.equal(true);
        expect(lockPool.totalCount).to.equal(0);

        // While PostgreSQL is away a turn fails at once, with a clear error, and does not run.
        let refused: unknown;
        ran = false;
        await lock.onTurn(context('c3'), async () => void (ran = true)).catch((err: unknown) => (refused = err));
        expect(ran).to.equal(false);
        expect((refused as Error).message).to.match(/^PostgreSQL at 127\.0\.0\.1:\d+\/postgres refused the connection/u);

        await postgres.start();
        await lock.onTurn(context('c1'), async () => void (ran = true));
        expect(ran).to.equal(true);
        expect(brokenClients(lockPool)).to.equal(0);
        expect(uncaught).to.deep.equal([]);
      } finally {
        await lockPool.end();
      }
    });

    it('when the server stops answering on an open connection: the turn fails after waitMs instead of hanging, and the connection is closed', async () => {
      // A proxy in front of PostgreSQL that can go silent without closing anything.
      let silent = false;
      const pairs = new Set<[net.Socket, net.Socket]>();
      const proxy = net.createServer((downstream) => {
        const upstream = net.connect(postgres.port, '127.0.0.1');
        const pair: [net.Socket, net.Socket] = [downstream, upstream];
        pairs.add(pair);
        const close = () => {
          downstream.destroy();
          upstream.destroy();
          pairs.delete(pair);
        };
        downstream.on('data', (d: Buffer) => void (silent || upstream.write(d)));
        upstream.on('data', (d: Buffer) => void (silent || downstream.write(d)));
        for (const s of pair) {
          s.on('error', close);
          s.on('end', close);
          s.on('close', close);
        }
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const proxyPort = (proxy.address() as net.AddressInfo).port;
      const lockPool = createPool(`postgresql://postgres@127.0.0.1:${proxyPort}/postgres`, 4);
      try {
        const lock = new PgTurnLock(lockPool, { waitMs: 500 });
        await lock.onTurn(context('d1'), async () => undefined);
        silent = true;
        let thrown: unknown;
        let ran = false;
        const started = Date.now();
        await lock.onTurn(context('d1'), async () => void (ran = true)).catch((err: unknown) => (thrown = err));
        expect(Date.now() - started).to.be.within(400, 3000);
        expect(ran).to.equal(false);
        expect((thrown as Error).name).to.equal('TurnLockTimeoutError');
        expect(lockPool.totalCount, 'the silent connection is not kept').to.equal(0);
        silent = false;
        await lock.onTurn(context('d1'), async () => void (ran = true));
        expect(ran).to.equal(true);
        expect(uncaught).to.deep.equal([]);
      } finally {
        await lockPool.end();
        for (const [a, b] of pairs) (a.destroy(), b.destroy());
        await new Promise<void>((resolve) => proxy.close(() => resolve()));
      }
    });
  });

  describe('connection failures, explained', () => {
    const target = databaseTarget(`postgresql://intake:${PASSWORD}@db.example.se:6432/intake?sslmode=require`);
    const failure = (code: string, message: string) => Object.assign(new Error(message), { code });

    it('name the server by host, port and database, never by user or password', () => {
      expect(target).to.equal('db.example.se:6432/intake');
      expect(databaseTarget('not a url')).to.equal('the server in DATABASE_URL');
    });

    it('say what happened for a refused, unknown, silent or restarting server, and what to do', () => {
      const cases: Array<[Error, RegExp]> = [
        [failure('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:6432'), /refused the connection \(ECONNREFUSED/u],
        [failure('ENOTFOUND', 'getaddrinfo ENOTFOUND db.example.se'), /cannot be found \(ENOTFOUND/u],
        [new Error('Connection terminated due to connection timeout'), /did not answer within 5 s/u],
        [failure('57P01', 'terminating connection due to administrator command'), /is shutting down or starting up \(57P01/u],
        [new Error('Connection terminated unexpectedly'), /closed the connection \(Connection terminated unexpectedly\)/u],
      ];
      for (const [err, what] of cases) {
        const explained = explainConnectionFailure(err, target, 5000) as DatabaseUnavailableError;
        expect(explained).to.be.instanceOf(DatabaseUnavailableError);
        expect(explained.message).to.match(/^PostgreSQL at db\.example\.se:6432\/intake /u).and.match(what);
        expect(explained.message).to.include('reconnects by itself');
        expect(explained.cause).to.equal(err);
      }
      expect((explainConnectionFailure(failure('53300', 'sorry, too many clients already'), target) as Error).message).to.include('Raise max_connections');
    });

    it('leave the errors of a query itself as they are', () => {
      const duplicate = failure('23505', 'duplicate key value violates unique constraint');
      expect(explainConnectionFailure(duplicate, target)).to.equal(duplicate);
    });

    it('show no credentials in a readiness answer, whatever a check throws', () => {
      expect(publicMessage(new Error(`cannot reach postgresql://intake:${PASSWORD}@db:5432/x\n    at stack (file.ts:1:1)`))).to.equal('cannot reach postgresql://db:5432/x');
      expect(publicMessage(new Error(`host=db password=${PASSWORD} user=intake`))).not.to.include(PASSWORD);
    });
  });
});
