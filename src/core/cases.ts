/**
 * Cases: what is stored when a person confirms the summary, and the store interface the storage
 * backends implement. No Bot Framework types here.
 */
import type { CasePage, CaseQuery } from './case-query.js';
import type { RiskCategory, RoutingTopic } from './content/schema.js';
import type { Answers } from './interview/answers.js';
import type { Recipient } from './routing.js';
import type { SummaryView } from './summary.js';
import type { PersonCopy } from './person-copy.js';
import type { RiskRecord, UnitWork } from './case-work.js';

export type { JournalEntry, RiskRecord, UnitWork, WorkStatus } from './case-work.js';

export interface CaseRecipient extends Recipient {
  /** The person agreed that the summary is sent to this recipient. */
  consent: boolean;
  /**
   * The person also agreed that staff there may read the whole conversation (issue 18). Absent on
   * cases created before: those were agreed as the summary only, so their conversation stays closed.
   */
  transcript?: boolean;
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
  /**
   * Why the case is urgent, when the safety net raised an alarm: the sentence, its level and
   * category, and the person's own correction. Optional: cases before issue 19 have none.
   */
  risk?: RiskRecord;
  /** The person's own copy (issue 18): its link's hash and their summary. Absent on older cases. */
  personCopy?: PersonCopy;
}

/** The one status of a case for every organisation, as releases before issue 20 kept it. */
export type LegacyCaseStatus = 'new' | 'taken' | 'closed';

/** What staff did with a case, in order (releases before issue 20; now each unit's journal). */
export interface LegacyCaseEvent {
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
  /**
   * The work of each receiving unit (contact point), by the recipient's key ("karlstad:bistand"):
   * its own status, assignee, due date and journal. Every unit the person consented to has one.
   */
  work: Record<string, UnitWork>;
  /** Written by releases before issue 20 and moved into `work` by upgradeCase; never written now. */
  status?: LegacyCaseStatus;
  takenBy?: { id: string; name: string; organisationId: string };
  events?: LegacyCaseEvent[];
}

export interface CaseStore {
  /** Stores a new case and gives it the next reference of the year. */
  create(draft: NewCase): Promise<CaseRecord>;
  get(reference: string): Promise<CaseRecord | undefined>;
  /** All references, oldest first. */
  references(): Promise<string[]>;
  /** Every case, oldest first (retention, moving a data folder; not for lists staff read). */
  list(): Promise<CaseRecord[]>;
  /** The cases routed to some units matching the filters, in the query's order, with counts. */
  find(query: CaseQuery): Promise<CasePage>;
  /** Cases with a unit for which they are still urgent and new, created before `cutoff`: the ones to remind about. */
  urgentNewBefore(cutoff: Date): Promise<CaseRecord[]>;
  /** Per unit: open cases, urgent ones nobody has started, and overdue ones on `today` (for metrics). */
  workCounts(today: string): Promise<WorkCounts[]>;
  /** Read-modify-write of one case; resolves with the new record, or undefined if there is none. */
  update(reference: string, change: (record: CaseRecord) => CaseRecord): Promise<CaseRecord | undefined>;
  /** Throws if the store cannot be reached. */
  ping(): Promise<void>;
}

/** What a unit has on its desk (GET /metrics can count these without reading cases). */
export interface WorkCounts {
  unit: string;
  organisationId: string;
  open: number;
  urgentWaiting: number;
  overdue: number;
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
