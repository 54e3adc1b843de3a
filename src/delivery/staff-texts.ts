/** The staff-side texts (locales/sv/staff.yaml), checked at start-up. Staff read Swedish. */
import path from 'node:path';
import { z } from 'zod';
import { parseFile } from '../core/content/load.js';

const text = z.string().min(1);
const staffTextsSchema = z.strictObject({
  mail: z.strictObject({
    subjectNew: z.string().min(1),
    subjectUrgent: z.string().min(1),
    subjectReminder: z.string().min(1),
    body: z.string().min(1),
    reminder: z.string().min(1),
    yes: z.string().min(1),
    no: z.string().min(1),
    unknownMunicipality: z.string().min(1),
    answeredBySelf: z.string().min(1),
    answeredByRelative: z.string().min(1),
  }),
  export: z.strictObject({
    title: text,
    created: text,
    urgent: text,
    keyFacts: text,
    unit: text,
    status: text,
    assignee: text,
    noAssignee: text,
    due: text,
    overdue: text,
    journal: text,
    journalNone: text,
    summary: text,
    yes: text,
    no: text,
  }),
  work: z.strictObject({
    status: z.strictObject({ new: text, in_progress: text, closed: text, reopened: text }),
    journal: z.strictObject({ note: text, contact: text, assigned: text, assignedSelf: text, status: text, statusNote: text, reclassifiedUrgent: text, reclassifiedNotUrgent: text }),
  }),
  keyFacts: z.strictObject({
    labels: z.strictObject({ person: text, answeredBy: text, municipality: text, urgency: text, shared: text, reach: text, contactWay: text, language: text, sip: text, consent: text, capacity: text }),
    noName: text,
    personWithNumber: text,
    self: text,
    relative: text,
    relations: z.record(z.string(), text),
    noMunicipality: text,
    outsideMunicipality: text,
    noPhone: text,
    contactWays: z.record(z.string(), text),
    languages: z.record(z.string(), text),
    sip: z.record(z.string(), text),
    consentSelf: text,
    consentRelative: text,
    consentNone: text,
    capacitySelf: text,
    capacity: z.record(z.string(), text),
    ownWords: text,
    ownWordsOnly: text,
    urgency: z.strictObject({
      yes: text,
      no: text,
      judgedNo: text,
      trigger: text,
      triggerNoCategory: text,
      correction: text,
      levels: z.strictObject({ acute: text, unsure: text }),
      categories: z.record(z.string(), text),
    }),
    shared: z.strictObject({ conversation: text, summary: text, each: text }),
  }),
});
export type StaffTexts = z.infer<typeof staffTextsSchema>;

export function loadStaffTexts(localesDir: string, language = 'sv'): StaffTexts {
  return parseFile(staffTextsSchema, path.join(localesDir, language, 'staff.yaml'));
}

/** Fills {{name}} placeholders. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/gu, (_, name: string) => values[name] ?? '');
}
