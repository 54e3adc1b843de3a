/**
 * A first, pattern-based detector of acute-risk language (suicide or self-harm, medical emergency,
 * violence). Patterns are data (locales/<lang>/risk.yaml); idioms listed under `ignore` are removed
 * before matching, so "dödstrött" and "jag dör av skratt" do not raise an alarm.
 */
import type { RiskCategory, RiskPatterns } from './content/schema.js';
import { normalize } from './text/normalize.js';

/** Word boundaries that understand å, ä and ö (JavaScript's \b does not). */
const wrap = (source: string) => `(?<![\\p{L}\\p{N}])(?:${source})(?![\\p{L}\\p{N}])`;

export class RiskDetector {
  private readonly ignore: RegExp[];
  private readonly patterns: Array<{ category: RiskCategory; regex: RegExp }>;

  constructor(config: RiskPatterns) {
    this.ignore = config.ignore.map((p) => new RegExp(wrap(p), 'giu'));
    this.patterns = Object.entries(config.patterns).flatMap(([category, list]) =>
      list.map((p) => ({ category: category as RiskCategory, regex: new RegExp(wrap(p), 'iu') })),
    );
  }

  /** The categories the text signals, empty when none. */
  detect(text: string): RiskCategory[] {
    let t = normalize(text);
    for (const re of this.ignore) t = t.replace(re, ' ');
    const found = new Set<RiskCategory>();
    for (const { category, regex } of this.patterns) if (regex.test(t)) found.add(category);
    return [...found];
  }
}
