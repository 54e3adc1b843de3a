/**
 * Staff in Microsoft Teams, driven with msteams activities over /api/messages carrying verified Bot
 * Connector tokens (test/helpers/bot-connector-auth.ts) and a loopback fake Bot Connector: identity
 * from the Entra object id, typed commands, card buttons (Action.Execute invokes answered in the HTTP
 * response), refusals that are audited, a new case posted proactively to a registered channel, and
 * no staff feature at all for an activity whose token is missing, forged, or of another app or tenant.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { parse } from 'yaml';
import { loadTeamsBotTexts } from '../src/teams/bot-texts.js';
import { createApp, type App } from '../src/app.js';
import type { CaseRecord } from '../src/core/cases.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { KARLSTAD_BISTAND, KIL_BISTAND, caseDraft } from './helpers/cases.js';
import { CONFIRM_AND_SHARE, SELF_ANSWERS } from './helpers/answers.js';
import { FakeConnector } from './helpers/fake-connector.js';
import { BotConnectorAuth, type TokenOptions } from './helpers/bot-connector-auth.js';
import { REPO_ROOT, removeDir, tempDir } from './helpers/harness.js';

const ANNA = '00000000-0000-4000-8000-00000000a001'; // Karlstad, from data/staff-teams.yaml
const STRANGER = '00000000-0000-4000-8000-00000000ffff';

describe('staff in Microsoft Teams', function () {
  this.timeout(60000);
  const connector = new FakeConnector();
  let botConnector: BotConnectorAuth;
  let dir: string;
  let app: App;
  let url: string;
  let karlstadCase: CaseRecord;
  let kilCase: CaseRecord;

  function activity(objectId: string, extra: Record<string, unknown>): Record<string, unknown> {
    return botConnector.teamsMessage({ objectId, serviceUrl: connector.url, extra });
  }

  async function say(objectId: string, text: string, extra: Record<string, unknown> = {}, token: TokenOptions = {}): Promise<string> {
    const before = connector.calls.length;
    const res = await botConnector.post(url, activity(objectId, { text, ...extra }), token);
    expect(res.status).to.be.oneOf([200, 201, 202]);
    return JSON.stringify(connector.calls.slice(before).map((c) => c.body));
  }

  before(async () => {
    await connector.start();
    botConnector = await BotConnectorAuth.start();
    dir = await tempDir('intake-teams-');
    // Karlstad's elderly care gets new cases in a Teams channel.
    const contentDir = path.join(dir, 'content');
    await cp(path.join(REPO_ROOT, 'data'), contentDir, { recursive: true });
    const file = path.join(contentDir, 'directory.yaml');
    const yaml = await readFile(file, 'utf8');
    await writeFile(file, yaml.replace('delivery: { email: bistand@karlstad.example, example: true }', 'delivery: { teamsChannel: karlstad-bistand }'));
    const config = loadConfig(
      { ...botConnector.env(), DATA_DIR: path.join(dir, 'data'), CONTENT_DIR: contentDir, LOG_LEVEL: 'silent', OUTBOX_INTERVAL_MS: '50', OUTBOX_RETRY_BASE_MS: '20', URGENT_REMINDER_MINUTES: '0' },
      REPO_ROOT,
    );
    app = await createApp({ ...config, port: 0 }, createLogger('silent'), botConnector.appOptions());
    ({ url } = await app.listen());
    karlstadCase = await app.cases.create(caseDraft([KARLSTAD_BISTAND], { urgent: true }));
    kilCase = await app.cases.create(caseDraft([KIL_BISTAND], { municipality: { id: 'kil', name: 'Kils kommun', scbCode: '1715' } }));
  });
  after(async () => {
    await app.close();
    await connector.stop();
    await botConnector.stop();
    await removeDir(dir);
  });

  it('understands exactly the commands the Teams app suggests (locales/sv/teams.yaml)', async () => {
    const suggested = (parse(await readFile(path.join(REPO_ROOT, 'locales', 'sv', 'teams.yaml'), 'utf8')) as { commands: Array<{ title: string }> }).commands.map((c) => c.title.split(' <')[0]);
    const words = Object.values(loadTeamsBotTexts(path.join(REPO_ROOT, 'locales')).commandWords);
    for (const title of suggested) expect(words, `"${title}" from teams.yaml`).to.include(title);
  });

  it('refuses someone who is not registered staff, and says how to get access', async () => {
    const reply = await say(STRANGER, 'nya ärenden');
    expect(reply).to.include('Du finns inte med bland personalen');
    expect(reply).to.include(STRANGER);
    const last = (await app.audit.entries()).at(-1)!;
    expect(last).to.include({ outcome: 'denied', actor: 'anonymous' });
  });

  it('lists new cases of the staff member\'s organisation only, and opens one with its summary', async () => {
    const list = await say(ANNA, 'nya ärenden');
    expect(list).to.include('application/vnd.microsoft.card.adaptive');
    expect(list).to.include(karlstadCase.reference);
    expect(list).not.to.include(kilCase.reference);
    const opened = await say(ANNA, `öppna ${karlstadCase.reference}`);
    expect(opened).to.include('BRÅDSKANDE');
    expect(opened).to.include('Jag bor ensam och trappan är svår.');
    const entries = (await app.audit.entries()).slice(-2);
    expect(entries.map((e) => [e.action, e.outcome, e.from])).to.deep.equal([
      ['case.read', 'allowed', 'teams'],
      ['transcript.read', 'allowed', 'teams'],
    ]);
  });

  it('shows the ten newest of many new cases, with how many there are and a link to all on the staff page', async () => {
    const more = [];
    for (let i = 0; i < 11; i++) more.push(await app.cases.create(caseDraft([KARLSTAD_BISTAND])));
    const reply = await say(ANNA, 'nya ärenden');
    const card = (JSON.parse(reply) as Array<{ attachments?: Array<{ content: { body: Array<{ text?: string }>; actions?: Array<{ type: string; url?: string }> } }> }>)[0]!.attachments![0]!.content;
    const shown = more.map((c) => c.reference).filter((r) => reply.includes(r));
    expect(shown, 'the ten newest').to.deep.equal(more.slice(1).map((c) => c.reference));
    expect(reply).not.to.include(karlstadCase.reference);
    expect(card.body[0]!.text).to.equal('Nya ärenden till Karlstads kommun (12)');
    expect(card.body[1]!.text).to.equal('De 10 senaste av 12 visas här. Alla finns på personalsidan.');
    expect(card.actions!.map((a) => [a.type, (a as { title?: string }).title])).to.deep.equal([['Action.OpenUrl', 'Alla nya ärenden på personalsidan']]);
    expect(card.actions![0]!.url).to.match(/^http:\/\/[^/]+\/staff\/#\/cases\?status=new$/u);
    // Teams refuses a message over about 28 KB.
    expect(Buffer.byteLength(JSON.stringify(card))).to.be.below(28_000);
    for (const c of more) await app.cases.update(c.reference, (r) => ({ ...r, status: 'closed' }));
  });

  it('refuses another organisation\'s case, in Swedish, and audits the attempt', async () => {
    const reply = await say(ANNA, `öppna ${kilCase.reference}`);
    expect(reply).to.include('skickades inte till din verksamhet');
    expect(reply).not.to.include('trappan');
    const last = (await app.audit.entries()).at(-1)!;
    expect(last).to.include({ action: 'case.read', outcome: 'denied', target: kilCase.reference, actor: ANNA });
    expect(await say(ANNA, 'öppna')).to.include('Skriv ärendets referens också');
    expect(await say(ANNA, 'vad kan du')).to.include('Skriv \\"hjälp\\"');
  });

  it('takes a case with a card button (an invoke answered with the updated card)', async () => {
    const res = await botConnector.post(
      url,
      activity(ANNA, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'take', data: { reference: karlstadCase.reference } } } }),
    );
    expect(res.status).to.equal(200);
    const body = (await res.json()) as { statusCode: number; type: string; value: { body: Array<{ text?: string }> } };
    expect(body.statusCode).to.equal(200);
    expect(body.type).to.equal('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(body.value)).to.include('taget av Anna Exempel');
    expect((await app.cases.get(karlstadCase.reference))!.status).to.equal('taken');
  });

  it('closes a case with a note typed after the reference', async () => {
    expect(await say(ANNA, `stäng ${karlstadCase.reference} Hembesök bokat till tisdag.`)).to.include('är stängt av Anna Exempel');
    const closed = (await app.cases.get(karlstadCase.reference))!;
    expect(closed.status).to.equal('closed');
    expect(closed.events?.at(-1)).to.include({ action: 'closed', note: 'Hembesök bokat till tisdag.', byName: 'Anna Exempel' });
  });

  it('posts a new case to the channel registered for its contact point', async () => {
    const channelConversation = '19:karlstad-bistand@thread.tacv2';
    const registered = await say(ANNA, '<at>Intag</at> registrera kanal karlstad-bistand', {
      conversation: { id: channelConversation, conversationType: 'channel', isGroup: true, tenantId: botConnector.tenantId },
      channelData: { team: { id: '19:team@thread.tacv2', name: 'Äldreomsorg' }, channel: { id: channelConversation, name: 'Nya ärenden' }, tenant: { id: botConnector.tenantId } },
      entities: [{ type: 'mention', mentioned: { id: `28:${botConnector.appId}`, name: 'Intag' }, text: '<at>Intag</at>' }],
    });
    expect(registered).to.include('visas nu i den här kanalen');

    const before = connector.calls.length;
    const record = await app.cases.create(caseDraft([KARLSTAD_BISTAND]));
    await app.delivery.caseCreated(record.reference);
    await connector.waitFor(before + 1);
    const posted = connector.calls.slice(before).find((c) => c.path.startsWith(`/v3/conversations/${encodeURIComponent(channelConversation)}/activities`));
    expect(posted, 'a proactive post to the channel').to.exist;
    expect(JSON.stringify(posted!.body)).to.include(record.reference);
    // The channel notice carries no answers: whoever opens it is checked first.
    expect(JSON.stringify(posted!.body)).not.to.include('trappan');
    // The connector has the post a moment before the outbox records the delivery.
    for (let i = 0; i < 100 && (await app.outbox.forCase(record.reference)).some((item) => item.status === 'pending'); i++) await new Promise((r) => setTimeout(r, 20));
    const items = await app.outbox.forCase(record.reference);
    expect(items.map((i) => [i.target.kind, i.status])).to.deep.equal([['teams', 'delivered']]);
  });

  it('runs a kitchen-table interview with a resident in the staff member\'s chat; the case is marked staff-assisted', async () => {
    const CECILIA = '00000000-0000-4000-8000-00000000a002'; // Region Värmland in data/staff-teams.yaml
    const started = await say(CECILIA, 'nytt samtal');
    expect(started).to.include('Nu börjar samtalet med invånaren');
    expect(started).to.include('Vill du fortsätta?');
    for (const answer of [...SELF_ANSWERS, ...CONFIRM_AND_SHARE]) await say(CECILIA, answer);
    const cases = await app.cases.list();
    const assisted = cases.find((c) => c.conversation.channelId === 'msteams');
    expect(assisted, 'a case from the Teams chat').to.exist;
    expect(assisted!.assistedBy).to.deep.include({ name: 'Cecilia Testsson', organisationId: 'region_varmland' });
    // The interview is over: the chat is the staff bot again, and the resident's answers were kept as a transcript.
    expect(await say(CECILIA, 'hjälp')).to.include('Det här kan du skriva');
    const transcript = await app.transcripts.getTranscriptActivities('msteams', assisted!.conversation.conversationId);
    expect(transcript.items.some((a) => a.text === 'Att kunna bo kvar hemma och träffa mina barnbarn.')).to.equal(true);
    expect((await app.audit.entries()).some((e) => e.action === 'interview.start' && e.actor === CECILIA)).to.equal(true);
  });

  it('answers no staff feature to an activity whose token is missing, forged, expired, for another app, or from another tenant', async () => {
    const waiting = await app.cases.create(caseDraft([KARLSTAD_BISTAND], { urgent: true }));
    const callsBefore = connector.calls.length;
    const auditBefore = (await app.audit.entries()).length;
    const list = activity(ANNA, { text: 'nya ärenden' });
    expect((await botConnector.post(url, list, { token: false })).status, 'no token').to.equal(401);
    for (const forge of ['stranger-key', 'expired', 'other-app', 'other-issuer', 'other-serviceurl'] as const) {
      expect((await botConnector.post(url, list, { forge })).status, forge).to.equal(401);
    }
    // A valid token of this app, but the activity or its token is from another tenant: no answer at all.
    const otherTenant = randomUUID();
    const fromOtherTenant = activity(ANNA, {
      text: 'nya ärenden',
      conversation: { id: `a:personal-${ANNA}`, conversationType: 'personal', tenantId: otherTenant },
      channelData: { tenant: { id: otherTenant } },
    });
    expect((await botConnector.post(url, fromOtherTenant, { tenantId: otherTenant })).status).to.equal(200);
    expect((await botConnector.post(url, list, { tenantId: otherTenant })).status, 'a token of another tenant').to.equal(200);
    const take = activity(ANNA, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'take', data: { reference: waiting.reference } } } });
    expect((await botConnector.post(url, take, { tenantId: otherTenant })).status).to.equal(400);
    expect((await botConnector.post(url, take, { forge: 'stranger-key' })).status).to.equal(401);
    expect((await botConnector.post(url, activity(ANNA, { text: 'nytt samtal' }), { forge: 'other-app' })).status).to.equal(401);
    expect(connector.calls.length, 'nothing was said to anyone').to.equal(callsBefore);
    expect((await app.cases.get(waiting.reference))!.status).to.equal('new');
    expect((await app.audit.entries()).length, 'nothing was read').to.equal(auditBefore);
    expect(await app.kitchenTables.get(`a:personal-${ANNA}`)).to.equal(undefined);
    // The bot's own replies carry its token (from the helper, standing in for Microsoft Entra ID).
    await say(ANNA, 'hjälp');
    expect(connector.calls.at(-1)!.authorization).to.match(/^Bearer ey/u);
  });
});
