/**
 * botbuilder's TranscriptStore on PostgreSQL: one row per activity (table transcript_activities),
 * appended, never rewritten, so logging costs the same on the first and the hundredth message.
 * Within this process the writes of one conversation apply in call order (a delete issued after a
 * turn's logging runs after it), as on the embedded store. Failures reach `onError` and reject.
 */
import type { Activity, PagedResult, TranscriptInfo } from 'botbuilder';
import type pg from 'pg';
import { SerialByKey } from '../../storage/serial-by-key.js';
import { outcomeOf, type ImportOutcome } from '../../storage/postgres/imports.js';
import { withTransaction } from '../../storage/postgres/transaction.js';
import { loudly, page, revive, type TranscriptArchive, type TranscriptErrorHandler, type TranscriptExport } from './transcripts.js';

export class PgTranscriptStore implements TranscriptArchive {
  private readonly queue = new SerialByKey();

  constructor(
    private readonly pool: pg.Pool,
    private readonly onError: TranscriptErrorHandler = () => undefined,
  ) {}

  /** Appends an activity to its conversation's transcript. */
  logActivity(activity: Activity): Promise<void> {
    const { channelId, conversationId, json } = this.rowOf(activity);
    return this.queue.run(`${channelId}/${conversationId}`, () =>
      loudly(this.onError, channelId, 'logActivity', async () => {
        await this.pool.query('INSERT INTO transcript_activities (conversation_id, channel_id, activity) VALUES ($1, $2, $3)', [conversationId, channelId, json]);
      }),
    );
  }

  /**
   * The row an activity is appended as (also by a turn that appends its activities with its COMMIT,
   * pg-turn.ts): the activity as JSON (dates as ISO strings), made once, now, as the clone the
   * embedded store keeps.
   */
  rowOf(activity: Activity): { conversationId: string; channelId: string; json: string } {
    return {
      channelId: activity.channelId ?? 'unknown',
      conversationId: activity.conversation?.id ?? 'unknown',
      // With a timestamp, the activity's JSON is the copy's (no copy made); without, one is added.
      json: activity.timestamp == null ? JSON.stringify({ ...activity, timestamp: new Date() }) : JSON.stringify(activity),
    };
  }

  /** Reports a write of a turn's transcript that failed (pg-turn.ts), as a failed append here is reported. */
  failed(err: Error, channelId: string, operation: string): void {
    this.onError(err, { channelId, operation });
  }

  /** A page of a conversation's activities (20 at a time), optionally from `startDate` on. */
  getTranscriptActivities(channelId: string, conversationId: string, continuationToken?: string, startDate?: Date): Promise<PagedResult<Activity>> {
    return loudly(this.onError, channelId, 'getTranscriptActivities', async () => {
      const { rows } = await this.pool.query<{ activity: Record<string, unknown> }>(
        'SELECT activity FROM transcript_activities WHERE conversation_id = $1 AND channel_id = $2 ORDER BY seq',
        [conversationId, channelId],
      );
      const activities = rows.map((r) => revive(r.activity)).filter((a) => !startDate || (a.timestamp instanceof Date && a.timestamp >= startDate));
      return page(activities, (a) => a.id, continuationToken);
    });
  }

  /** A page of the channel's conversations, oldest first. */
  listTranscripts(channelId: string, continuationToken?: string): Promise<PagedResult<TranscriptInfo>> {
    return loudly(this.onError, channelId, 'listTranscripts', async () => {
      const { rows } = await this.pool.query<{ conversation_id: string; created: Date }>(
        'SELECT conversation_id, min(logged_at) AS created FROM transcript_activities WHERE channel_id = $1 GROUP BY conversation_id ORDER BY created, conversation_id',
        [channelId],
      );
      return page(
        rows.map((r) => ({ channelId, id: r.conversation_id, created: r.created })),
        (i) => i.id,
        continuationToken,
      );
    });
  }

  /** Removes a conversation's transcript, after any logging already under way for it. */
  deleteTranscript(channelId: string, conversationId: string): Promise<void> {
    return this.queue.run(`${channelId}/${conversationId}`, () =>
      loudly(this.onError, channelId, 'deleteTranscript', async () => {
        await this.pool.query('DELETE FROM transcript_activities WHERE conversation_id = $1 AND channel_id = $2', [conversationId, channelId]);
      }),
    );
  }

  /**
   * Moving a data folder in: whole transcripts, each conversation's activities in order, in one
   * transaction (all or nothing). A conversation that already has a transcript here is never
   * changed: `same` when it holds exactly these activities, else `different`. Each row is dated by
   * its activity (the first by `created`), so conversations list in the order they began. One
   * outcome per transcript, in order.
   */
  import(transcripts: TranscriptExport[]): Promise<ImportOutcome[]> {
    if (!transcripts.length) return Promise.resolve([]);
    const keys = transcripts.map((t) => `${t.channelId}/${t.conversationId}`);
    return withTransaction(this.pool, async (client) => {
      // Two moves at once never both find a conversation missing and both insert it (locks taken in
      // one order, so they cannot deadlock each other).
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended(k, 2)) FROM (SELECT DISTINCT k FROM unnest($1::text[]) AS k ORDER BY k) s', [keys]);
      const channels = transcripts.map((t) => t.channelId);
      const conversations = transcripts.map((t) => t.conversationId);
      const { rows: present } = await client.query<{ ord: string }>(
        `SELECT src.ord FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS src(channel_id, conversation_id, ord)
         WHERE EXISTS (SELECT 1 FROM transcript_activities a WHERE a.conversation_id = src.conversation_id AND a.channel_id = src.channel_id)`,
        [channels, conversations],
      );
      const outcomes = transcripts.map((): ImportOutcome => 'inserted');
      const there = present.map((r) => Number(r.ord) - 1);
      if (there.length) {
        const { rows } = await client.query<{ same: boolean }>(
          `SELECT coalesce((SELECT jsonb_agg(a.activity ORDER BY a.seq) FROM transcript_activities a
                            WHERE a.conversation_id = src.conversation_id AND a.channel_id = src.channel_id), '[]'::jsonb) = src.activities AS same
           FROM unnest($1::text[], $2::text[], $3::jsonb[]) WITH ORDINALITY AS src(channel_id, conversation_id, activities, ord) ORDER BY src.ord`,
          [there.map((i) => channels[i]), there.map((i) => conversations[i]), there.map((i) => JSON.stringify(transcripts[i]!.activities))],
        );
        there.forEach((i, j) => (outcomes[i] = outcomeOf({ inserted: false, same: rows[j]!.same })));
      }
      const fresh = transcripts.filter((_, i) => outcomes[i] === 'inserted');
      const rowsOf = fresh.flatMap((t) =>
        t.activities.map((activity, i) => {
          const at = typeof activity['timestamp'] === 'string' ? Date.parse(activity['timestamp']) : Number.NaN;
          return { t, activity, loggedAt: i === 0 || Number.isNaN(at) ? t.created : new Date(at).toISOString() };
        }),
      );
      if (rowsOf.length) {
        await client.query(
          `INSERT INTO transcript_activities (conversation_id, channel_id, activity, logged_at)
           SELECT c, ch, a, l FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::timestamptz[]) WITH ORDINALITY AS t(c, ch, a, l, ord) ORDER BY ord`,
          [rowsOf.map((r) => r.t.conversationId), rowsOf.map((r) => r.t.channelId), rowsOf.map((r) => JSON.stringify(r.activity)), rowsOf.map((r) => r.loggedAt)],
        );
      }
      return outcomes;
    });
  }

  flush(): Promise<void> {
    return this.queue.idle();
  }
}
