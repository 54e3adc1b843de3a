/**
 * botbuilder's Storage on PostgreSQL with real optimistic concurrency: the eTag is a version number
 * bumped by every write, and a write carrying an older eTag changes nothing and throws, also when
 * the other writer is another instance.
 */
import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import type pg from 'pg';
import { ConcurrencyError } from '../errors.js';

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
}
