/**
 * Example utterances for the embedded recognizer, kept as data so staff can extend them:
 *   locales/<lang>/nlu/intents/<intent>.txt   one example per line
 *   locales/<lang>/nlu/topics/<topic>.txt
 *   locales/<lang>/nlu/risk/acute.txt, risk/none.txt
 *   locales/<lang>/nlu/risk/<set>.jsonl    labelled texts as the safety sets write them (one JSON
 *                                          object per line: {"text", "expect": "acute" | "ordinary", …}),
 *                                          long answers among them (see riskExamples in ./embedded.ts)
 * Lines starting with # are comments. A file whose name is not a known label stops start-up.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ROUTING_TOPICS } from '../core/content/schema.js';
import { ContentError } from '../core/content/load.js';
import { displayPath } from '../core/display-path.js';
import { INTENTS, RISK_LEVELS } from '../core/nlu/recognizer.js';
import { parseSafetySet, type SafetyRow } from './safety-eval.js';

export interface TrainingData {
  language: string;
  intents: Record<string, string[]>;
  topics: Record<string, string[]>;
  risk: Record<string, string[]>;
  /** Labelled sets of texts for the risk model (risk/*.jsonl), by file name. */
  riskSets: Array<{ name: string; rows: SafetyRow[] }>;
}

const KINDS = { intents: INTENTS, topics: ROUTING_TOPICS, risk: RISK_LEVELS } as const;

/** Each file: a non-empty list of examples of at most 500 characters. */
const examplesSchema = z.array(z.string().max(500, 'an example is longer than 500 characters')).min(1, 'has no examples');

function readExamples(file: string): string[] {
  const lines = readFileSync(file, 'utf8')
    .split(/\r?\n/u)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const parsed = examplesSchema.safeParse(lines);
  if (!parsed.success) throw new ContentError(displayPath(file), '', parsed.error.issues[0]!.message);
  return parsed.data;
}

/** The languages under `localesDir` that have training data (a folder with nlu/intents). */
export function trainedLanguages(localesDir: string): string[] {
  if (!existsSync(localesDir)) return [];
  return readdirSync(localesDir).filter((l) => existsSync(path.join(localesDir, l, 'nlu', 'intents')));
}

/** Reads and checks the training data of one language. */
export function loadTrainingData(localesDir: string, language: string): TrainingData {
  const root = path.join(localesDir, language, 'nlu');
  const data: TrainingData = { language, intents: {}, topics: {}, risk: {}, riskSets: [] };
  for (const [kind, labels] of Object.entries(KINDS) as Array<[keyof typeof KINDS, readonly string[]]>) {
    const dir = path.join(root, kind);
    if (!existsSync(dir)) throw new ContentError(displayPath(dir), '', `missing: the recognizer for "${language}" needs examples of ${kind}`);
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.txt'))) {
      const label = name.slice(0, -4);
      if (!labels.includes(label)) {
        throw new ContentError(displayPath(path.join(dir, name)), '', `"${label}" is not one of the ${kind} labels (${labels.join(', ')})`);
      }
      data[kind][label] = readExamples(path.join(dir, name));
    }
    if (kind === 'risk') {
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.jsonl')).sort()) {
        const file = path.join(dir, name);
        try {
          data.riskSets.push({ name: name.slice(0, -6), rows: parseSafetySet(readFileSync(file, 'utf8'), name) });
        } catch (err) {
          throw new ContentError(displayPath(file), '', (err as Error).message);
        }
      }
    }
    const missing = labels.filter((l) => !data[kind][l]);
    if (missing.length) throw new ContentError(displayPath(dir), '', `missing examples for ${missing.join(', ')}`);
  }
  return data;
}
