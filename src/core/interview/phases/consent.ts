/**
 * Consent to start. The greeting says what the assistant is and what happens with the answers; then
 * it waits for yes or no. Yes returns the first question; no (or "avbryt") ends the conversation and
 * nothing is kept.
 */
import type { Content } from '../../content/load.js';
import { isButtonOrYesNo, type LocaleKit } from '../kit.js';
import type { Reply } from '../replies.js';
import { numbersAgain } from '../safety-net.js';
import { say, type PhaseModule, type Turn } from '../turn.js';

/** The greeting: who is talking, not for emergencies, how the answers are kept; then the consent question. */
export function greeting(kit: LocaleKit, content: Content, retentionDays: number): Reply[] {
  const { texts } = kit;
  const { service } = content.directory;
  return [
    { type: 'text', text: texts.t('greeting.intro') },
    { type: 'text', text: texts.t('greeting.emergency') },
    { type: 'text', text: texts.t('greeting.privacy', { retentionDays, operator: service.operator, privacyContact: service.privacyContact }) },
    consentPrompt(kit),
  ];
}

function consentPrompt({ texts }: LocaleKit): Reply {
  return {
    type: 'prompt',
    text: texts.t('greeting.consentQuestion'),
    hints: [],
    buttons: [{ label: texts.t('greeting.consentYes') }, { label: texts.t('greeting.consentNo') }],
  };
}

function decline(turn: Turn): undefined {
  say(turn, 'greeting.declined');
  numbersAgain(turn);
  turn.effects.erase = true;
  return undefined;
}

export const consent: PhaseModule = {
  onText(turn, text) {
    const yes = turn.kit.recognizer.yesNo(text);
    if (yes === undefined) {
      say(turn, 'reprompt.yesno');
      turn.replies.push(consentPrompt(turn.kit));
      return undefined;
    }
    if (!yes) return decline(turn);
    turn.state.phase = 'asking';
    say(turn, 'greeting.begin');
    return { to: 'nextQuestion' };
  },

  prompt(turn) {
    turn.replies.push(consentPrompt(turn.kit));
  },

  expects: (turn, text) => isButtonOrYesNo(turn.kit, text, ['greeting.consentYes', 'greeting.consentNo']),

  /** Before the interview has begun, "avbryt" is a no; any other command, a reason to ask again. */
  onCommand(turn, command) {
    if (command === 'cancel') return decline(turn);
    say(turn, command === 'help' ? 'help.general' : 'reprompt.yesno');
    turn.replies.push(consentPrompt(turn.kit));
    return undefined;
  },
};
