/**
 * The safety net: what the conversation does with a safety verdict (safety-verdict.ts), before
 * anything else reads the message. It never judges urgency medically, never ends the interview, and
 * never says that anything was sent or marked when it was not.
 *
 * - acute: a brief, warm acknowledgement first; then the numbers for the situation
 *   (data/emergency-numbers.yaml, numbersFor); then the offer to send what was said so far now, as an
 *   urgent case (phases/safety.ts waits for the answer).
 * - unsure: one direct, caring question with buttons (phases/safety.ts); yes leads to the acute path.
 * - "det är inte akut" after an alarm: the correction is kept next to what triggered the alarm.
 *
 * A message with an alarm is never also read as a command or request ("avbryt", forget me): the
 * engine stops at the step returned here. What the person wrote is kept as the answer to a free-text
 * question once they have answered the safety question, so nothing they wrote is lost.
 */
import type { RiskCategory } from '../content/schema.js';
import { route } from '../routing.js';
import { numbersFor, type SafetyVerdict, type Situation, type Subject } from '../safety/verdict.js';
import { normalize } from '../text/normalize.js';
import { containsPhrase } from '../text/phrase-matcher.js';
import { caseDraft } from './case-draft.js';
import { answeringForOther } from './question-prompt.js';
import { atSafetyQuestion } from './state.js';
import { askingView, say, type Step, type Turn } from './turn.js';

/**
 * Acts on a verdict: returns where the conversation goes when the message raised an alarm (the
 * safety question is then pending), undefined when it raised none.
 */
export async function safetyNet(turn: Turn, text: string, verdict: SafetyVerdict): Promise<Step> {
  keepAges(turn, text);
  if (verdict.level === 'none') return undefined;
  const { state } = turn;
  turn.context.onRiskAlarm?.(verdict.level);
  const situations = [...new Set([...verdict.situations, ...agesOf(turn, verdict.subject)])];
  state.alarm = { level: verdict.level, situations, subject: verdict.subject, categories: [...verdict.categories] };
  state.risk = [...new Set<RiskCategory>([...state.risk, ...verdict.categories])];
  const category = verdict.categories[0];
  const triggers = [...(state.riskRecord?.triggers ?? [])];
  triggers.push({ sentence: verdict.trigger ?? text.trim(), level: verdict.level, ...(category ? { category } : {}), at: turn.context.now().toISOString() });
  state.riskRecord = { ...state.riskRecord, triggers };
  // Kept until the person has answered the safety question, then stored as the answer (resume).
  delete state.pendingIntent;
  if (askingView(turn)?.kind === 'text') state.heldAnswer = text;
  else delete state.heldAnswer;
  if (verdict.level === 'acute') return acute(turn);
  state.pending = 'safetyCheck';
  delete state.safetyReprompted;
  return { to: 'repeat' };
}

/** The ages this message tells (risk.yaml `ages`), kept with those told before. */
function keepAges(turn: Turn, text: string): void {
  const told = turn.kit.safety.agesIn(text);
  if (!told.self.length && !told.other.length) return;
  const kept = turn.state.toldAges ?? { self: [], other: [] };
  turn.state.toldAges = { self: [...new Set([...kept.self, ...told.self])], other: [...new Set([...kept.other, ...told.other])] };
}

/**
 * The situations of the ages told so far of the person an alarm is about: the writer's own when the
 * danger is theirs, someone else's when it is another's; when the alarm does not say, the person the
 * interview is about (a relative's answers tell of the one they answer for).
 */
function agesOf(turn: Turn, subject: Subject): Situation[] {
  const told = turn.state.toldAges;
  if (!told) return [];
  const whose = subject === 'unknown' ? (answeringForOther(turn.context.content.bank.roles, turn.state) ? 'other' : 'self') : subject;
  return told[whose];
}

/**
 * The acute path: acknowledgement, the numbers, then the offer to send now (or, when a case was
 * already sent now, it is brought up to date with what was just said).
 */
export async function acute(turn: Turn): Promise<Step> {
  const { state, kit } = turn;
  state.urgent = true;
  if (state.alarm) state.alarm.level = 'acute';
  say(turn, 'safety.acknowledge');
  showNumbers(turn, kit.texts.t('emergency.intro'));
  if (state.sentNow) {
    await updateSentCase(turn);
    say(turn, 'safety.sendNow.updated', { reference: state.sentNow.reference });
    return resume(turn);
  }
  state.pending = 'sendNow';
  delete state.safetyReprompted;
  return { to: 'repeat' };
}

/** The emergency numbers for the latest alarm's situation, in order, under an introduction. */
export function showNumbers(turn: Turn, intro: string): void {
  const { texts } = turn.kit;
  const numbers = numbersFor({ situations: turn.state.alarm?.situations ?? [] }, turn.context.content.emergency.numbers);
  turn.replies.push({
    type: 'emergency',
    intro,
    title: texts.t('emergency.listTitle'),
    numbers: numbers.map((n) => ({ number: n.number, label: texts.t(`emergency.numbers.${n.id}`) })),
  });
}

/** When the person ends, cancels or is done after an alarm: the numbers once more. */
export function numbersAgain(turn: Turn): void {
  if (turn.state.alarm) showNumbers(turn, turn.kit.texts.t('safety.numbersAgain'));
}

/**
 * After the safety question: what the person wrote is stored as the answer to the free-text
 * question it came in (and the interview goes on to the next), else the current question is asked
 * again.
 */
export function resume(turn: Turn): Step {
  const { state } = turn;
  const held = state.heldAnswer;
  delete state.heldAnswer;
  if (held !== undefined && askingView(turn)?.kind === 'text') return { to: 'answer', text: held };
  return { to: 'repeat' };
}

/** Whether the text says the alarm was wrong ("det är inte akut", locales/<lang>/phrases.yaml). */
export function isCorrection(turn: Turn, text: string): boolean {
  const phrases = turn.context.content.locales[turn.state.locale]?.phrases.notUrgent ?? [];
  return containsPhrase(normalize(text), phrases.map((p) => normalize(p)));
}

/**
 * "Det är inte akut" after an alarm: the correction is kept next to what triggered it (for the
 * case and staff), the case is no longer sent as urgent, any safety question is dropped, and the
 * interview goes on. Undefined when there was no alarm or the text is no correction.
 */
export async function correction(turn: Turn, text: string): Promise<Step> {
  const { state } = turn;
  if (!state.riskRecord?.triggers.length || !isCorrection(turn, text)) return undefined;
  state.riskRecord = { ...state.riskRecord, correction: { text: text.trim(), at: turn.context.now().toISOString() } };
  state.urgent = false;
  if (atSafetyQuestion(state)) delete state.pending;
  if (state.sentNow) {
    // The case already sent stays urgent until its staff reclassify it; they see the correction.
    await updateSentCase(turn);
    say(turn, 'safety.correctedSent', { reference: state.sentNow.reference });
  } else say(turn, 'safety.corrected');
  return resume(turn);
}

/**
 * Brings the case sent now up to date with the conversation so far (answers, risk record): the
 * same case, updated. Only the recipients already sent to get it before the end.
 */
export async function updateSentCase(turn: Turn): Promise<void> {
  const sent = turn.state.sentNow;
  if (!sent) return;
  const draft = caseDraft(turn, route(turn.context.content, turn.state.answers));
  await turn.context.completeCase(sent.reference, { ...draft, recipients: draft.recipients.filter((r) => r.consent) });
}
