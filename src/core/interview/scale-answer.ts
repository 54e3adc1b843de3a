/**
 * Answers on a scale beyond one number: a range as people give one ("3-4", "3 eller 4", "mellan 3 och
 * 4", "3,5") and how it has been said in words ("sådär", "ganska bra"). The words are data
 * (phrases.yaml scaleRange, scaleWords); one number, also inside a sentence, is recognize.ts' scaleRead.
 */
import type { Phrases } from '../content/schema.js';
import { normalize, words } from '../text/normalize.js';
import type { Keep, Read } from './recognize.js';

/** What a scale reading needs of the locale's recogniser. */
interface Numbers {
  numberAt(word: string): number | undefined;
  isHedged(text: string): boolean;
  saysUnsure(text: string): boolean;
}

export class ScaleAnswers {
  private readonly rangeWords: Set<string>;
  private readonly moodWords: string[];

  constructor(
    phrases: Phrases,
    private readonly numbers: Numbers,
  ) {
    this.rangeWords = new Set(phrases.scaleRange.map(normalize));
    this.moodWords = phrases.scaleWords.map(normalize).filter(Boolean);
  }

  /** A range from min to max: both ends kept, never one picked. The words are kept unless it is the range alone ("3-4"). */
  range(text: string, min: number, max: number): Read<{ from: number; to: number }> | undefined {
    const hedged = this.numbers.isHedged(text);
    const decimal = /(?<![\d,.])(\d)[,.]5(?![\d,.]*\d)/u.exec(text);
    if (decimal) {
      const from = Number(decimal[1]);
      if (from >= min && from + 1 <= max) return { value: { from, to: from + 1 }, keep: 'whole', hedged };
    }
    const ws = words(text);
    const at = ws.map((w) => this.numbers.numberAt(w));
    const inRange = (n: number | undefined): n is number => n !== undefined && n >= min && n <= max;
    for (let i = 0; i < ws.length; i++) {
      const a = at[i];
      if (!inRange(a)) continue;
      // "3 4" (from "3-4" or "3/4"), or "3 eller 4", "3 till 4", "mellan 3 och 4".
      const j = at[i + 1] !== undefined ? i + 1 : this.rangeWords.has(ws[i + 1] ?? '') ? i + 2 : -1;
      const b = j > 0 ? at[j] : undefined;
      if (!inRange(b) || b === a) continue;
      const bare = ws.length === 2 && /^\s*\d\s*[-–—/]\s*\d\s*$/u.test(text);
      const keep: Keep = bare ? undefined : 'whole';
      return { value: { from: Math.min(a, b), to: Math.max(a, b) }, keep, hedged };
    }
    return undefined;
  }

  /** Whether the answer says how it has been in words ("sådär", "ganska bra", "vet inte", a sentence). */
  inWords(text: string): boolean {
    const padded = ` ${normalize(text)} `;
    return this.moodWords.some((w) => padded.includes(` ${w} `)) || this.numbers.saysUnsure(text) || words(text).length >= 3;
  }
}
