/**
 * The safety questions, pending after an alarm (safety-net.ts), whatever the phase:
 * - `safetyCheck` (an unsure signal): one direct, caring question with buttons; yes leads to the
 *   acute path, no to a kind word; then the interview goes on.
 * - `sendNow` (an acute signal): the offer to send what was said so far now, as an urgent case, to
 *   the contact the routing gives for the answers so far, saying what that means and when someone
 *   works there. Yes: the case exists at once (the end of the interview completes it); no: nothing
 *   is sent, and the person is told so and how to reach help. Either way the interview goes on.
 */
import { route, urgentRecipient, type Recipient } from '../../routing.js';
import { PhraseMatcher } from '../../text/phrase-matcher.js';
import { caseDraft } from '../case-draft.js';
import { hoursIn } from '../directory.js';
import { isButtonOrYesNo } from '../kit.js';
import { acute, resume, showNumbers } from '../safety-net.js';
import { say, type PhaseModule, type Step, type Turn } from '../turn.js';

const BUTTONS = {
  safetyCheck: ['safety.check.yes', 'safety.check.no', 'safety.check.dontKnow'],
  sendNow: ['safety.sendNow.yes', 'safety.sendNow.no'],
} as const;

/**
 * Yes, no, or (to the direct question) "vet inte": one of the question's buttons, or typed. A
 * relative often cannot know what the person they write about thinks.
 */
function answerOf(turn: Turn, kind: keyof typeof BUTTONS, text: string): boolean | 'dontKnow' | undefined {
  const [yesKey, noKey, dontKnowKey] = BUTTONS[kind];
  const { texts, recognizer } = turn.kit;
  if (new PhraseMatcher([texts.t(yesKey)]).matches(text)) return true;
  if (new PhraseMatcher([texts.t(noKey)]).matches(text)) return false;
  if (dontKnowKey && (new PhraseMatcher([texts.t(dontKnowKey)]).matches(text) || recognizer.saysDontKnow(text))) return 'dontKnow';
  // Sending now is a consent: a qualified yes ("ja men inte på nätterna") is asked about, not taken.
  return kind === 'sendNow' ? recognizer.decision(text) : recognizer.yesNo(text);
}

/** Who gets the urgent case: the contact for the alarm's situation (data/routing.yaml `urgent`), else the answers' first. */
function urgentContact(turn: Turn): Recipient {
  return urgentRecipient(turn.context.content, turn.state.answers, turn.state.alarm?.situations ?? []);
}

/** When someone works there: the directory's hours, else that it may be the next working day. */
function whenSomeoneWorks(turn: Turn, recipient: Recipient): string {
  const { texts } = turn.kit;
  return recipient.hours ? texts.t('safety.sendNow.hours', { hours: hoursIn(turn.context.content, turn.state.locale, recipient.hours) }) : texts.t('safety.sendNow.noHours');
}

/** The question for an unsure signal: the direct question about suicide for self-harm, else whether anyone is in danger. */
function checkQuestion(turn: Turn): string {
  const alarm = turn.state.alarm;
  const { texts } = turn.kit;
  if (alarm?.categories.includes('suicide_self_harm') || alarm?.situations.includes('suicide')) {
    return texts.t(alarm.subject === 'other' ? 'safety.check.suicideOther' : 'safety.check.suicide');
  }
  return texts.t('safety.check.danger');
}

async function sendNow(turn: Turn): Promise<void> {
  const { state } = turn;
  const routing = route(turn.context.content, state.answers);
  const recipient = urgentContact(turn);
  const draft = caseDraft(turn, routing);
  const record = await turn.context.createCase({ ...draft, urgent: true, recipients: [{ ...recipient, consent: true }] });
  state.sentNow = { reference: record.reference, recipientKey: recipient.key };
  say(turn, 'safety.sendNow.sent', { recipient: recipient.contactName, reference: record.reference, when: whenSomeoneWorks(turn, recipient) });
}

export const safety: PhaseModule = {
  async onText(turn, text): Promise<Step> {
    const { state } = turn;
    const kind = state.pending === 'sendNow' ? 'sendNow' : 'safetyCheck';
    const yes = answerOf(turn, kind, text);
    if (yes === undefined && !state.safetyReprompted) {
      state.safetyReprompted = true;
      say(turn, 'reprompt.yesno');
      return { to: 'repeat' };
    }
    delete state.pending;
    delete state.safetyReprompted;
    if (yes === undefined) {
      // Nobody is held at a safety question: the interview goes on, with the numbers (after the offer
      // to send now: what declining it says, that nothing was sent and no one told).
      if (kind === 'sendNow') say(turn, 'safety.sendNow.declined');
      else showNumbers(turn, turn.kit.texts.t('safety.check.moveOn'));
      return resume(turn);
    }
    if (kind === 'safetyCheck') {
      if (yes === 'dontKnow') say(turn, 'safety.check.dontKnowAck');
      if (yes) {
        const last = state.riskRecord?.triggers.at(-1);
        // The person said someone is in danger: the sentence now counts as acute.
        if (last) last.level = 'acute';
        turn.context.onRiskAlarm?.('acute');
        return acute(turn);
      }
      say(turn, 'safety.check.thanks');
      return resume(turn);
    }
    if (yes) await sendNow(turn);
    else say(turn, 'safety.sendNow.declined');
    return resume(turn);
  },

  prompt(turn) {
    const { state } = turn;
    const { texts } = turn.kit;
    if (state.pending === 'sendNow') {
      const recipient = urgentContact(turn);
      turn.replies.push({
        type: 'prompt',
        text: texts.t('safety.sendNow.offer', { recipient: recipient.contactName, when: whenSomeoneWorks(turn, recipient) }),
        hints: [],
        buttons: [{ label: texts.t('safety.sendNow.yes') }, { label: texts.t('safety.sendNow.no') }],
      });
      return;
    }
    turn.replies.push({
      type: 'prompt',
      text: checkQuestion(turn),
      hints: [],
      buttons: BUTTONS.safetyCheck.map((key) => ({ label: texts.t(key) })),
    });
  },

  expects: (turn, text) => isButtonOrYesNo(turn.kit, text, [...BUTTONS.safetyCheck, ...BUTTONS.sendNow]),
};
