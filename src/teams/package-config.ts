/**
 * Settings of `npm run teams:package` (the Teams app package), read from the environment and checked
 * with zod. Kept apart from src/config.ts: the service does not need them, and the command needs
 * no service settings. A bad or missing value stops the command with one line naming the variable,
 * in the same words as the service's configuration errors.
 *
 * Limits are those of the Teams app manifest schema v1.17
 * (https://developer.microsoft.com/json-schemas/teams/v1.17/MicrosoftTeams.schema.json).
 */
import path from 'node:path';
import { z } from 'zod';

/** Every environment variable the command reads. */
export const TEAMS_PACKAGE_VARIABLES = [
  'MicrosoftAppId',
  'TEAMS_APP_ID',
  'TEAMS_APP_NAME',
  'TEAMS_APP_VERSION',
  'TEAMS_DEVELOPER_NAME',
  'PUBLIC_URL',
  'TEAMS_WEBSITE_URL',
  'TEAMS_PRIVACY_URL',
  'TEAMS_TERMS_URL',
  'TEAMS_VALID_DOMAINS',
  'TEAMS_ACCENT_COLOR',
  'TEAMS_AAD_APP_ID',
  'TEAMS_AAD_RESOURCE',
  'TEAMS_OUTPUT',
  'LOCALES_DIR',
] as const;

export const TEAMS_DEFAULTS = {
  // The app's default name and publisher are texts: locales/sv/teams.yaml (defaultName, defaultDeveloperName).
  publicUrl: 'http://localhost:3978',
  /** The widget's default accent (README, "Embedding the widget"). */
  accentColor: '#0b5cad',
  output: 'dist/teams/narvard-intake-teams.zip',
  localesDir: 'locales',
} as const;

/** Teams' limits (manifest schema v1.17). */
export const TEAMS_LIMITS = {
  shortName: 30,
  fullName: 100,
  developerName: 32,
  shortDescription: 80,
  fullDescription: 4000,
  commandTitle: 32,
  commandDescription: 128,
  commands: 10,
  validDomains: 16,
  url: 2048,
} as const;

export interface TeamsPackageSettings {
  /** The Teams app id (TEAMS_APP_ID, or the bot's app id). */
  appId: string;
  /** The bot's Microsoft app id (Azure Bot resource). */
  botId: string;
  /** TEAMS_APP_NAME; unset: defaultName in teams.yaml. */
  name?: string;
  version: string;
  /** TEAMS_DEVELOPER_NAME; unset: defaultDeveloperName in teams.yaml. */
  developerName?: string;
  websiteUrl: string;
  privacyUrl: string;
  termsOfUseUrl: string;
  validDomains: string[];
  accentColor: string;
  /** Single sign-on: only when TEAMS_AAD_APP_ID is set. */
  webApplicationInfo?: { id: string; resource: string };
  /** Absolute path of the zip to write. */
  output: string;
  /** Absolute path of the locales folder (teams.yaml is in <localesDir>/sv/). */
  localesDir: string;
}

/** A configuration problem, already phrased as the one line to print. */
export class TeamsConfigError extends Error {
  override name = 'TeamsConfigError';
}

const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v);
const text = <T extends z.ZodType>(schema: T) => z.preprocess(emptyAsUndefined, schema);

// Teams' own pattern for ids (schema v1.17, definitions.guid).
const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/u;
const guid = (message: string) => z.string().regex(GUID, message);
// "MAJOR.MINOR.PATCH", as Teams requires (definitions.semver): no pre-release or build suffix.
const VERSION = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/u;
// A domain, optionally with a leading wildcard label, without scheme, port or path.
const DOMAIN = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/iu;

const url = (example: string) =>
  z
    .string()
    .max(TEAMS_LIMITS.url, `must be at most ${TEAMS_LIMITS.url} characters`)
    .refine((v) => URL.canParse(v) && /^https?:$/u.test(new URL(v).protocol), `must be an address such as ${example}`);

const envSchema = z.object({
  MicrosoftAppId: z.preprocess(
    emptyAsUndefined,
    z.string({ message: "is required: the bot's app id (a UUID) from the Azure Bot resource" }).regex(GUID, "must be the bot's app id, a UUID"),
  ),
  TEAMS_APP_ID: text(guid('must be a UUID (leave it empty to use MicrosoftAppId)').optional()),
  TEAMS_APP_NAME: text(
    z.string().max(TEAMS_LIMITS.shortName, `must be at most ${TEAMS_LIMITS.shortName} characters (Teams' limit for an app's short name)`).optional(),
  ),
  TEAMS_APP_VERSION: text(z.string().regex(VERSION, 'must be a version of three numbers such as 1.0.0 (Teams accepts no suffix such as -beta)').optional()),
  TEAMS_DEVELOPER_NAME: text(
    z
      .string()
      .max(TEAMS_LIMITS.developerName, `must be at most ${TEAMS_LIMITS.developerName} characters (Teams' limit for the developer's name)`)
      .optional(),
  ),
  PUBLIC_URL: text(url('https://intag.example.se').default(TEAMS_DEFAULTS.publicUrl)),
  TEAMS_WEBSITE_URL: text(url('https://intag.example.se/').optional()),
  TEAMS_PRIVACY_URL: text(url('https://intag.example.se/integritet').optional()),
  TEAMS_TERMS_URL: text(url('https://intag.example.se/villkor').optional()),
  TEAMS_VALID_DOMAINS: z.preprocess(
    (v) => (typeof v === 'string' ? v.split(',').map((d) => d.trim()).filter(Boolean) : v),
    z
      .array(z.string().regex(DOMAIN, 'must be a comma-separated list of domains such as intag.example.se or *.example.se (no https://, port or path)'))
      .max(TEAMS_LIMITS.validDomains, `must list at most ${TEAMS_LIMITS.validDomains} domains`)
      .optional(),
  ),
  TEAMS_ACCENT_COLOR: text(z.string().regex(/^#[0-9a-fA-F]{6}$/u, 'must be a colour such as #0b5cad (# and six hexadecimal digits)').default(TEAMS_DEFAULTS.accentColor)),
  TEAMS_AAD_APP_ID: text(guid('must be the Microsoft Entra app id for single sign-on, a UUID (or leave it empty)').optional()),
  TEAMS_AAD_RESOURCE: text(
    z
      .string()
      .max(TEAMS_LIMITS.url, `must be at most ${TEAMS_LIMITS.url} characters`)
      .regex(/^[a-z][a-z0-9+.-]*:\/\/\S+$/iu, 'must be the Application ID URI, such as api://botid-<bot app id>')
      .optional(),
  ),
  TEAMS_OUTPUT: text(z.string().regex(/\.zip$/iu, 'must be a file name ending in .zip').default(TEAMS_DEFAULTS.output)),
  LOCALES_DIR: text(z.string().default(TEAMS_DEFAULTS.localesDir)),
});

function fail(env: NodeJS.ProcessEnv, name: string, message: string, got?: string): never {
  const value = got ?? env[name];
  const shown = value === undefined || value.trim() === '' ? '' : ` (got "${value.length > 60 ? `${value.slice(0, 60)}…` : value}")`;
  throw new TeamsConfigError(`Configuration error: ${name} ${message}${shown}. See .env.example.`);
}

/**
 * Reads and checks the settings; throws TeamsConfigError naming the first bad variable.
 * `packageVersion` is package.json's version, the default of TEAMS_APP_VERSION.
 */
export function loadTeamsPackageConfig(env: NodeJS.ProcessEnv, options: { packageVersion: string; cwd?: string }): TeamsPackageSettings {
  const cwd = options.cwd ?? process.cwd();
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    fail(env, String(issue.path[0] ?? 'configuration'), issue.message);
  }
  const e = parsed.data;

  const version = e.TEAMS_APP_VERSION ?? options.packageVersion;
  if (!VERSION.test(version)) {
    fail(env, 'TEAMS_APP_VERSION', `must be set: package.json's version is not three numbers such as 1.0.0, which Teams requires`, version);
  }

  // The three pages default to the service's own, under PUBLIC_URL. Teams requires https: the
  // error names the variable to change (PUBLIC_URL when a page was derived from it).
  const base = e.PUBLIC_URL.replace(/\/+$/u, '');
  const pages = [
    ['TEAMS_WEBSITE_URL', e.TEAMS_WEBSITE_URL, `${base}/`, 'website'],
    ['TEAMS_PRIVACY_URL', e.TEAMS_PRIVACY_URL, `${base}/integritet`, 'privacy page'],
    ['TEAMS_TERMS_URL', e.TEAMS_TERMS_URL, `${base}/villkor`, 'terms of use page'],
  ] as const;
  const urls: string[] = [];
  for (const [name, given, derived, what] of pages) {
    const value = given ?? derived;
    if (new URL(value).protocol !== 'https:') {
      if (given) fail(env, name, `must be an https address: Teams requires https for the app's ${what}`);
      fail(
        env,
        'PUBLIC_URL',
        `must be an https address: Teams requires https, and the app's website, privacy and terms pages default to addresses under it (or set ${name})`,
        e.PUBLIC_URL,
      );
    }
    urls.push(value);
  }

  const validDomains = e.TEAMS_VALID_DOMAINS?.length ? e.TEAMS_VALID_DOMAINS : [new URL(e.PUBLIC_URL).hostname];

  return {
    appId: e.TEAMS_APP_ID ?? e.MicrosoftAppId,
    botId: e.MicrosoftAppId,
    ...(e.TEAMS_APP_NAME ? { name: e.TEAMS_APP_NAME } : {}),
    version,
    ...(e.TEAMS_DEVELOPER_NAME ? { developerName: e.TEAMS_DEVELOPER_NAME } : {}),
    websiteUrl: urls[0]!,
    privacyUrl: urls[1]!,
    termsOfUseUrl: urls[2]!,
    validDomains: [...new Set(validDomains.map((d) => d.toLowerCase()))],
    accentColor: e.TEAMS_ACCENT_COLOR.toLowerCase(),
    ...(e.TEAMS_AAD_APP_ID
      ? { webApplicationInfo: { id: e.TEAMS_AAD_APP_ID, resource: e.TEAMS_AAD_RESOURCE ?? `api://botid-${e.MicrosoftAppId}` } }
      : {}),
    output: path.resolve(cwd, e.TEAMS_OUTPUT),
    localesDir: path.resolve(cwd, e.LOCALES_DIR),
  };
}
