/**
 * Pending confirmations: a question about the conversation itself, asked before acting on it, whatever
 * the phase. Cancel, restart and "forget me" wait for yes or no; yes ends the conversation (erasing
 * everything) or starts the question bank again, no returns to where the person was. A free-text
 * answer that read like a request ("intent", its text held) waits for yes (act on the request) or no
 * (the held text is the answer). A language change waits for a language, named or by number.
 */
import { PhraseMatcher, containsPhrase } from '../../text/phrase-matcher.js';
import { normalize } from '../../text/normalize.js';
import { commandIn, skipWords } from '../commands.js';
import { isButtonOrYesNo } from '../kit.js';
import { wordsAfter } from '../own-words.js';
import { numbersAgain } from '../safety-net.js';
import { storeAnswer } from '../progress.js';
import { clearAnswers, clearQuestionScratch, type InterviewState } from '../state.js';
import { displayAnswer } from '../questions.js';
import { say, type PhaseModule, type Step, type Turn } from '../turn.js';

/** The text key of the no button a pending confirmation is asked with (see `prompt` below). */
function noButton(asked: NonNullable<InterviewState['pending']>): string {
  return asked === 'intent' ? 'intentCheck.no' : `${asked}.confirmNo`;
}

/**
 * What a no says beyond the no itself ("nej inte så, bara trött på plugget" -> "inte så, bara trött på
 * plugget"), if anything; the no button's own words ("Nej, fortsätt", "Nej, det var mitt svar") add nothing.
 */
function addedToNo(turn: Turn, text: string, asked: NonNullable<InterviewState['pending']>): string | undefined {
  if (normalize(text) === normalize(turn.kit.texts.t(noButton(asked)))) return undefined;
  const read = turn.kit.recognizer.yesNoRead(text);
  if (!read || typeof read.keep !== 'object') return undefined;
  return wordsAfter(text, read.keep.words) || undefined;
}

/** A held answer with the words added when it was confirmed, on a line of their own. */
function withAdded(held: string, added: string | undefined): string {
  return added ? `${held.trim()}\n${added}` : held;
}

/** The languages to choose from, each named in its own language. */
function languageChoices(turn: Turn): Array<{ locale: string; label: string; names: string[]; matcher: PhraseMatcher }> {
  const { content } = turn.context;
  return Object.keys(content.locales).map((locale) => {
    const label = turn.context.kit(locale).texts.t('language.name');
    const names = [label, ...content.locales[locale]!.phrases.languageNames];
    return { locale, label, names, matcher: new PhraseMatcher(names) };
  });
}

function onLanguageChoice(turn: Turn, text: string): Step {
  const { state } = turn;
  const choices = languageChoices(turn);
  const n = turn.kit.recognizer.number(text);
  const chosen = (n !== undefined ? choices[n - 1] : undefined) ?? choices.find((c) => c.matcher.matches(text));
  if (!chosen) {
    if (turn.kit.recognizer.yesNo(text) === false || commandIn(turn, text) === 'cancel') {
      delete state.pending;
      say(turn, 'language.kept');
      return { to: 'repeat' };
    }
    say(turn, 'reprompt.choice');
    return { to: 'repeat' };
  }
  delete state.pending;
  return switchLanguage(turn, chosen.locale);
}

/** The conversation goes on in this locale, at the same question. */
export function switchLanguage(turn: Turn, locale: string): Step {
  turn.state.locale = locale;
  turn.kit = turn.context.kit(locale);
  say(turn, 'language.switched');
  return { to: 'repeat' };
}

/**
 * Every language's names, normalised, with the locales each names: made once per content, since a
 * message is looked up here on every turn (languageOnlyNamed).
 */
const namesByContent = new WeakMap<object, Map<string, string[]>>();
function localesByName(turn: Turn): Map<string, string[]> {
  let names = namesByContent.get(turn.context.content);
  if (!names) {
    names = new Map();
    for (const { locale, names: said } of languageChoices(turn)) {
      for (const name of said.map(normalize)) {
        // A language's label is often among its names too ("Lättläst svenska"): each locale once.
        const locales = names.get(name) ?? [];
        if (!locales.includes(locale)) names.set(name, [...locales, locale]);
      }
    }
    namesByContent.set(turn.context.content, names);
  }
  return names;
}

/** Another language than the conversation's, when the message is nothing but one of its names ("lättläst", "english"). */
export function languageOnlyNamed(turn: Turn, text: string): string | undefined {
  const others = (localesByName(turn).get(normalize(text)) ?? []).filter((locale) => locale !== turn.state.locale);
  return others.length === 1 ? others[0] : undefined;
}

/**
 * The one language a request to change language names ("english please", "kan vi ta det på
 * engelska?"), or undefined when it names none or several: then the person is asked which.
 */
export function languageNamedIn(turn: Turn, text: string): string | undefined {
  const typed = normalize(text);
  const named = languageChoices(turn).filter((c) => containsPhrase(typed, c.names.map((name) => normalize(name))));
  return named.length === 1 ? named[0]!.locale : undefined;
}

/**
 * "Menar du att …?" about an unsure answer: yes keeps it (with the person's words), no asks the
 * question again (their words held for the next answer), anything else is taken as a new answer.
 */
function onMeaning(turn: Turn, text: string): Step {
  const { state } = turn;
  const value = state.pendingAnswer;
  delete state.pending;
  delete state.pendingAnswer;
  if (!value || state.phase !== 'asking' || !state.current) return { to: 'repeat' };
  const yes = turn.kit.recognizer.yesNo(text);
  if (yes) {
    storeAnswer(turn.context.content.bank.questions, state, state.current, value);
    return { to: 'nextQuestion' };
  }
  if (yes === false) {
    if (value.note) state.heldNote = value.note;
    say(turn, 'meaning.again');
    return { to: 'question', id: state.current, quiet: true };
  }
  if (value.note) state.heldNote = value.note;
  const command = commandIn(turn, text);
  return command ? { to: 'command', command } : { to: 'answer', text };
}

export const pending: PhaseModule = {
  onText(turn, text) {
    const { state, kit } = turn;
    if (state.pending === 'language') return onLanguageChoice(turn, text);
    if (state.pending === 'meaning') return onMeaning(turn, text);
    const yes = kit.recognizer.yesNo(text);
    if (yes === undefined) {
      say(turn, 'reprompt.yesno');
      return { to: 'repeat' };
    }
    const asked = state.pending!;
    const intent = state.pendingIntent;
    const held = state.heldAnswer;
    delete state.pending;
    delete state.pendingIntent;
    delete state.heldAnswer;
    if (!yes) {
      // "No, that was my answer": what they wrote is kept as the answer, with what they added to the
      // no ("nej inte så, bara trött på plugget").
      if (held !== undefined && state.phase === 'asking' && state.current) return { to: 'answer', text: withAdded(held, addedToNo(turn, text, asked)) };
      say(turn, 'cancel.resumed');
      return { to: 'repeat' };
    }
    // "Yes, skip it": what they wrote is kept as their words on the skipped question.
    if (asked === 'intent' && intent === 'skip' && held?.trim()) state.heldNote = skipWords(turn, held) ?? held.trim();
    if (asked === 'intent') return intent ? { to: 'intent', intent } : undefined;
    if (asked === 'cancel' || asked === 'forget') {
      say(turn, `${asked}.done`);
      if (state.sentNow) say(turn, 'safety.alreadySent', { reference: state.sentNow.reference });
      numbersAgain(turn);
      turn.effects.erase = true;
      return undefined;
    }
    // Restart: answers go, consent to talk and any risk flag stay (a cry for help is not undone).
    // The page's municipality stays a suggestion; what the person said about it and about whom is forgotten.
    delete state.presetDeclined;
    delete state.relative;
    delete state.explained;
    delete state.acknowledged;
    clearAnswers(state);
    clearQuestionScratch(state);
    Object.assign(state, { shareIndex: 0, phase: 'asking' });
    delete state.skipNotes;
    delete state.lastGroup;
    say(turn, 'restart.done');
    return { to: 'nextQuestion' };
  },

  prompt(turn) {
    const { state } = turn;
    const { texts } = turn.kit;
    if (state.pending === 'language') {
      const buttons = languageChoices(turn).map((c) => ({ label: c.label }));
      turn.replies.push({ type: 'prompt', text: texts.t('language.question'), hints: [], buttons });
      return;
    }
    if (state.pending === 'meaning' && state.pendingAnswer && state.current) {
      const { note: _words, ...value } = state.pendingAnswer;
      const answer = displayAnswer(turn.kit.views.get(state.current)!, value, texts);
      turn.replies.push({ type: 'prompt', text: texts.t('meaning.ask', { answer }), hints: [], buttons: [{ label: texts.t('question.yes') }, { label: texts.t('question.no') }] });
      return;
    }
    if (state.pending === 'intent') {
      turn.replies.push({
        type: 'prompt',
        text: texts.t(`intentCheck.${state.pendingIntent ?? 'help'}`),
        hints: [],
        buttons: [{ label: texts.t('intentCheck.yes') }, { label: texts.t(noButton('intent')) }],
      });
      return;
    }
    const key = state.pending ?? 'restart';
    // "Nothing is sent" is no longer true once the person sent an urgent case during the interview.
    const sent = state.sentNow && (key === 'cancel' || key === 'forget') ? `\n\n${texts.t('safety.alreadySent', { reference: state.sentNow.reference })}` : '';
    turn.replies.push({
      type: 'prompt',
      text: texts.t(`${key}.confirm`) + sent,
      hints: [],
      buttons: [{ label: texts.t(`${key}.confirmYes`) }, { label: texts.t(noButton(key)) }],
    });
  },

  expects: (turn, text) => isButtonOrYesNo(turn.kit, text),
};
