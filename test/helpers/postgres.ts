/**
 * A real PostgreSQL for tests, never skipped: the machine's server on 127.0.0.1:5432 (what CI
 * uses; TEST_DATABASE_URL overrides), in a fresh database per call; where there is no server, an
 * in-process PostgreSQL (PGlite) behind its socket server, which the pg client reaches over TCP.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  url: string;
  /** "server" or "pglite": which one the tests ran against. */
  kind: string;
  drop(): Promise<void>;
}

const SERVER_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';

async function serverReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: SERVER_URL, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function testDatabase(): Promise<TestDatabase> {
  if (await serverReachable()) {
    const name = `intake_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: SERVER_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(SERVER_URL);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      kind: 'server',
      drop: async () => {
        const c = new pg.Client({ connectionString: SERVER_URL });
        await c.connect();
        // pool.end() resolves once its clients are asked to close, before their sessions have gone:
        // a session cut off by FORCE then errors in a client nobody listens to any more (an uncaught
        // error in the test). So wait, briefly, for the sessions to leave; FORCE ends any left over.
        for (let waited = 0; waited < 5000; waited += 50) {
          const { rows } = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
          if (rows[0]!.n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await PGlite.create();
  // Its default is one connection; a pool needs more.
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 20 });
  await server.start();
  const port = (server as unknown as { server?: { address(): { port: number } } }).server?.address().port;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    kind: 'pglite',
    drop: async () => {
      await server.stop();
      await db.close();
    },
  };
}

/** Every query sent by any pg client (one query, one round trip) while `work` runs. */
export async function countingRoundTrips<T>(work: () => Promise<T>): Promise<{ result: T; sent: string[] }> {
  const sent: string[] = [];
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0];
    sent.push(typeof first === 'string' ? first : ((first as { text?: string }).text ?? ''));
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof pg.Client.prototype.query;
  try {
    return { result: await work(), sent };
  } finally {
    pg.Client.prototype.query = original;
  }
}
