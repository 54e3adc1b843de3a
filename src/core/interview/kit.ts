/**
 * Everything the interview needs for one locale, built once at start-up: its texts, its questions,
 * the recognisers of typed answers and of commands, and the risk patterns (compiled at first use).
 */
import type { Content } from '../content/load.js';
import type { TextCatalog, Texts } from '../i18n.js';
import { RiskDetector } from '../risk.js';
import { SafetyAssessor, withBase } from '../safety/assessor.js';
import { normalize } from '../text/normalize.js';
import { PhraseMatcher } from '../text/phrase-matcher.js';
import { buildQuestionViews, type QuestionView } from './questions.js';
import { AnswerRecognizer } from './recognize.js';
import type { Command } from './turn.js';

export interface LocaleKit {
  texts: Texts;
  views: Map<string, QuestionView>;
  recognizer: AnswerRecognizer;
  risk: RiskDetector;
  /** The safety net's reading of a text by the patterns alone (for turns without a recognizer). */
  safety: SafetyAssessor;
  /** In this order: the first command whose phrases match wins. */
  commands: Array<[Command, PhraseMatcher]>;
  /** The skip phrases normalised, longest first: a skip said with more words ("hoppa över, …"). */
  skipPhrases: string[];
}

const COMMANDS: readonly Command[] = ['help', 'back', 'skip', 'cancel', 'restart'];

export function buildKit(content: Content, catalog: TextCatalog, locale: string): LocaleKit {
  const l = content.locales[locale];
  if (!l) throw new Error(`no content for locale "${locale}"`);
  const texts = catalog.forLocale(locale);
  // The patterns' regular expressions (hundreds, 0.1–0.2 ms each to compile) are made when first used:
  // with a recognizer, which has a safety net of its own, a turn never asks for these.
  let risk: RiskDetector | undefined;
  let safety: SafetyAssessor | undefined;
  return {
    texts,
    views: buildQuestionViews(content, locale, texts),
    recognizer: new AnswerRecognizer(l.phrases),
    get risk() {
      return (risk ??= new RiskDetector(l.risk));
    },
    get safety() {
      return (safety ??= new SafetyAssessor(withBase(l.risk, content.locales[locale.split('-')[0]!]?.risk), undefined, locale.split('-')[0]));
    },
    commands: COMMANDS.map((c) => [c, new PhraseMatcher(l.phrases.commands[c])]),
    skipPhrases: [...new Set(l.phrases.commands.skip.map(normalize).filter(Boolean))].sort((a, b) => b.length - a.length),
  };
}

/**
 * Whether the text is a yes, a no, a number, or one of the buttons named by their text keys: what
 * every step but an open question waits for.
 */
export function isButtonOrYesNo(kit: LocaleKit, text: string, buttonKeys: readonly string[] = []): boolean {
  if (kit.recognizer.yesNo(text) !== undefined || kit.recognizer.number(text) !== undefined) return true;
  return buttonKeys.length > 0 && new PhraseMatcher(buttonKeys.map((key) => kit.texts.t(key))).matches(text);
}
