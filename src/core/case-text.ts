/**
 * A case in Swedish words and Swedish time, for the text export (to paste into a record system) and
 * for Teams: the key facts first, then the reader's own units' part (status, assignee, due date,
 * journal), then the summary. Never another unit's part. The staff summary as a case system receives
 * it (staffSummaryText): the key facts first, then the summary. Texts from locales/sv/staff.yaml.
 */
import type { CaseRecord } from './cases.js';
import { isOverdue, type JournalEntry, type UnitWork, type WorkStatus } from './case-work.js';
import { keyFacts, type KeyFactsTexts } from './key-facts.js';
import { swedishDateTime } from './swedish-time.js';

export interface WorkTexts {
  status: Record<WorkStatus, string>;
  journal: Record<'note' | 'contact' | 'assigned' | 'assignedSelf' | 'status' | 'statusNote' | 'reclassifiedUrgent' | 'reclassifiedNotUrgent', string>;
}

export interface ExportTexts {
  title: string;
  created: string;
  urgent: string;
  keyFacts: string;
  unit: string;
  status: string;
  assignee: string;
  noAssignee: string;
  due: string;
  overdue: string;
  journal: string;
  journalNone: string;
  summary: string;
  yes: string;
  no: string;
}

export interface CaseTextTexts {
  export: ExportTexts;
  work: WorkTexts;
  keyFacts: KeyFactsTexts;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/gu, (_, name: string) => values[name] ?? '');
}

/** "pågår", "avslutad": a unit's status in Swedish. */
export function workStatusText(status: WorkStatus, t: WorkTexts): string {
  return t.status[status];
}

/** One journal line in Swedish with its Swedish time. */
export function journalLine(e: JournalEntry, t: WorkTexts): string {
  const base = { at: swedishDateTime(e.at), name: e.byName, text: e.text ?? '' };
  switch (e.kind) {
    case 'note':
    case 'contact':
      return fill(t.journal[e.kind], base);
    case 'assigned':
      return e.assignee && e.assignee.id !== e.by ? fill(t.journal.assigned, { ...base, assignee: e.assignee.name }) : fill(t.journal.assignedSelf, base);
    case 'status': {
      const status = e.status ? t.status[e.status] : '';
      const capital = status.charAt(0).toUpperCase() + status.slice(1);
      return fill(e.text ? t.journal.statusNote : t.journal.status, { ...base, status: capital });
    }
    case 'reclassified':
      return fill(e.urgent ? t.journal.reclassifiedUrgent : t.journal.reclassifiedNotUrgent, base);
  }
}

/** The lines about one unit's part of the case. */
export function workLines(work: UnitWork, unitName: string, today: string, t: CaseTextTexts): string[] {
  const e = t.export;
  const due = isOverdue(work, today) ? fill(e.overdue, { due: work.due }) : work.due;
  return [
    fill(e.unit, { unit: unitName }),
    fill(e.status, { status: workStatusText(work.status, t.work) }),
    work.assignee ? fill(e.assignee, { name: work.assignee.name }) : e.noAssignee,
    fill(e.due, { due }),
    ...(work.journal.length ? [e.journal, ...work.journal.map((j) => `  ${journalLine(j, t.work)}`)] : [e.journalNone]),
  ];
}

/**
 * The case as text for someone who works in some of its units: `record.work` should hold only
 * those units (caseForUnits), so another unit's notes can never end up in an export.
 */
export function caseAsText(record: CaseRecord, today: string, t: CaseTextTexts): string {
  const e = t.export;
  const lines = [
    fill(e.title, { reference: record.reference }),
    fill(e.created, { createdAt: swedishDateTime(record.createdAt) }),
    fill(e.urgent, { urgent: record.urgent ? e.yes : e.no }),
    '',
    e.keyFacts,
    ...keyFacts(record, t.keyFacts).map((f) => `${f.label}: ${f.value}`),
  ];
  for (const work of Object.values(record.work)) {
    const name = record.recipients.find((r) => r.key === work.unit)?.contactName ?? work.unit;
    lines.push('', ...workLines(work, name, today, t));
  }
  lines.push('', e.summary, record.summaryText);
  return lines.join('\n');
}

/**
 * The staff summary as a receiving unit reads it outside the staff page (the webhook's
 * `summaryText`): the key facts for that unit first (who, who answered, where, how urgent and why,
 * whether the whole conversation may be read, how to reach them in their own words), then the summary.
 */
export function staffSummaryText(record: CaseRecord, t: Pick<CaseTextTexts, 'export' | 'keyFacts'>, units?: readonly string[]): string {
  return [t.export.keyFacts, ...keyFacts(record, t.keyFacts, units).map((f) => `${f.label}: ${f.value}`), '', t.export.summary, record.summaryText].join('\n');
}
