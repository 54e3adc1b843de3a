/**
 * What POST /api/messages lets through to a turn, decided before the turn runs. The shape first
 * (400), then who may send it:
 * - the channel must be one Bot Framework knows (or `terminal`, `npm run chat`): the channel names a
 *   folder and caches, and no real channel is called anything else;
 * - Microsoft Teams (the staff features) only with a verified Bot Connector token;
 * - the web chat's own conversations (channel `directline` with the embedded Direct Line) only through
 *   /v3/directline with their token, never here; Azure's Direct Line or Web Chat only with a token or
 *   from this machine;
 * - the service URL the replies go to passes `serviceUrlRefusal` (https, public).
 * Without an app id, whether a client other than this machine may send at all is the server's check
 * (ALLOW_UNAUTHENTICATED_BOT), made before this one.
 */
import { Channels } from 'botbuilder';
import { z } from 'zod';
import { serviceUrlRefusal, type AddressRange } from './service-urls.js';

/** The channel of `npm run chat` (src/chat/terminal-chat.ts). */
export const TERMINAL_CHANNEL_ID = 'terminal';
/** The channel whose activities reach the staff features. */
export const STAFF_CHANNEL_ID = Channels.Msteams;

export const KNOWN_CHANNELS: ReadonlySet<string> = new Set<string>([...Object.values(Channels), TERMINAL_CHANNEL_ID]);

/** Long enough for any channel's ids (Teams' thread ids with ;messageid=… are a few hundred characters). */
const MAX_ID = 1024;

const id = (what: string) => z.string({ message: `${what} must be a string` }).max(MAX_ID, `${what} is longer than ${MAX_ID} characters`);

/** The least an activity needs before the adapter sees it; other fields pass as they are. */
export const inboundActivity = z
  .object({
    type: z.string({ message: 'activity.type is missing' }).min(1, 'activity.type is empty').max(64, 'activity.type is too long'),
    id: id('activity.id').optional(),
    conversation: z
      .object({ id: id('activity.conversation.id').min(1, 'activity.conversation.id is empty') }, { message: 'activity.conversation is missing' })
      .loose(),
    serviceUrl: z.string({ message: 'activity.serviceUrl is missing' }).min(1, 'activity.serviceUrl is empty').max(2048, 'activity.serviceUrl is too long'),
    channelId: z.string({ message: 'activity.channelId is missing' }).min(1, 'activity.channelId is empty').max(64, 'activity.channelId is too long'),
    from: z.object({ id: id('activity.from.id') }, { message: 'activity.from is missing' }).loose().optional(),
    recipient: z.object({ id: id('activity.recipient.id') }, { message: 'activity.recipient must be an object' }).loose().optional(),
    text: z.string({ message: 'activity.text must be a string' }).optional(),
  })
  .loose();

/** A locale tag such as sv-SE or sv-lattlast; anything else is not one. */
const LOCALE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$/u;

/** Drops a locale that is not a locale tag ("__proto__", 5, {}), so the default language is used. */
export function withoutBadLocale<T extends { locale?: unknown }>(activity: T): T {
  if (activity.locale !== undefined && !(typeof activity.locale === 'string' && LOCALE_TAG.test(activity.locale))) delete activity.locale;
  return activity;
}

export interface InboundSender {
  /** The activity carried a Bot Connector token that was verified. */
  authenticated: boolean;
  /** The client is this machine (see src/http/client-address.ts). */
  loopback: boolean;
}

export interface InboundRules {
  /** Our own Direct Line serves the web chat (DIRECTLINE_MODE=embedded): its channel is not reachable here. */
  embeddedDirectLine: boolean;
  privateServiceUrlRanges: readonly AddressRange[];
}

export interface Refusal {
  status: 400 | 401 | 403;
  code: string;
  message: string;
}

type Checked = z.infer<typeof inboundActivity>;

/** Why this activity may not run a turn, or undefined when it may. */
export function inboundRefusal(activity: Checked, sender: InboundSender, rules: InboundRules): Refusal | undefined {
  const channel = activity.channelId;
  if (!KNOWN_CHANNELS.has(channel)) return { status: 400, code: 'BadRequest', message: `activity.channelId "${channel.slice(0, 64)}" is not a Bot Framework channel.` };
  if (channel === STAFF_CHANNEL_ID && !sender.authenticated) {
    return { status: 401, code: 'Unauthorized', message: 'Microsoft Teams activities need a verified Bot Connector token (set MicrosoftAppId).' };
  }
  const webChat = channel === Channels.Directline || channel === Channels.Webchat;
  if ((channel === Channels.Directline && rules.embeddedDirectLine) || (webChat && !sender.authenticated && !sender.loopback)) {
    return { status: 403, code: 'Forbidden', message: 'Web chat conversations are reached through /v3/directline with their own token, not here.' };
  }
  const refused = serviceUrlRefusal(activity.serviceUrl, { allowLoopback: sender.authenticated || sender.loopback, privateRanges: rules.privateServiceUrlRanges });
  if (refused) return { status: 400, code: 'BadRequest', message: `activity.serviceUrl is refused: ${refused}.` };
  return undefined;
}
