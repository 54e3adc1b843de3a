/**
 * Organisation administrators manage their own staff: local accounts (list, add or reset the
 * password of, disable) and who works in which unit (local and Entra members alike). Only within
 * their own organisation; every change is audited.
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
  units: z.array(z.string().max(120)).max(30).optional(),
});
const unitsBody = z.object({ units: z.array(z.string().max(120)).max(30) });

export function addStaffAdminRoutes(server: restify.Server, options: { service: StaffService; accounts: StaffAccounts; sessions: StaffSessions; logger: Logger }): void {
  const { service, accounts, sessions } = options;
  const handle = jsonHandler(options.logger);

  const admin = async (req: restify.Request, action: 'account.add' | 'unit.members' = 'account.add') => {
    const staff = await requireStaff(sessions, req);
    if (staff.role !== 'admin') {
      await service.record(staff, clientAddress(req), action, 'denied', undefined, [staff.organisationId]);
      throw new HttpError(403, 'Forbidden', 'Only an organisation administrator may manage staff accounts and units.');
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
      const { units, ...details } = body.data;
      const account = await accounts.put({ ...details, organisationId: staff.organisationId });
      await service.record(staff, clientAddress(req), 'account.add', 'allowed', account.id, [staff.organisationId]);
      const member = units ? await service.members.setUnits(staff.organisationId, account.id, units, staff.id) : undefined;
      if (member) await service.record(staff, clientAddress(req), 'unit.members', 'allowed', account.id, [staff.organisationId], { reason: `units: ${member.units.join(',') || '(none)'}` });
      res.status(201);
      res.json({ id: account.id, name: account.name, role: account.role, disabled: false, units: member?.units ?? [] });
    }),
  );

  // The organisation's units (the directory's contact points) and who works in each.
  server.get(
    '/staff/api/members',
    handle(async (req, res) => {
      const staff = await admin(req, 'unit.members');
      res.json({ units: service.members.unitsOf(staff.organisationId), members: await service.members.ofOrganisation(staff.organisationId) });
    }),
  );

  server.put(
    '/staff/api/members/:id/units',
    handle(async (req, res) => {
      const staff = await admin(req, 'unit.members');
      const id = String(req.params['id'] ?? '');
      const body = unitsBody.safeParse(req.body);
      if (!body.success) throw new HttpError(400, 'BadRequest', 'Send { "units": ["<organisation>:<contact type>", …] }.');
      const known = new Set(service.members.unitsOf(staff.organisationId).map((u) => u.key));
      const unknown = body.data.units.filter((u) => !known.has(u));
      if (unknown.length) {
        await service.record(staff, clientAddress(req), 'unit.members', 'denied', id, [staff.organisationId], { reason: `not units of the organisation: ${unknown.join(',')}` });
        throw new HttpError(400, 'BadRequest', `Not units of your organisation: ${unknown.join(', ')}.`);
      }
      const member = await service.members.setUnits(staff.organisationId, id, body.data.units, staff.id);
      if (!member) {
        await service.record(staff, clientAddress(req), 'unit.members', 'denied', id, [staff.organisationId]);
        throw new HttpError(404, 'NotFound', 'There is no such member in your organisation.');
      }
      await service.record(staff, clientAddress(req), 'unit.members', 'allowed', member.id, [staff.organisationId], { reason: `units: ${member.units.join(',') || '(none)'}` });
      res.json(member);
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
