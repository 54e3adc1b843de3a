/**
 * A question as the person sees it: its wording (for a relative, the wording for someone else), the
 * scale's ends, the earlier answer when one is being changed, and its buttons or list to tick.
 */
import type { Content } from '../content/load.js';
import type { Texts } from '../i18n.js';
import { personalize, type Who } from './perspective.js';
import { displayAnswer, type QuestionView } from './questions.js';
import type { Button, Reply } from './replies.js';
import type { InterviewState } from './state.js';

/** Whether the person answers for someone else (a relative), by the respondent question's answer. */
export function answeringForOther(roles: Content['bank']['roles'], state: InterviewState): boolean {
  const a = state.answers[roles.respondent];
  return a?.kind === 'choice' && a.option === roles.respondentOtherOption;
}

/**
 * A question as the person sees it. `who`: the person written about ("din pappa"), given when a
 * relative answers; it fills in the wording for someone else and the options' labelOther.
 */
export function questionPrompt(view: QuestionView, state: InterviewState, texts: Texts, roles: Content['bank']['roles'], who?: Who): Reply {
  const hints: string[] = [];
  const existing = state.answers[view.id];
  const other = who && answeringForOther(roles, state) ? who : undefined;
  if (existing) hints.push(texts.t('question.previousAnswer', { answer: displayAnswer(view, existing, texts, other) }));
  let buttons: Button[] = [];
  let multiSelect: Extract<Reply, { type: 'prompt' }>['multiSelect'];
  switch (view.kind) {
    case 'yesno':
      // "Vet inte" is an answer of its own, kept as such (never a yes, never routed on).
      buttons = [{ label: texts.t('question.yes') }, { label: texts.t('question.no') }, { label: texts.t('question.dontKnow') }];
      break;
    case 'choice':
      buttons = view.options.map((o) => ({ label: optionLabel(o, other) }));
      break;
    case 'scale': {
      const s = view.scale!;
      hints.unshift(texts.t('question.scaleHint', { min: s.min, max: s.max, low: s.low, high: s.high }));
      for (let i = s.min; i <= s.max; i++) buttons.push({ label: String(i) });
      break;
    }
    case 'multi':
      multiSelect = {
        questionId: view.id,
        options: view.options.map((o) => ({ id: o.id, label: optionLabel(o, other) })),
        submitLabel: texts.t('question.doneButton'),
      };
      break;
    case 'text':
      break;
  }
  if (!view.required) buttons.push({ label: texts.t('question.skipButton') });
  return {
    type: 'prompt',
    text: answeringForOther(roles, state) && view.textOther ? (other ? personalize(view.textOther, other) : view.textOther) : view.text,
    hints,
    buttons,
    ...(multiSelect ? { multiSelect } : {}),
  };
}

/** An option's label as its button shows it: in a relative's words ("Nej, hon vet inte om det") where it has them. */
export function optionLabel(option: QuestionView['options'][number], who: Who | undefined): string {
  return who && option.labelOther ? personalize(option.labelOther, who) : option.label;
}

/** The options of a question, one a line with their numbers ("1. För mig själv"), as a relative sees them. */
export function numberedOptions(view: QuestionView, who: Who | undefined): string {
  return view.options.map((o, i) => `${i + 1}. ${optionLabel(o, who)}`).join('\n');
}

/** Some options of a question, quoted, to ask which one was meant: "Ja, hon vet …" / "Nej, hon vet inte om det". */
export function optionsBetween(view: QuestionView, ids: readonly string[], who: Who | undefined): string {
  return ids.map((id) => view.options.find((o) => o.id === id)).filter((o) => o !== undefined).map((o) => `"${optionLabel(o, who)}"`).join(' / ');
}
