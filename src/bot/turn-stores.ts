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
