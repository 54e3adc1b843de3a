/**
 * What an operator watches, as Prometheus metrics (prom-client), served at GET /metrics (see
 * ./metrics-route.ts for who may read them). Every label has a small fixed set of values chosen here
 * (a channel from a known list, an outcome, a level, a target kind): never a conversation, a case
 * reference, an address, an answer or anything else a resident or a client typed. Each service has
 * its own registry, so several in one process (the tests) do not share counts.
 *
 * docs/operations.md lists each metric with the alert thresholds that go with it.
 */
import { createRequire } from 'node:module';
import type { Middleware, TurnContext } from 'botbuilder';
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AuditEntry, AuditEvent, AuditLog } from '../core/audit.js';
import type { OutboxItem, OutboxStore } from '../core/delivery.js';
import { KNOWN_CHANNELS } from '../bot/inbound-activity.js';

/** Bot Framework's channels named as they are; anything else (refused before the bot anyway) counts as "other". */
export const channelLabel = (channelId: string | undefined): string => (channelId && KNOWN_CHANNELS.has(channelId) ? channelId : 'other');

type TargetKind = OutboxItem['target']['kind'];
const TARGET_KINDS: readonly TargetKind[] = ['email', 'webhook', 'teams', 'handoff'];

/** The registry and the metrics of one service. */
interface Instruments {
  registry: Registry;
  turns: Counter<'channel' | 'outcome'>;
  turnSeconds: Histogram<'channel'>;
  riskAlarms: Counter<'level'>;
  cases: Counter<'urgent'>;
  deliveries: Counter<'target' | 'outcome'>;
  signInFailures: Counter<'reason'>;
  urgentWaiting: Gauge;
  urgentOldestWait: Gauge;
}

export class ServiceMetrics {
  private made: Instruments | undefined;
  private outboxSource: (() => Promise<OutboxItem[]>) | undefined;

  /**
   * prom-client (with the process metrics' @opentelemetry/api, 80 modules, 0.03–0.04 s of a start's
   * CPU) and the metrics are made at their first use, the first turn or scrape, not at start-up: its
   * CommonJS build, so that this stays synchronous. Counts start at 0 then, as they would at start-up.
   */
  private get m(): Instruments {
    return (this.made ??= this.make());
  }

  get registry(): Registry {
    return this.m.registry;
  }

  private make(): Instruments {
    const { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } = createRequire(import.meta.url)('prom-client') as typeof import('prom-client');
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'narvard_' });
    const registers = [registry];
    const m: Instruments = {
      registry,
      turns: new Counter({ name: 'narvard_turns_total', help: 'Activities handled (one turn each), by channel and outcome (ok, or error: the person was told something went wrong)', labelNames: ['channel', 'outcome'], registers }),
      turnSeconds: new Histogram({
        name: 'narvard_turn_duration_seconds',
        help: 'Time from an activity reaching the bot to its turn ending (replies sent, state saved), by channel',
        labelNames: ['channel'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers,
      }),
      riskAlarms: new Counter({ name: 'narvard_risk_alarms_total', help: 'Safety alarms, by level (acute: the emergency numbers were shown; unsure: the person was asked whether anyone is in danger)', labelNames: ['level'], registers }),
      cases: new Counter({ name: 'narvard_cases_created_total', help: 'Cases created (a confirmed summary), by whether they are urgent', labelNames: ['urgent'], registers }),
      deliveries: new Counter({ name: 'narvard_delivery_attempts_total', help: 'Attempts to deliver a case to a contact point, by target kind and outcome (delivered, failed)', labelNames: ['target', 'outcome'], registers }),
      signInFailures: new Counter({ name: 'narvard_staff_signin_failures_total', help: 'Refused staff sign-ins, by reason (password: wrong e-mail or password; locked: tried while locked out; entra: a Microsoft account not on the staff list)', labelNames: ['reason'], registers }),
      urgentWaiting: new Gauge({ name: 'narvard_urgent_cases_waiting', help: 'Urgent cases nobody has taken yet (as of the delivery worker\'s last check, about once a minute)', registers }),
      urgentOldestWait: new Gauge({ name: 'narvard_urgent_case_oldest_wait_seconds', help: 'How long the oldest urgent case nobody has taken has waited (0 when none)', registers }),
    };
    const metrics = this;
    new Gauge({
      name: 'narvard_outbox_items',
      help: 'Deliveries not yet done, by target kind and status (pending: waiting for its next attempt; failing: failed five times or more in a row, still retried)',
      labelNames: ['target', 'status'],
      registers,
      async collect() {
        if (!metrics.outboxSource) return;
        const open = (await metrics.outboxSource()).filter((i) => i.status === 'pending' || i.status === 'failing');
        for (const target of TARGET_KINDS) {
          for (const status of ['pending', 'failing'] as const) this.set({ target, status }, open.filter((i) => i.target.kind === target && i.status === status).length);
        }
      },
    });
    // Every labelled series exists from the start at 0, so a rate() or an alert does not wait for the first event.
    for (const outcome of ['ok', 'error']) m.turns.inc({ channel: 'directline', outcome }, 0);
    for (const level of ['acute', 'unsure']) m.riskAlarms.inc({ level }, 0);
    for (const urgent of ['true', 'false']) m.cases.inc({ urgent }, 0);
    for (const target of TARGET_KINDS) for (const outcome of ['delivered', 'failed']) m.deliveries.inc({ target, outcome }, 0);
    for (const reason of ['password', 'locked', 'entra']) m.signInFailures.inc({ reason }, 0);
    return m;
  }

  /** Where the outbox gauge reads the deliveries not yet done (read on each scrape). */
  watchOutbox(outbox: Pick<OutboxStore, 'undelivered'>): void {
    this.outboxSource = () => outbox.undelivered();
  }

  /** Outermost middleware: counts every turn and times it; a turn that throws counts as an error. */
  turnMiddleware(): Middleware {
    return {
      onTurn: async (context: TurnContext, next: () => Promise<void>) => {
        const channel = channelLabel(context.activity.channelId);
        const end = this.m.turnSeconds.startTimer({ channel });
        let outcome = 'error';
        try {
          await next();
          outcome = 'ok';
        } finally {
          end();
          this.m.turns.inc({ channel, outcome });
        }
      },
    };
  }

  riskAlarm(level: string): void {
    this.m.riskAlarms.inc({ level });
  }

  caseCreated(urgent: boolean): void {
    this.m.cases.inc({ urgent: String(urgent) });
  }

  deliveryAttempt(target: TargetKind, delivered: boolean): void {
    this.m.deliveries.inc({ target, outcome: delivered ? 'delivered' : 'failed' });
  }

  /** From the delivery worker's check of urgent cases: how many wait, and since when the oldest. */
  urgentCasesWaiting(createdAt: readonly string[], now: Date): void {
    this.m.urgentWaiting.set(createdAt.length);
    const oldest = Math.min(...createdAt.map((at) => Date.parse(at)));
    this.m.urgentOldestWait.set(createdAt.length ? Math.max(0, (now.getTime() - oldest) / 1000) : 0);
  }

  /** A refused local sign-in, from the sign-in throttle: a wrong password, or an attempt while locked out. */
  signInRefused(reason: 'password' | 'locked'): void {
    this.m.signInFailures.inc({ reason });
  }

  /**
   * The audit log with refused Microsoft sign-ins counted on the way (someone not on the staff list;
   * src/staff/oidc.ts audits each as "login.failed" by "entra:…"). Local sign-ins are counted by the
   * throttle (signInRefused), which also sees the attempts it does not audit.
   */
  countingSignInFailures(audit: AuditLog): AuditLog {
    return {
      append: (event: AuditEvent): Promise<AuditEntry> => {
        if (event.action === 'login.failed' && event.actor.startsWith('entra:')) this.m.signInFailures.inc({ reason: 'entra' });
        return audit.append(event);
      },
      entries: () => audit.entries(),
    };
  }

  /** The text Prometheus scrapes, and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.m.registry.contentType, body: await this.m.registry.metrics() };
  }
}
