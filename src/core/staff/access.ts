/**
 * Who may read what. Health data may only be read by staff of an organisation the case was routed
 * to with the person's consent; everything else is refused (and the refusal is audited by the caller).
 */
import type { CaseRecord } from '../cases.js';

export type StaffRole = 'staff' | 'admin';

/** A signed-in member of staff: from a local account, Microsoft Entra ID, or Teams. */
export interface StaffIdentity {
  /** Stable id: an e-mail for local accounts, the Entra object id for Teams and OpenID Connect. */
  id: string;
  name: string;
  organisationId: string;
  role: StaffRole;
}

/** The organisations that may read a case: those it was sent to with consent. */
export function caseOrganisations(record: Pick<CaseRecord, 'recipients'>): string[] {
  return [...new Set(record.recipients.filter((r) => r.consent).map((r) => r.organisationId))];
}

/** Whether this member of staff may read the case (summary, transcript, delivery history). */
export function mayReadCase(staff: StaffIdentity, record: Pick<CaseRecord, 'recipients'>): boolean {
  return caseOrganisations(record).includes(staff.organisationId);
}

/** Taking and closing a case: the same organisations as reading. */
export const mayChangeCase = mayReadCase;

/** Reading the audit log of one's own organisation: admins only. */
export function mayReadAudit(staff: StaffIdentity): boolean {
  return staff.role === 'admin';
}
