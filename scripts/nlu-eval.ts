/**
 * `npm run nlu:eval`: scores the configured recognizer on the held-out files in test/nlu/ (never
 * used for training): intents, routing topics and risk. Prints per-label precision and recall, a
 * confusion table, risk recall and false alarms, and whether the targets are met (exit code 1 if
 * not). `--json FILE` also writes the figures as JSON; `--locale` picks the language (default sv).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { loadContent } from '../src/core/content/load.js';
import { createLogger } from '../src/logger.js';
import { createRecognizer } from '../src/nlu/create.js';
import { scoreLabels, type LabelScores } from '../src/nlu/evaluation.js';
import type { Recognition } from '../src/core/nlu/recognizer.js';

const TARGETS = { intentAccuracy: 0.9, acuteRecall: 0.98, falseAlarmRate: 0.05 };

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

async function main(): Promise<void> {
  const locale = arg('--locale') ?? 'sv';
  const dir = arg('--dir') ?? path.join('test', 'nlu', 'heldout');
  const config = loadConfig();
  const content = loadContent({ dataDir: config.contentDir, localesDir: config.localesDir, defaultLocale: config.defaultLocale });
  const started = Date.now();
  console.error(`Training the ${config.nlu.recognizer} recognizer …`);
  const { recognizer } = await createRecognizer(config.nlu, config.localesDir, content, createLogger('warn'));
  const trainingMs = Date.now() - started;

  const suffix = locale === 'sv' ? '' : `.${locale}`;
  // A set may hold only some of the three files (a fresh risk set, say); what is missing is skipped.
  const fileOf = (name: string) => path.join(dir, `${name}${suffix}.tsv`);
  const run = async (file: string) => {
    if (!existsSync(fileOf(file))) return undefined;
    const rows = readTsv(fileOf(file));
    const out: Array<{ label: string; text: string; r: Recognition }> = [];
    for (const row of rows) out.push({ ...row, r: await recognizer.recognize(row.text, locale) });
    return out;
  };

  const intents = await run('intents');
  const intentScores = intents && scoreLabels(intents.map((x) => ({ expected: x.label, predicted: x.r.intent })));
  if (intentScores) printScores('Intents', intentScores);

  const topics = await run('topics');
  const topicScores = topics && scoreLabels(topics.map((x) => ({ expected: x.label, predicted: x.r.topics[0]?.topic ?? '(none)' })));
  if (topicScores) printScores('Routing topics (first suggestion)', topicScores);

  const risk = await run('risk');
  let acuteRecall: number | undefined;
  let falseAlarmRate: number | undefined;
  if (risk) {
    const acute = risk.filter((x) => x.label === 'acute');
    const calm = risk.filter((x) => x.label === 'none');
    const missed = acute.filter((x) => x.r.risk !== 'acute');
    const alarms = calm.filter((x) => x.r.risk === 'acute');
    acuteRecall = acute.length ? 1 - missed.length / acute.length : 0;
    falseAlarmRate = calm.length ? alarms.length / calm.length : 0;
    console.log(`\n## Risk\n\nacute recall ${pct(acuteRecall)} (${acute.length - missed.length}/${acute.length}); false alarms ${pct(falseAlarmRate)} (${alarms.length}/${calm.length})`);
    if (missed.length) console.log(`missed:\n${missed.map((x) => `  - ${x.text}`).join('\n')}`);
    if (alarms.length) console.log(`false alarms:\n${alarms.map((x) => `  - ${x.text}`).join('\n')}`);
  }
  const examples = [intents, topics, risk].reduce((n, rows) => n + (rows?.length ?? 0), 0);
  if (examples === 0) throw new Error(`${dir} holds none of intents${suffix}.tsv, topics${suffix}.tsv, risk${suffix}.tsv`);

  const results = {
    recognizer: config.nlu.recognizer,
    locale,
    trainingMs,
    intentAccuracy: intentScores?.accuracy,
    topicAccuracy: topicScores?.accuracy,
    acuteRecall,
    falseAlarmRate,
    targets: TARGETS,
    intents: intentScores,
    topics: topicScores,
  };
  // Each target is judged on the files the set has; "not in this set" otherwise.
  const checks = [
    { name: 'intent accuracy', value: intentScores?.accuracy, target: TARGETS.intentAccuracy, atLeast: true },
    { name: 'acute recall', value: acuteRecall, target: TARGETS.acuteRecall, atLeast: true },
    { name: 'false alarms', value: falseAlarmRate, target: TARGETS.falseAlarmRate, atLeast: false },
  ];
  console.log(`\n## Targets\n`);
  let allMet = true;
  for (const c of checks) {
    const bound = `target ${c.atLeast ? '≥' : '≤'} ${pct(c.target)}`;
    if (c.value === undefined) {
      console.log(`${c.name.padEnd(16)} ${'-'.padStart(8)}  ${bound}  not in this set`);
      continue;
    }
    const met = c.atLeast ? c.value >= c.target : c.value <= c.target;
    allMet &&= met;
    console.log(`${c.name.padEnd(16)} ${pct(c.value).padStart(8)}  ${bound}  ${met ? 'met' : 'NOT MET'}`);
  }
  console.log(`(training ${trainingMs} ms; ${examples} held-out examples from ${dir})`);
  const json = arg('--json');
  if (json) writeFileSync(json, JSON.stringify(results, null, 2));
  if (!allMet) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(`nlu:eval failed: ${(err as Error).message}`);
  process.exit(1);
});
