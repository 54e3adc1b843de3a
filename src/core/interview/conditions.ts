/** Evaluates the small condition language of data/questions.yaml and data/routing.yaml. */
import type { Condition } from '../content/schema.js';
import { comparable, type Answers } from './answers.js';

export function evaluate(condition: Condition, answers: Answers): boolean {
  if ('all' in condition) return condition.all.every((c) => evaluate(c, answers));
  if ('any' in condition) return condition.any.some((c) => evaluate(c, answers));
  if ('not' in condition) return !evaluate(condition.not, answers);
  const value = comparable(answers[condition.answer]);
  if ('answered' in condition) return (value !== undefined) === condition.answered;
  if (value === undefined) return false;
  if ('equals' in condition) return Array.isArray(value) ? value.includes(String(condition.equals)) : value === condition.equals;
  if ('in' in condition) return Array.isArray(value) ? value.some((v) => condition.in.includes(v)) : condition.in.includes(value);
  if ('includesAny' in condition) {
    const values = Array.isArray(value) ? value : [String(value)];
    return values.some((v) => condition.includesAny.includes(v));
  }
  // A range ("3-4") fits only when all of it does: an unsure answer routes nowhere by itself.
  const answer = answers[condition.answer];
  const upTo = answer?.kind === 'scale' && answer.upTo !== undefined ? answer.upTo : value;
  if ('atMost' in condition) return typeof upTo === 'number' && upTo <= condition.atMost;
  return typeof value === 'number' && value >= condition.atLeast;
}
