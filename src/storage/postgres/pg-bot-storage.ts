/**
 * botbuilder's Storage on PostgreSQL with real optimistic concurrency: the eTag is a version number
 * bumped by every write, and a write carrying an older eTag changes nothing and throws, also when
 * the other writer is another instance.
 */
import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import type pg from 'pg';
import { ConcurrencyError } from '../errors.js';
import { outcomeOf, type ImportOutcome } from './imports.js';

export class PgBotStorage implements Storage {
  constructor(private readonly pool: pg.Pool) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys.length) return {};
    const { rows } = await this.pool.query<{ key: string; value: StoreItem; etag: string }>('SELECT key, value, etag FROM bot_state WHERE key = ANY($1)', [keys]);
    return Object.fromEntries(rows.map((r) => [r.key, { ...r.value, eTag: String(r.etag) }]));
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, change] of Object.entries(changes)) {
      const { eTag, ...value } = change as StoreItem;
      if (eTag === undefined || eTag === '*') {
        await this.pool.query(
          `INSERT INTO bot_state (key, value, etag) VALUES ($1, $2, 1)
           ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, etag = bot_state.etag + 1, updated_at = now()`,
          [key, value],
        );
        continue;
      }
      const updated = await this.pool.query('UPDATE bot_state SET value = $2, etag = etag + 1, updated_at = now() WHERE key = $1 AND etag = $3', [key, value, eTag]);
      if (updated.rowCount === 0) {
        // Gone or changed: a state that no longer exists may be written afresh only with "*".
        throw new ConcurrencyError(`state "${key}" was changed by someone else (eTag ${eTag} is stale)`);
      }
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length) await this.pool.query('DELETE FROM bot_state WHERE key = ANY($1)', [keys]);
  }

  /**
   * Moving a data folder in: stores each item (its eTag dropped; it starts a new version) unless its
   * key is already there, which is never changed. One outcome per item, in order.
   */
  async import(items: Array<{ key: string; value: StoreItem }>): Promise<ImportOutcome[]> {
    if (!items.length) return [];
    const values = items.map(({ value }) => {
      const { eTag: _eTag, ...rest } = value;
      return JSON.stringify(rest);
    });
    // The main query sees the table as it was before the insert: `b` is what was already there.
    const { rows } = await this.pool.query<{ inserted: boolean; same: boolean | null }>(
      `WITH src AS (SELECT * FROM unnest($1::text[], $2::jsonb[]) WITH ORDINALITY AS t(key, value, ord)),
       ins AS (INSERT INTO bot_state (key, value, etag) SELECT key, value, 1 FROM src ON CONFLICT (key) DO NOTHING RETURNING key)
       SELECT ins.key IS NOT NULL AS inserted, b.value = src.value AS same
       FROM src LEFT JOIN ins ON ins.key = src.key LEFT JOIN bot_state b ON b.key = src.key ORDER BY src.ord`,
      [items.map((i) => i.key), values],
    );
    return rows.map(outcomeOf);
  }
}
