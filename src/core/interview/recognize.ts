/**
 * Recognises typed Swedish (or another locale's) answers: yes/no in its many forms, an option by its
 * number, its text or a close spelling, several options at once, and a number on a scale.
 * botbuilder-dialogs has no Swedish prompt culture, so this is ours, driven by locales/<lang>/phrases.yaml.
 */
import type { Phrases } from '../content/schema.js';
import { normalize, words } from '../text/normalize.js';
import { PhraseMatcher, allowedSlips, containsPhrase } from '../text/phrase-matcher.js';
import { distance } from 'fastest-levenshtein';
import { MentionReader } from './mentions.js';
import { ScaleAnswers } from './scale-answer.js';

export interface OptionView {
  id: string;
  label: string;
  /** The label shown to a relative, with {{pronoun}} placeholders (perspective.ts fills them in). */
  labelOther?: string;
  /** The option in the summaries' voice, when the label speaks as the person ("barn" for "Jag är personens barn"). */
  summary?: string;
  accept: string[];
  /** An honest "don't know" option ("Vet inte än"): where a typed "vet inte" is kept. */
  unsure?: boolean;
}

export type ChoiceResult =
  | { kind: 'match'; id: string }
  | { kind: 'ambiguous'; ids: string[] }
  | { kind: 'none' };

/**
 * Which of the person's words are kept beside a structured value: none (the answer was exactly an
 * option, a yes or a number), those after the first `words` words ("ja, för det mesta …" keeps "för
 * det mesta …"), or the whole text ("Ring mig först, inte pappa").
 */
export type Keep = undefined | 'whole' | { words: number };

/** A reading of typed text beside the value: which words to keep, and whether it was hedged ("kanske"). */
export interface Read<T> {
  value: T;
  keep: Keep;
  hedged: boolean;
}

/** Several options read from a sentence: none, when every option mentioned was denied ("Ingen hemtjänst än"). */
export type MultiRead = Read<string[]>;

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
  private readonly dontKnow: PhraseMatcher;
  private readonly neither: PhraseMatcher;
  private readonly unsurePhrases: string[];
  private readonly dontKnowPhrases: string[];
  private readonly hedges: string[];
  private readonly negationWords: Set<string>;
  private readonly clauseBreakWords: Set<string>;
  private readonly weakNumbers: Set<string>;
  readonly mentions: MentionReader;
  /** Ranges and words on a scale ("3-4", "sådär"). */
  readonly scales: ScaleAnswers;

  constructor(phrases: Phrases) {
    this.dontKnow = new PhraseMatcher(phrases.dontKnow);
    this.neither = new PhraseMatcher(phrases.neither);
    this.unsurePhrases = [...phrases.dontKnow, ...phrases.neither].map(normalize);
    this.dontKnowPhrases = phrases.dontKnow.map(normalize);
    this.hedges = phrases.hedges.map(normalize);
    this.negationWords = new Set(phrases.negations.map(normalize));
    this.clauseBreakWords = new Set(phrases.clauseBreaks.map(normalize));
    this.weakNumbers = new Set(phrases.weakNumbers.map(normalize));
    this.scales = new ScaleAnswers(phrases, this);
    this.mentions = new MentionReader(phrases);
    this.yes = new PhraseMatcher(phrases.yes);
    this.no = new PhraseMatcher(phrases.no);
    this.yesWords = new Set(phrases.yes.map(normalize).filter((w) => !w.includes(' ')));
    this.noWords = new Set(phrases.no.map(normalize).filter((w) => !w.includes(' ')));
    phrases.numbers.forEach((variants, i) => variants.forEach((w) => this.numberWords.set(normalize(w), i + 1)));
    this.separators = phrases.listSeparators.map(normalize);
  }

  /** Whether an option's words are one yes or no word ("ja", "nej", "yes"). */
  private isPolarWord(phrase: readonly string[]): boolean {
    return phrase.length === 1 && (this.yesWords.has(phrase[0]!) || this.noWords.has(phrase[0]!));
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

    // 2. The answer mentions options as whole words ("jag bor i Karlstad"), those it denies left out
    // ("inte telefon, hellre brev").
    // Two options named ("brev eller besök", "Kil men pappa i Arvika") are for the person to choose
    // between; a short everyday word gives way to a real mention ("jag svarar för min mamma").
    const all = this.mentions.mentions(text, options);
    // A yes or no whose own option the sentence denies ("ja, han vet inte" where "han vet" is the
    // yes-option's words) says nothing: it is not read as that option.
    const denied = new Set(all.filter((m) => m.negated && !this.isPolarWord(m.phrase)).map((m) => m.id));
    const mentioned = all.filter((m) => !m.negated && !(this.isPolarWord(m.phrase) && denied.has(m.id)));
    const strong = mentioned.filter((m) => m.isLabel || m.phrase.join(' ').length > 3);
    const ids = [...new Set((strong.length ? strong : mentioned).map((m) => m.id))];
    // A yes or no that says the opposite of the words beside it ("ja men hon vet inte", "nej hon vet",
    // "yes they dont know") is not given way: which one was meant is asked, never guessed.
    // (The other option's own "inte" does not deny the yes: "ja hon vet inte" is asked too.)
    const polar = strong.length ? all.filter((m) => this.isPolarWord(m.phrase) && !denied.has(m.id)) : [];
    for (const m of polar) if (!ids.includes(m.id)) ids.push(m.id);
    if (ids.length === 1) return { kind: 'match', id: ids[0]! };
    if (ids.length > 1) return { kind: 'ambiguous', ids };
    return { kind: 'none' };
  }

  /**
   * Several options: "1, 3", "1 och 3", "hemtjänst och vårdcentral". Returns undefined when any part
   * is not understood, so nothing is silently dropped.
   */
  multi(text: string, options: readonly OptionView[]): string[] | undefined {
    return this.multiRead(text, options)?.value;
  }

  /**
   * Several options with the words to keep: listed ("1, 3", "hemtjänst och vårdcentral") or mentioned
   * in a sentence ("både vårdcentralen men även psykiatrin"), denied ones left out; an empty list when
   * every option mentioned was denied ("Ingen hemtjänst än"). Undefined when nothing is understood.
   */
  multiRead(text: string, options: readonly OptionView[]): MultiRead | undefined {
    const hedged = this.isHedged(text);
    // An option whose own text contains a separator ("Ekonomi, familj eller missbruk") typed whole.
    const whole = this.choice(text, options, false);
    if (whole.kind === 'match') return { value: [whole.id], keep: undefined, hedged };
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
    let exact = true;
    for (const part of parts) {
      // A part is an option typed (or numbered) whole, or mentions one or more ("även psykiatrin").
      const r = this.choice(part, options, false);
      const found = r.kind === 'match' ? [r.id] : this.mentions.read(part, options).positive;
      if (r.kind !== 'match') exact = false;
      if (!found.length) {
        ids.length = 0;
        break;
      }
      for (const id of found) if (!ids.includes(id)) ids.push(id);
    }
    if (ids.length) return { value: ids, keep: exact ? undefined : 'whole', hedged };
    const mentioned = this.mentions.read(text, options, this.separators);
    if (mentioned.positive.length) return { value: mentioned.positive, keep: 'whole', hedged };
    return mentioned.denied ? { value: [], keep: 'whole', hedged } : undefined;
  }

  /** Whether the text says the person does not know ("vet inte", "ingen aning", "jag vet inte var han bor"). */
  saysDontKnow(text: string): boolean {
    return this.dontKnow.matches(text) || containsPhrase(normalize(text), this.dontKnowPhrases);
  }

  /**
   * The one option a word of a sentence names with a small slip ("arvka tror jag" -> Arvika): an
   * option's one-word label or accepted word of five letters or more, within the slips a word of that
   * length is allowed. Undefined when none, or several, are named so. A guess: the caller asks.
   */
  slipMention(text: string, options: readonly OptionView[]): string | undefined {
    const found = new Set<string>();
    const typed = normalize(text).split(' ').filter((w) => w.length >= 5);
    for (const option of options) {
      for (const phrase of [option.label, option.accept].flat()) {
        const p = this.phrase(phrase);
        if (p.length < 5 || p.includes(' ')) continue;
        if (typed.some((w) => w !== p && distance(w, p) <= allowedSlips(Math.min(w.length, p.length)))) found.add(option.id);
      }
    }
    return found.size === 1 ? [...found][0] : undefined;
  }

  /** Whether the text says the person is unsure ("kanske", "tror", "vet inte"). */
  isHedged(text: string): boolean {
    return containsPhrase(normalize(text), this.hedges);
  }

  /**
   * A yes or no to a decision about sharing (send now, share with a recipient): a plain yes or no, or
   * a sentence that starts with one and adds nothing against it ("ja, skicka", "nej, det vill jag
   * inte"). A yes with a "men", a hedge or a negation after it ("ja men inte på nätterna", "ja kanske",
   * "yes but not the region"), or a no with a "men", is no decision: undefined, so it is asked again.
   */
  decision(text: string): boolean | undefined {
    const read = this.yesNoRead(text);
    if (!read || read.value === 'unsure' || read.hedged) return undefined;
    const rest = read.keep === undefined ? [] : read.keep === 'whole' ? words(text) : words(text).slice(read.keep.words);
    if (rest.some((w) => this.clauseBreakWords.has(w))) return undefined;
    if (read.value === 'yes' && rest.some((w) => this.negationWords.has(w))) return undefined;
    return read.value === 'yes';
  }

  /**
   * A yes/no question's answer as people give it: yes, no, or neither ("vet inte", "nja", "ibland",
   * "det beror på"), with the words to keep ("ja för det mesta men inte på nätterna").
   */
  yesNoRead(text: string): Read<'yes' | 'no' | 'unsure'> | undefined {
    const input = normalize(text);
    if (!input) return undefined;
    if (this.dontKnow.matches(text)) return { value: 'unsure', keep: undefined, hedged: true };
    if (this.neither.matches(text)) return { value: 'unsure', keep: 'whole', hedged: true };
    const exact = this.yesNo(text);
    if (exact !== undefined && (this.yes.matches(text) || this.no.matches(text))) return { value: exact ? 'yes' : 'no', keep: undefined, hedged: false };
    // A sentence that starts with a plain yes or no word: the rest is what they added. "inte …"
    // is no such word: "inte längre" is itself the answer.
    const first = words(text)[0]!;
    if (!this.negationWords.has(first) && this.yesWords.has(first) !== this.noWords.has(first)) {
      return { value: this.yesWords.has(first) ? 'yes' : 'no', keep: { words: 1 }, hedged: this.isHedged(text) };
    }
    if (containsPhrase(input, this.unsurePhrases)) return { value: 'unsure', keep: 'whole', hedged: true };
    return exact === undefined ? undefined : { value: exact ? 'yes' : 'no', keep: 'whole', hedged: this.isHedged(text) };
  }

  /**
   * A number on a scale, also inside a sentence ("3, han är ofta nere på kvällarna", "nja kanske en
   * trea"): the one number from min to max the text holds; words like "en" count only alone.
   */
  scaleRead(text: string, min: number, max: number): Read<number> | undefined {
    const alone = this.scale(text, min, max);
    if (alone !== undefined) return { value: alone, keep: undefined, hedged: false };
    return this.scales.range(text, min, max) ? undefined : this.oneOnScale(text, min, max);
  }

  /** The one number from min to max in a sentence. */
  private oneOnScale(text: string, min: number, max: number): Read<number> | undefined {
    const ws = words(text);
    const found: Array<{ value: number; at: number }> = [];
    for (let i = 0; i < ws.length; i++) {
      const w = ws[i]!;
      const value = this.numberAt(w);
      if (value === undefined) continue;
      // "3 av 5": the scale's end is no answer.
      if (i > 1 && ws[i - 1] === 'av') continue;
      found.push({ value, at: i });
    }
    const inRange = [...new Set(found.filter((f) => f.value >= min && f.value <= max).map((f) => f.value))];
    if (inRange.length !== 1) return undefined;
    const at = found.find((f) => f.value === inRange[0])!.at;
    return { value: inRange[0]!, keep: at === 0 ? { words: 1 } : 'whole', hedged: this.isHedged(text) };
  }

  /** A number as one word of a sentence: digits, or a number word that is not also an everyday word ("en"). */
  numberAt(word: string): number | undefined {
    return /^\d{1,3}$/u.test(word) ? Number(word) : this.weakNumbers.has(word) ? undefined : this.numberWords.get(word);
  }

  /** Whether the text holds a don't-know or neither phrase ("vet inte", "sådär", "det beror på"). */
  saysUnsure(text: string): boolean {
    return containsPhrase(normalize(text), this.unsurePhrases);
  }

  /** A value on a scale from min to max. */
  scale(text: string, min: number, max: number): number | undefined {
    const n = this.number(text);
    return n !== undefined && n >= min && n <= max ? n : undefined;
  }
}

