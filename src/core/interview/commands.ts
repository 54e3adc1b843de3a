/**
 * Commands and intents: what the person asks of the conversation itself rather than answers. The
 * commands (help, back, skip, cancel, restart) are typed as one of their phrases in
 * locales/<lang>/phrases.yaml; intents come from a recognizer reading free text (also "talk to a
 * person", "forget me", "another language"). Each returns where the conversation goes; cancel,
 * restart, forget and language set a pending confirmation (phases/pending.ts) and ask it.
 */
import type { Intent } from '../nlu/recognizer.js';
import { hoursIn, humanContact } from './directory.js';
import type { LocaleKit } from './kit.js';
import { wordsAfter } from './own-words.js';
import { previousQuestion, skipQuestion } from './progress.js';
import { normalize } from '../text/normalize.js';
import { askingView, currentView, inFreeTextQuestion, say, type Command, type Step, type Turn } from './turn.js';

/** The first command one of whose phrases the text is: as written when `exactOnly`, else also with a slip. */
export function commandNamed(kit: LocaleKit, text: string, exactOnly: boolean): Command | undefined {
  for (const [name, matcher] of kit.commands) {
    const m = matcher.match(text);
    if (m && (!exactOnly || m.distance === 0)) return name;
  }
  return undefined;
}

/**
 * The command the text names. In a free-text question only the plain command counts, not a close
 * spelling of it, so a story is never mistaken for a command.
 */
export function commandIn(turn: Turn, text: string): Command | undefined {
  return commandNamed(turn.kit, text, inFreeTextQuestion(turn));
}

export function runCommand(turn: Turn, command: Command): Step {
  const { state } = turn;
  switch (command) {
    case 'help': {
      const help = askingView(turn)?.help;
      const general = turn.kit.texts.t('help.general');
      turn.replies.push({ type: 'text', text: help ? `${help}\n\n${general}` : general });
      return { to: 'repeat' };
    }
    case 'cancel':
    case 'restart':
      state.pending = command;
      return { to: 'repeat' };
    case 'back':
      return back(turn);
    case 'skip':
      return skip(turn);
  }
}

function back(turn: Turn): Step {
  const { state } = turn;
  const previous = previousQuestion(turn.context.content.bank.questions, state);
  if (!previous) {
    say(turn, 'back.none');
    return { to: 'repeat' };
  }
  state.history = state.history.filter((id) => id !== previous);
  say(turn, 'back.ok');
  return { to: 'question', id: previous };
}

/**
 * Skips the current question. Words held for it (said with the skip, or an unsure answer before)
 * are kept as the person's note on the skipped question; a question that cannot be skipped keeps
 * them for its answer.
 */
function skip(turn: Turn): Step {
  if (turn.state.phase !== 'asking') return { to: 'repeat' };
  const view = currentView(turn);
  if (view.required) {
    say(turn, 'reprompt.required');
    return { to: 'question', id: view.id };
  }
  skipQuestion(turn.state, view.id, turn.state.heldNote);
  say(turn, turn.state.skipNotes?.[view.id] ? 'skip.okWithWords' : 'skip.ok');
  return { to: 'nextQuestion' };
}

/** A separator between a skip and what the person said with it: a comma, a dash, a full stop … */
const SEPARATOR = /\s*(?:[,;:.!]+|\s[-–—]+)\s+|\s*[-–—]+\s*/u;

/**
 * A skip said with more words, while a question is asked: "hoppa över, han vill inte prata om det",
 * "han vill inte prata om det - hoppa över", "hoppa över den han blir arg". Returns those words, or
 * undefined when the text is no such skip. A phrase of one word ("hoppa", "nästa") counts only with a
 * comma or a dash beside it, and never in an open question, where every phrase needs one too: "nästa
 * vecka ska han till läkaren" and "Hoppa, springa och dansa gjorde hon förr" stay answers.
 */
export function skipWords(turn: Turn, text: string): string | undefined {
  if (turn.state.phase !== 'asking' || !turn.state.current) return undefined;
  const skipPhrase = turn.kit.commands.find(([c]) => c === 'skip')![1];
  // In an open question a story may start "Hoppa, springa …": only a phrase of two words or more counts there.
  const open = inFreeTextQuestion(turn);
  const isSkip = (part: string) => {
    const m = skipPhrase.match(part);
    return m !== undefined && (!open || m.phrase.includes(' '));
  };
  const parts = text.trim().split(SEPARATOR);
  if (parts.length > 1) {
    const first = parts[0]!;
    const rest = text.trim().slice(text.trim().indexOf(first) + first.length).replace(/^[\s\p{P}–—]+/u, '').trim();
    if (isSkip(first) && rest) return rest;
    const last = parts.at(-1)!;
    const before = text.trim().slice(0, text.trim().lastIndexOf(last)).replace(/[\s,;:.!–—-]+$/u, '').trim();
    if (isSkip(last) && before) return before;
  }
  if (open) return undefined;
  // Without punctuation: a phrase of two words or more at the start ("hoppa över den han blir arg").
  const n = normalize(text);
  const phrase = turn.kit.skipPhrases.find((p) => p.includes(' ') && n.startsWith(`${p} `));
  return phrase ? wordsAfter(text, phrase.split(' ').length) || undefined : undefined;
}

export function runIntent(turn: Turn, intent: Intent): Step {
  switch (intent) {
    case 'human':
      return offerHuman(turn);
    case 'forget_me':
      turn.state.pending = 'forget';
      return { to: 'repeat' };
    case 'language':
      turn.state.pending = 'language';
      return { to: 'repeat' };
    case 'none':
      return undefined;
    default:
      return { to: 'command', command: intent };
  }
}

/**
 * A free-text answer that reads like a request: ask before acting, and keep the text so that a
 * "no" stores it as the answer. Cancel, restart and forget have their own confirmation.
 */
export function holdAnswer(turn: Turn, intent: Intent, text: string): Step {
  const { state } = turn;
  state.heldAnswer = text;
  if (intent === 'cancel' || intent === 'restart' || intent === 'forget_me') return runIntent(turn, intent);
  if (intent === 'none') return undefined;
  state.pending = 'intent';
  state.pendingIntent = intent;
  return { to: 'repeat' };
}

/** "Can I talk to a person?": who to call and when, a handoff where the channel has one, then on. */
function offerHuman(turn: Turn): Step {
  const { texts } = turn.kit;
  const contact = humanContact(turn.context.content, turn.state.answers);
  turn.replies.push({
    type: 'text',
    text: contact.phone
      ? texts.t('human.offer', { name: contact.name, phone: contact.phone, hours: contact.hours ? hoursIn(turn.context.content, turn.state.locale, contact.hours) : texts.t('human.hoursUnknown') })
      : texts.t('human.offerNoPhone', { name: contact.name }),
  });
  turn.effects.handoff = { contactName: contact.name };
  say(turn, 'human.continue');
  return { to: 'repeat' };
}
