/**
 * What a typed answer to a question is, in the spirit of a form field's validate: the value to keep
 * (with the person's own words beside it when they wrote more than an option, a yes or a number), or
 * the text (a key in locales/<lang>/texts.yaml) that tells the person what to fix. The question's
 * kind and format come from data/questions.yaml; nothing here replies or changes the state.
 */
import type { TextParams } from '../i18n.js';
import { normalize, words } from '../text/normalize.js';
import { checkPersonnummer, checkPhone } from '../validation.js';
import type { AnswerValue } from './answers.js';
import { noteOf, personnummerIn, phoneIn, withNote } from './own-words.js';
import type { QuestionView } from './questions.js';
import type { AnswerRecognizer, Keep } from './recognize.js';

export type Reading =
  /** `unsure`: read from words that hedge ("kanske", "tror"); asked about where it matters. */
  | { ok: true; value: AnswerValue; unsure?: boolean }
  /**
   * `hold`: the person's words, kept for the answer they give next (an unsure answer we could not
   * place); `dontKnow`: they said they do not know ("vet inte"), which no option of the question says.
   */
  | { ok: false; key: string; params?: TextParams; hold?: string; dontKnow?: boolean; between?: string[] };

const retry = (key: string, params?: TextParams): Reading => (params ? { ok: false, key, params } : { ok: false, key });
/** Asked again, the message's words held to go beside the answer given next (heldWords). */
const retryHolding = (key: string, text: string): Reading => ({ ok: false, key, ...heldWords(text) });

function kept(text: string, value: AnswerValue, keep: Keep, unsure = false): Reading {
  const reading: Reading = { ok: true, value: withNote(value, noteOf(text, keep)) };
  return unsure ? { ...reading, unsure } : reading;
}

/** The stored form of a typed answer, or why it cannot be taken. */
export function readAnswer(view: QuestionView, text: string, recognizer: AnswerRecognizer, now: Date): Reading {
  switch (view.kind) {
    case 'text':
      return readText(view, text, now);
    case 'yesno': {
      const r = recognizer.yesNoRead(text);
      // "ja, kanske" is a hedged yes: asked about where a yes routes (an unsure answer never does).
      // A sentence with no yes or no in it is held for the answer given next, as for a choice.
      return r ? kept(text, { kind: 'yesno', value: r.value }, r.keep, r.hedged && r.value !== 'unsure') : retryHolding('reprompt.yesno', text);
    }
    case 'scale':
      return readScale(view, text, recognizer);
    case 'choice':
      return readChoice(view, text, recognizer);
    case 'multi': {
      const r = recognizer.multiRead(text, view.options);
      // A plain no ("nej", "nej inget") to "what would you like help with?" is an answer: none of them.
      if (!r) {
        const no = recognizer.yesNoRead(text);
        if (no?.value === 'no') return kept(text, { kind: 'multi', options: [] }, no.keep);
        return recognizer.isHedged(text) ? unsurePick(text, recognizer) : retryHolding('reprompt.choice', text);
      }
      const reading = readChoices(view, r.value);
      return reading.ok ? kept(text, reading.value, r.keep, r.hedged && r.keep !== undefined) : reading;
    }
  }
}

/**
 * A scale: a number (also in a sentence), a range as written ("3-4", "mellan 3 och 4": from-to, never
 * one of them picked), or how it has been in words ("sådär", "ganska bra"), kept as the person's
 * words with no number made up. Only what holds neither is asked again, with the words held.
 */
function readScale(view: QuestionView, text: string, recognizer: AnswerRecognizer): Reading {
  const { min, max } = view.scale!;
  const r = recognizer.scaleRead(text, min, max);
  if (r) return kept(text, { kind: 'scale', value: r.value }, r.keep);
  const range = recognizer.scales.range(text, min, max);
  if (range) return kept(text, { kind: 'scale', value: range.value.from, upTo: range.value.to }, range.keep);
  if (recognizer.scales.inWords(text)) return { ok: true, value: { kind: 'text', text: text.trim() } };
  return { ok: false, key: 'reprompt.scaleWords', params: { min, max }, ...(text.trim() ? { hold: text.trim() } : {}) };
}

/** Free text, or a personnummer or phone number, also inside a sentence ("070-123 45 67 (det är mitt nummer)"). */
function readText(view: QuestionView, text: string, now: Date): Reading {
  if (!text.trim()) return retry('reprompt.empty');
  if (view.format === 'personnummer') {
    const found = personnummerIn(text);
    const r = checkPersonnummer(found?.value ?? text, now);
    return r.ok ? { ok: true, value: withNote({ kind: 'text', text: r.value }, found?.rest) } : retry(`reprompt.personnummer.${r.reason}`);
  }
  if (view.format === 'phone') {
    const whole = checkPhone(text);
    if (whole) return { ok: true, value: { kind: 'text', text: whole } };
    const found = phoneIn(text);
    return found ? { ok: true, value: withNote({ kind: 'text', text: found.phone }, found.rest) } : retry('reprompt.phone');
  }
  return { ok: true, value: { kind: 'text', text } };
}

/** One option: exactly (a button, a number, an accepted word) or mentioned in a sentence, with the words kept. */
function readChoice(view: QuestionView, text: string, recognizer: AnswerRecognizer): Reading {
  // Hedges beside the option, not inside it: "han vet inte om det" is a sure answer.
  const hedged = recognizer.isHedged(recognizer.mentions.outside(text, view.options));
  const r = recognizer.choice(text, view.options);
  if (r.kind === 'match') {
    if (recognizer.choice(text, view.options, false).kind === 'match') return { ok: true, value: { kind: 'choice', option: r.id } };
    // Read from a sentence: an answer that starts with the option's own label keeps what follows
    // ("Det går bra men jag orkar inte dammsuga"); otherwise the whole sentence is kept.
    const first = recognizer.mentions.read(text, view.options).first;
    // Words that only repeat the option ("går inte utan hjälp" for "Det går inte utan hjälp") add nothing.
    const label = view.options.find((o) => o.id === r.id)?.label ?? '';
    if (` ${normalize(label)} `.includes(` ${normalize(text)} `)) return { ok: true, value: { kind: 'choice', option: r.id } };
    const keep: Keep = first && first.clause === 0 && first.start === 0 && first.isLabel ? { words: first.phrase.length } : 'whole';
    return kept(text, { kind: 'choice', option: r.id }, keep, hedged);
  }
  // An option named with a slip in a sentence ("arvka tror jag"): a guess, so asked about where it
  // governs routing ("Menar du Arvika?"), with the words kept.
  const slipped = recognizer.slipMention(text, view.options);
  if (slipped) return kept(text, { kind: 'choice', option: slipped }, 'whole', true);
  if (hedged) return unsurePick(text, recognizer);
  // A sentence we could not place ("hon har demens") is kept beside the option chosen next.
  // The options to choose between are named by the asking phase, as the buttons name them.
  if (r.kind === 'ambiguous') return { ok: false, key: 'reprompt.choiceAmbiguous', between: r.ids, ...heldWords(text) };
  return retryHolding('reprompt.choice', text);
}

/** A message of more than one word that could not be read: held, to go beside the answer given next. */
function heldWords(text: string): { hold?: string } {
  return words(text).length > 1 ? { hold: text.trim() } : {};
}

/** An unsure answer no option can be read from: the words held, and whether they say "vet inte". */
function unsurePick(text: string, recognizer: AnswerRecognizer): Reading {
  return { ok: false, key: 'reprompt.unsurePick', hold: text.trim(), ...(recognizer.saysDontKnow(text) ? { dontKnow: true } : {}) };
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
      return recognizer.yesNoRead(text) !== undefined;
    case 'scale':
      return recognizer.scaleRead(text, view.scale!.min, view.scale!.max) !== undefined || recognizer.scales.range(text, view.scale!.min, view.scale!.max) !== undefined;
    // An unsure answer is an answer too, even when no option can be read from it yet.
    case 'choice':
      return recognizer.choice(text, view.options).kind !== 'none' || recognizer.isHedged(text);
    case 'multi':
      return recognizer.multiRead(text, view.options) !== undefined || recognizer.isHedged(text);
    default:
      return true;
  }
}
