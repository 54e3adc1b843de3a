/**
 * The key facts of a case, first on the staff page, the print view, the exports and the Teams card:
 * who the person is, where they live, how to reach them, language and interpreter, the SIP wish,
 * who gave consent and whether the person can decide. Written about the person in the third person
 * ("Personen", never the resident's "Om dig"), from the answers, with texts from
 * locales/sv/staff.yaml (`keyFacts`). One pure function, so every place says the same; issue 18 will
 * add the person's verbatim words beside a structured value (a `verbatim` field on KeyFact).
 */
import type { CaseRecord } from './cases.js';
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
} as const;

export type KeyFactId = 'person' | 'answeredBy' | 'municipality' | 'reach' | 'contactWay' | 'language' | 'sip' | 'consent' | 'capacity';

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
  noMunicipality: string;
  noPhone: string;
  contactWays: Record<string, string>;
  languages: Record<string, string>;
  sip: Record<string, string>;
  consentSelf: string;
  consentRelative: string;
  consentNone: string;
  capacitySelf: string;
  capacity: Record<string, string>;
}

type Facts = Pick<CaseRecord, 'answers' | 'respondent' | 'municipality' | 'recipients'>;

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

/** The key facts, in the order staff read them; facts the person did not answer are left out. */
export function keyFacts(record: Facts, t: KeyFactsTexts): KeyFact[] {
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
  add('municipality', record.municipality?.name ?? t.noMunicipality);
  add('reach', text(a[q.phone]) ?? t.noPhone);
  const way = option(a[q.contactWay]);
  add('contactWay', way && t.contactWays[way]);
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
