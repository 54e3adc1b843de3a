/**
 * A fresh PostgreSQL database for the benchmark's PostgreSQL scenario, on the server the admin URL
 * names (the machine's own by default, as the tests use it), dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export type BenchDatabase = { url: string; drop(): Promise<void> } | { unavailable: string };

/** Creates `narvard_bench_<random>` through `adminUrl`; says why not when the server cannot be reached. */
export async function benchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const where = new URL(adminUrl);
  const shown = `${where.hostname}:${where.port || '5432'}`;
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
  const name = `narvard_bench_${randomBytes(6).toString('hex')}`;
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (err) {
    return { unavailable: `no PostgreSQL server to use at ${shown} (${(err as Error).message}); give one with --database-url` };
  } finally {
    await admin.end().catch(() => undefined);
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
