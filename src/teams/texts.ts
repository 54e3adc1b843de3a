/**
 * The Teams app's Swedish texts (locales/sv/teams.yaml): the full name, the descriptions and the
 * bot's commands, checked against Teams' limits so a text that is too long stops the packaging
 * with the file and the field, not an upload that Teams refuses.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { TEAMS_LIMITS } from './package-config.js';
import { displayPath } from '../core/display-path.js';

export interface TeamsTexts {
  /** The app's short name and publisher when TEAMS_APP_NAME / TEAMS_DEVELOPER_NAME are not set. */
  defaultName: string;
  defaultDeveloperName: string;
  /** The full name; `{{name}}` stands for the app's short name. */
  fullName: string;
  description: { short: string; full: string };
  commands: Array<{ title: string; description: string }>;
}

/** A problem in teams.yaml, phrased as "file: field: what is wrong". */
export class TeamsContentError extends Error {
  override name = 'TeamsContentError';
}

const line = (max: number, what: string) =>
  z
    .string({ message: `must be a text (${what})` })
    .trim()
    .min(1, `must not be empty (${what})`)
    .superRefine((s, ctx) => {
      if (s.length > max) ctx.addIssue({ code: 'custom', message: `must be at most ${max} characters (Teams' limit for ${what}); it has ${s.length}` });
    });

const textsSchema = z.object({
  defaultName: line(TEAMS_LIMITS.shortName, "the app's short name"),
  defaultDeveloperName: line(TEAMS_LIMITS.developerName, "the developer's name"),
  fullName: line(TEAMS_LIMITS.fullName, "the app's full name").refine((s) => s.includes('{{name}}'), 'must contain {{name}}, the short name'),
  description: z.object({
    short: line(TEAMS_LIMITS.shortDescription, 'the short description'),
    full: line(TEAMS_LIMITS.fullDescription, 'the full description'),
  }),
  commands: z
    .array(
      z.object({
        title: line(TEAMS_LIMITS.commandTitle, "a command's title"),
        description: line(TEAMS_LIMITS.commandDescription, "a command's description"),
      }),
    )
    .min(1, 'must list at least one command')
    .max(TEAMS_LIMITS.commands, `must list at most ${TEAMS_LIMITS.commands} commands (Teams' limit)`)
    .refine((list) => new Set(list.map((c) => c.title.toLowerCase())).size === list.length, 'must not list the same title twice'),
});

function fieldPath(p: readonly PropertyKey[]): string {
  return p.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('');
}

/** Reads <localesDir>/sv/teams.yaml; throws TeamsContentError naming the file and the field. */
export function loadTeamsTexts(localesDir: string): TeamsTexts {
  const file = path.join(localesDir, 'sv', 'teams.yaml');
  const shown = displayPath(file);
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new TeamsContentError(`${shown}: ${e.code === 'ENOENT' ? 'the file is missing' : e.message.split('\n')[0]}`);
  }
  const parsed = textsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = fieldPath(issue.path);
    throw new TeamsContentError(`${shown}: ${field ? `${field}: ` : ''}${issue.message}`);
  }
  return parsed.data;
}
