/**
 * Retention on PostgreSQL, the same promise as on the embedded store (src/storage/retention.ts):
 * what was not changed for RETENTION_DAYS is removed — conversation state, transcripts, web chat
 * conversations, cases with their idempotency keys and deliveries, and conversation references.
 * Every instance may run it; the deletes are idempotent.
 */
import type pg from 'pg';
import { RECORD_KINDS } from '../records.js';
import type { SweepResult } from '../retention.js';
import { withTransaction } from './transaction.js';

export async function sweepExpiredPg(pool: pg.Pool, retentionDays: number, now: Date = new Date()): Promise<SweepResult> {
  const cutoff = new Date(now.getTime() - retentionDays * 24 * 60 * 60 * 1000);
  const removed = await withTransaction(pool, async (client) => {
    const statements: Array<[string, unknown[]]> = [
      ['DELETE FROM bot_state WHERE updated_at < $1', [cutoff]],
      [
        `DELETE FROM transcript_activities t USING (
           SELECT conversation_id, channel_id FROM transcript_activities GROUP BY 1, 2 HAVING max(logged_at) < $1
         ) old WHERE t.conversation_id = old.conversation_id AND t.channel_id = old.channel_id`,
        [cutoff],
      ],
      ['DELETE FROM directline_activities WHERE conversation_id IN (SELECT id FROM directline_conversations WHERE updated_at < $1)', [cutoff]],
      ['DELETE FROM directline_conversations WHERE updated_at < $1', [cutoff]],
      ['DELETE FROM outbox_items WHERE case_reference IN (SELECT reference FROM cases WHERE updated_at < $1)', [cutoff]],
      ['DELETE FROM case_keys WHERE reference IN (SELECT reference FROM cases WHERE updated_at < $1)', [cutoff]],
      ['DELETE FROM cases WHERE updated_at < $1', [cutoff]],
      ['DELETE FROM records WHERE kind = $1 AND updated_at < $2', [RECORD_KINDS.references, cutoff]],
    ];
    let removed = 0;
    // One after the other, in this order (a client runs one query at a time).
    for (const [sql, params] of statements) removed += (await client.query(sql, params)).rowCount ?? 0;
    return removed;
  });
  return { removed, kept: 0 };
}
