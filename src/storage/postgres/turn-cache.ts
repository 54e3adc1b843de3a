/**
 * What this instance wrote last, per conversation, so that its next turn can skip the first round
 * trip (the turn lock and the state read; issue 22).
 *
 * A conversation's state is cached here only by the instance that committed it, with the version
 * (eTag) PostgreSQL gave it; the next turn on this instance starts from it and commits with a check
 * that the row still has that version, under the conversation's lock taken inside the COMMIT's own
 * transaction (pg-turn.ts). The check, not this cache, is what keeps another instance's turn from
 * being overwritten: a stale entry costs a failed turn, never a lost one.
 *
 * Stale entries are kept rare: a turn that had to read the state (it was not the last writer here)
 * announces its commit with NOTIFY, and every instance LISTENs and forgets the conversation. Only
 * while that LISTEN connection is up is the cache used: when it drops, notifications may have been
 * missed, so everything is forgotten (a new epoch) until it is up again. Entries also expire
 * (`ttlMs`), well before the retention sweep could delete a row behind them, and the oldest go
 * beyond `maxChars`.
 */
import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';

/** The channel on which instances announce a conversation written after a read. */
export const TURN_CHANNEL = 'narvard_turns';

/** One conversation as this instance committed it last. */
export interface CachedTurnState {
  /** The state's JSON without its eTag, as committed (parsed anew for each turn: the turn changes it). */
  json: string;
  /** The row's version after that commit. */
  etag: string;
  /** The Direct Line conversation's last watermark after that commit, if it is one. */
  directLineLast?: number;
}

/**
 * A conversation's name in the cache and in notifications: its lock key, or a digest of a long one (a
 * NOTIFY payload over 8,000 bytes would fail the COMMIT it is part of; hashing every key cost a turn
 * three digests).
 */
function tagOf(lockKey: string): string {
  return lockKey.length <= 1000 ? lockKey : `#${createHash('sha256').update(lockKey).digest('base64url')}`;
}

interface Entry extends CachedTurnState {
  stateKey: string;
  at: number;
}

export interface TurnCacheOptions {
  /** How long an entry is trusted (default 10 minutes: a person who comes back later takes the lock's round trip). */
  ttlMs?: number;
  /** The states' JSON kept at most, in characters (default 32 million: about 10,000 interviews under way); the oldest go first. */
  maxChars?: number;
  /** Told when the LISTEN connection drops or cannot be made (the cache is off meanwhile). */
  onListenError?: (err: Error) => void;
  /** Delay before connecting again after a drop (default 1 s, doubled after each failed attempt up to 30 s). */
  retryMs?: number;
}

export class TurnStateCache {
  /** Tells this instance's announcements from the others'. */
  readonly instanceId = randomUUID();
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxChars: number;
  private chars = 0;
  private listener: pg.Client | undefined;
  private listening = false;
  private closed = false;
  /** Moves on whenever notifications may have been missed: entries of an earlier epoch are never stored. */
  private epochNumber = 0;
  private retry: NodeJS.Timeout | undefined;
  private announced = 0;
  /** The wait before the next attempt to listen, halved here as it is doubled before each wait. */
  private retryMs: number;
  /** Turns waiting to hear their own announcement. */
  private readonly waiting = new Map<string, () => void>();

  constructor(
    private readonly connectionString: string,
    private readonly options: TurnCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 10 * 60_000;
    this.maxChars = options.maxChars ?? 32_000_000;
    this.retryMs = (options.retryMs ?? 1000) / 2;
  }

  /** Connects the LISTEN connection; resolves when listening, or when that failed (the cache stays off and retries). */
  async start(): Promise<void> {
    if (this.closed || this.listener) return;
    const client = new pg.Client({ connectionString: this.connectionString, keepAlive: true, connectionTimeoutMillis: 10_000 });
    this.listener = client;
    const lost = (err: Error) => {
      if (this.listener !== client) return;
      this.listener = undefined;
      this.stopUsing();
      client.removeAllListeners('notification');
      client.end().catch(() => undefined);
      if (this.closed) return;
      this.options.onListenError?.(err);
      // Sooner at first, then at most every 30 s while PostgreSQL stays away (one log line each).
      this.retryMs = Math.min(this.retryMs * 2, 30_000);
      this.retry = setTimeout(() => void this.start(), this.retryMs);
      this.retry.unref();
    };
    client.on('error', lost);
    client.on('end', () => lost(new Error('the LISTEN connection for turn notifications ended')));
    client.on('notification', (message) => this.heard(message.payload));
    try {
      await client.connect();
      // PGlite (the tests' in-process PostgreSQL when no server runs) is one session behind every
      // connection: a LISTEN there would put notifications into other connections' answers. One
      // process is all it serves, so there is nothing to hear: the cache stays off.
      const { rows } = await client.query<{ v: string }>('SELECT version() AS v');
      if (rows[0]?.v.includes('PGlite')) {
        this.listener = undefined;
        await client.end();
        return;
      }
      await client.query(`LISTEN ${TURN_CHANNEL}`);
      if (this.listener === client) {
        this.listening = true;
        this.retryMs = (this.options.retryMs ?? 1000) / 2;
      }
    } catch (err) {
      lost(err as Error);
    }
  }

  /** Stops listening and forgets everything. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.listener;
    this.listener = undefined;
    this.stopUsing();
    await client?.end().catch(() => undefined);
  }

  /** The epoch a turn starts in: hand it back to `remember`. */
  get epoch(): number {
    return this.epochNumber;
  }

  /** The conversation as this instance committed it last, if still trusted. */
  get(lockKey: string, stateKey: string): CachedTurnState | undefined {
    if (!this.listening) return undefined;
    const tag = tagOf(lockKey);
    const entry = this.entries.get(tag);
    if (!entry) return undefined;
    if (entry.stateKey !== stateKey || Date.now() - entry.at > this.ttlMs) {
      this.drop(tag);
      return undefined;
    }
    return entry;
  }

  /** Remembers what a turn that began in `epoch` committed (nothing, if notifications may have been missed since). */
  remember(lockKey: string, stateKey: string, state: CachedTurnState, epoch: number): void {
    if (!this.listening || epoch !== this.epochNumber) return;
    const tag = tagOf(lockKey);
    // Dropped first, so that the Map's order is the order of use (the oldest go first).
    this.drop(tag);
    this.entries.set(tag, { ...state, stateKey, at: Date.now() });
    this.chars += state.json.length;
    while (this.chars > this.maxChars && this.entries.size) this.drop(this.entries.keys().next().value!);
  }

  private drop(tag: string): void {
    const entry = this.entries.get(tag);
    if (!entry) return;
    this.entries.delete(tag);
    this.chars -= entry.json.length;
  }

  /** Forgets a conversation (its turn failed, or its state was deleted). */
  forget(lockKey: string): void {
    this.drop(tagOf(lockKey));
  }

  /** The payload a committing turn sends with NOTIFY (numbered: the turn waits to hear its own). */
  announcement(lockKey: string): string {
    return `${this.instanceId}|${tagOf(lockKey)}|${++this.announced}`;
  }

  /**
   * Resolves when this instance has heard its own announcement (so the others have very likely
   * heard it too: PostgreSQL signals every listener at the COMMIT), or after `timeoutMs`. A turn
   * answers only then, so that the person's next message, on another instance, finds that
   * instance's cache already cleared instead of failing on a stale version.
   */
  expect(announcement: string, timeoutMs = 50): { heard(): Promise<void>; cancel(): void } {
    // Listened for before the COMMIT is sent: the notification can arrive before the COMMIT's answer.
    const arrived = new Promise<void>((resolve) => {
      if (this.listening) this.waiting.set(announcement, resolve);
      else resolve();
    });
    return {
      heard: async () => {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([arrived, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
        clearTimeout(timer);
        this.waiting.delete(announcement);
      },
      cancel: () => void this.waiting.delete(announcement),
    };
  }

  private heard(payload: string | undefined): void {
    if (!payload) return;
    // instance|tag|number: the tag (a conversation's key) may hold a bar itself.
    const first = payload.indexOf('|');
    const last = payload.lastIndexOf('|');
    const instance = payload.slice(0, first);
    const tag = last > first ? payload.slice(first + 1, last) : '';
    if (instance === this.instanceId) {
      const waiter = this.waiting.get(payload);
      this.waiting.delete(payload);
      waiter?.();
      return;
    }
    if (tag) this.drop(tag);
  }

  private stopUsing(): void {
    for (const waiter of this.waiting.values()) waiter();
    this.waiting.clear();
    this.listening = false;
    this.epochNumber += 1;
    this.entries.clear();
    this.chars = 0;
  }
}
