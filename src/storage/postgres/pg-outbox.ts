/**
 * The delivery outbox on PostgreSQL, shared by every instance. Taking due items claims them in the
 * same statement (FOR UPDATE SKIP LOCKED, and their next attempt moved a lease ahead), so two
 * instances never send the same item at once; an instance that dies holding a claim only delays
 * that item until the lease runs out, then another instance sends it.
 */
import type pg from 'pg';
import type { OutboxItem, OutboxStore } from '../../core/delivery.js';
import { outcomeOf, type ImportOutcome } from './imports.js';

/** Long enough for any one send (the senders time out after 10 s), short enough to recover soon. */
export const DEFAULT_LEASE_MS = 60_000;

export class PgOutbox implements OutboxStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly leaseMs = DEFAULT_LEASE_MS,
  ) {}

  async enqueue(items: OutboxItem[]): Promise<void> {
    if (!items.length) return;
    await this.pool.query(
      `INSERT INTO outbox_items (case_reference, id, status, next_attempt_at, item)
       SELECT r, i, s, n, it FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::jsonb[]) AS t(r, i, s, n, it)
       ON CONFLICT (case_reference, id) DO NOTHING`,
      [items.map((i) => i.caseReference), items.map((i) => i.id), items.map((i) => i.status), items.map((i) => i.nextAttemptAt), items.map((i) => JSON.stringify(i))],
    );
  }

  /**
   * Moving a data folder in: stores each item as it is (status, attempts, next attempt) unless the
   * case already has an item with its id, which is never changed. One outcome per item, in order.
   */
  async import(items: OutboxItem[]): Promise<ImportOutcome[]> {
    if (!items.length) return [];
    // The main query sees the table as it was before the insert: `o` is what was already there.
    const { rows } = await this.pool.query<{ inserted: boolean; same: boolean | null }>(
      `WITH src AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::jsonb[]) WITH ORDINALITY AS t(r, i, s, n, it, ord)
       ),
       ins AS (
         INSERT INTO outbox_items (case_reference, id, status, next_attempt_at, item) SELECT r, i, s, n, it FROM src
         ON CONFLICT (case_reference, id) DO NOTHING RETURNING case_reference, id
       )
       SELECT ins.id IS NOT NULL AS inserted, o.item = src.it AS same
       FROM src
       LEFT JOIN ins ON ins.case_reference = src.r AND ins.id = src.i
       LEFT JOIN outbox_items o ON o.case_reference = src.r AND o.id = src.i
       ORDER BY src.ord`,
      [items.map((i) => i.caseReference), items.map((i) => i.id), items.map((i) => i.status), items.map((i) => i.nextAttemptAt), items.map((i) => JSON.stringify(i))],
    );
    return rows.map(outcomeOf);
  }

  async due(now: Date, limit: number): Promise<OutboxItem[]> {
    const { rows } = await this.pool.query<{ item: OutboxItem }>(
      `UPDATE outbox_items o SET next_attempt_at = $2
       FROM (
         SELECT case_reference, id FROM outbox_items
         WHERE status IN ('pending', 'failing') AND next_attempt_at <= $1
         ORDER BY next_attempt_at LIMIT $3
         FOR UPDATE SKIP LOCKED
       ) d
       WHERE o.case_reference = d.case_reference AND o.id = d.id
       RETURNING o.item`,
      [now, new Date(now.getTime() + this.leaseMs), limit],
    );
    return rows.map((r) => r.item).sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt));
  }

  async save(item: OutboxItem): Promise<void> {
    const { rowCount } = await this.pool.query(
      'UPDATE outbox_items SET status = $3, next_attempt_at = $4, item = $5 WHERE case_reference = $1 AND id = $2',
      [item.caseReference, item.id, item.status, item.nextAttemptAt, JSON.stringify(item)],
    );
    if (!rowCount) throw new Error(`no outbox item ${item.id}`);
  }

  async forCase(caseReference: string): Promise<OutboxItem[]> {
    const { rows } = await this.pool.query<{ item: OutboxItem }>(`SELECT item FROM outbox_items WHERE case_reference = $1 ORDER BY item->>'createdAt', id`, [caseReference]);
    return rows.map((r) => r.item);
  }

  async undelivered(): Promise<OutboxItem[]> {
    const { rows } = await this.pool.query<{ item: OutboxItem }>(`SELECT item FROM outbox_items WHERE status IN ('pending', 'failing') ORDER BY case_reference, id`);
    return rows.map((r) => r.item);
  }

  async all(): Promise<OutboxItem[]> {
    const { rows } = await this.pool.query<{ item: OutboxItem }>('SELECT item FROM outbox_items ORDER BY case_reference, id');
    return rows.map((r) => r.item);
  }
}
