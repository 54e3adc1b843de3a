/**
 * `npm run staff`: local staff accounts for the staff page (the embedded default; production uses
 * Microsoft Entra ID). Every change is written to the audit log.
 *
 *   npm run staff -- add --email anna@karlstad.se --name "Anna Exempel" --org karlstad [--role admin] [--units bistand,ifo]
 *       (asks for the password; or pipe it in: echo "$PASSWORD" | npm run staff -- add … --password-stdin)
 *   npm run staff -- disable --email anna@karlstad.se
 *   npm run staff -- list
 */
import readline from 'node:readline';
import { ConfigError, loadConfig, type AppConfig } from '../src/config.js';
import { loadEnvFileOrExit } from '../src/env-file.js';
import { ContentError, loadContent } from '../src/core/content/load.js';
import type { AuditLog } from '../src/core/audit.js';
import { openStores } from '../src/storage/stores.js';
import type { SessionStore } from '../src/staff/session-store.js';
import { MIN_PASSWORD_LENGTH, StaffAccounts } from '../src/staff/accounts.js';
import type { Membership } from '../src/staff/members.js';
import type { Records } from '../src/storage/records.js';
import { unitKey } from '../src/core/staff/access.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function readPassword(): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdin.isTTY ? process.stderr : undefined, terminal: Boolean(process.stdin.isTTY) });
  if (process.stdin.isTTY) process.stderr.write(`Password (at least ${MIN_PASSWORD_LENGTH} characters): `);
  for await (const line of rl) {
    rl.close();
    return line.trim();
  }
  return '';
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const command = process.argv[2];
  loadEnvFileOrExit();
  const config = loadConfig();
  // The same stores as the service: PostgreSQL when DATABASE_URL is set, else the data folder.
  const stores = await openStores({ dataDir: config.dataDir, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
  try {
    await run(command, config, new StaffAccounts(stores.staffAccounts), stores.audit, stores.staffUnits, stores.staffSessions);
  } finally {
    await stores.close();
  }
}

async function run(command: string | undefined, config: AppConfig, accounts: StaffAccounts, audit: AuditLog, memberships: Records<Membership>, sessions: SessionStore): Promise<void> {
  const at = () => new Date().toISOString();

  if (command === 'add') {
    const email = arg('email');
    const name = arg('name');
    const org = arg('org');
    const role = arg('role') ?? 'staff';
    if (!email || !name || !org) fail('Usage: npm run staff -- add --email ADDRESS --name "NAME" --org ORGANISATION_ID [--role staff|admin] [--units TYPE,TYPE]');
    if (role !== 'staff' && role !== 'admin') fail(`--role must be staff or admin (got "${role}")`);
    const content = loadContent({ dataDir: config.contentDir, localesDir: config.localesDir, defaultLocale: config.defaultLocale });
    const ids = content.directory.organisations.map((o) => o.id);
    if (!ids.includes(org)) fail(`--org must be an organisation id from data/directory.yaml: ${ids.join(', ')} (got "${org}")`);
    // The units (contact points) the person works in: they see the cases sent to those.
    const types = content.directory.organisations.find((o) => o.id === org)!.contacts.map((c) => c.type as string);
    const units = (arg('units') ?? '').split(',').map((u) => u.trim()).filter(Boolean);
    const unknown = units.filter((u) => !types.includes(u));
    if (unknown.length) fail(`--units must be contact point types of ${org} in data/directory.yaml: ${types.join(', ')} (got "${unknown.join(', ')}")`);
    const password = await readPassword();
    try {
      const account = await accounts.put({ email, name, organisationId: org, role, password });
      await audit.append({ at: at(), actor: 'cli', action: 'account.add', target: account.id, targetOrganisations: [org], outcome: 'allowed' });
      if (units.length) {
        const keys = units.map((u) => unitKey(org, u));
        await memberships.write(account.id, { organisationId: org, units: keys, updatedAt: at(), updatedBy: 'cli' });
        await audit.append({ at: at(), actor: 'cli', action: 'unit.members', target: account.id, targetOrganisations: [org], outcome: 'allowed', reason: `units: ${keys.join(',')}` });
      }
      process.stdout.write(`Account ${account.id} (${role}, ${org}${units.length ? `, units ${units.join(', ')}` : ', no units yet: it sees no cases until an administrator adds it to one'}) is ready. Sign in at /staff/.\n`);
    } catch (err) {
      fail(`The account was not saved: ${(err as Error).message}.`);
    }
  } else if (command === 'disable') {
    const email = arg('email');
    if (!email) fail('Usage: npm run staff -- disable --email ADDRESS');
    const account = await accounts.get(email);
    if (!account) fail(`There is no account ${email}.`);
    await accounts.disable(email);
    await sessions.deleteFor(account.id);
    await audit.append({ at: at(), actor: 'cli', action: 'account.disable', target: account.id, targetOrganisations: [account.organisationId], outcome: 'allowed' });
    process.stdout.write(`Account ${account.id} is disabled; its open sessions have ended.\n`);
  } else if (command === 'list') {
    for (const a of await accounts.list()) {
      const units = (await memberships.read(a.id))?.units ?? [];
      process.stdout.write(`${a.id}\t${a.name}\t${a.organisationId}\t${a.role}\t${units.join(',') || '(no units)'}${a.disabled ? '\tdisabled' : ''}\n`);
    }
  } else {
    fail('Usage: npm run staff -- add|disable|list …  (see scripts/staff.ts)');
  }
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) fail(err.message);
  if (err instanceof ContentError) fail(`Content error: ${err.message}.`);
  fail(`staff failed: ${(err as Error).message}`);
});
