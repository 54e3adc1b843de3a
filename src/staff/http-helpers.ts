/** Shared pieces of the staff HTTP routes: JSON errors, and the signed-in member of staff. */
import type { Request, Response } from 'restify';
import type { StaffIdentity } from '../core/staff/access.js';
import type { Logger } from '../logger.js';
import { clientOf } from '../http/client-address.js';
import { StaffError } from './service.js';
import type { StaffSessions } from './sessions.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Sent as Retry-After (a 429). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** Wraps a handler: known errors become `{ error: { code, message } }` with their status, others a logged 500. */
export function jsonHandler(logger: Logger) {
  return (fn: (req: Request, res: Response) => Promise<void>) =>
    async (req: Request, res: Response): Promise<void> => {
      try {
        await fn(req, res);
      } catch (err) {
        if (err instanceof HttpError || err instanceof StaffError) {
          if (err instanceof HttpError && err.retryAfterSeconds !== undefined) res.header('Retry-After', String(err.retryAfterSeconds));
          res.status(err.status);
          res.json({ error: { code: err.code, message: err.message } });
          return;
        }
        logger.error({ err: { name: (err as Error).name, message: (err as Error).message } }, 'staff request failed');
        res.status(500);
        res.json({ error: { code: 'InternalError', message: 'Something went wrong; nothing was changed. Try again.' } });
      }
    };
}

/** The signed-in member of staff, or a 401. */
export async function requireStaff(sessions: StaffSessions, req: Request): Promise<StaffIdentity> {
  const staff = await sessions.read(req);
  if (!staff) throw new HttpError(401, 'Unauthorized', req.headers.cookie?.includes('nv_staff=') ? 'Your sign-in has ended; sign in again.' : 'Sign in first.');
  return staff;
}

/** The client's address for the audit log and the sign-in throttle (behind TRUSTED_PROXIES, the real client's). */
export const clientAddress = (req: Request): string => clientOf(req).address;
