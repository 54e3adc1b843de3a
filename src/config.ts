/**
 * Configuration from the environment, checked with zod at start-up. A bad value stops the process
 * with one line naming the variable and what is wrong; `.env.example` documents every variable.
 */
import path from 'node:path';
import { z } from 'zod';
import { compileTrustedProxies, isLoopbackAddress } from './http/client-address.js';
import { parseRanges } from './bot/service-urls.js';

const port = z.coerce
  .number({ message: 'must be a whole number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535 (0 picks a free port)')
  .max(65535, 'must be between 0 and 65535 (0 picks a free port)');

const positiveInt = (max: number) =>
  z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(1, `must be between 1 and ${max}`).max(max, `must be between 1 and ${max}`);

const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** "a, b,c" as ["a", "b", "c"]. */
const commaList = (v: unknown) => (typeof v === 'string' ? v.split(',').map((o) => o.trim()).filter(Boolean) : v);

/** Whether every entry is understood by `check` (which throws on one it does not understand). */
const understood = (check: (entries: string[]) => unknown) => (entries: string[]) => {
  try {
    check(entries);
    return true;
  } catch {
    return false;
  }
};

/** A HOST that only this machine can reach. */
function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/gu, '');
  return bare === 'localhost' || isLoopbackAddress(bare);
}

/** Where Microsoft Entra ID (or another OpenID provider) sends staff back after signing in. */
export const ENTRA_CALLBACK_PATH = '/staff/auth/entra/callback';

/** https, or http to this machine only (a test or development provider). */
function isHttpsOrLoopback(value: string): boolean {
  // zod runs refinements after a failed format check too: not a URL is said by that check.
  if (!URL.canParse(value)) return true;
  const url = new URL(value);
  return url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname));
}

const envSchema = z
  .object({
    PORT: port.default(3978),
    HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
    MicrosoftAppId: z.preprocess(emptyAsUndefined, z.uuid('must be the bot\'s app id, a UUID').optional()),
    MicrosoftAppPassword: z.preprocess(emptyAsUndefined, z.string().optional()),
    MicrosoftAppType: z.preprocess(
      emptyAsUndefined,
      z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], { message: 'must be MultiTenant, SingleTenant or UserAssignedMSI' }).default('MultiTenant'),
    ),
    MicrosoftAppTenantId: z.preprocess(emptyAsUndefined, z.string().optional()),
    ALLOW_UNAUTHENTICATED_BOT: z.preprocess(emptyAsUndefined, z.enum(['true', 'false'], { message: 'must be true or false' }).default('false')),
    TEAMS_TENANT_ID: z.preprocess(emptyAsUndefined, z.uuid('must be the Microsoft Entra tenant id (a UUID) of the organisation whose staff use Teams').optional()),
    TRUSTED_PROXIES: z.preprocess(
      commaList,
      z
        .array(z.string())
        .refine(understood(compileTrustedProxies), 'must be a comma-separated list of addresses or ranges (such as 127.0.0.1 or 10.0.0.0/8), or loopback, linklocal, uniquelocal')
        .default([]),
    ),
    SERVICE_URL_PRIVATE_RANGES: z.preprocess(
      commaList,
      z.array(z.string()).refine(understood(parseRanges), 'must be a comma-separated list of addresses or ranges such as 10.20.0.0/16').default([]),
    ),
    DATA_DIR: z.string().min(1, 'must not be empty').default('var/data'),
    CONTENT_DIR: z.string().min(1, 'must not be empty').default('data'),
    LOCALES_DIR: z.string().min(1, 'must not be empty').default('locales'),
    DEFAULT_LOCALE: z.string().regex(/^[a-z]{2}(-[A-Za-z]+)*$/u, 'must be a locale tag such as sv-SE').default('sv-SE'),
    MAX_MESSAGE_LENGTH: positiveInt(100_000).default(2000),
    MAX_BODY_BYTES: positiveInt(10 * 1024 * 1024).default(256 * 1024),
    RETENTION_DAYS: positiveInt(3650).default(90),
    DIRECTLINE_MODE: z.preprocess(
      emptyAsUndefined,
      z.enum(['embedded', 'azure', 'off'], { message: 'must be embedded, azure or off' }).default('embedded'),
    ),
    DIRECTLINE_TOKEN_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32, 'must be at least 32 characters').optional()),
    DIRECTLINE_TOKEN_MINUTES: positiveInt(24 * 60).default(30),
    DIRECTLINE_ALLOWED_ORIGINS: z.preprocess(
      commaList,
      z
        .array(
          z.string().refine((o) => o === '*' || /^https?:\/\/[^/\s]+$/u.test(o), 'must be a comma-separated list of origins such as https://www.karlstad.se (no path), or *'),
        )
        .default([]),
    ),
    DIRECTLINE_REQUESTS_PER_MINUTE: positiveInt(1_000_000).default(300),
    DIRECTLINE_NEW_CONVERSATIONS_PER_MINUTE: positiveInt(1_000_000).default(30),
    DIRECTLINE_SECRET: z.preprocess(emptyAsUndefined, z.string().optional()),
    DIRECTLINE_AZURE_ENDPOINT: z.preprocess(
      emptyAsUndefined,
      z.url({ message: 'must be a URL such as https://europe.directline.botframework.com/v3/directline' }).default('https://directline.botframework.com/v3/directline'),
    ),
    PUBLIC_URL: z.preprocess(emptyAsUndefined, z.url({ message: 'must be the public address, such as https://intag.example.se' }).optional()),
    NLU_RECOGNIZER: z.preprocess(emptyAsUndefined, z.enum(['embedded', 'luis', 'clu'], { message: 'must be embedded, luis or clu' }).default('embedded')),
    NLU_TIMEOUT_MS: positiveInt(60_000).default(1500),
    NLU_CACHE_DIR: z.preprocess(emptyAsUndefined, z.string().default('var/cache/nlu')),
    LUIS_ENDPOINT: z.preprocess(emptyAsUndefined, z.url({ message: 'must be a URL such as https://westeurope.api.cognitive.microsoft.com' }).optional()),
    LUIS_APP_ID: z.preprocess(emptyAsUndefined, z.string().optional()),
    LUIS_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
    LUIS_SLOT: z.preprocess(emptyAsUndefined, z.enum(['production', 'staging'], { message: 'must be production or staging' }).default('production')),
    CLU_ENDPOINT: z.preprocess(emptyAsUndefined, z.url({ message: 'must be a URL such as https://my-language.cognitiveservices.azure.com' }).optional()),
    CLU_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
    CLU_PROJECT: z.preprocess(emptyAsUndefined, z.string().optional()),
    CLU_DEPLOYMENT: z.preprocess(emptyAsUndefined, z.string().optional()),
    CLU_API_VERSION: z.preprocess(emptyAsUndefined, z.string().default('2023-04-01')),
    DATABASE_URL: z.preprocess(
      emptyAsUndefined,
      z.string().regex(/^postgres(ql)?:\/\/\S+$/u, 'must be a PostgreSQL address such as postgresql://intake:password@db.example.se:5432/intake').optional(),
    ),
    SMTP_URL: z.preprocess(emptyAsUndefined, z.string().regex(/^smtps?:\/\/\S+$/u, 'must be an SMTP address such as smtp://user:password@mail.example.se:587').optional()),
    MAIL_FROM: z.string().min(3, 'must be a sender address').default('Intagsassistenten <noreply@narvard.example>'),
    OUTBOX_INTERVAL_MS: positiveInt(3_600_000).default(5000),
    OUTBOX_RETRY_BASE_MS: positiveInt(3_600_000).default(5000),
    OUTBOX_LEASE_MS: positiveInt(3_600_000).default(60_000),
    URGENT_REMINDER_MINUTES: z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(0, 'must be 0 (off) or more').max(10_080, 'must be at most 10080 (a week)').default(60),
    STAFF_SESSION_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32, 'must be at least 32 characters').optional()),
    STAFF_SESSION_HOURS: positiveInt(24).default(8),
    STAFF_LOCAL_ACCOUNTS: z.preprocess(emptyAsUndefined, z.enum(['true', 'false'], { message: 'must be true or false' }).default('true')),
    STAFF_OIDC_ISSUER: z.preprocess(
      emptyAsUndefined,
      z
        .url({ message: 'must be the issuer URL, such as https://login.microsoftonline.com/<tenant id>/v2.0' })
        .refine((u) => isHttpsOrLoopback(u), 'must be an https URL (http only for a provider on this machine, such as http://127.0.0.1:8080)')
        .optional(),
    ),
    STAFF_OIDC_CLIENT_ID: z.preprocess(emptyAsUndefined, z.string().optional()),
    STAFF_OIDC_CLIENT_SECRET: z.preprocess(emptyAsUndefined, z.string().optional()),
    STAFF_OIDC_REDIRECT_URI: z.preprocess(
      emptyAsUndefined,
      z
        .url({ message: 'must be a URL such as https://intag.example.se/staff/auth/entra/callback' })
        .refine((u) => !URL.canParse(u) || new URL(u).pathname.endsWith(ENTRA_CALLBACK_PATH), `must end with ${ENTRA_CALLBACK_PATH}`)
        .optional(),
    ),
    METRICS_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(32, 'must be at least 32 characters (for example: openssl rand -hex 32)').optional()),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'must be one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
  })
  .superRefine((env, ctx) => {
    const required: Record<string, Array<keyof typeof env>> = {
      luis: ['LUIS_ENDPOINT', 'LUIS_APP_ID', 'LUIS_KEY'],
      clu: ['CLU_ENDPOINT', 'CLU_KEY', 'CLU_PROJECT', 'CLU_DEPLOYMENT'],
    };
    for (const name of required[env.NLU_RECOGNIZER] ?? []) {
      if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: `is required when NLU_RECOGNIZER is ${env.NLU_RECOGNIZER}` });
    }
    if (env.STAFF_OIDC_ISSUER && !env.STAFF_OIDC_CLIENT_ID) {
      ctx.addIssue({ code: 'custom', path: ['STAFF_OIDC_CLIENT_ID'], message: 'is required when STAFF_OIDC_ISSUER is set (the application (client) id of the app registration)' });
    }
    if (env.DIRECTLINE_MODE === 'azure' && !env.DIRECTLINE_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['DIRECTLINE_SECRET'], message: 'is required when DIRECTLINE_MODE is azure (the Direct Line secret from the Azure portal)' });
    }
    if (!env.MicrosoftAppId) {
      // Without an app id /api/messages cannot check who sends an activity; that must be a choice.
      if (!isLoopbackHost(env.HOST) && env.ALLOW_UNAUTHENTICATED_BOT !== 'true') {
        ctx.addIssue({
          code: 'custom',
          path: ['HOST'],
          message:
            'is reachable from other machines, but MicrosoftAppId is empty, so nothing could check who sends activities to /api/messages: set MicrosoftAppId and MicrosoftAppPassword (Azure Bot Service), or ALLOW_UNAUTHENTICATED_BOT=true to accept unauthenticated residents\' conversations on purpose (docs/security.md)',
        });
      }
      return;
    }
    if (env.ALLOW_UNAUTHENTICATED_BOT === 'true') {
      ctx.addIssue({ code: 'custom', path: ['ALLOW_UNAUTHENTICATED_BOT'], message: 'cannot be true when MicrosoftAppId is set (every activity must then carry a Bot Connector token)' });
    }
    if (env.MicrosoftAppType !== 'UserAssignedMSI' && !env.MicrosoftAppPassword) {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppPassword'], message: 'is required when MicrosoftAppId is set (or set MicrosoftAppType=UserAssignedMSI)' });
    }
    if (env.MicrosoftAppType !== 'MultiTenant' && !env.MicrosoftAppTenantId) {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppTenantId'], message: `is required when MicrosoftAppType is ${env.MicrosoftAppType}` });
    }
  });

export interface AppConfig {
  port: number;
  host: string;
  bot: {
    appId?: string;
    appPassword?: string;
    appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    tenantId?: string;
    /**
     * Without an app id, /api/messages serves the residents' intake to clients other than this
     * machine too (ALLOW_UNAUTHENTICATED_BOT=true); never Teams staff features.
     */
    allowUnauthenticated: boolean;
    /** The tenant whose Teams users may use the staff features (TEAMS_TENANT_ID, else MicrosoftAppTenantId). */
    teamsTenantId?: string;
    /** Non-public ranges a service URL may point into (SERVICE_URL_PRIVATE_RANGES). */
    privateServiceUrlRanges: string[];
  };
  /** Reverse proxies whose X-Forwarded-For is believed (TRUSTED_PROXIES). */
  trustedProxies: string[];
  dataDir: string;
  contentDir: string;
  localesDir: string;
  /** The locale folder to use by default ("sv" for "sv-SE"). */
  defaultLocale: string;
  maxMessageLength: number;
  maxBodyBytes: number;
  retentionDays: number;
  logLevel: string;
  directLine: DirectLineConfig;
  nlu: NluConfig;
  /** PostgreSQL for the stores that have a PostgreSQL implementation; unset: the embedded store. */
  databaseUrl?: string;
  delivery: { smtpUrl?: string; mailFrom: string; intervalMs: number; retryBaseMs: number; urgentReminderMinutes: number; leaseMs: number };
  staff: {
    sessionSecret?: string;
    sessionHours: number;
    /** Local accounts (npm run staff) may sign in at /staff/api/login. */
    localAccounts: boolean;
    /** Sign-in with Microsoft Entra ID (OpenID Connect); absent when STAFF_OIDC_ISSUER is not set. */
    oidc?: StaffOidcConfig;
  };
  /** The address residents' browsers use, when it differs from the request's own (behind a proxy). */
  publicUrl?: string;
  /** Who may read /metrics from elsewhere than this machine: requests with this bearer token. */
  metricsToken?: string;
}

export interface StaffOidcConfig {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** Registered with the provider; when absent, PUBLIC_URL was not set either and each request's own address is used. */
  redirectUri?: string;
}

export interface NluConfig {
  /** Which model understands free text; cloud ones fall back to the embedded one per turn. */
  recognizer: 'embedded' | 'luis' | 'clu';
  timeoutMs: number;
  /** Where the trained embedded recognizer is kept between starts; absent (NLU_CACHE_DIR=off): trained at every start. */
  cacheDir?: string;
  luis?: { endpoint: string; appId: string; key: string; slot: string };
  clu?: { endpoint: string; key: string; project: string; deployment: string; apiVersion: string };
}

export interface DirectLineConfig {
  /** embedded: our own Direct Line endpoint; azure: tokens from Azure Bot Service; off: no web chat. */
  mode: 'embedded' | 'azure' | 'off';
  /** Signs conversation tokens; when unset, one is generated and kept in the data folder. */
  tokenSecret?: string;
  tokenMinutes: number;
  /** Origins allowed to call the Direct Line endpoints from a browser (CORS); the service's own is always allowed. */
  allowedOrigins: string[];
  requestsPerMinute: number;
  newConversationsPerMinute: number;
  azureSecret?: string;
  azureEndpoint: string;
}

/** Every environment variable the service reads (all are documented in .env.example). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

/** A configuration problem, already phrased as the one line to print. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and checks the configuration; throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'configuration');
    const got = env[name];
    // Secrets are never echoed, not even a wrong one.
    const secret = /password|secret|key/iu.test(name);
    const shown = got === undefined || secret ? '' : ` (got "${got.length > 60 ? `${got.slice(0, 60)}…` : got}")`;
    throw new ConfigError(`Configuration error: ${name} ${issue.message}${shown}. See .env.example.`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    bot: {
      ...(e.MicrosoftAppId ? { appId: e.MicrosoftAppId } : {}),
      ...(e.MicrosoftAppPassword ? { appPassword: e.MicrosoftAppPassword } : {}),
      appType: e.MicrosoftAppType,
      ...(e.MicrosoftAppTenantId ? { tenantId: e.MicrosoftAppTenantId } : {}),
      allowUnauthenticated: e.ALLOW_UNAUTHENTICATED_BOT === 'true',
      ...((e.TEAMS_TENANT_ID ?? e.MicrosoftAppTenantId) ? { teamsTenantId: (e.TEAMS_TENANT_ID ?? e.MicrosoftAppTenantId)!.toLowerCase() } : {}),
      privateServiceUrlRanges: e.SERVICE_URL_PRIVATE_RANGES,
    },
    trustedProxies: e.TRUSTED_PROXIES,
    dataDir: path.resolve(cwd, e.DATA_DIR),
    contentDir: path.resolve(cwd, e.CONTENT_DIR),
    localesDir: path.resolve(cwd, e.LOCALES_DIR),
    defaultLocale: e.DEFAULT_LOCALE.split('-')[0]!.toLowerCase(),
    maxMessageLength: e.MAX_MESSAGE_LENGTH,
    maxBodyBytes: e.MAX_BODY_BYTES,
    retentionDays: e.RETENTION_DAYS,
    logLevel: e.LOG_LEVEL,
    directLine: {
      mode: e.DIRECTLINE_MODE,
      ...(e.DIRECTLINE_TOKEN_SECRET ? { tokenSecret: e.DIRECTLINE_TOKEN_SECRET } : {}),
      tokenMinutes: e.DIRECTLINE_TOKEN_MINUTES,
      allowedOrigins: e.DIRECTLINE_ALLOWED_ORIGINS,
      requestsPerMinute: e.DIRECTLINE_REQUESTS_PER_MINUTE,
      newConversationsPerMinute: e.DIRECTLINE_NEW_CONVERSATIONS_PER_MINUTE,
      ...(e.DIRECTLINE_SECRET ? { azureSecret: e.DIRECTLINE_SECRET } : {}),
      azureEndpoint: e.DIRECTLINE_AZURE_ENDPOINT.replace(/\/+$/u, ''),
    },
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    delivery: {
      ...(e.SMTP_URL ? { smtpUrl: e.SMTP_URL } : {}),
      mailFrom: e.MAIL_FROM,
      intervalMs: e.OUTBOX_INTERVAL_MS,
      retryBaseMs: e.OUTBOX_RETRY_BASE_MS,
      leaseMs: e.OUTBOX_LEASE_MS,
      urgentReminderMinutes: e.URGENT_REMINDER_MINUTES,
    },
    staff: {
      ...(e.STAFF_SESSION_SECRET ? { sessionSecret: e.STAFF_SESSION_SECRET } : {}),
      sessionHours: e.STAFF_SESSION_HOURS,
      localAccounts: e.STAFF_LOCAL_ACCOUNTS === 'true',
      ...(e.STAFF_OIDC_ISSUER && e.STAFF_OIDC_CLIENT_ID
        ? {
            oidc: {
              issuer: e.STAFF_OIDC_ISSUER,
              clientId: e.STAFF_OIDC_CLIENT_ID,
              ...(e.STAFF_OIDC_CLIENT_SECRET ? { clientSecret: e.STAFF_OIDC_CLIENT_SECRET } : {}),
              ...(e.STAFF_OIDC_REDIRECT_URI
                ? { redirectUri: e.STAFF_OIDC_REDIRECT_URI }
                : e.PUBLIC_URL
                  ? { redirectUri: `${e.PUBLIC_URL.replace(/\/+$/u, '')}${ENTRA_CALLBACK_PATH}` }
                  : {}),
            },
          }
        : {}),
    },
    nlu: {
      recognizer: e.NLU_RECOGNIZER,
      timeoutMs: e.NLU_TIMEOUT_MS,
      ...(e.NLU_CACHE_DIR === 'off' ? {} : { cacheDir: path.resolve(cwd, e.NLU_CACHE_DIR) }),
      ...(e.LUIS_ENDPOINT && e.LUIS_APP_ID && e.LUIS_KEY ? { luis: { endpoint: e.LUIS_ENDPOINT, appId: e.LUIS_APP_ID, key: e.LUIS_KEY, slot: e.LUIS_SLOT } } : {}),
      ...(e.CLU_ENDPOINT && e.CLU_KEY && e.CLU_PROJECT && e.CLU_DEPLOYMENT
        ? { clu: { endpoint: e.CLU_ENDPOINT, key: e.CLU_KEY, project: e.CLU_PROJECT, deployment: e.CLU_DEPLOYMENT, apiVersion: e.CLU_API_VERSION } }
        : {}),
    },
    ...(e.PUBLIC_URL ? { publicUrl: e.PUBLIC_URL.replace(/\/+$/u, '') } : {}),
    ...(e.METRICS_TOKEN ? { metricsToken: e.METRICS_TOKEN } : {}),
  };
}
