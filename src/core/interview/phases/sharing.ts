/**
 * Sharing: consent per recipient, then the case. Asks, recipient by recipient as routing proposes
 * them, what may be sent there: the summary with the person's own words, the summary and the whole
 * conversation as written, or nothing. A plain "ja" is the summary only (the narrower reading: the
 * whole conversation is shared only when the person chose exactly that). After the last one it
 * creates the case with the recipients that said yes (and tells the reference), or, when none did,
 * sends nothing and ends the conversation without keeping anything. When an urgent case was sent
 * during the interview (phases/safety.ts), its recipient is not asked again, and the case is
 * completed with the whole interview instead of a second one being made.
 */
import type { Texts } from '../../i18n.js';
import { route, type Recipient, type RoutingDecision } from '../../routing.js';
import { copyEmergency, copyPath, newCopySecret } from '../../person-copy.js';
import { caseDraft } from '../case-draft.js';
import { summaryOf } from '../summary-view.js';
import { PhraseMatcher } from '../../text/phrase-matcher.js';
import { isButtonOrYesNo, type LocaleKit } from '../kit.js';
import { numbersAgain } from '../safety-net.js';
import { say, type PhaseModule, type Step, type Turn } from '../turn.js';
import { clearAnswers } from '../state.js';

/** "De hör vanligen av sig inom 5 arbetsdagar." */
export function whenText(texts: Texts, recipient: Pick<Recipient, 'responseDays'>): string {
  return recipient.responseDays === 0 ? texts.t('when.today') : texts.t('when.days', { count: recipient.responseDays });
}

export function beginSharing(turn: Turn): Step | Promise<Step> {
  turn.state.phase = 'share';
  turn.state.shareIndex = 0;
  turn.state.consents = {};
  turn.state.transcriptConsents = {};
  return askOrFinish(turn);
}

/**
 * Asks about the recipient at shareIndex, passing over the one that already has the urgent case
 * (its consent was given when it was sent); after the last one, finishes.
 */
async function askOrFinish(turn: Turn, routing = route(turn.context.content, turn.state.answers)): Promise<Step> {
  const { state } = turn;
  const sent = routing.recipients[state.shareIndex];
  if (sent && state.sentNow?.recipientKey === sent.key) {
    state.consents[sent.key] = true;
    say(turn, 'share.alreadySent', { recipient: sent.contactName });
    state.shareIndex += 1;
  }
  if (state.shareIndex < routing.recipients.length) askShare(turn, routing);
  else await finish(turn, routing);
  return undefined;
}

/** Asks about the recipient at shareIndex (`routing`: the answers' routing, when the caller has it). */
function askShare(turn: Turn, routing = route(turn.context.content, turn.state.answers)): void {
  const { texts } = turn.kit;
  const recipient = routing.recipients[turn.state.shareIndex]!;
  turn.replies.push({
    type: 'prompt',
    text: `${texts.t('share.ask', { recipient: recipient.contactName, when: whenText(texts, recipient) })}\n\n${texts.t('shareWhat.explain')}`,
    hints: [],
    buttons: [{ label: texts.t('share.yes') }, { label: texts.t('shareWhat.yesAll') }, { label: texts.t('share.no') }],
  });
}

/** The person's choice for one recipient: 'all' (summary and conversation), 'summary', 'none', or unreadable. */
function readShare(kit: LocaleKit, text: string): 'all' | 'summary' | 'none' | undefined {
  if (new PhraseMatcher([kit.texts.t('shareWhat.yesAll'), ...kit.texts.t('shareWhat.allPhrases').split('|')]).matches(text)) return 'all';
  // Consent: a qualified yes ("ja men inte till regionen") is asked about, never read as a yes.
  const answer = kit.recognizer.decision(text);
  return answer === undefined ? undefined : answer ? 'summary' : 'none';
}

async function finish(turn: Turn, routing: RoutingDecision): Promise<void> {
  const { state, kit } = turn;
  const { texts } = kit;
  const { recipients } = routing;
  const consented = recipients.filter((r) => state.consents[r.key]);
  if (consented.length === 0 && !state.sentNow) {
    say(turn, 'share.noneConsented');
    numbersAgain(turn);
    turn.effects.erase = true;
    return;
  }
  // The person's copy: their summary in their words and language, opened by a link only they get.
  const copy = newCopySecret();
  const draft = { ...caseDraft(turn, routing), personCopy: { tokenHash: copy.hash, locale: state.locale, summary: summaryOf(turn.context.content, state, kit), ...copyEmergency(state.alarm) } };
  const record = state.sentNow ? await turn.context.completeCase(state.sentNow.reference, draft) : await turn.context.createCase(draft);
  turn.effects.caseCreated = record.reference;
  const lines = [texts.t(state.sentNow ? 'done.completed' : 'done.created', { reference: record.reference })];
  for (const r of consented) lines.push(texts.t('done.contact', { name: r.contactName, when: whenText(texts, r) }));
  for (const r of recipients.filter((x) => !state.consents[x.key])) lines.push(texts.t('done.notSent', { name: r.contactName }));
  if (record.urgent) lines.push(texts.t('done.urgent'));
  lines.push(texts.t('done.closing'));
  turn.replies.push({ type: 'text', text: lines.join('\n\n') });
  // A confirm retried after the case existed gets the first case, whose link this secret does not open.
  if (turn.context.publicLink && record.personCopy?.tokenHash === copy.hash) {
    turn.replies.push({ type: 'link', text: texts.t('personCopy.link'), label: texts.t('personCopy.open'), url: turn.context.publicLink(copyPath(record.reference, copy.secret)) });
  }
  numbersAgain(turn);
  // The answers now live in the case; the conversation state keeps only the reference.
  clearAnswers(state);
  Object.assign(state, { phase: 'done', caseReference: record.reference });
}

export const sharing: PhaseModule = {
  async onText(turn, text) {
    const answer = readShare(turn.kit, text);
    if (answer === undefined) {
      say(turn, 'reprompt.yesno');
      askShare(turn);
      return undefined;
    }
    const { state } = turn;
    const routing = route(turn.context.content, state.answers);
    const recipient = routing.recipients[state.shareIndex];
    if (recipient) {
      state.consents[recipient.key] = answer !== 'none';
      state.transcriptConsents = { ...state.transcriptConsents, [recipient.key]: answer === 'all' };
    }
    state.shareIndex += 1;
    return askOrFinish(turn, routing);
  },
  prompt: (turn) => askShare(turn),
  expects: (turn, text) => readShare(turn.kit, text) !== undefined || isButtonOrYesNo(turn.kit, text),
};
