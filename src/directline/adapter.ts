/**
 * The bot adapter behind our own Direct Line endpoint. An activity from the browser is stored
 * (echoed back to the page with a server id and timestamp, as Web Chat expects) and runs through the
 * same bot and middleware in-process; the bot's replies are stored for the page to poll, each
 * threaded to the activity it answers. No Bot Connector, no HTTP round trip.
 */
import { randomUUID } from 'node:crypto';
import {
  ActivityTypes,
  BotAdapter,
  TurnContext,
  type Activity,
  type ChannelAccount,
  type ConversationReference,
  type Middleware,
  type ResourceResponse,
} from 'botbuilder';
import { LRUCache } from 'lru-cache';
import { ERASE_CONVERSATION } from '../../dialogs/intake-dialog.js';
import { turnActivityLog, type TurnAppended } from '../bot/turn-stores.js';
import { DIRECT_LINE_CHANNEL_ID, type DirectLineConversation, type DirectLineStore } from './store.js';

export { DIRECT_LINE_CHANNEL_ID };

/** Activity types that only steer the channel and are never shown or stored. */
const NOT_STORED = new Set<string>(['delay', ActivityTypes.InvokeResponse, ActivityTypes.Trace]);

/** The person's activity that a turn of receive() stores once it runs (see `incoming`). */
const INCOMING = Symbol('Direct Line incoming activity');

interface Incoming {
  /** The turn's activity, stamped in place with its id and timestamp when stored. */
  activity: Partial<Activity>;
  stored?: Partial<Activity>;
  landed?: Promise<void>;
  error?: unknown;
}

export interface DirectLineBot {
  /** The bot's identity as the page sees it. */
  account: ChannelAccount;
  logic: (context: TurnContext) => Promise<void>;
}

export class DirectLineAdapter extends BotAdapter {
  /**
   * Last timestamp per recently active conversation: Web Chat orders by timestamp, so each must be
   * later than the last. Bounded: a conversation quiet for long enough needs no memory of it (the
   * clock has moved on since).
   */
  private readonly clock = new LRUCache<string, number>({ max: 10_000 });

  constructor(
    private readonly store: DirectLineStore,
    private readonly bot: DirectLineBot,
    private readonly serviceUrl: string,
  ) {
    super();
  }

  private timestamp(conversationId: string): string {
    const now = Math.max(Date.now(), (this.clock.get(conversationId) ?? 0) + 1);
    this.clock.set(conversationId, now);
    return new Date(now).toISOString();
  }

  private prepare(conversationId: string) {
    return (activity: Partial<Activity>, watermark: number): Partial<Activity> => ({
      ...activity,
      id: `${conversationId}|${String(watermark).padStart(7, '0')}`,
      timestamp: this.timestamp(conversationId) as unknown as Date,
      channelId: DIRECT_LINE_CHANNEL_ID,
      conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
    });
  }

  /**
   * Stores the person's activity and runs it through the bot. Resolves with the stored activity
   * once the bot has finished the turn and the activity and its replies are kept.
   *
   * The activity is stored within its turn (`incoming`, right after the turn lock): on PostgreSQL
   * with the turn's own COMMIT, its watermark following the one read with the lock, so the
   * person's message and the replies cost no round trips of their own.
   */
  async receive(conversation: DirectLineConversation, incoming: Partial<Activity>): Promise<Partial<Activity>> {
    const user: ChannelAccount = { id: conversation.userId, name: incoming.from?.name ?? '', role: 'user' };
    const pending: Incoming = {
      activity: {
        ...incoming,
        from: user,
        recipient: this.bot.account,
        serviceUrl: this.serviceUrl,
        locale: incoming.locale ?? conversation.locale,
        channelId: DIRECT_LINE_CHANNEL_ID,
        conversation: { id: conversation.id, isGroup: false, conversationType: 'personal', name: '' },
      },
    };
    await this.run(pending.activity, pending);
    // A turn that failed before its activity was stored (the store or the turn lock unreachable) fails the request, as the store's own failure did.
    if (!pending.stored) throw pending.error ?? new Error(`the activity for Direct Line conversation ${conversation.id} was not stored: its turn failed before`);
    await pending.landed;
    return pending.stored;
  }

  /**
   * Stores the person's activity of a receive() turn (the turn's context gets its id and
   * timestamp), through the activity log the turn offers (on PostgreSQL the turn lock does), else
   * through the store. Used after the turn lock and before the transcript logger (src/app.ts).
   */
  readonly incoming: Middleware = {
    onTurn: async (context, next) => {
      await this.storeIncoming(context);
      await next();
    },
  };

  private async storeIncoming(context: TurnContext): Promise<void> {
    const pending = context.turnState.get(INCOMING) as Incoming | undefined;
    if (!pending || pending.stored) return;
    try {
      const { stored, landed } = await this.append(context, context.activity.conversation.id, [pending.activity]);
      pending.landed = landed;
      pending.stored = Object.assign(context.activity, stored[0]);
    } catch (err) {
      pending.error = err;
      throw err;
    }
  }

  /** Appends through the turn's activity log when it offers one, else through the store. */
  private async append(context: TurnContext, conversationId: string, activities: Partial<Activity>[]): Promise<TurnAppended> {
    const prepare = this.prepare(conversationId);
    const inTurn = turnActivityLog(context)?.append(conversationId, activities, prepare);
    return inTurn ?? { stored: await this.store.append(conversationId, activities, prepare), landed: Promise.resolve() };
  }

  /**
   * Starts the conversation: the bot sees the person and itself join, as on every channel, and
   * greets. The page's preselections ride along in channelData.
   */
  async start(conversation: DirectLineConversation): Promise<void> {
    const user: ChannelAccount = { id: conversation.userId, name: '', role: 'user' };
    await this.run({
      type: ActivityTypes.ConversationUpdate,
      id: randomUUID(),
      timestamp: new Date(),
      channelId: DIRECT_LINE_CHANNEL_ID,
      serviceUrl: this.serviceUrl,
      conversation: { id: conversation.id, isGroup: false, conversationType: 'personal', name: '' },
      from: user,
      recipient: this.bot.account,
      membersAdded: [this.bot.account, user],
      ...(conversation.locale ? { locale: conversation.locale } : {}),
      channelData: { intake: { municipality: conversation.municipality } },
    });
  }

  private async run(activity: Partial<Activity>, incoming?: Incoming): Promise<void> {
    const context = new TurnContext(this, activity);
    if (incoming) context.turnState.set(INCOMING, incoming);
    // The bot never sees the person's activity unstored (had `incoming` not run as middleware).
    await this.runMiddleware(context, async (turn) => {
      await this.storeIncoming(turn);
      await this.bot.logic(turn);
    });
    // "Keep nothing" (declined consent, Avsluta): the page keeps only this turn's exchange.
    if (context.turnState.get(ERASE_CONVERSATION) && activity.conversation) {
      // After Avsluta the page stops listening: nothing at all is kept.
      const watermark = activity.type === ActivityTypes.EndOfConversation ? undefined : watermarkOf(activity.id);
      await this.store.forgetBefore(activity.conversation.id, watermark ?? Number.MAX_SAFE_INTEGER);
    }
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const conversationId = context.activity.conversation.id;
    const replies = activities
      .filter((a) => !NOT_STORED.has(a.type ?? ''))
      .map((a) => ({
        ...a,
        from: this.bot.account,
        recipient: context.activity.from,
        replyToId: a.replyToId ?? context.activity.id,
        serviceUrl: this.serviceUrl,
      }));
    // Within the turn on PostgreSQL: kept with its COMMIT (the page sees them once the turn is over).
    const stored = replies.length ? (await this.append(context, conversationId, replies)).stored : [];
    // Every activity gets a response, also those not stored (botbuilder expects one per activity).
    let next = 0;
    return activities.map((a) => (NOT_STORED.has(a.type ?? '') ? { id: '' } : { id: stored[next++]?.id ?? '' }));
  }

  override async updateActivity(): Promise<void> {
    throw new Error('Updating a sent activity is not supported on this Direct Line channel.');
  }

  override async deleteActivity(): Promise<void> {
    throw new Error('Deleting a sent activity is not supported on this Direct Line channel.');
  }

  /** Runs proactive logic for a stored conversation; what it sends is queued for the page. */
  override async continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const activity = TurnContext.applyConversationReference({ type: ActivityTypes.Event, name: 'ContinueConversation' }, reference, true);
    const context = new TurnContext(this, activity);
    await this.runMiddleware(context, logic);
  }
}

/** The watermark in one of our activity ids ("<conversation>|0000012"). */
function watermarkOf(id: string | undefined): number | undefined {
  const match = /\|(\d+)$/u.exec(id ?? '');
  return match ? Number(match[1]) : undefined;
}
