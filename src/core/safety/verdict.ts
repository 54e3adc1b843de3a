/**
 * What the safety net concluded about one message: the contract between reading a text for danger
 * (src/core/safety, the recognizer) and what the conversation does about it (the interview's safety
 * net). Plain data, no Bot Framework types.
 */
import type { EmergencyNumbers, RiskCategory } from '../content/schema.js';

/**
 * `acute`: clear present danger (numbers at once, offer to send now). `unsure`: a signal that may be
 * ordinary (one direct, caring question first). `none`: nothing to act on.
 */
export const SAFETY_LEVELS = ['acute', 'unsure', 'none'] as const;
export type SafetyLevel = (typeof SAFETY_LEVELS)[number];

/** The levels in order of strength (to take the strongest of several readings). */
export const LEVEL_RANK: Readonly<Record<SafetyLevel, number>> = { none: 0, unsure: 1, acute: 2 };

/**
 * The situations that decide which numbers fit (data/emergency-numbers.yaml lists, per number, the
 * situations it is for).
 */
export const SITUATIONS = ['suicide', 'violence_at_home', 'child_or_young', 'poisoning', 'medical', 'elderly_alone'] as const;
export type Situation = (typeof SITUATIONS)[number];

/** Whose danger the text tells of: the writer's own, someone else's (a relative, child, friend), or not clear. */
export type Subject = 'self' | 'other' | 'unknown';

/** The situations ages told in a message place a danger in, per whose age it is (SafetyAssessor.agesIn). */
export interface ToldAges {
  self: Situation[];
  other: Situation[];
}

export interface SafetyVerdict {
  level: SafetyLevel;
  /** The risk categories heard (for staff and the case); empty when `level` is none. */
  categories: RiskCategory[];
  /** What fits the numbers to the moment; empty means "no particular situation" (112 and 1177). */
  situations: Situation[];
  /** The sentence, as the person wrote it, that weighed most; absent when `level` is none. */
  trigger?: string;
  subject: Subject;
}

export const NO_DANGER: SafetyVerdict = Object.freeze({ level: 'none', categories: Object.freeze([]), situations: Object.freeze([]), subject: 'unknown' }) as unknown as SafetyVerdict;

type EmergencyNumber = EmergencyNumbers['numbers'][number];

/**
 * The numbers for a verdict, in the order to show them: those marked `first` (112: always first
 * when life may be in danger now), then those for any of the situations, in the data's order; when
 * none fits, the numbers marked `fallback`.
 */
export function numbersFor(verdict: Pick<SafetyVerdict, 'situations'>, numbers: readonly EmergencyNumber[]): EmergencyNumber[] {
  const first = numbers.filter((n) => n.first);
  const fitting = numbers.filter((n) => !n.first && n.situations.some((s) => verdict.situations.includes(s)));
  const rest = fitting.length ? fitting : numbers.filter((n) => !n.first && n.fallback);
  return [...first, ...rest];
}
