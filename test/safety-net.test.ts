/**
 * The safety net as a person meets it (issue 19, the conversation half): whole conversations through
 * the real bot stack in Web Chat, what they see, and the cases the stores hold afterwards (lowdb
 * files and PostgreSQL rows); a case from such a conversation on the staff API. The unsure level
 * comes from a scripted recognizer (the detection half gives it for real), which also claims a
 * confident "cancel" intent, as the trained model did for "chill, jag tänker inte göra nåt".
 * Every person here is invented.
 */
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import pg from 'pg';
import { createApp } from '../src/app.js';
import type { CaseRecord } from '../src/core/cases.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { SELF_ANSWERS } from './helpers/answers.js';
import { REPO_ROOT, buttonsOf, removeDir, startConversation, textOf, type Conversation } from './helpers/harness.js';
import { testDatabase, type TestDatabase } from './helpers/postgres.js';
import { BORN, CRISIS, EATING, STORY_WITH_OPTION, TIRED, scripted } from './helpers/scripted-recognizer.js';
import { readCases } from './helpers/stored.js';
import { TextCatalog } from '../src/core/i18n.js';
import { personCopyHtml } from '../src/http/person-copy.js';

/** The sentence of CRISIS that the safety net names as its trigger (it reads sentence by sentence). */
const CRISIS_SENTENCE = 'Jag vill inte leva längre.';

const urgentReplies = (replies: Partial<Activity>[]) => replies.filter((r) => r.importance === 'urgent');

/** From wherever the interview is, the rest of SELF_ANSWERS from `from`, then confirm and say yes until the case is there. */
async function finish(convo: Conversation, from: number): Promise<string> {
  await convo.sayAll(SELF_ANSWERS.slice(from));
  let replies = await convo.say('Det stämmer');
  for (let i = 0; i < 5 && !textOf(replies).includes('Tack!'); i++) replies = await convo.say('Ja, skicka');
  return textOf(replies);
}

describe('the safety net in a conversation', function () {
  this.timeout(120000);
  let convo: Conversation | undefined;
  afterEach(async () => {
    await convo?.close();
    convo = undefined;
  });

  async function atDailyLife(options: Parameters<typeof startConversation>[0] = {}): Promise<Conversation> {
    const c = await startConversation({ channelId: 'webchat', recognizer: scripted, ...options });
    await c.join();
    await c.sayAll(['ja', 'För mig själv', 'Karlstad']);
    return c;
  }

  it('acute: a warm acknowledgement, the numbers for the situation as tel: links, the offer to send now; declining it, the interview goes on and makes one case', async () => {
    convo = await atDailyLife();
    const replies = await convo.say(CRISIS);
    const text = textOf(replies);
    expect(replies[0]!.text).to.include('Jag tar det du skriver på allvar');
    const [numbers] = urgentReplies(replies);
    expect(numbers!.textFormat).to.equal('markdown');
    expect(numbers!.text).to.include('[112](tel:112)').and.include('[90101](tel:90101)');
    // Suicide: 112 first, then Självmordslinjen; not the numbers for violence or poisoning.
    expect(numbers!.text!.indexOf('tel:112')).to.be.lessThan(numbers!.text!.indexOf('tel:90101'));
    expect(numbers!.text).not.to.include('Kvinnofridslinjen').and.not.to.include('Giftinformation');
    // Suicidal thoughts: the urgent case would go to the vårdcentral (data/routing.yaml `urgent`), with when someone there reads it.
    expect(text).to.include('Vårdcentralen (Hälsoval Värmland) nu, som ett brådskande ärende?').and.include('vardagar 8–17').and.include('ring 112');
    expect(buttonsOf(replies)).to.deep.equal(['Ja, skicka nu', 'Nej, skicka inte']);
    // Nothing is said to be sent or marked, and the next question waits for the answer.
    expect(text).not.to.match(/markeras|är markerat|har skickat/u);
    expect(text).not.to.include('Vad är viktigast för dig just nu?');
    expect(await readCases(convo.dataDir)).to.have.length(0);

    const declined = textOf(await convo.say('Nej, skicka inte'));
    expect(declined).to.include('ingen har fått veta det du skrev').and.include('112');
    expect(declined).to.include('Vad är viktigast för dig just nu?');
    expect(await readCases(convo.dataDir)).to.have.length(0);

    const done = await finish(convo, 4);
    expect(done).to.include('Ärendet är markerat som brådskande.');
    expect(done).to.include('Innan du går').and.include('[90101](tel:90101)');
    const cases = await readCases(convo.dataDir);
    expect(cases).to.have.length(1);
    expect(cases[0]!.urgent).to.equal(true);
    expect(cases[0]!.answers['daily_life_now']).to.deep.equal({ kind: 'text', text: CRISIS });
    expect(cases[0]!.risk!.triggers).to.have.length(1);
    expect(cases[0]!.risk!.triggers[0]).to.deep.include({ sentence: CRISIS_SENTENCE, level: 'acute', category: 'suicide_self_harm' });
    // The person's copy shows the same numbers first, as tel: links.
    expect(cases[0]!.personCopy!.emergency!.situations).to.include('suicide');
    const copy = personCopyHtml(cases[0]!, new TextCatalog(convo.stack.content).forLocale('sv'), 90, convo.stack.content.emergency.numbers);
    expect(copy).to.include('<a href="tel:112">112</a>').and.include('<a href="tel:90101">90101</a>');
    expect(copy.indexOf('tel:112')).to.be.lessThan(copy.indexOf('Ärendenummer'));
  });

  it('acute violence at home: the numbers for it, and the offer to send now names the social services of the person\'s municipality, who get the urgent case', async () => {
    convo = await atDailyLife();
    const replies = await convo.say('Min sambo slår mig just nu och jag har låst in mig på toaletten med barnen.');
    const [numbers] = urgentReplies(replies);
    expect(numbers!.text).to.include('tel:112').and.include('Kvinnofridslinjen');
    expect(textOf(replies)).to.include('Individ- och familjeomsorg, Karlstads kommun nu, som ett brådskande ärende?');
    expect(textOf(await convo.say('Ja, skicka nu'))).to.include('till Individ- och familjeomsorg, Karlstads kommun som ett brådskande ärende');
    const [sent] = await readCases(convo.dataDir);
    expect(sent!.recipients.map((r) => [r.key, r.consent])).to.deep.equal([['karlstad:ifo', true]]);
    expect(sent!.work['karlstad:ifo']!.urgent).to.equal(true);
  });

  it('an overdose told by a medicine\'s name ("20 alvedon"): the numbers for poisoning too, after 112', async () => {
    convo = await atDailyLife();
    const [numbers] = urgentReplies(await convo.say('orkar inte mer, har tagit typ 20 alvedon nyss'));
    expect(numbers!.text).to.include('Giftinformation').and.include('[90101](tel:90101)');
    expect(numbers!.text!.indexOf('tel:112')).to.be.lessThan(numbers!.text!.indexOf('Giftinformation'));
  });

  /** Accepts the offer; returns the reference given. Then finishes; the store must hold one case, completed. */
  async function sendNowAndFinish(c: Conversation, cases: () => Promise<CaseRecord[]>): Promise<void> {
    await c.say(CRISIS);
    const sent = textOf(await c.say('Ja, skicka nu'));
    const reference = /NV-\d{4}-\d{6}/u.exec(sent)?.[0];
    expect(sent).to.include('Nu har jag skickat det du har berättat hittills till Vårdcentralen (Hälsoval Värmland) som ett brådskande ärende');
    expect(reference).to.be.a('string');
    expect(sent).to.include('Vad är viktigast för dig just nu?');
    const early = await cases();
    expect(early).to.have.length(1);
    expect(early[0]).to.deep.include({ reference, urgent: true });
    expect(early[0]!.recipients.map((r) => [r.key, r.consent])).to.deep.equal([['region_varmland:vardcentral', true]]);
    expect(early[0]!.work['region_varmland:vardcentral']!.urgent).to.equal(true);
    expect(early[0]!.answers['daily_life_now'], 'the crisis message is the answer, stored once the person has answered the offer').to.equal(undefined);
    expect(early[0]!.risk!.triggers[0]).to.deep.include({ sentence: CRISIS_SENTENCE, level: 'acute' });

    const done = await finish(c, 4);
    expect(done).to.include(`Ärendet ${reference} är nu kompletterat med hela samtalet`);
    const after = await cases();
    expect(after, 'completed, not duplicated').to.have.length(1);
    const record = after[0]!;
    expect(record.reference).to.equal(reference);
    expect(record.urgent).to.equal(true);
    expect(record.createdAt).to.equal(early[0]!.createdAt);
    expect(record.answers['what_matters']).to.deep.equal({ kind: 'text', text: SELF_ANSWERS[4] });
    expect(record.answers['daily_life_now']).to.deep.equal({ kind: 'text', text: CRISIS });
    expect(record.recipients.find((r) => r.key === 'region_varmland:vardcentral')?.consent).to.equal(true);
    expect(Object.keys(record.work)).to.include('region_varmland:vardcentral');
    expect(Object.keys(record.work).length, 'the recipients consented to at the end get their part').to.be.greaterThan(1);
  }

  it('acute, accepting to send now (lowdb): the urgent case exists at once and is completed at the end, not duplicated', async () => {
    convo = await atDailyLife();
    const dir = convo.dataDir;
    await sendNowAndFinish(convo, () => readCases(dir));
  });

  it('cancelling after sending now says plainly that the urgent case stays with its recipient', async () => {
    convo = await atDailyLife();
    const alarm = await convo.say(CRISIS);
    expect(alarm.some((a) => (a.channelData as { intakeState?: unknown } | undefined)?.intakeState), 'nothing sent yet: the page says ending erases the answers').to.equal(false);
    const sentReplies = await convo.say('Ja, skicka nu');
    const sent = textOf(sentReplies);
    const reference = /NV-\d{4}-\d{6}/u.exec(sent)![0];
    // The widget's "Avsluta" learns from the bot that an urgent case was sent, to say what ending means.
    expect(sentReplies.at(-1)!.channelData).to.deep.include({ intakeState: { stage: 'sentNow', reference } });
    const confirm = textOf(await convo.say('avbryt'));
    expect(confirm).to.include(`Det du redan har skickat som brådskande ärende ${reference} finns kvar hos mottagaren`);
    const ended = textOf(await convo.say('ja'));
    expect(ended).to.include(`ärende ${reference} finns kvar`).and.include('Innan du går');
    expect(await readCases(convo.dataDir)).to.have.length(1);
  });

  describe('on PostgreSQL', () => {
    let db: TestDatabase;
    before(async () => {
      db = await testDatabase();
    });
    after(() => db.drop());

    it('acute, accepting to send now: one row, urgent at once, completed at the end', async () => {
      convo = await atDailyLife({ env: { DATABASE_URL: db.url } });
      const pool = new pg.Pool({ connectionString: db.url, max: 1 });
      try {
        await sendNowAndFinish(convo, async () => (await pool.query<{ record: CaseRecord }>('SELECT record FROM cases ORDER BY reference')).rows.map((r) => r.record));
      } finally {
        await pool.end();
      }
    });
  });

  it('unsure, answered no: one direct question with buttons, a kind word, the interview goes on; no numbers, nothing urgent', async () => {
    convo = await atDailyLife();
    const asked = await convo.say(EATING);
    expect(textOf(asked)).to.include('Jag vill vara säker på att jag förstått: är du eller någon annan i fara just nu?');
    expect(buttonsOf(asked)).to.deep.equal(['Ja', 'Nej', 'Vet inte']);
    expect(urgentReplies(asked)).to.have.length(0);
    const no = await convo.say('Nej');
    expect(textOf(no)).to.include('Tack för att du svarar').and.include('Vad är viktigast för dig just nu?');
    expect(urgentReplies(no)).to.have.length(0);
    await finish(convo, 4);
    const [record] = await readCases(convo.dataDir);
    expect(record!.urgent).to.equal(false);
    expect(record!.answers['daily_life_now']).to.deep.equal({ kind: 'text', text: EATING });
    expect(record!.risk!.triggers[0]).to.deep.include({ sentence: 'Han har slutat äta ordentligt', level: 'unsure', category: 'medical_emergency' });
    expect(record!.personCopy!.emergency, 'no numbers on the copy after an unsure signal answered no').to.equal(undefined);
  });

  it('unsure, answered yes: the direct question about suicide, then the acute path; the message is never read as "avbryt"', async () => {
    convo = await atDailyLife();
    const asked = textOf(await convo.say(TIRED));
    expect(asked).to.include('tänker du på att ta ditt liv?');
    expect(asked).not.to.include('Vill du avbryta').and.not.to.include('raderas');
    const yes = await convo.say('Ja');
    expect(textOf(yes)).to.include('Jag tar det du skriver på allvar').and.include('[90101](tel:90101)').and.include('som ett brådskande ärende?');
    expect(urgentReplies(yes)).to.have.length(1);
    const { body } = await convo.stack.metrics.exposition();
    expect(body).to.match(/narvard_risk_alarms_total\{level="unsure"\} 1\b/u).and.match(/narvard_risk_alarms_total\{level="acute"\} 1\b/u);
  });

  it('"det är inte akut" after a false alarm: the case keeps the trigger and the correction, is not urgent, and the interview goes on', async () => {
    convo = await atDailyLife();
    expect(textOf(await convo.say(BORN))).to.include('som ett brådskande ärende?');
    const corrected = textOf(await convo.say('Va? Det är inget akut'));
    expect(corrected).to.include('Tack för att du säger det').and.include('Vad är viktigast för dig just nu?');
    const done = await finish(convo, 4);
    expect(done).not.to.include('markerat som brådskande');
    const [record] = await readCases(convo.dataDir);
    expect(record!.urgent).to.equal(false);
    expect(record!.risk!.triggers[0]).to.deep.include({ sentence: BORN, level: 'acute', category: 'medical_emergency' });
    expect(record!.risk!.correction!.text).to.equal('Va? Det är inget akut');
  });

  it('cancelling after an alarm shows the numbers again; the crisis message was not taken for "avbryt"', async () => {
    convo = await atDailyLife();
    await convo.say(CRISIS);
    await convo.say('Nej, skicka inte');
    expect(textOf(await convo.say('avbryt'))).to.include('avbryta');
    const ended = await convo.say('ja');
    expect(textOf(ended)).to.include('Innan du går');
    expect(urgentReplies(ended)[0]!.text).to.include('[112](tel:112)').and.include('[90101](tel:90101)');
  });

  it('"avbryt" typed at the direct question or at the offer to send now leaves (after confirming), with the numbers shown again; never "answer yes or no"', async () => {
    convo = await atDailyLife();
    expect(textOf(await convo.say(TIRED))).to.include('tänker du på att ta ditt liv?');
    const asked = textOf(await convo.say('avbryt'));
    expect(asked).to.include('avbryta').and.not.to.include('Svara gärna ja eller nej');
    const ended = await convo.say('ja');
    expect(textOf(ended)).to.include('Innan du går');
    expect(urgentReplies(ended)[0]!.text).to.include('[90101](tel:90101)');
    await convo.close();
    convo = await atDailyLife();
    expect(textOf(await convo.say(CRISIS))).to.include('som ett brådskande ärende?');
    expect(textOf(await convo.say('avbryt'))).to.include('avbryta').and.not.to.include('Svara gärna ja eller nej');
  });

  it('"vet inte" to the direct question (a relative often cannot know) takes it seriously: the numbers and the offer to send now; a button says it too', async () => {
    convo = await atDailyLife();
    const asked = await convo.say(TIRED);
    expect(buttonsOf(asked)).to.deep.equal(['Ja', 'Nej', 'Vet inte']);
    const unsure = await convo.say('vet inte, han sa det när han var arg');
    expect(textOf(unsure)).to.include('förståeligt att inte veta').and.include('[90101](tel:90101)').and.include('som ett brådskande ärende?');
    expect(textOf(unsure)).not.to.include('Svara gärna ja eller nej');
  });

  it('two answers in a row that are no yes, no or "vet inte" do not hold the person at the safety question: the numbers, and the interview goes on', async () => {
    convo = await atDailyLife();
    expect(textOf(await convo.say(TIRED))).to.include('tänker du på att ta ditt liv?');
    expect(textOf(await convo.say('att få bo kvar hemma'))).to.include('Svara gärna ja eller nej');
    const moved = await convo.say('när barnbarnen kommer');
    expect(textOf(moved)).to.include('Jag frågar inte mer om det nu').and.include('[112](tel:112)').and.not.to.include('tänker du på att ta ditt liv?');
    expect(textOf(moved)).to.include('Vad är viktigast för dig just nu?');
    expect(urgentReplies(moved), 'the numbers, once').to.have.length(1);
    await convo.close();
    convo = await atDailyLife();
    expect(textOf(await convo.say(CRISIS))).to.include('som ett brådskande ärende?');
    await convo.sayAll(['att få bo kvar hemma']);
    const notSent = textOf(await convo.say('när barnbarnen kommer'));
    expect(notSent, 'the offer to send now left unanswered: nothing sent, and said so').to.include('Jag har inte skickat något').and.include('Vad är viktigast för dig just nu?');
  });

  it('a long answer that also holds one of the question\'s options ("jag vet inte om han menar det" where "Vet inte" is a choice) is still read whole, with the model: the alarm, not the option', async () => {
    convo = await startConversation({ channelId: 'webchat', recognizer: scripted });
    await convo.join();
    const before = await convo.sayAll(['ja', 'För min pappa', 'Ja']);
    expect(textOf(before)).to.include('Vilken kommun bor din pappa i?');
    const replies = await convo.say(STORY_WITH_OPTION);
    expect(replies[0]!.text).to.include('Jag tar det du skriver på allvar');
    expect(urgentReplies(replies)[0]!.text).to.include('[90101](tel:90101)');
    expect(textOf(replies)).not.to.include('Vet du ungefär var');
  });

  it('plain text channels get the numbers as lines, without links', async () => {
    convo = await atDailyLife({ channelId: 'sms' });
    const [numbers] = urgentReplies(await convo.say(CRISIS));
    expect(numbers!.textFormat).to.equal('plain');
    expect(numbers!.text).to.include('112: SOS Alarm').and.include('90101: Självmordslinjen').and.not.include('tel:');
  });

  it('staff see the trigger and the correction on the case; reclassifying it is audited', async () => {
    convo = await atDailyLife();
    await convo.say(CRISIS);
    await convo.say('Ja, skicka nu');
    await convo.say('det är inte akut');
    await finish(convo, 4);
    const dataDir = convo.dataDir;
    await convo.stop();
    convo = undefined;
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', URGENT_REMINDER_MINUTES: '0' }, REPO_ROOT);
    const app = await createApp({ ...config, port: 0 }, createLogger('silent'));
    try {
      const { url } = await app.listen();
      await app.accounts.put({ email: 'kim@regionvarmland.test', name: 'Kim Exempel', organisationId: 'region_varmland', role: 'staff', password: 'korrekt-häst-batteri-häfta' });
      await app.members.setUnits('region_varmland', 'kim@regionvarmland.test', ['region_varmland:vardcentral'], 'test');
      const login = await fetch(`${url}/staff/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'kim@regionvarmland.test', password: 'korrekt-häst-batteri-häfta' }) });
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const [stored] = await readCases(dataDir);
      const res = await fetch(`${url}/staff/api/cases/${stored!.reference}`, { headers: { cookie } });
      expect(res.status).to.equal(200);
      const { case: shown } = (await res.json()) as { case: CaseRecord };
      expect(shown.urgent, 'sent as urgent; only staff reclassify it').to.equal(true);
      expect(shown.risk!.triggers[0]).to.deep.include({ sentence: CRISIS_SENTENCE, level: 'acute', category: 'suicide_self_harm' });
      expect(shown.risk!.correction!.text).to.equal('det är inte akut');
      const reclassified = await fetch(`${url}/staff/api/cases/${stored!.reference}/reclassify`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ unit: 'region_varmland:vardcentral', urgent: false, note: 'Ringde upp: personen har stöd hemma i kväll.' }),
      });
      expect(reclassified.status).to.equal(200);
      const entry = (await app.audit.entries()).filter((e) => e.action === 'case.reclassify').at(-1);
      expect(entry).to.deep.include({ actor: 'kim@regionvarmland.test', target: stored!.reference, unit: 'region_varmland:vardcentral', outcome: 'allowed' });
      expect((await app.cases.urgentNewBefore(new Date(Date.now() + 60_000))).map((r) => r.reference), 'no reminders once reclassified').not.to.include(stored!.reference);
    } finally {
      await app.close();
      await removeDir(dataDir);
    }
  });
});
