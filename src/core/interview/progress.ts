/**
 * Where the interview stands in the question bank, as plain functions of the state: which question
 * comes next, which one "tillbaka" returns to, and what answering or skipping a question changes.
 * Which questions apply is data (the conditions in data/questions.yaml); nothing here asks or says
 * anything.
 */
import type { Question } from '../content/schema.js';
import { isApplicable } from '../routing.js';
import type { AnswerValue } from './answers.js';
import type { InterviewState } from './state.js';

/** The first applicable question not yet answered or skipped; undefined when the bank is done. */
export function nextQuestion(questions: readonly Question[], state: InterviewState): Question | undefined {
  return questions.find((q) => isApplicable(q, state.answers) && !state.answers[q.id] && !state.skipped.includes(q.id));
}

/** The last question handled before the current one that still applies: where "tillbaka" goes. */
export function previousQuestion(questions: readonly Question[], state: InterviewState): string | undefined {
  return state.history.filter((id) => id !== state.current && isApplicable(questions.find((q) => q.id === id)!, state.answers)).at(-1);
}

/** Marks a question as the latest handled (moved to the end of the history). */
export function remember(state: InterviewState, questionId: string): void {
  state.history = [...state.history.filter((id) => id !== questionId), questionId];
}

/** Keeps an answer; answers to questions that no longer apply after it are not kept. */
export function storeAnswer(questions: readonly Question[], state: InterviewState, questionId: string, value: AnswerValue): void {
  state.answers[questionId] = value;
  delete state.heldNote;
  unskip(state, questionId);
  remember(state, questionId);
  for (const q of questions) {
    if (!isApplicable(q, state.answers)) {
      delete state.answers[q.id];
      unskip(state, q.id);
      state.history = state.history.filter((id) => id !== q.id);
    }
  }
}

function unskip(state: InterviewState, questionId: string): void {
  state.skipped = state.skipped.filter((id) => id !== questionId);
  if (state.skipNotes?.[questionId] !== undefined) delete state.skipNotes[questionId];
}

/**
 * Skips a question, with what the person said beside the skip ("han vill inte prata om det") kept as
 * their words on it; skipping one the person went back to keeps the earlier answer.
 */
export function skipQuestion(state: InterviewState, questionId: string, note?: string): void {
  delete state.heldNote;
  remember(state, questionId);
  if (state.answers[questionId]) return;
  if (!state.skipped.includes(questionId)) state.skipped.push(questionId);
  if (note?.trim()) state.skipNotes = { ...state.skipNotes, [questionId]: note.trim() };
}
