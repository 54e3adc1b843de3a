/**
 * A first, pattern-based detector of acute-risk language (suicide or self-harm, medical emergency,
 * violence). Patterns are data (locales/<lang>/risk.yaml); idioms listed under `ignore` are removed
 * before matching, so "dödstrött" and "jag dör av skratt" do not raise an alarm.
 */
import type { RiskCategory, RiskPatterns } from './content/schema.js';
import { normalize } from './text/normalize.js';

/** Where one clause ends and the next begins: punctuation, or "men" (but). */
const CLAUSE_BREAK = /[.!?;,:\n]|(?<![\p{L}\p{N}])men(?![\p{L}\p{N}])/u;

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
   */
  clauses(text: string): { all: string[]; present: string[] } {
    let t = normalize(text);
    for (const re of this.ignore) t = t.replace(re, ' ');
    const all = t.split(CLAUSE_BREAK).map((c) => c.trim()).filter(Boolean);
    return { all, present: all.filter((c) => !this.resolved.some((re) => re.test(c))) };
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
