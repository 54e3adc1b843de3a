/**
 * Asking the question bank. Waits for an answer to the current question (typed, a button, or a ticked
 * list submitted from a card); keeps it and returns the next question, or asks again what to fix.
 * The questions, their order and when they apply are data (data/questions.yaml).
 */
import { acknowledge } from '../acknowledge.js';
import { readInContext } from '../answer-in-context.js';
import { forOther, groupTitle, personalize, whoOf } from '../perspective.js';
import { answersSuggestion, noteToldMunicipality, suggestionPrompt } from '../preset-municipality.js';
import { nextQuestion, storeAnswer } from '../progress.js';
import { clearQuestionScratch } from '../state.js';
import { numberedOptions, optionsBetween, questionPrompt } from '../question-prompt.js';
import { governsRouting, type QuestionView } from '../questions.js';
import { fitsQuestion, readAnswer, readChoices, type Reading } from '../read-answer.js';
import { currentView, type PhaseModule, type Step, type Turn } from '../turn.js';
import { readAsStory } from '../understanding.js';

/**
 * Asks a question, which is the current one from now on, with the title of its part of the interview
 * when it starts a new part (unless quiet).
 */
export function askQuestion(turn: Turn, questionId: string, opts: { quiet?: boolean } = {}): void {
  const { state, kit, context } = turn;
  state.phase = 'asking';
  // Words held for one question are not another question's answer.
  if (state.current !== questionId) clearQuestionScratch(state);
  state.current = questionId;
  // A change that brought up a new question ends with the whole summary, not one item.
  if (state.editing && state.editing !== questionId) delete state.editing;
  const { texts } = kit;
  const view = kit.views.get(questionId)!;
  const groups = context.content.bank.groups;
  // A relative is asked about "din pappa", not "personen".
  const who = forOther(context.content, state) ? whoOf(context.content, state, state.locale) : undefined;
  if (!opts.quiet && state.lastGroup !== view.group) {
    state.lastGroup = view.group;
    turn.replies.push({
      type: 'text',
      text: texts.t('question.groupIntro', { part: groups.indexOf(view.group) + 1, parts: groups.length, title: groupTitle(context.content, texts, view.group, who) }),
    });
  }
  turn.replies.push(suggestionPrompt(turn, view, questionPrompt(view, state, texts, context.content.bank.roles, who), who));
}

/** Asks the first applicable question not yet answered or skipped; returns the summary when none is left. */
export function askNextQuestion(turn: Turn): Step {
  const { state } = turn;
  const next = nextQuestion(turn.context.content.bank.questions, state);
  if (!next) {
    delete state.current;
    return { to: 'summary' };
  }
  askQuestion(turn, next.id);
  return undefined;
}

/**
 * Keeps a readable answer and goes on; otherwise says what to fix and asks the same question again.
 * An unsure reading of a question that governs consent or routing is asked about first ("Menar du
 * att …?", a pending confirmation). Words held from an earlier unsure answer go beside this one.
 */
function take(turn: Turn, view: QuestionView, reading: Reading): Step {
  const { state } = turn;
  const unsure = dontKnow(turn, view, reading);
  if (unsure !== false) return unsure;
  if (!reading.ok) {
    // Every word held, not only the last message's: two stories told at one question are both kept.
    if (reading.hold) state.heldNote = joinHeld(state.heldNote, reading.hold);
    // A story told at a choice or yes/no question is no failed attempt at answering: it is thanked
    // for and kept, and the question asked again, without "Jag förstod inte".
    if ((reading.key === 'reprompt.choice' || reading.key === 'reprompt.yesno') && reading.hold && readAsStory(reading.hold)) {
      turn.replies.push({ type: 'text', text: turn.kit.texts.t('reprompt.storyKept') });
      askQuestion(turn, view.id, { quiet: true });
      return undefined;
    }
    // "Skriv numret" only with the numbers in sight: buttons show no numbers, so the options are listed.
    const { content } = turn.context;
    const numbered = reading.key === 'reprompt.choice' && view.kind === 'choice' && view.id !== content.bank.roles.municipality;
    const who = forOther(content, state) ? whoOf(content, state, state.locale) : undefined;
    turn.replies.push({
      type: 'text',
      text: numbered
        ? turn.kit.texts.t('reprompt.choiceNumbered', { options: numberedOptions(view, who) })
        : turn.kit.texts.t(reading.key, reading.between ? { options: optionsBetween(view, reading.between, who) } : reading.params),
    });
    // Not understood twice in a row: no one should be stuck at a question; say the way on.
    state.misreads = (state.misreads ?? 0) + 1;
    if (state.misreads >= 2) turn.replies.push({ type: 'text', text: turn.kit.texts.t(view.required ? 'reprompt.stuckRequired' : 'reprompt.stuck') });
    askQuestion(turn, view.id, { quiet: true });
    return undefined;
  }
  const value = state.heldNote && !reading.value.note ? { ...reading.value, note: state.heldNote } : reading.value;
  if (reading.unsure && governsRouting(view)) {
    state.pending = 'meaning';
    state.pendingAnswer = value;
    return { to: 'repeat' };
  }
  storeAnswer(turn.context.content.bank.questions, state, view.id, value);
  return { to: 'nextQuestion' };
}

/**
 * "Vet inte" to a choice question is never taken as one of its options. The first time, the words are
 * held and the person is asked once more (the question's own `unsure` text, "Vet du ungefär var du
 * bor?", or "Välj det som stämmer bäst"), with the buttons; the next time it is kept honestly: the
 * question's "Vet inte" option where it has one, else the question skipped with their words (one
 * that cannot be skipped is asked again). False: the reading is no "vet inte".
 */
function dontKnow(turn: Turn, view: QuestionView, reading: Reading): Step | false {
  const { state } = turn;
  const chosen = reading.ok && reading.value.kind === 'choice' ? view.options.find((o) => o.id === (reading.value as { option: string }).option) : undefined;
  const saysDontKnow = reading.ok ? chosen?.unsure === true && view.unsure !== undefined : reading.dontKnow === true;
  if (!saysDontKnow) return false;
  const words = reading.ok ? reading.value.note : reading.hold;
  const held = joinHeld(state.heldNote, words);
  if (state.unsureAsked !== view.id) {
    state.unsureAsked = view.id;
    if (held) state.heldNote = held;
    const who = forOther(turn.context.content, state) ? whoOf(turn.context.content, state, state.locale) : undefined;
    const own = (who ? view.unsureOther : undefined) ?? view.unsure;
    turn.replies.push({ type: 'text', text: own ? personalize(own, who ?? whoOf(turn.context.content, state, state.locale)) : turn.kit.texts.t('reprompt.unsurePick') });
    // A "vet inte" to "Bor du i Karlstad?" is no yes: the whole list is shown.
    if (view.id === turn.context.content.bank.roles.municipality) state.presetDeclined = true;
    askQuestion(turn, view.id, { quiet: true });
    return undefined;
  }
  if (reading.ok) {
    storeAnswer(turn.context.content.bank.questions, state, view.id, held ? { ...reading.value, note: held } : reading.value);
    return { to: 'nextQuestion' };
  }
  if (held) state.heldNote = held;
  return view.required ? take(turn, view, { ok: false, key: 'reprompt.unsurePick' }) : { to: 'command', command: 'skip' };
}

/** Words held at one question, each message once, in the order told ("… — …"). */
function joinHeld(held: string | undefined, words: string | undefined): string | undefined {
  if (!held || !words || held.split(' — ').includes(words)) return held ?? words;
  return `${held} — ${words}`;
}

export const asking: PhaseModule = {
  onText(turn, text) {
    const view = currentView(turn);
    noteToldMunicipality(turn, view, text);
    const inContext = readInContext(turn, view, text);
    if (inContext) return inContext;
    const step = take(turn, view, readAnswer(view, text, turn.kit.recognizer, turn.context.now()));
    if (step?.to === 'nextQuestion') acknowledge(turn, view, text);
    return step;
  },

  prompt(turn) {
    if (turn.state.current) askQuestion(turn, turn.state.current, { quiet: true });
  },

  expects(turn, text) {
    const view = turn.state.current ? turn.kit.views.get(turn.state.current) : undefined;
    return view !== undefined && view.kind !== 'text' && (fitsQuestion(view, text, turn.kit.recognizer) || answersSuggestion(turn, view, text));
  },

  /** The options ticked on a multi-choice card; none ticked on a question that may be skipped is a skip. */
  onSubmit(turn, data) {
    const { state } = turn;
    if (data?.intake !== 'answer' || data.question !== state.current) return false;
    const view = currentView(turn);
    const raw = Array.isArray(data.value) ? data.value : typeof data.value === 'string' ? data.value.split(',') : [];
    const ids = raw.map((v) => String(v).trim()).filter((v) => view.options.some((o) => o.id === v));
    if (ids.length === 0 && !view.required) return { to: 'command', command: 'skip' };
    return take(turn, view, readChoices(view, ids));
  },
};
