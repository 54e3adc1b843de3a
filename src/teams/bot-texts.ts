/** What the staff bot says in Teams (locales/sv/teams-bot.yaml), checked at start-up. */
import path from 'node:path';
import { z } from 'zod';
import { parseFile } from '../core/content/load.js';
import { fill } from '../delivery/staff-texts.js';

const text = z.string().min(1);
const schema = z.strictObject({
  commandWords: z.strictObject({ newCases: text, open: text, take: text, close: text, help: text, register: text, unregister: text, interview: text }),
  help: text,
  notRegistered: text,
  notInUnit: text,
  notUnderstood: text,
  needsReference: text,
  noCases: text,
  listTitle: text,
  listNewest: text,
  urgent: text,
  notFound: text,
  forbidden: text,
  outsideUnit: text,
  alreadyClosed: text,
  unitRequired: text,
  taken: text,
  closed: text,
  privateOnly: text,
  privateOnlyCard: text,
  takenInChannel: text,
  channelRegistered: text,
  channelRemoved: text,
  channelUnknown: text,
  channelNotYours: text,
  channelNotRegistered: text,
  channelOnlyInTeam: text,
  welcomePersonal: text,
  welcomeTeam: text,
  interviewStarted: text,
  interviewOnlyInChat: text,
  card: z.strictObject({
    newCase: text,
    case: text,
    created: text,
    municipality: text,
    topics: text,
    sip: text,
    unit: text,
    status: text,
    takenBy: text,
    due: text,
    overdue: text,
    keyFacts: text,
    summary: text,
    open: text,
    take: text,
    transcript: text,
    transcriptTitle: text,
    transcriptNotAgreed: text,
    resident: text,
    assistant: text,
    staffPage: text,
    allNew: text,
  }),
});
export type TeamsBotTexts = z.infer<typeof schema>;

export function loadTeamsBotTexts(localesDir: string): TeamsBotTexts {
  return parseFile(schema, path.join(localesDir, 'sv', 'teams-bot.yaml'));
}

export { fill };
