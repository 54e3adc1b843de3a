/**
 * The one place the conversation gets its safety verdict from. Until the recognizer gives a
 * `SafetyVerdict` of its own (issue 19's detection half), it is built here from what a Recognition
 * has today: acute or nothing, the whole text as the trigger, situations from the categories. When
 * the recognizer gains `safety`, this function returns that instead and nothing else changes.
 */
import type { RiskCategory } from '../content/schema.js';
import type { Recognition } from '../nlu/recognizer.js';
import { NO_DANGER, type SafetyVerdict, type Situation } from '../safety/verdict.js';
import type { Turn } from './turn.js';

const SITUATION_OF: Record<RiskCategory, Situation> = {
  suicide_self_harm: 'suicide',
  violence: 'violence_at_home',
  medical_emergency: 'medical',
};

/**
 * The verdict on one typed message: the recognizer's when it ran (it already applied the patterns),
 * else the locale's risk patterns (a clicked button, an exact command, a failed recognizer). A
 * recognizer that already gives a verdict of its own (`safety`, as issue 19's detection half adds
 * it, and the tests' scripted recognizer) is taken at its word.
 */
export function safetyVerdict(turn: Turn, text: string, understood: (Recognition & { safety?: SafetyVerdict }) | undefined): SafetyVerdict {
  if (understood?.safety) return understood.safety;
  const categories = understood ? understood.riskCategories : turn.kit.risk.detect(text);
  if (categories.length === 0 && understood?.risk !== 'acute') return NO_DANGER;
  return {
    level: 'acute',
    categories: [...categories],
    situations: [...new Set(categories.map((c) => SITUATION_OF[c]))],
    trigger: text.trim(),
    subject: 'unknown',
  };
}
