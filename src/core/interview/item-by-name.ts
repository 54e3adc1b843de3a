/**
 * An answer of the summary named in words ("ändra trygg hemma", "trygg hemma"), for people who do
 * not want to scroll up for its number on a phone. The verbs that may come first ("ändra", "byt")
 * are locale data (`editByName.verbs`); the name is matched against the items' labels.
 */
import type { Texts } from '../i18n.js';
import type { SummaryItem } from '../summary.js';
import { normalize } from '../text/normalize.js';
import { PhraseMatcher } from '../text/phrase-matcher.js';

/** The text without a leading "ändra"/"byt …" verb; undefined when no verb began it. */
export function withoutEditVerb(texts: Texts, text: string): string | undefined {
  const input = normalize(text);
  const verbs = texts.t('editByName.verbs').split('|').map(normalize).filter(Boolean).sort((a, b) => b.length - a.length);
  const verb = verbs.find((v) => input === v || input.startsWith(`${v} `));
  return verb === undefined ? undefined : input.slice(verb.length).trim();
}

/**
 * The one item the words name: its label said exactly (small slips forgiven), else the only label
 * with a word starting with each of the words. Undefined when none or several fit: then the person is asked.
 */
export function itemByName(items: readonly SummaryItem[], words: string): SummaryItem | undefined {
  const name = normalize(words);
  // "det", "9": too short to be a name (numbers are read as numbers elsewhere).
  if (name.replace(/\s/gu, '').length < 4 || /^\d+$/u.test(name)) return undefined;
  const exact = items.filter((i) => new PhraseMatcher([i.label]).matches(name));
  if (exact.length === 1) return exact[0];
  const parts = name.split(/\s+/u);
  // Every word the start of a word of the label: "trygg hemma", "omvårdnad", "mediciner".
  const containing = items.filter((i) => {
    const labelWords = normalize(i.label).split(' ');
    return parts.every((p) => labelWords.some((w) => w.startsWith(p)));
  });
  return containing.length === 1 ? containing[0] : undefined;
}
