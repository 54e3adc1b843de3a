/**
 * The key facts of a case, first on the staff page, the print view, the exports, the Teams card and
 * the text a case system receives (webhook): who the person is, who answered, where they live,
 * whether it is urgent and what raised the alarm, whether the whole conversation may be read, how to
 * reach them and how they want to be contacted (in their own words beside the option: "per telefon –
 * ”Ring mig först, inte pappa”"), then language and interpreter, the SIP wish, who gave consent and
 * whether the person can decide. Written about the person in the third person ("Personen", never the
 * resident's "Om dig"), from the answers, with texts from locales/sv/staff.yaml (`keyFacts`). One pure
 * function, so every place says the same.
 */
import { OUTSIDE_MUNICIPALITY } from './routing.js';
import type { CaseRecord } from './cases.js';
import type { RiskRecord } from './case-work.js';
import type { AnswerValue } from './interview/answers.js';

/** The questions the key facts read, by what they are for (question ids of data/questions.yaml). */
export const KEY_FACT_QUESTIONS = {
  name: 'person_name',
  relativeName: 'contact_name',
  relation: 'relation',
  subjectAgrees: 'subject_agrees',
  personnummer: 'personnummer',
  phone: 'phone',
  contactWay: 'contact_way',
  language: 'language',
  sip: 'sip_wish',
  municipality: 'municipality',
} as const;


export type KeyFactId = 'person' | 'answeredBy' | 'municipality' | 'urgency' | 'shared' | 'reach' | 'contactWay' | 'language' | 'sip' | 'consent' | 'capacity';

export interface KeyFact {
  id: KeyFactId;
  label: string;
  value: string;
  /** Something staff must not miss (an interpreter is needed, the person cannot decide). */
  attention?: boolean;
}

/** locales/sv/staff.yaml `keyFacts`. */
export interface KeyFactsTexts {
  labels: Record<KeyFactId, string>;
  noName: string;
  personWithNumber: string;
  self: string;
  relative: string;
  relations: Record<string, string>;
  /** The person did not know (or did not say) where the person lives. */
  noMunicipality: string;
  /** The person lives outside the directory's municipalities. */
  outsideMunicipality: string;
  noPhone: string;
  contactWays: Record<string, string>;
  languages: Record<string, string>;
  sip: Record<string, string>;
  consentSelf: string;
  consentRelative: string;
  consentNone: string;
  capacitySelf: string;
  capacity: Record<string, string>;
  /** A structured value with the person's own words beside it: "{{value}} – ”{{words}}”". */
  ownWords: string;
  /** The person's own words where no value was read: "”{{words}}”". */
  ownWordsOnly: string;
  urgency: {
    yes: string;
    no: string;
    /** An alarm that every reading unit has since judged not urgent (reclassified, in its journal). */
    judgedNo: string;
    /** What raised the alarm: "{{level}}, {{category}}: ”{{sentence}}”". */
    trigger: string;
    /** The same for a trigger without a category: "{{level}}: ”{{sentence}}”". */
    triggerNoCategory: string;
    /** The person's own correction: "personen skrev sedan: ”{{text}}”". */
    correction: string;
    levels: Record<'acute' | 'unsure', string>;
    categories: Record<string, string>;
  };
  /** Whether the whole conversation may be read, or the summary only. */
  shared: {
    conversation: string;
    summary: string;
    /** Recipients that differ: "{{contact}}: {{what}}". */
    each: string;
  };
}

type Facts = Pick<CaseRecord, 'answers' | 'respondent' | 'municipality' | 'recipients'> & Partial<Pick<CaseRecord, 'urgent' | 'risk' | 'work'>>;

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/gu, (_, name: string) => values[name] ?? '');
}

function text(answer: AnswerValue | undefined): string | undefined {
  return answer?.kind === 'text' && answer.text.trim() ? answer.text.trim() : undefined;
}

function option(answer: AnswerValue | undefined): string | undefined {
  return answer?.kind === 'choice' ? answer.option : undefined;
}

/** "Maria Testsson (personens barn)": who answered for the person, as staff read it. */
function relativeOf(record: Facts, t: KeyFactsTexts): string {
  const q = KEY_FACT_QUESTIONS;
  const relation = option(record.answers[q.relation]);
  return fill(t.relative, { name: text(record.answers[q.relativeName]) ?? t.noName, relation: (relation && t.relations[relation]) ?? t.relations['other_relation'] ?? '' });
}

/**
 * Who gave consent to share, in words: the person themself, or the relative who answered (never
 * "med personens samtycke" when someone else answered for a person who cannot decide).
 */
export function consentGivenBy(record: Facts, t: KeyFactsTexts): string {
  return record.respondent === 'other' ? fill(t.consentRelative, { relative: relativeOf(record, t) }) : t.consentSelf;
}

/** The value with the person's own words beside it, when they wrote more than the value. */
function withOwnWords(value: string | undefined, answer: AnswerValue | undefined, t: KeyFactsTexts): string | undefined {
  const words = answer?.note?.trim();
  if (!words) return value;
  if (!value) return fill(t.ownWordsOnly, { words });
  return value.includes(words) ? value : fill(t.ownWords, { value, words });
}

/** "ja – akut, tankar på självmord eller självskada: ”…” – personen skrev sedan: ”det är inte akut”". */
function urgencyOf(urgent: boolean | 'judged', risk: RiskRecord | undefined, t: KeyFactsTexts): string {
  const u = t.urgency;
  const triggers = (risk?.triggers ?? []).map((tr) =>
    fill(tr.category ? u.trigger : u.triggerNoCategory, { level: u.levels[tr.level], category: tr.category ? (u.categories[tr.category] ?? tr.category) : '', sentence: tr.sentence }),
  );
  const correction = risk?.correction ? [fill(u.correction, { text: risk.correction.text })] : [];
  return [urgent === 'judged' ? u.judgedNo : urgent ? u.yes : u.no, ...triggers, ...correction].join(' – ');
}

/**
 * Whether the units reading the case may read the whole conversation or the summary only. The
 * units are those given (a delivery to one unit), else the units whose work the record holds (the
 * reader's own, after caseForUnits), else every recipient who got it.
 */
function sharedOf(record: Facts, t: KeyFactsTexts, units?: readonly string[]): string | undefined {
  const readers = units ?? (record.work && Object.keys(record.work).length ? Object.keys(record.work) : undefined);
  const got = record.recipients.filter((r) => r.consent && (!readers || readers.includes(r.key)));
  if (!got.length) return undefined;
  const what = (r: (typeof got)[number]) => (r.transcript === true ? t.shared.conversation : t.shared.summary);
  const all = new Set(got.map(what));
  if (all.size === 1) return [...all][0];
  return got.map((r) => fill(t.shared.each, { contact: r.contactName, what: what(r) })).join('; ');
}

/**
 * The key facts, in the order staff read them (who, who answered, where, how urgent and why, what
 * may be read, how to reach them; then the rest); facts the person did not answer are left out.
 * `units`: the units the facts are for (a delivery to one unit); by default the record's own.
 */
export function keyFacts(record: Facts, t: KeyFactsTexts, units?: readonly string[]): KeyFact[] {
  const q = KEY_FACT_QUESTIONS;
  const a = record.answers;
  const facts: KeyFact[] = [];
  const add = (id: KeyFactId, value: string | undefined, attention = false) => {
    if (value) facts.push({ id, label: t.labels[id], value, ...(attention ? { attention } : {}) });
  };
  const name = text(a[q.name]) ?? t.noName;
  const personnummer = text(a[q.personnummer]);
  add('person', personnummer ? fill(t.personWithNumber, { name, personnummer }) : name);
  add('answeredBy', record.respondent === 'other' ? relativeOf(record, t) : t.self, record.respondent === 'other');
  // Not knowing and living elsewhere are different facts for staff (issue 18), each with the person's words.
  const placed = record.municipality?.name ?? (option(a[q.municipality]) === OUTSIDE_MUNICIPALITY ? t.outsideMunicipality : t.noMunicipality);
  add('municipality', withOwnWords(placed, a[q.municipality], t));
  // The alarm stays on the case, but each unit's work says whether it is still urgent for that unit.
  const works = Object.entries(record.work ?? {})
    .filter(([unit]) => !units || units.includes(unit))
    .map(([, work]) => work);
  const judged = record.urgent === true && works.length > 0 && works.every((w) => !w.urgent);
  const urgent = record.urgent === true && !judged;
  add('urgency', urgencyOf(judged ? 'judged' : urgent, record.risk, t), urgent || (!judged && (record.risk?.triggers.length ?? 0) > 0));
  add('shared', sharedOf(record, t, units));
  add('reach', withOwnWords(text(a[q.phone]), a[q.phone], t) ?? t.noPhone);
  const way = option(a[q.contactWay]);
  add('contactWay', withOwnWords(way && t.contactWays[way], a[q.contactWay], t));
  const language = option(a[q.language]);
  add('language', language && t.languages[language], language !== undefined && language !== 'swedish');
  const sip = option(a[q.sip]);
  add('sip', sip && t.sip[sip]);
  const consented = record.recipients.filter((r) => r.consent);
  add('consent', consented.length ? consentGivenBy(record, t) : t.consentNone);
  const agrees = option(a[q.subjectAgrees]);
  add('capacity', record.respondent === 'other' ? (agrees && t.capacity[agrees]) : t.capacitySelf, agrees === 'cannot_decide' || agrees === 'does_not_know');
  return facts;
}
