/**
 * Staff and their units. Everyone who works with cases belongs to an organisation (their local
 * account, or their line in data/staff-teams.yaml for Microsoft Entra ID) and to one or more of its
 * units: the directory's contact points ("karlstad:bistand", "region_varmland:vardcentral"). An
 * organisation's administrator sets who is in which unit; that choice is kept in the store (kind
 * "staff/units", for local and Entra members alike) and wins over the units staff-teams.yaml lists.
 */
import type { Directory } from '../core/content/schema.js';
import { unitKey, type StaffIdentity, type StaffRole } from '../core/staff/access.js';
import type { Records } from '../storage/records.js';
import type { StaffAccounts } from './accounts.js';

export interface Membership {
  organisationId: string;
  units: string[];
  updatedAt: string;
  updatedBy: string;
}

export interface Member {
  id: string;
  name: string;
  role: StaffRole;
  units: string[];
  /** A local account, or a member signing in with Microsoft Entra ID (Teams, OpenID Connect). */
  source: 'local' | 'entra';
}

export interface Unit {
  key: string;
  contactType: string;
  name: string;
}

/** The Entra staff list (data/staff-teams.yaml), as far as members need it. */
export interface EntraPeople {
  all(): StaffIdentity[];
}

export class StaffMembers {
  constructor(
    private readonly accounts: StaffAccounts,
    private readonly entra: EntraPeople,
    private readonly memberships: Records<Membership>,
    private readonly directory: Directory,
  ) {}

  /** The units of an organisation: its contact points in the directory. */
  unitsOf(organisationId: string): Unit[] {
    const org = this.directory.organisations.find((o) => o.id === organisationId);
    return (org?.contacts ?? []).map((c) => ({ key: unitKey(organisationId, c.type), contactType: c.type, name: c.name }));
  }

  /** The identity with the units it works in (the administrator's choice, else what staff-teams.yaml says). */
  async withUnits(identity: StaffIdentity): Promise<StaffIdentity> {
    const membership = await this.memberships.read(identity.id);
    const own = new Set(this.unitsOf(identity.organisationId).map((u) => u.key));
    const units = (membership && membership.organisationId === identity.organisationId ? membership.units : identity.units ?? []).filter((u) => own.has(u));
    return { ...identity, units };
  }

  /** Everyone of the organisation who can sign in (disabled local accounts left out), with their units. */
  async ofOrganisation(organisationId: string): Promise<Member[]> {
    const local = (await this.accounts.list()).filter((a) => a.organisationId === organisationId && !a.disabled);
    const entra = this.entra.all().filter((p) => p.organisationId === organisationId);
    const members = await Promise.all([
      ...local.map(async (a) => ({ id: a.id, name: a.name, role: a.role, source: 'local' as const, units: (await this.withUnits(a)).units ?? [] })),
      ...entra.map(async (p) => ({ id: p.id, name: p.name, role: p.role, source: 'entra' as const, units: (await this.withUnits(p)).units ?? [] })),
    ]);
    return members.sort((a, b) => a.name.localeCompare(b.name, 'sv'));
  }

  async member(organisationId: string, id: string): Promise<Member | undefined> {
    return (await this.ofOrganisation(organisationId)).find((m) => m.id === id.toLowerCase() || m.id === id);
  }

  /** Sets a member's units (all of them units of the organisation); undefined if there is no such member. */
  async setUnits(organisationId: string, id: string, units: string[], by: string): Promise<Member | undefined> {
    const member = await this.member(organisationId, id);
    if (!member) return undefined;
    const own = new Set(this.unitsOf(organisationId).map((u) => u.key));
    const kept = [...new Set(units)].filter((u) => own.has(u));
    await this.memberships.write(member.id, { organisationId, units: kept, updatedAt: new Date().toISOString(), updatedBy: by });
    return { ...member, units: kept };
  }
}
