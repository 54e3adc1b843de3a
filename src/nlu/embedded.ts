/**
 * The default recognizer: offline, no cloud account. For each language with training data it
 * trains two Naive Bayes text classifiers (wink-naive-bayes-text-classifier), for intents and
 * routing topics, and a logistic regression for risk (./logistic.ts), which weighs features against
 * each other: "slår mig" next to "kortspel" is not the "slår mig" of a threat. The text is prepared
 * with nlp.js's language tools (normalising, tokenising and stemming for Swedish and English) into
 * stems, pairs of stems ("inte_orka"), for risk also stems one word apart and the first and last
 * stem, and letter groups of each word, so dialect and spelling slips ("int", "hjalp") still share
 * features with the examples; risk reads the text with diacritics folded. The risk model is one voice
 * of the safety net (src/core/safety/assessor.ts), which reads every sentence and clause with it and
 * with the patterns of locales/<lang>/risk.yaml: `Recognition.safety`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { containerBootstrap } from '@nlpjs/core';
import naiveBayes from 'wink-naive-bayes-text-classifier';
import type { RiskPatterns, RoutingTopic } from '../core/content/schema.js';
import { INTENTS, type Intent, type Recognition, type Recognizer } from '../core/nlu/recognizer.js';
import { RiskDetector } from '../core/risk.js';
import { SafetyAssessor, sentencesOf, withBase, wrap } from '../core/safety/assessor.js';
import { fold } from '../core/safety/fold.js';
import { FeatureTable, IndexedExamples, LOGISTIC_DEFAULTS, LogisticRegression, type FeatureNumbering, type LogisticJson, type LogisticOptions } from './logistic.js';
import { folderContents, modelKey, packageVersion, type ModelCache } from './model-cache.js';
import { loadTrainingData, trainedLanguages, type TrainingData } from './training-data.js';
import type { TrainRequest } from './train-worker.js';

/**
 * nlp.js language plugins by language, each loaded when its language's model is first made (English
 * is not at a start that reads the cache); a language without one cannot be trained.
 */
const LANGUAGE_PLUGINS: Record<string, () => Promise<unknown>> = {
  sv: async () => (await import('@nlpjs/lang-sv')).LangSv,
  en: async () => (await import('@nlpjs/lang-en')).LangEn,
};

/** A topic is suggested from this probability up. */
export const TOPIC_THRESHOLD = 0.5;
/** At most this many topics are suggested for one text. */
const MAX_TOPICS = 2;
/**
 * The risk model averages this many logistic regressions trained in different orders: one model's
 * scores near the threshold move with the order of its training examples; the average moves less.
 */
const RISK_MODELS = 3;
/** Passes of the pilot model that places the danger of long acute training texts (RiskModel.picked). */
const PILOT_EPOCHS = 5;

/** The features each classifier looks at (chosen by cross-validation on the training data). */
const FEATURES = {
  intents: { pairs: true, letters: [] },
  topics: { pairs: true, letters: [3, 4] },
  // Word order carries risk: "inte_leva" and "vill__leva" (one word between), and where a text
  // begins and ends ("^_han" for a story about someone else, "sedan_$" for one placed in the past).
  risk: { pairs: true, skips: true, edges: true, letters: [3, 4, 5], fold: true },
} as const;

export interface FeatureSettings {
  pairs: boolean;
  /** Pairs of stems with one word between them. */
  skips?: boolean;
  /** Pairs with the start (^) and end ($) of the text. */
  edges?: boolean;
  letters: readonly number[];
  /** Read the text with diacritics folded (å → a), as the safety net does. */
  fold?: boolean;
}

interface TextTools {
  normalize(text: string): string;
  tokenize(text: string, normalize: boolean): string[];
  stem(tokens: string[]): string[];
}

/** Words whose stems are remembered (about a megabyte); the memo starts over when full. */
const STEM_MEMO_SIZE = 20_000;

/** nlp.js's normaliser, tokeniser and stemmer for a language. */
async function textTools(language: string): Promise<TextTools> {
  const container = await containerBootstrap();
  container.use(await LANGUAGE_PLUGINS[language]!());
  const normalizer = container.get(`normalizer-${language}`) as { normalize(t: string): string };
  const tokenizer = container.get(`tokenizer-${language}`) as { tokenize(t: string, n: boolean): string[] };
  const stemmer = container.get(`stemmer-${language}`) as { stem(t: string[]): string[] };
  // The safety net reads a message's clauses, its sentences and the whole, so the same words are
  // stemmed several times per message: stems are remembered per word (a bounded memo).
  const memo = new Map<string, string>();
  const stemOne = (token: string): string => {
    let stem = memo.get(token);
    if (stem === undefined) {
      stem = stemmer.stem([token])[0] ?? token;
      if (memo.size >= STEM_MEMO_SIZE) memo.clear();
      memo.set(token, stem);
    }
    return stem;
  };
  return { normalize: (t) => normalizer.normalize(t), tokenize: (t, n) => tokenizer.tokenize(t, n), stem: (t) => t.map(stemOne) };
}

/** Stems, stem pairs and letter groups of each word (marked with < and > at its ends). */
export function features(tools: TextTools, text: string, settings: FeatureSettings): string[] {
  const tokens = tools.tokenize(tools.normalize(settings.fold ? fold(text) : text), true).filter((t) => t.length > 0);
  const stems = tools.stem(tokens);
  const out = [...stems];
  const ordered = settings.edges ? ['^', ...stems, '$'] : stems;
  if (settings.pairs) for (let i = 0; i + 1 < ordered.length; i++) out.push(`${ordered[i]}_${ordered[i + 1]}`);
  if (settings.skips) for (let i = 0; i + 2 < ordered.length; i++) out.push(`${ordered[i]}__${ordered[i + 2]}`);
  for (const n of settings.letters) {
    for (const token of tokens) {
      const word = `<${token}>`;
      for (let i = 0; i + n <= word.length; i++) out.push(`#${word.slice(i, i + n)}`);
    }
  }
  return out;
}

/** A trained classifier answering a probability per label (one label against all the others). */
class Classifier {
  private constructor(private readonly model: ReturnType<typeof naiveBayes>) {}

  /** wink's classifier with our features as its preparation (and its configuration). */
  private static prepared(tools: TextTools, settings: FeatureSettings, smoothingFactor: number): ReturnType<typeof naiveBayes> {
    const model = naiveBayes();
    // wink prepares the text again for every label it scores (computeOdds calls its prep tasks once
    // per label): the last text's features are kept, so a message is tokenised and stemmed once.
    let last: { text: string; features: string[] } | undefined;
    model.definePrepTasks([
      (text: string) => {
        if (last?.text !== text) last = { text, features: features(tools, text, settings) };
        return last.features;
      },
    ]);
    model.defineConfig({ considerOnlyPresence: true, smoothingFactor });
    return model;
  }

  static train(tools: TextTools, settings: FeatureSettings, examples: Record<string, string[]>, smoothingFactor = 0.5): Classifier {
    const model = Classifier.prepared(tools, settings, smoothingFactor);
    for (const [label, lines] of Object.entries(examples)) for (const line of lines) model.learn(line, label);
    model.consolidate();
    return new Classifier(model);
  }

  /** wink's own export (its config, counts and vocabulary): the JSON text it writes, as UTF-8 bytes. */
  toJSON(): Uint8Array {
    return new TextEncoder().encode(this.model.exportJSON());
  }

  static fromJSON(json: unknown, tools: TextTools, settings: FeatureSettings): Classifier {
    if (!(json instanceof Uint8Array)) throw new Error('a classifier is not the bytes of its JSON');
    const model = Classifier.prepared(tools, settings, 0.5);
    // importJSON brings back the smoothing factor it was trained with.
    model.importJSON(Buffer.from(json.buffer, json.byteOffset, json.byteLength).toString('utf8'));
    model.consolidate();
    return new Classifier(model);
  }

  /** Labels with probabilities, best first; empty when no word of the text was ever seen. */
  scores(text: string): Array<{ label: string; score: number }> {
    const odds = this.model.computeOdds(text);
    if (odds.length === 1 && odds[0]![0] === 'unknown') return [];
    // log2 odds of a label against the rest, as a probability.
    return odds.map(([label, log2Odds]) => ({ label, score: 1 / (1 + 2 ** -log2Odds) }));
  }
}

/** The risk model for the cache: its feature numbering (FeatureTable.encode) and each averaged regression. */
interface RiskModelJson {
  features: ReturnType<typeof FeatureTable.encode>;
  models: LogisticJson[];
}

/** The risk model: the probability that a text signals acute risk. */
class RiskModel {
  private constructor(
    private readonly tools: TextTools,
    private readonly settings: FeatureSettings,
    private readonly examples: FeatureNumbering,
    private readonly models: LogisticRegression[],
    /** The feature names in numbering order, when trained in this process (what the cache keeps). */
    private readonly featureNames?: readonly string[],
  ) {}

  static train(tools: TextTools, given: RiskExamples, options: Partial<LogisticOptions> = {}, settings: FeatureSettings = FEATURES.risk): RiskModel {
    // Each line's features once, for the pilot and the model.
    const memo = new Map<string, string[]>();
    const featuresOf = (line: string) => {
      let f = memo.get(line);
      if (!f) memo.set(line, (f = features(tools, line, settings)));
      return f;
    };
    const examples = RiskModel.picked(featuresOf, given, options);
    const indexed = new IndexedExamples(
      Object.entries(examples).flatMap(([label, lines]) => lines.map((line) => ({ features: featuresOf(line), positive: label === 'acute' }))),
    );
    const seed = options.seed ?? LOGISTIC_DEFAULTS.seed;
    const models = Array.from({ length: RISK_MODELS }, (_, i) => new LogisticRegression(indexed, { ...options, seed: seed + i * 7919 }));
    return new RiskModel(tools, settings, indexed, models, indexed.featureNames());
  }

  /**
   * The examples with, for each long acute text, the sentence that carries its danger: the one a
   * pilot model (one regression on every other example) scores highest. A long answer's calm
   * sentences ("vi har hemtjänst två gånger om dagen") are not taught as acute.
   */
  private static picked(featuresOf: (line: string) => string[], given: RiskExamples, options: Partial<LogisticOptions>): Record<string, string[]> {
    if (given.long.length === 0) return { acute: given.acute, none: given.none };
    const pilotExamples = new IndexedExamples([
      ...given.acute.map((line) => ({ features: featuresOf(line), positive: true })),
      ...given.none.map((line) => ({ features: featuresOf(line), positive: false })),
    ]);
    const pilot = new LogisticRegression(pilotExamples, { ...options, epochs: PILOT_EPOCHS });
    const acute = [...given.acute];
    for (const sentences of given.long) {
      const best = sentences.map((s) => ({ s, p: pilot.probability(pilotExamples.numbers(featuresOf(s))) })).reduce((a, b) => (b.p > a.p ? b : a));
      acute.push(best.s);
    }
    const taught = new Set(acute);
    return { acute, none: given.none.filter((line) => !taught.has(line)) };
  }

  toJSON(): RiskModelJson {
    if (!this.featureNames) throw new Error('only a risk model trained in this process is written to the cache');
    return { features: FeatureTable.encode(this.featureNames), models: this.models.map((m) => m.toJSON()) };
  }

  /** The parts of a cached risk model, checked against each other (cheap: no text is read yet). */
  static parts(json: unknown): { numbered: FeatureTable; models: LogisticRegression[] } {
    const { features: numbering, models } = (json ?? {}) as Partial<RiskModelJson>;
    if (!Array.isArray(models) || models.length !== RISK_MODELS) throw new Error('not a risk model');
    const numbered = FeatureTable.decode(numbering);
    return { numbered, models: models.map((m) => LogisticRegression.fromJSON(m, numbered.size)) };
  }

  static fromParts({ numbered, models }: ReturnType<typeof RiskModel.parts>, tools: TextTools): RiskModel {
    return new RiskModel(tools, FEATURES.risk, numbered, models);
  }

  acute(text: string): number {
    const x = this.examples.numbers(features(this.tools, text, this.settings));
    return this.models.reduce((sum, model) => sum + model.probability(x), 0) / this.models.length;
  }
}

interface LanguageModel {
  language: string;
  intents: Classifier;
  topics: Classifier;
  risk: RiskModel;
}

export interface EmbeddedOptions {
  localesDir: string;
  /** Risk patterns per locale folder (from the content's risk.yaml files). */
  riskPatterns: Record<string, RiskPatterns>;
  /** The language used for a locale with neither its own nor its base language's training data. */
  defaultLanguage: string;
  /** Where trained models are kept between starts (./model-cache.ts); without it, every start trains. */
  cache?: ModelCache;
  /** Told before training starts (no usable model in the cache), with the languages: the start takes a while. */
  onTraining?: (languages: string[]) => void;
}

/** What a language's model saves in the cache: each part as its own toJSON() gives it. */
interface LanguageModelJson {
  language: string;
  intents: unknown;
  topics: unknown;
  risk: unknown;
}

/** The folder of this module's code, and the other code whose change changes what training makes. */
const CODE_DIR = path.dirname(fileURLToPath(import.meta.url));
const CODE_FOLDERS = [CODE_DIR, path.join(CODE_DIR, '..', 'core', 'text'), path.join(CODE_DIR, '..', 'core', 'safety')];
const CODE_FILES = [path.join(CODE_DIR, '..', 'core', 'risk')];
/** Packages that turn text into features or hold the model: a new version may make other features. */
const MODEL_PACKAGES = ['@nlpjs/core', '@nlpjs/lang-sv', '@nlpjs/lang-en', 'wink-naive-bayes-text-classifier'];

export class EmbeddedRecognizer implements Recognizer {
  /** The safety net per locale folder (its risk patterns with its language's model), made at its first use. */
  private readonly assessors = new Map<string, Promise<SafetyAssessor>>();

  private constructor(
    /** Each language's model, or (read from the cache) its restoring, begun at the first text in it. */
    private readonly models: Map<string, LanguageModel | (() => Promise<LanguageModel>)>,
    private readonly options: EmbeddedOptions,
    /** Whether the models were read from the cache rather than trained in this process. */
    readonly fromCache: boolean,
  ) {}

  /**
   * A model per language with training data: read from `options.cache` when it holds one for exactly
   * this training data and code, else trained (and then kept there). Resolves when the default
   * language's model is ready; read from the cache, the other languages' models (English: 40 % of
   * the cache) are restored at the first text in them, and every safety net is made at its first text.
   */
  static async train(options: EmbeddedOptions): Promise<EmbeddedRecognizer> {
    // Only languages the assistant speaks (a locale folder, or the base of one such as sv for sv-lattlast).
    const spoken = new Set(Object.keys(options.riskPatterns).flatMap((locale) => [locale, locale.split('-')[0]!]));
    const languages = trainedLanguages(options.localesDir).filter((l) => LANGUAGE_PLUGINS[l] && spoken.has(l));
    if (!languages.includes(options.defaultLanguage)) {
      throw new Error(`The embedded recognizer has no training data for the default language "${options.defaultLanguage}" (locales/${options.defaultLanguage}/nlu/).`);
    }
    const key = options.cache ? cacheKey(options, languages) : '';
    const stored = options.cache ? await options.cache.read(key) : undefined;
    if (stored !== undefined) {
      try {
        const cached = new EmbeddedRecognizer(EmbeddedRecognizer.restore(stored, languages, options, key), options, true);
        await cached.ready(options.defaultLanguage);
        return cached;
      } catch (err) {
        options.cache!.unusable(key, err as Error);
      }
    }

    options.onTraining?.(languages);
    // Each language in a worker of its own (train-worker.ts): the serving process never runs training.
    const parts = await Promise.all(languages.map((language) => trainInWorker(options, language)));
    await options.cache?.write(key, parts);
    // Served as a start with the cache serves it, restored from the parts (the workers' typed arrays,
    // as the cache file holds them): what runs is what a cached start runs.
    const served = new EmbeddedRecognizer(EmbeddedRecognizer.restore(parts, languages, options, key), options, false);
    await served.ready(options.defaultLanguage);
    return served;
  }

  /**
   * The models back from `parts()`, each restored when first asked for; throws at once when anything
   * is missing or not of its kind. A part that still cannot be restored when its language is first
   * used is reported, its file dropped (the next start trains and writes it anew), and that language
   * trained in this process instead.
   */
  private static restore(json: unknown, languages: string[], options: EmbeddedOptions, key: string): Map<string, () => Promise<LanguageModel>> {
    if (!Array.isArray(json)) throw new Error('not a list of language models');
    const models = new Map<string, () => Promise<LanguageModel>>();
    for (const part of json as LanguageModelJson[]) {
      if (!languages.includes(part?.language)) continue;
      if (!(part.intents instanceof Uint8Array) || !(part.topics instanceof Uint8Array)) throw new Error(`the model of ${part.language} is not complete`);
      // The risk model's parts are checked now, for every language (a few milliseconds).
      const risk = RiskModel.parts(part.risk);
      models.set(part.language, async () => {
        try {
          return await modelFrom(part, risk);
        } catch (err) {
          if (part.language === options.defaultLanguage) throw err;
          options.cache?.unusable(key, err as Error);
          await options.cache?.discard?.(key);
          // Trained as at a start without the cache: in a worker, then restored from its parts.
          const trained = await trainInWorker(options, part.language);
          return modelFrom(trained, RiskModel.parts(trained.risk));
        }
      });
    }
    const missing = languages.filter((l) => !models.has(l));
    if (missing.length) throw new Error(`no model for ${missing.join(', ')}`);
    return models;
  }

  /** Languages with a trained model (restored or still to be). */
  get languages(): string[] {
    return [...this.models.keys()];
  }

  /** The language whose model reads `locale`: its own, its base language's (sv for sv-lattlast), or the default. */
  private languageOf(locale: string): string {
    if (this.models.has(locale)) return locale;
    const base = locale.split('-')[0]!;
    return this.models.has(base) ? base : this.options.defaultLanguage;
  }

  /** The model of `language`, restored now if it has not been. */
  private async model(language: string): Promise<LanguageModel> {
    const entry = this.models.get(language)!;
    if (typeof entry !== 'function') return entry;
    const restoring = entry();
    // Every caller until it is ready waits for the same restoring.
    this.models.set(language, () => restoring);
    const model = await restoring;
    this.models.set(language, model);
    return model;
  }

  /** The safety net that reads texts in `locale`: the one of the locale, of its base, or of its model's language. */
  private assessor(locale: string, language: string): Promise<SafetyAssessor> {
    const patterns = this.options.riskPatterns;
    const base = locale.split('-')[0]!;
    const own = Object.hasOwn(patterns, locale) ? locale : Object.hasOwn(patterns, base) ? base : language;
    let made = this.assessors.get(own);
    if (!made) {
      made = this.model(this.languageOf(own)).then((model) => new SafetyAssessor(withBase(patterns[own]!, patterns[own.split('-')[0]!]), (t) => model.risk.acute(t), model.language));
      made.catch(() => this.assessors.delete(own));
      this.assessors.set(own, made);
    }
    return made;
  }

  /**
   * Restores the model that reads `locale` now (the start does so for the default language). Its
   * safety net is made at the first text: V8 compiles the patterns' regular expressions only when
   * they are first run anyway (about a second of CPU at the first message in a language, measured
   * 2026-12-05), so making them at start-up (0.05 s) would not make that first message faster.
   */
  async ready(locale: string): Promise<void> {
    await this.model(this.languageOf(locale));
  }

  async recognize(text: string, locale: string): Promise<Recognition> {
    const language = this.languageOf(locale);
    const model = await this.model(language);
    const intentScores = model.intents.scores(text);
    const top = intentScores[0];
    const intent = top && (INTENTS as readonly string[]).includes(top.label) ? (top.label as Intent) : 'none';
    const intentScore = top ? top.score : 1;
    const topics = model.topics
      .scores(text)
      .filter((t) => t.score >= TOPIC_THRESHOLD)
      .slice(0, MAX_TOPICS)
      .map((t) => ({ topic: t.label as RoutingTopic, score: round(t.score) }));

    const safety = (await this.assessor(locale, language)).assess(text);
    const risk = safety.level === 'acute' ? 'acute' : 'none';
    const riskCategories = risk === 'acute' ? safety.categories : [];

    return { intent, intentScore: round(intentScore), topics, safety, risk, riskCategories, source: 'embedded' };
  }
}

/** A language's model restored from its parts (the cache's, or a training worker's); its risk parts already checked. */
async function modelFrom(part: LanguageModelJson, risk: ReturnType<typeof RiskModel.parts>): Promise<LanguageModel> {
  const tools = await textTools(part.language);
  return {
    language: part.language,
    intents: Classifier.fromJSON(part.intents, tools, FEATURES.intents),
    topics: Classifier.fromJSON(part.topics, tools, FEATURES.topics),
    risk: RiskModel.fromParts(risk, tools),
  };
}

/** A trained model's parts, as the cache keeps them. */
export function languageParts(m: LanguageModel): LanguageModelJson {
  return { language: m.language, intents: m.intents.toJSON(), topics: m.topics.toJSON(), risk: m.risk.toJSON() };
}

/** Whether this code runs as TypeScript under tsx (tests, scripts, npm run chat) rather than compiled. */
const underTsx = import.meta.url.endsWith('.ts');

/** One language's model trained in a worker thread (train-worker.ts), as its parts. */
function trainInWorker(options: EmbeddedOptions, language: string): Promise<LanguageModelJson> {
  const request: TrainRequest = { localesDir: options.localesDir, riskPatterns: options.riskPatterns, language };
  return new Promise<LanguageModelJson>((resolve, reject) => {
    const worker = underTsx
      ? // A worker does not get tsx's loader from --import (privatenumber/tsx#354): it registers it first.
        new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./train-worker.ts', import.meta.url).href)}); })`, { eval: true, workerData: request })
      : new Worker(new URL('./train-worker.js', import.meta.url), { workerData: request });
    let parts: LanguageModelJson | undefined;
    worker.once('message', (message: LanguageModelJson) => (parts = message));
    worker.once('error', reject);
    worker.once('exit', (code) => (parts ? resolve(parts) : reject(new Error(`training the ${language} model stopped (worker exit code ${code})`))));
  });
}

/** One language's model trained from its examples (the risk model's calm examples shaped by its patterns). */
export async function trainLanguage(options: EmbeddedOptions, language: string): Promise<LanguageModel> {
  const data: TrainingData = loadTrainingData(options.localesDir, language);
  const tools = await textTools(language);
  const patterns = options.riskPatterns[language];
  const intents = Classifier.train(tools, FEATURES.intents, data.intents);
  const topics = Classifier.train(tools, FEATURES.topics, data.topics);
  const risk = RiskModel.train(tools, riskExamples(data, patterns ? trainingDetector(patterns) : undefined, patterns?.negations));
  return { language, intents, topics, risk };
}

/**
 * The clause reader for training examples: the safety net's, except that long clauses written without
 * punctuation are not cut (risk.yaml `runOn`). Cutting them in training too moved texts of every other
 * set both ways when measured (2026-12-05, safety-sv9); the net cuts them only when it reads.
 */
function trainingDetector(patterns: RiskPatterns): RiskDetector {
  return new RiskDetector({ ...patterns, runOn: [] });
}

/**
 * Risk examples: the acute and calm ones, plus every intent and topic example as calm (they are
 * ordinary messages), except mental-health topics, which may speak of self-harm. A calm text with an
 * idiom or a clause placed in the past also gives its remaining clauses as calm examples, as
 * `judgeRisk` reads them ("hon har idiom hon någonsin fått"): the model is trained on what it judges.
 */
function riskExamples(data: TrainingData, detector: RiskDetector | undefined, negations: readonly string[] = []): RiskExamples {
  const calm = new Set([
    ...(data.risk['none'] ?? []),
    ...Object.values(data.intents).flat(),
    ...Object.entries(data.topics)
      .filter(([topic]) => topic !== 'mental_health')
      .flatMap(([, lines]) => lines),
  ]);
  if (detector) {
    for (const line of [...calm]) {
      const clauses = detector.clauses(line);
      if (clauses.present.length < clauses.all.length || clauses.idioms) for (const clause of clauses.present) calm.add(clause);
    }
  }
  const acute = [...(data.risk['acute'] ?? [])];
  const long: string[][] = [];
  // Labelled sets (risk/*.jsonl): an ordinary text is calm as a whole and in each sentence; an acute
  // text of one sentence is acute; a longer one gives the sentence that carries its danger (picked).
  const segmenter = new Intl.Segmenter(data.language, { granularity: 'sentence' });
  const negated = negations.length ? wrap(negations.join('|')) : undefined;
  for (const { rows } of data.riskSets) {
    for (const row of rows) {
      const sentences = sentencesOf(segmenter, row.text);
      if (row.expect === 'ordinary') {
        calm.add(row.text);
        // Its sentences too, as the safety net reads them (clauses in the past and idioms left out),
        // except one with a negation ("har aldrig tänkt på att ta livet av mig": the patterns read
        // those) or one answered by the next ("Mamma sa att hon vill dö. Men hon menade maten").
        if (sentences.length > 1) {
          sentences.forEach((sentence, i) => {
            const next = sentences[i + 1];
            const present = detector ? detector.clauses(fold(sentence)).present.join(' ') : sentence;
            if (present && !negated?.test(fold(sentence)) && !(next && ANSWER.test(fold(next)))) calm.add(present);
          });
        }
      } else if (sentences.length <= 1) acute.push(row.text);
      else {
        const present = detector ? sentences.filter((s) => detector.clauses(fold(s)).present.length) : sentences;
        long.push(present.length ? present : sentences);
      }
    }
  }
  for (const line of acute) calm.delete(line);
  return { acute, none: [...calm], long };
}

/** A sentence that answers the one before it. */
const ANSWER = /^(men|but|fast|although|though)(?![\p{L}\p{N}])/u;

/** Acute and calm examples, and the sentences of long acute texts whose danger is yet to be placed. */
interface RiskExamples {
  acute: string[];
  none: string[];
  long: string[][];
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** A fingerprint of the training data, for caching a trained recognizer within one process. */
export function trainingFingerprint(localesDir: string): string {
  const hash = createHash('sha256');
  for (const language of trainedLanguages(localesDir)) {
    for (const kind of ['intents', 'topics', 'risk']) {
      const dir = path.join(localesDir, language, 'nlu', kind);
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir).sort()) hash.update(`${language}/${kind}/${name}\n`).update(readFileSync(path.join(dir, name)));
    }
  }
  return hash.digest('hex');
}

/**
 * The cache key of a trained recognizer: the training data, the risk patterns (they shape the calm
 * examples), the languages, the code of the recognizer and the versions of its packages.
 */
function cacheKey(options: EmbeddedOptions, languages: string[]): string {
  const code = [...CODE_FOLDERS.flatMap((dir) => folderContents(dir, isCode)), ...CODE_FILES.flatMap((file) => folderContents(path.dirname(file), (n) => isCode(n) && n.startsWith(`${path.basename(file)}.`)))];
  return modelKey([
    trainingFingerprint(options.localesDir),
    JSON.stringify(Object.entries(options.riskPatterns).sort(([a], [b]) => a.localeCompare(b))),
    `${languages.sort().join(',')} default ${options.defaultLanguage}`,
    MODEL_PACKAGES.map((name) => `${name}@${packageVersion(name, CODE_DIR)}`).join(' '),
    ...code,
  ]);
}

/** Source or compiled code (not source maps or type declarations). */
function isCode(name: string): boolean {
  return /\.(ts|js)$/u.test(name) && !name.endsWith('.d.ts');
}

/**
 * For cross-validation scripts (scripts/safety-cross.ts): trains only the risk model of `data`,
 * answering P(acute); with the language's risk `patterns`, trained as `EmbeddedRecognizer.train`
 * does (give it to a `SafetyAssessor`).
 */
export async function trainFold(
  data: TrainingData,
  options: Partial<LogisticOptions> = {},
  patterns?: RiskPatterns,
  settings: Partial<FeatureSettings> = {},
): Promise<(text: string) => number> {
  const tools = await textTools(data.language);
  const risk = RiskModel.train(tools, riskExamples(data, patterns ? trainingDetector(patterns) : undefined, patterns?.negations), options, { ...FEATURES.risk, ...settings });
  return (text) => risk.acute(text);
}
