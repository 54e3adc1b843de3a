/** Staff sessions on PostgreSQL: the `staff_sessions` table (migration 7), shared by every instance. */
import type pg from 'pg';
import type { SessionStore, StoredSession } from '../../staff/session-store.js';

interface Row {
  subject: string;
  source: StoredSession['source'];
  created_at: Date;
  expires_at: Date;
}

export class PgSessionStore implements SessionStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(idHash: string, session: StoredSession): Promise<void> {
    await this.pool.query('INSERT INTO staff_sessions (id_hash, subject, source, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)', [
      idHash,
      session.subject,
      session.source,
      session.createdAt,
      session.expiresAt,
    ]);
  }

  async get(idHash: string): Promise<StoredSession | undefined> {
    const { rows } = await this.pool.query<Row>('SELECT subject, source, created_at, expires_at FROM staff_sessions WHERE id_hash = $1', [idHash]);
    const row = rows[0];
    return row && { subject: row.subject, source: row.source, createdAt: row.created_at.toISOString(), expiresAt: row.expires_at.toISOString() };
  }

  async delete(idHash: string): Promise<void> {
    await this.pool.query('DELETE FROM staff_sessions WHERE id_hash = $1', [idHash]);
  }

  async deleteFor(subject: string): Promise<number> {
    return (await this.pool.query('DELETE FROM staff_sessions WHERE subject = $1', [subject])).rowCount ?? 0;
  }

  async sweep(now: Date): Promise<number> {
    return (await this.pool.query('DELETE FROM staff_sessions WHERE expires_at <= $1', [now.toISOString()])).rowCount ?? 0;
  }
}
