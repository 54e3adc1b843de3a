/**
 * The staff API under /staff/api: sign in with a local account, list and search the cases of one's
 * units, read one (key facts, summary, whole conversation, delivery history), read a case of another
 * unit of one's organisation with a stated reason, work one's unit's part (assign to oneself or a
 * colleague, notes and contacts, close, reopen, reclassify the urgency), export it, and (admins)
 * review and export the audit log. Every read, search or change of a case, and every refusal, is
 * written to the audit log; a case of another unit is a 403 unless read with a reason.
 */
import type { Request } from 'restify';
import type restify from 'restify';
import { z } from 'zod';
import { verifyChain } from '../core/audit.js';
import { isOverdue, WORK_STATUSES, type WorkChange } from '../core/case-work.js';
import { parseSearch } from '../core/case-query.js';
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
const NOTE_MAX = 4000;
const unitField = z.string().max(120).optional();
const closeBody = z.object({ unit: unitField, note: z.string().trim().max(NOTE_MAX).optional() });
const noteBody = z.object({ unit: unitField, kind: z.enum(['note', 'contact']).default('note'), text: z.string().trim().min(1).max(NOTE_MAX) });
const assignBody = z.object({ unit: unitField, assignee: z.string().min(1).max(200) });
const reclassifyBody = z.object({ unit: unitField, urgent: z.boolean(), note: z.string().trim().min(1).max(NOTE_MAX) });
const outsideBody = z.object({ reason: z.string().trim().min(10).max(500) });
/**
 * A list shows the newest cases up to this many (the page says how many match in all and asks
 * to narrow the filter): a long list is read by nobody, and an organisation's cases over years
 * are tens of thousands.
 */
const LIST_DEFAULT = 200;
const MAX_LIST = 1000;
const listQuery = z.object({
  status: z.enum([...WORK_STATUSES, 'open']).optional(),
  urgent: z.enum(['true', 'false']).optional(),
  mine: z.enum(['true']).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  q: z.string().max(100).optional(),
  sort: z.enum(['newest', 'oldest', 'due']).optional(),
  municipality: z.string().max(40).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIST).optional(),
});

function query(req: Request): Record<string, string> {
  return Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
}

/**
 * What a case list shows: the person's name (to tell cases apart, as in any case system), the
 * reader's units' status, assignee and due date; no answers, no summary text.
 */
function listItem(record: CaseRecord, today: string) {
  const name = record.answers['person_name'];
  return {
    reference: record.reference,
    createdAt: record.createdAt,
    urgent: record.urgent,
    name: name?.kind === 'text' ? name.text : undefined,
    municipality: record.municipality,
    topics: record.topics,
    sipSuggested: record.sipSuggested,
    respondent: record.respondent,
    work: Object.values(record.work).map((w) => ({
      unit: w.unit,
      unitName: record.recipients.find((r) => r.key === w.unit)?.contactName ?? w.unit,
      status: w.status,
      urgent: w.urgent,
      due: w.due,
      overdue: isOverdue(w, today),
      assignee: w.assignee?.name,
      assigneeId: w.assignee?.id,
    })),
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
      // As /staff/api/me answers: with the units the person works in.
      res.json(await service.members.withUnits(staff));
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
      const { status, urgent, mine, overdue, q: typed, sort, municipality, from: since, to, limit } = q.data;
      const search = typed ? parseSearch(typed) : undefined;
      if (typed && !search) throw new HttpError(400, 'BadRequest', 'Search for a reference, a name (two letters or more), a personnummer or a phone number.');
      const filter = {
        ...(status ? { status } : {}),
        ...(urgent ? { urgent: urgent === 'true' } : {}),
        ...(mine ? { assignee: staff.id } : {}),
        ...(overdue ? { overdue: overdue === 'true' } : {}),
        ...(search ? { search } : {}),
        ...(sort ? { sort } : {}),
        ...(municipality ? { municipality } : {}),
        ...(since ? { from: since } : {}),
        ...(to ? { to } : {}),
      };
      // The search text itself is not written in the list's audit line: the search is audited as one (without numbers in clear).
      const params = new URL(req.url ?? '/', 'http://x').searchParams;
      params.delete('q');
      const page = await service.list(staff, filter, from(req), params.size ? `?${params}` : '(all)', limit ?? LIST_DEFAULT);
      const today = service.today();
      res.json({ cases: page.cases.map((c) => listItem(c, today)), total: page.total, urgentWaiting: page.urgentWaiting, overdue: page.overdue, today, ...(search ? { search: search.kind } : {}) });
    }),
  );

  server.get(
    '/staff/api/cases/:reference',
    handle(async (req, res) => {
      const staff = await signedIn(req);
      res.json(await service.read(staff, reference(req), from(req)));
    }),
  );

  server.post(
    '/staff/api/cases/:reference/read-outside',
    handle(async (req, res) => {
      const staff = await signedIn(req);
      const body = outsideBody.safeParse(req.body ?? {});
      if (!body.success) throw new HttpError(400, 'BadRequest', 'Give the reason for reading a case of another unit (10 to 500 characters).');
      res.json(await service.readOutsideUnit(staff, reference(req), body.data.reason, from(req)));
    }),
  );

  /** A change of the reader's unit's part of a case, from a validated body. */
  const work = <T extends z.ZodTypeAny>(schema: T, message: string, change: (body: z.infer<T>, staff: StaffIdentity) => WorkChange | { kind: 'assignTo'; assigneeId: string }) =>
    handle(async (req, res) => {
      const staff = await signedIn(req);
      const body = schema.safeParse(req.body ?? {});
      if (!body.success) throw new HttpError(400, 'BadRequest', message);
      const data = body.data as z.infer<T> & { unit?: string };
      res.json({ case: await service.work(staff, reference(req), data.unit, change(data, staff), from(req)) });
    });
  server.post('/staff/api/cases/:reference/take', work(closeBody, 'Send { "unit"?: … }.', (_b, staff) => ({ kind: 'assignTo', assigneeId: staff.id })));
  server.post('/staff/api/cases/:reference/assign', work(assignBody, 'Send { "assignee": <staff id>, "unit"?: … }.', (b) => ({ kind: 'assignTo', assigneeId: b.assignee })));
  server.post('/staff/api/cases/:reference/notes', work(noteBody, `A note is text of 1 to ${NOTE_MAX} characters.`, (b) => ({ kind: b.kind, text: b.text })));
  server.post('/staff/api/cases/:reference/close', work(closeBody, `A note is text of at most ${NOTE_MAX} characters.`, (b) => ({ kind: 'close', ...(b.note ? { text: b.note } : {}) })));
  server.post('/staff/api/cases/:reference/reopen', work(closeBody, `A note is text of at most ${NOTE_MAX} characters.`, (b) => ({ kind: 'reopen', ...(b.note ? { text: b.note } : {}) })));
  server.post(
    '/staff/api/cases/:reference/reclassify',
    work(reclassifyBody, `Send { "urgent": true|false, "note": <why, 1 to ${NOTE_MAX} characters> }.`, (b) => ({ kind: 'reclassify', urgent: b.urgent, text: b.note, responseDays: 0, createdAt: '' })),
  );

  // Colleagues in one's own units, to give a case to.
  server.get(
    '/staff/api/colleagues',
    handle(async (req, res) => {
      const staff = await signedIn(req);
      const own = staff.units ?? [];
      const members = (await service.members.ofOrganisation(staff.organisationId)).filter((m) => m.units.some((u) => own.includes(u)));
      res.json({ colleagues: members.map((m) => ({ id: m.id, name: m.name, units: m.units.filter((u) => own.includes(u)) })) });
    }),
  );

  server.get(
    '/staff/api/cases/:reference/export',
    handle(async (req, res) => {
      const staff = await signedIn(req);
      const found = await service.export(staff, reference(req), from(req));
      if (query(req)['format'] === 'json') {
        res.header('content-disposition', `attachment; filename="${found.reference}.json"`);
        // The record as stored (for machines), with the key facts and Swedish words and times beside it.
        res.json({ ...found, keyFacts: service.keyFacts(found), text: service.asText(found) });
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
      // "Who searched for this personnummer?": the log keeps searched numbers only as keyed hashes.
      const searchedFor = query(req)['searched'];
      const searched = searchedFor ? parseSearch(searchedFor) : undefined;
      const searchLine = searched ? await service.searchedFor(searched) : undefined;
      const own = all.filter((e) => (e.actorOrganisation === staff.organisationId || e.targetOrganisations?.includes(staff.organisationId)) && (!searchLine || e.reason === searchLine));
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
