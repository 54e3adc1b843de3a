/**
 * The audit log: every read or change of a case or transcript, and every refusal, as an
 * append-only chain. Each entry carries the hash of the one before it, so removing or editing an
 * entry breaks the chain from that point, which `verifyChain` finds.
 */
import { createHash } from 'node:crypto';

export type AuditAction =
  | 'login'
  | 'login.failed'
  | 'login.throttled'
  | 'case.list'
  | 'case.read'
  | 'transcript.read'
  | 'case.take'
  | 'case.close'
  | 'case.export'
  | 'case.search'
  | 'case.read.outside'
  | 'case.assign'
  | 'case.note'
  | 'case.reopen'
  | 'case.reclassify'
  | 'unit.members'
  | 'teams.channel.register'
  | 'teams.channel.remove'
  | 'audit.read'
  | 'audit.export'
  | 'interview.start'
  | 'account.add'
  | 'account.disable';

export interface AuditEvent {
  at: string;
  /** Who: a staff id, or "system". */
  actor: string;
  actorOrganisation?: string;
  action: AuditAction;
  /** What: a case reference, an account id, or a description of a list ("status=new"). */
  target?: string;
  /** The organisations the target belongs to, so each organisation can review its own entries. */
  targetOrganisations?: string[];
  outcome: 'allowed' | 'denied' | 'failed';
  /** From where: an IP address, or "teams". */
  from?: string;
  /** The unit (recipient key) the action concerned, when it concerned one. */
  unit?: string;
  /** The reason the member of staff gave (reading outside their unit), or what a search looked for. */
  reason?: string;
}

export interface AuditEntry extends AuditEvent {
  seq: number;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** The hash of an entry: over the previous hash and the entry's fields in a fixed order. */
export function entryHash(prevHash: string, seq: number, event: AuditEvent): string {
  const fields = [
    seq,
    event.at,
    event.actor,
    event.actorOrganisation ?? '',
    event.action,
    event.target ?? '',
    (event.targetOrganisations ?? []).join(','),
    event.outcome,
    event.from ?? '',
  ];
  // Fields added later are hashed only when present, so entries written before them still verify.
  if (event.unit !== undefined || event.reason !== undefined) fields.push(event.unit ?? '', event.reason ?? '');
  return createHash('sha256').update(prevHash).update('\n').update(JSON.stringify(fields)).digest('hex');
}

/** The first entry (by seq) where the chain is broken, or undefined when it is whole. */
export function verifyChain(entries: readonly AuditEntry[]): { ok: true; entries: number } | { ok: false; brokenAt: number; reason: string } {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const e of entries) {
    if (e.seq !== expectedSeq) return { ok: false, brokenAt: expectedSeq, reason: `entry ${expectedSeq} is missing` };
    if (e.prevHash !== prev) return { ok: false, brokenAt: e.seq, reason: 'it does not follow the entry before it' };
    const { seq, prevHash: _p, hash, ...event } = e;
    if (entryHash(prev, seq, event) !== hash) return { ok: false, brokenAt: e.seq, reason: 'its content was changed' };
    prev = hash;
    expectedSeq += 1;
  }
  return { ok: true, entries: entries.length };
}

export interface AuditLog {
  /** Appends an event; resolves with the chained entry once it is stored. */
  append(event: AuditEvent): Promise<AuditEntry>;
  /** All entries in order. */
  entries(): Promise<AuditEntry[]>;
}
