/**
 * Local staff accounts, the embedded default for signing in to the staff page (Microsoft Entra ID
 * is for production). Passwords are kept only as Argon2id hashes (@node-rs/argon2).
 */
import { randomBytes } from 'node:crypto';
// @node-rs/argon2 (a native module) is loaded at the first password, not at start-up.
const argon2 = () => import('@node-rs/argon2');
const hash = async (password: string) => (await argon2()).hash(password);
const verify = async (hashed: string, password: string) => (await argon2()).verify(hashed, password);
import type { StaffIdentity, StaffRole } from '../core/staff/access.js';
import type { Records } from '../storage/records.js';

export interface StaffAccount extends StaffIdentity {
  passwordHash: string;
  disabled: boolean;
  createdAt: string;
}

/** Long enough to resist guessing; no other rules (NIST SP 800-63B). */
export const MIN_PASSWORD_LENGTH = 12;

export class StaffAccounts {
  /** On the embedded store a folder (staff/accounts), on PostgreSQL rows of `records`. */
  constructor(private readonly folder: Records<StaffAccount>) {}

  static normalizeId(email: string): string {
    return email.trim().toLowerCase();
  }

  get(email: string): Promise<StaffAccount | undefined> {
    return this.folder.read(StaffAccounts.normalizeId(email));
  }

  async list(): Promise<StaffAccount[]> {
    const accounts = await Promise.all((await this.folder.keys()).map((k) => this.folder.read(k)));
    return accounts.filter((a): a is StaffAccount => a !== undefined);
  }

  /** Adds an account, or replaces the password and details of an existing one (and enables it). */
  async put(input: { email: string; name: string; organisationId: string; role: StaffRole; password: string }): Promise<StaffAccount> {
    if (input.password.length < MIN_PASSWORD_LENGTH) throw new Error(`the password must be at least ${MIN_PASSWORD_LENGTH} characters`);
    const id = StaffAccounts.normalizeId(input.email);
    const account: StaffAccount = {
      id,
      name: input.name,
      organisationId: input.organisationId,
      role: input.role,
      passwordHash: await hash(input.password),
      disabled: false,
      createdAt: new Date().toISOString(),
    };
    await this.folder.write(id, account);
    return account;
  }

  async disable(email: string): Promise<boolean> {
    const updated = await this.folder.update(StaffAccounts.normalizeId(email), (a) => a && { ...a, disabled: true });
    return updated !== undefined;
  }

  /** The account for these credentials, or undefined (unknown, disabled or wrong password alike). */
  async check(email: string, password: string): Promise<StaffIdentity | undefined> {
    const account = await this.get(email);
    // Verify against a hash even for unknown accounts, so timing does not tell which exist.
    const ok = await verify(account?.passwordHash ?? (await dummyHash()), password).catch(() => false);
    if (!account || account.disabled || !ok) return undefined;
    return { id: account.id, name: account.name, organisationId: account.organisationId, role: account.role };
  }
}

let dummy: Promise<string> | undefined;
/** A real hash of a random password, made once: checking against it costs what a real check costs. */
function dummyHash(): Promise<string> {
  dummy ??= hash(randomBytes(16).toString('hex'));
  return dummy;
}
