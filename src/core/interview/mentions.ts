/**
 * Which options a sentence mentions, and which of them it denies: "Ingen hemtjänst än" mentions
 * Hemtjänst only to say there is none; "vårdcentralen men inte hemtjänsten" has one and not the
 * other; "Psykiatrin inte längre." is over. A sentence is cut into clauses (at punctuation and at
 * words like "men"), and a mention is denied when its clause holds a negation outside the option's
 * own words ("Det går inte så bra" is an option, not a denial). The words come from
 * locales/<lang>/phrases.yaml (negations, negatingTails, clauseBreaks, contrastsAfterNegation).
 */
import type { Phrases } from '../content/schema.js';
import { normalize, words } from '../text/normalize.js';
import type { OptionView } from './recognize.js';

export interface Mention {
  id: string;
  /** The option's words as found. */
  phrase: string[];
  clause: number;
  start: number;
  /** Whether the phrase is the option's own label (not an accepted synonym). */
  isLabel: boolean;
  negated: boolean;
}

export interface Mentioned {
  /** Options mentioned and not denied, in the order they first appear. */
  positive: string[];
  /** Whether any option was mentioned only to be denied. */
  denied: boolean;
  /** The first positive mention. */
  first?: Mention;
}

/** Reads option mentions with their negations, per locale. */
export class MentionReader {
  private readonly negations: Set<string>;
  private readonly tails: Set<string>;
  private readonly breaks: Set<string>;
  private readonly noWords: Set<string>;
  private readonly contrasts: Set<string>;

  constructor(phrases: Phrases) {
    this.noWords = new Set(phrases.no.map(normalize).filter((w) => !w.includes(' ')));
    this.negations = new Set(phrases.negations.map(normalize));
    this.tails = new Set(phrases.negatingTails.map(normalize));
    this.breaks = new Set(phrases.clauseBreaks.map(normalize));
    this.contrasts = new Set(phrases.contrastsAfterNegation.map(normalize));
  }

  /** The text's clauses as lists of normalised words. */
  clauses(text: string, extraBreaks: readonly string[] = []): string[][] {
    const breaks = extraBreaks.length ? new Set([...this.breaks, ...extraBreaks.map(normalize)]) : this.breaks;
    const out: string[][] = [];
    for (const segment of text.split(/[.,;:!?\n()…]+/u)) {
      let current: string[] = [];
      for (const w of words(segment)) {
        // "inte Karlstad utan Hammarö": after a negation, "utan" starts what is meant.
        if (breaks.has(w) || (this.contrasts.has(w) && current.some((x) => this.negations.has(x)))) {
          if (current.length) out.push(current);
          current = [];
        } else {
          current.push(w);
        }
      }
      if (current.length) out.push(current);
    }
    return out;
  }

  /** Every option the text mentions (as whole words), and whether each mention is denied. */
  mentions(text: string, options: readonly OptionView[], extraBreaks: readonly string[] = []): Mention[] {
    const clauses = this.clauses(text, extraBreaks);
    const found: Mention[] = [];
    clauses.forEach((clause, c) => {
      const here: Mention[] = [];
      for (const option of options) {
        const label = normalize(option.label);
        for (const p of [option.label, ...option.accept]) {
          const pw = words(p);
          if (!pw.length) continue;
          const joined = pw.join(' ');
          for (let i = 0; i + pw.length <= clause.length; i++) {
            if (!pw.every((w, k) => clause[i + k] === w)) continue;
            // A short word ("ja", "vc") counts only as the very first word of the answer.
            if (joined.length < 3 && !(c === 0 && i === 0)) continue;
            here.push({ id: option.id, phrase: pw, clause: c, start: i, isLabel: joined === label, negated: false });
          }
        }
      }
      // A mention inside a longer one ("bra" inside "inte så bra") is that longer one.
      const kept = here.filter((m) => !here.some((o) => o !== m && o.phrase.length > m.phrase.length && o.start <= m.start && o.start + o.phrase.length >= m.start + m.phrase.length));
      for (const m of kept) {
        // An option that is itself a no ("nej", "Det går inte så bra") is not denied by a negation
        // beside it: "nej inte direkt" says it twice.
        if (m.phrase.some((w) => this.negations.has(w) || this.noWords.has(w))) continue;
        // The words of another mention of the same option are not its denial: "no he doesnt know"
        // and "nej hon vet inte" say one thing twice.
        const same = kept.filter((o) => o !== m && o.id === m.id);
        const outside = clause.filter((_, k) => (k < m.start || k >= m.start + m.phrase.length) && !same.some((o) => k >= o.start && k < o.start + o.phrase.length));
        m.negated = outside.some((w) => this.negations.has(w));
      }
      // An option that is itself a negation ("Ingen") is no answer when it denies another option in
      // the same clause ("ingen hemtjänst").
      const others = kept.filter((m) => !m.phrase.every((w) => this.negations.has(w)));
      found.push(...(others.length ? others : kept));
    });
    // A clause that is only a denial ("men inte längre") denies the clause before it.
    clauses.forEach((clause, c) => {
      if (c > 0 && this.tails.has(clause.join(' '))) for (const m of found) if (m.clause === c - 1) m.negated = true;
    });
    return found.sort((a, b) => a.clause - b.clause || a.start - b.start);
  }

  /** The text's words outside every option it mentions (what the person said beside the options). */
  outside(text: string, options: readonly OptionView[]): string {
    const all = this.mentions(text, options);
    return this.clauses(text)
      .flatMap((clause, c) => clause.filter((_, k) => !all.some((m) => m.clause === c && k >= m.start && k < m.start + m.phrase.length)))
      .join(' ');
  }

  /** The options a text mentions and does not deny. */
  read(text: string, options: readonly OptionView[], extraBreaks: readonly string[] = []): Mentioned {
    const all = this.mentions(text, options, extraBreaks);
    const denied = new Set(all.filter((m) => m.negated).map((m) => m.id));
    const positiveMentions = all.filter((m) => !m.negated);
    const positive = [...new Set(positiveMentions.map((m) => m.id))];
    const first = positiveMentions[0];
    return { positive, denied: positive.length === 0 && denied.size > 0, ...(first ? { first } : {}) };
  }
}
