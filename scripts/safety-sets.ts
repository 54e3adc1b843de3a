/**
 * The labelled safety sets of test/nlu for the development scripts (safety-cross, safety-diff): a
 * folder's `sv.jsonl` / `en.jsonl`, or the older `risk.tsv` / `risk.<lang>.tsv` (acute or none).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSafetySet, type SafetyRow } from '../src/nlu/safety-eval.js';

/** A retired held-out set (`retired-heldout-…`): read from the training data, where it now lives. */
export const isRetired = (set: string): boolean => /^retired-heldout-/u.test(set);

/** Refuses a held-out set still in use (the lead scores those); a retired one may be read. */
export const isUnread = (set: string): boolean => /heldout|check/u.test(set) && !isRetired(set);

/** The rows of a folder's file for `language`, or none; `test/nlu/retired-heldout-…` is the training file of that name. */
export function rowsOf(dir: string, language: string): SafetyRow[] {
  if (isRetired(path.basename(dir))) {
    const trained = path.join('locales', language, 'nlu', 'risk', `${path.basename(dir)}.jsonl`);
    return existsSync(trained) ? parseSafetySet(readFileSync(trained, 'utf8'), path.basename(trained)) : [];
  }
  const jsonl = path.join(dir, `${language}.jsonl`);
  if (existsSync(jsonl)) return parseSafetySet(readFileSync(jsonl, 'utf8'), path.basename(jsonl));
  const tsv = path.join(dir, language === 'sv' ? 'risk.tsv' : `risk.${language}.tsv`);
  if (!existsSync(tsv)) return [];
  return readFileSync(tsv, 'utf8')
    .split(/\r?\n/u)
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const tab = l.indexOf('\t');
      return { text: l.slice(tab + 1).trim(), expect: l.slice(0, tab).trim() === 'acute' ? ('acute' as const) : ('ordinary' as const) };
    });
}
