/**
 * `npm run nlu:eval`: scores the safety net (and, where a set has them, intents and routing topics)
 * through exactly the recognizer the conversation uses.
 *
 * A safety set is a folder with `sv.jsonl` and `en.jsonl`, one JSON object per line:
 *   {"text": "...", "expect": "acute" | "ordinary", "category": "suicide_self_harm" | "medical_emergency" | "violence",
 *    "situation": "suicide" | …, "long": true}
 * Per language it prints acute recall (acute texts judged acute), acute-or-unsure recall (the unsure
 * question counts as caught), false alarms (ordinary texts judged acute) and the unsure rate on
 * ordinary texts, each against its target (exit code 1 when one is not met). Older folders with
 * `intents.tsv` / `topics.tsv` (label<TAB>text) are scored too.
 *
 *   npm run nlu:eval                      the development set (test/nlu/dev-2026-12), misses listed
 *   npm run nlu:eval -- --dir <folder>    another set: aggregate figures only, never its texts
 *   npm run nlu:eval -- --dir <folder> --misses
 *                                         a development folder with its misses listed (refused for a
 *                                         held-out or check folder: those stay unread)
 *   npm run nlu:eval -- --json out.json   also writes the figures as JSON
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { loadContent } from '../src/core/content/load.js';
import { createLogger } from '../src/logger.js';
import { createRecognizer } from '../src/nlu/create.js';
import { scoreLabels, type LabelScores } from '../src/nlu/evaluation.js';
import { parseSafetySet, safetyFigures, SAFETY_TARGETS, type SafetyFigures, type SafetyRow } from '../src/nlu/safety-eval.js';
import type { SafetyLevel } from '../src/core/safety/verdict.js';
import type { Recognizer } from '../src/core/nlu/recognizer.js';

const DEV_SET = path.join('test', 'nlu', 'dev-2026-12');
const INTENT_TARGET = 0.9;

function readTsv(file: string): Array<{ label: string; text: string }> {
  return readFileSync(file, 'utf8')
    .split(/\r?\n/u)
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l, i) => {
      const tab = l.indexOf('\t');
      if (tab < 0) throw new Error(`${file}:${i + 1}: expected "label<TAB>text"`);
      return { label: l.slice(0, tab).trim(), text: l.slice(tab + 1).trim() };
    });
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function pct(n: number): string {
  return `${(n * 100).toFixed(1)} %`;
}

function printScores(title: string, s: LabelScores): void {
  console.log(`\n## ${title}: accuracy ${pct(s.accuracy)} (${s.correct}/${s.total})\n`);
  console.log(`${'label'.padEnd(20)} ${'precision'.padStart(9)} ${'recall'.padStart(9)} ${'n'.padStart(5)}`);
  for (const [label, m] of Object.entries(s.perLabel)) {
    console.log(`${label.padEnd(20)} ${pct(m.precision).padStart(9)} ${pct(m.recall).padStart(9)} ${String(m.support).padStart(5)}`);
  }
  const labels = Object.keys(s.confusion);
  const predicted = [...new Set(Object.values(s.confusion).flatMap((row) => Object.keys(row)))].sort();
  console.log(`\nconfusion (rows: expected, columns: predicted)`);
  console.log(`${''.padEnd(20)} ${predicted.map((p) => p.slice(0, 8).padStart(8)).join(' ')}`);
  for (const l of labels) console.log(`${l.padEnd(20)} ${predicted.map((p) => String(s.confusion[l]![p] ?? '').padStart(8)).join(' ')}`);
}

interface Check {
  name: string;
  value: number;
  target: number;
  atLeast: boolean;
}

/** Prints the checks; returns whether all are met. */
function printChecks(checks: Check[]): boolean {
  let allMet = true;
  for (const c of checks) {
    const met = c.atLeast ? c.value >= c.target : c.value <= c.target;
    allMet &&= met;
    console.log(`  ${c.name.padEnd(26)} ${pct(c.value).padStart(8)}  target ${c.atLeast ? '≥' : '≤'} ${pct(c.target).padEnd(8)} ${met ? 'met' : 'NOT met'}`);
  }
  return allMet;
}

/** The safety figures of one language's file, printed; misses listed only when `show`. */
async function safetySet(recognizer: Recognizer, file: string, locale: string, show: boolean): Promise<{ figures: SafetyFigures; met: boolean }> {
  const rows = parseSafetySet(readFileSync(file, 'utf8'), path.basename(file));
  const judged: Array<{ row: SafetyRow; level: SafetyLevel }> = [];
  for (const row of rows) judged.push({ row, level: (await recognizer.recognize(row.text, locale)).safety.level });
  const figures = safetyFigures(judged);
  const targets = SAFETY_TARGETS[locale] ?? SAFETY_TARGETS['en']!;
  console.log(`\n## Safety, ${locale}: ${figures.acute} acute and ${figures.ordinary} ordinary texts (${figures.long} long)\n`);
  console.log(`  acute recall ${pct(figures.acuteRecall)} (long ${pct(figures.acuteRecallLong)}), acute-or-unsure recall ${pct(figures.acuteOrUnsureRecall)}, false alarms ${pct(figures.falseAlarms)}, unsure on ordinary ${pct(figures.unsureOnOrdinary)}`);
  const checks: Check[] = [
    { name: 'acute-or-unsure recall', value: figures.acuteOrUnsureRecall, target: targets.acuteOrUnsureRecall, atLeast: true },
    ...(targets.acuteRecall !== undefined ? [{ name: 'acute recall', value: figures.acuteRecall, target: targets.acuteRecall, atLeast: true }] : []),
    { name: 'false alarms', value: figures.falseAlarms, target: targets.falseAlarms, atLeast: false },
    ...(targets.unsureOnOrdinary !== undefined ? [{ name: 'unsure on ordinary', value: figures.unsureOnOrdinary, target: targets.unsureOnOrdinary, atLeast: false }] : []),
  ];
  const met = printChecks(checks);
  if (show) {
    const list = (title: string, xs: typeof judged) => xs.length && console.log(`  ${title}:\n${xs.map((x) => `    - [${x.level}] ${x.row.text}`).join('\n')}`);
    list('acute texts not judged acute', judged.filter((x) => x.row.expect === 'acute' && x.level !== 'acute'));
    list('ordinary texts not judged none', judged.filter((x) => x.row.expect === 'ordinary' && x.level !== 'none'));
  }
  return { figures, met };
}

async function main(): Promise<void> {
  const dir = arg('--dir') ?? DEV_SET;
  // Texts are listed only for the development set: another set (the held-out one) stays unread.
  const isDev = arg('--dir') === undefined || path.resolve(dir) === path.resolve(DEV_SET);
  if (process.argv.includes('--misses') && !isDev && /(^|[\\/])(heldout[^\\/]*|check[^\\/]*)([\\/]|$)/u.test(path.resolve(dir))) {
    throw new Error(`--misses is for development folders only; ${dir} is scored by its figures alone`);
  }
  const show = isDev || process.argv.includes('--misses');
  const config = loadConfig();
  const content = loadContent({ dataDir: config.contentDir, localesDir: config.localesDir, defaultLocale: config.defaultLocale });
  const started = Date.now();
  console.error(`Loading the ${config.nlu.recognizer} recognizer …`);
  const { recognizer } = await createRecognizer(config.nlu, config.localesDir, content, createLogger('warn'));
  const trainingMs = Date.now() - started;

  const results: Record<string, unknown> = { recognizer: config.nlu.recognizer, trainingMs };
  let allMet = true;
  let found = 0;
  for (const locale of ['sv', 'en']) {
    const file = path.join(dir, `${locale}.jsonl`);
    if (!existsSync(file)) continue;
    found += 1;
    const { figures, met } = await safetySet(recognizer, file, locale, show);
    results[`safety.${locale}`] = figures;
    allMet &&= met;
  }

  // Older sets: intents and routing topics (label<TAB>text), Swedish and `.en`.
  for (const locale of ['sv', 'en']) {
    const suffix = locale === 'sv' ? '' : `.${locale}`;
    const intentsFile = path.join(dir, `intents${suffix}.tsv`);
    if (existsSync(intentsFile)) {
      found += 1;
      const rows = readTsv(intentsFile);
      const pairs = [];
      for (const row of rows) pairs.push({ expected: row.label, predicted: (await recognizer.recognize(row.text, locale)).intent });
      const scores = scoreLabels(pairs);
      printScores(`Intents (${locale})`, scores);
      console.log('');
      allMet &&= printChecks([{ name: 'intent accuracy', value: scores.accuracy, target: INTENT_TARGET, atLeast: true }]);
      results[`intents.${locale}`] = scores;
    }
    const topicsFile = path.join(dir, `topics${suffix}.tsv`);
    if (existsSync(topicsFile)) {
      found += 1;
      const rows = readTsv(topicsFile);
      const pairs = [];
      for (const row of rows) pairs.push({ expected: row.label, predicted: (await recognizer.recognize(row.text, locale)).topics[0]?.topic ?? '(none)' });
      const scores = scoreLabels(pairs);
      printScores(`Routing topics, first suggestion (${locale})`, scores);
      results[`topics.${locale}`] = scores;
    }
  }
  if (found === 0) throw new Error(`${dir} holds no sv.jsonl, en.jsonl, intents.tsv or topics.tsv`);
  console.log(`\n(recognizer ready in ${trainingMs} ms; set ${dir}) ${allMet ? 'all targets met' : 'NOT all targets met'}`);
  const json = arg('--json');
  if (json) writeFileSync(json, JSON.stringify(results, null, 2));
  if (!allMet) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(`nlu:eval failed: ${(err as Error).message}`);
  process.exit(1);
});
