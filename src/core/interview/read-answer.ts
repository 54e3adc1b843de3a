/**
 * What a typed answer to a question is, in the spirit of a form field's validate: the value to keep,
 * or the text (a key in locales/<lang>/texts.yaml) that tells the person what to fix. The question's
 * kind and format come from data/questions.yaml; nothing here replies or changes the state.
 */
import type { TextParams } from '../i18n.js';
import { checkPersonnummer, checkPhone } from '../validation.js';
import type { AnswerValue } from './answers.js';
import type { QuestionView } from './questions.js';
import type { AnswerRecognizer } from './recognize.js';

export type Reading = { ok: true; value: AnswerValue } | { ok: false; key: string; params?: TextParams };

const retry = (key: string, params?: TextParams): Reading => (params ? { ok: false, key, params } : { ok: false, key });

/** The stored form of a typed answer, or why it cannot be taken. */
export function readAnswer(view: QuestionView, text: string, recognizer: AnswerRecognizer, now: Date): Reading {
  switch (view.kind) {
    case 'text': {
      if (!text.trim()) return retry('reprompt.empty');
      if (view.format === 'personnummer') {
        const r = checkPersonnummer(text, now);
        return r.ok ? { ok: true, value: { kind: 'text', text: r.value } } : retry(`reprompt.personnummer.${r.reason}`);
      }
      if (view.format === 'phone') {
        const phone = checkPhone(text);
        return phone ? { ok: true, value: { kind: 'text', text: phone } } : retry('reprompt.phone');
      }
      return { ok: true, value: { kind: 'text', text } };
    }
    case 'yesno': {
      const yes = recognizer.yesNo(text);
      return yes === undefined ? retry('reprompt.yesno') : { ok: true, value: { kind: 'yesno', value: yes ? 'yes' : 'no' } };
    }
    case 'scale': {
      const { min, max } = view.scale!;
      const n = recognizer.scale(text, min, max);
      return n === undefined ? retry('reprompt.scale', { min, max }) : { ok: true, value: { kind: 'scale', value: n } };
    }
    case 'choice': {
      const r = recognizer.choice(text, view.options);
      if (r.kind === 'match') return { ok: true, value: { kind: 'choice', option: r.id } };
      if (r.kind === 'ambiguous') {
        const labels = r.ids.map((id) => `"${view.options.find((o) => o.id === id)!.label}"`).join(' / ');
        return retry('reprompt.choiceAmbiguous', { options: labels });
      }
      return retry('reprompt.choice');
    }
    case 'multi': {
      const ids = recognizer.multi(text, view.options);
      return ids ? readChoices(view, ids) : retry('reprompt.choice');
    }
  }
}

/** Several options of a multi-choice question; an option marked exclusive must stand alone. */
export function readChoices(view: QuestionView, ids: string[]): Reading {
  const exclusive = ids.find((id) => view.exclusive.includes(id));
  if (exclusive && ids.length > 1) return retry('reprompt.exclusive', { option: view.options.find((o) => o.id === exclusive)!.label });
  return { ok: true, value: { kind: 'multi', options: ids } };
}

/** Whether the text answers a question of a fixed kind (an option, a yes/no, a number on its scale). */
export function fitsQuestion(view: QuestionView, text: string, recognizer: AnswerRecognizer): boolean {
  switch (view.kind) {
    case 'yesno':
      return recognizer.yesNo(text) !== undefined;
    case 'scale':
      return recognizer.scale(text, view.scale!.min, view.scale!.max) !== undefined;
    case 'choice':
      return recognizer.choice(text, view.options).kind !== 'none';
    case 'multi':
      return recognizer.multi(text, view.options) !== undefined;
    default:
      return true;
  }
}
