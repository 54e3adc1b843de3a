/**
 * A turn's own stores. A middleware that runs each turn in one database transaction (on PostgreSQL:
 * src/storage/postgres/pg-turn.ts) offers that turn the conversation state and the transcript
 * through these keys of its turn state; the conversation state, the transcript logger and the
 * eraser use them when offered, else the stores they were built with.
 */
import type { Activity, Storage, TurnContext } from 'botbuilder';

/** The turn's Storage for conversation state (a transaction's view of it). */
export const TURN_STATE_STORAGE = Symbol('turn state storage');
/** The turn's transcript writer (appends and erasures that commit with the turn). */
export const TURN_TRANSCRIPTS = Symbol('turn transcripts');

/** What a turn's transcript writer does: the writing half of botbuilder's TranscriptStore. */
export interface TurnTranscripts {
  logActivity(activity: Activity): void | Promise<void>;
  deleteTranscript(channelId: string, conversationId: string): Promise<void>;
}

/** JSON a caller already made of a store item it writes (without its eTag), so the store need not make it again. */
const serialised = new WeakMap<object, string>();

/**
 * Writes `item` through `write` with `json` (the item without its eTag, just serialised by the
 * caller) known to a store that asks serialisedJson() at once, before it awaits anything.
 */
export async function writeSerialised<T>(item: object, json: string, write: () => Promise<T>): Promise<T> {
  serialised.set(item, json);
  try {
    return await write();
  } finally {
    serialised.delete(item);
  }
}

/** The JSON writeSerialised() gave with `item`, if this write is one. */
export function serialisedJson(item: object | undefined): string | undefined {
  return item ? serialised.get(item) : undefined;
}

/** The Storage this turn offers, else `fallback`. */
export function turnStorage(context: TurnContext, fallback: Storage): Storage {
  return (context.turnState.get(TURN_STATE_STORAGE) as Storage | undefined) ?? fallback;
}

/** The transcript writer this turn offers, else `fallback`. */
export function turnTranscripts(context: TurnContext, fallback: TurnTranscripts): TurnTranscripts {
  return (context.turnState.get(TURN_TRANSCRIPTS) as TurnTranscripts | undefined) ?? fallback;
}

/** The turn's Direct Line activity log (appends that commit with the turn; src/directline/adapter.ts uses it). */
export const TURN_ACTIVITY_LOG = Symbol('turn activity log');

/** Activities appended by a turn's activity log: as stored (ids and timestamps given), and when they are kept. */
export interface TurnAppended {
  stored: Array<Partial<Activity>>;
  /** Resolves once they are committed (with the turn, or, if the turn fails, on their own); rejects if they are not. */
  landed: Promise<void>;
}

/** What a turn's Direct Line activity log does: the append of src/directline/store.ts, kept until the turn commits. */
export interface TurnActivityLog {
  /**
   * Appends to the conversation's activities; `prepare` gives each its id and timestamp from its
   * watermark. Undefined when this turn cannot (another conversation, or the turn is over): the
   * caller appends through its store.
   */
  append(conversationId: string, activities: Array<Partial<Activity>>, prepare: (activity: Partial<Activity>, watermark: number) => Partial<Activity>): TurnAppended | undefined;
}

/** The activity log this turn offers, if any. */
export function turnActivityLog(context: TurnContext): TurnActivityLog | undefined {
  return context.turnState.get(TURN_ACTIVITY_LOG) as TurnActivityLog | undefined;
}
