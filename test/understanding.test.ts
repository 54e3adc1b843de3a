/**
 * Whole conversations where people write freely instead of pressing buttons: asking for a person,
 * answers that mention command words, a free-text answer that reads like a request, changing
 * language mid-way, asking to be forgotten, a cry for help without any listed words, and routing
 * topics suggested from what they wrote.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import type { CaseRecord } from '../src/core/cases.js';
import { CONFIRM_AND_SHARE, SELF_ANSWERS } from './helpers/answers.js';
import { buttonsOf, startConversation, textOf, type Conversation } from './helpers/harness.js';
import { readCases } from './helpers/stored.js';

/** The data files under a folder (JSON documents and JSON Lines logs). */
async function jsonFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir, { recursive: true })).map(String).filter((f) => /\.jsonl?$/u.test(f));
}

describe('understanding free text in the conversation', function () {
  this.timeout(30000);
  let convo: Conversation;
  afterEach(async () => convo?.close());

  it('"kan jag prata med någon på riktigt?" gives a phone number and hours, a handoff, and the question again', async () => {
    convo = await startConversation();
    await convo.join();
    await convo.sayAll(['Ja', 'För mig själv', 'Karlstad']);
    // In a free-text question, asked first: it could be an answer.
    expect(textOf(await convo.say('kan jag prata med någon på riktigt?'))).to.include('Vill du prata med en människa?');
    const replies = await convo.say('Ja');
    const text = textOf(replies);
    expect(text).to.include('inte en människa');
    expect(text).to.include('Kontaktcenter, Karlstads kommun');
    expect(text).to.include('vardagar 8–16');
    expect(text).not.to.include('Karlstads kommun, Karlstads kommun');
    expect(replies.some((r) => r.type === 'event' && r.name === 'handoff.initiate'), 'a handoff.initiate event').to.equal(true);
    expect(text).to.include('Berätta med egna ord hur din vardag ser ut just nu.');
  });

  it('keeps answers that only mention help or going back as answers', async () => {
    convo = await startConversation();
    await convo.join();
    await convo.sayAll(['Ja', 'För mig själv', 'Karlstad']);
    const next = textOf(await convo.say('nä du, det går inte så bra med trapporna längre och min dotter hjälper mig'));
    expect(next).to.include('Vad är viktigast för dig just nu?');
    const again = textOf(await convo.say('att kunna gå tillbaka till att laga mat själv'));
    expect(again).not.to.include('Okej, vi går tillbaka');
  });

  it('asks before acting on a free-text answer that reads like a request, and keeps the text if it was an answer', async () => {
    convo = await startConversation();
    await convo.join();
    await convo.sayAll(['Ja', 'För mig själv', 'Karlstad']);
    const check = await convo.say('den frågan vill jag inte svara på');
    expect(textOf(check)).to.include('Vill du hoppa över den här frågan?');
    expect(buttonsOf(check)).to.deep.equal(['Ja', 'Nej, det var mitt svar']);
    const kept = textOf(await convo.say('Nej, det var mitt svar'));
    expect(kept).to.include('Vad är viktigast för dig just nu?');

    // And the other way: yes means skip.
    const check2 = textOf(await convo.say('kan jag hoppa över den här frågan tack'));
    expect(check2).to.include('Vill du hoppa över den här frågan?');
    expect(textOf(await convo.say('Ja'))).to.match(/Hur ser en riktigt bra dag ut för dig\?/u);

    const summary = textOf(await convo.sayAll(SELF_ANSWERS.slice(5)));
    expect(summary).to.include('den frågan vill jag inte svara på');
  });

  it('switches to English mid-way and continues at the same question; staff still get Swedish', async () => {
    convo = await startConversation();
    await convo.join();
    await convo.sayAll(['Ja', 'För mig själv']);
    const offer = await convo.say('går det att byta språk?');
    expect(textOf(offer)).to.include('Vilket språk vill du använda?');
    expect(buttonsOf(offer)).to.have.members(['Svenska', 'English', 'Lättläst svenska']);
    const switched = textOf(await convo.say('English'));
    expect(switched).to.include('We will continue in English now.');
    expect(switched).to.match(/municipality/iu);
    await convo.say('Karlstad');
    const english = textOf(await convo.say('I live alone on the third floor and the lift is often broken.'));
    expect(english).to.include('What matters most to you right now?');

    const rest = ['To stay at home.', 'Coffee on the balcony.', 'Shopping on my own.', '1, 7', 'Help with shopping.', '3', '2', '3', 'Yes', '2', 'Yes', 'Sometimes', '1', 'My blood pressure pills.', 'Visits at home.', 'No', 'Yes', 'Yes', 'Swedish', 'Phone', 'Testa Testsson', '19811218-9876', '070-123 45 67'];
    const summary = textOf(await convo.sayAll(rest));
    expect(summary).to.include('Summary');
    const done = textOf(await convo.sayAll(['That is right', 'Yes, send it', 'Yes, send it', 'No, do not send']));
    expect(done).to.match(/NV-\d{4}-\d{6}/u);

    const [record] = (await readCases(convo.dataDir)) as [CaseRecord];
    expect(record.locale).to.equal('en');
    expect(record.summaryText).to.include('Sammanfattning');
    expect(record.summaryText).to.include('I live alone on the third floor and the lift is often broken.');
  });

  it('"radera allt jag skrivit" explains erasure, asks, and forgets the conversation', async () => {
    convo = await startConversation();
    await convo.join();
    await convo.sayAll(['Ja', 'För mig själv', 'Karlstad', 'Jag bor med min katt Testa.']);
    await convo.flush();
    expect(await jsonFiles(path.join(convo.dataDir, 'state'))).to.have.length(1);
    const ask = await convo.say('jag vill att ni raderar allt jag har skrivit');
    expect(textOf(ask)).to.include('Vill du att vi glömmer dig?');
    const done = textOf(await convo.say('Ja, radera allt'));
    expect(done).to.include('är nu raderat');
    await convo.flush();
    expect(await jsonFiles(path.join(convo.dataDir, 'state'))).to.deep.equal([]);
    for (const f of await jsonFiles(path.join(convo.dataDir, 'transcripts'))) {
      expect(await readFile(path.join(convo.dataDir, 'transcripts', f), 'utf8')).not.to.include('katt');
    }
  });

  it('hears a cry for help in words no pattern lists, shows the emergency numbers and never takes it as "cancel"', async () => {
    convo = await startConversation();
    await convo.join();
    await convo.sayAll(['Ja', 'För mig själv', 'Karlstad']);
    const replies = textOf(await convo.say('jag har sparat alla tabletter i en burk och i natt tänker jag inte vakna mer'));
    expect(replies).to.include('112');
    expect(replies).not.to.include('Vill du avbryta?');
    const despair = textOf(await convo.say('jag vill göra slut på allt'));
    expect(despair).to.include('112');
    expect(despair).not.to.include('Vill du avbryta?');
  });

  it('keeps an age told in an earlier answer for a later alarm about the same person: a 15-year-old gets BRIS, a daughter whose mother is 87 gets Äldrelinjen for her mother but not for herself', async () => {
    const crisis = 'tar alla pills ikväll ingen kmr sakna mig ändå';
    // Without an age told, the same message gets the suicide numbers only.
    convo = await startConversation();
    await convo.join();
    await convo.sayAll(['Ja', 'För mig själv', 'Karlstad', 'jag bor med mamma o lillebror']);
    const noAge = textOf(await convo.say(crisis));
    expect(noAge).to.include('90101');
    expect(noAge).not.to.include('116 111');
    await convo.close();

    convo = await startConversation();
    await convo.join();
    await convo.sayAll(['Ja', 'För mig själv', 'Karlstad', 'jag e 15 o bor med mamma o lillebror']);
    const teen = textOf(await convo.say(crisis));
    expect(teen).to.include('90101').and.include('116 111');
    await convo.close();

    const daughter = async (): Promise<void> => {
      convo = await startConversation();
      await convo.join();
      await convo.sayAll(['ja', 'För någon annan', 'Jag är personens barn', 'Ja, hen vet och tycker att det är bra', 'Sunne', 'mamma e 87 o bor själv i ett hus utanför stan']);
    };
    await daughter();
    const mother = textOf(await convo.say('nu svarar hon inte i telefon sen igår morse o grannen har inte sett henne'));
    expect(mother).to.include('112').and.include('020-22 22 33');
    await convo.close();
    await daughter();
    const herself = textOf(await convo.say('jag orkar inte leva längre, jag vill dö'));
    expect(herself).to.include('90101');
    expect(herself, 'the mother\'s age is not the daughter\'s').not.to.include('020-22 22 33');
  });

  it('reads a message written in English in a Swedish conversation in English too: the danger is heard before the person has switched language', async () => {
    convo = await startConversation();
    await convo.join();
    await convo.sayAll(['Ja', 'För mig själv', 'Karlstad']);
    const replies = textOf(await convo.say("She's been very low since dad died and last night she said she's got her pills saved up and doesn't see the point anymore."));
    expect(replies).to.include('112').and.include('90101');
    const calm = textOf(await convo.say("I'm dying to see my grandchildren at Christmas, it's been a long autumn."));
    expect(calm).not.to.include('112');
  });

  it('"english please" or "på engelska istället?" switches to English at once, without asking which language', async () => {
    convo = await startConversation();
    await convo.join();
    const replies = textOf(await convo.say('english please'));
    expect(replies).to.include('We will continue in English now').and.not.to.include('Vilket språk');
    await convo.close();
    convo = await startConversation();
    await convo.join();
    await convo.sayAll(['Ja', 'För mig själv']);
    const named = textOf(await convo.say('kan vi ta det här på engelska istället?'));
    expect(named).to.include('We will continue in English now').and.match(/municipality/iu);
  });

  it('suggests topics from what was written to staff, not in the person\'s own summary, without changing who receives it', async () => {
    convo = await startConversation();
    await convo.join();
    const answers = [...SELF_ANSWERS];
    answers[3] = 'Mitt barnbarn bor hos mig och har det jättesvårt i skolan, skolsköterskan har ringt flera gånger.';
    const summary = textOf(await convo.sayAll(answers));
    // Routing topics are for staff (issue 18): the person reads their own words, not "Elevhälsa".
    expect(summary).not.to.include('Elevhälsa');
    const done = textOf(await convo.sayAll(CONFIRM_AND_SHARE));
    expect(done).to.match(/NV-\d{4}-\d{6}/u);
    const [record] = (await readCases(convo.dataDir)) as [CaseRecord];
    expect(record.suggestedTopics).to.include('school_health');
    expect(record.topics).not.to.include('school_health');
    expect(record.summaryText).to.include('Elevhälsa');
  });
});
