/**
 * Errors that mean "PostgreSQL cannot be reached" (refused, unknown host, no answer, the connection
 * closed under a query, the server shutting down), turned into one sentence that says what happened
 * and what to do, naming the server by host, port and database only: never the user or password of
 * DATABASE_URL. Every other error (a constraint, a stale eTag, a syntax error) passes through as it is.
 */

/** PostgreSQL is not there (or not answering); the raw error is the `cause`. */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
  /** The code of the underlying error (ECONNREFUSED, 57P01, …), when it had one. */
  readonly code: string | undefined;

  constructor(message: string, cause: unknown) {
    super(message, { cause });
    const code = (cause as { code?: unknown } | undefined)?.code;
    this.code = typeof code === 'string' ? code : undefined;
  }
}

/** Socket-level codes of Node that mean the server is not reachable or went away. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'ENOTFOUND', 'EAI_AGAIN']);

/** What pg says when the socket closed or the pool gave up connecting. */
const CLOSED_MESSAGES = [/^Connection terminated/u, /is not queryable$/u, /^timeout exceeded when trying to connect$/u];

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * True for the errors of a PostgreSQL that is down, unreachable, restarting or out of connection
 * slots (SQLSTATE class 08, 57P01–57P03, 53300), as opposed to errors of the query itself.
 */
export function isConnectionFailure(err: unknown): boolean {
  if (err instanceof DatabaseUnavailableError) return true;
  const code = codeOf(err);
  if (code && (NETWORK_CODES.has(code) || code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code))) return true;
  const message = messageOf(err);
  return CLOSED_MESSAGES.some((m) => m.test(message));
}

/** "host:port/database" of a connection string, without user or password. */
export function databaseTarget(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    const host = url.hostname || url.searchParams.get('host') || 'localhost';
    const database = decodeURIComponent(url.pathname.replace(/^\//u, ''));
    return `${host}:${url.port || '5432'}${database ? `/${database}` : ''}`;
  } catch {
    return 'the server in DATABASE_URL';
  }
}

const WHAT_TO_DO =
  'Check that the database server is running and reachable from this host and that DATABASE_URL points at it; the service reconnects by itself once it answers.';

/** What happened, in words, for a connection failure. */
function whatHappened(err: unknown, connectTimeoutMs: number | undefined): string {
  const code = codeOf(err);
  const message = messageOf(err);
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused the connection (ECONNREFUSED: nothing is listening there)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot be found (${code}: the host name does not resolve)`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENETDOWN':
    case 'EHOSTDOWN':
      return `cannot be reached (${code})`;
    case '57P01':
    case '57P02':
    case '57P03':
      return `is shutting down or starting up (${code}: ${message})`;
    case '53300':
      return `has no free connection slots (53300: ${message})`;
    default:
      break;
  }
  if (/connection timeout/u.test(message)) return `did not answer within ${(connectTimeoutMs ?? 0) / 1000} s`;
  if (/^timeout exceeded when trying to connect$/u.test(message)) return `gave this service no connection within ${(connectTimeoutMs ?? 0) / 1000} s (every connection of the pool busy or still connecting)`;
  return `closed the connection (${code ? `${code}: ` : ''}${message})`;
}

/**
 * The same error for anything that is not a connection failure; for a connection failure a
 * DatabaseUnavailableError with a message that says what happened and what to do.
 */
export function explainConnectionFailure(err: unknown, target: string, connectTimeoutMs?: number): unknown {
  if (err instanceof DatabaseUnavailableError || !isConnectionFailure(err)) return err;
  const advice =
    codeOf(err) === '53300'
      ? 'Raise max_connections on the server or run fewer instances; the service retries by itself.'
      : WHAT_TO_DO;
  return new DatabaseUnavailableError(`PostgreSQL at ${target} ${whatHappened(err, connectTimeoutMs)}. ${advice}`, err);
}
