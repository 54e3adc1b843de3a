/**
 * Conversations under way when a new release starts: each fixture in test/fixtures/saved-states is a
 * conversation state exactly as the bot saved it at commit 0fd9c33 (mid-question bank, at a pending
 * confirmation, at the summary, in the edit menu, during consent to share, after the case). The test
 * puts it in the store, checks what the person sees on their next message, and finishes the interview
 * to a case that holds what they had answered before the restart.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import type { Storage } from 'botbuilder';
import type { CaseRecord } from '../src/core/cases.js';
import type { AnswerValue } from '../src/core/interview/answers.js';
import type { InterviewState } from '../src/core/interview/state.js';
import { startConversation, textOf, type Conversation } from './helpers/harness.js';
import { interviewOf, learnInterview } from './helpers/interview-script.js';
import { REPO_ROOT } from './helpers/paths.js';
import { readCases } from './helpers/stored.js';

interface Fixture {
  description: string;
  saved: Record<string, unknown>;
}

async function fixture(name: string): Promise<Fixture> {
  return JSON.parse(await readFile(path.join(REPO_ROOT, 'test/fixtures/saved-states', `${name}.json`), 'utf8')) as Fixture;
}

/** The interview inside a fixture's saved conversation state. */
function savedInterview(f: Fixture): InterviewState {
  const state = interviewOf(f.saved);
  if (!state) throw new Error('the fixture holds no interview');
  return state;
}

describe('conversations saved by the previous release continue (test/fixtures/saved-states)', function () {
  this.timeout(60000);
  /** The standard test interview's answer to each question, by question id. */
  const answerTo = new Map<string, string>();
  let convo: Conversation;
  let storage: Storage;
  let key: string;
  let seq = 0;
  let seen: string[];

  before(async () => {
    const script = await learnInterview();
    for (const step of script.steps) if (step.stored && 'questionId' in step.stored) answerTo.set(step.stored.questionId, step.answer);
  });

  afterEach(async () => convo?.close());

  /** A new process finds the fixture's state in its store, as after a restart with a new release. */
  async function resume(name: string): Promise<Fixture> {
    const f = await fixture(name);
    convo = await startConversation();
    storage = (convo.stack.conversationState as unknown as { storage: Storage }).storage;
    key = `${convo.channelId}/conversations/${convo.conversationId}/`;
    await storage.write({ [key]: { ...structuredClone(f.saved), eTag: '*' } });
    seen = [];
    return f;
  }

  /** The person writes; message ids differ from any the fixture's conversation used. */
  async function say(text: string): Promise<string> {
    const replies = textOf(await convo.send({ type: 'message', text, id: `after-release-${++seq}` }));
    seen.push(replies);
    return replies;
  }

  async function current(): Promise<InterviewState | undefined> {
    return interviewOf((await storage.read([key]))[key]);
  }

  /** Answers whatever the interview asks, the way the standard test interview does, up to the case. */
  async function finish(): Promise<CaseRecord> {
    const texts = convo.stack.engine.texts('sv');
    for (let turn = 0; turn < 80; turn++) {
      const state = await current();
      if (!state) throw new Error(`the conversation was erased; last replies: ${seen.at(-1)}`);
      if (state.phase === 'done') break;
      if (state.pending === 'language') await say(texts.t('language.name'));
      else if (state.pending) await say(texts.t('question.no'));
      else if (state.phase === 'consent') await say(texts.t('greeting.consentYes'));
      else if (state.phase === 'asking') {
        const answer = answerTo.get(state.current ?? '');
        if (answer === undefined) throw new Error(`no test answer for question ${state.current}`);
        await say(answer);
      } else if (state.phase === 'summary') await say(texts.t('summary.confirm'));
      else if (state.phase === 'pickEdit') await say(texts.t('edit.back'));
      else if (state.phase === 'share') await say(texts.t('share.yes'));
    }
    const cases = await readCases(convo.dataDir);
    expect(cases, 'one case').to.have.length(1);
    const record = cases[0]!;
    expect(seen.at(-1)).to.include(`ärendenummer ${record.reference}`);
    expect(seen.join('\n')).not.to.include(texts.t('error.generic'));
    expect((await current())?.caseReference).to.equal(record.reference);
    return record;
  }

  /** The case keeps every answer the saved state held, except those named. */
  function expectKept(record: CaseRecord, saved: InterviewState, except: string[] = []): void {
    const kept = Object.fromEntries(Object.entries(saved.answers).filter(([id]) => !except.includes(id)));
    expect(Object.keys(kept)).not.to.be.empty;
    expect(record.answers).to.deep.include(kept as Record<string, AnswerValue>);
  }

  it('at the consent to start: "Ja" begins the question bank', async () => {
    await resume('consent');
    const next = await say('Ja, jag vill fortsätta');
    expect(next).to.include('Tack! Du kan när som helst skriva');
    expect(next).to.include('Del 1 av 6: Om dig');
    expect(next).to.include('Svarar du för dig själv eller för någon annan?');
    const record = await finish();
    expect(record.respondent).to.equal('self');
  });

  it('mid-question bank: "tillbaka" goes to the answer before, then the interview ends in a case with every answer', async () => {
    const f = await resume('asking-mid-bank');
    const saved = savedInterview(f);
    expect(saved.current).to.equal('personal_care');
    const back = await say('tillbaka');
    expect(back).to.include('Okej, vi går tillbaka.');
    expect(back).to.include('Hur går det med sysslorna hemma');
    expect(back).to.include('Ditt förra svar: Det går inte så bra');
    const record = await finish();
    expectKept(record, saved);
    expect(record.suggestedTopics).to.include.members(['specialist_care', 'disability_support', 'carer_support']);
  });

  it('after a cry for help: the case stays urgent with its risk category', async () => {
    const f = await resume('asking-urgent');
    const saved = savedInterview(f);
    expect(await say('Att kunna bo kvar hemma.')).to.include('Hur ser en riktigt bra dag ut för dig?');
    const record = await finish();
    expectKept(record, saved);
    expect(record.answers['daily_life_now']).to.deep.equal({ kind: 'text', text: 'Jag vill inte leva längre.' });
    expect(record.urgent).to.equal(true);
    expect(record.riskCategories).to.deep.equal(['suicide_self_harm']);
    expect(seen.at(-1)).to.include('Ärendet är markerat som brådskande.');
  });

  it('with a municipality preset by the page: "börja om" keeps it, and the case goes to Karlstad', async () => {
    const f = await resume('asking-preset');
    expect(savedInterview(f).preset).to.deep.equal({ municipality: { kind: 'choice', option: 'karlstad' } });
    expect(await say('börja om')).to.include('Vill du börja om från början?');
    const restarted = await say('Ja, börja om');
    expect(restarted).to.include('Okej, vi börjar om från början.');
    expect(restarted).to.include('Svarar du för dig själv eller för någon annan?');
    // The page's municipality is a suggestion to confirm, never an answer taken for granted.
    expect(await say('För mig själv')).to.include('Bor du i Karlstad?');
    expect(await say('Ja, i Karlstad')).to.include('Berätta med egna ord hur din vardag ser ut just nu.');
    const record = await finish();
    expect(record.municipality).to.deep.include({ id: 'karlstad', scbCode: '1780' });
  });

  it('with a municipality the page had filled in as an answer: it is asked after all, and another one is kept', async () => {
    await resume('asking-preset');
    expect(await say('Jag bor ensam i ett hus.')).to.include('Bor du i Karlstad?');
    expect(await say('Nej, i Hagfors')).to.include('Vad är viktigast för dig just nu?');
    const record = await finish();
    expect(record.municipality).to.deep.include({ id: 'hagfors' });
  });

  it('at a pending "avbryt": "Nej" resumes at the same question', async () => {
    const f = await resume('pending-cancel');
    const saved = savedInterview(f);
    const resumed = await say('Nej, fortsätt');
    expect(resumed).to.include('Bra, då fortsätter vi.');
    expect(resumed).to.include('Vad skulle du vilja ha stöd eller hjälp med?');
    const record = await finish();
    expectKept(record, saved);
  });

  it('at a pending "avbryt": "Ja" erases the conversation', async () => {
    await resume('pending-cancel');
    expect(await say('Ja, avbryt')).to.include('Samtalet är avbrutet och dina svar är raderade.');
    await convo.flush();
    expect(await current()).to.equal(undefined);
  });

  it('at a pending "börja om": "Ja" clears the answers and starts again from the first question', async () => {
    await resume('pending-restart');
    const restarted = await say('Ja, börja om');
    expect(restarted).to.include('Okej, vi börjar om från början.');
    expect(restarted).to.include('Svarar du för dig själv eller för någon annan?');
    expect((await current())?.answers).to.deep.equal({});
    const record = await finish();
    expect(record.answers['daily_life_now']).to.deep.equal({ kind: 'text', text: 'Jag bor ensam i en lägenhet på tredje våningen.\nHissen är ofta trasig.' });
  });

  it('at a pending "glöm mig" read from a free-text answer: "Nej" keeps the text as the answer', async () => {
    const f = await resume('pending-forget');
    const saved = savedInterview(f);
    expect(await say('Nej, fortsätt')).to.include('Finns det något du vill kunna göra, eller fortsätta göra, som är svårt i dag?');
    const record = await finish();
    expectKept(record, saved);
    expect(record.answers['good_day']).to.deep.equal({ kind: 'text', text: 'jag vill att ni raderar allt jag har skrivit' });
  });

  it('at a pending "glöm mig": "Ja, radera allt" erases the conversation', async () => {
    await resume('pending-forget');
    expect(await say('Ja, radera allt')).to.include('Allt du skrev i det här samtalet är nu raderat.');
    await convo.flush();
    expect(await current()).to.equal(undefined);
  });

  it('at a held free-text answer that read like "skip": "Nej, det var mitt svar" stores it', async () => {
    const f = await resume('pending-intent');
    const saved = savedInterview(f);
    expect(await say('Nej, det var mitt svar')).to.include('Hur ser en riktigt bra dag ut för dig?');
    const record = await finish();
    expectKept(record, saved);
    expect(record.answers['what_matters']).to.deep.equal({ kind: 'text', text: 'den frågan vill jag inte svara på' });
  });

  it('at a held free-text answer that read like "skip": "Ja" skips the question', async () => {
    await resume('pending-intent');
    const skipped = await say('Ja');
    expect(skipped).to.include('Okej, vi hoppar över den.');
    expect(skipped).to.include('Hur ser en riktigt bra dag ut för dig?');
    const record = await finish();
    expect(record.answers).not.to.have.property('what_matters');
  });

  it('at the language choice: "English" switches and asks the same question in English', async () => {
    await resume('pending-language');
    const switched = await say('English');
    expect(switched).to.include('We will continue in English now.');
    expect(switched).to.match(/municipality/iu);
    expect((await current())?.locale).to.equal('en');
  });

  it('at the language choice: "Svenska" continues in Swedish at the same question', async () => {
    const f = await resume('pending-language');
    const kept = await say('Svenska');
    expect(kept).to.include('Nu fortsätter vi på svenska.');
    expect(kept).to.include('Vilken kommun bor du i?');
    const record = await finish();
    expectKept(record, savedInterview(f));
    expect(record.locale).to.equal('sv');
  });

  it('at the summary: "Det stämmer" asks consent for the first recipient; the case holds every answer', async () => {
    const f = await resume('summary');
    const saved = savedInterview(f);
    expect(await say('Det stämmer')).to.include('Får vi skicka sammanfattningen till Biståndshandläggning (äldreomsorg), Karlstads kommun?');
    const record = await finish();
    expect(record.answers).to.deep.equal(saved.answers);
    expect(record.topics).to.deep.equal(['elderly_care', 'home_health', 'primary_care', 'mental_health']);
    expect(record.sipSuggested).to.equal(true);
  });

  it('in the edit menu: a number asks that question again; the new answer reaches the case', async () => {
    const f = await resume('pick-edit');
    const saved = savedInterview(f);
    const asked = await say('4');
    expect(asked).to.include('Vad är viktigast för dig just nu?');
    expect(asked).to.include('Ditt förra svar: Att kunna bo kvar hemma och träffa mina barnbarn.');
    const summary = await say('Att slippa trappan.');
    // After a change, the changed item and "Stämmer sammanfattningen nu?" (issue 18), not the whole card.
    expect(summary).to.include('Stämmer sammanfattningen nu?');
    expect(summary).to.include('Att slippa trappan.');
    const record = await finish();
    expectKept(record, saved, ['what_matters']);
    expect(record.answers['what_matters']).to.deep.equal({ kind: 'text', text: 'Att slippa trappan.' });
  });

  it('in the edit menu: "Tillbaka till sammanfattningen" shows the summary again', async () => {
    await resume('pick-edit');
    expect(await say('Tillbaka till sammanfattningen')).to.include('Stämmer sammanfattningen?');
  });

  it('while changing an answer from the summary: the new answer returns to the summary', async () => {
    const f = await resume('editing-answer');
    const saved = savedInterview(f);
    const summary = await say('Att få hjälp med trappan.');
    expect(summary).to.include('Stämmer sammanfattningen?');
    expect(summary).to.include('Att få hjälp med trappan.');
    const record = await finish();
    expectKept(record, saved, ['what_matters']);
    expect(record.answers['what_matters']).to.deep.equal({ kind: 'text', text: 'Att få hjälp med trappan.' });
  });

  it('during consent to share: the consent given before the restart is kept, the next recipient is asked', async () => {
    const f = await resume('share');
    const saved = savedInterview(f);
    expect(await say('Nej, skicka inte')).to.include('Får vi skicka sammanfattningen till Vårdcentralen (Hälsoval Värmland)?');
    const record = await finish();
    expect(record.answers).to.deep.equal(saved.answers);
    expect(record.recipients.map((r) => [r.key, r.consent])).to.deep.equal([
      ['karlstad:bistand', true],
      ['karlstad:hemsjukvard', false],
      ['region_varmland:vardcentral', true],
    ]);
  });

  it('after the case: a new message starts a new interview', async () => {
    const f = await resume('done');
    expect(savedInterview(f).caseReference).to.match(/^NV-\d{4}-\d{6}$/u);
    const greeting = await say('Hej igen');
    expect(greeting).to.include('Hej och välkommen!');
    expect(greeting).to.include('Vill du fortsätta?');
    const record = await finish();
    expect(record.respondent).to.equal('self');
  });
});
