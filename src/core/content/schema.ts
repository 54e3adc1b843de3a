/**
 * Schemas for the conversation's content: the question bank, the directory of organisations, the
 * routing rules and the per-locale texts. Everything a care worker may want to change lives in files
 * under `data/` and `locales/`; these schemas are the contract those files must keep, checked at start-up.
 */
import { z } from 'zod';
import { SITUATIONS } from '../safety/verdict.js';

/** Routing topics: shared by the routing rules and, later, by language understanding. */
export const ROUTING_TOPICS = [
  'elderly_care',
  'disability_support',
  'individual_family',
  'carer_support',
  'home_health',
  'school_health',
  'primary_care',
  'mental_health',
  'specialist_care',
  'other',
] as const;
export type RoutingTopic = (typeof ROUTING_TOPICS)[number];
export const routingTopicSchema = z.enum(ROUTING_TOPICS);

/** IBIC life areas: ICF chapters d1–d9 plus IBIC's two own areas. */
export const IBIC_AREAS = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7', 'd8', 'd9', 'safety', 'carer'] as const;
export type IbicArea = (typeof IBIC_AREAS)[number];
export const ibicAreaSchema = z.enum(IBIC_AREAS);

const idSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'use lower-case letters, digits and _ (for example "good_day")');

/**
 * A condition on earlier answers, used by `askIf` in questions and by `when` in routing rules.
 * Kept deliberately small so a reviewer can read it: compare one answer, or combine with all/any/not.
 */
export type Condition =
  | { answer: string; equals: string | number | boolean }
  | { answer: string; in: Array<string | number> }
  | { answer: string; includesAny: string[] }
  | { answer: string; atMost: number }
  | { answer: string; atLeast: number }
  | { answer: string; answered: boolean }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ answer: idSchema, equals: z.union([z.string(), z.number(), z.boolean()]) }),
    z.strictObject({ answer: idSchema, in: z.array(z.union([z.string(), z.number()])).min(1) }),
    z.strictObject({ answer: idSchema, includesAny: z.array(z.string()).min(1) }),
    z.strictObject({ answer: idSchema, atMost: z.number() }),
    z.strictObject({ answer: idSchema, atLeast: z.number() }),
    z.strictObject({ answer: idSchema, answered: z.boolean() }),
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
  ]),
);

export const QUESTION_KINDS = ['text', 'yesno', 'choice', 'multi', 'scale'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

const optionSchema = z.strictObject({
  id: idSchema,
  /** Routing topics this option points to when chosen. */
  topics: z.array(routingTopicSchema).default([]),
  /** IBIC areas this option concerns (added to the question's own in the summary). */
  ibic: z.array(ibicAreaSchema).default([]),
  /** An option that excludes the others in a multi-choice question (for example "none"). */
  exclusive: z.boolean().default(false),
  /**
   * An honest "don't know" option ("Vet inte än"): a typed "vet inte" is kept as this option. No
   * other option may accept a don't-know phrase (phrases.yaml dontKnow): that would be a guess.
   */
  unsure: z.boolean().default(false),
});
export type QuestionOption = z.infer<typeof optionSchema>;

export const questionSchema = z
  .strictObject({
    id: idSchema,
    group: idSchema,
    kind: z.enum(QUESTION_KINDS),
    /** Required questions cannot be skipped (routing and consent depend on them). */
    required: z.boolean().default(false),
    /**
     * The answer is part of what the person agrees to (a SIP): like a required question or one with
     * routing topics, an unsure answer to it is asked about, never assumed.
     */
    consent: z.boolean().default(false),
    options: z.array(optionSchema).optional(),
    /** Fill the options from the directory instead of listing them here. */
    optionsFrom: z.literal('municipalities').optional(),
    scale: z.strictObject({ min: z.number().int(), max: z.number().int() }).optional(),
    ibic: z.array(ibicAreaSchema).default([]),
    /** Routing topics the question as a whole points to when answered "yes" (yes/no questions). */
    topicsIfYes: z.array(routingTopicSchema).default([]),
    askIf: conditionSchema.optional(),
    /** A text answer that must be a valid Swedish personnummer or phone number. */
    format: z.enum(['personnummer', 'phone']).optional(),
    /**
     * Whether a free-text answer is read for suggested routing topics (for staff). False for names
     * and contact details: a name is no one's need ("Greta Provsson" once read as specialist care).
     */
    readTopics: z.boolean().default(true),
  })
  .superRefine((q, ctx) => {
    if (q.format && q.kind !== 'text') {
      ctx.addIssue({ code: 'custom', path: ['format'], message: 'format only applies to text questions' });
    }
    const needsOptions = q.kind === 'choice' || q.kind === 'multi';
    if (needsOptions && !q.options && !q.optionsFrom) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${q.kind} question needs options or optionsFrom` });
    }
    if (!needsOptions && (q.options || q.optionsFrom)) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${q.kind} question takes no options` });
    }
    if (q.kind === 'scale' && (!q.scale || q.scale.min >= q.scale.max)) {
      ctx.addIssue({ code: 'custom', path: ['scale'], message: 'a scale question needs scale: { min, max } with min < max' });
    }
    if (q.options) {
      const seen = new Set<string>();
      q.options.forEach((o, i) => {
        if (seen.has(o.id)) ctx.addIssue({ code: 'custom', path: ['options', i, 'id'], message: `duplicate option id "${o.id}"` });
        seen.add(o.id);
      });
    }
  });
export type Question = z.infer<typeof questionSchema>;

export const questionBankSchema = z.strictObject({
  /** Group ids in the order they are asked; their titles are in the locale files. */
  groups: z.array(idSchema).min(1),
  /** Which questions the engine relies on for routing and for the summary header. */
  roles: z.strictObject({
    respondent: idSchema,
    respondentOtherOption: idSchema,
    municipality: idSchema,
  }),
  questions: z.array(questionSchema).min(1),
});
export type QuestionBank = z.infer<typeof questionBankSchema>;

// ---- Directory -------------------------------------------------------------------------------

export const CONTACT_TYPES = [
  'bistand',
  'lss',
  'ifo',
  'anhorigstod',
  'hemsjukvard',
  'kontaktcenter',
  'elevhalsa',
  'vardcentral',
  'psykiatri',
  'specialist',
  'radgivning_1177',
  'samordning',
] as const;
export type ContactType = (typeof CONTACT_TYPES)[number];
export const contactTypeSchema = z.enum(CONTACT_TYPES);

const deliverySchema = z.strictObject({
  /** Where a case is delivered. Shipped values are examples and say so. */
  email: z.union([z.email(), z.array(z.email()).min(1)]).optional(),
  /** A case system's endpoint: JSON POST signed with HMAC-SHA256. */
  webhook: z.url().optional(),
  /** The environment variable holding the webhook's signing secret (secrets never go in this file). */
  webhookSecretEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/u, 'must be an environment variable name such as KIL_WEBHOOK_SECRET').optional(),
  /** A Teams channel registered when the staff app was added to the team. */
  /** Start a live-agent handoff (Bot Framework handoff.initiate) in the resident's conversation. */
  handoff: z.boolean().optional(),
  teamsChannel: z.string().regex(/^[a-z0-9_-]+$/u, 'use lower-case letters, digits, - and _ (for example "karlstad-bistand")').optional(),
  example: z.boolean().default(false),
});

const contactPointSchema = z.strictObject({
  type: contactTypeSchema,
  name: z.string().min(1),
  phone: z.string().min(1).optional(),
  hours: z.string().min(1).optional(),
  /** Expected time until the person is contacted, in working days. */
  responseDays: z.number().int().min(0).max(60),
  delivery: deliverySchema,
});
export type ContactPoint = z.infer<typeof contactPointSchema>;

const organisationSchema = z.strictObject({
  id: idSchema,
  kind: z.enum(['municipality', 'region', 'fallback']),
  name: z.string().min(1),
  /** Name on buttons and in typed answers ("Karlstad" for "Karlstads kommun"). */
  shortName: z.string().min(1).optional(),
  /** SCB municipality code (four digits, Värmland is 17xx). */
  scbCode: z.string().regex(/^\d{4}$/, 'a four-digit SCB code such as "1780"').optional(),
  contacts: z.array(contactPointSchema).min(1),
});
export type Organisation = z.infer<typeof organisationSchema>;

export const directorySchema = z
  .strictObject({
    /** Who runs the service and answers questions about personal data. */
    service: z.strictObject({
      operator: z.string().min(1),
      privacyContact: z.string().min(1),
    }),
    organisations: z.array(organisationSchema).min(1),
  })
  .superRefine((d, ctx) => {
    const ids = new Set<string>();
    d.organisations.forEach((o, i) => {
      if (ids.has(o.id)) ctx.addIssue({ code: 'custom', path: ['organisations', i, 'id'], message: `duplicate organisation id "${o.id}"` });
      ids.add(o.id);
      if (o.kind === 'municipality' && !o.scbCode) {
        ctx.addIssue({ code: 'custom', path: ['organisations', i, 'scbCode'], message: 'a municipality needs its SCB code' });
      }
    });
    const regions = d.organisations.filter((o) => o.kind === 'region').length;
    const fallbacks = d.organisations.filter((o) => o.kind === 'fallback').length;
    if (regions !== 1) ctx.addIssue({ code: 'custom', path: ['organisations'], message: `exactly one organisation of kind "region" is needed, found ${regions}` });
    if (fallbacks !== 1) ctx.addIssue({ code: 'custom', path: ['organisations'], message: `exactly one organisation of kind "fallback" is needed, found ${fallbacks}` });
  });
export type Directory = z.infer<typeof directorySchema>;

// ---- Routing rules ---------------------------------------------------------------------------

const noMunicipalityTarget = z.strictObject({ organisation: idSchema, contact: contactTypeSchema });

export const routingSchema = z.strictObject({
  /** Extra topics derived from answers, beyond the option-level topic hints in the question bank. */
  rules: z
    .array(
      z.strictObject({
        id: idSchema,
        when: conditionSchema,
        topics: z.array(routingTopicSchema).min(1),
      }),
    )
    .default([]),
  /** For each topic: which side is responsible and which contact point takes it. */
  topics: z.record(
    routingTopicSchema,
    z.strictObject({
      responsible: z.enum(['municipality', 'region']),
      contact: contactTypeSchema,
    }),
  ),
  /** Topic used when no answer points anywhere. */
  defaultTopic: routingTopicSchema,
  /**
   * Who takes an urgent case sent at once after an acute alarm (issue 19): the topic for the
   * alarm's situation (src/core/safety/verdict.ts), in the order the alarm names them. A situation
   * not listed leaves it to the answers' routing, as for any case.
   */
  urgent: z.partialRecord(z.enum(SITUATIONS), routingTopicSchema).default({}),
  /**
   * Who takes the municipality's topics when the municipality is none of the directory's: the person
   * lives elsewhere ("Annan kommun", `outside`) or does not know, even when asked again ("Vet inte",
   * `unknown`). An organisation of the directory (its id) and one of its contact points.
   */
  noMunicipality: z
    .strictObject({ outside: noMunicipalityTarget, unknown: noMunicipalityTarget })
    .default({ outside: { organisation: 'fallback', contact: 'samordning' }, unknown: { organisation: 'fallback', contact: 'samordning' } }),
});
export type RoutingConfig = z.infer<typeof routingSchema>;

export const emergencyNumbersSchema = z.strictObject({
  numbers: z
    .array(
      z.strictObject({
        id: idSchema,
        number: z.string().min(3),
        /** Shown before all others whenever the numbers are shown (112). */
        first: z.boolean().default(false),
        /** The situations this number is for (src/core/safety/verdict.ts). */
        situations: z.array(z.enum(SITUATIONS)).default([]),
        /** Shown when no situation is known. */
        fallback: z.boolean().default(false),
      }),
    )
    .min(1),
});
export type EmergencyNumbers = z.infer<typeof emergencyNumbersSchema>;

// ---- Locale files ----------------------------------------------------------------------------

const optionTextSchema = z.union([
  z.string().min(1),
  z.strictObject({
    label: z.string().min(1),
    /** The label when a relative answers ("Nej, {{pronoun}} känner sig ofta ensam"); {{pronoun}}, {{Pronoun}} are filled in. */
    labelOther: z.string().min(1).optional(),
    /**
     * The option in the summaries' voice when the label speaks as the person ("Jag är personens
     * barn" -> "barn"): shown in the person's and the staff's summary instead of the label.
     */
    summary: z.string().min(1).optional(),
    accept: z.array(z.string().min(1)).default([]),
  }),
]);

export const questionTextsSchema = z.record(
  idSchema,
  z.strictObject({
    /** The question as asked when answering for yourself. */
    text: z.string().min(1),
    /**
     * The question as asked when answering for someone else (optional). {{person}} ("din pappa",
     * "personen"), {{Person}}, {{persons}} ("din pappas"), {{pronoun}} ("han", "hen") and {{Pronoun}}
     * are filled in from the relation the person gave.
     */
    textOther: z.string().min(1).optional(),
    /** The question said in other words, for "vad menar du?" (optional; else `help`, else a general text). */
    explain: z.string().min(1).optional(),
    explainOther: z.string().min(1).optional(),
    /** A short label for the summary. */
    label: z.string().min(1),
    /** The label in the summary of a relative ("{{Person}} känner till kontakten"), placeholders as in textOther. */
    labelOther: z.string().min(1).optional(),
    help: z.string().min(1).optional(),
    /**
     * Asked once when the person answers "vet inte" (or clicks an honest "Vet inte" option) before it
     * is kept: "Vet du ungefär var du bor?". unsureOther: to a relative, placeholders as in textOther.
     */
    unsure: z.string().min(1).optional(),
    unsureOther: z.string().min(1).optional(),
    options: z.record(idSchema, optionTextSchema).optional(),
    /** Labels for the ends of a scale. */
    scaleLow: z.string().min(1).optional(),
    scaleHigh: z.string().min(1).optional(),
  }),
);
export type QuestionTexts = z.infer<typeof questionTextsSchema>;

/** A non-empty list of words or phrases. */
const phraseList = z.array(z.string().min(1)).min(1);

/** Words and phrases recognised in typed Swedish (or another locale's) answers and commands. */
export const phrasesSchema = z.strictObject({
  yes: phraseList,
  no: phraseList,
  /** Number words, index 0 is "1". */
  numbers: z.array(z.array(z.string().min(1))).min(5),
  /** Typed answers that mean "I don't know the municipality" (the honest "Vet inte" option). */
  municipalityUnknown: phraseList,
  /** Typed answers that mean "a municipality outside the directory" ("annan kommun", "utanför Värmland"). */
  municipalityOther: z.array(z.string().min(1)).default([]),
  /** Words that join several choices, like "och". */
  listSeparators: z.array(z.string().min(1)).default([]),
  /** Ways of naming this locale's language when choosing one ("svenska", "swedish"). */
  languageNames: z.array(z.string().min(1)).default([]),
  /**
   * Short everyday words of this language ("och", "inte", "hon") by which a message in a conversation
   * held in another language is seen to be written in this one: the safety net then reads it in this
   * language too (safety-verdict.ts). Words shared with other languages ("i") are left out.
   */
  commonWords: z.array(z.string().min(1)).default([]),
  /** What someone writes to say a safety alarm was wrong ("det är inte akut"), found anywhere in a message. */
  notUrgent: z.array(z.string().min(1)).default([]),
  /**
   * Relatives a person may name ("min pappa"): the key names their wording in texts.yaml
   * (perspective.named.<key>), `relation` the option of the relation question it answers.
   */
  /** "jag är": "jag är pappa" names the one writing, not a relative. */
  iAm: z.string().min(1).optional(),
  relatives: z.record(idSchema, z.strictObject({ relation: idSchema, words: phraseList })).default({}),
  /** Cue words for a short acknowledgement (texts.yaml acknowledge.<kind>), in order of precedence. */
  feelings: z.record(idSchema, phraseList).default({}),
  /** "vad menar du?", "förstår inte": the question explained in other words. */
  explain: z.array(z.string().min(1)).default([]),
  /** "vad är", "vad betyder", "jag vill veta mer": with a term of the glossary, the term explained. */
  whatIs: z.array(z.string().min(1)).default([]),
  /** Terms of the glossary (texts.yaml glossary.<key>) and the words that name them. */
  glossary: z.record(idSchema, phraseList).default({}),
  /** Words between two numbers that make a range on a scale ("3 eller 4", "3 till 4", "mellan 3 och 4"). */
  scaleRange: z.array(z.string().min(1)).default([]),
  /** Words that say how it has been, as an answer on a scale ("sådär", "ganska bra"): kept as the person's words. */
  scaleWords: z.array(z.string().min(1)).default([]),
  /** A whole answer that means "I don't know" (stored as such, shown as "Vet inte"). */
  dontKnow: z.array(z.string().min(1)).default([]),
  /** Answers to a yes/no question that are neither ("nja", "ibland", "det beror på"): kept in the person's words. */
  neither: z.array(z.string().min(1)).default([]),
  /** Words that make a reading uncertain ("kanske", "tror"): an answer that governs consent or routing is then asked about. */
  hedges: z.array(z.string().min(1)).default([]),
  /** Words that deny what their clause mentions ("inte", "ingen"). */
  negations: z.array(z.string().min(1)).default([]),
  /** A clause that is only a denial of the one before ("inte längre", "inte än"). */
  negatingTails: z.array(z.string().min(1)).default([]),
  /** Words that start a new clause ("men"): a denial after them does not reach back. */
  clauseBreaks: z.array(z.string().min(1)).default([]),
  /** Words that start a new clause after a negation ("inte Karlstad utan Hammarö"). */
  contrastsAfterNegation: z.array(z.string().min(1)).default([]),
  /** Number words that are also everyday words ("en", "andra"), not read as a number inside a sentence. */
  weakNumbers: z.array(z.string().min(1)).default([]),
  commands: z.strictObject({
    help: phraseList,
    back: phraseList,
    skip: phraseList,
    cancel: phraseList,
    restart: phraseList,
  }),
});
export type Phrases = z.infer<typeof phrasesSchema>;

export const RISK_CATEGORIES = ['suicide_self_harm', 'medical_emergency', 'violence'] as const;
export type RiskCategory = (typeof RISK_CATEGORIES)[number];

/**
 * Acute-risk patterns: regular expressions (case-insensitive, Unicode) matched against normalised
 * text, each inside word boundaries. `ignore` patterns are removed from the text first (idioms).
 */
/** Per situation, a list of patterns (risk.yaml `situations` and both halves of `ages`). */
const patternsPerSituation = z.partialRecord(z.enum(SITUATIONS), z.array(z.string().min(1)));

export const riskPatternsSchema = z.strictObject({
  ignore: z.array(z.string().min(1)).default([]),
  /**
   * Words that place what is told well in the past ("för tio år sedan", "när jag var ung"): a pattern
   * hit in such a text raises no alarm on its own (the trained recognizer still may).
   */
  resolved: z.array(z.string().min(1)).default([]),
  patterns: z.record(z.enum(RISK_CATEGORIES), z.array(z.string().min(1)).min(1)),
  /**
   * Markers that keep a clause calm however alarming its words: negations ("aldrig tänkt på att"),
   * dreams, games, songs, jokes, fiction. Such a clause is read like a resolved one.
   */
  calm: z.array(z.string().min(1)).default([]),
  /**
   * Negation words: a pattern right after one of them (within `negationReach` words) or right before
   * one ("han hotar inte", "ramlade inte") does not count.
   */
  negations: z.array(z.string().min(1)).default([]),
  negationReach: z.number().int().min(0).max(5).default(2),
  /**
   * A negation word that is the subject of its own verb ("…ligger på golvet, ingen svarar", "…since
   * morning, nobody comes"): it starts a new statement and negates nothing told before it.
   */
  newStatements: z.array(z.string().min(1)).default([]),
  /**
   * Joke markers ("haha"): the whole sentence with one is calm, not only its clause, unless it tells a
   * danger as happening now ("…tar alla pills ikväll lol").
   */
  jokes: z.array(z.string().min(1)).default([]),
  /** Signals that may be ordinary ("trött på allt"): at most one caring question, never an alarm. */
  unsure: z.array(z.string().min(1)).default([]),
  /**
   * What the writer says to tell they are safe ("not going to do anything stupid", "I mean the caring,
   * not life"): a message with one of them asks no question for an `unsure` signal alone (a pattern's or
   * the model's alarm still stands).
   */
  reassurances: z.array(z.string().min(1)).default([]),
  /** Words that name someone else (a relative, child, friend, neighbour): the danger is theirs. */
  others: z.array(z.string().min(1)).default([]),
  /** Words of the writer themself ("jag", "mig"): with one of them in the words that matched, the danger is the writer's. */
  self: z.array(z.string().min(1)).default([]),
  /** Per situation, words that place a signal in it (a toddler: child_or_young; swallowed pills: poisoning). */
  situations: patternsPerSituation.default({}),
  /**
   * How an age is told ("jag e 15", "mamma är 87"), per whose age it is (`self`: the writer's;
   * `other`: someone they write about) and the situation it places a danger in. An age told in any
   * message is kept for the conversation: a later alarm about the same person gets that situation's
   * numbers too (a teenager who said "jag e 15" early gets BRIS when the alarm comes later).
   */
  ages: z
    .object({
      self: patternsPerSituation.default({}),
      other: patternsPerSituation.default({}),
    })
    .default({ self: {}, other: {} }),
  /**
   * Words that tell of a medicine taken by mistake (twice, a double dose, the wrong pills, forgot it
   * was taken): pills heard in such a sentence are a poisoning, not self-harm, unless a self-harm
   * pattern matched there or words of `intended` say it was meant.
   */
  mistakes: z.array(z.string().min(1)).default([]),
  /** Words that say a medicine was taken on purpose ("med flit", "on purpose"): `mistakes` do not count then. */
  intended: z.array(z.string().min(1)).default([]),
  /** Per category, words that tell which kind of danger the model heard (when no pattern names it). */
  hints: z.partialRecord(z.enum(RISK_CATEGORIES), z.array(z.string().min(1))).default({}),
  /**
   * Filler words ("typ", "liksom", "asså") taken out of a clause before anything else reads it, so
   * "dör typ av tristess" is the idiom it is and "tar typ alla tabletter" the danger it is.
   */
  fillers: z.array(z.string().min(1)).default([]),
  /**
   * What a text is read as before it is normalised (`from` a regular expression on the folded text,
   * `to` its replacement): a sign normalising would drop ("-15" is "minus 15": the cold, not a number).
   */
  rewrites: z.array(z.strictObject({ from: z.string().min(1), to: z.string() })).default([]),
  /**
   * Other readings of a clause for the patterns only (`from` a regular expression, `to` its
   * replacement with $1 …): inverted word order ("nu andas han inte" read also as "nu han andas
   * inte"), so a pattern written in one word order finds the other.
   */
  variants: z.array(z.strictObject({ from: z.string().min(1), to: z.string() })).default([]),
  /**
   * Where a resolved clause is cut again (regular expressions, matched in the clause as they are):
   * before a relative clause ("… morfar | som dog för fem år sedan") and before "och nu", so the words
   * that place one part in the past do not hide the present told in another.
   */
  splits: z.array(z.string().min(1)).default([]),
  /**
   * Where a long clause written without punctuation is cut (regular expressions on the normalised,
   * folded clause, matched as they are): where a new main clause starts, a subject and its verb
   * ("… gillar att spela kort | hon har precis ramlat …"). Only clauses of 25 words or more.
   */
  runOn: z.array(z.string().min(1)).default([]),
  /**
   * Words that place what is told right now ("nu", "ikväll", "hjälp"): a piece the model is unsure
   * about that has a word of danger (`hints`) and one of these is acute.
   */
  urgent: z.array(z.string().min(1)).default([]),
  /**
   * This language's own thresholds where they differ from the defaults (src/core/safety/assessor.ts
   * AssessorTuning), chosen on its own held-out folds: e.g. how sure the model must be before a
   * pattern's hit is an alarm rather than a question (`patternDoubt`).
   */
  tuning: z
    .strictObject({
      acuteScore: z.number().min(0).max(1),
      unsureScore: z.number().min(0).max(1),
      patternDoubt: z.number().min(0).max(1),
      wordDoubt: z.number().min(0).max(1),
      urgentUpgrade: z.boolean(),
      unhintedAcute: z.number().min(0).max(1),
      patternIgnore: z.number().min(0).max(1),
      clauseContext: z.number().min(0).max(1),
      patternKeptWords: z.number().int().min(0),
      unhintedUnsure: z.number().min(0).max(1),
      unhintedUnsureWords: z.number().int().min(0),
    })
    .partial()
    .default({}),
});
export type RiskPatterns = z.infer<typeof riskPatternsSchema>;

/** Free-form UI texts: nested keys, i18next interpolation (`{{name}}`). */
export const textsSchema: z.ZodType<TextTree> = z.lazy(() => z.record(z.string(), z.union([z.string(), textsSchema])));
export type TextTree = { [key: string]: string | TextTree };
