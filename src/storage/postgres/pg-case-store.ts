/**
 * Cases on PostgreSQL: the yearly counter, the idempotency key and the case are written in one
 * transaction, and the key is unique (table case_keys), so a confirm retried on another instance
 * returns the same case.
 */
import type pg from 'pg';
import type { CasePage, CaseQuery } from '../../core/case-query.js';
import { formatReference, parseReference, type CaseRecord, type CaseStore, type NewCase } from '../../core/cases.js';
import { outcomeOf, type ImportOutcome } from './imports.js';
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
   * Stores cases as they are, references and all (moving a data folder into PostgreSQL), with their
   * idempotency keys, in one transaction; each year's counter is raised to at least its highest
   * number. A case already there under its reference is never changed: `same` when it equals the
   * one offered, else `different`. One outcome per case, in order.
   */
  import(records: CaseRecord[]): Promise<ImportOutcome[]> {
    if (!records.length) return Promise.resolve([]);
    return withTransaction(this.pool, async (client) => {
      // The main query sees the table as it was before the insert: `c` is what was already there.
      const { rows } = await client.query<{ inserted: boolean; same: boolean | null }>(
        `WITH src AS (
           SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::jsonb[]) WITH ORDINALITY AS t(reference, idempotency_key, created_at, record, ord)
         ),
         ins AS (
           INSERT INTO cases (reference, idempotency_key, created_at, record) SELECT reference, idempotency_key, created_at, record FROM src
           ON CONFLICT (reference) DO NOTHING RETURNING reference
         )
         SELECT ins.reference IS NOT NULL AS inserted, c.record = src.record AS same
         FROM src LEFT JOIN ins ON ins.reference = src.reference LEFT JOIN cases c ON c.reference = src.reference ORDER BY src.ord`,
        [records.map((r) => r.reference), records.map((r) => r.idempotencyKey), records.map((r) => r.createdAt), records.map((r) => JSON.stringify(r))],
      );
      const outcomes = rows.map(outcomeOf);
      const inserted = records.filter((_, i) => outcomes[i] === 'inserted');
      if (inserted.length) {
        await client.query('INSERT INTO case_keys (idempotency_key, reference) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING', [
          inserted.map((r) => r.idempotencyKey),
          inserted.map((r) => r.reference),
        ]);
        const highest = new Map<number, number>();
        for (const r of inserted) {
          const [year, number] = parseReference(r.reference);
          highest.set(year, Math.max(highest.get(year) ?? 0, number));
        }
        for (const [year, last] of highest) await this.raiseCounter(client, year, last);
      }
      return outcomes;
    });
  }

  /**
   * Raises a year's counter to at least `last` (moving a data folder in: numbers of cases removed
   * after their retention are never given out again). `same` when it already was that high.
   */
  async importCounter(year: number, last: number): Promise<ImportOutcome> {
    const before = await this.raiseCounter(this.pool, year, last);
    return before === undefined || before < last ? 'inserted' : 'same';
  }

  /** Raises the counter to at least `last`; resolves with what it was before (undefined: no row). */
  private async raiseCounter(db: pg.Pool | pg.PoolClient, year: number, last: number): Promise<number | undefined> {
    // The main query sees the row as it was before the upsert.
    const { rows } = await db.query<{ before: number | null }>(
      `WITH up AS (
         INSERT INTO case_counters (year, last) VALUES ($1, $2)
         ON CONFLICT (year) DO UPDATE SET last = GREATEST(case_counters.last, EXCLUDED.last) RETURNING year
       )
       SELECT (SELECT last FROM case_counters WHERE year = $1) AS before FROM up`,
      [year, last],
    );
    return rows[0]?.before ?? undefined;
  }

  /** The idempotency key of each of these references that is stored (to tell a different case under the same reference). */
  async idempotencyKeys(references: string[]): Promise<Map<string, string>> {
    if (!references.length) return new Map();
    const { rows } = await this.pool.query<{ reference: string; idempotency_key: string }>('SELECT reference, idempotency_key FROM cases WHERE reference = ANY($1)', [references]);
    return new Map(rows.map((r) => [r.reference, r.idempotency_key]));
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM cases');
    return Number(rows[0]!.n);
  }

  /** Urgent cases still "new" created before `cutoff`, found by the database, not by reading every case. */
  async urgentNewBefore(cutoff: Date): Promise<CaseRecord[]> {
    const { rows } = await this.pool.query<{ record: CaseRecord }>(
      `SELECT record FROM cases WHERE created_at < $1 AND (record->>'urgent')::boolean AND record->>'status' = 'new' ORDER BY reference`,
      [cutoff],
    );
    return rows.map((r) => r.record);
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

  /**
   * One organisation's cases matching the filters, newest first, from the generated columns of
   * migration 6 (the organisations index finds the organisation's cases; only the page's records
   * are read whole). A Swedish calendar day is turned into its instants in UTC, so the
   * created_at index can serve it too.
   */
  async find(query: CaseQuery): Promise<CasePage> {
    const params: unknown[] = [JSON.stringify([query.organisationId])];
    // The organisation first: the counts of urgent cases waiting use it alone.
    const where = ['organisations @> $1::jsonb'];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (query.status) where.push(`status = ${param(query.status)}`);
    if (query.urgent !== undefined) where.push(`urgent = ${param(query.urgent)}`);
    if (query.municipality) {
      const m = param(query.municipality);
      where.push(`(municipality_id = ${m} OR municipality_scb = ${m})`);
    }
    if (query.from) where.push(`created_at >= (${param(query.from)}::date::timestamp AT TIME ZONE 'Europe/Stockholm')`);
    if (query.to) where.push(`created_at < ((${param(query.to)}::date + 1)::timestamp AT TIME ZONE 'Europe/Stockholm')`);
    const filter = where.join(' AND ');
    const filterParams = [...params];
    const limit = param(Math.max(1, query.limit));
    const [page, counts] = await Promise.all([
      this.pool.query<{ record: CaseRecord }>(`SELECT record FROM cases WHERE ${filter} ORDER BY reference DESC LIMIT ${limit}`, params),
      this.pool.query<{ total: string; waiting: string }>(
        `SELECT count(*) FILTER (WHERE ${filter}) AS total, count(*) FILTER (WHERE urgent AND status = 'new') AS waiting FROM cases WHERE ${where[0]}`,
        filterParams,
      ),
    ]);
    return { cases: page.rows.map((r) => r.record), total: Number(counts.rows[0]!.total), urgentWaiting: Number(counts.rows[0]!.waiting) };
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
