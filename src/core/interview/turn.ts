/**
 * One turn of the interview as the phases see it: the state being changed, the locale's kit, the
 * replies being collected and the effects for the channel. A phase changes these and returns a Step:
 * where the conversation goes next, which src/core/interview/flow.ts carries out. No phase calls
 * another; they meet only through Steps.
 */
import type { Content } from '../content/load.js';
import type { CaseRecord, NewCase } from '../cases.js';
import type { Intent } from '../nlu/recognizer.js';
import type { LocaleKit } from './kit.js';
import type { QuestionView } from './questions.js';
import type { Effects, Reply, TurnResult } from './replies.js';
import type { InterviewState } from './state.js';

export type Input =
  | { kind: 'text'; text: string }
  /** Data from an Adaptive Card submit. */
  | { kind: 'submit'; data: unknown }
  /** Something the assistant cannot read: a file, an image, an unknown card. */
  | { kind: 'unsupported' };

/** Where the conversation takes place; stored with the case so staff can read the transcript. */
export interface ConversationInfo {
  channelId: string;
  conversationId: string;
}

/** Card submit payloads the engine understands. */
export interface SubmitData {
  intake?: 'answer' | 'confirm' | 'edit' | 'editMenu';
  question?: string;
  value?: unknown;
}

export type Command = 'help' | 'back' | 'skip' | 'cancel' | 'restart';

/** What the whole interview shares: the content and what the engine was given. */
export interface InterviewContext {
  content: Content;
  /** The kit of a locale (built once per locale). */
  kit(locale: string): LocaleKit;
  now(): Date;
  createCase(draft: NewCase): Promise<CaseRecord>;
  /** The full address of a path of this service ("/kopia/…"), for links given to the person; none: no link. */
  publicLink?(path: string): string;
  /**
   * Completes a case sent early (the urgent case sent on the person's word) with the whole
   * interview: the same case, updated, never a second one.
   */
  completeCase(reference: string, draft: NewCase): Promise<CaseRecord>;
  /** Told of every safety alarm, with its level (for monitoring; no text). */
  onRiskAlarm?(level: 'acute' | 'unsure'): void;
}

/** A mutable view of one turn. */
export interface Turn {
  state: InterviewState;
  kit: LocaleKit;
  replies: Reply[];
  effects: Effects;
  readonly context: InterviewContext;
  readonly conversation: ConversationInfo;
}

/**
 * Where the conversation goes after a phase has done its part; `undefined`: nowhere, the phase has
 * said all there is to say this turn.
 */
export type Step =
  | undefined
  /** The first applicable question not yet answered or skipped, else the summary. */
  | { to: 'nextQuestion' }
  /** A given question; `quiet` leaves out the new part's title (a repeat, a change from the summary). */
  | { to: 'question'; id: string; quiet?: boolean }
  | { to: 'summary' }
  | { to: 'editMenu' }
  /** Consent to share, from the first recipient. */
  | { to: 'sharing' }
  /** Ask again whatever the person was last asked. */
  | { to: 'repeat' }
  | { to: 'command'; command: Command }
  | { to: 'intent'; intent: Intent }
  /** Take this text as the answer to the current question (a held free-text answer). */
  | { to: 'answer'; text: string };

/** One phase of the interview (InterviewState['phase']), or the pending confirmation. */
export interface PhaseModule {
  /** A typed message while this phase waits. */
  onText(turn: Turn, text: string): Step | Promise<Step>;
  /** Asks again what this phase waits for. */
  prompt(turn: Turn): void;
  /** Whether the text is this phase's own answer or button, which no recognizer needs to read. */
  expects(turn: Turn, text: string): boolean;
  /** A card submitted in this phase; false: not one of this phase's cards. */
  onSubmit?(turn: Turn, data: SubmitData): Step | false;
  /** A command, where this phase has its own meaning for commands. */
  onCommand?(turn: Turn, command: Command): Step;
}

export function newTurn(context: InterviewContext, saved: InterviewState, conversation: ConversationInfo): Turn {
  const state: InterviewState = structuredClone(saved);
  return { state, kit: context.kit(state.locale), replies: [], effects: {}, context, conversation };
}

export function say(turn: Turn, key: string, params?: Record<string, string | number>): void {
  turn.replies.push({ type: 'text', text: turn.kit.texts.t(key, params) });
}

/** The question the state is at; a state without one in the asking phase is a defect. */
export function currentView(turn: Turn): QuestionView {
  const id = turn.state.current;
  const view = id ? turn.kit.views.get(id) : undefined;
  if (!view) throw new Error(`interview state names no current question (phase ${turn.state.phase})`);
  return view;
}

/** The current question, when the interview is at one. */
export function askingView(turn: Turn): QuestionView | undefined {
  const { state, kit } = turn;
  return state.phase === 'asking' && state.current ? kit.views.get(state.current) : undefined;
}

/** Whether the interview is at a free-text question, where a story must never be taken for a command. */
export function inFreeTextQuestion(turn: Turn): boolean {
  return askingView(turn)?.kind === 'text';
}

export function result(turn: Turn): TurnResult {
  return { state: turn.effects.erase ? undefined : turn.state, replies: turn.replies, effects: turn.effects };
}
