/**
 * Which of an organisation's cases staff see in a list, and what the list says about the rest. The
 * stores answer a CaseQuery themselves (PostgreSQL in SQL, with indexes; the embedded store in
 * memory with `findInRecords`), so that a list at a county's scale never reads every case.
 */
import type { CaseRecord, CaseStatus } from './cases.js';
import { caseOrganisations } from './staff/access.js';

/** The staff page's and the Teams bot's filters, for one organisation. */
export interface CaseQuery {
  /** Only cases sent to this organisation with the person's consent. */
  organisationId: string;
  status?: CaseStatus;
  urgent?: boolean;
  /** A municipality's id in the directory or its SCB code. */
  municipality?: string;
  /** First calendar day in Sweden, YYYY-MM-DD, inclusive. */
  from?: string;
  /** Last calendar day in Sweden, YYYY-MM-DD, inclusive. */
  to?: string;
  /** At most this many cases, the newest first (at least 1). */
  limit: number;
}

/** The newest cases matching a query, and counts over all that match. */
export interface CasePage {
  /** Newest first, at most the query's limit. */
  cases: CaseRecord[];
  /** How many cases match the query in all. */
  total: number;
  /** How many of the organisation's cases are urgent and not taken yet, whatever the filter. */
  urgentWaiting: number;
}

/** The calendar date in Sweden (a case at 00:30 Swedish time is that day's, not the UTC day before). */
const swedishDay = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' });
export function swedishDate(iso: string): string {
  return swedishDay.format(new Date(iso));
}

/** Whether the case was sent to the query's organisation and passes its filters (not the limit). */
export function matchesCaseQuery(record: CaseRecord, query: Omit<CaseQuery, 'limit'>): boolean {
  const { status, urgent, municipality, from, to } = query;
  return (
    caseOrganisations(record).includes(query.organisationId) &&
    (!status || record.status === status) &&
    (urgent === undefined || record.urgent === urgent) &&
    (!municipality || record.municipality?.id === municipality || record.municipality?.scbCode === municipality) &&
    (!from || swedishDate(record.createdAt) >= from) &&
    (!to || swedishDate(record.createdAt) <= to)
  );
}

/** Answers a query from cases in memory, oldest first as the embedded store lists them. */
export function findInRecords(oldestFirst: readonly CaseRecord[], query: CaseQuery): CasePage {
  const matching = oldestFirst.filter((r) => matchesCaseQuery(r, query));
  const waiting = oldestFirst.filter((r) => matchesCaseQuery(r, { organisationId: query.organisationId, status: 'new', urgent: true }));
  return {
    cases: matching.slice(-Math.max(1, query.limit)).reverse(),
    total: matching.length,
    urgentWaiting: waiting.length,
  };
}
