/**
 * The intake as a botbuilder dialog: a thin adapter that hands each turn to the channel-neutral
 * InterviewEngine (src/core) and keeps the engine's JSON state in the dialog's own state, which
 * ConversationState saves after every turn. Everything the resident reads comes from locales/.
 */
import { ActivityTypes, EventFactory, type TurnContext } from 'botbuilder';
// From its own modules, as in src/bot/intake-bot.ts: not the index, which loads every prompt.
import { Dialog, type DialogTurnResult } from 'botbuilder-dialogs/lib/dialog.js';
import type { DialogContext } from 'botbuilder-dialogs/lib/dialogContext.js';
import type { InterviewEngine, Input, StartPreset } from '../src/core/interview/engine.js';
import type { TurnResult } from '../src/core/interview/replies.js';
import type { InterviewState } from '../src/core/interview/state.js';
import { renderReplies } from '../src/bot/render.js';

export const INTAKE_DIALOG_ID = 'intake';

/** Key in turnState: set when everything about the conversation must be erased after this turn. */
export const ERASE_CONVERSATION = Symbol('eraseConversation');

/** Key in turnState: the reference of a case created in this turn. */
export const CASE_CREATED = Symbol('caseCreated');

/**
 * Where the interview stands, as a page needs it to say truthfully what ending means: 'sentNow'
 * (an urgent case was sent during the interview; it stays with its recipient whatever happens) or
 * 'done' (the case is sent; ending only closes the chat). Absent while nothing has been sent (then
 * ending erases the answers). Carried in `channelData.intakeState` on the last activity of a turn.
 */
export interface IntakeStage {
  stage: 'sentNow' | 'done';
  reference: string;
}

/** The channels the web widget talks through. */
const WIDGET_CHANNELS = new Set(['directline', 'webchat']);

export function intakeStage(state: InterviewState | undefined): IntakeStage | undefined {
  if (state?.phase === 'done' && state.caseReference) return { stage: 'done', reference: state.caseReference };
  if (state?.sentNow) return { stage: 'sentNow', reference: state.sentNow.reference };
  return undefined;
}

interface IntakeDialogState {
  interview: InterviewState;
  /** The id of the last message handled, saved with the interview in the same write. */
  lastMessageId?: string;
}

/**
 * What identifies a message across deliveries: Web Chat's own id for what the person sent (our Direct
 * Line gives a retried POST a new activity id), else the channel's activity id.
 */
export function messageIdOf(context: TurnContext): string | undefined {
  const clientId = (context.activity.channelData as { clientActivityID?: unknown } | undefined)?.clientActivityID;
  return typeof clientId === 'string' && clientId ? clientId : context.activity.id || undefined;
}

/** What the resident sent, in the engine's terms. */
export function inputFrom(context: TurnContext): Input {
  const activity = context.activity;
  if (activity.value !== undefined && activity.value !== null && typeof activity.value === 'object' && !activity.text) {
    return { kind: 'submit', data: activity.value };
  }
  const hasText = typeof activity.text === 'string' && activity.text.trim().length > 0;
  if (!hasText && (activity.attachments?.length ?? 0) > 0) return { kind: 'unsupported' };
  return { kind: 'text', text: typeof activity.text === 'string' ? activity.text : '' };
}

/** What the channel knows before the interview starts (the municipality's page preselects itself). */
export type PresetLookup = (context: TurnContext) => Promise<StartPreset>;

/** The preset a page sent along with the conversation start, in channelData.intake. */
export const presetFromChannelData: PresetLookup = async (context) => {
  const intake = (context.activity.channelData as { intake?: { municipality?: unknown } } | undefined)?.intake;
  return typeof intake?.municipality === 'string' ? { municipality: intake.municipality } : {};
};

export class IntakeDialog extends Dialog<Record<string, never>> {
  constructor(
    private readonly engine: InterviewEngine,
    private readonly presetFor: PresetLookup = presetFromChannelData,
  ) {
    super(INTAKE_DIALOG_ID);
  }

  /** Greets and asks for consent. */
  override async beginDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const result = this.engine.start(dc.context.activity.locale, await this.presetFor(dc.context));
    return this.apply(dc, result);
  }

  /** Hands the turn's message to the engine. */
  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (dc.context.activity.type !== ActivityTypes.Message) return Dialog.EndOfTurn;
    const dialogState = dc.activeDialog!.state as IntakeDialogState;
    const { channelId, conversation } = dc.context.activity;
    const info = { channelId, conversationId: conversation.id };
    const messageId = messageIdOf(dc.context);
    // The same message again (a retry after a crash): already handled, it must not be applied twice.
    if (messageId && messageId === dialogState.lastMessageId) return this.apply(dc, this.engine.again(dialogState.interview, info));
    const result = await this.engine.handle(dialogState.interview, inputFrom(dc.context), info);
    if (messageId) dialogState.lastMessageId = messageId;
    return this.apply(dc, result);
  }

  private async apply(dc: DialogContext, result: TurnResult): Promise<DialogTurnResult> {
    const locale = result.state?.locale ?? dc.context.activity.locale;
    const activities = renderReplies(result.replies, dc.context.activity.channelId, this.engine.texts(locale));
    // For the web widget only (Web Chat over Direct Line; Teams has its own channelData): where the
    // interview stands, so that "Avsluta" says what ending means, and its language (a locales/
    // folder), so that the widget's own buttons and Web Chat's send box follow a switch ("english
    // please") instead of staying in the page's language.
    const last = activities.at(-1);
    if (last && result.state && WIDGET_CHANNELS.has(dc.context.activity.channelId)) {
      const stage = intakeStage(result.state);
      last.channelData = { ...(last.channelData as Record<string, unknown> | undefined), ...(stage ? { intakeState: stage } : {}), intakeLanguage: result.state.locale };
    }
    if (activities.length) await dc.context.sendActivities(activities);
    // Asked for a person: channels with live-agent handoff (such as Omnichannel) act on this event.
    if (result.effects.handoff) {
      await dc.context.sendActivity(EventFactory.createHandoffInitiation(dc.context, { contactName: result.effects.handoff.contactName }));
    }
    if (result.effects.caseCreated) dc.context.turnState.set(CASE_CREATED, result.effects.caseCreated);
    if (result.effects.erase || !result.state) {
      dc.context.turnState.set(ERASE_CONVERSATION, true);
      return dc.endDialog();
    }
    (dc.activeDialog!.state as IntakeDialogState).interview = result.state;
    return Dialog.EndOfTurn;
  }
}
