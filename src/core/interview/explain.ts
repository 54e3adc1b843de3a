/**
 * Explanations on request: "vad menar du?" or "förstår inte" gets the question said in other words
 * (questions.yaml explain, else its help), "vad är SIP?" or "jag vill veta mer" gets the terms
 * explained in plain words (texts.yaml glossary, 1177's tone; lättläst where chosen), and then the
 * same question again; at the consent, summary and sharing steps the step (texts.yaml explain.steps) or
 * the term is explained and the step shown again. The cue words are data (phrases.yaml explain, whatIs, glossary).
 */
import type { Content } from '../content/load.js';
import { normalize, paddedWords, words } from '../text/normalize.js';
import { PhraseMatcher } from '../text/phrase-matcher.js';
import { forOther, personalize, whoOf } from './perspective.js';
import type { QuestionView } from './questions.js';
import type { Phase } from './state.js';
import { askingView, type Step, type Turn } from './turn.js';

/** Longer than this, a message in an open question is the person's answer, not a question about it. */
const SHORT = 10;

/**
 * Cue lists of the content, normalised and padded once (a list is loaded once; every message of a
 * turn is checked against them, which used to normalise every cue again each turn).
 */
const paddedCues = new WeakMap<readonly string[], string[]>();
function padded(cues: readonly string[]): string[] {
  let done = paddedCues.get(cues);
  if (!done) paddedCues.set(cues, (done = cues.map(normalize).filter(Boolean).map((c) => ` ${c} `)));
  return done;
}
const matchers = new WeakMap<readonly string[], PhraseMatcher>();
function matcher(phrases: readonly string[]): PhraseMatcher {
  let m = matchers.get(phrases);
  if (!m) matchers.set(phrases, (m = new PhraseMatcher(phrases)));
  return m;
}

/** The glossary terms a text names, in the order of phrases.yaml. */
export function termsIn(content: Content, locale: string, text: string): string[] {
  const said = paddedWords(text);
  const glossary = content.locales[locale]?.phrases.glossary ?? {};
  return Object.entries(glossary)
    .filter(([, names]) => padded(names).some((n) => said.includes(n)))
    .map(([key]) => key);
}

/** Whether the text holds one of the cues as whole words; `atStart`: begins with it. */
function contains(text: string, cues: readonly string[], atStart = false): boolean {
  const said = paddedWords(text);
  return padded(cues).some((c) => (atStart ? said.startsWith(c) : said.includes(c)));
}

/** What the person asks to have explained in a message: the question, some terms, or nothing. */
export function explanationAsked(
  content: Content,
  locale: string,
  view: QuestionView,
  text: string,
): { question: true } | { terms: string[]; named: boolean } | undefined {
  const phrases = content.locales[locale]?.phrases;
  if (!phrases) return undefined;
  if (view.kind === 'text' && words(text).length > SHORT) return undefined;
  // In an open question the person's story may say "vad är" anywhere; only a message that begins
  // with the question ("vad är hemtjänst?") asks for an explanation there.
  if (contains(text, phrases.whatIs, view.kind === 'text')) {
    const named = termsIn(content, locale, text);
    if (named.length) return { terms: named, named: true };
    // "jag vill veta mer": the terms of the question itself.
    const own = termsIn(content, locale, [view.text, view.textOther ?? '', ...view.options.map((o) => o.label)].join(' '));
    return own.length ? { terms: own, named: false } : { question: true };
  }
  if (matcher(phrases.explain).matches(text.replace(/\?/gu, ''))) return { question: true };
  return undefined;
}

/** The steps where no question is asked, by phase: the key of their explanation (texts.yaml explain.steps). */
const STEPS: Partial<Record<Phase, string>> = { consent: 'consent', summary: 'summary', pickEdit: 'summary', share: 'share' };

/**
 * "vad menar du?" at the consent, the summary or the sharing step: that step explained; "vad är SIP?"
 * there: the term. Then the same step again (a repeat), with nothing changed. Undefined when the
 * message asks for no explanation, or in a step that has none.
 */
function explainStep(turn: Turn, text: string): Step {
  const step = STEPS[turn.state.phase];
  const { content } = turn.context;
  const phrases = content.locales[turn.state.locale]?.phrases;
  if (!step || !phrases) return undefined;
  if (contains(text, phrases.whatIs)) {
    const named = termsIn(content, turn.state.locale, text);
    if (named.length) {
      explainTerms(turn, named);
      return { to: 'repeat' };
    }
  } else if (!matcher(phrases.explain).matches(text.replace(/\?/gu, ''))) {
    return undefined;
  }
  turn.replies.push({ type: 'text', text: turn.kit.texts.t(`explain.steps.${step}`) });
  return { to: 'repeat' };
}

/** The question said in other words, for the person or for a relative. */
function questionInOtherWords(turn: Turn, view: QuestionView): string {
  const { content } = turn.context;
  const { state } = turn;
  const other = forOther(content, state);
  const who = whoOf(content, state, state.locale);
  const own = (other ? view.explainOther : undefined) ?? view.explain ?? view.help;
  if (own) return personalize(own, who);
  return other ? turn.kit.texts.t('explain.generalOther', { ...who }) : turn.kit.texts.t('explain.general');
}

/** The terms explained, one reply each. */
export function explainTerms(turn: Turn, terms: readonly string[]): void {
  for (const term of terms) turn.replies.push({ type: 'text', text: turn.kit.texts.t(`glossary.${term}`) });
}

/**
 * A request for an explanation while a question is asked: explains and asks the question again.
 * Undefined when the message asks for none (it goes on to the commands and the answer).
 */
export function explainIfAsked(turn: Turn, text: string): Step {
  const view = askingView(turn);
  if (!view) return explainStep(turn, text);
  const { state } = turn;
  const asked = explanationAsked(turn.context.content, state.locale, view, text);
  if (!asked) return undefined;
  // "Jag vill veta mer först" is also an answer (to the SIP question): explained once, then kept.
  if ('terms' in asked && !asked.named && state.explained?.includes(view.id)) return undefined;
  state.explained = [...new Set([...(state.explained ?? []), view.id])];
  if ('terms' in asked) explainTerms(turn, asked.terms);
  else turn.replies.push({ type: 'text', text: turn.kit.texts.t('explain.inOtherWords', { explanation: questionInOtherWords(turn, view) }) });
  return { to: 'question', id: view.id, quiet: true };
}
