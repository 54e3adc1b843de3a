/**
 * Middleware around every turn (and SerializeTurns, in ./serialize-turns.ts):
 * - EraseTranscript: deletes the transcript after a turn that ended with "keep nothing"; it sits
 *   outside the transcript logger so it runs after that turn's activities were queued.
 * - TranscriptLogger: logs each turn's activities to the transcript store, as botbuilder's
 *   TranscriptLoggerMiddleware does, for less CPU.
 */
import { ActivityEventNames, ActivityTypes, RoleTypes, TurnContext, type Activity, type Middleware, type TranscriptStore } from 'botbuilder';
import { ERASE_CONVERSATION } from '../../dialogs/intake-dialog.js';
import { turnTranscripts } from './turn-stores.js';

export class EraseTranscript implements Middleware {
  constructor(private readonly store: TranscriptStore) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    await next();
    if (context.turnState.get(ERASE_CONVERSATION)) {
      await turnTranscripts(context, this.store).deleteTranscript(context.activity.channelId, context.activity.conversation.id);
    }
  }
}

/**
 * Copies an activity for the transcript: one level deep, with the id the channel gave it and a
 * timestamp. The stores serialise what they get at once (JSON Lines) or copy it (PostgreSQL), and
 * nothing in this service changes an activity's nested objects after it was received or sent, so a
 * shallow copy taken now is what botbuilder's JSON round trip of the whole activity was.
 */
function snapshot(activity: Partial<Activity>, id?: string): Partial<Activity> {
  const copy = { ...activity };
  if (id !== undefined) copy.id = id;
  // As botbuilder: some channels give no id for a sent activity; one is made from its time.
  if (!copy.id) copy.id = `g_${Math.random().toString(36).slice(2, 8)}${new Date(copy.timestamp ?? Date.now()).getTime()}`;
  copy.timestamp ??= new Date();
  return copy;
}

/**
 * Logs every turn's incoming and outgoing activities (updates and deletions too) to the transcript
 * store, after the turn, in the order they happened: what botbuilder's TranscriptLoggerMiddleware
 * does, written here because the SDK's costs more: its generator-based async functions (the SDK is
 * compiled to ES2015) and a JSON round trip of every activity made a Direct Line turn 7 % dearer
 * (A/B over six alternating rounds, npm run bench:ab). Differences on purpose:
 * - staff chats in Teams are not logged (those are not residents' transcripts; the audit log records
 *   what staff read), unless the chat is an interview held together with a resident;
 * - an activity without `from` is logged as from "unknown" (botbuilder-js #3768: the SDK's logger
 *   crashed on it).
 * A failed write is reported by the store (its onError), one refused at once by `onRefused`; neither
 * fails the turn.
 */
export class TranscriptLogger implements Middleware {
  constructor(
    private readonly store: TranscriptStore,
    /** Whether a Teams turn belongs to a resident's interview (a kitchen-table conversation). */
    private readonly isInterviewInTeams: (context: TurnContext) => Promise<boolean> = async () => false,
    /** An activity the store refused at once (one it could not serialise); write failures the store reports itself. */
    private readonly onRefused: (err: Error) => void = () => undefined,
  ) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const incoming = context.activity;
    if (!incoming || (incoming.channelId === 'msteams' && !(await this.isInterviewInTeams(context)))) return next();
    incoming.from ??= { id: 'unknown', name: 'unknown' };
    incoming.from.role ??= RoleTypes.User;
    const logged: Array<Partial<Activity>> = [snapshot(incoming)];

    context.onSendActivities(async (_context, activities, sendNext) => {
      const responses = await sendNext();
      activities.forEach((activity, i) => logged.push(snapshot(activity, responses?.[i] ? responses[i].id : undefined)));
      return responses;
    });
    context.onUpdateActivity(async (_context, activity, updateNext) => {
      await updateNext();
      logged.push({ ...snapshot(activity), type: ActivityTypes.MessageUpdate });
    });
    context.onDeleteActivity(async (_context, reference, deleteNext) => {
      await deleteNext();
      logged.push(snapshot(TurnContext.applyConversationReference({ type: ActivityTypes.MessageDelete, id: reference.activityId }, reference, false)));
    });

    await next();
    // The turn's own writer when it offers one (on PostgreSQL the appends commit with the turn's state).
    const store = turnTranscripts(context, this.store);
    for (const activity of logged) {
      // A proactive turn's ContinueConversation event is the SDK's plumbing, not part of the conversation.
      if (activity.type === ActivityTypes.Event && activity.name === ActivityEventNames.ContinueConversation) continue;
      // Not awaited, as botbuilder does not: the turn has answered; the store reports failures itself.
      try {
        void Promise.resolve(store.logActivity(activity as Activity)).catch(() => undefined);
      } catch (err) {
        this.onRefused(err as Error);
      }
    }
  }
}
