/**
 * Matches typed text against a list of known phrases, forgiving small spelling slips
 * ("hjälo" for "hjälp", "tillbak" for "tillbaka"). The distance allowed grows with the length of
 * the phrase, so short words like "ja" and "nej" must be typed exactly.
 */
import { distance } from 'fastest-levenshtein';
import { normalize } from './normalize.js';

/** How many edits a phrase of this length tolerates. */
export function allowedSlips(length: number): number {
  if (length < 4) return 0;
  if (length < 8) return 1;
  return 2;
}

/** Whether a normalised text holds one of the (normalised) phrases as whole words. */
export function containsPhrase(input: string, phrases: readonly string[]): boolean {
  const padded = ` ${input} `;
  return phrases.some((p) => p && padded.includes(` ${p} `));
}

export interface PhraseMatch {
  /** 0 for an exact match, otherwise the edit distance. */
  distance: number;
  phrase: string;
}

export class PhraseMatcher {
  private readonly phrases: string[];

  constructor(phrases: readonly string[]) {
    this.phrases = [...new Set(phrases.map(normalize).filter(Boolean))];
  }

  /** The closest phrase within the allowed slips, or undefined. */
  match(text: string): PhraseMatch | undefined {
    const input = normalize(text);
    if (!input) return undefined;
    let best: PhraseMatch | undefined;
    for (const phrase of this.phrases) {
      if (phrase === input) return { distance: 0, phrase };
      const limit = allowedSlips(Math.min(phrase.length, input.length));
      if (limit === 0 || Math.abs(phrase.length - input.length) > limit) continue;
      const d = distance(phrase, input);
      if (d <= limit && (!best || d < best.distance)) best = { distance: d, phrase };
    }
    return best;
  }

  matches(text: string): boolean {
    return this.match(text) !== undefined;
  }
}
