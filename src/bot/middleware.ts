/**
 * Middleware around every turn:
 * - SerializeTurns: turns of one conversation run one at a time, in arrival order, so a double
 *   click never loses an answer (BotState writes with eTag "*", last writer wins).
 * - EraseTranscript: deletes the transcript after a turn that ended with "keep nothing"; it sits
 *   outside the transcript logger so it runs after that turn's activities were queued.
 * - SafeTranscriptLogger: TranscriptLoggerMiddleware that tolerates activities without `from`.
 */
import { Mutex } from 'async-mutex';
import { TranscriptLoggerMiddleware, type Middleware, type TranscriptStore, type TurnContext } from 'botbuilder';
import { ERASE_CONVERSATION } from '../../dialogs/intake-dialog.js';

function conversationKey(context: TurnContext): string {
  return `${context.activity.channelId}/${context.activity.conversation?.id ?? ''}`;
}

export class SerializeTurns implements Middleware {
  private readonly locks = new Map<string, { mutex: Mutex; users: number }>();

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const key = conversationKey(context);
    let entry = this.locks.get(key);
    if (!entry) {
      entry = { mutex: new Mutex(), users: 0 };
      this.locks.set(key, entry);
    }
    entry.users += 1;
    try {
      await entry.mutex.runExclusive(next);
    } finally {
      entry.users -= 1;
      if (entry.users === 0) this.locks.delete(key);
    }
  }

  /** Conversations with a turn running or waiting (for tests and diagnostics). */
  get active(): number {
    return this.locks.size;
  }
}

export class EraseTranscript implements Middleware {
  constructor(private readonly store: TranscriptStore) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    await next();
    if (context.turnState.get(ERASE_CONVERSATION)) {
      await this.store.deleteTranscript(context.activity.channelId, context.activity.conversation.id);
    }
  }
}

export class SafeTranscriptLogger extends TranscriptLoggerMiddleware {
  constructor(
    store: TranscriptStore,
    /** Whether a Teams turn belongs to a resident's interview (a kitchen-table conversation). */
    private readonly isInterviewInTeams: (context: TurnContext) => Promise<boolean> = async () => false,
  ) {
    super(store);
  }

  override async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    // Staff in Teams read case summaries: those chats are not residents' transcripts (the audit log
    // records what they read), unless the chat is an interview held together with a resident.
    if (context.activity?.channelId === 'msteams' && !(await this.isInterviewInTeams(context))) return next();
    // botbuilder-js #3768: the logger reads activity.from.role and crashes when `from` is missing.
    if (context.activity && !context.activity.from) context.activity.from = { id: 'unknown', name: 'unknown' };
    return super.onTurn(context, next);
  }
}
