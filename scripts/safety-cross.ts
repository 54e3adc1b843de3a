/**
 * Cross-set runs of the safety net (issue 19): trains the risk model as the recognizer does, but
 * without the labelled training sets named (`locales/<lang>/nlu/risk/<set>.jsonl`), and prints the
 * figures of each scored set, one line per set and language, never its texts. A set that the model
 * was trained on measures nothing; one left out measures how the net generalises to a writer it has
 * not read.
 *
 *   node --import tsx scripts/safety-cross.ts                          every training set in, all sets scored
 *   node --import tsx scripts/safety-cross.ts --without dev-2026-12b   that set left out of training
 *   node --import tsx scripts/safety-cross.ts --without all --sets check-2026-12,fresh
 *   … --misses                                                         also lists the misses of dev-* sets
 *   … --tunings '[{"acuteScore": 0.5}, {"urgentUpgrade": false}]'      each reading of the model scored too
 *   … --patch '{"urgent": ["just nu", "ikväll"]}'                      risk.yaml's lists changed for an experiment
 *
 * Scored folders are under test/nlu: safety sets (`sv.jsonl`, `en.jsonl`) and the older risk sets
 * (`risk.tsv`, `risk.en.tsv`: acute or none). Held-out folders are refused: the lead scores those.
 */
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { loadContent } from '../src/core/content/load.js';
import { SafetyAssessor, withBase, type AssessorTuning } from '../src/core/safety/assessor.js';
import { trainFold } from '../src/nlu/embedded.js';
import { safetyFigures } from '../src/nlu/safety-eval.js';
import { isRetired, rowsOf } from './safety-sets.js';
import { loadTrainingData } from '../src/nlu/training-data.js';

const SETS_DIR = path.join('test', 'nlu');
const DEFAULT_SETS = ['dev-2026-12', 'dev-2026-12b', 'dev-2026-12c', 'dev-2026-12d', 'dev-2026-12e', 'dev-2026-12f', 'dev-2026-12g', 'dev-2026-12h', 'dev-2026-12i', 'dev-2026-12j', 'dev-2026-12k', 'dev-2026-12l', 'dev-2026-12m', 'dev-2026-12n', 'dev-2026-12o', 'dev-2026-12p', 'dev-2026-12q', 'dev-2026-12r', 'dev-2026-12s', 'dev-2026-12t', 'dev-2026-12u', 'dev-2026-12v', 'dev-2026-12w', 'dev-2026-12x', 'dev-2026-12y', 'dev-2026-12z', 'dev-2026-12aa', 'dev-2026-12ab', 'dev-2026-12ac', 'dev-2026-12ad', 'dev-2026-12ae', 'dev-2026-12af', 'dev-2026-12ag', 'dev-2026-12ah', 'dev-2026-12ai', 'check-2026-12', 'fresh', 'fresh2', 'en-fresh'];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const pct = (n: number) => `${(n * 100).toFixed(1)}`.padStart(5);

async function main(): Promise<void> {
  const misses = process.argv.includes('--misses');
  const without = (arg('--without') ?? '').split(',').filter(Boolean);
  const tunings = JSON.parse(arg('--tunings') ?? '[{}]') as Array<Partial<AssessorTuning>>;
  const sets = (arg('--sets') ?? DEFAULT_SETS.join(',')).split(',').filter(Boolean);
  if (sets.some((s) => /heldout/u.test(s) && !isRetired(s))) throw new Error('held-out sets are scored by the lead (npm run nlu:eval), not here');
  const config = loadConfig();
  const content = loadContent({ dataDir: config.contentDir, localesDir: config.localesDir, defaultLocale: config.defaultLocale });
  for (const language of (arg('--languages') ?? 'sv,en').split(',')) {
    const data = loadTrainingData(config.localesDir, language);
    const trainedOn = data.riskSets.map((s) => s.name);
    data.riskSets = data.riskSets.filter((s) => !without.includes('all') && !without.includes(s.name));
    const given = content.locales[language]!.risk;
    // --patch '{"urgent": […]}': risk.yaml's lists changed for an experiment (the model is trained with them too).
    const patched = { ...given, ...(JSON.parse(arg('--patch') ?? '{}') as Partial<typeof given>) };
    const patterns = withBase(arg('--reach') ? { ...patched, negationReach: Number(arg('--reach')) } : patched, undefined);
    const started = Date.now();
    const score = await trainFold(data, JSON.parse(arg('--options') ?? '{}') as Record<string, number>, patterns, JSON.parse(arg('--settings') ?? '{}') as Record<string, unknown>);
    console.log(`# ${language}: trained on ${data.riskSets.map((s) => s.name).join(', ') || 'no labelled sets'} (of ${trainedOn.join(', ') || 'none'}) in ${Date.now() - started} ms`);
    for (const change of tunings) {
      // Over the language's own thresholds (risk.yaml `tuning`) and the defaults.
      const assessor = new SafetyAssessor(patterns, score, language, change);
      if (tunings.length > 1) console.log(`## ${JSON.stringify(change)}`);
      console.log(`  ${'set'.padEnd(16)} ${'n'.padStart(8)}  acute  a-or-u  FA     unsure  (acute long)`);
      for (const set of sets) {
        const rows = rowsOf(path.join(SETS_DIR, set), language);
        if (!rows.length) continue;
        const judged = rows.map((row) => ({ row, level: assessor.assess(row.text).level }));
        const f = safetyFigures(judged);
        const seen = data.riskSets.some((s) => s.name === set) ? ' (trained on)' : '';
        console.log(`  ${set.padEnd(16)} ${`${f.acute}/${f.ordinary}`.padStart(8)}  ${pct(f.acuteRecall)}  ${pct(f.acuteOrUnsureRecall)}  ${pct(f.falseAlarms)}  ${pct(f.unsureOnOrdinary)}  (${pct(f.acuteRecallLong)})${seen}`);
        // Misses are listed for development and retired held-out sets only: a check set stays unread.
        if (misses && (/^dev/u.test(set) || isRetired(set))) {
          for (const x of judged) {
            if ((x.row.expect === 'acute') !== (x.level === 'acute') || (x.row.expect === 'ordinary' && x.level === 'unsure')) console.log(`    - ${x.row.expect} [${x.level}] ${x.row.text}`);
          }
        }
      }
    }
  }
}

main().catch((err: unknown) => {
  console.error(`safety-cross failed: ${(err as Error).message}`);
  process.exit(1);
});
