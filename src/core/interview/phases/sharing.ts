/**
 * Sharing: consent per recipient, then the case. Asks, recipient by recipient as routing proposes
 * them, whether the summary may be sent there; waits for yes or no to each. After the last one it
 * creates the case with the recipients that said yes (and tells the reference), or, when none did,
 * sends nothing and ends the conversation without keeping anything. When an urgent case was sent
 * during the interview (phases/safety.ts), its recipient is not asked again, and the case is
 * completed with the whole interview instead of a second one being made.
 */
import type { Texts } from '../../i18n.js';
import { route, type Recipient, type RoutingDecision } from '../../routing.js';
import { caseDraft } from '../case-draft.js';
import { isButtonOrYesNo } from '../kit.js';
import { numbersAgain } from '../safety-net.js';
import { say, type PhaseModule, type Step, type Turn } from '../turn.js';

/** "De hör vanligen av sig inom 5 arbetsdagar." */
export function whenText(texts: Texts, recipient: Pick<Recipient, 'responseDays'>): string {
  return recipient.responseDays === 0 ? texts.t('when.today') : texts.t('when.days', { count: recipient.responseDays });
}

export function beginSharing(turn: Turn): Step | Promise<Step> {
  turn.state.phase = 'share';
  turn.state.shareIndex = 0;
  turn.state.consents = {};
  return askOrFinish(turn);
}

/**
 * Asks about the recipient at shareIndex, passing over the one that already has the urgent case
 * (its consent was given when it was sent); after the last one, finishes.
 */
async function askOrFinish(turn: Turn): Promise<Step> {
  const { state } = turn;
  const routing = route(turn.context.content, state.answers);
  const sent = routing.recipients[state.shareIndex];
  if (sent && state.sentNow?.recipientKey === sent.key) {
    state.consents[sent.key] = true;
    say(turn, 'share.alreadySent', { recipient: sent.contactName });
    state.shareIndex += 1;
  }
  if (state.shareIndex < routing.recipients.length) askShare(turn);
  else await finish(turn, routing);
  return undefined;
}

function askShare(turn: Turn): void {
  const { texts } = turn.kit;
  const recipient = route(turn.context.content, turn.state.answers).recipients[turn.state.shareIndex]!;
  turn.replies.push({
    type: 'prompt',
    text: texts.t('share.ask', { recipient: recipient.contactName, when: whenText(texts, recipient) }),
    hints: [],
    buttons: [{ label: texts.t('share.yes') }, { label: texts.t('share.no') }],
  });
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
  const draft = caseDraft(turn, routing);
  const record = state.sentNow ? await turn.context.completeCase(state.sentNow.reference, draft) : await turn.context.createCase(draft);
  turn.effects.caseCreated = record.reference;
  const lines = [texts.t(state.sentNow ? 'done.completed' : 'done.created', { reference: record.reference })];
  for (const r of consented) lines.push(texts.t('done.contact', { name: r.contactName, when: whenText(texts, r) }));
  for (const r of recipients.filter((x) => !state.consents[x.key])) lines.push(texts.t('done.notSent', { name: r.contactName }));
  if (record.urgent) lines.push(texts.t('done.urgent'));
  lines.push(texts.t('done.closing'));
  turn.replies.push({ type: 'text', text: lines.join('\n\n') });
  numbersAgain(turn);
  // The answers now live in the case; the conversation state keeps only the reference.
  Object.assign(state, { phase: 'done', answers: {}, skipped: [], history: [], consents: {}, suggestedTopics: {}, caseReference: record.reference });
  delete state.current;
}

export const sharing: PhaseModule = {
  async onText(turn, text) {
    const answer = turn.kit.recognizer.yesNo(text);
    if (answer === undefined) {
      say(turn, 'reprompt.yesno');
      askShare(turn);
      return undefined;
    }
    const { state } = turn;
    const routing = route(turn.context.content, state.answers);
    const recipient = routing.recipients[state.shareIndex];
    if (recipient) state.consents[recipient.key] = answer;
    state.shareIndex += 1;
    return askOrFinish(turn);
  },
  prompt: askShare,
  expects: (turn, text) => isButtonOrYesNo(turn.kit, text),
};
