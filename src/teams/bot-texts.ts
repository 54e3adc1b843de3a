/** What the staff bot says in Teams (locales/sv/teams-bot.yaml), checked at start-up. */
import path from 'node:path';
import { z } from 'zod';
import { parseFile } from '../core/content/load.js';
import { fill } from '../delivery/staff-texts.js';

const text = z.string().min(1);
const schema = z.strictObject({
  commandWords: z.strictObject({ newCases: text, open: text, take: text, close: text, help: text, register: text, interview: text }),
  help: text,
  notRegistered: text,
  notUnderstood: text,
  needsReference: text,
  noCases: text,
  listTitle: text,
  listNewest: text,
  urgent: text,
  notFound: text,
  forbidden: text,
  alreadyClosed: text,
  taken: text,
  closed: text,
  channelRegistered: text,
  channelOnlyInTeam: text,
  interviewStarted: text,
  interviewOnlyInChat: text,
  card: z.strictObject({
    newCase: text,
    created: text,
    municipality: text,
    topics: text,
    sip: text,
    status: text,
    statusNew: text,
    statusTaken: text,
    statusClosed: text,
    open: text,
    take: text,
    transcript: text,
    transcriptTitle: text,
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
