/**
 * What both transcript stores (embedded and PostgreSQL) share: botbuilder's TranscriptStore plus
 * flush(), and the JSON and paging rules, so both page and revive activities the same way.
 */
import type { Activity, PagedResult, TranscriptStore } from 'botbuilder';

export interface TranscriptArchive extends TranscriptStore {
  /** Resolves when every write started so far has landed (before shutdown, or in tests). */
  flush(): Promise<void>;
}

/** One conversation's whole transcript as kept, for moving it between stores (`npm run db:move`). */
export interface TranscriptExport {
  channelId: string;
  conversationId: string;
  /** When its first activity was logged (ISO 8601). */
  created: string;
  /** Every activity in the order logged, as stored (JSON: dates as ISO strings). */
  activities: Array<Record<string, unknown>>;
}

export type TranscriptErrorHandler = (err: Error, info: { channelId: string; operation: string }) => void;

const PAGE_SIZE = 20;

/** A JSON-safe copy with dates as ISO strings. */
export function clone(activity: Partial<Activity>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(activity)) as Record<string, unknown>;
}

export function revive(stored: Record<string, unknown>): Activity {
  const a = { ...stored } as unknown as Activity & { timestamp?: unknown; localTimestamp?: unknown };
  if (typeof a.timestamp === 'string') a.timestamp = new Date(a.timestamp);
  if (typeof a.localTimestamp === 'string') a.localTimestamp = new Date(a.localTimestamp);
  return a;
}

export function page<T>(items: T[], idOf: (item: T) => string | undefined, continuationToken?: string): PagedResult<T> {
  let start = 0;
  if (continuationToken) {
    const i = items.findIndex((x) => idOf(x) === continuationToken);
    start = i < 0 ? items.length : i + 1;
  }
  const slice = items.slice(start, start + PAGE_SIZE);
  const result: PagedResult<T> = { items: slice, continuationToken: undefined as unknown as string };
  if (slice.length === PAGE_SIZE && start + PAGE_SIZE < items.length) result.continuationToken = idOf(slice[slice.length - 1]!) ?? '';
  return result;
}


/**
 * Runs a store operation and reports its failure to `onError` before rejecting: the TranscriptLogger
 * middleware does not wait for its writes, and a conversation that is not being recorded must show
 * in the logs.
 */
export async function loudly<R>(onError: TranscriptErrorHandler, channelId: string, operation: string, op: () => Promise<R>): Promise<R> {
  try {
    return await op();
  } catch (err) {
    onError(err as Error, { channelId, operation });
    throw err;
  }
}
