/**
 * A case is shared; the work is per unit. Each contact point a case was sent to with consent (a
 * "unit": Karlstad's elderly care, the Region's vårdcentral…) has its own status, assignee, due date,
 * urgency and journal of notes and contacts, which only that unit's staff read (municipality and
 * region are separate authorities under secrecy, OSL 25:1 and 26:1, and so are the branches of one
 * municipality's social services). The resident's answers and the summary are shared as consented.
 * Pure functions only: the stores keep the work inside the case record.
 */
import type { RiskCategory } from './content/schema.js';
import type { CaseRecord, NewCase } from './cases.js';
import { dueDate } from './working-days.js';

/** ny, pågår, avslutad, återöppnad. */
export const WORK_STATUSES = ['new', 'in_progress', 'closed', 'reopened'] as const;
export type WorkStatus = (typeof WORK_STATUSES)[number];

/** One line of a unit's journal: a note, a contact with the person, or what was done with the case. */
export interface JournalEntry {
  at: string;
  kind: 'note' | 'contact' | 'assigned' | 'status' | 'reclassified';
  /** Staff id and name. */
  by: string;
  byName: string;
  /** The note, or what was said in a contact with the person, or the note given with a change. */
  text?: string;
  /** kind "status": the status it changed to. */
  status?: WorkStatus;
  /** kind "assigned": who the case was given to. */
  assignee?: { id: string; name: string };
  /** kind "reclassified": whether the unit still counts the case as urgent. */
  urgent?: boolean;
}

export interface UnitWork {
  /** The recipient's key: "<organisation>:<contact type>". */
  unit: string;
  organisationId: string;
  status: WorkStatus;
  /** Urgent for this unit: the case's alarm, until the unit's staff reclassify it. */
  urgent: boolean;
  /** The last day to answer, in Sweden (YYYY-MM-DD), from the contact point's response time. */
  due: string;
  assignee?: { id: string; name: string };
  journal: JournalEntry[];
}

/**
 * Why a case is urgent, from the safety net (issue 19 fills it from the conversation): each sentence
 * that raised an alarm with its level and category, and the person's correction ("det är inte akut").
 */
export interface RiskRecord {
  triggers: Array<{ sentence: string; level: 'acute' | 'unsure'; category?: RiskCategory; at?: string }>;
  correction?: { text: string; at: string };
}

/** The unit keys a case was sent to with consent. */
export function caseUnits(record: Pick<NewCase, 'recipients'>): string[] {
  return [...new Set(record.recipients.filter((r) => r.consent).map((r) => r.key))];
}

/** The work each consenting recipient starts with: new, urgent as the case, due by its response time. */
export function initialWork(draft: Pick<NewCase, 'recipients' | 'createdAt' | 'urgent'>): Record<string, UnitWork> {
  const work: Record<string, UnitWork> = {};
  for (const r of draft.recipients) {
    if (!r.consent || work[r.key]) continue;
    work[r.key] = { unit: r.key, organisationId: r.organisationId, status: 'new', urgent: draft.urgent, due: dueDate(draft.createdAt, r.responseDays, draft.urgent), journal: [] };
  }
  return work;
}

/** Whether a unit's part is past its due date on `today` (YYYY-MM-DD in Sweden) and not closed. */
export function isOverdue(work: Pick<UnitWork, 'status' | 'due'>, today: string): boolean {
  return work.status !== 'closed' && work.due < today;
}

/**
 * A case as this release keeps it. Cases written before issue 20 had one status for all
 * organisations (`status`, `takenBy`, `events`): each unit gets the part of that history its own
 * organisation made (a Region nurse no longer sees Karlstad's closing note), and units of an
 * organisation that did nothing start as new. When the old record cannot say who acted (a status
 * without events), every unit gets that status, as the old release showed it to everyone.
 */
export function upgradeCase(record: CaseRecord): CaseRecord {
  if (record.work) return record;
  const { status: legacyStatus, takenBy, events, ...rest } = record;
  const work = initialWork(record);
  const attributed = (events ?? []).length > 0 || takenBy !== undefined;
  for (const unit of Object.values(work)) {
    const own = (events ?? []).filter((e) => e.organisationId === unit.organisationId);
    for (const e of own) {
      if (e.action === 'taken') unit.journal.push({ at: e.at, kind: 'assigned', by: e.by, byName: e.byName, assignee: { id: e.by, name: e.byName }, ...(e.note ? { text: e.note } : {}) });
      else unit.journal.push({ at: e.at, kind: 'status', status: 'closed', by: e.by, byName: e.byName, ...(e.note ? { text: e.note } : {}) });
    }
    if (takenBy && takenBy.organisationId === unit.organisationId) unit.assignee = { id: takenBy.id, name: takenBy.name };
    const last = own.at(-1);
    if (last) unit.status = last.action === 'closed' ? 'closed' : 'in_progress';
    else if (takenBy?.organisationId === unit.organisationId) unit.status = 'in_progress';
    else if (!attributed && legacyStatus && legacyStatus !== 'new') unit.status = legacyStatus === 'closed' ? 'closed' : 'in_progress';
  }
  return { ...rest, work };
}

/**
 * The case as one member of staff may see it: the shared part and the work of the given units only.
 * Never the person's own copy (`personCopy`): its secret's hash and the person's summary are theirs,
 * and a reader with the hash could check a guessed link; staff have the staff summary.
 */
export function caseForUnits(record: CaseRecord, units: readonly string[]): CaseRecord {
  const { status: _s, takenBy: _t, events: _e, personCopy: _p, ...shared } = upgradeCase(record);
  return { ...shared, work: Object.fromEntries(Object.entries(shared.work).filter(([unit]) => units.includes(unit))) };
}

/** Changes of a unit's work, each adding its journal line. `by` is the member of staff doing it. */
export type WorkChange =
  | { kind: 'assign'; assignee: { id: string; name: string } }
  | { kind: 'note' | 'contact'; text: string }
  | { kind: 'close'; text?: string }
  | { kind: 'reopen'; text?: string }
  | { kind: 'reclassify'; urgent: boolean; text: string; responseDays: number; createdAt: string };

/** Why a change cannot be made: the unit's part is closed (notes and assigning need it open), or not closed (reopen). */
export class WorkConflict extends Error {
  constructor(readonly reason: 'closed' | 'notClosed') {
    super(reason === 'closed' ? 'This unit has closed its part of the case; reopen it first.' : 'Only a closed case can be reopened.');
  }
}

export function applyWorkChange(work: UnitWork, change: WorkChange, by: { id: string; name: string }, at: string): UnitWork {
  const line = { at, by: by.id, byName: by.name };
  switch (change.kind) {
    case 'assign':
      if (work.status === 'closed') throw new WorkConflict('closed');
      return {
        ...work,
        assignee: change.assignee,
        status: 'in_progress',
        journal: [...work.journal, { ...line, kind: 'assigned', assignee: change.assignee }],
      };
    case 'note':
    case 'contact':
      if (work.status === 'closed') throw new WorkConflict('closed');
      return { ...work, journal: [...work.journal, { ...line, kind: change.kind, text: change.text }] };
    case 'close':
      if (work.status === 'closed') throw new WorkConflict('closed');
      return { ...work, status: 'closed', journal: [...work.journal, { ...line, kind: 'status', status: 'closed', ...(change.text ? { text: change.text } : {}) }] };
    case 'reopen':
      if (work.status !== 'closed') throw new WorkConflict('notClosed');
      return { ...work, status: 'reopened', journal: [...work.journal, { ...line, kind: 'status', status: 'reopened', ...(change.text ? { text: change.text } : {}) }] };
    case 'reclassify':
      return {
        ...work,
        urgent: change.urgent,
        // No longer urgent: due by the contact point's response time instead of the same day.
        due: dueDate(change.createdAt, change.responseDays, change.urgent),
        journal: [...work.journal, { ...line, kind: 'reclassified', urgent: change.urgent, text: change.text }],
      };
  }
}

/**
 * A case sent early (the urgent case a person asked to send during the interview) completed by the
 * rest of the interview: the same case (reference, creation time, idempotency key), with the answers,
 * summary, routing and risk record of the finished interview. Every recipient it was already sent to
 * stays consented and keeps its work (status, journal, urgency as its staff set it); a recipient the
 * person consented to at the end starts its own. Once sent as urgent, the case stays urgent for the
 * units that had it: only their staff reclassify it (they see the person's correction in the risk
 * record).
 */
export function completeSentCase(sent: CaseRecord, draft: NewCase): CaseRecord {
  const recipients = draft.recipients.map((r) => ({ ...r }));
  for (const earlier of sent.recipients.filter((r) => r.consent)) {
    const same = recipients.find((r) => r.key === earlier.key);
    if (same) same.consent = true;
    else recipients.push({ ...earlier });
  }
  const urgent = sent.urgent || draft.urgent;
  const risk = draft.risk ?? sent.risk;
  const completed: CaseRecord = {
    ...sent,
    ...draft,
    idempotencyKey: sent.idempotencyKey,
    createdAt: sent.createdAt,
    reference: sent.reference,
    urgent,
    recipients,
    // Units that get the case only now start as urgent as the finished interview says (the person may
    // have said it is not acute); the units that had it keep theirs.
    work: { ...initialWork({ recipients, createdAt: sent.createdAt, urgent: draft.urgent }), ...sent.work },
  };
  if (risk) completed.risk = risk;
  return completed;
}
