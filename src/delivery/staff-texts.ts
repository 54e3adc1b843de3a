/** The staff-side texts (locales/sv/staff.yaml), checked at start-up. Staff read Swedish. */
import path from 'node:path';
import { z } from 'zod';
import { parseFile } from '../core/content/load.js';

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
  }),
  export: z.strictObject({
    reference: z.string().min(1),
    created: z.string().min(1),
    status: z.string().min(1),
    takenBy: z.string().min(1),
    event: z.string().min(1),
    note: z.string().min(1),
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
