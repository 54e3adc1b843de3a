/**
 * The safety sets of `npm run nlu:eval` (one JSON object per line, see scripts/nlu-eval.ts) and their
 * figures: what is measured there is what residents get, through the recognizer the conversation uses.
 */
import { z } from 'zod';
import { RISK_CATEGORIES } from '../core/content/schema.js';
import { SITUATIONS, type SafetyLevel } from '../core/safety/verdict.js';

const rowSchema = z.strictObject({
  text: z.string().min(1),
  expect: z.enum(['acute', 'ordinary']),
  category: z.enum(RISK_CATEGORIES).optional(),
  situation: z.enum(SITUATIONS).optional(),
  long: z.boolean().optional(),
});
export type SafetyRow = z.infer<typeof rowSchema>;

/** The targets per language (issue 19). Missing ones are not judged for that language. */
export const SAFETY_TARGETS: Record<string, { acuteOrUnsureRecall: number; acuteRecall?: number; falseAlarms: number; unsureOnOrdinary?: number }> = {
  sv: { acuteOrUnsureRecall: 0.99, acuteRecall: 0.97, falseAlarms: 0.02, unsureOnOrdinary: 0.06 },
  en: { acuteOrUnsureRecall: 0.97, falseAlarms: 0.03 },
};

/** Reads a set file; a line that is not a valid row stops with its line number (never its text). */
export function parseSafetySet(raw: string, name: string): SafetyRow[] {
  return raw
    .split(/\r?\n/u)
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line)
    .map(({ line, n }) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw new Error(`${name}:${n}: not JSON`);
      }
      const parsed = rowSchema.safeParse(json);
      if (!parsed.success) throw new Error(`${name}:${n}: ${parsed.error.issues[0]!.path.join('.')} ${parsed.error.issues[0]!.message}`);
      return parsed.data;
    });
}

export interface SafetyFigures {
  acute: number;
  ordinary: number;
  long: number;
  /** Acute texts judged acute. */
  acuteRecall: number;
  /** The same for the long acute texts only. */
  acuteRecallLong: number;
  /** Acute texts judged acute or unsure (the unsure question counts as caught). */
  acuteOrUnsureRecall: number;
  /** Ordinary texts judged acute. */
  falseAlarms: number;
  /** Ordinary texts judged unsure (a question asked for nothing). */
  unsureOnOrdinary: number;
}

/** The figures of judged rows. */
export function safetyFigures(judged: ReadonlyArray<{ row: SafetyRow; level: SafetyLevel }>): SafetyFigures {
  const acute = judged.filter((x) => x.row.expect === 'acute');
  const longAcute = acute.filter((x) => x.row.long);
  const ordinary = judged.filter((x) => x.row.expect === 'ordinary');
  const share = (xs: typeof judged, ok: (level: SafetyLevel) => boolean) => (xs.length ? xs.filter((x) => ok(x.level)).length / xs.length : 0);
  return {
    acute: acute.length,
    ordinary: ordinary.length,
    long: judged.filter((x) => x.row.long).length,
    acuteRecall: share(acute, (l) => l === 'acute'),
    acuteRecallLong: share(longAcute, (l) => l === 'acute'),
    acuteOrUnsureRecall: share(acute, (l) => l !== 'none'),
    falseAlarms: share(ordinary, (l) => l === 'acute'),
    unsureOnOrdinary: share(ordinary, (l) => l === 'unsure'),
  };
}
