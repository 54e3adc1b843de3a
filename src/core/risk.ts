/**
 * A first, pattern-based detector of acute-risk language (suicide or self-harm, medical emergency,
 * violence). Patterns are data (locales/<lang>/risk.yaml); idioms listed under `ignore` are removed
 * before matching, so "dödstrött" and "jag dör av skratt" do not raise an alarm.
 */
import type { RiskCategory, RiskPatterns } from './content/schema.js';
import { normalize } from './text/normalize.js';

/**
 * Where one clause ends and the next begins: punctuation, or "men" (but). The text is normalised
 * first, which keeps only "?" of the punctuation, so in practice clauses end at "men" and "?":
 * splitting at commas too was tried and gave slightly more false alarms in cross-validation (a time
 * word such as "för tio år sedan" usually belongs to the whole sentence, not only to its own part).
 */
const CLAUSE_BREAK = /([.!?;,:\n]|(?<![\p{L}\p{N}])men(?![\p{L}\p{N}]))/u;
const BUT = /^men$/u;

/** Word boundaries that understand å, ä and ö (JavaScript's \b does not). */
const wrap = (source: string) => `(?<![\\p{L}\\p{N}])(?:${source})(?![\\p{L}\\p{N}])`;

export class RiskDetector {
  private readonly ignore: RegExp[];
  private readonly resolved: RegExp[];
  private readonly patterns: Array<{ category: RiskCategory; regex: RegExp }>;

  constructor(config: RiskPatterns) {
    this.ignore = config.ignore.map((p) => new RegExp(wrap(p), 'giu'));
    this.resolved = config.resolved.map((p) => new RegExp(wrap(p), 'iu'));
    this.patterns = Object.entries(config.patterns).flatMap(([category, list]) =>
      list.map((p) => ({ category: category as RiskCategory, regex: new RegExp(wrap(p), 'iu') })),
    );
  }

  /**
   * The text's clauses (idioms removed), and which of them tell something in the present rather
   * than placing it in the past ("för tio år sedan …"): what a statistical model should judge.
   * A clause answered by "men" and a resolving one ("han slog mig, men vi skildes för länge sedan")
   * is resolved with it; a "men" after a resolved clause starts a new story, so "vi skildes, men han
   * hotar att döda mig" keeps its alarm. `idioms` tells whether an idiom was removed.
   */
  clauses(text: string): { all: string[]; present: string[]; idioms: boolean } {
    const normalized = normalize(text);
    let t = normalized;
    for (const re of this.ignore) t = t.replace(re, ' ');
    // split() with a capturing group keeps the separators at the odd places.
    const parts = t.split(CLAUSE_BREAK);
    const clauses: Array<{ text: string; resolved: boolean; butFollows: boolean }> = [];
    for (let i = 0; i < parts.length; i += 2) {
      const clause = parts[i]!.trim();
      if (!clause) continue;
      clauses.push({ text: clause, resolved: this.resolved.some((re) => re.test(clause)), butFollows: BUT.test(parts[i + 1] ?? '') });
    }
    for (let i = clauses.length - 2; i >= 0; i--) {
      if (clauses[i]!.butFollows && clauses[i + 1]!.resolved) clauses[i]!.resolved = true;
    }
    return { all: clauses.map((c) => c.text), present: clauses.filter((c) => !c.resolved).map((c) => c.text), idioms: t !== normalized };
  }

  /**
   * The categories the text signals, empty when none. Words that place a story in the past count
   * only within their own clause, so "vi skildes, men han hotar att döda mig" still raises the alarm.
   */
  detect(text: string): RiskCategory[] {
    return this.categoriesIn(this.clauses(text).present);
  }

  /** The categories signalled in clauses already split by `clauses`. */
  categoriesIn(presentClauses: readonly string[]): RiskCategory[] {
    const found = new Set<RiskCategory>();
    for (const clause of presentClauses) {
      for (const { category, regex } of this.patterns) if (regex.test(clause)) found.add(category);
    }
    return [...found];
  }
}
