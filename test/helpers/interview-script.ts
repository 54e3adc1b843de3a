/**
 * The standard test interview (SELF_ANSWERS, then confirm and share) as a script a client can follow
 * from whatever question the service shows, learned from one interview run in-process: which answer
 * goes to which question, and what each answer leaves in the stored state and in the case.
 */
import type { Storage } from 'botbuilder';
import type { CaseRecord } from '../../src/core/cases.js';
import type { AnswerValue } from '../../src/core/interview/answers.js';
import type { InterviewState } from '../../src/core/interview/state.js';
import { CONFIRM_AND_SHARE, SELF_ANSWERS } from './answers.js';
import { startConversation, textOf } from './harness.js';

/** What one answer leaves behind: the answer to a question, or the consent for one recipient. */
export type StoredAnswer = { questionId: string; value: AnswerValue } | { recipientKey: string; consent: boolean };

export interface ScriptStep {
  /**
   * The question the answer is given to, as the service words it: the last line of the prompt that
   * asks something (the summary's "Stämmer sammanfattningen?", not the summary above it).
   */
  question: string;
  answer: string;
  /** Absent for the consent to talk and the confirmation of the summary. */
  stored?: StoredAnswer;
}

export interface InterviewScript {
  steps: ScriptStep[];
  /** The case the in-process interview created. */
  reference: CaseRecord;
  /** What the service says when a turn failed and nothing of it was stored (error.generic, error.busy). */
  turnFailed: string[];
  /** The step whose question the replies ask (the latest one, if several appear). */
  stepFor(replies: string): number | undefined;
}

/** The interview state inside a stored conversation state (botbuilder's dialog stack). */
export function interviewOf(stored: unknown): InterviewState | undefined {
  const stack = (stored as { dialogState?: { dialogStack?: Array<{ state?: { interview?: InterviewState } }> } } | undefined)?.dialogState?.dialogStack;
  return stack?.[0]?.state?.interview;
}

/** Whether a stored state or case holds what a step stored. */
export function holds(stored: StoredAnswer, answers: Record<string, AnswerValue>, consents: Record<string, boolean>): boolean {
  if ('questionId' in stored) return JSON.stringify(answers[stored.questionId]) === JSON.stringify(stored.value);
  return consents[stored.recipientKey] === stored.consent;
}

export async function learnInterview(): Promise<InterviewScript> {
  const convo = await startConversation();
  try {
    // BotState keeps its storage to itself; the test reads what a turn saved.
    const storage = (convo.stack.conversationState as unknown as { storage: Storage }).storage;
    const key = `${convo.channelId}/conversations/${convo.conversationId}/`;
    const before: Array<{ question: string; answer: string; state: InterviewState | undefined }> = [];
    let replies = await convo.join();
    for (const answer of [...SELF_ANSWERS, ...CONFIRM_AND_SHARE]) {
      const prompts = replies.filter((r) => r.text && (r.suggestedActions || /\?\s*$/u.test(r.text.trim())));
      const prompt = (prompts.at(-1)?.text ?? textOf(replies).trim().split('\n').at(-1) ?? '').trim();
      const lines = prompt.split('\n').map((l) => l.trim()).filter(Boolean);
      const question = lines.filter((l) => l.includes('?')).at(-1) ?? prompt;
      before.push({ question, answer, state: interviewOf((await storage.read([key]))[key]) });
      replies = await convo.say(answer);
    }
    const [reference] = await convo.stack.cases.list();
    if (!reference) throw new Error(`the in-process interview ended without a case: ${textOf(replies)}`);
    const steps = before.map(({ question, answer, state }): ScriptStep => {
      if (state?.phase === 'asking' && state.current) {
        const value = reference.answers[state.current];
        if (!value) throw new Error(`the in-process case has no answer to ${state.current} ("${answer}")`);
        return { question, answer, stored: { questionId: state.current, value } };
      }
      if (state?.phase === 'share') {
        const recipient = reference.recipients[state.shareIndex];
        if (!recipient) throw new Error(`the in-process case has no recipient number ${state.shareIndex + 1}`);
        return { question, answer, stored: { recipientKey: recipient.key, consent: recipient.consent } };
      }
      return { question, answer };
    });
    const texts = convo.stack.engine.texts('sv');
    return {
      steps,
      reference,
      turnFailed: [texts.t('error.generic'), texts.t('error.busy')],
      stepFor: (text) => {
        for (let i = steps.length - 1; i >= 0; i--) if (steps[i]!.question && text.includes(steps[i]!.question)) return i;
        return undefined;
      },
    };
  } finally {
    await convo.close();
  }
}
