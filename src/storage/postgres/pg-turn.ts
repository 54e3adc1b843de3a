/**
 * One turn on PostgreSQL in two round trips: the turn lock and the conversation's state are taken
 * in the first (the lock, then the read: one string of statements), and everything the turn wrote
 * (its state, its transcript) goes in the second, as one transaction, followed by the lock's release
 * (BEGIN, the writes, COMMIT, unlock). Nothing is written before the end of the turn, so a turn that
 * fails, or whose connection is lost, leaves nothing behind; no transaction stays open while the
 * turn runs (an in-process PGlite, one session for every connection, could not serve the other
 * connections meanwhile). The turn's state and transcript reach it through the turn's own stores
 * (see src/bot/turn-stores.ts), which this class provides; a store called for something else
 * (another key, a write with a real eTag) asks PostgreSQL at once.
 *
 * The statements of a round trip are sent as one string (node-postgres waits for each query's
 * answer before it sends the next, and a string of statements cannot carry parameters), so the
 * values in them are quoted as literals (quoteLiteral).
 */
import type { Activity, Storage, StoreItem, StoreItems } from 'botbuilder';
import type pg from 'pg';
import { serialisedJson, type TurnActivityLog, type TurnTranscripts } from '../../bot/turn-stores.js';
import { ConcurrencyError } from '../errors.js';
import { tryLockStatement, type GroupCommit } from './group-commit.js';
import { TURN_CHANNEL, type CachedTurnState } from './turn-cache.js';

/** The transcript store's part in a turn: how an activity becomes a row, and where failures are told. */
export interface TurnTranscriptRows {
  /** The row of an activity, as the transcript store appends it (the activity as JSON). */
  rowOf(activity: Activity): { conversationId: string; channelId: string; json: string };
  /** Tells the store's error handler that writing its part of the turn failed. */
  failed(err: Error, channelId: string, operation: string): void;
}

type TranscriptOp =
  | { kind: 'append'; conversationId: string; channelId: string; json: string; settle: Settle }
  | { kind: 'erase'; conversationId: string; channelId: string };

interface Settle {
  resolve(): void;
  reject(err: Error): void;
}

/**
 * A string as an SQL literal, as node-postgres's escapeLiteral quotes it (quotes doubled; with a
 * backslash, an E'' literal with backslashes doubled, right whatever standard_conforming_strings
 * says), but with whole-string replacements: the driver's loop of one concatenation per character
 * cost a visible share of a turn's CPU on a state of a few kilobytes.
 */
export function quoteLiteral(value: string): string {
  const quoted = value.replaceAll("'", "''");
  return value.includes('\\') ? ` E'${quoted.replaceAll('\\', '\\\\')}'` : `'${quoted}'`;
}

/** The advisory lock of a conversation's turns (the same on every instance, and in earlier releases). */
function lockId(lockKey: string): string {
  return `hashtextextended(${quoteLiteral(lockKey)}, 0)`;
}

/**
 * The SQL of the first round trip: the turn lock, (if known) the state's row and (for a Direct Line
 * conversation) its last watermark, each a statement of its own after the lock: in READ COMMITTED
 * each sees what the previous turn committed.
 */
export function beginSql(lockKey: string, stateKey: string | undefined, directLineId?: string): string {
  const statements = [`SELECT pg_advisory_lock(${lockId(lockKey)})`];
  if (stateKey !== undefined) statements.push(`SELECT key, value, etag FROM bot_state WHERE key = ${quoteLiteral(stateKey)}`);
  if (directLineId !== undefined) statements.push(`SELECT last FROM directline_conversations WHERE id = ${quoteLiteral(directLineId)}`);
  return statements.join('; ');
}

/** What the state statement answers when the row's version moved (an SQL literal that is no number). */
const STALE = 'stale turn state';

/** Whether a COMMIT failed because another instance wrote the conversation since this one did. */
function isStaleTurn(err: unknown): boolean {
  return err instanceof Error && err.message.includes(STALE);
}

/** A Direct Line conversation's activities appended during the turn, committed with it. */
interface DirectLineAppends {
  conversationId: string;
  /** The conversation's last watermark as read with the lock. */
  read: number;
  /** The last watermark given out during the turn. */
  last: number;
  rows: Array<{ watermark: number; json: string }>;
  settles: Settle[];
}

export class PgTurn {
  /** Rows read with the lock: the item, or null for a key known to have none. */
  private readonly prefetched = new Map<string, StoreItem | null>();
  /** State written during the turn, sent with the COMMIT: the value's JSON, or null for a deletion. */
  private readonly pendingState = new Map<string, string | null>();
  private readonly transcriptOps: TranscriptOp[] = [];
  private directLine: DirectLineAppends | undefined;
  private open = true;
  /** Whether the COMMIT carried this turn's announcement (NOTIFY) to the other instances. */
  announced = false;
  /**
   * What a turn began with when it started from what this instance committed last (turn-cache.ts)
   * instead of the lock's round trip: its COMMIT takes the lock in its own transaction and writes the
   * state only if the row still has that version (or fails, and nothing of the turn is kept).
   */
  private optimistic: { stateKey: string; cached: CachedTurnState } | undefined;

  constructor(
    /**
     * The turn's lock-pool connection: taken when first asked for (a turn from the cache needs one
     * only if it reads or writes outside its COMMIT, or commits alone), then the same one.
     */
    private readonly connection: () => Promise<pg.ClientBase>,
    /** The conversation's lock key, released with the last round trip. */
    private readonly lockKey: string,
    /** Every query of the turn goes through this (a bound on how long it may wait). */
    private readonly ask: <T>(query: Promise<T>, what: string) => Promise<T>,
    /** The stores used once the turn has ended (work the turn left behind, not awaited). */
    private readonly after: { state: Storage; transcripts?: TurnTranscripts },
    private readonly rows?: TurnTranscriptRows,
    /** The NOTIFY payload of a turn that read the state (other instances forget what they cached of it). */
    private readonly announcement?: string,
    /** Where a turn from the cache commits together with this instance's other turns (group-commit.ts). */
    private readonly group?: GroupCommit,
  ) {}

  /**
   * Begins the turn from what this instance committed last instead of the first round trip; false
   * (nothing taken) when the cache lacks something the turn needs (a Direct Line conversation's watermark).
   */
  startFrom(stateKey: string, directLineId: string | undefined, cached: CachedTurnState): boolean {
    if (directLineId !== undefined && cached.directLineLast === undefined) return false;
    // A fresh object of its own (parsed anew: the turn changes it), given its eTag in place instead of copied.
    const item = JSON.parse(cached.json) as StoreItem;
    item.eTag = cached.etag;
    this.prefetched.set(stateKey, item);
    if (directLineId !== undefined) {
      const last = cached.directLineLast!;
      this.directLine = { conversationId: directLineId, read: last, last, rows: [], settles: [] };
    }
    this.optimistic = { stateKey, cached };
    return true;
  }

  /** Takes what the first round trip read (the results of beginSql's statements, with the same keys). */
  prefetch(stateKey: string | undefined, directLineId: string | undefined, results: pg.QueryResult | pg.QueryResult[]): void {
    const all = Array.isArray(results) ? results : [results];
    let next = 1;
    if (stateKey !== undefined) {
      const row = all[next++]?.rows[0] as { value: StoreItem; etag: string } | undefined;
      this.prefetched.set(stateKey, row ? { ...row.value, eTag: String(row.etag) } : null);
    }
    if (directLineId !== undefined) {
      const row = all[next++]?.rows[0] as { last: number } | undefined;
      // A conversation that does not exist is left to the store, which says so.
      if (row) this.directLine = { conversationId: directLineId, read: row.last, last: row.last, rows: [], settles: [] };
    }
  }

  /**
   * Whether the turn wrote state, erased a transcript or appended Direct Line activities (the
   * person's message, the replies), which the COMMIT must carry (losing them fails the turn; losing
   * only transcript appends is reported, as when an append fails).
   */
  get mustCommit(): boolean {
    return this.pendingState.size > 0 || this.transcriptOps.some((op) => op.kind === 'erase') || Boolean(this.directLine?.rows.length);
  }

  /** The turn's view of conversation state: botbuilder's Storage. */
  readonly state: Storage = {
    read: async (keys: string[]): Promise<StoreItems> => {
      if (!this.open) return this.after.state.read(keys);
      const items: StoreItems = {};
      const ask: string[] = [];
      for (const key of keys) {
        if (this.pendingState.has(key)) {
          const json = this.pendingState.get(key);
          if (json) items[key] = { ...(JSON.parse(json) as object), eTag: '*' };
        } else if (this.prefetched.has(key)) {
          const item = this.prefetched.get(key);
          // Given out once as read; a second read of the key asks again.
          this.prefetched.delete(key);
          if (item) items[key] = item;
        } else {
          ask.push(key);
        }
      }
      if (ask.length) {
        const { rows } = await this.ask((await this.connection()).query<{ key: string; value: StoreItem; etag: string }>('SELECT key, value, etag FROM bot_state WHERE key = ANY($1)', [ask]), 'reading state');
        // A deletion still to be sent hides nothing here: keys pending were answered above.
        for (const r of rows) items[r.key] = { ...r.value, eTag: String(r.etag) };
      }
      return items;
    },
    write: async (changes: StoreItems): Promise<void> => {
      if (!this.open) return this.after.state.write(changes);
      for (const [key, change] of Object.entries(changes)) {
        // The JSON the caller made of it already (the conversation state, to see whether it changed), taken before any await.
        const known = serialisedJson(change);
        const { eTag, ...value } = change as StoreItem;
        this.prefetched.delete(key);
        if (eTag === undefined || eTag === '*') {
          // Serialised now, as a query would: later changes to the object are not part of this write.
          this.pendingState.set(key, known ?? JSON.stringify(value));
          continue;
        }
        // A write that names a version is checked at once (the turn lock does not hold off writers outside turns).
        this.pendingState.delete(key);
        const updated = await this.ask((await this.connection()).query('UPDATE bot_state SET value = $2, etag = etag + 1, updated_at = now() WHERE key = $1 AND etag = $3', [key, value, eTag]), 'writing state');
        if (updated.rowCount === 0) throw new ConcurrencyError(`state "${key}" was changed by someone else (eTag ${eTag} is stale)`);
      }
    },
    delete: async (keys: string[]): Promise<void> => {
      if (!this.open) return this.after.state.delete(keys);
      for (const key of keys) {
        this.prefetched.delete(key);
        this.pendingState.set(key, null);
      }
    },
  };

  /** The turn's transcript writer: appends and erasures that commit with the turn. */
  readonly transcripts: TurnTranscripts = {
    logActivity: (activity: Activity): Promise<void> => {
      if (!this.open || !this.rows) return Promise.resolve(this.after.transcripts?.logActivity(activity));
      const row = this.rows.rowOf(activity);
      return new Promise<void>((resolve, reject) => {
        this.transcriptOps.push({ kind: 'append', conversationId: row.conversationId, channelId: row.channelId, json: row.json, settle: { resolve, reject } });
      });
    },
    // Resolves at once: it is awaited inside the turn (EraseTranscript). Like a state write, it is
    // kept only if the turn commits, and a COMMIT that fails with it fails the turn.
    deleteTranscript: async (channelId: string, conversationId: string): Promise<void> => {
      if (!this.open || !this.rows) return this.after.transcripts?.deleteTranscript(channelId, conversationId);
      this.transcriptOps.push({ kind: 'erase', conversationId, channelId });
    },
  };

  /**
   * The turn's Direct Line activity log: watermarks follow the one read with the lock (every append
   * to a conversation is made in a turn holding its lock), and the activities are inserted with the
   * COMMIT, which also checks that the watermark is still the one read.
   */
  readonly activityLog: TurnActivityLog = {
    append: (conversationId, activities, prepare) => {
      const dl = this.directLine;
      if (!this.open || dl?.conversationId !== conversationId) return undefined;
      const stored = activities.map((activity, i) => prepare(activity, dl.last + 1 + i));
      // Serialised now, as a query would.
      stored.forEach((activity, i) => dl.rows.push({ watermark: dl.last + 1 + i, json: JSON.stringify(activity) }));
      dl.last += activities.length;
      const landed = new Promise<void>((resolve, reject) => dl.settles.push({ resolve, reject }));
      // Whoever needs to know awaits it; a failure is also the turn's.
      landed.catch(() => undefined);
      return { stored, landed };
    },
  };

  /** The statement that appends the turn's Direct Line activities, or undefined. */
  private directLineSql(): string | undefined {
    const dl = this.directLine;
    if (!dl?.rows.length) return undefined;
    const q = quoteLiteral;
    // No row updated (the watermark moved since it was read: an append outside the turn lock): the
    // conversation id is NULL, which the NOT NULL column refuses, and the transaction fails.
    return (
      `WITH c AS (UPDATE directline_conversations SET last = ${dl.last}, updated_at = now() WHERE id = ${q(dl.conversationId)} AND last = ${dl.read} RETURNING id) ` +
      `INSERT INTO directline_activities (conversation_id, watermark, activity) SELECT (SELECT id FROM c), w, a::jsonb FROM (VALUES ${dl.rows.map((r) => `(${r.watermark}, ${q(r.json)})`).join(', ')}) AS v(w, a)`
    );
  }

  /**
   * Ends the turn: every write the turn left, in one transaction, and the lock released, in one
   * round trip. Resolves when PostgreSQL has committed (on disk: synchronous commit, as every write).
   * When it rejects, the connection must be closed (that rolls back and releases the lock).
   */
  async commit(stateKey?: string): Promise<CachedTurnState | undefined> {
    this.open = false;
    const optimistic = this.optimistic;
    const unlock = `SELECT pg_advisory_unlock(${lockId(this.lockKey)})`;
    const directLine = this.directLineSql();
    if (!this.pendingState.size && !this.transcriptOps.length && !directLine) {
      // A turn from the cache holds no lock, and changed nothing: what was cached still is.
      if (optimistic) return this.cacheable(stateKey, undefined);
      await this.ask((await this.connection()).query(unlock), 'releasing the turn lock');
      return this.cacheable(stateKey, undefined);
    }
    const q = quoteLiteral;
    // From the cache: the lock for this transaction only (it waits for a turn on another instance
    // that holds it), and the state written only over the version the turn began from.
    const statements: string[] = optimistic ? ['BEGIN', `SELECT pg_advisory_xact_lock(${lockId(this.lockKey)})`] : ['BEGIN'];
    let etagAt = -1;
    for (const [key, json] of this.pendingState) {
      if (key === stateKey && json !== null) etagAt = statements.length;
      if (json === null) statements.push(`DELETE FROM bot_state WHERE key = ${q(key)}`);
      else if (optimistic?.stateKey === key)
        statements.push(
          `WITH u AS (UPDATE bot_state SET value = ${q(json)}::jsonb, etag = etag + 1, updated_at = now() WHERE key = ${q(key)} AND etag = ${q(optimistic.cached.etag)} RETURNING etag) ` +
            `SELECT COALESCE((SELECT etag::text FROM u), '${STALE}')::bigint AS etag`,
        );
      else
        statements.push(
          `INSERT INTO bot_state (key, value, etag) VALUES (${q(key)}, ${q(json)}::jsonb, 1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, etag = bot_state.etag + 1, updated_at = now() RETURNING etag`,
        );
    }
    // Appends in a row become one INSERT (rows get their seq in this order); an erasure in between keeps its place.
    let appends: string[] = [];
    const flushAppends = () => {
      if (appends.length) statements.push(`INSERT INTO transcript_activities (conversation_id, channel_id, activity) VALUES ${appends.join(', ')}`);
      appends = [];
    };
    for (const op of this.transcriptOps) {
      if (op.kind === 'append') {
        appends.push(`(${q(op.conversationId)}, ${q(op.channelId)}, ${q(op.json)}::jsonb)`);
      } else {
        flushAppends();
        statements.push(`DELETE FROM transcript_activities WHERE conversation_id = ${q(op.conversationId)} AND channel_id = ${q(op.channelId)}`);
      }
    }
    flushAppends();
    if (directLine) statements.push(directLine);
    // A turn that read the state tells the other instances that what they cached of it is old
    // (delivered with the COMMIT). A turn from the cache was the last writer already.
    this.announced = !optimistic && this.announcement !== undefined && (this.pendingState.size > 0 || directLine !== undefined);
    if (this.announced) statements.push(`SELECT pg_notify('${TURN_CHANNEL}', ${q(this.announcement!)})`);
    statements.push('COMMIT');
    // Released after the COMMIT: the next turn, on any instance, reads what this one wrote.
    if (!optimistic) statements.push(unlock);
    let results: pg.QueryResult[];
    try {
      if (optimistic && this.group) {
        // With this instance's other turns that end meanwhile (group-commit.ts): the lock taken without waiting.
        results = await this.group.commit({
          connection: this.connection,
          alone: statements,
          inBatch: [tryLockStatement(lockId(this.lockKey)), ...statements.slice(2, -1)],
          send: async (client, sql) => (await this.ask(client.query(sql), 'committing the turn')) as unknown as pg.QueryResult[],
        });
      } else {
        const answer = await this.ask((await this.connection()).query(statements.join('; ')), 'committing the turn');
        results = answer as unknown as pg.QueryResult[];
      }
    } catch (err) {
      const failure = isStaleTurn(err) ? new ConcurrencyError(`the conversation was changed on another instance during this turn (${this.lockKey})`) : (err as Error);
      this.settleTranscripts(failure);
      this.settleDirectLine(failure);
      throw failure;
    }
    this.settleTranscripts();
    this.settleDirectLine();
    const etag = etagAt >= 0 ? (results[etagAt]?.rows[0] as { etag?: string } | undefined)?.etag : undefined;
    return this.cacheable(stateKey, etag === undefined ? undefined : String(etag));
  }

  /**
   * What the next turn on this instance may start from: the state as this turn left it, with its
   * version (`etag`, when this turn wrote it; else the version it read), or undefined when unknown.
   */
  private cacheable(stateKey: string | undefined, etag: string | undefined): CachedTurnState | undefined {
    if (stateKey === undefined) return undefined;
    let json: string | undefined;
    if (this.pendingState.has(stateKey)) {
      json = this.pendingState.get(stateKey) ?? undefined;
      if (json === undefined || etag === undefined) return undefined;
    } else {
      // Unchanged: what the turn began with, if it began from the cache (a state read with the lock
      // would have to be serialised again: the next turn takes the lock's round trip instead).
      if (!this.optimistic) return undefined;
      ({ json, etag } = this.optimistic.cached);
    }
    return { json, etag, ...(this.directLine ? { directLineLast: this.directLine.last } : {}) };
  }

  /**
   * Ends a failed turn: nothing of its state and transcript is kept (nothing was sent); its Direct
   * Line activities are (the person's message, and what the page was told before the failure, as
   * when each was stored at once), in a transaction of their own; the lock is released.
   */
  async rollback(reason: Error): Promise<void> {
    this.open = false;
    this.settleTranscripts(reason);
    const directLine = this.directLineSql();
    // A turn from the cache holds no lock: only its Direct Line activities, if any, are sent.
    const unlock = this.optimistic ? undefined : `SELECT pg_advisory_unlock(${lockId(this.lockKey)})`;
    const sql = [directLine && `BEGIN; ${directLine}; COMMIT`, unlock].filter(Boolean).join('; ');
    try {
      if (sql) await this.ask((await this.connection()).query(sql), 'releasing the turn lock');
    } catch (err) {
      this.settleDirectLine(err as Error);
      throw err;
    }
    this.settleDirectLine();
  }

  /** Abandons the turn without a word to PostgreSQL (its connection is being closed). */
  abandon(reason: Error): void {
    this.open = false;
    this.settleTranscripts(reason);
    this.settleDirectLine(reason);
  }

  private settleDirectLine(err?: Error): void {
    for (const settle of this.directLine?.settles.splice(0) ?? []) {
      if (err) settle.reject(err);
      else settle.resolve();
    }
  }

  private settleTranscripts(err?: Error): void {
    const told = new Set<string>();
    for (const op of this.transcriptOps.splice(0)) {
      if (op.kind !== 'append') continue;
      if (!err) {
        op.settle.resolve();
        continue;
      }
      // One report per channel, as the appends were one write.
      if (!told.has(op.channelId)) this.rows?.failed(err, op.channelId, 'logActivity');
      told.add(op.channelId);
      op.settle.reject(err);
    }
  }
}
