/**
 * The one place the conversation gets its safety verdict from: the recognizer's when it ran (the same
 * SafetyAssessor reads every sentence there, with the model), else the locale's assessor by its
 * patterns alone (a clicked button, an exact command, a failed recognizer).
 */
import type { Recognition } from '../nlu/recognizer.js';
import type { SafetyVerdict } from '../safety/verdict.js';
import type { Turn } from './turn.js';

/** The verdict on one typed message. */
export function safetyVerdict(turn: Turn, text: string, understood: Recognition | undefined): SafetyVerdict {
  return understood?.safety ?? turn.kit.safety.assess(text);
}
