/**
 * The interview engine: walks the question bank for one person, one turn at a time.
 *
 * `start` greets; `handle` takes the saved state and what the person sent, and returns the new state,
 * the replies and any effects (erase, case created). It knows nothing about Bot Framework: any channel
 * that can save a JSON object per conversation can run it.
 */
import type { Content } from '../content/load.js';
import type { RiskCategory } from '../content/schema.js';
import { TextCatalog, type Texts } from '../i18n.js';
import type { CaseRecord, NewCase } from '../cases.js';
import { RiskDetector } from '../risk.js';
import type { Intent, Recognition, Recognizer } from '../nlu/recognizer.js';
import { isApplicable, route, type Recipient } from '../routing.js';
import { buildSummary, summaryToText } from '../summary.js';
import { checkPersonnummer, checkPhone } from '../validation.js';
import { PhraseMatcher } from '../text/phrase-matcher.js';
import type { AnswerValue } from './answers.js';
import { buildQuestionViews, displayAnswer, type QuestionView } from './questions.js';
import { AnswerRecognizer } from './recognize.js';
import type { Button, Reply, TurnResult } from './replies.js';
import { newState, type InterviewState } from './state.js';

export type Input =
  | { kind: 'text'; text: string }
  /** Data from an Adaptive Card submit. */
  | { kind: 'submit'; data: unknown }
  /** Something the assistant cannot read: a file, an image, an unknown card. */
  | { kind: 'unsupported' };

/** Where the conversation takes place; stored with the case so staff can read the transcript. */
export interface ConversationInfo {
  channelId: string;
  conversationId: string;
}

export interface EngineOptions {
  content: Content;
  maxMessageLength: number;
  retentionDays: number;
  createCase(draft: NewCase): Promise<CaseRecord>;
  /** Understands free text (intents, topics, risk); without one only exact phrases and patterns count. */
  recognizer?: Recognizer;
  now?: () => Date;
}

/** A recognised intent is acted on from this score up (choice questions, summary, consent). */
export const INTENT_THRESHOLD = 0.8;
/** In a free-text answer a story must never be taken for a command: a higher bar. */
export const FREE_TEXT_INTENT_THRESHOLD = 0.9;

/** What the channel knows before the conversation starts. */
export interface StartPreset {
  /** SCB code (such as "1780") or directory id of the person's municipality. */
  municipality?: string;
}

type Command = 'help' | 'back' | 'skip' | 'cancel' | 'restart';

/** Everything the engine needs for one locale, built once. */
interface LocaleKit {
  texts: Texts;
  views: Map<string, QuestionView>;
  recognizer: AnswerRecognizer;
  risk: RiskDetector;
  commands: Array<[Command, PhraseMatcher]>;
}

/** A mutable view of one turn: the state being changed and the replies being collected. */
interface Turn {
  state: InterviewState;
  kit: LocaleKit;
  replies: Reply[];
  erase: boolean;
  caseCreated?: string;
  handoff?: { contactName: string };
  conversation: ConversationInfo;
}

/** Card submit payloads the engine understands. */
interface SubmitData {
  intake?: 'answer' | 'confirm' | 'edit' | 'editMenu';
  question?: string;
  value?: unknown;
}

export class InterviewEngine {
  private readonly kits = new Map<string, LocaleKit>();
  private readonly catalog: TextCatalog;
  private readonly now: () => Date;

  constructor(private readonly options: EngineOptions) {
    this.catalog = new TextCatalog(options.content);
    this.now = options.now ?? (() => new Date());
    for (const locale of Object.keys(options.content.locales)) this.kit(locale);
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
   * from the municipality's own web page) answers the municipality question in advance; the person
   * sees it in the summary and can change it there. An unknown code is ignored.
   */
  start(localeTag: string | undefined, preset: StartPreset = {}): TurnResult {
    const state = newState(this.resolveLocale(localeTag), this.now());
    const municipality = this.findMunicipality(preset.municipality);
    if (municipality) {
      state.preset = { [this.options.content.bank.roles.municipality]: { kind: 'choice', option: municipality } };
      state.answers = { ...state.preset };
    }
    const kit = this.kit(state.locale);
    const { texts } = kit;
    const { directory } = this.options.content;
    const replies: Reply[] = [
      { type: 'text', text: texts.t('greeting.intro') },
      { type: 'text', text: texts.t('greeting.emergency') },
      {
        type: 'text',
        text: texts.t('greeting.privacy', {
          retentionDays: this.options.retentionDays,
          operator: directory.service.operator,
          privacyContact: directory.service.privacyContact,
        }),
      },
      this.consentPrompt(texts),
    ];
    return { state, replies, effects: {} };
  }

  /** The directory id of a municipality named by SCB code or id, if it is one. */
  findMunicipality(code: string | undefined): string | undefined {
    if (!code) return undefined;
    const wanted = code.trim().toLowerCase();
    return this.options.content.directory.organisations.find((o) => o.kind === 'municipality' && (o.scbCode === wanted || o.id === wanted))?.id;
  }

  /**
   * The answer to a message delivered a second time (a channel or load balancer retrying after an
   * instance died between saving the turn and acknowledging it): it was handled already, so nothing
   * changes; the current question is asked again, or, once the case exists, its reference is given
   * again instead of starting a new interview.
   */
  again(saved: InterviewState, conversation: ConversationInfo): TurnResult {
    const state: InterviewState = structuredClone(saved);
    const turn: Turn = { state, kit: this.kit(state.locale), replies: [], erase: false, conversation };
    if (state.phase === 'done' && state.caseReference) turn.replies.push({ type: 'text', text: turn.kit.texts.t('done.created', { reference: state.caseReference }) });
    else this.repeat(turn);
    return this.result(turn);
  }

  /** Handles one message from the person. */
  async handle(saved: InterviewState, input: Input, conversation: ConversationInfo): Promise<TurnResult> {
    const state: InterviewState = structuredClone(saved);
    const turn: Turn = { state, kit: this.kit(state.locale), replies: [], erase: false, conversation };
    const { texts } = turn.kit;

    if (state.phase === 'done') {
      const preset = state.preset?.[this.options.content.bank.roles.municipality];
      return this.start(state.locale, preset?.kind === 'choice' ? { municipality: preset.option } : {});
    }

    if (input.kind === 'unsupported') {
      turn.replies.push({ type: 'text', text: texts.t('reprompt.attachment') });
      this.repeat(turn);
      return this.result(turn);
    }
    if (input.kind === 'submit') {
      await this.onSubmit(turn, input.data as SubmitData);
      return this.result(turn);
    }

    const text = input.text;
    if (text.length > this.options.maxMessageLength) {
      turn.replies.push({ type: 'text', text: texts.t('reprompt.tooLong', { length: text.length, max: this.options.maxMessageLength }) });
      return this.result(turn);
    }
    const understood = this.needsUnderstanding(turn, text) ? await this.understand(state.locale, text) : undefined;
    // The trained model judges free text only: a clicked button or a recognised option ("Nej, skicka
    // inte") never reaches the recognizer. The patterns in risk.yaml look at everything.
    this.checkRisk(turn, text, understood, understood?.risk === 'acute');

    if (state.pending) {
      this.onPendingConfirmation(turn, text);
      return this.result(turn);
    }
    const command = this.command(turn, text);
    if (command) {
      this.onCommand(turn, command);
      return this.result(turn);
    }
    // After an alarm, a message like "I want to end it all" is not taken as "cancel the interview".
    const acuteNow = turn.replies.some((r) => r.type === 'emergency');
    const intent = acuteNow ? undefined : this.intentToActOn(turn, understood);
    if (intent) {
      if (this.inFreeTextQuestion(turn)) this.checkIntent(turn, intent, text);
      else this.onIntent(turn, intent);
      return this.result(turn);
    }
    // Topics read from a free-text answer replace what an earlier answer to the same question gave.
    if (understood && state.phase === 'asking' && state.current && turn.kit.views.get(state.current)?.kind === 'text') {
      state.suggestedTopics = { ...state.suggestedTopics, [state.current]: understood.topics.map((t) => t.topic) };
    }
    switch (state.phase) {
      case 'consent':
        this.onConsent(turn, text);
        break;
      case 'asking':
        this.onAnswer(turn, text);
        break;
      case 'summary':
        this.onSummaryInput(turn, text);
        break;
      case 'pickEdit':
        this.onPickEdit(turn, text);
        break;
      case 'share':
        await this.onShare(turn, text);
        break;
    }
    return this.result(turn);
  }

  // ---- phases -------------------------------------------------------------------------------

  private onConsent(turn: Turn, text: string): void {
    const yes = turn.kit.recognizer.yesNo(text);
    if (yes === undefined) {
      turn.replies.push({ type: 'text', text: turn.kit.texts.t('reprompt.yesno') }, this.consentPrompt(turn.kit.texts));
      return;
    }
    if (!yes) {
      this.decline(turn);
      return;
    }
    turn.state.phase = 'asking';
    turn.replies.push({ type: 'text', text: turn.kit.texts.t('greeting.begin') });
    this.next(turn);
  }

  private onAnswer(turn: Turn, text: string): void {
    const view = this.currentView(turn);
    const value = this.recognize(turn, view, text);
    if (!value) return;
    this.store(turn, view.id, value);
    this.next(turn);
  }

  private onSummaryInput(turn: Turn, text: string): void {
    const { texts, recognizer } = turn.kit;
    const n = recognizer.number(text);
    if (n !== undefined) {
      this.editItem(turn, n);
      return;
    }
    const matcher = new PhraseMatcher([texts.t('summary.confirm')]);
    if (matcher.matches(text) || recognizer.yesNo(text) === true) {
      this.beginSharing(turn);
      return;
    }
    if (new PhraseMatcher([texts.t('summary.edit'), texts.t('edit.pickButton')]).matches(text) || recognizer.yesNo(text) === false) {
      this.askWhichToEdit(turn);
      return;
    }
    turn.replies.push({ type: 'text', text: texts.t('summary.question') });
    this.showSummary(turn);
  }

  private onPickEdit(turn: Turn, text: string): void {
    const { texts, recognizer } = turn.kit;
    if (new PhraseMatcher([texts.t('edit.back')]).matches(text)) {
      this.showSummary(turn);
      return;
    }
    const n = recognizer.number(text);
    if (n === undefined) {
      turn.replies.push({ type: 'text', text: texts.t('edit.invalid', { max: this.summaryItems(turn).length }) });
      this.askWhichToEdit(turn);
      return;
    }
    this.editItem(turn, n);
  }

  private async onShare(turn: Turn, text: string): Promise<void> {
    const answer = turn.kit.recognizer.yesNo(text);
    if (answer === undefined) {
      turn.replies.push({ type: 'text', text: turn.kit.texts.t('reprompt.yesno') });
      this.askShare(turn);
      return;
    }
    const recipients = this.routing(turn).recipients;
    const recipient = recipients[turn.state.shareIndex];
    if (recipient) turn.state.consents[recipient.key] = answer;
    turn.state.shareIndex += 1;
    if (turn.state.shareIndex < recipients.length) {
      this.askShare(turn);
      return;
    }
    await this.finish(turn, recipients);
  }

  private async onSubmit(turn: Turn, data: SubmitData): Promise<void> {
    const { state } = turn;
    if (data?.intake === 'answer' && state.phase === 'asking' && data.question === state.current) {
      const view = this.currentView(turn);
      const raw = Array.isArray(data.value) ? data.value : typeof data.value === 'string' ? data.value.split(',') : [];
      const ids = raw.map((v) => String(v).trim()).filter((v) => view.options.some((o) => o.id === v));
      if (ids.length === 0 && !view.required) {
        this.onCommand(turn, 'skip');
        return;
      }
      const value = this.multiValue(turn, view, ids);
      if (!value) return;
      this.store(turn, view.id, value);
      this.next(turn);
      return;
    }
    if (data?.intake === 'confirm' && state.phase === 'summary') {
      this.beginSharing(turn);
      return;
    }
    if (data?.intake === 'editMenu' && (state.phase === 'summary' || state.phase === 'pickEdit')) {
      this.askWhichToEdit(turn);
      return;
    }
    if (data?.intake === 'edit' && (state.phase === 'summary' || state.phase === 'pickEdit')) {
      const item = this.summaryItems(turn).find((i) => i.questionId === data.question);
      if (item) {
        this.editItem(turn, item.number);
        return;
      }
    }
    // An old card clicked later, or a card we do not know: explain and ask again.
    turn.replies.push({ type: 'text', text: turn.kit.texts.t('reprompt.unknownInput') });
    this.repeat(turn);
  }

  // ---- commands -----------------------------------------------------------------------------

  /**
   * The command the text names. In a free-text question only the plain command counts, not a close
   * spelling of it, so a story is never mistaken for a command.
   */
  private command(turn: Turn, text: string): Command | undefined {
    return this.commandNamed(turn.kit, text, this.inFreeTextQuestion(turn));
  }

  /** The first command one of whose phrases the text is: as written when `exactOnly`, else also with a slip. */
  private commandNamed(kit: LocaleKit, text: string, exactOnly: boolean): Command | undefined {
    for (const [name, matcher] of kit.commands) {
      const m = matcher.match(text);
      if (m && (!exactOnly || m.distance === 0)) return name;
    }
    return undefined;
  }

  /**
   * Whether a recognizer has anything to add to the text. Not for a button, an option or a yes/no
   * where one is expected, nor for a command typed exactly as one of its phrases in locales/
   * ("hjälp", "tillbaka"): the engine acts on those whatever a recognizer says, so its intent and
   * topics would go unused and its model's risk verdict is not taken on them. The risk patterns still
   * look at them (checkRisk). With LUIS or CLU this spares a billed call and a round trip on most
   * turns of an interview; the embedded recognizer, a tenth of a turn's CPU.
   */
  private needsUnderstanding(turn: Turn, text: string): boolean {
    if (this.isStructuredAnswer(turn, text)) return false;
    return turn.state.pending !== undefined || this.commandNamed(turn.kit, text, true) === undefined;
  }

  /** What the recognizer makes of the text; a failing recognizer never breaks the turn. */
  private async understand(locale: string, text: string): Promise<Recognition | undefined> {
    if (!this.options.recognizer || !text.trim()) return undefined;
    try {
      return await this.options.recognizer.recognize(text, locale);
    } catch {
      return undefined;
    }
  }

  /**
   * The intent to act on, if any. An answer that fits the question ("nej" to a yes/no question,
   * an option, a number) is always an answer: it is never sent to the recognizer
   * (needsUnderstanding), so it has no intent here. A free-text answer needs a very sure intent.
   */
  private intentToActOn(turn: Turn, understood: Recognition | undefined): Intent | undefined {
    if (!understood || understood.intent === 'none') return undefined;
    const { state, kit } = turn;
    const view = state.phase === 'asking' && state.current ? kit.views.get(state.current) : undefined;
    const threshold = view?.kind === 'text' ? FREE_TEXT_INTENT_THRESHOLD : INTENT_THRESHOLD;
    return understood.intentScore >= threshold ? understood.intent : undefined;
  }

  /** Whether the text is a button, an option or a yes/no where one is expected, rather than free text. */
  private isStructuredAnswer(turn: Turn, text: string): boolean {
    const { state, kit } = turn;
    if (state.pending) return kit.recognizer.yesNo(text) !== undefined || kit.recognizer.number(text) !== undefined;
    if (state.phase === 'asking') {
      const view = state.current ? kit.views.get(state.current) : undefined;
      return view !== undefined && view.kind !== 'text' && this.fitsAnswer(kit, view, text);
    }
    return this.phaseUnderstands(kit, state, text);
  }

  /** Whether the summary, edit, share or consent step takes the text as its own answer or button. */
  private phaseUnderstands(kit: LocaleKit, state: InterviewState, text: string): boolean {
    const { recognizer, texts } = kit;
    if (recognizer.yesNo(text) !== undefined || recognizer.number(text) !== undefined) return true;
    const buttons: Partial<Record<InterviewState['phase'], string[]>> = {
      summary: [texts.t('summary.confirm'), texts.t('summary.edit'), texts.t('edit.pickButton')],
      pickEdit: [texts.t('edit.back')],
      consent: [texts.t('greeting.consentYes'), texts.t('greeting.consentNo')],
    };
    const own = buttons[state.phase];
    return own !== undefined && new PhraseMatcher(own).matches(text);
  }

  private fitsAnswer(kit: LocaleKit, view: QuestionView, text: string): boolean {
    const r = kit.recognizer;
    switch (view.kind) {
      case 'yesno':
        return r.yesNo(text) !== undefined;
      case 'scale':
        return r.scale(text, view.scale!.min, view.scale!.max) !== undefined;
      case 'choice':
        return r.choice(text, view.options).kind !== 'none';
      case 'multi':
        return r.multi(text, view.options) !== undefined;
      default:
        return true;
    }
  }

  private inFreeTextQuestion(turn: Turn): boolean {
    const { state, kit } = turn;
    return state.phase === 'asking' && state.current !== undefined && kit.views.get(state.current)?.kind === 'text';
  }

  /**
   * A free-text answer that reads like a request: ask before acting, and keep the text so that a
   * "no" stores it as the answer. Cancel, restart and forget have their own confirmation.
   */
  private checkIntent(turn: Turn, intent: Intent, text: string): void {
    const { state } = turn;
    state.heldAnswer = text;
    if (intent === 'cancel' || intent === 'restart' || intent === 'forget_me') {
      this.onIntent(turn, intent);
      return;
    }
    if (intent === 'none') return;
    state.pending = 'intent';
    state.pendingIntent = intent;
    this.askPending(turn);
  }

  /** The person said a held free-text answer was an answer after all: store it and go on. */
  private takeHeldAnswer(turn: Turn): boolean {
    const { state } = turn;
    const held = state.heldAnswer;
    delete state.heldAnswer;
    if (held === undefined || state.phase !== 'asking' || !state.current) return false;
    this.onAnswer(turn, held);
    return true;
  }

  private onIntent(turn: Turn, intent: Intent): void {
    const { state } = turn;
    switch (intent) {
      case 'human':
        this.offerHuman(turn);
        return;
      case 'forget_me':
        state.pending = 'forget';
        this.askPending(turn);
        return;
      case 'language':
        state.pending = 'language';
        this.askPending(turn);
        return;
      case 'none':
        return;
      default:
        this.onCommand(turn, intent);
    }
  }

  /** "Can I talk to a person?": who to call and when, a handoff where the channel has one, then on. */
  private offerHuman(turn: Turn): void {
    const { state, kit } = turn;
    const { directory } = this.options.content;
    const municipalityAnswer = state.answers[this.options.content.bank.roles.municipality];
    const municipality =
      municipalityAnswer?.kind === 'choice' ? directory.organisations.find((o) => o.kind === 'municipality' && o.id === municipalityAnswer.option) : undefined;
    // The municipality's contact centre, else its first contact point with a phone, else the shared
    // guidance service.
    const contact =
      municipality?.contacts.find((c) => c.type === 'kontaktcenter') ??
      municipality?.contacts.find((c) => c.phone) ??
      directory.organisations.find((o) => o.kind === 'fallback')!.contacts.find((c) => c.type === 'samordning')!;
    const name = municipality && !contact.name.includes(municipality.name) ? `${contact.name}, ${municipality.name}` : contact.name;
    turn.replies.push({
      type: 'text',
      text: contact.phone
        ? kit.texts.t('human.offer', { name, phone: contact.phone, hours: contact.hours ?? kit.texts.t('human.hoursUnknown') })
        : kit.texts.t('human.offerNoPhone', { name }),
    });
    turn.handoff = { contactName: name };
    turn.replies.push({ type: 'text', text: kit.texts.t('human.continue') });
    this.repeat(turn);
  }

  /** The languages to choose from, each named in its own language. */
  private languageChoices(): Array<{ locale: string; label: string; matcher: PhraseMatcher }> {
    return Object.keys(this.options.content.locales).map((locale) => {
      const kit = this.kit(locale);
      const label = kit.texts.t('language.name');
      return { locale, label, matcher: new PhraseMatcher([label, ...this.options.content.locales[locale]!.phrases.languageNames]) };
    });
  }

  private onLanguageChoice(turn: Turn, text: string): void {
    const { state } = turn;
    const choices = this.languageChoices();
    const n = turn.kit.recognizer.number(text);
    const chosen = (n !== undefined ? choices[n - 1] : undefined) ?? choices.find((c) => c.matcher.matches(text));
    if (!chosen) {
      if (turn.kit.recognizer.yesNo(text) === false || this.command(turn, text) === 'cancel') {
        delete state.pending;
        turn.replies.push({ type: 'text', text: turn.kit.texts.t('language.kept') });
        this.repeat(turn);
        return;
      }
      turn.replies.push({ type: 'text', text: turn.kit.texts.t('reprompt.choice') });
      this.askPending(turn);
      return;
    }
    delete state.pending;
    state.locale = chosen.locale;
    turn.kit = this.kit(chosen.locale);
    turn.replies.push({ type: 'text', text: turn.kit.texts.t('language.switched') });
    this.repeat(turn);
  }

  private onCommand(turn: Turn, command: Command): void {
    const { state, kit } = turn;
    const { texts } = kit;
    if (state.phase === 'consent') {
      if (command === 'cancel') this.decline(turn);
      else {
        if (command === 'help') turn.replies.push({ type: 'text', text: texts.t('help.general') });
        else turn.replies.push({ type: 'text', text: texts.t('reprompt.yesno') });
        turn.replies.push(this.consentPrompt(texts));
      }
      return;
    }
    switch (command) {
      case 'help': {
        const view = state.phase === 'asking' ? this.currentView(turn) : undefined;
        turn.replies.push({ type: 'text', text: view?.help ? `${view.help}\n\n${texts.t('help.general')}` : texts.t('help.general') });
        this.repeat(turn);
        return;
      }
      case 'cancel':
      case 'restart':
        state.pending = command;
        this.askPending(turn);
        return;
      case 'back':
        this.back(turn);
        return;
      case 'skip':
        this.skip(turn);
        return;
    }
  }

  private onPendingConfirmation(turn: Turn, text: string): void {
    const { state, kit } = turn;
    if (state.pending === 'language') {
      this.onLanguageChoice(turn, text);
      return;
    }
    const yes = kit.recognizer.yesNo(text);
    if (yes === undefined) {
      turn.replies.push({ type: 'text', text: kit.texts.t('reprompt.yesno') });
      this.askPending(turn);
      return;
    }
    const pending = state.pending!;
    const pendingIntent = state.pendingIntent;
    delete state.pending;
    delete state.pendingIntent;
    if (!yes) {
      if (this.takeHeldAnswer(turn)) return;
      turn.replies.push({ type: 'text', text: kit.texts.t('cancel.resumed') });
      this.repeat(turn);
      return;
    }
    delete state.heldAnswer;
    if (pending === 'intent') {
      if (pendingIntent) this.onIntent(turn, pendingIntent);
      return;
    }
    if (pending === 'cancel' || pending === 'forget') {
      turn.replies.push({ type: 'text', text: kit.texts.t(`${pending}.done`) });
      turn.erase = true;
      return;
    }
    // Restart: answers go, consent to talk and any risk flag stay (a cry for help is not undone).
    Object.assign(state, { answers: { ...state.preset }, skipped: [], history: [], consents: {}, suggestedTopics: {}, shareIndex: 0, phase: 'asking' });
    delete state.current;
    delete state.lastGroup;
    turn.replies.push({ type: 'text', text: kit.texts.t('restart.done') });
    this.next(turn);
  }

  private askPending(turn: Turn): void {
    const { texts } = turn.kit;
    if (turn.state.pending === 'language') {
      const choices = this.languageChoices();
      turn.replies.push({ type: 'prompt', text: texts.t('language.question'), hints: [], buttons: choices.map((c) => ({ label: c.label })) });
      return;
    }
    if (turn.state.pending === 'intent') {
      turn.replies.push({
        type: 'prompt',
        text: texts.t(`intentCheck.${turn.state.pendingIntent ?? 'help'}`),
        hints: [],
        buttons: [{ label: texts.t('intentCheck.yes') }, { label: texts.t('intentCheck.no') }],
      });
      return;
    }
    const key = turn.state.pending ?? 'restart';
    turn.replies.push({
      type: 'prompt',
      text: texts.t(`${key}.confirm`),
      hints: [],
      buttons: [{ label: texts.t(`${key}.confirmYes`) }, { label: texts.t(`${key}.confirmNo`) }],
    });
  }

  private back(turn: Turn): void {
    const { state, kit } = turn;
    const questions = this.options.content.bank.questions;
    const applicable = state.history.filter((id) => id !== state.current && isApplicable(questions.find((q) => q.id === id)!, state.answers));
    const previous = applicable.at(-1);
    if (!previous) {
      turn.replies.push({ type: 'text', text: kit.texts.t('back.none') });
      this.repeat(turn);
      return;
    }
    state.history = state.history.filter((id) => id !== previous);
    state.phase = 'asking';
    state.current = previous;
    turn.replies.push({ type: 'text', text: kit.texts.t('back.ok') });
    this.ask(turn, previous);
  }

  private skip(turn: Turn): void {
    const { state, kit } = turn;
    if (state.phase !== 'asking') {
      this.repeat(turn);
      return;
    }
    const view = this.currentView(turn);
    if (view.required) {
      turn.replies.push({ type: 'text', text: kit.texts.t('reprompt.required') });
      this.ask(turn, view.id);
      return;
    }
    // Skipping a question one went back to keeps the earlier answer.
    if (!state.answers[view.id] && !state.skipped.includes(view.id)) state.skipped.push(view.id);
    this.remember(state, view.id);
    turn.replies.push({ type: 'text', text: kit.texts.t('skip.ok') });
    this.next(turn);
  }

  // ---- answers ------------------------------------------------------------------------------

  /** The stored form of a typed answer, or undefined after telling the person what to fix. */
  private recognize(turn: Turn, view: QuestionView, text: string): AnswerValue | undefined {
    const { texts, recognizer } = turn.kit;
    const retry = (key: string, params?: Record<string, string | number>) => {
      turn.replies.push({ type: 'text', text: texts.t(key, params) });
      this.ask(turn, view.id, { quiet: true });
      return undefined;
    };
    switch (view.kind) {
      case 'text': {
        if (!text.trim()) return retry('reprompt.empty');
        if (view.format === 'personnummer') {
          const r = checkPersonnummer(text, this.now());
          return r.ok ? { kind: 'text', text: r.value } : retry(`reprompt.personnummer.${r.reason}`);
        }
        if (view.format === 'phone') {
          const phone = checkPhone(text);
          return phone ? { kind: 'text', text: phone } : retry('reprompt.phone');
        }
        return { kind: 'text', text };
      }
      case 'yesno': {
        const yes = recognizer.yesNo(text);
        return yes === undefined ? retry('reprompt.yesno') : { kind: 'yesno', value: yes ? 'yes' : 'no' };
      }
      case 'scale': {
        const { min, max } = view.scale!;
        const n = recognizer.scale(text, min, max);
        return n === undefined ? retry('reprompt.scale', { min, max }) : { kind: 'scale', value: n };
      }
      case 'choice': {
        const r = recognizer.choice(text, view.options);
        if (r.kind === 'match') return { kind: 'choice', option: r.id };
        if (r.kind === 'ambiguous') {
          const labels = r.ids.map((id) => `"${view.options.find((o) => o.id === id)!.label}"`).join(' / ');
          return retry('reprompt.choiceAmbiguous', { options: labels });
        }
        return retry('reprompt.choice');
      }
      case 'multi': {
        const ids = recognizer.multi(text, view.options);
        return ids ? this.multiValue(turn, view, ids) : retry('reprompt.choice');
      }
    }
  }

  private multiValue(turn: Turn, view: QuestionView, ids: string[]): AnswerValue | undefined {
    const exclusive = ids.find((id) => view.exclusive.includes(id));
    if (exclusive && ids.length > 1) {
      const label = view.options.find((o) => o.id === exclusive)!.label;
      turn.replies.push({ type: 'text', text: turn.kit.texts.t('reprompt.exclusive', { option: label }) });
      this.ask(turn, view.id, { quiet: true });
      return undefined;
    }
    return { kind: 'multi', options: ids };
  }

  private store(turn: Turn, questionId: string, value: AnswerValue): void {
    const { state } = turn;
    state.answers[questionId] = value;
    state.skipped = state.skipped.filter((id) => id !== questionId);
    this.remember(state, questionId);
    // Answers to questions that no longer apply (after a change) are not kept.
    for (const q of this.options.content.bank.questions) {
      if (!isApplicable(q, state.answers)) {
        delete state.answers[q.id];
        state.skipped = state.skipped.filter((id) => id !== q.id);
        state.history = state.history.filter((id) => id !== q.id);
      }
    }
  }

  private remember(state: InterviewState, questionId: string): void {
    state.history = [...state.history.filter((id) => id !== questionId), questionId];
  }

  // ---- flow ---------------------------------------------------------------------------------

  /** Asks the first applicable question not yet answered or skipped, or shows the summary. */
  private next(turn: Turn): void {
    const { state } = turn;
    const next = this.options.content.bank.questions.find(
      (q) => isApplicable(q, state.answers) && !state.answers[q.id] && !state.skipped.includes(q.id),
    );
    if (next) {
      state.phase = 'asking';
      state.current = next.id;
      this.ask(turn, next.id);
      return;
    }
    delete state.current;
    this.showSummary(turn);
  }

  /** Repeats whatever the person was last asked. */
  private repeat(turn: Turn): void {
    const { state } = turn;
    if (state.pending) this.askPending(turn);
    else if (state.phase === 'consent') turn.replies.push(this.consentPrompt(turn.kit.texts));
    else if (state.phase === 'asking' && state.current) this.ask(turn, state.current, { quiet: true });
    else if (state.phase === 'summary') this.showSummary(turn);
    else if (state.phase === 'pickEdit') this.askWhichToEdit(turn);
    else if (state.phase === 'share') this.askShare(turn);
  }

  private ask(turn: Turn, questionId: string, opts: { quiet?: boolean } = {}): void {
    const { state, kit } = turn;
    const { texts } = kit;
    const view = kit.views.get(questionId)!;
    const groups = this.options.content.bank.groups;
    if (!opts.quiet && state.lastGroup !== view.group) {
      state.lastGroup = view.group;
      turn.replies.push({
        type: 'text',
        text: texts.t('question.groupIntro', { part: groups.indexOf(view.group) + 1, parts: groups.length, title: texts.t(`groups.${view.group}`) }),
      });
    }
    const forOther = this.answeringForOther(state);
    const hints: string[] = [];
    const existing = state.answers[questionId];
    if (existing) hints.push(texts.t('question.previousAnswer', { answer: displayAnswer(view, existing, texts) }));
    let buttons: Button[] = [];
    let multiSelect: Extract<Reply, { type: 'prompt' }>['multiSelect'];
    switch (view.kind) {
      case 'yesno':
        buttons = [{ label: texts.t('question.yes') }, { label: texts.t('question.no') }];
        break;
      case 'choice':
        buttons = view.options.map((o) => ({ label: o.label }));
        break;
      case 'scale': {
        const s = view.scale!;
        hints.unshift(texts.t('question.scaleHint', { min: s.min, max: s.max, low: s.low, high: s.high }));
        for (let i = s.min; i <= s.max; i++) buttons.push({ label: String(i) });
        break;
      }
      case 'multi':
        multiSelect = { questionId: view.id, options: view.options.map((o) => ({ id: o.id, label: o.label })), submitLabel: texts.t('question.doneButton') };
        break;
      case 'text':
        break;
    }
    if (!view.required) buttons.push({ label: texts.t('question.skipButton') });
    turn.replies.push({
      type: 'prompt',
      text: forOther && view.textOther ? view.textOther : view.text,
      hints,
      buttons,
      ...(multiSelect ? { multiSelect } : {}),
    });
  }

  private consentPrompt(texts: Texts): Reply {
    return {
      type: 'prompt',
      text: texts.t('greeting.consentQuestion'),
      hints: [],
      buttons: [{ label: texts.t('greeting.consentYes') }, { label: texts.t('greeting.consentNo') }],
    };
  }

  private decline(turn: Turn): void {
    turn.replies.push({ type: 'text', text: turn.kit.texts.t('greeting.declined') });
    turn.erase = true;
  }

  // ---- summary, edit, share -----------------------------------------------------------------

  private routing(turn: Turn) {
    return route(this.options.content, turn.state.answers);
  }

  private summaryView(turn: Turn, kit: LocaleKit = turn.kit) {
    const { state } = turn;
    return buildSummary(this.options.content, kit.views, kit.texts, {
      answers: state.answers,
      skipped: state.skipped,
      urgent: state.urgent,
      routing: this.routing(turn),
      ...(state.suggestedTopics ? { suggestedTopics: state.suggestedTopics } : {}),
    });
  }

  private summaryItems(turn: Turn) {
    return this.summaryView(turn).sections.flatMap((s) => s.items);
  }

  private showSummary(turn: Turn): void {
    const { texts } = turn.kit;
    turn.state.phase = 'summary';
    const view = this.summaryView(turn);
    turn.replies.push({
      type: 'summary',
      intro: texts.t('summary.intro'),
      view,
      plainText: summaryToText(view, texts),
      question: texts.t('summary.question'),
      confirmLabel: texts.t('summary.confirm'),
      editLabel: texts.t('summary.edit'),
      editButtonLabel: texts.t('edit.pickButton'),
    });
  }

  private askWhichToEdit(turn: Turn): void {
    const { texts } = turn.kit;
    turn.state.phase = 'pickEdit';
    turn.replies.push({ type: 'prompt', text: texts.t('edit.pick'), hints: [], buttons: [{ label: texts.t('edit.back') }] });
  }

  private editItem(turn: Turn, number: number): void {
    const items = this.summaryItems(turn);
    const item = items.find((i) => i.number === number);
    if (!item) {
      turn.replies.push({ type: 'text', text: turn.kit.texts.t('edit.invalid', { max: items.length }) });
      this.askWhichToEdit(turn);
      return;
    }
    const { state } = turn;
    state.phase = 'asking';
    state.current = item.questionId;
    state.history = state.history.filter((id) => id !== item.questionId);
    this.ask(turn, item.questionId, { quiet: true });
  }

  private beginSharing(turn: Turn): void {
    turn.state.phase = 'share';
    turn.state.shareIndex = 0;
    turn.state.consents = {};
    this.askShare(turn);
  }

  private askShare(turn: Turn): void {
    const { texts } = turn.kit;
    const recipient = this.routing(turn).recipients[turn.state.shareIndex]!;
    turn.replies.push({
      type: 'prompt',
      text: texts.t('share.ask', { recipient: recipient.contactName, when: whenText(texts, recipient) }),
      hints: [],
      buttons: [{ label: texts.t('share.yes') }, { label: texts.t('share.no') }],
    });
  }

  private async finish(turn: Turn, recipients: Recipient[]): Promise<void> {
    const { state, kit } = turn;
    const { texts } = kit;
    const consented = recipients.filter((r) => state.consents[r.key]);
    if (consented.length === 0) {
      turn.replies.push({ type: 'text', text: texts.t('share.noneConsented') });
      turn.erase = true;
      return;
    }
    const record = await this.options.createCase(this.caseDraft(turn, recipients));
    turn.caseCreated = record.reference;
    const lines = [texts.t('done.created', { reference: record.reference })];
    for (const r of consented) lines.push(texts.t('done.contact', { name: r.contactName, when: whenText(texts, r) }));
    for (const r of recipients.filter((x) => !state.consents[x.key])) lines.push(texts.t('done.notSent', { name: r.contactName }));
    if (state.urgent) lines.push(texts.t('done.urgent'));
    lines.push(texts.t('done.closing'));
    turn.replies.push({ type: 'text', text: lines.join('\n\n') });
    // The answers now live in the case; the conversation state keeps only the reference.
    Object.assign(state, { phase: 'done', answers: {}, skipped: [], history: [], consents: {}, suggestedTopics: {}, caseReference: record.reference });
    delete state.current;
  }

  private caseDraft(turn: Turn, recipients: Recipient[]): NewCase {
    const { state } = turn;
    const { content } = this.options;
    // Staff always read Swedish: the summary for the case uses the default locale; free text stays as written.
    const staffKit = this.kit(content.defaultLocale);
    const summary = this.summaryView(turn, staffKit);
    const municipalityAnswer = state.answers[content.bank.roles.municipality];
    const org =
      municipalityAnswer?.kind === 'choice'
        ? content.directory.organisations.find((o) => o.kind === 'municipality' && o.id === municipalityAnswer.option)
        : undefined;
    const respondent = state.answers[content.bank.roles.respondent];
    const routing = this.routing(turn);
    return {
      idempotencyKey: `${turn.conversation.channelId}/${turn.conversation.conversationId}/${state.startedAt}`,
      createdAt: this.now().toISOString(),
      locale: state.locale,
      urgent: state.urgent,
      riskCategories: [...state.risk],
      respondent: respondent?.kind === 'choice' && respondent.option === content.bank.roles.respondentOtherOption ? 'other' : 'self',
      municipality: org ? { id: org.id, name: org.name, ...(org.scbCode ? { scbCode: org.scbCode } : {}) } : null,
      topics: routing.topics,
      sipSuggested: routing.sipSuggested,
      suggestedTopics: [...new Set(Object.values(state.suggestedTopics ?? {}).flat())].filter((t) => !routing.topics.includes(t)),
      recipients: recipients.map((r) => ({ ...r, consent: state.consents[r.key] === true })),
      answers: structuredClone(state.answers),
      summary,
      summaryText: summaryToText(summary, staffKit.texts),
      conversation: { ...turn.conversation },
    };
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** Patterns (data) and the recognizer's risk signal: either is enough to show the emergency numbers. */
  private checkRisk(turn: Turn, text: string, understood: Recognition | undefined, recognizedAcute: boolean): void {
    // The recognizer already ran the patterns; without one (or when it failed) the engine runs them.
    const categories = understood ? understood.riskCategories : turn.kit.risk.detect(text);
    if (categories.length === 0 && !recognizedAcute) return;
    const { state, kit } = turn;
    state.urgent = true;
    state.risk = [...new Set<RiskCategory>([...state.risk, ...categories])];
    turn.replies.push({
      type: 'emergency',
      intro: kit.texts.t('emergency.intro'),
      title: kit.texts.t('emergency.listTitle'),
      numbers: this.options.content.emergency.numbers.map((n) => ({ number: n.number, label: kit.texts.t(`emergency.numbers.${n.id}`) })),
      outro: kit.texts.t('emergency.outro'),
    });
  }

  private answeringForOther(state: InterviewState): boolean {
    const roles = this.options.content.bank.roles;
    const a = state.answers[roles.respondent];
    return a?.kind === 'choice' && a.option === roles.respondentOtherOption;
  }

  private currentView(turn: Turn): QuestionView {
    const id = turn.state.current;
    const view = id ? turn.kit.views.get(id) : undefined;
    if (!view) throw new Error(`interview state names no current question (phase ${turn.state.phase})`);
    return view;
  }

  private result(turn: Turn): TurnResult {
    return {
      state: turn.erase ? undefined : turn.state,
      replies: turn.replies,
      effects: {
        ...(turn.erase ? { erase: true } : {}),
        ...(turn.caseCreated ? { caseCreated: turn.caseCreated } : {}),
        ...(turn.handoff ? { handoff: turn.handoff } : {}),
      },
    };
  }

  private kit(locale: string): LocaleKit {
    let kit = this.kits.get(locale);
    if (!kit) {
      const l = this.options.content.locales[locale];
      if (!l) throw new Error(`no content for locale "${locale}"`);
      const texts = this.catalog.forLocale(locale);
      kit = {
        texts,
        views: buildQuestionViews(this.options.content, locale, texts),
        recognizer: new AnswerRecognizer(l.phrases),
        risk: new RiskDetector(l.risk),
        commands: (['help', 'back', 'skip', 'cancel', 'restart'] as const).map((c) => [c, new PhraseMatcher(l.phrases.commands[c])]),
      };
      this.kits.set(locale, kit);
    }
    return kit;
  }
}

/** "De hör vanligen av sig inom 5 arbetsdagar." */
export function whenText(texts: Texts, recipient: Pick<Recipient, 'responseDays'>): string {
  return recipient.responseDays === 0 ? texts.t('when.today') : texts.t('when.days', { count: recipient.responseDays });
}
