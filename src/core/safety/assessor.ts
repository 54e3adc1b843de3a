/**
 * The one reading of a message for danger (issue 19), used by every recognizer and, without one, by
 * the interview itself: a `SafetyVerdict` for any text.
 *
 * A text is cut into sentences (Intl.Segmenter) and each sentence into clauses (RiskDetector). Clauses
 * placed in the past, resolved, negated or told as a dream, game, song or joke (locales/<lang>/risk.yaml:
 * `resolved`, `calm`, idioms under `ignore`) are set aside; what is left is read clause by clause, as
 * sentences and as a whole, and the strongest signal counts, so one acute sentence in a long, calm
 * answer is not averaged away. A pattern of risk.yaml in a present clause is acute (unsure when the
 * model finds its sentence calm, PATTERN_DOUBT); the trained model (when there is one) is acute from
 * ACUTE_SCORE and unsure from UNSURE_SCORE; an `unsure` pattern asks.
 * Texts and patterns are read with diacritics folded (./fold.ts).
 */
import type { RiskCategory, RiskPatterns } from '../content/schema.js';
import { REFERS_BACK, RUN_ON_MIN_WORDS, RiskDetector } from '../risk.js';
import { normalize } from '../text/normalize.js';
import { fold, stripMarks } from './fold.js';
import { LEVEL_RANK, NO_DANGER, type SafetyLevel, type SafetyVerdict, type Situation, type Subject, type ToldAges } from './verdict.js';

/** The model's probability from which a signal is acute on its own. */
export const ACUTE_SCORE = 0.45;
/** The model's probability from which a signal is worth one caring question. */
export const UNSURE_SCORE = 0.25;
/** The model judges pieces of at least this many words (a name or "ibland" gives it nothing). */
const MIN_WORDS_FOR_MODEL = 3;

/** Calm messages up to this length are remembered with their verdict (SafetyAssessor.calm), at most this many. */
const CALM_MAX_CHARS = 40;
const CALM_MAX_ENTRIES = 2000;

/** A verdict that cannot be changed by anyone it is shared with. */
function frozen(verdict: SafetyVerdict): SafetyVerdict {
  Object.freeze(verdict.categories);
  Object.freeze(verdict.situations);
  return Object.freeze(verdict);
}

/**
 * A pattern's hit in a sentence whose present clauses the model scores below this is only worth a
 * question: two voices disagree ("Katten åt upp en av mina tabletter men veterinären sa att det var
 * ok"). First 0.05 (chosen on the check and fresh sets); 0.1 since the fourth dev set, chosen on
 * held-out folds (each labelled set left out of training in turn, scored with fresh and fresh2,
 * scripts/safety-cross.ts): fewer false alarms on every fold, no acute text lost on any (0.15 lost one).
 */
export const PATTERN_DOUBT = 0.1;
/**
 * Below this, a pattern's hit in a sentence of three words or more is not even a question: the model
 * finds the sentence plainly calm ("Jag har ont i bröstet ibland när jag går i uppförsbacke, det är min
 * kärlkramp"). Chosen on the same held-out folds: up to 0.1 no fold lost an acute text or a question on
 * one, and the unsure rate on ordinary texts fell (dev-2026-12d held out 11.9 -> 10.3 % at 0.05); half
 * the largest safe value, for margin.
 */
export const PATTERN_IGNORE = 0.05;
/**
 * A pattern's hit of at least this many words is never dropped by PATTERN_IGNORE, only doubted (a
 * question): "familjen skickar henne till Somalia nästa vecka för gifta henne" matched a pattern for
 * a child sent away to be married, and a model that had seen nothing like it scored it 0.02.
 * Measured on every fold (2026-12-06, twelfth session): at 8, Swedish one acute text more asked
 * (dev-2026-12ad) and nothing else changed; at 6 also one ordinary text more asked (check-2026-12:
 * a fixed phrase of six words, "ta hand om katten åt mig", is no story told at length). English
 * unchanged at both (its patternIgnore is 0.02).
 */
export const PATTERN_KEPT_WORDS = 8;
// A hit of one word ("I work as a nurse and have seen many overdoses", "självmord") needs the model's
// doubt at least (UNSURE_SCORE) to be acute: one alarming word is not a danger told. It changed no
// figure of any set on 2026-12-05; it is there for the kind of text, not for a set.
/**
 * From this probability the model's alarm stands without any word of risk.yaml's `hints` (a word
 * list is never complete: "kolmonoxidvarnaren piper", "kan inte känna vänster sida av kroppen").
 */
export const UNHINTED_ACUTE = 0.7;
/**
 * From this probability a piece without any word of `hints` is worth the question (unsure); below it,
 * nothing. The default is ACUTE_SCORE: the model alone asks only where it would have alarmed. Each
 * language lowers it in risk.yaml `tuning` where the folds show danger told in words no list holds
 * ("her 18 month old is home alone in the bathtub with the water running", 0.39).
 */
export const UNHINTED_UNSURE = ACUTE_SCORE;
/**
 * How many words a piece without any word of `hints` needs before the model alone asks below
 * ACUTE_SCORE: on a short answer the model reads little ("bor m mamma o lillebror", 0.44).
 */
export const UNHINTED_UNSURE_WORDS = 6;

/** How the assessor weighs the model against the patterns (defaults: the constants above). */
export interface AssessorTuning {
  acuteScore: number;
  unsureScore: number;
  /** A pattern's hit in a sentence the model scores below this is only worth a question. */
  patternDoubt: number;
  /** The same for a hit of one word ("överdoser", "självmord"): one word alone is not a danger told. */
  wordDoubt: number;
  /** Whether a danger word told as happening now makes the model's doubt an alarm. */
  urgentUpgrade: boolean;
  /** The model's probability from which a piece without any word of danger (`hints`) is acute all the same. */
  unhintedAcute: number;
  /** A pattern's hit in a sentence (of three words or more) the model scores below this is not even a question. */
  patternIgnore: number;
  /**
   * A clause the model alarms on alone (no pattern) is one level lower when its sentence's present
   * clauses read together score below this (0: off): the model, reading a short clause, misses what
   * the rest of its sentence says of it ("allergisk mot getingar men har adrenalinpenna i väskan",
   * "jag ska inte dö, jag menade att provet var mördande"). Swedish 0.1 (risk.yaml `tuning`).
   */
  clauseContext: number;
  /** A pattern's hit of at least this many words is never dropped by `patternIgnore`, only doubted (0: any may be dropped). */
  patternKeptWords: number;
  /** The model's probability from which a piece without any word of danger (`hints`) asks the question. */
  unhintedUnsure: number;
  /** The fewest words such a piece needs for that question below `acuteScore`. */
  unhintedUnsureWords: number;
}

export const ASSESSOR_TUNING: AssessorTuning = { acuteScore: ACUTE_SCORE, unsureScore: UNSURE_SCORE, patternDoubt: PATTERN_DOUBT, wordDoubt: UNSURE_SCORE, urgentUpgrade: true, unhintedAcute: UNHINTED_ACUTE, patternIgnore: PATTERN_IGNORE, clauseContext: 0, patternKeptWords: PATTERN_KEPT_WORDS, unhintedUnsure: UNHINTED_UNSURE, unhintedUnsureWords: UNHINTED_UNSURE_WORDS };

/** What a risk model answers: the probability that a (folded) text signals acute danger. */
export type AcuteScorer = (text: string) => number;

/** Default situation per category, when no word of risk.yaml's `situations` says more. */
const CATEGORY_SITUATION: Record<RiskCategory, Situation> = {
  suicide_self_harm: 'suicide',
  medical_emergency: 'medical',
  violence: 'violence_at_home',
};

/** A pattern (or alternatives joined by |) as whole words, diacritics folded. */
export const wrap = (source: string, flags = 'iu') => new RegExp(`(?<![\\p{L}\\p{N}])(?:${stripMarks(source)})(?![\\p{L}\\p{N}])`, flags);
/** The first match of a global regular expression (which keeps its lastIndex between calls). */
function firstMatch(regex: RegExp, text: string): RegExpExecArray | null {
  regex.lastIndex = 0;
  return regex.exec(text);
}
/** The same, global: for finding every match (see `unnegated`). */
const wrapAll = (source: string) => wrap(source, 'giu');

/** A sentence as written and its clauses still told in the present (folded, idioms replaced). */
interface Sentence {
  original: string;
  /** `original` with diacritics folded (./fold.ts). */
  folded: string;
  present: string[];
  /** A story written without punctuation (a stretch of RUN_ON_MIN_WORDS words or more with none): its clauses are read with their neighbours. */
  runOn: boolean;
  /** Told with a joke marker ("lol", "haha"). */
  joke?: boolean;
}

/** One piece read, with how strongly it signals danger. */
interface Finding {
  level: SafetyLevel;
  score: number;
  categories: RiskCategory[];
  sentence: Sentence;
  /** The words that matched a pattern, if one did. */
  matched?: string;
}

/** Words that join clauses (Swedish and English): a negation before one of them does not reach past it. */
// 'o' is 'och' as it is typed on a phone ('svarar inte o andas fyra ggr i minuten').
const CONJUNCTIONS = 'och|o|men|eller|samt|and|but|or';
/** A sentence that starts by answering the one before it. */
const ANSWERS = /^(men|but)(?![\p{L}\p{N}])/u;

/**
 * A text's sentences as written (trimmed, none empty), as the safety net reads them and its model is
 * trained: every line on its own, cut by the language's sentence segmenter and again after a full
 * stop (ICU keeps "nåt. bara trött" together, a lower-case start; people who write without capitals
 * still end sentences with a full stop).
 */
export function sentencesOf(segmenter: Intl.Segmenter, text: string): string[] {
  return text
    .split(/\r?\n/u)
    .flatMap((line) => [...segmenter.segment(line)].flatMap(({ segment }) => segment.split(/(?<=[.!?…])\s+/u)))
    .map((sentence) => sentence.trim())
    .filter(Boolean);
}


/** Patterns listed per situation (risk.yaml `situations`, `ages`), each compiled with its situation. */
const perSituation = (record: Partial<Record<Situation, string[]>>): Array<{ situation: Situation; regex: RegExp }> =>
  Object.entries(record).flatMap(([situation, list]) => (list ?? []).map((p) => ({ situation: situation as Situation, regex: wrap(p) })));

/**
 * A locale's risk patterns completed by its base language's (sv for sv-lattlast): the safety net's
 * lists (calm markers, danger words, …) that the locale does not have itself come from the base.
 */
export function withBase(patterns: RiskPatterns, base: RiskPatterns | undefined): RiskPatterns {
  if (!base || base === patterns) return patterns;
  const pick = <K extends 'calm' | 'unsure' | 'reassurances' | 'others' | 'self' | 'negations' | 'newStatements' | 'jokes' | 'fillers' | 'rewrites' | 'variants' | 'urgent' | 'splits' | 'mistakes' | 'intended' | 'runOn'>(key: K) => (patterns[key].length ? patterns[key] : base[key]);
  return {
    ...patterns,
    calm: pick('calm'),
    unsure: pick('unsure'),
    reassurances: pick('reassurances'),
    others: pick('others'),
    self: pick('self'),
    negations: pick('negations'),
    negationReach: patterns.negations.length ? patterns.negationReach : base.negationReach,
    newStatements: pick('newStatements'),
    jokes: pick('jokes'),
    fillers: pick('fillers'),
    rewrites: pick('rewrites'),
    variants: pick('variants'),
    urgent: pick('urgent'),
    splits: pick('splits'),
    mistakes: pick('mistakes'),
    intended: pick('intended'),
    runOn: pick('runOn'),
    situations: Object.keys(patterns.situations).length ? patterns.situations : base.situations,
    ages: Object.keys(patterns.ages.self).length || Object.keys(patterns.ages.other).length ? patterns.ages : base.ages,
    hints: Object.keys(patterns.hints).length ? patterns.hints : base.hints,
    // The thresholds go with the model, which is the base language's.
    tuning: Object.keys(patterns.tuning).length ? patterns.tuning : base.tuning,
  };
}

export class SafetyAssessor {
  private readonly tuning: AssessorTuning;
  private readonly detector: RiskDetector;
  private readonly patterns: Array<{ category: RiskCategory; regex: RegExp }>;
  private readonly unsure: RegExp[];
  private readonly reassurances: RegExp[];
  private readonly jokes: RegExp[];
  /** A joke marker that opens a sentence ("lol don't worry about me, …"): it speaks for its own clause only. */
  private readonly leadingJoke: RegExp | undefined;
  /** A negation word ending the text before a hit, within the reach; one starting the text after it. */
  private readonly negatedBefore: RegExp | undefined;
  private readonly negatedAfter: RegExp | undefined;
  private readonly others: RegExp[];
  private readonly self: RegExp[];
  private readonly situations: Array<{ situation: Situation; regex: RegExp }>;
  /** How an age is told, per whose it is (risk.yaml `ages`). */
  private readonly ages: Array<{ whose: 'self' | 'other'; situation: Situation; regex: RegExp }>;
  /** A medicine taken by mistake (risk.yaml's `mistakes`), unless told as meant (`intended`). */
  private readonly mistakes: RegExp[];
  private readonly intended: RegExp[];
  private readonly hints: Array<{ category: RiskCategory; regex: RegExp }>;
  private readonly urgent: RegExp[];
  private readonly segmenter: Intl.Segmenter;
  /** Other readings of a clause for the patterns (risk.yaml's `variants`). */
  private readonly variants: Array<{ from: RegExp; to: string }>;

  /**
   * `patterns`: the locale's risk.yaml. `score`: the trained model's P(acute) of a text, if there is a
   * model (without one, only the patterns speak). `language`: for cutting sentences.
   */
  constructor(
    patterns: RiskPatterns,
    private readonly score?: AcuteScorer,
    language = 'sv',
    /** Thresholds for an experiment (scripts/safety-cross.ts): over the language's own (risk.yaml `tuning`) and the defaults. */
    tuning: Partial<AssessorTuning> = {},
  ) {
    this.tuning = { ...ASSESSOR_TUNING, ...patterns.tuning, ...tuning };
    const folded = (list: readonly string[]) => list.map(stripMarks);
    this.detector = new RiskDetector({
      ignore: folded(patterns.ignore),
      fillers: folded(patterns.fillers),
      rewrites: patterns.rewrites,
      splits: folded(patterns.splits),
      runOn: folded(patterns.runOn),
      variants: [],
      urgent: [],
      resolved: folded([...patterns.resolved, ...patterns.calm]),
      patterns: {} as RiskPatterns['patterns'],
      calm: [],
      negations: [],
      negationReach: 0,
      newStatements: [],
      jokes: [],
      unsure: [],
      reassurances: [],
      others: [],
      self: [],
      mistakes: [],
      intended: [],
      situations: {},
      ages: { self: {}, other: {} },
      hints: {},
      tuning: {},
    });
    this.patterns = Object.entries(patterns.patterns).flatMap(([category, list]) => list.map((p) => ({ category: category as RiskCategory, regex: wrapAll(p) })));
    this.unsure = patterns.unsure.map((p) => wrap(p));
    this.reassurances = patterns.reassurances.map((p) => wrap(p));
    this.jokes = patterns.jokes.map((p) => wrap(p));
    this.leadingJoke = patterns.jokes.length ? new RegExp(`^[\\s\\p{P}]*(?:${patterns.jokes.map(stripMarks).join('|')})(?![\\p{L}\\p{N}])`, 'iu') : undefined;
    const negation = patterns.negations.map(stripMarks).join('|');
    // A negation does not reach over a conjunction: "han är inte vaken och andas långsamt".
    this.negatedBefore = negation ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${negation})((?: (?!(?:${CONJUNCTIONS})(?![\\p{L}\\p{N}]))[\\p{L}\\p{N}]+){0,${patterns.negationReach}}) ?$`, 'iu') : undefined;
    // "…since morning, nobody comes", "…ligger på golvet, ingen svarar": a nobody that is the subject of
    // the next verb starts a new statement (risk.yaml `newStatements`); it negates nothing told before it.
    const newStatement = patterns.newStatements.map(stripMarks).join('|');
    const notNew = newStatement ? `(?!(?:${newStatement})(?![\\p{L}\\p{N}]))` : '';
    this.negatedAfter = negation ? new RegExp(`^ ?${notNew}(?:${negation})(?![\\p{L}\\p{N}])`, 'iu') : undefined;
    this.others = patterns.others.map((p) => wrap(p));
    this.self = patterns.self.map((p) => wrap(p));
    this.situations = perSituation(patterns.situations);
    this.ages = (['self', 'other'] as const).flatMap((whose) => perSituation(patterns.ages[whose]).map((age) => ({ whose, ...age })));
    this.mistakes = patterns.mistakes.map((p) => wrap(p));
    this.intended = patterns.intended.map((p) => wrap(p));
    this.hints = Object.entries(patterns.hints).flatMap(([category, list]) => (list ?? []).map((p) => ({ category: category as RiskCategory, regex: wrapAll(p) })));
    this.segmenter = new Intl.Segmenter(language, { granularity: 'sentence' });
    this.urgent = patterns.urgent.map((p) => wrap(p));
    this.variants = patterns.variants.map((v) => ({ from: wrapAll(v.from), to: v.to }));
  }

  /** A clause and its other readings (risk.yaml's `variants`), each once. */
  private readings(clause: string): string[] {
    const out = [clause];
    for (const { from, to } of this.variants) {
      const variant = clause.replace(from, to);
      if (!out.includes(variant)) out.push(variant);
    }
    return out;
  }

  /**
   * Short calm messages already read, by their exact text: button labels and short answers ("Ja",
   * "Vet inte", "hjälp") come again and again, and reading one anew cost about a tenth of a turn.
   * The reading is a pure function of the text (the patterns and the model do not change while the
   * assessor lives). Only calm verdicts are kept (no trigger sentence is held, and a message with a
   * signal is always read afresh); they are frozen, so a caller cannot change one that others share.
   */
  private readonly calm = new Map<string, SafetyVerdict>();

  /** The verdict on one message: its level, categories, situations, trigger sentence and subject. */
  assess(text: string): SafetyVerdict {
    if (text.length > CALM_MAX_CHARS) return this.read(text);
    const known = this.calm.get(text);
    if (known) return known;
    const verdict = this.read(text);
    if (verdict.level !== 'none') return verdict;
    // The oldest entry makes room: a bounded memory whatever people type.
    if (this.calm.size >= CALM_MAX_ENTRIES) this.calm.delete(this.calm.keys().next().value!);
    this.calm.set(text, frozen(verdict));
    return verdict;
  }

  /**
   * The ages a message tells (risk.yaml `ages`), as the situations they place a danger in, per whose
   * age it is: "jag e 15" is the writer's (child_or_young), "mamma är 87" someone else's
   * (elderly_alone). Read from every message, calm or not: the conversation keeps them for a later alarm.
   */
  agesIn(text: string): ToldAges {
    // Punctuation read as space: "i'm 15", "3-åring", "8:an", "min son, 14".
    const folded = normalize(fold(text));
    const told: ToldAges = { self: [], other: [] };
    for (const { whose, situation, regex } of this.ages) if (!told[whose].includes(situation) && regex.test(folded)) told[whose].push(situation);
    return told;
  }

  /** The verdict, read afresh. */
  private read(text: string): SafetyVerdict {
    const sentences = this.sentences(text);
    const findings: Finding[] = [];
    /** Each sentence's score of its present clauses together (read once, for ranking sentences too). */
    const sentenceScores = new Map<Sentence, number>();
    // The writer says they are safe ("but I'm not going to do anything stupid"): a signal that may be
    // ordinary ("tired of everything") asks nothing.
    const reassured = this.reassurances.length > 0 && sentences.some((s) => this.reassurances.some((re) => re.test(normalize(s.folded))));
    for (const sentence of sentences) {
      if (sentence.present.length === 0) continue;
      // Clauses whose only danger words are negated ("jag skär mig inte längre", "not that I want to
      // die") are not given to the model either: it does not read negation's scope, the patterns do.
      const negated = new Set<string>();
      for (const [index, clause] of sentence.present.entries()) {
        const categories: RiskCategory[] = [];
        let matched: string | undefined;
        // The longest hit says whether the danger is told in one word ("andnöd") or more ("svår andnöd").
        let longest = '';
        const denied = { before: false };
        const readings = this.readings(clause);
        for (const { category, regex } of this.patterns) {
          let m: RegExpExecArray | undefined;
          for (const reading of readings) if ((m = this.unnegated(regex, reading, denied))) break;
          if (m && m[0].trim().length > longest.length) longest = m[0].trim();
          if (m && !categories.includes(category)) {
            categories.push(category);
            matched ??= m[0];
          }
        }
        if (categories.length) {
          const doubt = longest && !/\s/u.test(longest) ? this.tuning.wordDoubt : this.tuning.patternDoubt;
          const told = this.contextOf(sentence, index);
          const p = this.score ? this.scoreOf(told) : 1;
          const doubted = this.score && doubt > 0 && p < doubt;
          if (this.ignored(p, told, longest)) continue;
          findings.push({ level: doubted ? 'unsure' : 'acute', score: doubted ? this.tuning.unsureScore : 1, categories, sentence, ...(matched ? { matched } : {}) });
        } else if (!reassured && this.unsure.some((re) => re.test(clause))) findings.push({ level: 'unsure', score: this.tuning.unsureScore, categories: [], sentence });
        else if (denied.before) negated.add(clause);
      }
      sentence.present = sentence.present.filter((c) => !negated.has(c));
      if (this.score && sentence.present.length) {
        if (sentence.present.length > 1) {
          const joined = sentence.present.join(' ');
          // The sentence's present clauses together: its score ranks the sentence below.
          const together = this.scored(joined, sentence, findings, { reassured });
          sentenceScores.set(sentence, together);
          sentence.present.forEach((piece, i) => {
            const context = sentence.runOn ? this.scoreOf(this.contextOf(sentence, i)) : together;
            this.scored(piece, sentence, findings, { lower: context < this.tuning.clauseContext, reassured });
          });
        } else sentenceScores.set(sentence, this.scored(sentence.present[0]!, sentence, findings, { reassured }));
      }
    }
    // The whole text, told in the present, read at once too: a danger may be spread over sentences.
    // (Not a joke's sentences: what they tell counts only as a pattern told as happening now, below.)
    const told = sentences.filter((s) => s.present.length && !s.joke);
    if (this.score && told.length > 1) {
      const whole = told.flatMap((s) => s.present).join(' ');
      const best = this.scoreOf(whole);
      // Not the question of the model alone (`unhintedUnsure`): a middling score of many calm sentences joined is no sign.
      const level = this.modelLevel(best, whole, { reassured, whole: true });
      if (level !== 'none') {
        // The sentence that weighs most is the one the model scores highest.
        const ranked = told.map((s) => ({ s, p: sentenceScores.get(s)! })).sort((a, b) => b.p - a.p);
        findings.push({ level, score: best, categories: [], sentence: ranked[0]!.s });
      }
    }
    // A sentence with a joke marker is a joke ("hon ska döda mig om jag visar bilderna, haha"), unless
    // it tells a danger with a pattern, or one the model is sure of (unhintedAcute), and a word for now
    // ("…e sista kvällen jag har samlat ihop alla tabletter i huset lol", "tar alla pills ikväll … 💀"):
    // a laugh that covers a plan is no joke. Measured on every fold (2026-12-06, tenth session): two
    // acute texts more, no false alarm or question more.
    const heard = findings.filter((f) => !f.sentence.joke || ((f.matched !== undefined || f.score >= this.tuning.unhintedAcute) && this.urgent.some((re) => re.test(f.sentence.folded))));
    if (heard.length === 0) return NO_DANGER;
    const top = heard.reduce((a, b) => (LEVEL_RANK[b.level] > LEVEL_RANK[a.level] || (b.level === a.level && b.score > a.score) ? b : a));
    const sameLevel = heard.filter((f) => f.level === top.level);
    const categories = [...new Set(sameLevel.flatMap((f) => f.categories))];
    const triggering = sameLevel.map((f) => f.sentence);
    // A dose taken twice or by mistake ("pappa tog sina hjärttabletter två gånger idag") is a poisoning:
    // the pills in it are no sign of self-harm unless a self-harm pattern matched or it was meant.
    const mistaken = !categories.includes('suicide_self_harm') && this.mistaken(triggering);
    const subject = this.subjectOf(top);
    if (categories.length === 0) categories.push(this.hintedCategory(top.sentence, mistaken, subject === 'other'));
    return {
      level: top.level,
      categories,
      situations: this.situationsOf(categories, triggering, mistaken),
      trigger: top.sentence.original,
      subject,
    };
  }

  /** Sentences as written, each with its present clauses (folded). */
  private sentences(text: string): Sentence[] {
    const out: Sentence[] = [];
    for (const original of sentencesOf(this.segmenter, text)) {
      const folded = fold(original);
      // A joke marker ("haha") makes the whole sentence a joke, not only the clause it ends; one that
      // opens the sentence ("lol don't worry about me, I'll be gone by tomorrow") only the clause it
      // opens (a calm marker): what follows is told, not laughed off.
      const rest = this.leadingJoke ? folded.replace(this.leadingJoke, '') : folded;
      // The sentence is read all the same (`read` keeps only a danger told as happening now).
      const joke = this.jokes.some((re) => re.test(rest));
      const clauses = this.detector.clauses(folded);
      // A sentence that answers the one before with "men" and a resolving clause ("Mamma sa att hon
      // vill dö. Men hon sa det för att maten var dålig") resolves that one's last clause, as within
      // a sentence.
      const previous = out[out.length - 1];
      // So does one that points back at it and is resolved ("Han hotade att döda oss. Det var för sex år sedan").
      const first = clauses.all[0];
      if (previous?.present.length && first !== undefined && (ANSWERS.test(folded) || REFERS_BACK.test(first)) && !clauses.present.includes(first)) previous.present.pop();
      out.push({ original, folded, present: clauses.present, runOn: this.runOnSentence(folded), ...(joke ? { joke } : {}) });
    }
    return out;
  }

  /**
   * What a clause is read with when the question is whether the rest of its sentence speaks against
   * it (pattern doubt, clauseContext): the whole sentence, or in a story written without punctuation
   * (cut by risk.yaml `runOn`) the clause with its neighbours: "hon gillar att spela kort hon har
   * precis ramlat och blöder" is not made calm by the care needs told before it.
   */
  private contextOf(sentence: Sentence, index: number): string {
    const { present } = sentence;
    return sentence.runOn ? present.slice(Math.max(0, index - 1), index + 2).join(' ') : present.join(' ');
  }

  /**
   * Whether a pattern's hit in `told` is set aside altogether: the model finds the sentence (of
   * MIN_WORDS_FOR_MODEL words or more) plainly calm (`patternIgnore`), and the hit is not a danger told
   * at length in the pattern's own words (`patternKeptWords`), which is asked about instead.
   */
  private ignored(p: number, told: string, hit: string): boolean {
    if (!this.score || p >= this.tuning.patternIgnore || this.words(told) < MIN_WORDS_FOR_MODEL) return false;
    return !(this.tuning.patternKeptWords > 0 && this.words(hit) >= this.tuning.patternKeptWords);
  }

  /** Whether a sentence is a story written without punctuation: a stretch of RUN_ON_MIN_WORDS words or more with none. */
  private runOnSentence(folded: string): boolean {
    return folded.split(/[.,;:!?]/u).some((part) => this.words(part) >= RUN_ON_MIN_WORDS);
  }

  private scoreOf(piece: string): number {
    return this.words(piece) >= MIN_WORDS_FOR_MODEL ? this.score!(piece) : 0;
  }

  private words(piece: string): number {
    return piece.split(' ').filter((w) => /\p{L}/u.test(w)).length;
  }

  /**
   * Scores a piece, keeps a finding when it signals danger, and returns the score. `lower`: one level
   * lower (clauseContext); `reassured`: the message says the writer is safe.
   */
  private scored(piece: string, sentence: Sentence, findings: Finding[], { lower = false, reassured = false } = {}): number {
    const p = this.scoreOf(piece);
    const given = this.modelLevel(p, piece, { reassured });
    const level: SafetyLevel = lower ? (given === 'acute' ? 'unsure' : 'none') : given;
    if (level !== 'none') findings.push({ level, score: p, categories: [], sentence });
    return p;
  }

  /**
   * The model's level for a piece: acute from ACUTE_SCORE, unsure from UNSURE_SCORE. A piece with no
   * word of danger at all (risk.yaml's `hints`) is at most unsure, from `unhintedUnsure`: a model alone,
   * on words such as "just nu" or "inte", is not enough for an alarm ("jag har det inte framför mig just
   * nu"), only for the question (unless it is as sure as `unhintedAcute`); below ACUTE_SCORE only on a
   * piece of `unhintedUnsureWords` or more that is not the `whole` text read at once, and not when the
   * message says the writer is safe (risk.yaml `reassurances`, `reassured`). One level
   * higher when a piece that is unsure by the model has both a word of danger and one that places it
   * now (risk.yaml's `urgent`: "nu", "ikväll", "hjälp").
   */
  private modelLevel(p: number, piece: string, { reassured = false, whole = false } = {}): SafetyLevel {
    const level: SafetyLevel = p >= this.tuning.acuteScore ? 'acute' : p >= this.tuning.unsureScore ? 'unsure' : 'none';
    // Danger words count even when negated: "andas inte" and "vill inte leva" are the danger itself.
    if (level === 'none') return level;
    if (!this.hints.some((h) => firstMatch(h.regex, piece))) {
      if (p >= this.tuning.unhintedAcute) return 'acute';
      // Below where it would have alarmed, the model alone asks only on a piece of some length and when the writer has not said they are safe.
      return level === 'acute' || (!whole && p >= this.tuning.unhintedUnsure && !reassured && this.words(piece) >= this.tuning.unhintedUnsureWords) ? 'unsure' : 'none';
    }
    // A danger word told as happening now ("nu", "ikväll", "hjälp") makes the model's doubt an alarm.
    if (level === 'unsure' && this.tuning.urgentUpgrade && this.urgent.some((re) => re.test(piece))) return 'acute';
    return level;
  }

  /**
   * The first match of `regex` in `text` that no negation word stands right before or after;
   * `denied.before` is set when a match had a negation right before it ("inte ens på att skada mig").
   */
  private unnegated(regex: RegExp, text: string, denied?: { before: boolean }): RegExpExecArray | undefined {
    const global = regex; // compiled with the g flag (wrapAll)
    global.lastIndex = 0;
    for (let m = global.exec(text); m; m = global.exec(text)) {
      const before = this.negatedBefore?.test(text.slice(0, m.index)) ?? false;
      if (!before && !this.negatedAfter?.test(text.slice(m.index + m[0].length))) return m;
      if (before && denied) denied.before = true;
      if (m[0].length === 0) global.lastIndex += 1;
    }
    return undefined;
  }

  /**
   * The category the sentence's words hint at; self-harm when none does (the gravest miss). Not
   * self-harm for a medicine taken by mistake (`mistaken`): its pills hint at a poisoning, a medical case.
   */
  private hintedCategory(sentence: Sentence, mistaken: boolean, aboutOther: boolean): RiskCategory {
    const text = sentence.present.join(' ');
    const hinted = this.hints.find((h) => !(mistaken && h.category === 'suicide_self_harm') && firstMatch(h.regex, text))?.category;
    // Nothing hints: self-harm for the writer's own words (the gravest miss), but a danger told of
    // someone else with no word of self-harm ("jag har ringt henne sen i förrgår utan svar") gets the
    // general question, not "tänker du på att ta ditt liv?" put to a worried daughter.
    return hinted ?? (mistaken || aboutOther ? 'medical_emergency' : 'suicide_self_harm');
  }

  /** Whether the sentences tell of a medicine taken by mistake (risk.yaml's `mistakes`) and not of one taken on purpose (`intended`). */
  private mistaken(sentences: Sentence[]): boolean {
    const text = sentences.map((s) => normalize(s.folded)).join(' ');
    return this.mistakes.some((re) => re.test(text)) && !this.intended.some((re) => re.test(text));
  }

  private situationsOf(categories: RiskCategory[], sentences: Sentence[], mistaken: boolean): Situation[] {
    // In order (a Set keeps it): the categories' own situations first, then those the words add. The
    // first one the routing lists decides who follows an urgent case up (src/core/routing.ts urgentRecipient).
    const found = new Set<Situation>(categories.map((c) => CATEGORY_SITUATION[c]));
    const text = sentences.map((s) => s.folded).join(' ');
    for (const { situation, regex } of this.situations) if (regex.test(text)) found.add(situation);
    if (mistaken) {
      found.add('poisoning');
      found.delete('suicide');
    }
    // Swallowed pills or household chemicals are a poisoning first (Giftinformation), not a "medical"
    // case, and take its place: a friend who "tog nåt på festen" and barely breathes is still the
    // vårdcentral's to follow up, not the social services' because the words also say "typ".
    const poisoned = found.has('poisoning');
    return [...new Set([...found].map((s) => (poisoned && s === 'medical' ? 'poisoning' : s)))];
  }

  private subjectOf(finding: Finding): Subject {
    const isSelf = (t: string) => this.self.some((re) => re.test(t));
    if (finding.matched && isSelf(finding.matched)) return 'self';
    const text = finding.sentence.folded;
    if (this.others.some((re) => re.test(text))) return 'other';
    return isSelf(text) ? 'self' : 'unknown';
  }
}
