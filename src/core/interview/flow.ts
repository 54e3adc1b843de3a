/**
 * Which phase waits for the person's message, and where the conversation goes when a phase returns a
 * Step. Phases never call each other: they return Steps, and only this module knows them all.
 */
import { runCommand, runIntent } from './commands.js';
import { askNextQuestion, askQuestion, asking } from './phases/asking.js';
import { consent } from './phases/consent.js';
import { pending } from './phases/pending.js';
import { safety } from './phases/safety.js';
import { beginSharing, sharing } from './phases/sharing.js';
import { editMenu, showEditMenu, showSummary, summary } from './phases/summary.js';
import { atSafetyQuestion, type Phase } from './state.js';
import { say, type PhaseModule, type Step, type SubmitData, type Turn } from './turn.js';

const PHASES: Record<Exclude<Phase, 'done'>, PhaseModule> = { consent, asking, summary, pickEdit: editMenu, share: sharing };

/** The module of the interview's phase (none once the case is created). */
function phaseOf(turn: Turn): PhaseModule | undefined {
  return turn.state.phase === 'done' ? undefined : PHASES[turn.state.phase];
}

/** What waits for the next message: a safety question or a pending confirmation, else the interview's phase. */
export function waiting(turn: Turn): PhaseModule | undefined {
  const asked = turn.state.pending;
  if (atSafetyQuestion(turn.state)) return safety;
  return asked ? pending : phaseOf(turn);
}

/** Carries out a step and whatever steps follow from it. */
export async function follow(turn: Turn, first: Step | Promise<Step>): Promise<void> {
  let step = await first;
  while (step) step = await take(turn, step);
}

function take(turn: Turn, step: NonNullable<Step>): Step | Promise<Step> {
  switch (step.to) {
    case 'nextQuestion':
      return askNextQuestion(turn);
    case 'question':
      askQuestion(turn, step.id, step.quiet ? { quiet: true } : {});
      return undefined;
    case 'summary':
      showSummary(turn);
      return undefined;
    case 'editMenu':
      showEditMenu(turn);
      return undefined;
    case 'sharing':
      return beginSharing(turn);
    case 'repeat':
      repeat(turn);
      return undefined;
    case 'command': {
      const own = phaseOf(turn)?.onCommand;
      return own ? own(turn, step.command) : runCommand(turn, step.command);
    }
    case 'intent':
      return runIntent(turn, step.intent);
    case 'answer':
      return asking.onText(turn, step.text);
  }
}

/** Asks again whatever the person was last asked. */
export function repeat(turn: Turn): void {
  waiting(turn)?.prompt(turn);
}

/** A card submitted: one of the phase's own cards, else an old card clicked later or one we do not know. */
export function onSubmit(turn: Turn, data: SubmitData): Step {
  const own = phaseOf(turn)?.onSubmit;
  const step = own ? own(turn, data) : false;
  if (step !== false) return step;
  say(turn, 'reprompt.unknownInput');
  return { to: 'repeat' };
}
