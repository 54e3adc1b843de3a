/**
 * The labelled safety sets of test/nlu for the development scripts (safety-cross, safety-diff): a
 * folder's `sv.jsonl` / `en.jsonl`, or the older `risk.tsv` / `risk.<lang>.tsv` (acute or none).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSafetySet, type SafetyRow } from '../src/nlu/safety-eval.js';

/** The rows of one safety-set file (`locales/<lang>/nlu/risk/retired-*.jsonl`), or none. */
export function rowsOfFile(file: string): SafetyRow[] {
  return existsSync(file) ? parseSafetySet(readFileSync(file, 'utf8'), path.basename(file)) : [];
}

/** The rows of a folder's file for `language`, or none. */
export function rowsOf(dir: string, language: string): SafetyRow[] {
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
