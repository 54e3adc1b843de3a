/**
 * What the assistant understands from one message, independent of which model produced it: the
 * person's intent (a command such as "go back", or `none` for an ordinary answer), the routing
 * topics the text is about, and whether it signals acute risk.
 */
import type { RiskCategory, RoutingTopic } from '../content/schema.js';
import type { SafetyVerdict } from '../safety/verdict.js';

/** The intents, with exactly these labels (training files, cloud models and evaluation use them). */
export const INTENTS = ['help', 'cancel', 'restart', 'back', 'skip', 'human', 'forget_me', 'language', 'none'] as const;
export type Intent = (typeof INTENTS)[number];

export const RISK_LEVELS = ['acute', 'none'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export interface ScoredTopic {
  topic: RoutingTopic;
  score: number;
}

export interface Recognition {
  intent: Intent;
  /** 0..1: how sure the model is of `intent`. */
  intentScore: number;
  /** Topics the text is about, best first, above the model's threshold; may be empty. */
  topics: ScoredTopic[];
  /** The safety net's reading of the text (src/core/safety/assessor.ts): the one that counts. */
  safety: SafetyVerdict;
  /** `acute` exactly when `safety.level` is acute (kept for the conversation code that reads it). */
  risk: RiskLevel;
  /** `safety.categories` when the level is acute; empty otherwise. */
  riskCategories: RiskCategory[];
  /** Which model answered ("embedded", "luis", "clu", or "embedded (fallback)"). */
  source: string;
}

export interface Recognizer {
  /** Understands one message written in `locale` (a locale folder name such as "sv" or "en"). */
  recognize(text: string, locale: string): Promise<Recognition>;
}
