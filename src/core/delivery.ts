/**
 * Delivery of new cases to the contact points that take them: the targets named in the directory
 * (e-mail, webhook, Teams channel), one outbox item per case and target, retried with backoff until
 * delivered. Plain data and rules; the sending itself lives in src/delivery.
 */
import type { CaseRecord } from './cases.js';
import type { Directory } from './content/schema.js';

export type DeliveryTarget =
  | { kind: 'email'; to: string }
  | { kind: 'webhook'; url: string; secretEnv?: string }
  | { kind: 'teams'; channel: string }
  /** A handoff.initiate event in the resident's own conversation, for a live-agent system there. */
  | { kind: 'handoff' };

export type DeliveryStatus =
  /** Waiting for its (next) attempt. */
  | 'pending'
  /** Delivered; never sent again. */
  | 'delivered'
  /** Failed several times in a row: still retried, and shown to staff and in the logs. */
  | 'failing'
  /** Not sent: the directory entry is an example address. */
  | 'skipped';

export interface OutboxItem {
  /** caseReference + recipient + target: the same case never gets two items for one target. */
  id: string;
  caseReference: string;
  /** A new case, or a reminder that an urgent case is still not taken. */
  purpose: 'new' | 'reminder';
  urgent: boolean;
  recipientKey: string;
  organisationId: string;
  target: DeliveryTarget;
  status: DeliveryStatus;
  attempts: number;
  createdAt: string;
  nextAttemptAt: string;
  lastError?: string;
  deliveredAt?: string;
}

/** "email:intag@kil.se", "webhook:https://…", "teams:kil-bistand". */
export function targetKey(target: DeliveryTarget): string {
  switch (target.kind) {
    case 'email':
      return `email:${target.to}`;
    case 'webhook':
      return `webhook:${target.url}`;
    case 'teams':
      return `teams:${target.channel}`;
    case 'handoff':
      return 'handoff';
  }
}

/**
 * The outbox items for a new case: every target of every recipient the person consented to (or, for
 * a reminder, of the units given: those for which the case is still urgent and nobody has started).
 * Example addresses from the shipped directory become "skipped" items, visible to staff.
 */
export function outboxItemsFor(record: CaseRecord, directory: Directory, now: Date, purpose: OutboxItem['purpose'] = 'new', onlyUnits?: readonly string[]): OutboxItem[] {
  const items: OutboxItem[] = [];
  for (const recipient of record.recipients.filter((r) => r.consent && (!onlyUnits || onlyUnits.includes(r.key)))) {
    const org = directory.organisations.find((o) => o.id === recipient.organisationId);
    const contact = org?.contacts.find((c) => c.type === recipient.contactType);
    if (!contact) continue;
    const d = contact.delivery;
    const targets: DeliveryTarget[] = [
      ...[d.email ?? []].flat().map((to): DeliveryTarget => ({ kind: 'email', to })),
      ...(d.webhook ? [{ kind: 'webhook' as const, url: d.webhook, ...(d.webhookSecretEnv ? { secretEnv: d.webhookSecretEnv } : {}) }] : []),
      ...(d.teamsChannel ? [{ kind: 'teams' as const, channel: d.teamsChannel }] : []),
      // A reminder is for staff, not a second handoff in the resident's conversation.
      ...(d.handoff && purpose === 'new' ? [{ kind: 'handoff' as const }] : []),
    ];
    for (const target of targets) {
      items.push({
        id: `${record.reference}|${purpose}|${recipient.key}|${targetKey(target)}`,
        caseReference: record.reference,
        purpose,
        urgent: record.urgent,
        recipientKey: recipient.key,
        organisationId: recipient.organisationId,
        target,
        status: d.example ? 'skipped' : 'pending',
        attempts: 0,
        createdAt: now.toISOString(),
        nextAttemptAt: now.toISOString(),
        ...(d.example ? { lastError: 'example address in data/directory.yaml; replace it with a real one' } : {}),
      });
    }
  }
  return items;
}

export interface BackoffPolicy {
  /** First retry after this many ms; doubles each time. */
  baseMs: number;
  maxMs: number;
  /** From this many failed attempts the item counts as failing. */
  failingAfter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 5_000, maxMs: 15 * 60_000, failingAfter: 5 };

/** When to try again after `attempts` failed attempts. */
export function nextAttempt(attempts: number, now: Date, policy: BackoffPolicy = DEFAULT_BACKOFF): Date {
  const delay = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return new Date(now.getTime() + delay);
}

export interface OutboxStore {
  /** Adds items; an item whose id is already there is left as it is. */
  enqueue(items: OutboxItem[]): Promise<void>;
  /**
   * Items due for an attempt (pending or failing, nextAttemptAt <= now), oldest first. On a store
   * shared by several instances each item is handed to one caller only: it is claimed until the
   * caller saves it, or, if that caller dies, until a lease runs out and another instance may retry.
   */
  due(now: Date, limit: number): Promise<OutboxItem[]>;
  /** Replaces an item after an attempt. */
  save(item: OutboxItem): Promise<void>;
  /** The delivery history of one case. */
  forCase(caseReference: string): Promise<OutboxItem[]>;
  /** Every item (for staff views and tests). */
  all(): Promise<OutboxItem[]>;
  /** The items not yet delivered nor skipped (pending or failing), however many cases are done (for /metrics). */
  undelivered(): Promise<OutboxItem[]>;
}
