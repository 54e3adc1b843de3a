/**
 * What the engine says, independent of any channel. The channel layer turns these into activities
 * (suggested actions, Adaptive Cards, plain text) for Web Chat, Teams, the terminal and others.
 */
import type { SummaryView } from '../summary.js';

export interface Button {
  /** What the button shows, and what it sends back when clicked. */
  label: string;
}

export type Reply =
  | { type: 'text'; text: string }
  /** A link the person opens (their own copy): a button where the channel shows cards, else the address in the text. */
  | { type: 'link'; text: string; label: string; url: string }
  | {
      type: 'prompt';
      text: string;
      /** A line under the question (scale ends, how to pick several, the earlier answer). */
      hints: string[];
      buttons: Button[];
      /** For multi-choice questions: a list to tick on channels with cards, numbered in text elsewhere. */
      multiSelect?: { questionId: string; options: Array<{ id: string; label: string }>; submitLabel: string };
    }
  /** Emergency numbers, in the order to show them; channels that can make them tappable (tel:) do. */
  | { type: 'emergency'; intro: string; title: string; numbers: Array<{ number: string; label: string }>; outro?: string }
  | {
      type: 'summary';
      intro: string;
      view: SummaryView;
      /** The same summary as plain text, for channels without cards. */
      plainText: string;
      question: string;
      confirmLabel: string;
      editLabel: string;
      editButtonLabel: string;
    };

/** What the channel must do besides sending the replies. */
export interface Effects {
  /** Delete everything kept about this conversation (state and transcript). */
  erase?: boolean;
  /** A case was created with this reference. */
  caseCreated?: string;
  /** The person asked for a human: the channel may start a live-agent handoff. */
  handoff?: { contactName: string };
}

export interface TurnResult {
  /** The new state, or undefined when the interview is over and nothing is to be kept. */
  state: import('./state.js').InterviewState | undefined;
  replies: Reply[];
  effects: Effects;
}
