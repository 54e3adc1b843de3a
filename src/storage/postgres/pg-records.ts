/** Small keyed records on PostgreSQL: rows of the `records` table under one `kind`. */
import type pg from 'pg';
import type { Records } from '../records.js';
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

  async keys(): Promise<string[]> {
    const { rows } = await this.pool.query<{ key: string }>('SELECT key FROM records WHERE kind = $1 ORDER BY key', [this.kind]);
    return rows.map((r) => r.key);
  }
}
