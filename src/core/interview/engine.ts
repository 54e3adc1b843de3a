/**
 * The interview engine: walks the question bank for one person, one turn at a time.
 *
 * `start` greets; `handle` takes the saved state and what the person sent, and returns the new state,
 * the replies and any effects (erase, case created). It owns the turn: it picks the locale's kit, runs
 * the message through the safety net and the commands, and hands it to the phase that waits for it
 * (phases/); flow.ts carries out where each phase sends the conversation next. It knows nothing about
 * Bot Framework: any channel that can save a JSON object per conversation can run it.
 */
import type { Content } from '../content/load.js';
import { TextCatalog, type Texts } from '../i18n.js';
import type { CaseRecord, NewCase } from '../cases.js';
import type { Recognition, Recognizer } from '../nlu/recognizer.js';
import type { SafetyVerdict } from '../safety/verdict.js';
import { commandIn, holdAnswer, runIntent, skipWords } from './commands.js';
import { municipalityByCode } from './directory.js';
import { explainIfAsked } from './explain.js';
import { follow, onSubmit, repeat, waiting } from './flow.js';
import { buildKit, type LocaleKit } from './kit.js';
import { greeting } from './phases/consent.js';
import { languageNamedIn, languageOnlyNamed, switchLanguage } from './phases/pending.js';
import type { TurnResult } from './replies.js';
import { presetAsSuggestion } from './preset-municipality.js';
import { correction, safetyNet } from './safety-net.js';
import { safetyVerdict, stronger, writtenIn } from './safety-verdict.js';
import { atSafetyQuestion, newState, type InterviewState } from './state.js';
import { inFreeTextQuestion, newTurn, result, say, type ConversationInfo, type Input, type InterviewContext, type Step, type SubmitData, type Turn } from './turn.js';
import { intentToActOn, keepSuggestedTopics, needsUnderstanding, readAsStory, understand } from './understanding.js';

export type { ConversationInfo, Input } from './turn.js';
export { FREE_TEXT_INTENT_THRESHOLD, INTENT_THRESHOLD } from './understanding.js';
export { whenText } from './phases/sharing.js';

export interface EngineOptions {
  content: Content;
  maxMessageLength: number;
  retentionDays: number;
  createCase(draft: NewCase): Promise<CaseRecord>;
  /** The full address of a path of this service, for the link to the person's copy. */
  publicLink?: (path: string) => string;
  /** Understands free text (intents, topics, risk); without one only exact phrases and patterns count. */
  recognizer?: Recognizer;
  now?: () => Date;
  /** Completes the urgent case sent during the interview with the whole interview (the same case, updated). */
  completeCase(reference: string, draft: NewCase): Promise<CaseRecord>;
  /** Told of every safety alarm, with its level (for monitoring; no text). */
  onRiskAlarm?: (level: 'acute' | 'unsure') => void;
}

/** What the channel knows before the conversation starts. */
export interface StartPreset {
  /** SCB code (such as "1780") or directory id of the person's municipality. */
  municipality?: string;
}

export class InterviewEngine {
  private readonly kits = new Map<string, LocaleKit>();
  private readonly context: InterviewContext;

  constructor(private readonly options: EngineOptions) {
    const catalog = new TextCatalog(options.content);
    for (const locale of Object.keys(options.content.locales)) this.kits.set(locale, buildKit(options.content, catalog, locale));
    const now = options.now ?? (() => new Date());
    this.context = { content: options.content, kit: (locale) => this.kit(locale), now, createCase: (draft) => options.createCase(draft), completeCase: (reference, draft) => options.completeCase(reference, draft), ...(options.publicLink ? { publicLink: options.publicLink } : {}), ...(options.onRiskAlarm ? { onRiskAlarm: options.onRiskAlarm } : {}) };
  }

  /** The locale to use for a channel's locale tag: "sv-SE" -> "sv"; unknown -> the default. */
  resolveLocale(tag: unknown): string {
    const locales = this.options.content.locales;
    // Only the known locales: a tag is whatever a channel sent ("__proto__", a number, an object).
    if (typeof tag === 'string') {
      const lower = tag.toLowerCase();
      if (Object.hasOwn(locales, lower)) return lower;
      const base = lower.split('-')[0]!;
      if (Object.hasOwn(locales, base)) return base;
    }
    return this.options.content.defaultLocale;
  }

  /** Texts for a channel's locale tag, for messages outside the interview (errors). */
  texts(localeTag: string | undefined): Texts {
    return this.kit(this.resolveLocale(localeTag)).texts;
  }

  /**
   * Greets and asks for consent to continue. `preset.municipality` (an SCB code or organisation id,
   * from the municipality's own web page) becomes the suggested answer to the municipality question
   * ("Bor du i Karlstad?"), never the answer itself (preset-municipality.ts). An unknown code is ignored.
   */
  start(localeTag: string | undefined, preset: StartPreset = {}): TurnResult {
    const { content, retentionDays } = this.options;
    const state = newState(this.resolveLocale(localeTag), this.context.now());
    const municipality = this.findMunicipality(preset.municipality);
    if (municipality) {
      state.preset = { [content.bank.roles.municipality]: { kind: 'choice', option: municipality } };
    }
    return { state, replies: greeting(this.kit(state.locale), content, retentionDays), effects: {} };
  }

  /** The directory id of a municipality named by SCB code or id, if it is one. */
  findMunicipality(code: string | undefined): string | undefined {
    return municipalityByCode(this.options.content, code)?.id;
  }

  /**
   * The answer to a message delivered a second time (a channel or load balancer retrying after an
   * instance died between saving the turn and acknowledging it): it was handled already, so nothing
   * changes; the current question is asked again, or, once the case exists, its reference is given
   * again instead of starting a new interview.
   */
  again(saved: InterviewState, conversation: ConversationInfo): TurnResult {
    const turn = newTurn(this.context, saved, conversation);
    if (turn.state.phase === 'done' && turn.state.caseReference) say(turn, 'done.created', { reference: turn.state.caseReference });
    else repeat(turn);
    return result(turn);
  }

  /** Handles one message from the person. */
  async handle(saved: InterviewState, input: Input, conversation: ConversationInfo): Promise<TurnResult> {
    if (saved.phase === 'done') {
      const preset = saved.preset?.[this.options.content.bank.roles.municipality];
      return this.start(saved.locale, preset?.kind === 'choice' ? { municipality: preset.option } : {});
    }
    const turn = newTurn(this.context, saved, conversation);
    presetAsSuggestion(this.options.content, turn.state);
    if (input.kind === 'unsupported') {
      say(turn, 'reprompt.attachment');
      repeat(turn);
    } else if (input.kind === 'submit') {
      await follow(turn, onSubmit(turn, input.data as SubmitData));
    } else if (input.text.length > this.options.maxMessageLength) {
      say(turn, 'reprompt.tooLong', { length: input.text.length, max: this.options.maxMessageLength });
    } else {
      await follow(turn, this.onText(turn, input.text));
    }
    return result(turn);
  }

  /**
   * A typed message: the safety net, a correction of an alarm, then a pending confirmation, a
   * command, an intent, or the phase's answer.
   */
  private async onText(turn: Turn, text: string): Promise<Step> {
    const phase = waiting(turn)!;
    const understood = needsUnderstanding(turn, phase, text) ? await understand(this.options.recognizer, turn.state.locale, text) : undefined;
    // The trained model judges free text: a clicked button or a short option typed ("Nej, skicka
    // inte") never reaches the recognizer, and the patterns in risk.yaml look at everything. A long
    // message that also holds an option ("… jag vet inte om han menar det" where "Vet inte" is a
    // choice) is a story, read whole with the model; only its intent is not taken.
    const read = understood ?? (readAsStory(text) ? await understand(this.options.recognizer, turn.state.locale, text) : undefined);
    // A message with an alarm is answered by the safety net alone: "chill, jag tänker inte göra nåt.
    // bara trött på allt typ" is never also taken as "avbryt" or "glöm mig".
    const alarm = await safetyNet(turn, text, await this.verdict(turn, text, read));
    if (alarm) return alarm;
    const corrected = await correction(turn, text);
    if (corrected) return corrected;
    // At a safety question a person can still leave ("avbryt", "börja om" typed as written): nobody is
    // held at it, and leaving after an alarm shows the numbers again.
    const leaving = atSafetyQuestion(turn.state) ? commandIn(turn, text) : undefined;
    if (leaving === 'cancel' || leaving === 'restart') return { to: 'command', command: leaving };
    // "kan jag prata med en människa?" at a safety question: who to call and when, then the question
    // again (it was "Svara gärna ja eller nej").
    if (atSafetyQuestion(turn.state) && intentToActOn(turn, understood) === 'human') return runIntent(turn, 'human');
    if (turn.state.pending) return phase.onText(turn, text);
    // "vad menar du?", "vad är SIP?": explained before any command or intent reads it.
    const explained = explainIfAsked(turn, text);
    if (explained) return explained;
    const command = commandIn(turn, text);
    if (command) return { to: 'command', command };
    // "hoppa över, han vill inte prata om det": skipped, the words kept as theirs on the question.
    const withSkip = skipWords(turn, text);
    if (withSkip) {
      turn.state.heldNote = withSkip;
      return { to: 'command', command: 'skip' };
    }
    // "lättläst", "English": a message that is only another language's name, and no answer to the
    // question, switches to it (the recognizer may not read one word as a wish to switch).
    const onlyNamed = languageOnlyNamed(turn, text);
    if (onlyNamed && !phase.expects(turn, text)) return switchLanguage(turn, onlyNamed);
    const intent = intentToActOn(turn, understood);
    if (intent) {
      if (inFreeTextQuestion(turn)) return holdAnswer(turn, intent, text);
      // A skip read from a sentence ("det vill han inte prata om"): the sentence is kept with it.
      if (intent === 'skip') turn.state.heldNote = text.trim();
      // "english please": the language named is the one chosen, without asking which.
      const named = intent === 'language' ? languageNamedIn(turn, text) : undefined;
      if (named) return switchLanguage(turn, named);
      return runIntent(turn, intent);
    }
    if (understood) keepSuggestedTopics(turn, understood);
    return phase.onText(turn, text);
  }

  /** The safety net's verdict: in the conversation's language, and in the one the message is written in if that is another. */
  private async verdict(turn: Turn, text: string, understood: Recognition | undefined): Promise<SafetyVerdict> {
    const own = safetyVerdict(turn, text, understood);
    const written = writtenIn(turn, text);
    if (!written || own.level === 'acute') return own;
    const there = await understand(this.options.recognizer, written, text);
    return stronger(own, there?.safety ?? turn.context.kit(written).safety.assess(text));
  }

  private kit(locale: string): LocaleKit {
    const kit = this.kits.get(locale);
    if (!kit) throw new Error(`no content for locale "${locale}"`);
    return kit;
  }
}
