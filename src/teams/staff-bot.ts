/**
 * The staff side of the bot in Microsoft Teams: staff identified by their Microsoft Entra object id
 * (data/staff-teams.yaml) list their organisation's new cases, open one, take it, close it with a
 * note, and read the conversation, by typed commands or card buttons (Action.Execute invokes, which
 * replace the card in place). A channel is named for proactive case notices with "registrera kanal".
 * Everything goes through StaffService, so every read and refusal is audited as on the staff page.
 */
import { TeamsActivityHandler, TurnContext, type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue, type Attachment } from 'botbuilder';
import type { StaffIdentity } from '../core/staff/access.js';
import type { Directory } from '../core/content/schema.js';
import { StaffError, type StaffService } from '../staff/service.js';
import { fill, type TeamsBotTexts } from './bot-texts.js';
import { caseCard, listCard, transcriptCard } from './cards.js';
import type { TeamsChannels } from './channels.js';
import type { TeamsStaffDirectory } from './staff-directory.js';

const REFERENCE = /\bNV-\d{4}-\d{6}\b/iu;
/**
 * The newest new cases a list card in Teams shows; the card links to the staff page for all of
 * them. Teams refuses a message over about 28 KB, which a card of 40 cases comes close to.
 */
const TEAMS_LIST_LIMIT = 10;

export interface StaffBotOptions {
  service: StaffService;
  people: TeamsStaffDirectory;
  channels: TeamsChannels;
  directory: Directory;
  texts: TeamsBotTexts;
  publicUrl: string;
  /** Starts a kitchen-table interview in this chat: the resident's intake takes over the turn. */
  startInterview(context: TurnContext, staff: StaffIdentity): Promise<void>;
}

type Command = keyof TeamsBotTexts['commandWords'];

export class StaffTeamsBot extends TeamsActivityHandler {
  constructor(private readonly options: StaffBotOptions) {
    super();
    this.onMessage(async (context, next) => {
      await this.handleCommand(context);
      await next();
    });
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

  private async identify(context: TurnContext): Promise<StaffIdentity | undefined> {
    const staff = this.options.people.find(context.activity.from?.aadObjectId);
    if (!staff) {
      await this.options.service.record(undefined, 'teams', 'case.list', 'denied', `teams:${context.activity.from?.aadObjectId ?? 'unknown'}`);
      await context.sendActivity(fill(this.options.texts.notRegistered, { objectId: context.activity.from?.aadObjectId ?? '?' }));
    }
    return staff;
  }

  /** A refusal or a missing case, said in Swedish. */
  private explain(err: unknown, reference: string): string {
    if (!(err instanceof StaffError)) throw err;
    const t = this.options.texts;
    if (err.status === 403) return fill(t.forbidden, { reference });
    if (err.status === 404) return fill(t.notFound, { reference });
    if (err.status === 409) return fill(t.alreadyClosed, { reference });
    return fill(t.needsReference, { command: t.commandWords.open });
  }

  private async handleCommand(context: TurnContext): Promise<void> {
    TurnContext.removeRecipientMention(context.activity);
    const t = this.options.texts;
    const parsed = this.parse(context.activity.text ?? '');
    if (!parsed || parsed.command === 'help') {
      await context.sendActivity(parsed ? t.help : t.notUnderstood);
      return;
    }
    if (parsed.command === 'register') {
      await this.register(context, parsed.rest);
      return;
    }
    const staff = await this.identify(context);
    if (!staff) return;
    const { service } = this.options;
    if (parsed.command === 'interview') {
      if (context.activity.conversation?.conversationType === 'channel') {
        await context.sendActivity(t.interviewOnlyInChat);
        return;
      }
      await service.record(staff, 'teams', 'interview.start', 'allowed', `teams:${context.activity.conversation.id}`, [staff.organisationId]);
      await context.sendActivity(t.interviewStarted);
      await this.options.startInterview(context, staff);
      return;
    }
    if (parsed.command === 'newCases') {
      const page = await service.list(staff, { status: 'new' }, 'teams', 'status=new', TEAMS_LIST_LIMIT);
      const organisation = this.organisationName(staff.organisationId);
      await context.sendActivity(page.total ? { attachments: [listCard(page, organisation, t, this.options.publicUrl)] } : fill(t.noCases, { organisation }));
      return;
    }
    const reference = REFERENCE.exec(parsed.rest)?.[0]?.toUpperCase();
    if (!reference) {
      await context.sendActivity(fill(t.needsReference, { command: t.commandWords[parsed.command] }));
      return;
    }
    try {
      if (parsed.command === 'open') {
        const view = await service.read(staff, reference, 'teams');
        await context.sendActivity({ attachments: [caseCard(view.case, t, this.options.publicUrl)] });
      } else if (parsed.command === 'take') {
        await service.change(staff, reference, 'case.take', undefined, 'teams');
        await context.sendActivity(fill(t.taken, { name: staff.name, reference }));
      } else if (parsed.command === 'close') {
        const note = parsed.rest.replace(REFERENCE, '').trim();
        await service.change(staff, reference, 'case.close', note || undefined, 'teams');
        await context.sendActivity(fill(t.closed, { name: staff.name, reference }));
      }
    } catch (err) {
      await context.sendActivity(this.explain(err, reference));
    }
  }

  /** "registrera kanal <namn>" in a team channel: case notices for that name are posted here. */
  private async register(context: TurnContext, name: string): Promise<void> {
    const t = this.options.texts;
    const staff = await this.identify(context);
    if (!staff) return;
    if (context.activity.conversation?.conversationType !== 'channel') {
      await context.sendActivity(t.channelOnlyInTeam);
      return;
    }
    const channel = name.trim().toLowerCase();
    if (!/^[a-z0-9_-]+$/u.test(channel)) {
      await context.sendActivity(t.notUnderstood);
      return;
    }
    await this.options.channels.register(channel, TurnContext.getConversationReference(context.activity));
    await context.sendActivity(fill(t.channelRegistered, { channel }));
  }

  /** Card buttons (Action.Execute): open, take, transcript. The answer replaces the card. */
  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const t = this.options.texts;
    const staff = this.options.people.find(context.activity.from?.aadObjectId);
    const reference = String((invokeValue.action?.data as { reference?: unknown } | undefined)?.reference ?? '');
    const message = (text: string): AdaptiveCardInvokeResponse => ({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text as never });
    const card = (attachment: Attachment): AdaptiveCardInvokeResponse => ({ statusCode: 200, type: attachment.contentType, value: attachment.content as never });
    if (!staff) {
      await this.options.service.record(undefined, 'teams', 'case.read', 'denied', reference || undefined);
      return message(fill(t.notRegistered, { objectId: context.activity.from?.aadObjectId ?? '?' }));
    }
    try {
      switch (invokeValue.action?.verb) {
        case 'open':
          return card(caseCard((await this.options.service.read(staff, reference, 'teams')).case, t, this.options.publicUrl));
        case 'take':
          return card(caseCard(await this.options.service.change(staff, reference, 'case.take', undefined, 'teams'), t, this.options.publicUrl));
        case 'transcript': {
          const view = await this.options.service.read(staff, reference, 'teams');
          return card(transcriptCard(reference, view.transcript, t));
        }
        default:
          return message(t.notUnderstood);
      }
    } catch (err) {
      return message(this.explain(err, reference));
    }
  }
}
