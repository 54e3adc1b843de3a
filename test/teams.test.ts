/**
 * Staff in Microsoft Teams, driven with msteams activities as Teams sends them (a personal chat, a
 * channel message with an @mention, adaptiveCard/action invokes, the Action.Submit fallback of older
 * clients, conversationUpdate and installationUpdate) over /api/messages and a loopback fake Bot
 * Connector: identity from the Entra object id, typed commands, card buttons, refusals that are
 * audited, nothing from a case ever posted to a channel, channel registration only by the owning
 * organisation (audited), notices as new top-level posts, and every card validated as Adaptive
 * Cards 1.5 by the adaptivecards parser. Every activity carries a verified Bot Connector token
 * (test/helpers/bot-connector-auth.ts); without one, or with a forged one or one of another app or
 * tenant, no staff feature answers at all.
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
import { adaptiveCards, cardProblems } from './helpers/adaptive-cards.js';
import { BotConnectorAuth, type TokenOptions } from './helpers/bot-connector-auth.js';
import { REPO_ROOT, removeDir, tempDir } from './helpers/harness.js';

const ANNA = '00000000-0000-4000-8000-00000000a001'; // Karlstad, from data/staff-teams.yaml
const CECILIA = '00000000-0000-4000-8000-00000000a002'; // Region Värmland in data/staff-teams.yaml
const STRANGER = '00000000-0000-4000-8000-00000000ffff';
const CHANNEL = '19:karlstad-bistand@thread.tacv2';
/** A message in a thread of the channel: Teams names the conversation by the channel and the thread's first message. */
const IN_THREAD = `${CHANNEL};messageid=1733300000000`;

let botConnector: BotConnectorAuth;

/** A message in a team channel, as Teams sends it: the bot @mentioned, the team and channel in channelData. */
function inChannel(conversationId = IN_THREAD): Record<string, unknown> {
  return {
    conversation: { id: conversationId, conversationType: 'channel', isGroup: true, tenantId: botConnector.tenantId },
    channelData: { team: { id: '19:team@thread.tacv2', name: 'Äldreomsorg' }, channel: { id: CHANNEL, name: 'Nya ärenden' }, tenant: { id: botConnector.tenantId } },
    entities: [{ type: 'mention', mentioned: { id: `28:${botConnector.appId}`, name: 'Intag' }, text: '<at>Intag</at>' }],
  };
}

describe('staff in Microsoft Teams', function () {
  this.timeout(60000);
  const connector = new FakeConnector();
  let dir: string;
  let app: App;
  let url: string;
  let karlstadCase: CaseRecord;
  let kilCase: CaseRecord;

  function activity(objectId: string, extra: Record<string, unknown>): Record<string, unknown> {
    return botConnector.teamsMessage({ objectId, serviceUrl: connector.url, extra });
  }

  /** Every card the staff bot sent or answered with, for the 1.5 check at the end. */
  const seenCards: unknown[] = [];
  /** Off while a resident's kitchen-table interview runs: its cards are the intake's (Action.Submit only, 1.4). */
  let collecting = true;

  async function send(objectId: string, extra: Record<string, unknown>, token: TokenOptions = {}): Promise<{ posted: Array<{ path: string; body: Record<string, unknown> }>; response: unknown }> {
    const before = connector.calls.length;
    const res = await botConnector.post(url, activity(objectId, extra), token);
    expect(res.status).to.be.oneOf([200, 201, 202]);
    const text = await res.text();
    const response = text ? (JSON.parse(text) as unknown) : undefined;
    const posted = connector.calls.slice(before).map((c) => ({ path: c.path, body: c.body }));
    if (collecting) seenCards.push(...adaptiveCards([...posted.map((p) => p.body), response]));
    return { posted, response };
  }

  async function say(objectId: string, text: string, extra: Record<string, unknown> = {}, token: TokenOptions = {}): Promise<string> {
    const { posted } = await send(objectId, { text, ...extra }, token);
    return JSON.stringify(posted.map((p) => p.body));
  }

  /** A card button pressed (Action.Execute): the invoke, answered in the HTTP response. */
  async function press(objectId: string, verb: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    return send(objectId, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data } }, ...extra });
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
    for (const c of more) await app.cases.update(c.reference, (r) => ({ ...r, work: { ...r.work, 'karlstad:bistand': { ...r.work['karlstad:bistand']!, status: 'closed' } } }));
  });

  it('refuses another organisation\'s case, in Swedish, and audits the attempt', async () => {
    const reply = await say(ANNA, `öppna ${kilCase.reference}`);
    expect(reply).to.include('skickades inte till din enhet');
    expect(reply).not.to.include('trappan');
    const last = (await app.audit.entries()).at(-1)!;
    expect(last).to.include({ action: 'case.read', outcome: 'denied', target: kilCase.reference, actor: ANNA });
    expect(await say(ANNA, `ta ${kilCase.reference}`)).to.include('skickades inte till din enhet');
    expect(await say(ANNA, 'öppna')).to.include('Skriv ärendets referens också');
    expect(await say(ANNA, 'vad kan du')).to.include('Skriv \\"hjälp\\"');
  });

  it('takes a case with a card button in a personal chat (an invoke answered with the updated card, in Swedish)', async () => {
    const { response } = await press(ANNA, 'take', { reference: karlstadCase.reference, unit: 'karlstad:bistand' });
    const body = response as { statusCode: number; type: string; value: unknown };
    expect(body.statusCode).to.equal(200);
    expect(body.type).to.equal('application/vnd.microsoft.card.adaptive');
    const card = JSON.stringify(body.value);
    expect(card).to.include('Taget av Anna Exempel').and.include('Status: pågår').and.include('Nyckeluppgifter');
    expect(card).not.to.match(/Tagen av|Status: (closed|taken|new|in_progress)|\d{4}-\d{2}-\d{2}T\d{2}/u);
    expect((await app.cases.get(karlstadCase.reference))!.work['karlstad:bistand']).to.deep.include({ status: 'in_progress', assignee: { id: ANNA, name: 'Anna Exempel' } });
  });

  it('answers an older client\'s Action.Submit fallback (a message with the button\'s data) in the personal chat', async () => {
    const { posted } = await send(ANNA, { value: { verb: 'transcript', reference: karlstadCase.reference } });
    expect(JSON.stringify(posted.map((p) => p.body))).to.include(`Samtalet i ärende ${karlstadCase.reference}`);
  });

  it('closes a case with a note typed after the reference', async () => {
    expect(await say(ANNA, `stäng ${karlstadCase.reference} Hembesök bokat till tisdag.`)).to.include('är avslutat av Anna Exempel');
    const closed = (await app.cases.get(karlstadCase.reference))!.work['karlstad:bistand']!;
    expect(closed.status).to.equal('closed');
    expect(closed.journal.at(-1)).to.include({ kind: 'status', status: 'closed', text: 'Hembesök bokat till tisdag.', byName: 'Anna Exempel' });
  });

  it('in a channel answers case commands without showing anything of the case, and says how to do it in a personal chat', async () => {
    const before = (await app.audit.entries()).length;
    for (const command of [`<at>Intag</at> öppna ${kilCase.reference}`, `<at>Intag</at> öppna ${karlstadCase.reference}`, '<at>Intag</at> nya ärenden', `<at>Intag</at> ta ${karlstadCase.reference}`]) {
      const reply = await say(ANNA, command, inChannel());
      expect(reply, command).to.include('personlig chatt');
      expect(reply, command).not.to.include('trappan').and.not.include('Testa Testsson').and.not.include('19811218').and.not.include('application/vnd.microsoft.card.adaptive');
    }
    const refused = (await app.audit.entries()).slice(before);
    expect(refused.map((e) => [e.action, e.outcome, e.actor, e.reason])).to.deep.include(['case.read', 'denied', ANNA, 'asked in a channel']);
    expect(refused.filter((e) => e.outcome === 'allowed'), 'nothing read in the channel').to.deep.equal([]);
  });

  it('never replaces a channel notice with the case: "Öppna" in a channel is answered to the one who pressed, without the case', async () => {
    const { response, posted } = await press(ANNA, 'open', { reference: karlstadCase.reference }, inChannel());
    const body = response as { type: string; value: unknown };
    expect(body.type).to.equal('application/vnd.microsoft.activity.message');
    expect(String(body.value)).to.include('personlig chatt');
    expect(JSON.stringify(response)).not.to.include('trappan').and.not.include('Testa Testsson');
    expect(posted, 'nothing posted to the channel').to.deep.equal([]);
    const transcript = await press(ANNA, 'transcript', { reference: karlstadCase.reference }, inChannel());
    expect((transcript.response as { type: string }).type).to.equal('application/vnd.microsoft.activity.message');
  });

  it('refuses a channel registration by another organisation or under a made-up name, and audits both', async () => {
    const before = (await app.audit.entries()).length;
    const foreign = await say(CECILIA, '<at>Intag</at> registrera kanal karlstad-bistand', inChannel('19:region@thread.tacv2'));
    expect(foreign).to.include('hör till Karlstads kommun');
    const madeUp = await say(ANNA, '<at>Intag</at> registrera kanal pahittad-kanal', inChannel());
    expect(madeUp).to.include('Det finns ingen kontaktpunkt med kanalnamnet').and.include('pahittad-kanal');
    const entries = (await app.audit.entries()).slice(before);
    expect(entries.map((e) => [e.action, e.outcome, e.actor, e.target])).to.deep.equal([
      ['teams.channel.register', 'denied', CECILIA, 'teams-channel:karlstad-bistand'],
      ['teams.channel.register', 'denied', ANNA, 'teams-channel:pahittad-kanal'],
    ]);
    expect(await app.stores.teamsChannels.read('karlstad-bistand')).to.equal(undefined);
  });

  it('posts a new case to the registered channel as a new top-level post with no answers, and removes the registration (audited)', async () => {
    // Registered from inside a thread: the notices still go to the channel itself.
    const registered = await say(ANNA, '<at>Intag</at> registrera kanal karlstad-bistand', inChannel());
    expect(registered).to.include('visas nu i den här kanalen');
    expect((await app.audit.entries()).at(-1)).to.deep.include({ action: 'teams.channel.register', outcome: 'allowed', actor: ANNA, target: 'teams-channel:karlstad-bistand' });

    const before = connector.calls.length;
    const record = await app.cases.create(caseDraft([KARLSTAD_BISTAND]));
    await app.delivery.caseCreated(record.reference);
    await connector.waitFor(before + 1);
    const posts = connector.calls.slice(before);
    seenCards.push(...adaptiveCards(posts.map((p) => p.body)));
    expect(posts.map((p) => p.path), 'a new post in the channel, not a reply in the thread').to.deep.equal([`/v3/conversations/${encodeURIComponent(CHANNEL)}/activities`]);
    expect(posts[0]!.body['replyToId'], 'not a reply').to.equal(undefined);
    const posted = JSON.stringify(posts[0]!.body);
    expect(posted).to.include(record.reference);
    // The channel notice carries no answers and no name: whoever opens it is checked first.
    expect(posted).not.to.include('trappan').and.not.include('Testa Testsson').and.not.include('19811218');
    // The connector has the post a moment before the outbox records the delivery.
    for (let i = 0; i < 100 && (await app.outbox.forCase(record.reference)).some((item) => item.status === 'pending'); i++) await new Promise((r) => setTimeout(r, 20));
    const items = await app.outbox.forCase(record.reference);
    expect(items.map((i) => [i.target.kind, i.status])).to.deep.equal([['teams', 'delivered']]);

    const removed = await say(ANNA, '<at>Intag</at> avregistrera kanal karlstad-bistand', inChannel(CHANNEL));
    expect(removed).to.include('visas inte längre i den här kanalen');
    expect((await app.audit.entries()).at(-1)).to.deep.include({ action: 'teams.channel.remove', outcome: 'allowed', actor: ANNA });
    expect(await app.stores.teamsChannels.read('karlstad-bistand')).to.equal(undefined);
  });

  it('says what it does and how to register a channel when installed, and when added to a team', async () => {
    const installed = await send(ANNA, { type: 'installationUpdate', action: 'add', text: undefined });
    expect(JSON.stringify(installed.posted.map((p) => p.body))).to.include('intagsassistenten').and.include('hjälp');
    const added = await send(ANNA, { type: 'conversationUpdate', text: undefined, membersAdded: [{ id: `28:${botConnector.appId}` }], ...inChannel(CHANNEL), channelData: { eventType: 'teamMemberAdded', team: { id: '19:team@thread.tacv2', name: 'Äldreomsorg' }, tenant: { id: botConnector.tenantId } } });
    const welcome = JSON.stringify(added.posted.map((p) => p.body));
    expect(welcome).to.include('registrera kanal');
    expect(added.posted.map((p) => p.path)).to.deep.equal([`/v3/conversations/${encodeURIComponent(CHANNEL)}/activities`]);
    // Someone else joining the team is not greeted.
    const other = await send(ANNA, { type: 'conversationUpdate', text: undefined, membersAdded: [{ id: '29:someone' }], ...inChannel(CHANNEL), channelData: { eventType: 'teamMemberAdded', team: { id: '19:team@thread.tacv2' }, tenant: { id: botConnector.tenantId } } });
    expect(other.posted.filter((p) => JSON.stringify(p.body).includes('intagsassistenten'))).to.deep.equal([]);
  });

  it('runs a kitchen-table interview with a resident in the staff member\'s chat; the case is marked staff-assisted', async () => {
    collecting = false;
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
    collecting = true;
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
    expect((await app.cases.get(waiting.reference))!.work['karlstad:bistand']!.status, 'nobody took it').to.equal('new');
    expect((await app.audit.entries()).length, 'nothing was read').to.equal(auditBefore);
    expect(await app.kitchenTables.get(`a:personal-${ANNA}`)).to.equal(undefined);
    // The bot's own replies carry its token (from the helper, standing in for Microsoft Entra ID).
    await say(ANNA, 'hjälp');
    expect(connector.calls.at(-1)!.authorization).to.match(/^Bearer ey/u);
  });

  it('sent only Adaptive Cards 1.5 that the adaptivecards parser accepts, each Action.Execute with an Action.Submit fallback', () => {
    expect(seenCards.length, 'cards were seen').to.be.greaterThan(5);
    for (const card of seenCards) expect(cardProblems(card), JSON.stringify(card).slice(0, 200)).to.deep.equal([]);
  });
});
