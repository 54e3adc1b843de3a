/**
 * The interview's state: plain JSON, saved after every turn by whichever channel runs the engine.
 * It holds everything needed to continue after a restart at exactly the same question.
 */
import type { RiskCategory, RoutingTopic } from '../content/schema.js';
import type { RiskRecord } from '../case-work.js';
import type { SafetyLevel, Situation, Subject, ToldAges } from '../safety/verdict.js';
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

/** Whether the interview waits for the answer to a safety question (the direct question, or the offer to send now). */
export function atSafetyQuestion(state: Pick<InterviewState, 'pending'>): boolean {
  return state.pending === 'safetyCheck' || state.pending === 'sendNow';
}

export interface InterviewState {
  v: 1;
  phase: Phase;
  locale: string;
  current?: string;
  answers: Answers;
  /** Questions the person chose to skip. */
  skipped: string[];
  /**
   * What the person said with a skip, per skipped question ("hoppa över, han vill inte prata om det"
   * -> "han vill inte prata om det"; a second "vet inte"): shown in both summaries beside "hoppade
   * över". Absent in states saved before it existed.
   */
  skipNotes?: Record<string, string>;
  /**
   * The question whose "vet inte" was asked about once ("Vet du ungefär var du bor?"): the next "vet
   * inte" to it is kept (the honest "Vet inte" option, or skipped with the words), not asked again.
   */
  unsureAsked?: string;
  /** How many answers in a row to the current question could not be read (a way out is offered from the second). */
  misreads?: number;
  /** Questions handled, in order, for "tillbaka". */
  history: string[];
  /**
   * A question about the conversation itself, waiting for its answer: cancel, restart, forget and
   * intent wait for yes or no, language for a language; `meaning` waits for yes or no to "Menar du
   * att …?" about an unsure reading; after a safety alarm, `safetyCheck` (the direct question on an
   * unsure signal) and `sendNow` (the offer to send what was said as an urgent case) wait for yes or
   * no (phases/safety.ts).
   */
  pending?: 'cancel' | 'restart' | 'forget' | 'language' | 'intent' | 'meaning' | 'safetyCheck' | 'sendNow';
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
  /** An acute alarm that the person has not corrected: the case is sent marked urgent. */
  urgent: boolean;
  risk: RiskCategory[];
  /** The latest safety alarm: what fits the numbers (shown again when the person ends), its level. */
  alarm?: { level: Exclude<SafetyLevel, 'none'>; situations: Situation[]; subject: Subject; categories: RiskCategory[] };
  /**
   * The ages told in the conversation so far, as situations, per whose age (risk.yaml `ages`): a later
   * alarm about that person gets their numbers too. Absent until an age is told.
   */
  toldAges?: ToldAges;
  /** What raised each alarm and the person's correction ("det är inte akut"), for the case. */
  riskRecord?: RiskRecord;
  /** The urgent case sent on the person's word after an acute alarm; the end of the interview completes it. */
  sentNow?: { reference: string; recipientKey: string };
  /** The safety question was asked once more after an answer that was no yes, no or "vet inte" (a second one moves on). */
  safetyReprompted?: boolean;
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
  /**
   * The relative the person named ("min pappa" -> "pappa", a key of phrases.yaml relatives), so that
   * questions say "din pappa". Absent in states saved before it existed: then the relation answer counts.
   */
  relative?: string;
  /**
   * A municipality (its option id) the person named in an answer to another question before the
   * municipality question: suggested there in place of the page's, and only kept once confirmed.
   */
  toldMunicipality?: string;
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

/** Forgets what was held for the question being asked (its words, its "vet inte" asked about, its misreadings). */
export function clearQuestionScratch(state: InterviewState): void {
  delete state.heldNote;
  delete state.unsureAsked;
  delete state.misreads;
}

/** Forgets the answers and everything given with them (a restart, or a case that now holds them). */
export function clearAnswers(state: InterviewState): void {
  Object.assign(state, { answers: {}, skipped: [], history: [], consents: {}, transcriptConsents: {}, suggestedTopics: {} });
  delete state.current;
  delete state.toldMunicipality;
}
