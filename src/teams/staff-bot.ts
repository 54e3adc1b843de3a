/**
 * The staff side of the bot in Microsoft Teams: staff identified by their Microsoft Entra object id
 * (data/staff-teams.yaml, with their units) list their units' new cases, open one, take it, close it
 * with a note, and read the conversation, by typed commands or card buttons (Action.Execute invokes,
 * or the Action.Submit fallback of older clients).
 *
 * Secrets stay out of channels: everyone in a channel reads what is posted there, unaudited. So in a
 * channel the bot never shows a case: case commands get a short answer saying how to do it in a
 * personal chat, and a card button pressed in a channel is answered only to the one who pressed it,
 * never by replacing the card. A channel is registered for a contact point's notices only by staff
 * of the organisation that owns it, under a name the directory knows; registration and removal are
 * audited. The bot says hello when it is installed or added to a team. Everything about cases goes
 * through StaffService, so every read and refusal is audited as on the staff page.
 */
import { TeamsActivityHandler, TurnContext, type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue, type Attachment, type ConversationReference } from 'botbuilder';
import type { StaffIdentity } from '../core/staff/access.js';
import type { Directory } from '../core/content/schema.js';
import type { WorkTexts } from '../core/case-text.js';
import { StaffError, type StaffService } from '../staff/service.js';
import { fill, type TeamsBotTexts } from './bot-texts.js';
import { caseCard, listCard, transcriptCard } from './cards.js';
import { channelConversationId, type TeamsChannels } from './channels.js';

const REFERENCE = /\bNV-\d{4}-\d{6}\b/iu;
/**
 * The newest new cases a list card in Teams shows; the card links to the staff page for all of
 * them. Teams refuses a message over about 28 KB, which a card of 40 cases comes close to.
 */
const TEAMS_LIST_LIMIT = 10;

export interface StaffBotOptions {
  service: StaffService;
  /** Members of staff by Entra object id, with their units. */
  people: { find(objectId: string | undefined): Promise<StaffIdentity | undefined> };
  channels: TeamsChannels;
  directory: Directory;
  texts: TeamsBotTexts;
  workTexts: WorkTexts;
  publicUrl: string;
  /** Starts a kitchen-table interview in this chat: the resident's intake takes over the turn. */
  startInterview(context: TurnContext, staff: StaffIdentity): Promise<void>;
}

/** Where a new top-level post in this conversation's channel goes: the channel itself, replying to nothing. */
export function channelReference(context: TurnContext): Partial<ConversationReference> {
  const { activityId: _reply, ...reference } = TurnContext.getConversationReference(context.activity);
  return { ...reference, conversation: { ...reference.conversation!, id: channelConversationId(reference.conversation!.id) } };
}

type Command = keyof TeamsBotTexts['commandWords'];
/** Commands that show or change a case: never answered with case content in a channel. */
const CASE_COMMANDS: readonly Command[] = ['newCases', 'open', 'take', 'close'];

/** A channel or a group chat: others read along. Only a personal chat is private. */
function isShared(context: TurnContext): boolean {
  return context.activity.conversation?.conversationType !== 'personal';
}

export class StaffTeamsBot extends TeamsActivityHandler {
  constructor(private readonly options: StaffBotOptions) {
    super();
    this.onMessage(async (context, next) => {
      const value = context.activity.value as { verb?: unknown; reference?: unknown; unit?: unknown } | undefined;
      // An older client's Action.Submit fallback: the button's verb and data as a message.
      if (value && typeof value.verb === 'string') await this.handleSubmit(context, value);
      else await this.handleCommand(context);
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      await this.welcome(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      if ((context.activity.membersAdded ?? []).some((m) => m.id === context.activity.recipient?.id)) await this.welcome(context);
      await next();
    });
  }

  /** What the bot does and how to register a channel: in a team, or in a personal chat. */
  private async welcome(context: TurnContext): Promise<void> {
    const t = this.options.texts;
    if (!isShared(context)) {
      await context.sendActivity(t.welcomePersonal);
      return;
    }
    // In a team: a post of its own in the channel (the event is in the channel itself), replying to nothing.
    context.onSendActivities(async (_context, activities, next) => {
      for (const a of activities) delete a.replyToId;
      return next();
    });
    await context.sendActivity(fill(t.welcomeTeam, { bot: context.activity.recipient?.name ?? '' }));
  }

  private organisationName(id: string): string {
    return this.options.directory.organisations.find((o) => o.id === id)?.name ?? id;
  }

  /** The command at the start of the text ("stäng NV-2026-000001 klart"), longest words first. */
  private parse(text: string): { command: Command; rest: string } | undefined {
    const normalized = text.trim().replace(/\s+/gu, ' ');
    const words = Object.entries(this.options.texts.commandWords).sort((a, b) => b[1].length - a[1].length) as Array<[Command, string]>;
    for (const [command, phrase] of words) {
      if (normalized.toLowerCase() === phrase || normalized.toLowerCase().startsWith(`${phrase} `)) return { command, rest: normalized.slice(phrase.length).trim() };
    }
    return undefined;
  }

  private async identify(context: TurnContext, quiet = false): Promise<StaffIdentity | undefined> {
    const staff = await this.options.people.find(context.activity.from?.aadObjectId);
    if (!staff) {
      await this.options.service.record(undefined, 'teams', 'case.list', 'denied', `teams:${context.activity.from?.aadObjectId ?? 'unknown'}`);
      if (!quiet) await context.sendActivity(fill(this.options.texts.notRegistered, { objectId: context.activity.from?.aadObjectId ?? '?' }));
    }
    return staff;
  }

  /** A refusal or a missing case, said in Swedish. */
  private explain(err: unknown, reference: string): string {
    if (!(err instanceof StaffError)) throw err;
    const t = this.options.texts;
    if (err.code === 'OutsideUnit') return fill(t.outsideUnit, { reference });
    if (err.code === 'UnitRequired') return fill(t.unitRequired, { reference });
    if (err.status === 403) return fill(t.forbidden, { reference });
    if (err.status === 404) return fill(t.notFound, { reference });
    if (err.status === 409) return fill(t.alreadyClosed, { reference });
    return fill(t.needsReference, { command: t.commandWords.open });
  }

  private caseCard(view: Awaited<ReturnType<StaffService['read']>>): Attachment {
    return caseCard(view.case, view.keyFacts, this.options.texts, this.options.workTexts, this.options.publicUrl, this.options.service.today());
  }

  /** In a shared conversation: refuse a case command, saying how to do it privately, and audit it. */
  private async refuseShared(context: TurnContext, staff: StaffIdentity | undefined, reference: string | undefined): Promise<void> {
    const t = this.options.texts;
    await this.options.service.record(staff, 'teams', 'case.read', 'denied', reference ?? `teams:${channelConversationId(context.activity.conversation.id)}`, undefined, { reason: 'asked in a channel' });
    await context.sendActivity(fill(t.privateOnly, { example: `${t.commandWords.open} ${reference ?? 'NV-2026-000123'}` }));
  }

  private async handleCommand(context: TurnContext): Promise<void> {
    TurnContext.removeRecipientMention(context.activity);
    const t = this.options.texts;
    const parsed = this.parse(context.activity.text ?? '');
    if (!parsed || parsed.command === 'help') {
      await context.sendActivity(parsed ? t.help : t.notUnderstood);
      return;
    }
    if (parsed.command === 'register' || parsed.command === 'unregister') {
      await this.register(context, parsed.rest, parsed.command === 'register');
      return;
    }
    const reference = REFERENCE.exec(parsed.rest)?.[0]?.toUpperCase();
    if (CASE_COMMANDS.includes(parsed.command) && isShared(context)) {
      await this.refuseShared(context, await this.identify(context, true), reference);
      return;
    }
    const staff = await this.identify(context);
    if (!staff) return;
    const { service } = this.options;
    if (parsed.command === 'interview') {
      if (isShared(context)) {
        await context.sendActivity(t.interviewOnlyInChat);
        return;
      }
      await service.record(staff, 'teams', 'interview.start', 'allowed', `teams:${context.activity.conversation.id}`, [staff.organisationId]);
      await context.sendActivity(t.interviewStarted);
      await this.options.startInterview(context, staff);
      return;
    }
    if (!staff.units?.length) {
      await context.sendActivity(t.notInUnit);
      return;
    }
    if (parsed.command === 'newCases') {
      const page = await service.list(staff, { status: 'new' }, 'teams', 'status=new', TEAMS_LIST_LIMIT);
      const organisation = this.organisationName(staff.organisationId);
      await context.sendActivity(page.total ? { attachments: [listCard(page, organisation, t, this.options.publicUrl)] } : fill(t.noCases, { organisation }));
      return;
    }
    if (!reference) {
      await context.sendActivity(fill(t.needsReference, { command: t.commandWords[parsed.command] }));
      return;
    }
    try {
      if (parsed.command === 'open') {
        await context.sendActivity({ attachments: [this.caseCard(await service.read(staff, reference, 'teams'))] });
      } else if (parsed.command === 'take') {
        await service.work(staff, reference, undefined, { kind: 'assignTo', assigneeId: staff.id }, 'teams');
        await context.sendActivity(fill(t.taken, { name: staff.name, reference }));
      } else if (parsed.command === 'close') {
        const note = parsed.rest.replace(REFERENCE, '').trim();
        await service.work(staff, reference, undefined, { kind: 'close', ...(note ? { text: note } : {}) }, 'teams');
        await context.sendActivity(fill(t.closed, { name: staff.name, reference }));
      }
    } catch (err) {
      await context.sendActivity(this.explain(err, reference));
    }
  }

  /**
   * "registrera kanal <namn>" / "avregistrera kanal <namn>" in a team channel: the name must be a
   * teamsChannel of the directory, and the person staff of the organisation whose contact point it
   * is. Either way the attempt is audited.
   */
  private async register(context: TurnContext, name: string, add: boolean): Promise<void> {
    const t = this.options.texts;
    const staff = await this.identify(context);
    if (!staff) return;
    if (context.activity.conversation?.conversationType !== 'channel') {
      await context.sendActivity(t.channelOnlyInTeam);
      return;
    }
    const channel = name.trim().toLowerCase();
    const action = add ? 'teams.channel.register' : 'teams.channel.remove';
    const owners = this.options.directory.organisations.flatMap((o) => o.contacts.filter((c) => c.delivery.teamsChannel === channel).map((c) => ({ organisation: o, contact: c })));
    const where = channelConversationId(context.activity.conversation.id);
    if (!owners.length) {
      await this.options.service.record(staff, 'teams', action, 'denied', `teams-channel:${channel.slice(0, 60)}`, [staff.organisationId], { reason: `unknown channel name; asked in ${where}` });
      await context.sendActivity(fill(t.channelUnknown, { channel: channel.slice(0, 60) }));
      return;
    }
    const organisations = [...new Set(owners.map((o) => o.organisation.id))];
    if (!organisations.includes(staff.organisationId)) {
      await this.options.service.record(staff, 'teams', action, 'denied', `teams-channel:${channel}`, organisations, { reason: `not the owning organisation; asked in ${where}` });
      await context.sendActivity(fill(t.channelNotYours, { channel, organisation: organisations.map((id) => this.organisationName(id)).join(', ') }));
      return;
    }
    if (add) {
      await this.options.channels.register({
        name: channel,
        reference: channelReference(context),
        organisationId: staff.organisationId,
        registeredBy: staff.id,
        registeredAt: new Date().toISOString(),
      });
      await this.options.service.record(staff, 'teams', action, 'allowed', `teams-channel:${channel}`, organisations, { reason: `channel ${where}` });
      await context.sendActivity(fill(t.channelRegistered, { channel, contacts: owners.map((o) => o.contact.name).join(', ') }));
      return;
    }
    const existing = await this.options.channels.find(channel);
    if (!existing || channelConversationId(existing.reference.conversation?.id ?? '') !== where) {
      await context.sendActivity(fill(t.channelNotRegistered, { channel }));
      return;
    }
    await this.options.channels.remove(channel);
    await this.options.service.record(staff, 'teams', action, 'allowed', `teams-channel:${channel}`, organisations, { reason: `channel ${where}` });
    await context.sendActivity(fill(t.channelRemoved, { channel }));
  }

  /**
   * A card button: open, take, transcript. In a personal chat the answer is a card (it replaces the
   * card in place, seen only by that person). In a channel the card is never replaced, since every
   * member would see the new one: the person who pressed gets a short message, nothing from the case.
   */
  private async act(context: TurnContext, verb: string, reference: string, unit: string | undefined): Promise<{ card?: Attachment; text?: string }> {
    const t = this.options.texts;
    const staff = await this.options.people.find(context.activity.from?.aadObjectId);
    const { service } = this.options;
    if (!staff) {
      await service.record(undefined, 'teams', 'case.read', 'denied', reference || undefined);
      return { text: fill(t.notRegistered, { objectId: context.activity.from?.aadObjectId ?? '?' }) };
    }
    try {
      if (isShared(context)) {
        if (verb === 'take') {
          await service.work(staff, reference, unit, { kind: 'assignTo', assigneeId: staff.id }, 'teams');
          return { text: fill(t.takenInChannel, { reference }) };
        }
        await service.record(staff, 'teams', 'case.read', 'denied', reference, undefined, { reason: 'button pressed in a channel' });
        return { text: fill(t.privateOnlyCard, { reference }) };
      }
      switch (verb) {
        case 'open':
          return { card: this.caseCard(await service.read(staff, reference, 'teams')) };
        case 'take':
          await service.work(staff, reference, unit, { kind: 'assignTo', assigneeId: staff.id }, 'teams');
          return { card: this.caseCard(await service.read(staff, reference, 'teams')) };
        case 'transcript':
        {
          const view = await service.read(staff, reference, 'teams');
          return { card: transcriptCard(reference, view.transcript, t, view.shared === 'conversation') };
        }
        default:
          return { text: t.notUnderstood };
      }
    } catch (err) {
      return { text: this.explain(err, reference) };
    }
  }

  /** Action.Execute (Teams 1.5 and later): answered in the invoke's response. */
  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const data = (invokeValue.action?.data ?? {}) as { reference?: unknown; unit?: unknown };
    const unit = typeof data.unit === 'string' ? data.unit : undefined;
    const answer = await this.act(context, invokeValue.action?.verb ?? '', String(data.reference ?? ''), unit);
    if (answer.card) return { statusCode: 200, type: answer.card.contentType, value: answer.card.content as never };
    return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: answer.text as never };
  }

  /** Action.Submit from an older client: answered with a message (privately in a personal chat; in a channel, without the case). */
  private async handleSubmit(context: TurnContext, value: { verb?: unknown; reference?: unknown; unit?: unknown }): Promise<void> {
    const answer = await this.act(context, String(value.verb), String(value.reference ?? ''), typeof value.unit === 'string' ? value.unit : undefined);
    await context.sendActivity(answer.card ? { attachments: [answer.card] } : (answer.text ?? ''));
  }
}
