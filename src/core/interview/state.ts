/**
 * The interview's state: plain JSON, saved after every turn by whichever channel runs the engine.
 * It holds everything needed to continue after a restart at exactly the same question.
 */
import type { RiskCategory, RoutingTopic } from '../content/schema.js';
import type { Answers } from './answers.js';

export type Phase =
  /** Greeting shown, waiting for consent to continue. */
  | 'consent'
  /** Asking the question `current`. */
  | 'asking'
  /** Summary shown, waiting for confirm or a change. */
  | 'summary'
  /** Waiting for the number of the answer to change. */
  | 'pickEdit'
  /** Asking consent to share with recipient number `shareIndex`. */
  | 'share'
  /** A case was created. */
  | 'done';

export interface InterviewState {
  v: 1;
  phase: Phase;
  locale: string;
  current?: string;
  answers: Answers;
  /** Questions the person chose to skip. */
  skipped: string[];
  /** Questions handled, in order, for "tillbaka". */
  history: string[];
  /** A "avbryt" or "börja om" waiting for yes or no. */
  /** A question about the conversation itself, waiting for its answer. */
  pending?: 'cancel' | 'restart' | 'forget' | 'language' | 'intent' | 'meaning';
  /** With pending "intent": what the recognizer thought the person wanted. */
  pendingIntent?: 'help' | 'back' | 'skip' | 'human' | 'language';
  /**
   * A free-text answer that looked like a request (skip, cancel, …): kept while we ask, and stored
   * as the answer if the person says that was not what they meant, so nothing they wrote is lost.
   */
  heldAnswer?: string;
  /**
   * With pending "meaning": an unsure answer to a question that governs consent or routing, read as
   * this value and asked about ("Menar du att …?") before it is kept.
   */
  pendingAnswer?: Answers[string];
  /**
   * The person's words from an unsure answer to the current question that could not be placed (or
   * whose reading they said no to): kept beside the answer they give next, so nothing is lost.
   */
  heldNote?: string;
  shareIndex: number;
  /** Consent per recipient key ("karlstad:bistand"). */
  consents: Record<string, boolean>;
  urgent: boolean;
  risk: RiskCategory[];
  /** The last group whose title was shown, to introduce each new part once. */
  lastGroup?: string;
  caseReference?: string;
  startedAt: string;
  /** Routing topics the recognizer suggested from free-text answers, per question (shown, never routed on). */
  suggestedTopics?: Record<string, RoutingTopic[]>;
  /** Answers given by the page the person came from (the municipality's own widget); kept on "börja om". */
  preset?: Answers;
  /**
   * The relative the person named ("min pappa" -> "pappa", a key of phrases.yaml relatives), so that
   * questions say "din pappa". Absent in states saved before it existed: then the relation answer counts.
   */
  relative?: string;
  /** The person said no to the page's municipality ("Bor du i Karlstad?" -> "Nej"): the whole list is asked. */
  presetDeclined?: boolean;
  /** Questions whose terms were explained after "Jag vill veta mer först" (the next such answer is kept). */
  explained?: string[];
  /** The question whose answer was last acknowledged ("Vad tråkigt att höra."), so that two in a row are not. */
  acknowledged?: string;
}

export function newState(locale: string, now: Date): InterviewState {
  return {
    v: 1,
    phase: 'consent',
    locale,
    answers: {},
    skipped: [],
    history: [],
    shareIndex: 0,
    consents: {},
    urgent: false,
    risk: [],
    startedAt: now.toISOString(),
  };
}
