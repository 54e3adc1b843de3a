/**
 * The audit log on PostgreSQL: appends are serialised across instances by a transaction-scoped
 * advisory lock, so the hash chain stays one chain however many instances write to it.
 */
import type pg from 'pg';
import { GENESIS_HASH, entryHash, type AuditEntry, type AuditEvent, type AuditLog } from '../../core/audit.js';
import { outcomeOf, type ImportOutcome } from './imports.js';
import { withTransaction } from './transaction.js';

const AUDIT_LOCK = 7_241_904;

export class PgAuditLog implements AuditLog {
  constructor(private readonly pool: pg.Pool) {}

  append(event: AuditEvent): Promise<AuditEntry> {
    return withTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
      const { rows } = await client.query<{ seq: string; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
      const prevHash = rows[0]?.hash ?? GENESIS_HASH;
      const seq = Number(rows[0]?.seq ?? 0) + 1;
      const entry: AuditEntry = { ...event, seq, prevHash, hash: entryHash(prevHash, seq, event) };
      await client.query('INSERT INTO audit_log (seq, entry, hash) VALUES ($1, $2, $3)', [seq, entry, entry.hash]);
      return entry;
    });
  }

  /**
   * Moving a data folder in: stores entries as they are (seq, prevHash and hash unchanged, so the
   * chain verifies here as it did there) where their seq is free; an entry already there is never
   * changed. Serialised with append() by the same lock. One outcome per entry, in order.
   */
  import(entries: AuditEntry[]): Promise<ImportOutcome[]> {
    if (!entries.length) return Promise.resolve([]);
    return withTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
      // The main query sees the table as it was before the insert: `a` is what was already there.
      const { rows } = await client.query<{ inserted: boolean; same: boolean | null }>(
        `WITH src AS (SELECT * FROM unnest($1::bigint[], $2::jsonb[], $3::text[]) WITH ORDINALITY AS t(seq, entry, hash, ord)),
         ins AS (INSERT INTO audit_log (seq, entry, hash) SELECT seq, entry, hash FROM src ON CONFLICT (seq) DO NOTHING RETURNING seq)
         SELECT ins.seq IS NOT NULL AS inserted, (a.hash = src.hash AND a.entry = src.entry) AS same
         FROM src LEFT JOIN ins ON ins.seq = src.seq LEFT JOIN audit_log a ON a.seq = src.seq ORDER BY src.ord`,
        [entries.map((e) => e.seq), entries.map((e) => JSON.stringify(e)), entries.map((e) => e.hash)],
      );
      return rows.map(outcomeOf);
    });
  }

  /** The last entry at or before `seq` (the head of the chain when undefined), as seq and hash. */
  async headAt(seq?: number): Promise<{ seq: number; hash: string } | undefined> {
    const { rows } = await this.pool.query<{ seq: string; hash: string }>(
      'SELECT seq, hash FROM audit_log WHERE $1::bigint IS NULL OR seq <= $1 ORDER BY seq DESC LIMIT 1',
      [seq ?? null],
    );
    return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : undefined;
  }

  async entries(): Promise<AuditEntry[]> {
    const { rows } = await this.pool.query<{ entry: AuditEntry }>('SELECT entry FROM audit_log ORDER BY seq');
    return rows.map((r) => r.entry);
  }
}
