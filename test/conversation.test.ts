/**
 * Whole Swedish conversations through the real bot (TestAdapter + lowdb in a temp folder): what a
 * resident or relative sees, and what ends up on disk.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { CONFIRM_AND_SHARE, SELF_ANSWERS } from './helpers/answers.js';
import { readCases } from './helpers/stored.js';
import { buttonsOf, startConversation, textOf, type Conversation } from './helpers/harness.js';


async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('the resident intake conversation (Swedish)', function () {
  this.timeout(30000);
  let convo: Conversation;
  afterEach(async () => convo?.close());

  it('greets honestly: automated, not a person or doctor, not for emergencies, what happens with the answers', async () => {
    convo = await startConversation();
    const greeting = textOf(await convo.join());
    expect(greeting).to.include('automatisk assistent');
    expect(greeting).to.include('inte en människa');
    expect(greeting).to.include('inte en läkare');
    expect(greeting).to.include('112');
    expect(greeting).to.include('1177');
    expect(greeting).to.include('högst 90 dagar');
    expect(greeting).to.include('personuppgiftsansvarig');
    expect(greeting).to.include('Vill du fortsätta?');
  });

  it('for yourself: the whole interview ends in a confirmed, routed case with a reference', async () => {
    convo = await startConversation();
    await convo.join();
    const summary = await convo.sayAll(SELF_ANSWERS);
    const summaryText = textOf(summary);
    expect(summaryText).to.include('Sammanfattning');
    expect(summaryText).to.include('Att kunna bo kvar hemma och träffa mina barnbarn.');
    // The person's own summary speaks plainly: no IBIC life areas, no routing topics (issue 18, kind 8).
    expect(summaryText).not.to.include('Hemliv');
    expect(summaryText).not.to.include('Förflyttning');
    expect(summaryText).not.to.include('Livsområde');
    expect(summaryText).not.to.include('Äldreomsorg och hjälp hemma');
    expect(summaryText).to.include('Du får frågan om varje mottagare innan något skickas');
    expect(summaryText).to.include('SIP');
    expect(buttonsOf(summary)).to.deep.equal(['Det stämmer', 'Ändra ett svar']);

    const ask1 = textOf(await convo.say('Det stämmer'));
    expect(ask1).to.include('Får vi skicka sammanfattningen till Biståndshandläggning (äldreomsorg), Karlstads kommun?');
    expect(ask1).to.include('inom 5 arbetsdagar');
    const ask2 = textOf(await convo.say('Ja, skicka'));
    expect(ask2).to.include('Hemsjukvård och rehabilitering, Karlstads kommun');
    const ask3 = textOf(await convo.say('Ja, skicka'));
    expect(ask3).to.include('Vårdcentralen (Hälsoval Värmland)');
    const done = textOf(await convo.say('Nej, skicka inte'));
    const year = new Date().getFullYear();
    expect(done).to.match(new RegExp(`NV-${year}-000001`));
    expect(done).to.include('Biståndshandläggning (äldreomsorg), Karlstads kommun: De hör vanligen av sig inom 5 arbetsdagar.');
    expect(done).to.include('Till Vårdcentralen (Hälsoval Värmland) skickas ingenting');

    const [stored] = await readCases(convo.dataDir);
    expect(stored).to.exist;
    expect(stored!.reference).to.equal(`NV-${year}-000001`);
    expect(Object.values(stored!.work).map((w) => w.status), 'each receiving unit\'s part starts as new').to.satisfy((all: string[]) => all.length > 0 && all.every((x) => x === 'new'));
    expect(stored!.respondent).to.equal('self');
    expect(stored!.municipality).to.deep.include({ id: 'karlstad', scbCode: '1780' });
    expect(stored!.topics).to.deep.equal(['elderly_care', 'home_health', 'primary_care', 'mental_health']);
    expect(stored!.sipSuggested).to.equal(true);
    expect(stored!.recipients.map((r) => [r.key, r.consent])).to.deep.equal([
      ['karlstad:bistand', true],
      ['karlstad:hemsjukvard', true],
      ['region_varmland:vardcentral', false],
    ]);
    // Free text is kept verbatim, line breaks included.
    expect(stored!.answers['daily_life_now']).to.deep.equal({ kind: 'text', text: 'Jag bor ensam i en lägenhet på tredje våningen.\nHissen är ofta trasig.' });
    expect(stored!.answers['personnummer']).to.deep.equal({ kind: 'text', text: '19811218-9876' });
    expect(stored!.summaryText).to.include('Testa Testsson');
    // The staff's summary keeps the IBIC areas and the topics, with third-person headings.
    expect(stored!.summaryText).to.include('Hemliv');
    expect(stored!.summaryText).to.include('Det här gäller främst: Äldreomsorg och hjälp hemma');
    expect(stored!.summaryText).to.include('OM PERSONEN');
    expect(stored!.summaryText).not.to.include('OM DIG');
    // "Ja, skicka" is the summary only: the whole conversation was not agreed for anyone.
    expect(stored!.recipients.map((r) => r.transcript)).to.deep.equal([false, false, false]);
    expect(stored!.urgent).to.equal(false);

    // A new message after the end starts a new conversation.
    expect(textOf(await convo.say('hej igen'))).to.include('Vill du fortsätta?');
  });

  it('asks per recipient whether the summary only or also the whole conversation may be sent; a plain "ja" is the summary only (issue 18)', async () => {
    convo = await startConversation();
    await convo.join();
    await convo.sayAll(SELF_ANSWERS);
    const ask = await convo.say('Det stämmer');
    expect(textOf(ask)).to.include('Sammanfattningen innehåller dina svar med dina egna ord. Hela samtalet, ord för ord, skickar vi bara om du väljer det.');
    expect(buttonsOf(ask)).to.deep.equal(['Ja, skicka', 'Ja, och hela samtalet', 'Nej, skicka inte']);
    await convo.say('Ja, och hela samtalet');
    await convo.say('ja');
    await convo.say('nej');
    const [stored] = await readCases(convo.dataDir);
    expect(stored!.recipients.map((r) => [r.key, r.consent, r.transcript])).to.deep.equal([
      ['karlstad:bistand', true, true],
      ['karlstad:hemsjukvard', true, false],
      ['region_varmland:vardcentral', false, false],
    ]);
  });

  it('ends with a link to the person\'s own copy: only its hash is kept on the case, with their summary in their words (issue 18)', async () => {
    convo = await startConversation();
    await convo.join();
    await convo.sayAll(SELF_ANSWERS);
    const done = textOf(await convo.sayAll(['Det stämmer', 'Ja, och hela samtalet', 'Ja, skicka', 'Nej, skicka inte']));
    const link = /http:\/\/\S+\/kopia\/(NV-\d{4}-\d{6})\/([A-Za-z0-9_-]{43})/u.exec(done);
    expect(link, 'the link in the last message').to.exist;
    expect(done).to.include('Länken är bara din');
    const [stored] = await readCases(convo.dataDir);
    expect(link![1]).to.equal(stored!.reference);
    const { createHash } = await import('node:crypto');
    expect(stored!.personCopy!.tokenHash).to.equal(createHash('sha256').update(link![2]!).digest('hex'));
    expect(JSON.stringify(stored), 'the secret itself is not stored').not.to.include(link![2]!);
    expect(stored!.personCopy!.locale).to.equal('sv');
    const copyText = JSON.stringify(stored!.personCopy!.summary);
    expect(copyText).to.include('Att kunna bo kvar hemma och träffa mina barnbarn.');
    expect(copyText, 'no IBIC areas in the person\'s copy').not.to.include('Hemliv');
    expect(copyText, 'no topics in the person\'s copy').not.to.include('Äldreomsorg och hjälp hemma');
  });

  it('for a niece, an aunt or a grandchild named in the first answer: takes them as the relation and speaks of them by name', async () => {
    for (const [answer, person] of [['för min systerdotter', 'din systerdotter'], ['jag skriver för min moster', 'din moster'], ['mitt barnbarn', 'ditt barnbarn']] as const) {
      convo = await startConversation();
      await convo.join();
      await convo.say('ja');
      const agrees = textOf(await convo.say(answer));
      expect(agrees, answer).to.include(`Känner ${person} till att du kontaktar oss`);
      await convo.close();
    }
  });

  it('for a relative: asks the relation and agreement, speaks of the relation given ("din förälder"), and routes carer support', async () => {
    convo = await startConversation();
    await convo.join();
    await convo.say('ja');
    const relation = textOf(await convo.say('För någon annan'));
    expect(relation).to.include('Vad har du för relation till personen?');
    const agrees = textOf(await convo.say('Jag är personens barn'));
    expect(agrees).to.include('Känner din förälder till att du kontaktar oss');
    const municipality = textOf(await convo.say('Ja, hen vet och tycker att det är bra'));
    expect(municipality).to.include('Vilken kommun bor din förälder i?');
    const daily = textOf(await convo.say('Arvika'));
    expect(daily).to.include('hur din förälders vardag ser ut');
    const rest = [
      'Mamma bor kvar i huset men glömmer att äta.',
      'Hon vill vara hemma med katten.',
      'hoppa över',
      'hoppa över',
      '1, 4',
      'Att någon tittar till henne varje dag.',
      'Det går inte utan hjälp',
      'Det går inte så bra',
      'Det går bra',
      'nä',
      'tre',
      'jo',
      'Ja',
      'hemtjänst och vårdcentral',
      'hoppa över',
      'hoppa över',
    ];
    const needsSupport = textOf(await convo.sayAll(rest));
    expect(needsSupport).to.include('Behöver du stöd för egen del, som närstående till din förälder?');
    const tail = await convo.sayAll(['ja', 'nej', 'Ja, det vill jag', 'Svenska', 'Telefon', 'Maja Testsson', 'Mikael Testsson', 'hoppa över', '054-12 34 56']);
    const summary = textOf(tail);
    expect(summary).to.include('Svaren är lämnade av en närstående: barn.');
    expect(summary, 'the summary states the relation, not the button').not.to.include('Jag är personens barn');
    expect(summary, 'a routing topic is for staff').not.to.include('Stöd till anhöriga');
    expect(summary, 'who gets it, in their own names').to.include('Anhörigstöd, Arvika kommun');
    expect(summary).to.include('Personnummer: (hoppade över)');
    await convo.say('Det stämmer');
    let replies = await convo.say('ja');
    for (let i = 0; i < 5 && !textOf(replies).includes('ärendenummer'); i++) replies = await convo.say('ja');
    const [stored] = await readCases(convo.dataDir);
    expect(stored!.respondent).to.equal('other');
    expect(stored!.municipality!.id).to.equal('arvika');
    expect(stored!.recipients.map((r) => r.key)).to.include('arvika:anhorigstod');
    expect(stored!.summaryText).to.include('Stöd till anhöriga');
    expect(stored!.answers['contact_name']).to.deep.equal({ kind: 'text', text: 'Mikael Testsson' });
  });

  it('consent declined: ends kindly and keeps nothing on disk', async () => {
    convo = await startConversation();
    await convo.join();
    const reply = textOf(await convo.say('Nej tack'));
    expect(reply).to.include('inget av det du har skrivit sparas');
    await convo.flush();
    const files = await filesUnder(convo.dataDir);
    expect(files.filter((f) => !f.includes(`${path.sep}counters${path.sep}`))).to.deep.equal([]);
  });

  it('"tillbaka" goes to the previous question and the new answer replaces the old', async () => {
    convo = await startConversation();
    await convo.join();
    await convo.sayAll(['ja', 'För mig själv', 'Karlstad']);
    const back = textOf(await convo.say('tillbaka'));
    expect(back).to.include('Vilken kommun bor du i?');
    expect(back).to.include('Ditt förra svar: Karlstad');
    const next = textOf(await convo.say('Sunne'));
    expect(next).to.include('Berätta med egna ord hur din vardag ser ut just nu.');
    const summary = textOf(await convo.sayAll(SELF_ANSWERS.slice(3)));
    expect(summary).to.include('Kommun: Sunne');
    expect(summary).not.to.include('Kommun: Karlstad');
  });

  it('"hoppa över" skips an optional question but not one routing needs', async () => {
    convo = await startConversation();
    await convo.join();
    await convo.say('ja');
    const required = textOf(await convo.say('hoppa över'));
    expect(required).to.include('Den här frågan behöver vi ett svar på');
    expect(required).to.include('Svarar du för dig själv eller för någon annan?');
    await convo.sayAll(['För mig själv', 'Karlstad']);
    const skipped = textOf(await convo.say('skippa'));
    expect(skipped).to.include('Okej, vi hoppar över den.');
    expect(skipped).to.include('Vad är viktigast för dig just nu?');
  });

  it('a phone number abroad is taken with its country code; one that is not a number is asked again, nothing lost', async () => {
    convo = await startConversation();
    await convo.join();
    await convo.sayAll(SELF_ANSWERS.slice(0, -1));
    const again = textOf(await convo.say('+47 412'));
    expect(again).to.include('Det ser inte ut som ett telefonnummer');
    expect(again).to.include('+47 412 34 567');
    const summary = textOf(await convo.say('+47 412 34 567'));
    expect(summary).to.include('Sammanfattning');
    expect(summary).to.include('+47 412 34 567');
    expect(summary).to.include('Att kunna bo kvar hemma och träffa mina barnbarn.');
  });

  it('"avbryt" asks first; yes erases everything, no continues at the same question', async () => {
    convo = await startConversation();
    await convo.join();
    await convo.sayAll(['ja', 'För mig själv']);
    const confirm = textOf(await convo.say('jag vill avbryta'));
    expect(confirm).to.include('Vill du avbryta?');
    const resumed = textOf(await convo.say('Nej, fortsätt'));
    expect(resumed).to.include('Vilken kommun bor du i?');
    await convo.say('avbryt');
    const done = textOf(await convo.say('Ja, avbryt'));
    expect(done).to.include('dina svar är raderade');
    await convo.flush();
    const files = await filesUnder(convo.dataDir);
    expect(files.filter((f) => f.includes('state') || f.includes('transcripts'))).to.deep.equal([]);
    // The next message starts over with the greeting.
    expect(textOf(await convo.say('hej'))).to.include('automatisk assistent');
  });

  it('"börja om" starts from the first question with nothing kept', async () => {
    convo = await startConversation();
    await convo.join();
    await convo.sayAll(['ja', 'För mig själv', 'Karlstad', 'Lugnt just nu.']);
    expect(textOf(await convo.say('börja om'))).to.include('Vill du börja om från början?');
    const restarted = textOf(await convo.say('ja'));
    expect(restarted).to.include('vi börjar om');
    expect(restarted).to.include('Svarar du för dig själv eller för någon annan?');
    const summary = textOf(await convo.sayAll(SELF_ANSWERS.slice(1)));
    expect(summary).not.to.include('Lugnt just nu.');
  });

  it('the crisis path: emergency numbers at once, the offer to send now, the conversation goes on and the case is sent urgent', async () => {
    convo = await startConversation();
    await convo.join();
    await convo.sayAll(['ja', 'För mig själv', 'Karlstad']);
    const replies = await convo.say('Allt känns tungt. Jag vill inte leva längre.');
    const crisis = textOf(replies);
    expect(replies[1]!.importance).to.equal('urgent');
    expect(crisis).to.include('ring 112 nu');
    expect(crisis).to.include('90101');
    expect(crisis).to.include('som ett brådskande ärende?');
    expect(textOf(await convo.say('Nej, skicka inte'))).to.include('Vad är viktigast för dig just nu?');
    await convo.sayAll(SELF_ANSWERS.slice(4));
    const summary = textOf(await convo.say('hjälp'));
    expect(summary).to.include('Om du godkänner att den skickas, skickas den som brådskande.');
    await convo.say('Det stämmer');
    let replies2 = await convo.say('ja');
    for (let i = 0; i < 5 && !textOf(replies2).includes('ärendenummer'); i++) replies2 = await convo.say('ja');
    expect(textOf(replies2)).to.include('brådskande');
    const [stored] = await readCases(convo.dataDir);
    expect(stored!.urgent).to.equal(true);
    expect(stored!.riskCategories).to.deep.equal(['suicide_self_harm']);
  });

  it('does not raise the alarm for everyday idioms', async () => {
    convo = await startConversation();
    await convo.join();
    await convo.sayAll(['ja', 'För mig själv', 'Karlstad']);
    for (const text of ['Jag är dödstrött på kvällarna.', 'Barnbarnen är så roliga, jag dör av skratt.']) {
      const replies = await convo.say(text);
      expect(textOf(replies)).not.to.include('112');
      expect(replies.some((r) => r.importance === 'urgent')).to.equal(false);
    }
  });

  it('the summary can be edited, is shown again, then confirmed', async () => {
    convo = await startConversation();
    await convo.join();
    await convo.sayAll(SELF_ANSWERS);
    expect(textOf(await convo.say('Ändra ett svar'))).to.include('Vilket svar vill du ändra?');
    const question = textOf(await convo.say('4'));
    expect(question).to.include('Vad är viktigast för dig just nu?');
    expect(question).to.include('Ditt förra svar: Att kunna bo kvar hemma och träffa mina barnbarn.');
    // After a change: that item confirmed, not the whole summary card again (issue 18, kind 9).
    const changed = await convo.say('Att slippa vara ensam på kvällarna.');
    expect(textOf(changed)).to.include('Nu är det ändrat.\n4. Det viktigaste just nu: Att slippa vara ensam på kvällarna.\nStämmer sammanfattningen nu?');
    expect(changed.some((a) => a.attachments?.length)).to.equal(false);
    expect(buttonsOf(changed)).to.deep.equal(['Det stämmer', 'Ändra ett svar', 'Visa hela sammanfattningen']);
    const again = textOf(await convo.say('Visa hela sammanfattningen'));
    expect(again).to.include('Sammanfattning');
    expect(again).to.include('Att slippa vara ensam på kvällarna.');
    expect(again).not.to.include('träffa mina barnbarn');
    await convo.say('Det stämmer');
    await convo.sayAll(['ja', 'ja', 'ja']);
    const [stored] = await readCases(convo.dataDir);
    expect(stored!.answers['what_matters']).to.deep.equal({ kind: 'text', text: 'Att slippa vara ensam på kvällarna.' });
  });

  it('an answer is changed by its name: "ändra trygg hemma" on the summary, "trygg hemma" in the edit menu (issue 18)', async () => {
    convo = await startConversation();
    await convo.join();
    await convo.sayAll(SELF_ANSWERS);
    const asked = textOf(await convo.say('ändra trygg hemma'));
    expect(asked).to.include('Känner du dig trygg hemma?');
    expect(textOf(await convo.say('nej'))).to.include('Trygg hemma: Nej');
    expect(textOf(await convo.say('Ändra ett svar'))).to.include('Vilket svar vill du ändra?');
    expect(textOf(await convo.say('telefon'))).to.include('Vilket telefonnummer kan vi nå dig på?');
    expect(textOf(await convo.say('070-765 43 21'))).to.include('Telefon: 070-765 43 21');
    // A name that fits several answers ("hemma": Trygg hemma, Sysslor hemma) or none is not guessed: which one?
    await convo.say('Tillbaka till sammanfattningen');
    expect(textOf(await convo.say('ändra hemma'))).to.include('Vilket svar vill du ändra? Skriv numret eller rubriken');
    expect(textOf(await convo.say('ändra blomkål'))).to.include('Vilket svar vill du ändra?');
  });

  it('an edit that makes new questions relevant asks them before the summary', async () => {
    convo = await startConversation();
    await convo.join();
    const answers = [...SELF_ANSWERS];
    // Household fine: no follow-up questions on personal care, moving about and falls.
    answers.splice(9, 4, 'Det går bra');
    const summary = textOf(await convo.sayAll(answers));
    expect(summary).not.to.include('Personlig omvårdnad');
    await convo.say('Ändra ett svar');
    await convo.say('9');
    const followUp = textOf(await convo.say('Det går inte utan hjälp'));
    expect(followUp).to.include('Hur går det med den personliga omvårdnaden');
    const back = textOf(await convo.sayAll(['Det går inte utan hjälp', 'Det går bra', 'Nej']));
    expect(back).to.include('Sammanfattning');
    expect(back).to.include('Personlig omvårdnad: Det går inte utan hjälp');
  });

  it('resumes after a restart at the same question, with earlier answers intact', async () => {
    const first = await startConversation({ conversationId: 'resume-1' });
    await first.join();
    await first.sayAll(SELF_ANSWERS.slice(0, 6));
    await first.flush();
    await first.stop();
    // A new process on the same data folder.
    convo = await startConversation({ dataDir: first.dataDir, conversationId: 'resume-1' });
    const resumed = textOf(await convo.say('hjälp'));
    expect(resumed).to.include('Finns det något du vill kunna göra, eller fortsätta göra, som är svårt i dag?');
    const summary = textOf(await convo.sayAll(SELF_ANSWERS.slice(6)));
    expect(summary).to.include('Kaffe på balkongen och en promenad.');
    expect(summary).to.include('Kommun: Karlstad');
  });

  it('two messages at once both land, in order', async () => {
    convo = await startConversation();
    await convo.join();
    await convo.say('ja');
    // A double click and a quick second message, processed concurrently.
    await Promise.all([convo.say('För mig själv'), convo.say('Karlstad')]);
    const next = textOf(await convo.say('hjälp'));
    expect(next).to.include('Berätta med egna ord hur din vardag ser ut just nu.');
    const summary = textOf(await convo.sayAll(SELF_ANSWERS.slice(3)));
    expect(summary).to.include('Kommun: Karlstad');
    expect(summary).to.include('Svarar för: För mig själv');
  });

  it('a message delivered twice (a retry after a crash) is handled once: the question is asked again, the case reference given again', async () => {
    convo = await startConversation({ conversationId: 'retry-1' });
    await convo.join();
    await convo.sayAll(SELF_ANSWERS.slice(0, 4));
    // The answer to "Vad är viktigt för dig?" is delivered again with the same activity id.
    const answer = { type: 'message', text: SELF_ANSWERS[4]!, id: 'retried-1' };
    const first = textOf(await convo.send(answer));
    expect(first).to.include('Hur ser en riktigt bra dag ut för dig?');
    const again = textOf(await convo.send(answer));
    expect(again, 'the same question again, not the answer taken for the next one').to.include('Hur ser en riktigt bra dag ut för dig?');
    const summary = textOf(await convo.sayAll(SELF_ANSWERS.slice(5)));
    expect(summary).to.include('Kaffe på balkongen och en promenad.');
    expect(summary).to.include('Att kunna bo kvar hemma och träffa mina barnbarn.');
    await convo.sayAll(CONFIRM_AND_SHARE.slice(0, -1));
    const last = { type: 'message', text: CONFIRM_AND_SHARE.at(-1)!, id: 'retried-2' };
    const done = textOf(await convo.send(last));
    const reference = /NV-\d{4}-\d{6}/u.exec(done)?.[0];
    expect(reference).to.be.a('string');
    const repeated = textOf(await convo.send(last));
    expect(repeated, 'the same case, not a new interview').to.include(reference!);
    expect(repeated).not.to.include('Vill du fortsätta?');
    await convo.flush();
    expect((await readCases(convo.dataDir)).map((c) => c.reference)).to.deep.equal([reference]);
  });

  it('understands typed Swedish: variants, numbers, number words and small slips', async () => {
    convo = await startConversation();
    await convo.join();
    expect(textOf(await convo.say('japp'))).to.include('Svarar du för dig själv');
    expect(textOf(await convo.say('mig själv'))).to.include('Vilken kommun');
    expect(textOf(await convo.say('kristinehman'))).to.include('vardag');
    await convo.sayAll(['hoppa över', 'hoppa över', 'hoppa över', 'hoppa över']);
    expect(textOf(await convo.say('hemtjänst och 7'))).to.include('enda sak');
    await convo.say('hoppa över');
    expect(textOf(await convo.say('2'))).to.include('två veckorna');
    expect(textOf(await convo.say('fyra'))).to.include('trygg hemma');
    // "kanske" is an answer since issue 18 (test/stories/3-ja-nej-kanske.yaml); a word that is
    // neither yes, no nor unsure still is not.
    const unclear = textOf(await convo.say('potatis'));
    expect(unclear).to.include('Svara gärna ja eller nej.');
    expect(textOf(await convo.say('nä'))).to.include('någon att prata med');
  });

  it('too long a message gets a polite answer and nothing is stored cut short', async () => {
    convo = await startConversation();
    await convo.join();
    await convo.sayAll(['ja', 'För mig själv', 'Karlstad']);
    const long = 'Jag vill berätta. '.repeat(200);
    const reply = textOf(await convo.say(long));
    expect(reply).to.include(`${long.length} tecken`);
    expect(reply).to.include('högst 2000 tecken');
    const again = textOf(await convo.say('Kort version.'));
    expect(again).to.include('Vad är viktigast');
    const summary = textOf(await convo.sayAll(SELF_ANSWERS.slice(4)));
    expect(summary).to.include('Vardagen just nu: Kort version.');
  });

  it('files and images get an explanation; other activity types are ignored', async () => {
    convo = await startConversation();
    await convo.join();
    await convo.say('ja');
    const reply = textOf(await convo.send({ type: 'message', attachments: [{ contentType: 'image/png', contentUrl: 'http://127.0.0.1:9/x.png' }] }));
    expect(reply).to.include('kan tyvärr inte ta emot filer eller bilder');
    expect(reply).to.include('Svarar du för dig själv');
    expect(await convo.send({ type: 'typing' })).to.deep.equal([]);
    expect(await convo.send({ type: 'messageReaction', reactionsAdded: [{ type: 'like' }] })).to.deep.equal([]);
  });

  it('on Web Chat: multi-choice and the summary are Adaptive Cards, and their submits work', async () => {
    convo = await startConversation({ channelId: 'webchat' });
    await convo.join();
    const multi = await convo.sayAll(SELF_ANSWERS.slice(0, 7));
    const card = multi.find((r) => r.attachments?.[0]?.contentType === 'application/vnd.microsoft.card.adaptive');
    expect(card, 'a card for the multi-choice question').to.exist;
    const after = textOf(await convo.submit({ intake: 'answer', question: 'help_with', value: 'help_at_home,health' }));
    expect(after).to.include('enda sak');
    const summary = await convo.sayAll(SELF_ANSWERS.slice(8));
    const summaryCard = summary.find((r) => r.attachments?.[0]?.contentType === 'application/vnd.microsoft.card.adaptive');
    expect(summaryCard, 'the summary card').to.exist;
    const content = summaryCard!.attachments![0]!.content as { body: unknown[]; actions: Array<{ title: string }> };
    expect(content.actions.map((a) => a.title)).to.deep.equal(['Det stämmer', 'Ändra ett svar']);
    expect(JSON.stringify(content.body)).to.include('Hjälp hemma (hemtjänst, trygghetslarm, boende), Hälsa, sjukdom eller mediciner');
    // Answer numbers stand alone, so markdown cannot renumber them "1., 1., 1."; a resident's
    // line that looks like a list is shown as written.
    const texts: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        const o = node as Record<string, unknown>;
        if (o['type'] === 'TextBlock') texts.push(String(o['text']));
        Object.values(o).forEach(walk);
      }
    };
    walk(content.body);
    expect(texts.filter((t) => /^\d+\. /u.test(t))).to.deep.equal([]);
    expect(texts).to.include('12');
    const edit = textOf(await convo.submit({ intake: 'edit', question: 'good_day' }));
    expect(edit).to.include('Hur ser en riktigt bra dag ut för dig?');
    await convo.say('En dag i trädgården.');
    const confirm = textOf(await convo.submit({ intake: 'confirm' }));
    expect(confirm).to.include('Får vi skicka sammanfattningen till');
    // A card clicked again later is explained, not crashed on.
    const stale = textOf(await convo.submit({ intake: 'edit', question: 'nonexistent' }));
    expect(stale).to.include('Det svaret förstod jag inte');

    // Staff reading the case see what was chosen on the cards in the words the cards showed
    // (where the person agreed that the whole conversation is shared).
    await convo.sayAll(['Ja, och hela samtalet', 'Ja, och hela samtalet', 'Ja, och hela samtalet']);
    await convo.flush();
    const [created] = await convo.stack.cases.list();
    expect(created, 'the case').to.exist;
    const staff = { id: 'anna@karlstad.test', name: 'Anna Exempel', organisationId: 'karlstad', role: 'staff' as const, units: created!.recipients.map((r) => r.key) };
    const view = await convo.stack.staff.read(staff, created!.reference, '127.0.0.1');
    expect(view.shared).to.equal('conversation');
    const answers = view.transcript.filter((l) => l.from === 'resident' && l.value !== undefined).map((l) => l.valueText);
    expect(answers).to.deep.equal(['Hjälp hemma (hemtjänst, trygghetslarm, boende), Hälsa, sjukdom eller mediciner', '5. En riktigt bra dag', 'Det stämmer', 'nonexistent']);
  });
});
