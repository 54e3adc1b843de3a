/**
 * Recognises typed Swedish (or another locale's) answers: yes/no in its many forms, an option by its
 * number, its text or a close spelling, several options at once, and a number on a scale.
 * botbuilder-dialogs has no Swedish prompt culture, so this is ours, driven by locales/<lang>/phrases.yaml.
 */
import type { Phrases } from '../content/schema.js';
import { normalize, words } from '../text/normalize.js';
import { PhraseMatcher, allowedSlips } from '../text/phrase-matcher.js';
import { distance } from 'fastest-levenshtein';

export interface OptionView {
  id: string;
  label: string;
  /** The label shown to a relative, with {{pronoun}} placeholders (perspective.ts fills them in). */
  labelOther?: string;
  accept: string[];
}

export type ChoiceResult =
  | { kind: 'match'; id: string }
  | { kind: 'ambiguous'; ids: string[] }
  | { kind: 'none' };

/** Recognisers built once per locale. */
export class AnswerRecognizer {
  private readonly yes: PhraseMatcher;
  private readonly no: PhraseMatcher;
  private readonly yesWords: Set<string>;
  private readonly noWords: Set<string>;
  private readonly numberWords = new Map<string, number>();
  private readonly separators: string[];
  /** Option texts normalised once: they come from the content, so there are only so many. */
  private readonly normalized = new Map<string, string>();

  constructor(phrases: Phrases) {
    this.yes = new PhraseMatcher(phrases.yes);
    this.no = new PhraseMatcher(phrases.no);
    this.yesWords = new Set(phrases.yes.map(normalize).filter((w) => !w.includes(' ')));
    this.noWords = new Set(phrases.no.map(normalize).filter((w) => !w.includes(' ')));
    phrases.numbers.forEach((variants, i) => variants.forEach((w) => this.numberWords.set(normalize(w), i + 1)));
    this.separators = phrases.listSeparators.map(normalize);
  }

  private phrase(text: string): string {
    let n = this.normalized.get(text);
    if (n === undefined) {
      n = normalize(text);
      this.normalized.set(text, n);
    }
    return n;
  }

  /** "ja", "japp", "ja det har jag" -> true; "nä", "nej tack" -> false; anything else -> undefined. */
  yesNo(text: string): boolean | undefined {
    const yes = this.yes.match(text);
    const no = this.no.match(text);
    if (yes && (!no || yes.distance < no.distance)) return true;
    if (no && (!yes || no.distance < yes.distance)) return false;
    // A sentence that starts with a clear yes or no word: "jo, det gör jag ibland".
    const first = words(text)[0];
    if (first && this.yesWords.has(first) && !this.noWords.has(first)) return true;
    if (first && this.noWords.has(first) && !this.yesWords.has(first)) return false;
    return undefined;
  }

  /** A whole number typed as digits or as a word ("3", "tre", "nummer 3"). */
  number(text: string): number | undefined {
    const n = normalize(text).replace(/^(?:nummer|nr|alternativ|svar) /u, '');
    const digits = /^(\d{1,3})(?: av \d{1,3})?$/u.exec(n);
    if (digits) return Number(digits[1]);
    return this.numberWords.get(n);
  }

  /**
   * One option of a list. With `contains` (the default) an answer that merely mentions one option
   * ("jag bor i Karlstad") counts too.
   */
  choice(text: string, options: readonly OptionView[], contains = true): ChoiceResult {
    const n = this.number(text);
    if (n !== undefined) return n >= 1 && n <= options.length ? { kind: 'match', id: options[n - 1]!.id } : { kind: 'none' };
    const input = normalize(text);
    if (!input) return { kind: 'none' };

    // 1. Exact or nearly exact: the whole answer is the option's text or an accepted word.
    let bestDistance = Infinity;
    let best: string[] = [];
    for (const option of options) {
      for (const phrase of [option.label, option.accept].flat()) {
        const p = this.phrase(phrase);
        const d = p === input ? 0 : distance(p, input);
        if (d > allowedSlips(Math.min(p.length, input.length)) && d !== 0) continue;
        if (d < bestDistance) {
          bestDistance = d;
          best = [option.id];
        } else if (d === bestDistance && !best.includes(option.id)) {
          best.push(option.id);
        }
      }
    }
    if (best.length === 1) return { kind: 'match', id: best[0]! };
    if (best.length > 1) return { kind: 'ambiguous', ids: best };
    if (!contains) return { kind: 'none' };

    // 2. The answer contains an option's text as whole words ("jag bor i Karlstad"): the longest wins.
    const padded = ` ${input} `;
    let longest = 0;
    let found: string[] = [];
    for (const option of options) {
      for (const phrase of [option.label, option.accept].flat()) {
        const p = this.phrase(phrase);
        if (p.length < 3 || !padded.includes(` ${p} `)) continue;
        if (p.length > longest) {
          longest = p.length;
          found = [option.id];
        } else if (p.length === longest && !found.includes(option.id)) {
          found.push(option.id);
        }
      }
    }
    if (found.length === 1) return { kind: 'match', id: found[0]! };
    if (found.length > 1) return { kind: 'ambiguous', ids: found };
    return { kind: 'none' };
  }

  /**
   * Several options: "1, 3", "1 och 3", "hemtjänst och vårdcentral". Returns undefined when any part
   * is not understood, so nothing is silently dropped.
   */
  multi(text: string, options: readonly OptionView[]): string[] | undefined {
    // An option whose own text contains a separator ("Ekonomi, familj eller missbruk") typed whole.
    const whole = this.choice(text, options, false);
    if (whole.kind === 'match') return [whole.id];
    let parts = text
      .split(/[,;\n/]+/u)
      .flatMap((part) => {
        const n = normalize(part);
        const sep = this.separators.find((s) => n.includes(` ${s} `));
        return sep ? n.split(` ${sep} `) : [n];
      })
      .map((p) => p.trim())
      .filter(Boolean);
    // "1 3 4": numbers separated by spaces only.
    if (parts.length === 1 && /^\d+(?: \d+)+$/u.test(parts[0]!)) parts = parts[0]!.split(' ');
    if (parts.length === 0) return undefined;
    const ids: string[] = [];
    for (const part of parts) {
      const r = this.choice(part, options);
      if (r.kind !== 'match') return undefined;
      if (!ids.includes(r.id)) ids.push(r.id);
    }
    return ids;
  }

  /** A value on a scale from min to max. */
  scale(text: string, min: number, max: number): number | undefined {
    const n = this.number(text);
    return n !== undefined && n >= min && n <= max ? n : undefined;
  }
}
