/**
 * Cases on PostgreSQL: the yearly counter, the idempotency key and the case are written in one
 * transaction, and the key is unique (table case_keys), so a confirm retried on another instance
 * returns the same case.
 */
import type pg from 'pg';
import { formatReference, parseReference, type CaseRecord, type CaseStore, type NewCase } from '../../core/cases.js';
import { withTransaction } from './transaction.js';

export class PgCaseStore implements CaseStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(draft: NewCase): Promise<CaseRecord> {
    try {
      return await withTransaction(this.pool, async (client) => {
        const existing = await this.byKey(client, draft.idempotencyKey);
        if (existing) return existing;
        const year = new Date(draft.createdAt).getUTCFullYear();
        const counter = await client.query<{ last: number }>(
          `INSERT INTO case_counters (year, last) VALUES ($1, 1)
           ON CONFLICT (year) DO UPDATE SET last = case_counters.last + 1 RETURNING last`,
          [year],
        );
        const record: CaseRecord = { ...draft, reference: formatReference(year, counter.rows[0]!.last), status: 'new' };
        await client.query('INSERT INTO case_keys (idempotency_key, reference) VALUES ($1, $2)', [draft.idempotencyKey, record.reference]);
        await client.query('INSERT INTO cases (reference, idempotency_key, created_at, record) VALUES ($1, $2, $3, $4)', [record.reference, draft.idempotencyKey, draft.createdAt, record]);
        return record;
      });
    } catch (err) {
      // Two instances confirming the same interview at once: the loser returns the winner's case.
      if ((err as { code?: string }).code === '23505') {
        const winner = await this.byKey(this.pool, draft.idempotencyKey);
        if (winner) return winner;
      }
      throw err;
    }
  }

  private async byKey(db: pg.Pool | pg.PoolClient, idempotencyKey: string): Promise<CaseRecord | undefined> {
    const { rows } = await db.query<{ record: CaseRecord }>(
      'SELECT c.record FROM case_keys k JOIN cases c ON c.reference = k.reference WHERE k.idempotency_key = $1',
      [idempotencyKey],
    );
    return rows[0]?.record;
  }

  /**
   * Stores a case as it is, reference and all (moving a data folder into PostgreSQL); the yearly
   * counter is raised to at least its number. Resolves false when the reference was already there.
   */
  async import(record: CaseRecord): Promise<boolean> {
    return withTransaction(this.pool, async (client) => {
      const inserted = await client.query(
        'INSERT INTO cases (reference, idempotency_key, created_at, record) VALUES ($1, $2, $3, $4) ON CONFLICT (reference) DO NOTHING',
        [record.reference, record.idempotencyKey, record.createdAt, record],
      );
      if (!inserted.rowCount) return false;
      await client.query('INSERT INTO case_keys (idempotency_key, reference) VALUES ($1, $2) ON CONFLICT DO NOTHING', [record.idempotencyKey, record.reference]);
      const [year, number] = parseReference(record.reference);
      await client.query(
        `INSERT INTO case_counters (year, last) VALUES ($1, $2)
         ON CONFLICT (year) DO UPDATE SET last = GREATEST(case_counters.last, EXCLUDED.last)`,
        [year, number],
      );
      return true;
    });
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM cases');
    return Number(rows[0]!.n);
  }

  async get(reference: string): Promise<CaseRecord | undefined> {
    const { rows } = await this.pool.query<{ record: CaseRecord }>('SELECT record FROM cases WHERE reference = $1', [reference]);
    return rows[0]?.record;
  }

  async references(): Promise<string[]> {
    const { rows } = await this.pool.query<{ reference: string }>('SELECT reference FROM cases ORDER BY reference');
    return rows.map((r) => r.reference);
  }

  async list(): Promise<CaseRecord[]> {
    const { rows } = await this.pool.query<{ record: CaseRecord }>('SELECT record FROM cases ORDER BY reference');
    return rows.map((r) => r.record);
  }

  update(reference: string, change: (record: CaseRecord) => CaseRecord): Promise<CaseRecord | undefined> {
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ record: CaseRecord }>('SELECT record FROM cases WHERE reference = $1 FOR UPDATE', [reference]);
      if (!rows[0]) return undefined;
      const updated = change(rows[0].record);
      await client.query('UPDATE cases SET record = $2, updated_at = now() WHERE reference = $1', [reference, updated]);
      return updated;
    });
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }
}
