/**
 * The audit log on PostgreSQL: appends are serialised across instances by a transaction-scoped
 * advisory lock, so the hash chain stays one chain however many instances write to it.
 */
import type pg from 'pg';
import { GENESIS_HASH, entryHash, type AuditEntry, type AuditEvent, type AuditLog } from '../../core/audit.js';
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

  async entries(): Promise<AuditEntry[]> {
    const { rows } = await this.pool.query<{ entry: AuditEntry }>('SELECT entry FROM audit_log ORDER BY seq');
    return rows.map((r) => r.entry);
  }
}
