/**
 * Turns of one conversation run one at a time across every instance: each turn holds a PostgreSQL
 * advisory lock named by its conversation. The locks are taken on a separate small pool, so turns
 * waiting for a lock never use up the connections the turns themselves need.
 *
 * With the turn's stores given (`state`, `transcripts`: open-stores.ts does), the turn's state and
 * transcript go through the lock's connection (pg-turn.ts): the lock and the state are read in the
 * first round trip, and the state written, the transcript appended (one transaction) and the lock
 * released in the second; a Direct Line turn's activities (directLineChannel) go with them. Without them (tests of the lock alone), the turn holds the lock and its
 * stores write on their own.
 *
 * When PostgreSQL goes away the turn fails (the person is told to try again) instead of waiting:
 * no connection, or a connection lost while waiting for the lock, fails the turn at once; a wait
 * that never ends (a server that stopped answering) fails after `waitMs`. A connection that failed
 * in any way is closed, never given back to the pool; closing it also drops the lock on the server
 * and rolls back what the turn had not committed. A turn whose last round trip fails is failed only
 * if it wrote state (or erased a transcript): its replies were sent, but what it changed was not kept.
 */
import type { Middleware, Storage, TurnContext } from 'botbuilder';
import type pg from 'pg';
import { conversationKey, SerializeTurns } from '../../bot/serialize-turns.js';
import { TURN_ACTIVITY_LOG, TURN_STATE_STORAGE, TURN_TRANSCRIPTS, type TurnTranscripts } from '../../bot/turn-stores.js';
import { explainPoolError } from './pool.js';
import { beginSql, PgTurn, type TurnTranscriptRows } from './pg-turn.js';
import type { GroupCommit } from './group-commit.js';
import type { TurnStateCache } from './turn-cache.js';

export interface TurnLockOptions {
  /** How long a turn waits for the lock (the previous turn of its conversation, or an answer) before it fails. */
  waitMs?: number;
  /** The conversation state's store: the turn reads and writes it in its transaction (used as is once the turn has ended). */
  state?: Storage;
  /** The transcript store: the turn's activities are appended with its COMMIT. */
  transcripts?: TurnTranscripts & TurnTranscriptRows;
  /**
   * The channel of our Direct Line (on PostgreSQL): a turn of its conversations reads the last
   * watermark with the lock and commits the activities it appends (the person's message, the
   * replies) with its state (pg-turn.ts, src/directline/adapter.ts).
   */
  directLineChannel?: string;
  /** The key of the conversation's state, read with the lock (default: botbuilder's ConversationState key). */
  stateKey?: (context: TurnContext) => string | undefined;
  /**
   * What this instance committed last per conversation (turn-cache.ts): a turn that finds its
   * conversation there skips the first round trip, and its COMMIT checks the state's version.
   */
  cache?: TurnStateCache;
  /** Where turns from the cache commit together (group-commit.ts); without it each commits alone. */
  groupCommit?: GroupCommit;
}

/** The key under which botbuilder's ConversationState keeps a conversation's state. */
export function conversationStateKey(context: TurnContext): string | undefined {
  const { channelId, conversation } = context.activity;
  return channelId && conversation?.id ? `${channelId}/conversations/${conversation.id}/` : undefined;
}

/** Longer than any sound turn; the Bot Connector itself gives up on a turn after 15 s. */
const DEFAULT_WAIT_MS = 30_000;

/** The state store of a turn without one (never used: such a turn offers none). */
const emptyStorage: Storage = {
  read: async () => ({}),
  write: async () => undefined,
  delete: async () => undefined,
};

export class TurnLockTimeoutError extends Error {
  override readonly name = 'TurnLockTimeoutError';
}

export class PgTurnLock implements Middleware {
  private readonly waitMs: number;
  /**
   * This instance's turns of one conversation, one after the other: a turn from the cache holds no
   * lock while it runs, so the next one on this instance must wait here (and a waiting turn holds no
   * connection meanwhile). The service serialises its turns already; this lock does not rely on it.
   */
  private readonly inProcess = new SerializeTurns();

  constructor(
    private readonly lockPool: pg.Pool,
    private readonly options: TurnLockOptions = {},
  ) {
    this.waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    // The same key as in earlier releases (the advisory lock's name must not change under a running instance).
    const key = conversationKey(context);
    await this.inProcess.onTurn(context, () => this.turn(context, key, next));
  }

  private async turn(context: TurnContext, key: string, next: () => Promise<void>): Promise<void> {
    let broken: Error | undefined;
    // The client is held from when it is taken to the end of the turn: without a listener, losing its connection would end the process.
    const onError = (err: Error) => void (broken ??= err);
    let client: pg.PoolClient | undefined;
    let connecting: Promise<pg.PoolClient> | undefined;
    // Taken at once for a turn that must read with the lock; a turn from the cache takes it only
    // when it first needs it (group commit sends a batch on its first turn's connection only).
    const connection = (): Promise<pg.PoolClient> =>
      (connecting ??= this.lockPool.connect().then((taken) => {
        taken.on('error', onError);
        client = taken;
        return taken;
      }));
    const done = () => {
      if (!client) return;
      client.removeListener('error', onError);
      client.release(broken);
    };

    const { state, transcripts } = this.options;
    const stateKey = state ? (this.options.stateKey ?? conversationStateKey)(context) : undefined;
    const directLineId = this.options.directLineChannel && context.activity.channelId === this.options.directLineChannel ? context.activity.conversation?.id : undefined;
    const ask = <T>(query: Promise<T>, what: string) => this.bounded(query, what);
    const { cache } = this.options;
    const epoch = cache?.epoch ?? 0;
    const announcement = cache?.announcement(key);
    const turn = new PgTurn(connection, key, ask, { state: state ?? emptyStorage, transcripts }, transcripts, announcement, this.options.groupCommit);
    // What this instance committed last of the conversation, if it may start from it (no round trip).
    const cached = cache && stateKey !== undefined ? cache.get(key, stateKey) : undefined;
    const fromCache = cached !== undefined && turn.startFrom(stateKey!, directLineId, cached);
    if (!fromCache) {
      // Not caught below: no connection, no turn (nothing to close).
      const held = await connection();
      try {
        // One round trip: the lock, and the state as the previous turn left it.
        const results = (await ask(held.query(beginSql(key, stateKey, directLineId)), 'waiting for the turn lock of this conversation')) as unknown as pg.QueryResult[];
        turn.prefetch(stateKey, directLineId, results);
      } catch (err) {
        // Lost, timed out or refused: this connection may yet get the lock, so it is closed, not reused.
        broken ??= err as Error;
        done();
        throw explainPoolError(this.lockPool, err);
      }
    }
    if (state) context.turnState.set(TURN_STATE_STORAGE, turn.state);
    if (transcripts) context.turnState.set(TURN_TRANSCRIPTS, turn.transcripts);
    if (directLineId !== undefined) context.turnState.set(TURN_ACTIVITY_LOG, turn.activityLog);

    let failure: { error: unknown } | undefined;
    try {
      await next();
    } catch (error) {
      failure = { error };
    }
    if (failure) {
      cache?.forget(key);
      // Nothing of a failed turn is kept (its writes were never sent); the lock is released, or goes with a lost connection.
      if (broken) turn.abandon(broken);
      else await turn.rollback(failure.error as Error).catch((err: Error) => void (broken ??= err));
      done();
      throw failure.error;
    }
    let lost: unknown;
    // Asked before the COMMIT, which settles what it carried.
    const mustCommit = turn.mustCommit;
    if (broken) turn.abandon(broken);
    try {
      if (!broken) {
        // A turn that read the state may announce its COMMIT: listened for before it is sent.
        const told = fromCache ? undefined : cache?.expect(announcement!);
        let committed: Awaited<ReturnType<PgTurn['commit']>>;
        try {
          committed = await turn.commit(stateKey);
        } catch (err) {
          told?.cancel();
          throw err;
        }
        if (committed && cache) cache.remember(key, stateKey!, committed, epoch);
        else cache?.forget(key);
        // Answered once the others have (very likely) heard it: the person's next message may reach one of them.
        if (turn.announced) await told?.heard();
        else told?.cancel();
      }
    } catch (err) {
      broken ??= err as Error;
      lost = err;
    }
    if (broken) cache?.forget(key);
    done();
    // A turn that went through is not failed afterwards because the lock's connection was lost (the
    // lock went with it), unless what it wrote went too.
    if ((lost || broken) && mustCommit) throw explainPoolError(this.lockPool, lost ?? broken);
  }

  /**
   * The query's answer, or a TurnLockTimeoutError after waitMs. One promise and one timer per query,
   * settled by whichever comes first (instead of a Promise.race in an async function: fewer promises
   * per query, and a turn sends one to three).
   */
  private bounded<T>(query: Promise<T>, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new TurnLockTimeoutError(`${what}: no answer within ${this.waitMs / 1000} s`)), this.waitMs);
      // A query abandoned on timeout fails when its connection is closed; nobody waits for it any more.
      query.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }
}
