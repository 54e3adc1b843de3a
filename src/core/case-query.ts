/**
 * Which cases staff see in a list, and what the list says about the rest. The stores answer a
 * CaseQuery themselves (PostgreSQL in SQL; the embedded store in memory with `findInRecords`), so
 * that a list at a county's scale never reads every case. A case is in a person's list when it was
 * sent with consent to one of their units; the work filters (status, urgency, assignee, overdue)
 * apply to the work of those units, all to the same unit.
 */
import type { CaseRecord } from './cases.js';
import { isOverdue, upgradeCase, type UnitWork, type WorkStatus } from './case-work.js';
import { REFERENCE_PATTERN } from './cases.js';
import { checkPersonnummer } from './validation.js';
import { swedishDate } from './swedish-time.js';

export { swedishDate };

/** What a search box asked for, recognised from what was typed. */
export type CaseSearch =
  | { kind: 'reference'; value: string }
  | { kind: 'personnummer'; value: string }
  | { kind: 'phone'; value: string }
  | { kind: 'name'; value: string };

export type CaseSort = 'newest' | 'oldest' | 'due';

/** The staff page's and the Teams bot's filters, for one person's units. */
export interface CaseQuery {
  /** Only cases sent with consent to one of these units (recipient keys). */
  units: string[];
  /** A unit's status; "open" is any but closed. */
  status?: WorkStatus | 'open';
  /** Urgent for the unit (after any reclassification). */
  urgent?: boolean;
  /** "Mina ärenden": assigned to this staff id. */
  assignee?: string;
  /** Past the due date and not closed, on `today`. */
  overdue?: boolean;
  /** Today in Sweden (YYYY-MM-DD): what "overdue" is measured against. */
  today: string;
  /** A municipality's id in the directory or its SCB code. */
  municipality?: string;
  /** First calendar day in Sweden, YYYY-MM-DD, inclusive. */
  from?: string;
  /** Last calendar day in Sweden, YYYY-MM-DD, inclusive. */
  to?: string;
  search?: CaseSearch;
  /** Newest first (default), oldest first, or the earliest due date of the person's open units first. */
  sort?: CaseSort;
  /** At most this many cases (at least 1). */
  limit: number;
}

/** The cases matching a query, and counts over all that match. */
export interface CasePage {
  cases: CaseRecord[];
  /** How many cases match the query in all. */
  total: number;
  /** How many of the units' cases are urgent and nobody has started, whatever the filter. */
  urgentWaiting: number;
  /** How many of the units' cases are past their due date and not closed, whatever the filter. */
  overdue: number;
}

/** Digits of a phone number in one form: "+46 70-174 06 42" and "070-174 06 42" both "0701740642". */
export function phoneDigits(text: string): string {
  const digits = text.replace(/\D/gu, '');
  return digits.startsWith('46') && text.trim().startsWith('+') ? `0${digits.slice(2)}` : digits.replace(/^0046/u, '0');
}

/** The last ten digits of a personnummer, whichever form it was written in (ÅÅMMDD-NNNN or 12 digits). */
export function personnummerDigits(text: string): string {
  return text.replace(/\D/gu, '').slice(-10);
}

/**
 * What someone typed in the search box: a reference (NV-2026-000123, or its number), a valid
 * personnummer, a phone number, or else a name. Undefined for an empty or too short search.
 */
export function parseSearch(typed: string): CaseSearch | undefined {
  const text = typed.trim().replace(/\s+/gu, ' ');
  if (text.length < 2) return undefined;
  const upper = text.toUpperCase();
  if (REFERENCE_PATTERN.test(upper)) return { kind: 'reference', value: upper };
  if (/^\d{4}-\d{6}$/u.test(text)) return { kind: 'reference', value: `NV-${text}` };
  if (/^[\d\s+-]+$/u.test(text)) {
    if (checkPersonnummer(text).ok) return { kind: 'personnummer', value: personnummerDigits(text) };
    if (text.replace(/\D/gu, '').length >= 6) return { kind: 'phone', value: phoneDigits(text) };
    return undefined;
  }
  return { kind: 'name', value: text.toLowerCase() };
}

function answerText(record: CaseRecord, questionId: string): string {
  const a = record.answers[questionId];
  return a?.kind === 'text' ? a.text : '';
}

/** Whether the case is the one searched for (name: every word in the person's or the answering relative's name). */
export function matchesSearch(record: CaseRecord, search: CaseSearch): boolean {
  switch (search.kind) {
    case 'reference':
      return record.reference === search.value;
    case 'personnummer': {
      const stored = answerText(record, 'personnummer');
      return stored !== '' && personnummerDigits(stored) === search.value;
    }
    case 'phone': {
      const stored = answerText(record, 'phone');
      return stored !== '' && phoneDigits(stored) === search.value;
    }
    case 'name': {
      const names = `${answerText(record, 'person_name')} ${answerText(record, 'contact_name')}`.toLowerCase();
      return search.value.split(' ').every((word) => names.includes(word));
    }
  }
}

/** The work of the query's units on this case. */
function worksFor(record: CaseRecord, units: readonly string[]): UnitWork[] {
  return Object.values(record.work).filter((w) => units.includes(w.unit));
}

function workMatches(w: UnitWork, q: Pick<CaseQuery, 'status' | 'urgent' | 'assignee' | 'overdue' | 'today'>): boolean {
  return (
    (!q.status || (q.status === 'open' ? w.status !== 'closed' : w.status === q.status)) &&
    (q.urgent === undefined || w.urgent === q.urgent) &&
    (!q.assignee || w.assignee?.id === q.assignee) &&
    (q.overdue === undefined || isOverdue(w, q.today) === q.overdue)
  );
}

/** Whether the case was sent to one of the query's units and passes its filters (not the limit). */
export function matchesCaseQuery(record: CaseRecord, query: Omit<CaseQuery, 'limit'>): boolean {
  const { municipality, from, to } = query;
  const works = worksFor(record, query.units);
  return (
    works.some((w) => workMatches(w, query)) &&
    (!municipality || record.municipality?.id === municipality || record.municipality?.scbCode === municipality) &&
    (!from || swedishDate(record.createdAt) >= from) &&
    (!to || swedishDate(record.createdAt) <= to) &&
    (!query.search || matchesSearch(record, query.search))
  );
}

/** The earliest due date of the units' open work (for sorting by due date; closed work last). */
export function earliestDue(record: CaseRecord, units: readonly string[]): string | undefined {
  const due = worksFor(record, units)
    .filter((w) => w.status !== 'closed')
    .map((w) => w.due)
    .sort();
  return due[0];
}

/** Answers a query from cases in memory (any order; upgraded from older releases as they are read). */
export function findInRecords(records: readonly CaseRecord[], query: CaseQuery): CasePage {
  const all = records.map(upgradeCase);
  const matching = all.filter((r) => matchesCaseQuery(r, query));
  const byReference = (a: CaseRecord, b: CaseRecord) => (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0);
  if (query.sort === 'oldest') matching.sort(byReference);
  else if (query.sort === 'due') {
    matching.sort((a, b) => {
      const da = earliestDue(a, query.units) ?? '9999';
      const db = earliestDue(b, query.units) ?? '9999';
      return da < db ? -1 : da > db ? 1 : byReference(a, b);
    });
  } else matching.sort((a, b) => byReference(b, a));
  const base = { units: query.units, today: query.today };
  return {
    cases: matching.slice(0, Math.max(1, query.limit)),
    total: matching.length,
    urgentWaiting: all.filter((r) => matchesCaseQuery(r, { ...base, status: 'new', urgent: true })).length,
    overdue: all.filter((r) => matchesCaseQuery(r, { ...base, overdue: true })).length,
  };
}

/** Per unit counts over cases in memory (the embedded store's workCounts). */
export function countWork(records: readonly CaseRecord[], today: string): Array<{ unit: string; organisationId: string; open: number; urgentWaiting: number; overdue: number }> {
  const counts = new Map<string, { unit: string; organisationId: string; open: number; urgentWaiting: number; overdue: number }>();
  for (const record of records.map(upgradeCase)) {
    for (const w of Object.values(record.work)) {
      const c = counts.get(w.unit) ?? { unit: w.unit, organisationId: w.organisationId, open: 0, urgentWaiting: 0, overdue: 0 };
      if (w.status !== 'closed') c.open += 1;
      if (w.status === 'new' && w.urgent) c.urgentWaiting += 1;
      if (isOverdue(w, today)) c.overdue += 1;
      counts.set(w.unit, c);
    }
  }
  return [...counts.values()].sort((a, b) => (a.unit < b.unit ? -1 : 1));
}
