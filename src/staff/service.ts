/**
 * What staff can do with cases, the same from the staff page and from Teams: list their
 * organisation's cases, read one with its conversation and delivery history, take it, close it,
 * export it. Every read, change and refusal is written to the audit log here, so no channel can
 * forget to.
 */
import type { Activity, TranscriptStore } from 'botbuilder';
import type { AuditAction, AuditEntry, AuditLog } from '../core/audit.js';
import type { CasePage, CaseQuery } from '../core/case-query.js';
import { REFERENCE_PATTERN, type CaseRecord, type CaseStore } from '../core/cases.js';
import type { OutboxItem, OutboxStore } from '../core/delivery.js';
import { caseOrganisations, mayChangeCase, mayReadCase, type StaffIdentity } from '../core/staff/access.js';
import type { Logger } from '../logger.js';
import { fill, type StaffTexts } from '../delivery/staff-texts.js';
import { CardChoices } from './form-answers.js';

/** A refusal or a missing case, with the HTTP status it maps to. */
export class StaffError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    readonly code: 'BadRequest' | 'Forbidden' | 'NotFound' | 'Conflict',
    message: string,
  ) {
    super(message);
  }
}

/** A case list's filters; the organisation is the signed-in member of staff's own. */
export type CaseFilter = Omit<CaseQuery, 'organisationId' | 'limit'>;

export interface TranscriptLine {
  at: unknown;
  from: 'assistant' | 'resident';
  text: string;
  cardText?: string;
  value?: unknown;
  /** A card's answer in the words the card showed (the options chosen, or the button pressed). */
  valueText?: string;
}

export interface CaseView {
  case: CaseRecord;
  transcript: TranscriptLine[];
  deliveries: OutboxItem[];
}

export class StaffService {
  constructor(
    private readonly cases: CaseStore,
    private readonly transcripts: TranscriptStore,
    private readonly outbox: OutboxStore,
    readonly audit: AuditLog,
    private readonly logger: Logger,
    private readonly exportTexts: StaffTexts['export'],
  ) {}

  /** The case as text to paste into a record system. */
  asText(record: CaseRecord): string {
    return caseAsText(record, this.exportTexts);
  }

  /** Writes one audit entry. `from` is an IP address or "teams". */
  record(staff: StaffIdentity | undefined, from: string, action: AuditAction, outcome: AuditEntry['outcome'], target?: string, targetOrganisations?: string[]): Promise<AuditEntry> {
    return this.audit.append({
      at: new Date().toISOString(),
      actor: staff?.id ?? 'anonymous',
      ...(staff ? { actorOrganisation: staff.organisationId } : {}),
      action,
      ...(target ? { target } : {}),
      ...(targetOrganisations ? { targetOrganisations } : {}),
      outcome,
      from,
    });
  }

  /** The case, if this member of staff may do `action` with it; refusals are audited. */
  private async caseFor(staff: StaffIdentity, reference: string, from: string, action: AuditAction): Promise<CaseRecord> {
    if (!REFERENCE_PATTERN.test(reference)) throw new StaffError(400, 'BadRequest', 'A case reference looks like NV-2026-000123.');
    const found = await this.cases.get(reference);
    if (!found) {
      await this.record(staff, from, action, 'denied', reference);
      throw new StaffError(404, 'NotFound', `There is no case ${reference}.`);
    }
    const allowed = action === 'case.take' || action === 'case.close' ? mayChangeCase(staff, found) : mayReadCase(staff, found);
    if (!allowed) {
      await this.record(staff, from, action, 'denied', reference, caseOrganisations(found));
      this.logger.warn({ actor: staff.id, organisation: staff.organisationId, reference, action }, "staff access to another organisation's case refused");
      throw new StaffError(403, 'Forbidden', 'This case was not sent to your organisation.');
    }
    return found;
  }

  /** The organisation's newest cases matching the filter (at most `limit`), with how many match in all. */
  async list(staff: StaffIdentity, filter: CaseFilter, from: string, described: string, limit: number): Promise<CasePage> {
    const page = await this.cases.find({ ...filter, organisationId: staff.organisationId, limit });
    await this.record(staff, from, 'case.list', 'allowed', described, [staff.organisationId]);
    return page;
  }

  /** The case with its whole conversation and this organisation's deliveries. */
  async read(staff: StaffIdentity, reference: string, from: string): Promise<CaseView> {
    const found = await this.caseFor(staff, reference, from, 'case.read');
    const [activities, deliveries] = await Promise.all([
      wholeTranscript(this.transcripts, found.conversation.channelId, found.conversation.conversationId),
      this.outbox.forCase(found.reference),
    ]);
    await this.record(staff, from, 'case.read', 'allowed', found.reference, caseOrganisations(found));
    await this.record(staff, from, 'transcript.read', 'allowed', found.reference, caseOrganisations(found));
    return {
      case: found,
      transcript: transcriptLines(activities),
      deliveries: deliveries.filter((d) => d.organisationId === staff.organisationId),
    };
  }

  /** Takes or closes the case (with an optional note). */
  async change(staff: StaffIdentity, reference: string, action: 'case.take' | 'case.close', note: string | undefined, from: string): Promise<CaseRecord> {
    const found = await this.caseFor(staff, reference, from, action);
    if (found.status === 'closed') throw new StaffError(409, 'Conflict', 'The case is already closed.');
    const at = new Date().toISOString();
    const updated = await this.cases.update(found.reference, (c) => ({
      ...c,
      status: action === 'case.take' ? 'taken' : 'closed',
      ...(action === 'case.take' ? { takenBy: { id: staff.id, name: staff.name, organisationId: staff.organisationId } } : {}),
      events: [
        ...(c.events ?? []),
        { at, action: action === 'case.take' ? 'taken' : 'closed', by: staff.id, byName: staff.name, organisationId: staff.organisationId, ...(note ? { note } : {}) },
      ],
    }));
    await this.record(staff, from, action, 'allowed', found.reference, caseOrganisations(found));
    return updated!;
  }

  /** The case for export (audited as an export). */
  async export(staff: StaffIdentity, reference: string, from: string): Promise<CaseRecord> {
    const found = await this.caseFor(staff, reference, from, 'case.export');
    await this.record(staff, from, 'case.export', 'allowed', found.reference, caseOrganisations(found));
    return found;
  }
}

/** The messages of a transcript as staff read them; a card's answer also in the words the card showed. */
function transcriptLines(activities: Partial<Activity>[]): TranscriptLine[] {
  const cards = new CardChoices();
  return activities
    .filter((a) => a.type === 'message')
    .map((a) => {
      const fromAssistant = a.from?.role === 'bot';
      // A question sent as a card (a multi-choice list) has its words in the card's fallback text.
      const cardText = (a.attachments ?? []).map((att) => (att.content as { fallbackText?: string } | undefined)?.fallbackText ?? '').filter(Boolean).join('\n');
      if (fromAssistant) for (const att of a.attachments ?? []) cards.learn(att.content);
      const valueText = !fromAssistant && a.value ? cards.describe(a.value) : undefined;
      return {
        at: a.timestamp,
        from: fromAssistant ? 'assistant' : 'resident',
        text: a.text ?? '',
        ...(cardText ? { cardText } : {}),
        ...(a.value ? { value: a.value } : {}),
        ...(valueText ? { valueText } : {}),
      };
    });
}

/** The whole transcript of a conversation (the store pages it). */
async function wholeTranscript(store: TranscriptStore, channelId: string, conversationId: string): Promise<Partial<Activity>[]> {
  const all: Partial<Activity>[] = [];
  let token: string | undefined;
  do {
    const page = await store.getTranscriptActivities(channelId, conversationId, token);
    all.push(...page.items);
    token = page.continuationToken || undefined;
  } while (token);
  return all;
}

/** The case as text to paste into a record system (texts from locales/sv/staff.yaml). */
export function caseAsText(record: CaseRecord, texts: StaffTexts['export']): string {
  const lines = [
    fill(texts.reference, { reference: record.reference }),
    fill(texts.created, { createdAt: record.createdAt }),
    fill(texts.status, { status: record.status }) + (record.takenBy ? fill(texts.takenBy, { name: record.takenBy.name }) : ''),
    '',
    record.summaryText,
  ];
  for (const e of record.events ?? []) lines.push('', fill(texts.event, { at: e.at, action: e.action, name: e.byName }) + (e.note ? fill(texts.note, { note: e.note }) : ''));
  return lines.join('\n');
}
