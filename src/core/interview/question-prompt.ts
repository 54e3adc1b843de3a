/**
 * A question as the person sees it: its wording (for a relative, the wording for someone else), the
 * scale's ends, the earlier answer when one is being changed, and its buttons or list to tick.
 */
import type { Content } from '../content/load.js';
import type { Texts } from '../i18n.js';
import { displayAnswer, type QuestionView } from './questions.js';
import type { Button, Reply } from './replies.js';
import type { InterviewState } from './state.js';

/** Whether the person answers for someone else (a relative), by the respondent question's answer. */
export function answeringForOther(roles: Content['bank']['roles'], state: InterviewState): boolean {
  const a = state.answers[roles.respondent];
  return a?.kind === 'choice' && a.option === roles.respondentOtherOption;
}

export function questionPrompt(view: QuestionView, state: InterviewState, texts: Texts, roles: Content['bank']['roles']): Reply {
  const hints: string[] = [];
  const existing = state.answers[view.id];
  if (existing) hints.push(texts.t('question.previousAnswer', { answer: displayAnswer(view, existing, texts) }));
  let buttons: Button[] = [];
  let multiSelect: Extract<Reply, { type: 'prompt' }>['multiSelect'];
  switch (view.kind) {
    case 'yesno':
      // "Vet inte" is an answer of its own, kept as such (never a yes, never routed on).
      buttons = [{ label: texts.t('question.yes') }, { label: texts.t('question.no') }, { label: texts.t('question.dontKnow') }];
      break;
    case 'choice':
      buttons = view.options.map((o) => ({ label: o.label }));
      break;
    case 'scale': {
      const s = view.scale!;
      hints.unshift(texts.t('question.scaleHint', { min: s.min, max: s.max, low: s.low, high: s.high }));
      for (let i = s.min; i <= s.max; i++) buttons.push({ label: String(i) });
      break;
    }
    case 'multi':
      multiSelect = { questionId: view.id, options: view.options.map((o) => ({ id: o.id, label: o.label })), submitLabel: texts.t('question.doneButton') };
      break;
    case 'text':
      break;
  }
  if (!view.required) buttons.push({ label: texts.t('question.skipButton') });
  return {
    type: 'prompt',
    text: answeringForOther(roles, state) && view.textOther ? view.textOther : view.text,
    hints,
    buttons,
    ...(multiSelect ? { multiSelect } : {}),
  };
}
