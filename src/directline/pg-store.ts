/**
 * The Direct Line store on PostgreSQL: a row per conversation holding its last watermark, a row per
 * activity. Appending bumps the watermark and inserts the activities in one transaction, so two
 * instances appending to one conversation get distinct, consecutive watermarks; any instance can
 * answer the page's poll.
 */
import type { Activity } from 'botbuilder';
import type pg from 'pg';
import { withTransaction } from '../storage/postgres/transaction.js';
import { outcomeOf, type ImportOutcome } from '../storage/postgres/imports.js';
import type { ActivityPage, DirectLineConversation, DirectLineExport, DirectLineStore } from './store.js';

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
      const { rows } = await client.query<{ last: number }>('UPDATE directline_conversations SET last = last + $2, updated_at = now() WHERE id = $1 RETURNING last', [id, activities.length]);
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

  /**
   * Moving a data folder in: conversations with their last watermark and their activities under
   * their own watermarks, in one transaction (all or nothing). A conversation already here is never
   * changed: `same` when it holds exactly this, else `different`. One outcome per conversation, in order.
   */
  import(entries: DirectLineExport[]): Promise<ImportOutcome[]> {
    if (!entries.length) return Promise.resolve([]);
    return withTransaction(this.pool, async (client) => {
      const { rows: inserted } = await client.query<{ id: string }>(
        `INSERT INTO directline_conversations (id, conversation, last)
         SELECT * FROM unnest($1::text[], $2::jsonb[], $3::int[]) ON CONFLICT (id) DO NOTHING RETURNING id`,
        [entries.map((e) => e.conversation.id), entries.map((e) => JSON.stringify(e.conversation)), entries.map((e) => e.last)],
      );
      const fresh = new Set(inserted.map((r) => r.id));
      const outcomes = entries.map((e): ImportOutcome => (fresh.has(e.conversation.id) ? 'inserted' : 'different'));
      const activities = entries.filter((e) => fresh.has(e.conversation.id)).flatMap((e) => e.activities.map((a) => ({ id: e.conversation.id, ...a })));
      if (activities.length) {
        await client.query(
          `INSERT INTO directline_activities (conversation_id, watermark, activity)
           SELECT * FROM unnest($1::text[], $2::int[], $3::jsonb[]) ON CONFLICT DO NOTHING`,
          [activities.map((a) => a.id), activities.map((a) => a.watermark), activities.map((a) => JSON.stringify(a.activity))],
        );
      }
      const there = entries.map((_, i) => i).filter((i) => outcomes[i] !== 'inserted');
      if (there.length) {
        const { rows } = await client.query<{ same: boolean | null }>(
          `SELECT c.conversation = src.conversation AND c.last = src.last
             AND coalesce((SELECT jsonb_agg(jsonb_build_array(a.watermark, a.activity) ORDER BY a.watermark) FROM directline_activities a WHERE a.conversation_id = c.id), '[]'::jsonb) = src.activities AS same
           FROM unnest($1::text[], $2::jsonb[], $3::int[], $4::jsonb[]) WITH ORDINALITY AS src(id, conversation, last, activities, ord)
           LEFT JOIN directline_conversations c ON c.id = src.id ORDER BY src.ord`,
          [
            there.map((i) => entries[i]!.conversation.id),
            there.map((i) => JSON.stringify(entries[i]!.conversation)),
            there.map((i) => entries[i]!.last),
            there.map((i) => JSON.stringify(entries[i]!.activities.map((a) => [a.watermark, a.activity]))),
          ],
        );
        there.forEach((i, j) => (outcomes[i] = outcomeOf({ inserted: false, same: rows[j]!.same })));
      }
      return outcomes;
    });
  }
}
