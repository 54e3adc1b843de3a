// Local probe (not committed): trains as safety-cross does and traces each stdin line.
import readline from 'node:readline';
import { loadConfig } from './src/config.js';
import { loadContent } from './src/core/content/load.js';
import { SafetyAssessor, withBase } from './src/core/safety/assessor.js';
import { trainFold } from './src/nlu/embedded.js';
import { loadTrainingData } from './src/nlu/training-data.js';
const lang = process.env.LANG_ === 'en' ? 'en' : 'sv';
const config = loadConfig();
const content = loadContent({ dataDir: config.contentDir, localesDir: config.localesDir, defaultLocale: config.defaultLocale });
const data = loadTrainingData(config.localesDir, lang);
const without = (process.env.WITHOUT ?? '').split(',');
data.riskSets = data.riskSets.filter((s) => !without.includes(s.name));
const patterns = withBase(content.locales[lang]!.risk, undefined);
const score = await trainFold(data, {}, patterns);
const a = new SafetyAssessor(patterns, score, lang) as any;
for await (const line of readline.createInterface({ input: process.stdin })) {
  const text = line.trim(); if (!text) continue;
  const v = a.assess(text);
  console.log(`\n${v.level.toUpperCase()} ${v.categories.join(',')} ${v.situations?.join(',')} | ${text}`);
  for (const s of a.sentences(text)) {
    console.log(`  S ${s.runOn ? '(runOn) ' : ''}joined=${a.scoreOf(s.present.join(' ')).toFixed(2)}`);
    for (const c of s.present) {
      const hits = a.patterns.filter((p: any) => a.readings(c).some((r: string) => a.unnegated(p.regex, r, { before: false }))).map((p: any) => p.category);
      console.log(`    ${a.scoreOf(c).toFixed(2)} [${hits.join(',')}] ${c}`);
    }
  }
}
