/**
 * Organisation administrators manage their own staff's local accounts: list, add (or reset the
 * password of), disable. Only within their own organisation; every change is audited.
 */
import type restify from 'restify';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { MIN_PASSWORD_LENGTH, type StaffAccounts } from './accounts.js';
import { HttpError, clientAddress, jsonHandler, requireStaff } from './http-helpers.js';
import type { StaffService } from './service.js';
import type { StaffSessions } from './sessions.js';

const addBody = z.object({
  email: z.email(),
  name: z.string().trim().min(1).max(200),
  role: z.enum(['staff', 'admin']).default('staff'),
  password: z.string().min(MIN_PASSWORD_LENGTH, `The password must be at least ${MIN_PASSWORD_LENGTH} characters.`).max(500),
});

export function addStaffAdminRoutes(server: restify.Server, options: { service: StaffService; accounts: StaffAccounts; sessions: StaffSessions; logger: Logger }): void {
  const { service, accounts, sessions } = options;
  const handle = jsonHandler(options.logger);

  const admin = async (req: restify.Request) => {
    const staff = await requireStaff(sessions, req);
    if (staff.role !== 'admin') {
      await service.record(staff, clientAddress(req), 'account.add', 'denied', undefined, [staff.organisationId]);
      throw new HttpError(403, 'Forbidden', 'Only an organisation administrator may manage staff accounts.');
    }
    return staff;
  };

  server.get(
    '/staff/api/accounts',
    handle(async (req, res) => {
      const staff = await admin(req);
      const own = (await accounts.list()).filter((a) => a.organisationId === staff.organisationId);
      res.json({ accounts: own.map((a) => ({ id: a.id, name: a.name, role: a.role, disabled: a.disabled, createdAt: a.createdAt })) });
    }),
  );

  server.post(
    '/staff/api/accounts',
    handle(async (req, res) => {
      const staff = await admin(req);
      const body = addBody.safeParse(req.body);
      if (!body.success) throw new HttpError(400, 'BadRequest', body.error.issues[0]!.message);
      const existing = await accounts.get(body.data.email);
      if (existing && existing.organisationId !== staff.organisationId) {
        await service.record(staff, clientAddress(req), 'account.add', 'denied', existing.id, [existing.organisationId]);
        throw new HttpError(403, 'Forbidden', 'That account belongs to another organisation.');
      }
      const account = await accounts.put({ ...body.data, organisationId: staff.organisationId });
      await service.record(staff, clientAddress(req), 'account.add', 'allowed', account.id, [staff.organisationId]);
      res.status(201);
      res.json({ id: account.id, name: account.name, role: account.role, disabled: false });
    }),
  );

  server.post(
    '/staff/api/accounts/:email/disable',
    handle(async (req, res) => {
      const staff = await admin(req);
      const account = await accounts.get(String(req.params['email'] ?? ''));
      if (!account || account.organisationId !== staff.organisationId) {
        await service.record(staff, clientAddress(req), 'account.disable', 'denied', String(req.params['email'] ?? ''), account ? [account.organisationId] : undefined);
        throw new HttpError(account ? 403 : 404, account ? 'Forbidden' : 'NotFound', account ? 'That account belongs to another organisation.' : 'There is no such account.');
      }
      await accounts.disable(account.id);
      // Signed-in sessions of the account end now, not when they expire.
      await sessions.revokeAll(account.id);
      await service.record(staff, clientAddress(req), 'account.disable', 'allowed', account.id, [staff.organisationId]);
      res.json({ id: account.id, disabled: true });
    }),
  );
}
