/** The one shape of every error this service answers: `{ error: { code, message } }`. */
import type { Response } from 'restify';

export function sendJsonError(res: Response, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  for (const [name, value] of Object.entries(headers)) res.header(name, value);
  res.status(status);
  res.json({ error: { code, message } });
}
