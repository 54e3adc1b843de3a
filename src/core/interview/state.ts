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
  /**
   * Per recipient key: the person also agreed that the whole conversation may be read there (issue
   * 18). Absent in states saved before; a recipient missing here gets the summary only.
   */
  transcriptConsents?: Record<string, boolean>;
  urgent: boolean;
  risk: RiskCategory[];
  /** The last group whose title was shown, to introduce each new part once. */
  lastGroup?: string;
  caseReference?: string;
  /**
   * The summary item being changed (its question id): the next summary confirms only that item.
   * Cleared when another question comes up in between (then the whole summary is shown).
   */
  editing?: string;
  startedAt: string;
  /** Routing topics the recognizer suggested from free-text answers, per question (shown, never routed on). */
  suggestedTopics?: Record<string, RoutingTopic[]>;
  /** Answers given by the page the person came from (the municipality's own widget); kept on "börja om". */
  preset?: Answers;
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
