/**
 * Drains the outbox: every few seconds it sends what is due, one item at a time, marks it delivered,
 * or schedules the next attempt with backoff. An item that keeps failing becomes "failing": logged
 * as an error once, shown to staff, and still retried. Each unit for which an urgent case is still
 * new (nobody has started it, nobody has judged it not urgent) gets a reminder.
 */
import type { CaseStore } from '../core/cases.js';
import type { Directory } from '../core/content/schema.js';
import { DEFAULT_BACKOFF, nextAttempt, outboxItemsFor, type BackoffPolicy, type OutboxItem, type OutboxStore } from '../core/delivery.js';
import type { Logger } from '../logger.js';
import type { Sender } from './senders.js';

export interface WorkerOptions {
  outbox: OutboxStore;
  cases: CaseStore;
  directory: Directory;
  senders: Record<OutboxItem['target']['kind'], Sender>;
  logger: Logger;
  intervalMs: number;
  /** Urgent cases still "new" after this many minutes get a reminder (0: never). */
  urgentReminderMinutes: number;
  backoff?: BackoffPolicy;
  now?: () => Date;
  /** Told of every delivery attempt, by target kind (for monitoring). */
  onAttempt?: (target: OutboxItem['target']['kind'], delivered: boolean) => void;
  /** Told, about once a minute, when the urgent cases nobody has taken were created (for monitoring). */
  onUrgentWaiting?: (createdAt: string[], now: Date) => void;
}

export class DeliveryWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly now: () => Date;
  private readonly backoff: BackoffPolicy;
  private lastReminderCheck = 0;

  constructor(private readonly options: WorkerOptions) {
    this.now = options.now ?? (() => new Date());
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  /** Replaces the sender for one kind of target (Teams is set up once the adapter exists). */
  setSender(kind: OutboxItem['target']['kind'], sender: Sender): void {
    this.options.senders[kind] = sender;
  }

  /** Puts a new case's deliveries in the outbox and tries them at once. */
  async caseCreated(reference: string): Promise<void> {
    const record = await this.options.cases.get(reference);
    if (!record) return;
    const items = outboxItemsFor(record, this.options.directory, this.now());
    await this.options.outbox.enqueue(items);
    for (const skipped of items.filter((i) => i.status === 'skipped')) {
      this.options.logger.warn({ reference, target: skipped.target.kind, organisation: skipped.organisationId }, 'delivery skipped: the directory has an example address for this contact point');
    }
    void this.runOnce();
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.options.intervalMs);
    this.timer.unref();
    void this.runOnce();
  }

  /** Stops the timer and waits for a round under way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One round: reminders, then every due item. Rounds never overlap. */
  runOnce(): Promise<void> {
    this.running ??= this.round().finally(() => (this.running = undefined));
    return this.running;
  }

  private async round(): Promise<void> {
    try {
      await this.remind();
      for (const item of await this.options.outbox.due(this.now(), 50)) await this.attempt(item);
    } catch (err) {
      this.options.logger.error({ err: { message: (err as Error).message } }, 'delivery round failed; it is tried again');
    }
  }

  private async attempt(item: OutboxItem): Promise<void> {
    const record = await this.options.cases.get(item.caseReference);
    const log = { reference: item.caseReference, target: item.target.kind, organisation: item.organisationId, attempt: item.attempts + 1 };
    if (!record) {
      await this.options.outbox.save({ ...item, status: 'failing', lastError: 'the case no longer exists', nextAttemptAt: nextAttempt(this.backoff.failingAfter, this.now(), this.backoff).toISOString() });
      return;
    }
    try {
      await this.options.senders[item.target.kind].send(item, record);
      await this.options.outbox.save({ ...item, status: 'delivered', attempts: item.attempts + 1, deliveredAt: this.now().toISOString() });
      this.options.onAttempt?.(item.target.kind, true);
      this.options.logger.info(log, 'case delivered');
    } catch (err) {
      this.options.onAttempt?.(item.target.kind, false);
      const attempts = item.attempts + 1;
      const failing = attempts >= this.backoff.failingAfter;
      const message = (err as Error).message;
      await this.options.outbox.save({
        ...item,
        attempts,
        status: failing ? 'failing' : 'pending',
        lastError: message,
        nextAttemptAt: nextAttempt(attempts, this.now(), this.backoff).toISOString(),
      });
      if (failing && item.status !== 'failing') this.options.logger.error({ ...log, error: message }, 'delivery keeps failing; staff see it on the case, and it is still retried');
      else this.options.logger.warn({ ...log, error: message }, 'delivery failed; it is retried');
    }
  }

  private async remind(): Promise<void> {
    const minutes = this.options.urgentReminderMinutes;
    if (!minutes && !this.options.onUrgentWaiting) return;
    // Every twelfth round (a minute at the default interval) is enough for a reminder measured in minutes.
    const now = this.now();
    if (now.getTime() - this.lastReminderCheck < this.options.intervalMs * 12) return;
    this.lastReminderCheck = now.getTime();
    // Every urgent case still new: all of them are counted, those waiting past the cutoff get a reminder.
    const urgent = await this.options.cases.urgentNewBefore(now);
    this.options.onUrgentWaiting?.(urgent.map((r) => r.createdAt), now);
    if (!minutes) return;
    const cutoff = now.getTime() - minutes * 60_000;
    for (const record of urgent.filter((r) => Date.parse(r.createdAt) < cutoff)) {
      // Per unit: a unit that has started the case, or judged it not urgent, gets no reminder.
      const waiting = Object.values(record.work).filter((w) => w.urgent && w.status === 'new').map((w) => w.unit);
      const reminders = outboxItemsFor(record, this.options.directory, this.now(), 'reminder', waiting);
      // enqueue ignores ids already there: each target gets one reminder per case.
      await this.options.outbox.enqueue(reminders);
    }
  }
}
