/**
 * The one place the conversation gets its safety verdict from: the recognizer's when it ran (the same
 * SafetyAssessor reads every sentence there, with the model), else the locale's assessor by its
 * patterns alone (a clicked button, an exact command, a failed recognizer).
 *
 * A message written in another of the service's languages than the conversation's (an English
 * speaker who has not yet switched, in a chat that starts in Swedish) is also read in the language it
 * is written in, and the stronger verdict counts: a Swedish reading of "she's got her pills saved up
 * and doesn't see the point anymore" finds nothing.
 */
import { normalize } from '../text/normalize.js';
import type { Recognition } from '../nlu/recognizer.js';
import { LEVEL_RANK, type SafetyVerdict } from '../safety/verdict.js';
import type { Turn } from './turn.js';

/** The verdict on one typed message, read in the conversation's language. */
export function safetyVerdict(turn: Turn, text: string, understood: Recognition | undefined): SafetyVerdict {
  return understood?.safety ?? turn.kit.safety.assess(text);
}

/** Common words a message must have of another language, and how many times its own language's. */
const MIN_COMMON_WORDS = 3;
const OVER_OWN = 2;

/** Each locale's common words, normalised once per content (every free-text message asks). */
const commonSets = new WeakMap<readonly string[], ReadonlySet<string>>();

/** How many of a locale's common words (phrases.yaml `commonWords`) the words of a message are. */
function commonWordsIn(turn: Turn, locale: string, words: readonly string[]): number {
  const list = turn.context.content.locales[locale]?.phrases.commonWords;
  if (!list?.length) return 0;
  let common = commonSets.get(list);
  if (!common) commonSets.set(list, (common = new Set(list.map((w) => normalize(w)))));
  return words.filter((w) => common.has(w)).length;
}

/**
 * The locale of another language the message is written in, or undefined: at least three of that
 * language's common words, and more than twice as many as of the conversation's own language.
 */
export function writtenIn(turn: Turn, text: string): string | undefined {
  const own = turn.state.locale;
  const ownBase = own.split('-')[0];
  const words = normalize(text).split(' ').filter(Boolean);
  const ownCount = commonWordsIn(turn, own, words) || commonWordsIn(turn, ownBase!, words);
  let best: { locale: string; count: number } | undefined;
  for (const locale of Object.keys(turn.context.content.locales)) {
    if (locale.split('-')[0] === ownBase) continue;
    const count = commonWordsIn(turn, locale, words);
    if (count >= MIN_COMMON_WORDS && count > OVER_OWN * ownCount && count > (best?.count ?? 0)) best = { locale, count };
  }
  return best?.locale;
}

/** The stronger of two verdicts on one message (the conversation's own reading when they are equal). */
export function stronger(own: SafetyVerdict, other: SafetyVerdict): SafetyVerdict {
  return LEVEL_RANK[other.level] > LEVEL_RANK[own.level] ? other : own;
}
