/**
 * Cases: what is stored when a person confirms the summary, and the store interface the storage
 * backends implement. No Bot Framework types here.
 */
import type { CasePage, CaseQuery } from './case-query.js';
import type { RiskCategory, RoutingTopic } from './content/schema.js';
import type { Answers } from './interview/answers.js';
import type { Recipient } from './routing.js';
import type { SummaryView } from './summary.js';

export interface CaseRecipient extends Recipient {
  /** The person agreed that the summary is sent to this recipient. */
  consent: boolean;
}

export interface NewCase {
  /** The same key twice returns the same case: a confirm that is retried creates no duplicate. */
  idempotencyKey: string;
  createdAt: string;
  locale: string;
  urgent: boolean;
  riskCategories: RiskCategory[];
  respondent: 'self' | 'other';
  municipality: { id: string; name: string; scbCode?: string } | null;
  topics: RoutingTopic[];
  sipSuggested: boolean;
  /** Topics the recognizer suggested from free text that the routing did not already cover (for staff). */
  suggestedTopics?: RoutingTopic[];
  recipients: CaseRecipient[];
  /** The answers as given; free text verbatim. */
  answers: Answers;
  /** The summary in Swedish (staff always read Swedish), structured and as plain text. */
  summary: SummaryView;
  summaryText: string;
  /** Where the conversation took place, to read its transcript. */
  conversation: { channelId: string; conversationId: string };
  /** A member of staff ran the interview together with the resident (a kitchen-table conversation). */
  assistedBy?: { id: string; name: string; organisationId: string };
}

export type CaseStatus = 'new' | 'taken' | 'closed';

/** What staff did with a case, in order. */
export interface CaseEvent {
  at: string;
  action: 'taken' | 'closed';
  /** Staff id and name. */
  by: string;
  byName: string;
  organisationId: string;
  note?: string;
}

export interface CaseRecord extends NewCase {
  reference: string;
  status: CaseStatus;
  /** Who took the case (staff id and name). */
  takenBy?: { id: string; name: string; organisationId: string };
  events?: CaseEvent[];
}

export interface CaseStore {
  /** Stores a new case and gives it the next reference of the year. */
  create(draft: NewCase): Promise<CaseRecord>;
  get(reference: string): Promise<CaseRecord | undefined>;
  /** All references, oldest first. */
  references(): Promise<string[]>;
  /** Every case, oldest first (retention, moving a data folder; not for lists staff read). */
  list(): Promise<CaseRecord[]>;
  /** One organisation's cases matching the filters, newest first, with how many match in all. */
  find(query: CaseQuery): Promise<CasePage>;
  /** Urgent cases nobody has taken yet ("new"), created before `cutoff`: the ones to remind about. */
  urgentNewBefore(cutoff: Date): Promise<CaseRecord[]>;
  /** Read-modify-write of one case; resolves with the new record, or undefined if there is none. */
  update(reference: string, change: (record: CaseRecord) => CaseRecord): Promise<CaseRecord | undefined>;
  /** Throws if the store cannot be reached. */
  ping(): Promise<void>;
}

/** "NV-2026-000123": readable on the phone, sorts by year and number. */
export function formatReference(year: number, sequence: number): string {
  return `NV-${year}-${String(sequence).padStart(6, '0')}`;
}

export const REFERENCE_PATTERN = /^NV-\d{4}-\d{6}$/u;

/** [year, number] of a reference made by formatReference. */
export function parseReference(reference: string): [number, number] {
  const match = /^NV-(\d{4})-(\d{6})$/u.exec(reference);
  if (!match) throw new Error(`"${reference}" is not a case reference (NV-YYYY-NNNNNN)`);
  return [Number(match[1]), Number(match[2])];
}
