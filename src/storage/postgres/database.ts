/**
 * The PostgreSQL connection pool (see pool.ts) and the schema migrations. Migrations run at start-up
 * inside a transaction holding an advisory lock, so several instances starting at once apply each
 * exactly once; an instance that finds a newer schema than it knows refuses to start.
 */
import pg from 'pg';
import { MIGRATIONS } from './migrations.js';
import { withTransaction } from './transaction.js';

export { createPool, explainPoolError, ping } from './pool.js';

/** Any number will do, as long as no other code in the database uses it for an advisory lock. */
const MIGRATION_LOCK = 7_241_903;

/** Applies the migrations this database has not had yet; resolves with the versions applied. */
export function migrate(pool: pg.Pool): Promise<number[]> {
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => r.version));
    const known = Math.max(...MIGRATIONS.map((m) => m.version));
    const newest = Math.max(0, ...done);
    if (newest > known) throw new Error(`the database schema is version ${newest}, newer than this release knows (${known}); update the service`);
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, description) VALUES ($1, $2)', [m.version, m.description]);
      applied.push(m.version);
    }
    return applied;
  });
}
