/**
 * botbuilder's TranscriptStore on PostgreSQL: one row per activity (table transcript_activities),
 * appended, never rewritten, so logging costs the same on the first and the hundredth message.
 * Within this process the writes of one conversation apply in call order (a delete issued after a
 * turn's logging runs after it), as on the embedded store. Failures reach `onError` and reject.
 */
import type { Activity, PagedResult, TranscriptInfo } from 'botbuilder';
import type pg from 'pg';
import { SerialByKey } from '../../storage/serial-by-key.js';
import { clone, loudly, page, revive, type TranscriptArchive, type TranscriptErrorHandler } from './transcripts.js';

export class PgTranscriptStore implements TranscriptArchive {
  private readonly queue = new SerialByKey();

  constructor(
    private readonly pool: pg.Pool,
    private readonly onError: TranscriptErrorHandler = () => undefined,
  ) {}

  /** Appends an activity to its conversation's transcript. */
  logActivity(activity: Activity): Promise<void> {
    const channelId = activity.channelId ?? 'unknown';
    const conversationId = activity.conversation?.id ?? 'unknown';
    const stored = clone({ ...activity, timestamp: activity.timestamp ?? new Date() });
    return this.queue.run(`${channelId}/${conversationId}`, () =>
      loudly(this.onError, channelId, 'logActivity', async () => {
        await this.pool.query('INSERT INTO transcript_activities (conversation_id, channel_id, activity) VALUES ($1, $2, $3)', [conversationId, channelId, stored]);
      }),
    );
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

  flush(): Promise<void> {
    return this.queue.idle();
  }
}
