/**
 * Cases on PostgreSQL: the yearly counter and the case are written in one transaction, and the
 * idempotency key is unique, so a confirm retried on another instance returns the same case.
 */
import type pg from 'pg';
import { formatReference, type CaseRecord, type CaseStore, type NewCase } from '../../core/cases.js';
import { withTransaction } from './transaction.js';

export class PgCaseStore implements CaseStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(draft: NewCase): Promise<CaseRecord> {
    try {
      return await withTransaction(this.pool, async (client) => {
        const existing = await client.query<{ record: CaseRecord }>('SELECT record FROM cases WHERE idempotency_key = $1', [draft.idempotencyKey]);
        if (existing.rows[0]) return existing.rows[0].record;
        const year = new Date(draft.createdAt).getUTCFullYear();
        const counter = await client.query<{ last: number }>(
          `INSERT INTO case_counters (year, last) VALUES ($1, 1)
           ON CONFLICT (year) DO UPDATE SET last = case_counters.last + 1 RETURNING last`,
          [year],
        );
        const record: CaseRecord = { ...draft, reference: formatReference(year, counter.rows[0]!.last), status: 'new' };
        await client.query('INSERT INTO cases (reference, idempotency_key, created_at, record) VALUES ($1, $2, $3, $4)', [record.reference, draft.idempotencyKey, draft.createdAt, record]);
        return record;
      });
    } catch (err) {
      // Two instances confirming the same interview at once: the loser returns the winner's case.
      if ((err as { code?: string }).code === '23505') {
        const { rows } = await this.pool.query<{ record: CaseRecord }>('SELECT record FROM cases WHERE idempotency_key = $1', [draft.idempotencyKey]);
        if (rows[0]) return rows[0].record;
      }
      throw err;
    }
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
