/** The staff-side texts (locales/sv/staff.yaml), checked at start-up. Staff read Swedish. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { ContentError } from '../core/content/load.js';
import { displayPath } from '../core/display-path.js';

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
  const file = path.join(localesDir, language, 'staff.yaml');
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ContentError(displayPath(file), '', `cannot be read: ${(err as Error).message}`);
  }
  const parsed = staffTextsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ContentError(displayPath(file), issue.path.join('.'), issue.message);
  }
  return parsed.data;
}

/** Fills {{name}} placeholders. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/gu, (_, name: string) => values[name] ?? '');
}
