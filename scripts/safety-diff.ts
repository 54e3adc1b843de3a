/**
 * Which texts of development sets change level between two readings of the safety net (issue 19):
 * the model trained once as in scripts/safety-cross.ts, each text read with tuning A and tuning B.
 * With --misses, reading B's misses instead. Check and held-out sets are refused (their texts stay unread).
 *
 *   node --import tsx scripts/safety-diff.ts --sets dev-2026-12c,fresh --a '{}' --b '{"objectCap": "unsure"}' [--without dev-2026-12d] [--patch '{"urgent": […]}']
 */
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { loadContent } from '../src/core/content/load.js';
import { SafetyAssessor, withBase, type AssessorTuning } from '../src/core/safety/assessor.js';
import { trainFold } from '../src/nlu/embedded.js';
import { rowsOf, rowsOfFile } from './safety-sets.js';
import { loadTrainingData } from '../src/nlu/training-data.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}


async function main(): Promise<void> {
  const language = arg('--language') ?? 'sv';
  const sets = (arg('--sets') ?? 'dev-2026-12c').split(',');
  if (sets.some((s) => /heldout|check/u.test(s) && !s.startsWith('retired-'))) throw new Error('check and held-out sets stay unread');
  const without = (arg('--without') ?? '').split(',').filter(Boolean);
  const config = loadConfig();
  const content = loadContent({ dataDir: config.contentDir, localesDir: config.localesDir, defaultLocale: config.defaultLocale });
  const data = loadTrainingData(config.localesDir, language);
  data.riskSets = data.riskSets.filter((s) => !without.includes('all') && !without.includes(s.name));
  const given = content.locales[language]!.risk;
  const patterns = withBase(given, undefined);
  // --patch: risk.yaml's lists changed for reading B only (the model is trained with the given ones).
  const patched = withBase({ ...given, ...(JSON.parse(arg('--patch') ?? '{}') as Partial<typeof given>) }, undefined);
  const score = await trainFold(data, {}, patterns);
  const a = new SafetyAssessor(patterns, score, language, JSON.parse(arg('--a') ?? '{}') as Partial<AssessorTuning>);
  const b = new SafetyAssessor(patched, score, language, JSON.parse(arg('--b') ?? '{}') as Partial<AssessorTuning>);
  for (const set of sets) {
    // A retired held-out set (training data now) is read from the training folder.
    const rows = set.startsWith('retired-') ? rowsOfFile(path.join(config.localesDir, language, 'nlu', 'risk', `${set}.jsonl`)) : rowsOf(path.join('test', 'nlu', set), language);
    for (const row of rows) {
      const x = a.assess(row.text);
      const y = b.assess(row.text);
      if (process.argv.includes('--misses')) {
        // Reading B's misses (an acute text not acute, an ordinary one not calm), with the trigger's score.
        if ((row.expect === 'acute') !== (y.level === 'acute') || (row.expect === 'ordinary' && y.level === 'unsure')) {
          console.log(`${row.expect} [${y.level}] ${y.trigger ? `(${score(y.trigger.toLowerCase()).toFixed(2)}) «${y.trigger}» ` : ''}| ${row.text}`);
        }
      } else if (x.level !== y.level) console.log(`${set} ${row.expect} ${x.level} -> ${y.level} | ${y.trigger ?? x.trigger} | ${row.text.length > 160 ? `${row.text.slice(0, 160)}…` : row.text}`);
    }
  }
}

main().catch((err: unknown) => {
  console.error(`safety-diff failed: ${(err as Error).message}`);
  process.exit(1);
});
