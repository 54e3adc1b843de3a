/**
 * The person's own words beside a structured answer: what is left of a typed answer once the value
 * is read ("ja för det mesta men inte på nätterna" -> Ja, "för det mesta men inte på nätterna"), and
 * a phone number or personnummer found inside a sentence. Nothing here decides the value itself.
 */
import { phoneNumbers } from '../validation.js';
import type { AnswerValue } from './answers.js';
import type { Keep } from './recognize.js';

/** Word tokens as normalize() sees them, so that "the first n words" means the same in both. */
const WORD = /[\p{L}\p{N}&?]+/gu;

/** The text after its first `count` words, without the punctuation that joined them ("ja, …"). */
export function wordsAfter(text: string, count: number): string {
  let end = 0;
  let seen = 0;
  for (const m of text.matchAll(WORD)) {
    if (seen++ === count) break;
    end = m.index + m[0].length;
  }
  return seen <= count ? '' : tidy(text.slice(end));
}

/** Leading punctuation and spaces off, a note in brackets unwrapped: "(det är mitt nummer)". */
function tidy(text: string): string {
  let t = text.replace(/^[\s\p{P}\p{S}]+/u, '').replace(/[ \t]{2,}/gu, ' ').trim();
  if (text.trim().startsWith('(') && t.endsWith(')')) t = t.slice(0, -1).trim();
  return t;
}

/** The words kept beside a value, if any. */
export function noteOf(text: string, keep: Keep): string | undefined {
  if (!keep) return undefined;
  const note = keep === 'whole' ? text.trim() : wordsAfter(text, keep.words);
  return note || undefined;
}

/** The value with the person's words beside it (unchanged when there are none). */
export function withNote<T extends AnswerValue>(value: T, note: string | undefined): T {
  return note ? { ...value, note } : value;
}

/** A phone number inside a sentence ("070-123 45 67 (det är mitt nummer)"): the number as typed and the rest. */
export function phoneIn(text: string): { phone: string; rest?: string } | undefined {
  const [found, another] = phoneNumbers().findPhoneNumbersInText(text, 'SE');
  // Two numbers: which one is theirs is not ours to guess.
  if (!found || another) return undefined;
  const phone = text.slice(found.startsAt, found.endsAt).trim();
  const rest = tidy(`${text.slice(0, found.startsAt)} ${text.slice(found.endsAt)}`.replace(/\(\s*\)/gu, ''));
  return rest ? { phone, rest } : { phone };
}

/** A personnummer inside a sentence ("mitt personnummer är 19121212-1212"): the digits as typed and the rest. */
export function personnummerIn(text: string): { value: string; rest?: string } | undefined {
  const all = [...text.matchAll(/(?<!\d)(?:\d{6}|\d{8})[-+ ]?\d{4}(?!\d)/gu)];
  if (all.length !== 1) return undefined;
  const m = all[0]!;
  const rest = tidy(`${text.slice(0, m.index)} ${text.slice(m.index + m[0].length)}`);
  return rest ? { value: m[0], rest } : { value: m[0] };
}

/** "nja" -> "Nja": the person's words standing where an option's label would. */
export function asLabel(text: string): string {
  return text.charAt(0).toLocaleUpperCase('sv-SE') + text.slice(1);
}
