/**
 * The staff API under /staff/api: sign in with a local account, list the cases of one's own
 * organisation, read one (summary, whole conversation, delivery history), take it, close it with a
 * note, export it, and (admins) review and export the audit log. Every read or change of a case, and
 * every refusal, is written to the audit log; a case of another organisation is a 403.
 */
import type { Request } from 'restify';
import type restify from 'restify';
import { z } from 'zod';
import { verifyChain } from '../core/audit.js';
import type { CaseRecord } from '../core/cases.js';
import { mayReadAudit, type StaffIdentity } from '../core/staff/access.js';
import type { Logger } from '../logger.js';
import { StaffAccounts } from './accounts.js';
import { ACCOUNT_RULE } from './sign-in-throttle.js';
import type { StaffService } from './service.js';
import { HttpError, clientAddress, jsonHandler, requireStaff } from './http-helpers.js';
import type { StaffSessions } from './sessions.js';
import type { SignInThrottle } from './sign-in-throttle.js';

export { STAFF_COOKIE } from './sessions.js';

export interface StaffRoutesOptions {
  service: StaffService;
  accounts: StaffAccounts;
  sessions: StaffSessions;
  /** Failed sign-ins per account and address, with backoff (src/staff/sign-in-throttle.ts). */
  throttle: SignInThrottle;
  logger: Logger;
  /** Local accounts may sign in at /staff/api/login (default true); false: 404 there. */
  localAccounts?: boolean;
  /** Sign-in with Microsoft Entra ID is on (/staff/auth/entra, see oidc.ts); for the page's buttons. */
  entraSignIn?: boolean;
}

const ACCOUNT_FREE_FAILURES = ACCOUNT_RULE.free;
const StaffAccountsId = (email: string) => StaffAccounts.normalizeId(email).slice(0, 200);
const loginBody = z.object({ email: z.string().min(3).max(200), password: z.string().min(1).max(500) });
const closeBody = z.object({ note: z.string().max(4000).optional() });
/**
 * A list shows the newest cases up to this many (the page says how many match in all and asks
 * to narrow the filter): a long list is read by nobody, and an organisation's cases over years
 * are tens of thousands.
 */
const LIST_DEFAULT = 200;
const MAX_LIST = 1000;
const listQuery = z.object({
  status: z.enum(['new', 'taken', 'closed']).optional(),
  urgent: z.enum(['true', 'false']).optional(),
  municipality: z.string().max(40).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIST).optional(),
});

function query(req: Request): Record<string, string> {
  return Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
}

/** What a case list shows: no answers, no summary text. */
function listItem(record: CaseRecord) {
  return {
    reference: record.reference,
    createdAt: record.createdAt,
    status: record.status,
    urgent: record.urgent,
    municipality: record.municipality,
    topics: record.topics,
    sipSuggested: record.sipSuggested,
    respondent: record.respondent,
    takenBy: record.takenBy?.name,
  };
}

export function addStaffRoutes(server: restify.Server, options: StaffRoutesOptions): void {
  const { service, accounts, sessions, throttle, logger } = options;
  const localAccounts = options.localAccounts ?? true;
  const from = clientAddress;
  const reference = (req: Request) => String(req.params['reference'] ?? '');
  const signedIn = (req: Request): Promise<StaffIdentity> => requireStaff(sessions, req);
  const handle = jsonHandler(logger);

  // Which ways of signing in the page should offer.
  server.get(
    '/staff/api/signin-options',
    handle(async (_req, res) => {
      res.json({ local: localAccounts, entra: options.entraSignIn ?? false });
    }),
  );

  server.post(
    '/staff/api/login',
    handle(async (req, res) => {
      if (!localAccounts) throw new HttpError(404, 'NotFound', 'Local accounts are turned off here (STAFF_LOCAL_ACCOUNTS=false); sign in with Microsoft.');
      const body = loginBody.safeParse(req.body);
      if (!body.success) throw new HttpError(400, 'BadRequest', 'Send { "email": …, "password": … }.');
      const account = StaffAccountsId(body.data.email);
      const address = from(req);
      // Locked out: refused before the password is checked, and not audited again (the lockout was).
      const wait = await throttle.wait(account, address);
      if (wait !== undefined) throw new HttpError(429, 'TooManyRequests', `Too many failed sign-ins; try again in ${wait} s.`, wait);
      const staff = await accounts.check(body.data.email, body.data.password);
      if (!staff) {
        const outcome = await throttle.failed(account, address);
        // A failed sign-in to a real account belongs to its organisation's audit log: its admin sees
        // someone trying their staff's passwords. Each failure until the lockout, then the lockout
        // once; not every attempt after it (a guessing script would fill the log).
        const known = await accounts.get(body.data.email);
        const audited = (action: 'login.failed' | 'login.throttled', actor: string, organisation?: string, target?: string) =>
          service.audit.append({
            at: new Date().toISOString(),
            actor,
            ...(organisation ? { actorOrganisation: organisation } : {}),
            action,
            ...(target ? { target } : {}),
            outcome: 'denied',
            from: address,
          });
        if (known && outcome.accountFailures <= ACCOUNT_FREE_FAILURES) await audited('login.failed', account, known.organisationId);
        if (known && outcome.lockoutBegan.includes('account')) await audited('login.throttled', account, known.organisationId, account);
        if (outcome.lockoutBegan.includes('address')) await audited('login.throttled', 'anonymous', undefined, `address ${address}`);
        throw new HttpError(401, 'Unauthorized', 'Wrong e-mail or password, or the account is disabled.');
      }
      await throttle.succeeded(account);
      await sessions.issue(req, res, staff, 'local');
      await service.record(staff, from(req), 'login', 'allowed');
      res.json(staff);
    }),
  );

  server.post(
    '/staff/api/logout',
    handle(async (req, res) => {
      await sessions.clear(req, res);
      res.json({ ok: true });
    }),
  );

  server.get(
    '/staff/api/me',
    handle(async (req, res) => {
      res.json(await signedIn(req));
    }),
  );

  server.get(
    '/staff/api/cases',
    handle(async (req, res) => {
      const staff = await signedIn(req);
      const q = listQuery.safeParse(query(req));
      if (!q.success) throw new HttpError(400, 'BadRequest', `Filter not understood: ${q.error.issues[0]!.path.join('.')} ${q.error.issues[0]!.message}.`);
      const { status, urgent, municipality, from: since, to, limit } = q.data;
      const filter = {
        ...(status ? { status } : {}),
        ...(urgent ? { urgent: urgent === 'true' } : {}),
        ...(municipality ? { municipality } : {}),
        ...(since ? { from: since } : {}),
        ...(to ? { to } : {}),
      };
      const page = await service.list(staff, filter, from(req), new URL(req.url ?? '/', 'http://x').search || '(all)', limit ?? LIST_DEFAULT);
      res.json({ cases: page.cases.map(listItem), total: page.total, urgentWaiting: page.urgentWaiting });
    }),
  );

  server.get(
    '/staff/api/cases/:reference',
    handle(async (req, res) => {
      const staff = await signedIn(req);
      res.json(await service.read(staff, reference(req), from(req)));
    }),
  );

  const change = (action: 'case.take' | 'case.close') =>
    handle(async (req, res) => {
      const staff = await signedIn(req);
      const body = closeBody.safeParse(req.body ?? {});
      if (!body.success) throw new HttpError(400, 'BadRequest', 'A note is text of at most 4000 characters.');
      res.json({ case: await service.change(staff, reference(req), action, body.data.note, from(req)) });
    });
  server.post('/staff/api/cases/:reference/take', change('case.take'));
  server.post('/staff/api/cases/:reference/close', change('case.close'));

  server.get(
    '/staff/api/cases/:reference/export',
    handle(async (req, res) => {
      const staff = await signedIn(req);
      const found = await service.export(staff, reference(req), from(req));
      if (query(req)['format'] === 'json') {
        res.header('content-disposition', `attachment; filename="${found.reference}.json"`);
        res.json(found);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-disposition': `attachment; filename="${found.reference}.txt"` });
      res.end(service.asText(found));
    }),
  );

  server.get(
    '/staff/api/audit',
    handle(async (req, res) => {
      const staff = await signedIn(req);
      if (!mayReadAudit(staff)) {
        await service.record(staff, from(req), 'audit.read', 'denied');
        throw new HttpError(403, 'Forbidden', 'Only an organisation administrator may read the audit log.');
      }
      const all = await service.audit.entries();
      const chain = verifyChain(all);
      const own = all.filter((e) => e.actorOrganisation === staff.organisationId || e.targetOrganisations?.includes(staff.organisationId));
      const exporting = query(req)['format'] === 'jsonl';
      await service.record(staff, from(req), exporting ? 'audit.export' : 'audit.read', 'allowed', undefined, [staff.organisationId]);
      if (exporting) {
        res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'content-disposition': 'attachment; filename="audit.jsonl"' });
        res.end(own.map((e) => JSON.stringify(e)).join('\n') + '\n');
        return;
      }
      res.json({ chain, entries: own });
    }),
  );
}
