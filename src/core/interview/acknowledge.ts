/**
 * A short acknowledgement of what the person wrote, before the next question: "sen gubben dog" is
 * met with "Jag är ledsen att höra det.", not with the next question alone. What counts as grief,
 * exhaustion, loneliness, worry or something good is data (locales/<lang>/phrases.yaml feelings), and
 * so are the words said (texts.yaml acknowledge.<kind>, several per kind). Never on every answer:
 * only where a cue is written, only to something written in words, and never twice in a row.
 */
import type { Content } from '../content/load.js';
import { seededRandom } from '../seeded-random.js';
import { normalize, paddedWords, words } from '../text/normalize.js';
import { forOther } from './perspective.js';
import type { QuestionView } from './questions.js';
import type { Turn } from './turn.js';

/** Below this many words an answer to a fixed question (an option, a number) is not acknowledged. */
const FEW_WORDS = 5;

/** The kind of feeling a text shows, by the first kind in phrases.yaml whose cue it contains. */
export function feelingIn(content: Content, locale: string, text: string): string | undefined {
  const phrases = content.locales[locale]?.phrases;
  if (!phrases) return undefined;
  const padded = paddedWords(text);
  const has = (cue: string) => {
    const n = normalize(cue);
    return n.length > 0 && padded.includes(` ${n} `);
  };
  const negated = phrases.negations.some(has);
  for (const [kind, cues] of Object.entries(phrases.feelings)) {
    // "inte så bra" is not something good; grief or worry with a "not" in it still is what it is.
    if (kind === 'good' && negated) continue;
    if (cues.some(has)) return kind;
  }
  return undefined;
}

/** The texts of one kind of acknowledgement in a locale (texts.yaml acknowledge.<kind>, or <kind>Other for a relative). */
function variants(content: Content, locale: string, kind: string, other: boolean): string[] {
  const tree = content.locales[locale]?.texts['acknowledge'];
  if (typeof tree !== 'object') return [];
  const node = (other && tree[`${kind}Other`]) || tree[kind];
  return typeof node === 'object' ? Object.values(node).filter((v): v is string => typeof v === 'string') : [];
}

/** A small stable number from a text, so the same words always get the same acknowledgement. */
function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * Adds an acknowledgement to the turn's replies when the answer just kept calls for one. Nothing when
 * the turn already said something (the emergency numbers come first and stand alone).
 */
export function acknowledge(turn: Turn, view: QuestionView, text: string): void {
  const { state, context } = turn;
  if (turn.replies.length > 0) return;
  // A clicked option ("Ja, hon vet och tycker att det är bra") is not something told.
  if (view.kind !== 'text' && (words(text).length < FEW_WORDS || turn.kit.recognizer.choice(text, view.options, false).kind === 'match')) return;
  const previous = state.history.at(-2);
  if (previous !== undefined && state.acknowledged === previous) return;
  const kind = feelingIn(context.content, state.locale, text);
  if (!kind) return;
  const said = variants(context.content, state.locale, kind, forOther(context.content, state));
  if (said.length === 0) return;
  const pick = Math.floor(seededRandom(seedOf(`${view.id}:${text}`))() * said.length);
  turn.replies.push({ type: 'text', text: said[pick]! });
  state.acknowledged = view.id;
}
