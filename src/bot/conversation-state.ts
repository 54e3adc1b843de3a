/**
 * ConversationState that tells a changed state by its JSON instead of by hashes. botbuilder's BotState
 * hashes the whole state (its own stringify, then sha256) three times per turn: when it is loaded,
 * to see whether it changed, and again after saving. With an interview's answers in the state that
 * was about 5 % of a Direct Line turn's CPU in the benchmark. Here the JSON at load is kept and
 * compared with the JSON at save: the same question ("did anything change?") answered with two
 * native JSON.stringify calls.
 *
 * The storage is the turn's own when a middleware offers one (turn-stores.ts: on PostgreSQL the
 * turn's transaction), else the one it was built with. The JSON made to compare is handed to the
 * storage with the write (writeSerialised), so the turn's storage on PostgreSQL sends it as it is
 * instead of serialising the state again.
 *
 * Every method of BotState that touches its cached state is overridden (load, saveChanges, clear,
 * delete, get), so none of them reads BotState's private cache key; the storage, the storage key and
 * the property accessors are botbuilder's own.
 */
import { ConversationState, type TurnContext } from 'botbuilder';
import { turnStorage, writeSerialised } from './turn-stores.js';

interface Cached {
  state: Record<string, unknown>;
  /** The state's JSON (without its eTag) as loaded or last saved; undefined forces the next save. */
  json: string | undefined;
}

/** The state's JSON without the eTag, which the storage sets and which is not part of what changed. */
function jsonOf(state: Record<string, unknown>): string {
  const { eTag: _eTag, ...rest } = state;
  return JSON.stringify(rest);
}

export class JsonTrackedConversationState extends ConversationState {
  private readonly cacheKey = Symbol('JsonTrackedConversationState');

  /** The conversation's state for this turn, read from storage once per turn (or again with `force`). */
  override async load(context: TurnContext, force = false): Promise<any> {
    const cached = context.turnState.get(this.cacheKey) as Cached | undefined;
    if (!force && cached?.state) return cached.state;
    const key = await this.storageKey(context);
    const items = await turnStorage(context, this.storage).read([key]);
    const state = (items[key] ?? {}) as Record<string, unknown>;
    context.turnState.set(this.cacheKey, { state, json: jsonOf(state) } satisfies Cached);
    return state;
  }

  /** Writes the state if it changed during the turn (or always with `force`), with eTag "*" as BotState does. */
  override async saveChanges(context: TurnContext, force = false): Promise<void> {
    let cached = context.turnState.get(this.cacheKey) as Cached | undefined;
    if (!force && !cached) return;
    const key = await this.storageKey(context);
    // After the await: nothing changes the state between its JSON and the write, which takes the same JSON.
    const json = jsonOf(cached?.state ?? {});
    if (!force && cached!.json === json) return;
    cached ??= { state: {}, json: undefined };
    cached.state.eTag = '*';
    const state = cached.state;
    await writeSerialised(state, json, () => turnStorage(context, this.storage).write({ [key]: state }));
    cached.json = json;
    context.turnState.set(this.cacheKey, cached);
  }

  /** Empties the state for this turn; the next saveChanges writes the empty state. */
  override async clear(context: TurnContext): Promise<void> {
    context.turnState.set(this.cacheKey, { state: {}, json: undefined } satisfies Cached);
  }

  /** Forgets the state for this turn and deletes it from storage. */
  override async delete(context: TurnContext): Promise<void> {
    context.turnState.delete(this.cacheKey);
    await turnStorage(context, this.storage).delete([await this.storageKey(context)]);
  }

  /** The state loaded for this turn, if any. */
  override get(context: TurnContext): any | undefined {
    const cached = context.turnState.get(this.cacheKey) as Cached | undefined;
    return typeof cached?.state === 'object' ? cached.state : undefined;
  }
}
