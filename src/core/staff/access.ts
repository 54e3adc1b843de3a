/**
 * Who may read what, on a need-to-know basis (Patientdatalagen 4 kap., HSLF-FS 2016:40): staff
 * belong to an organisation and to one or more of its units (the directory's contact points), and
 * read the cases sent with consent to their units. A case sent to another unit of their own
 * organisation can be read only deliberately, with a stated reason, which is audited as such; a
 * case of another organisation never. Refusals are audited by the caller.
 */
import type { CaseRecord } from '../cases.js';
import { caseUnits } from '../case-work.js';

export type StaffRole = 'staff' | 'admin';

/** A signed-in member of staff: from a local account, Microsoft Entra ID, or Teams. */
export interface StaffIdentity {
  /** Stable id: an e-mail for local accounts, the Entra object id for Teams and OpenID Connect. */
  id: string;
  name: string;
  organisationId: string;
  role: StaffRole;
  /** The units (recipient keys, "karlstad:bistand") this person works in. None: no cases to read. */
  units?: string[];
}

/** "karlstad:bistand" for Karlstad's elderly care. */
export function unitKey(organisationId: string, contactType: string): string {
  return `${organisationId}:${contactType}`;
}

/** The organisations that may read a case: those it was sent to with consent. */
export function caseOrganisations(record: Pick<CaseRecord, 'recipients'>): string[] {
  return [...new Set(record.recipients.filter((r) => r.consent).map((r) => r.organisationId))];
}

/** The person's units that this case was sent to. */
export function sharedUnits(staff: StaffIdentity, record: Pick<CaseRecord, 'recipients'>): string[] {
  const own = staff.units ?? [];
  return caseUnits(record).filter((u) => own.includes(u));
}

/** Whether this member of staff may read the case as part of their work (one of their units has it). */
export function mayReadCase(staff: StaffIdentity, record: Pick<CaseRecord, 'recipients'>): boolean {
  return sharedUnits(staff, record).length > 0;
}

/** Whether the case went to another unit of the person's own organisation: readable with a stated reason. */
export function mayReadOutsideUnit(staff: StaffIdentity, record: Pick<CaseRecord, 'recipients'>): boolean {
  return !mayReadCase(staff, record) && caseOrganisations(record).includes(staff.organisationId);
}

/** Whether the person may change this unit's part of the case (members of that unit only). */
export function mayWorkUnit(staff: StaffIdentity, record: Pick<CaseRecord, 'recipients'>, unit: string): boolean {
  return sharedUnits(staff, record).includes(unit);
}

/** Reading the audit log of one's own organisation, and managing its members: admins only. */
export function mayReadAudit(staff: StaffIdentity): boolean {
  return staff.role === 'admin';
}
