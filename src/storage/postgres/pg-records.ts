/** Small keyed records on PostgreSQL: rows of the `records` table under one `kind`. */
import type pg from 'pg';
import type { Records } from '../records.js';
import { outcomeOf, type ImportOutcome } from './imports.js';
import { withTransaction } from './transaction.js';

export class PgRecords<T> implements Records<T> {
  constructor(
    private readonly pool: pg.Pool,
    private readonly kind: string,
  ) {}

  async read(key: string): Promise<T | undefined> {
    const { rows } = await this.pool.query<{ value: T }>('SELECT value FROM records WHERE kind = $1 AND key = $2', [this.kind, key]);
    return rows[0]?.value;
  }

  async write(key: string, value: T): Promise<void> {
    await this.pool.query(
      `INSERT INTO records (kind, key, value) VALUES ($1, $2, $3)
       ON CONFLICT (kind, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [this.kind, key, JSON.stringify(value)],
    );
  }

  async delete(key: string): Promise<void> {
    await this.pool.query('DELETE FROM records WHERE kind = $1 AND key = $2', [this.kind, key]);
  }

  update(key: string, fn: (current: T | undefined) => T | undefined): Promise<T | undefined> {
    return withTransaction(this.pool, async (client) => {
      // Held until commit, also while the record does not exist yet (a row lock would need the row):
      // two instances changing one record never lose either change.
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 1))', [`${this.kind}/${key}`]);
      const { rows } = await client.query<{ value: T }>('SELECT value FROM records WHERE kind = $1 AND key = $2', [this.kind, key]);
      const next = fn(rows[0]?.value);
      if (next === undefined) await client.query('DELETE FROM records WHERE kind = $1 AND key = $2', [this.kind, key]);
      else
        await client.query(
          `INSERT INTO records (kind, key, value) VALUES ($1, $2, $3)
           ON CONFLICT (kind, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
          [this.kind, key, JSON.stringify(next)],
        );
      return next;
    });
  }

  /** Moving a data folder in: stores each record whose key is not there yet; one outcome per record, in order. */
  async import(records: Array<{ key: string; value: T }>): Promise<ImportOutcome[]> {
    if (!records.length) return [];
    // The main query sees the table as it was before the insert: `r` is what was already there.
    const { rows } = await this.pool.query<{ inserted: boolean; same: boolean | null }>(
      `WITH src AS (SELECT * FROM unnest($2::text[], $3::jsonb[]) WITH ORDINALITY AS t(key, value, ord)),
       ins AS (INSERT INTO records (kind, key, value) SELECT $1, key, value FROM src ON CONFLICT (kind, key) DO NOTHING RETURNING key)
       SELECT ins.key IS NOT NULL AS inserted, r.value = src.value AS same
       FROM src LEFT JOIN ins ON ins.key = src.key LEFT JOIN records r ON r.kind = $1 AND r.key = src.key ORDER BY src.ord`,
      [this.kind, records.map((r) => r.key), records.map((r) => JSON.stringify(r.value))],
    );
    return rows.map(outcomeOf);
  }

  async keys(): Promise<string[]> {
    const { rows } = await this.pool.query<{ key: string }>('SELECT key FROM records WHERE kind = $1 ORDER BY key', [this.kind]);
    return rows.map((r) => r.key);
  }
}
