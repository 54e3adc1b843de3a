/**
 * What a recognizer (src/nlu: embedded, LUIS or CLU) is asked, and which of its answers the interview
 * acts on. A button, an option or a yes/no where one is expected is an answer whatever a recognizer
 * says, so it is not asked; a free-text answer needs a very sure intent before it counts as a request.
 */
import type { Intent, Recognition, Recognizer } from '../nlu/recognizer.js';
import { commandNamed } from './commands.js';
import type { PhaseModule, Turn } from './turn.js';
import { askingView } from './turn.js';

/** A recognised intent is acted on from this score up (choice questions, summary, consent). */
export const INTENT_THRESHOLD = 0.8;
/** In a free-text answer a story must never be taken for a command: a higher bar. */
export const FREE_TEXT_INTENT_THRESHOLD = 0.9;

/**
 * Whether a recognizer has anything to add to the text. Not for what the waiting phase expects (a
 * button, an option, a yes/no), nor for a command typed exactly as one of its phrases in locales/
 * ("hjälp", "tillbaka"): the interview acts on those whatever a recognizer says, so its intent and
 * topics would go unused and its model's risk verdict is not taken on them. The risk patterns still
 * look at them (safety-net.ts). With LUIS or CLU this spares a billed call and a round trip on most
 * turns of an interview; the embedded recognizer, a tenth of a turn's CPU.
 */
export function needsUnderstanding(turn: Turn, waiting: PhaseModule, text: string): boolean {
  if (waiting.expects(turn, text)) return false;
  return turn.state.pending !== undefined || commandNamed(turn.kit, text, true) === undefined;
}

/**
 * Words from which a message that fits the question is still a story to the safety net. Buttons have
 * at most five; a few options have up to ten ("Hen vet, men vi har inte pratat om just detta"), and
 * a click on one of those is read by the model too: calm words, no alarm, a little more CPU.
 */
const STORY_WORDS = 6;

/** Whether a message is long enough to be read whole by the safety net's model even where it fits the question. */
export function readAsStory(text: string): boolean {
  return text.trim().split(/\s+/u).length >= STORY_WORDS;
}

/** What the recognizer makes of the text; a failing recognizer never breaks the turn. */
export async function understand(recognizer: Recognizer | undefined, locale: string, text: string): Promise<Recognition | undefined> {
  if (!recognizer || !text.trim()) return undefined;
  try {
    return await recognizer.recognize(text, locale);
  } catch {
    return undefined;
  }
}

/**
 * The intent to act on, if any. An answer that fits the question ("nej" to a yes/no question, an
 * option, a number) is never sent to the recognizer, so it has no intent here. A free-text answer
 * needs a very sure intent.
 */
export function intentToActOn(turn: Turn, understood: Recognition | undefined): Intent | undefined {
  if (!understood || understood.intent === 'none') return undefined;
  const threshold = askingView(turn)?.kind === 'text' ? FREE_TEXT_INTENT_THRESHOLD : INTENT_THRESHOLD;
  return understood.intentScore >= threshold ? understood.intent : undefined;
}

/** Topics read from a free-text answer replace what an earlier answer to the same question gave. */
export function keepSuggestedTopics(turn: Turn, understood: Recognition): void {
  const { state } = turn;
  const view = askingView(turn);
  if (view?.kind === 'text' && view.readTopics) {
    state.suggestedTopics = { ...state.suggestedTopics, [state.current!]: understood.topics.map((t) => t.topic) };
  }
}
