/**
 * The Direct Line store on PostgreSQL: a row per conversation holding its last watermark, a row per
 * activity. Appending bumps the watermark and inserts the activities in one transaction, so two
 * instances appending to one conversation get distinct, consecutive watermarks; any instance can
 * answer the page's poll.
 */
import type { Activity } from 'botbuilder';
import type pg from 'pg';
import { withTransaction } from '../storage/postgres/transaction.js';
import type { ActivityPage, DirectLineConversation, DirectLineStore } from './store.js';

export class PgDirectLineStore implements DirectLineStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(conversation: DirectLineConversation): Promise<void> {
    await this.pool.query('INSERT INTO directline_conversations (id, conversation) VALUES ($1, $2)', [conversation.id, conversation]);
  }

  async get(id: string): Promise<DirectLineConversation | undefined> {
    const { rows } = await this.pool.query<{ conversation: DirectLineConversation }>('SELECT conversation FROM directline_conversations WHERE id = $1', [id]);
    return rows[0]?.conversation;
  }

  async markStarted(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE directline_conversations SET conversation = jsonb_set(conversation, '{started}', 'true')
       WHERE id = $1 AND NOT (conversation->>'started')::boolean`,
      [id],
    );
    return rowCount === 1;
  }

  append(id: string, activities: Partial<Activity>[], prepare: (activity: Partial<Activity>, watermark: number) => Partial<Activity>): Promise<Partial<Activity>[]> {
    return withTransaction(this.pool, async (client) => {
      // The row lock taken by this UPDATE orders concurrent appends to one conversation.
      const { rows } = await client.query<{ last: number }>('UPDATE directline_conversations SET last = last + $2 WHERE id = $1 RETURNING last', [id, activities.length]);
      if (!rows[0]) throw new Error(`Direct Line conversation ${id} does not exist`);
      const first = rows[0].last - activities.length + 1;
      const stored = activities.map((a, i) => prepare(a, first + i));
      await client.query(
        `INSERT INTO directline_activities (conversation_id, watermark, activity)
         SELECT $1, w, a FROM unnest($2::int[], $3::jsonb[]) AS t(w, a)`,
        [id, stored.map((_, i) => first + i), stored.map((a) => JSON.stringify(a))],
      );
      return stored;
    });
  }

  async after(id: string, watermark: number | undefined): Promise<ActivityPage> {
    const from = watermark ?? 0;
    const { rows } = await this.pool.query<{ last: number; activity: Partial<Activity> | null }>(
      `SELECT c.last, a.activity FROM directline_conversations c
       LEFT JOIN directline_activities a ON a.conversation_id = c.id AND a.watermark > $2
       WHERE c.id = $1 ORDER BY a.watermark`,
      [id, from],
    );
    if (!rows[0]) return { activities: [], watermark: from };
    return {
      activities: rows.flatMap((r) => (r.activity ? [r.activity] : [])),
      watermark: Math.max(from, rows[0].last),
    };
  }

  async forgetBefore(id: string, watermark: number): Promise<void> {
    await this.pool.query('DELETE FROM directline_activities WHERE conversation_id = $1 AND watermark < $2', [id, watermark]);
  }
}
