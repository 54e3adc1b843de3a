/**
 * What staff can do with cases, the same from the staff page and from Teams: list and search the
 * cases of their units, read one with its conversation and delivery history, read one of another
 * unit of their organisation with a stated reason, work their unit's part (assign, notes, contacts,
 * close, reopen, reclassify the urgency), export it. Every read, search, change and refusal is
 * written to the audit log here, so no channel can forget to.
 */
import { createHmac } from 'node:crypto';
import type { Activity, TranscriptStore } from 'botbuilder';
import type { AuditAction, AuditEntry, AuditEvent, AuditLog } from '../core/audit.js';
import type { CasePage, CaseQuery, CaseSearch } from '../core/case-query.js';
import { REFERENCE_PATTERN, type CaseRecord, type CaseStore } from '../core/cases.js';
import { applyWorkChange, caseForUnits, WorkConflict, type WorkChange } from '../core/case-work.js';
import { caseAsText, type CaseTextTexts } from '../core/case-text.js';
import type { OutboxItem, OutboxStore } from '../core/delivery.js';
import { keyFacts, type KeyFact } from '../core/key-facts.js';
import { caseOrganisations, mayReadCase, mayReadOutsideUnit, sharedUnits, type StaffIdentity } from '../core/staff/access.js';
import { swedishDate } from '../core/swedish-time.js';
import type { Logger } from '../logger.js';
import { CardChoices } from './form-answers.js';
import type { StaffMembers } from './members.js';

/** A refusal or a missing case, with the HTTP status it maps to. */
export class StaffError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    readonly code: 'BadRequest' | 'Forbidden' | 'NotFound' | 'Conflict' | 'OutsideUnit' | 'UnitRequired',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The audit target of a search that found nothing: a marker, not words (the staff page shows it as
 * `audit.noHits` of locales/sv/staff-page.yaml), as "(all)" is for an unfiltered list.
 */
export const NO_HITS = '(none)';

/** A case list's filters; the units are the signed-in member of staff's own, today is today in Sweden. */
export type CaseFilter = Omit<CaseQuery, 'units' | 'today' | 'limit'>;

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
  /** The shared case and the work of the reader's own units only. */
  case: CaseRecord;
  keyFacts: KeyFact[];
  /** The reader's units this case was sent to: where they can work. Empty when read outside one's unit. */
  workUnits: string[];
  /** Read outside the reader's units, with a stated reason. */
  outsideUnit?: boolean;
  /**
   * What the person agreed these units may read: 'conversation' (the summary and the whole
   * conversation) or 'summary' (the summary only; then `transcript` is empty and never read).
   */
  shared: 'summary' | 'conversation';
  transcript: TranscriptLine[];
  deliveries: OutboxItem[];
}

export interface StaffServiceOptions {
  cases: CaseStore;
  transcripts: TranscriptStore;
  outbox: OutboxStore;
  audit: AuditLog;
  logger: Logger;
  members: StaffMembers;
  texts: CaseTextTexts;
  /**
   * Keys the hashes of searched personnummer and phone numbers in the audit log; asked for at the
   * first such search (a data folder nobody searched in keeps no secret file).
   */
  searchSecret: () => Promise<string>;
  now?: () => Date;
}

export class StaffService {
  readonly audit: AuditLog;
  private readonly cases: CaseStore;
  private readonly now: () => Date;

  constructor(private readonly options: StaffServiceOptions) {
    this.audit = options.audit;
    this.cases = options.cases;
    this.now = options.now ?? (() => new Date());
  }

  get members(): StaffMembers {
    return this.options.members;
  }

  /** Today in Sweden: what "overdue" is measured against. */
  today(): string {
    return swedishDate(this.now());
  }

  /** The case as text to paste into a record system (only the reader's units' part is in `record`). */
  asText(record: CaseRecord): string {
    return caseAsText(record, this.today(), this.options.texts);
  }

  keyFacts(record: CaseRecord): KeyFact[] {
    return keyFacts(record, this.options.texts.keyFacts);
  }

  /** Writes one audit entry. `from` is an IP address or "teams". */
  record(staff: StaffIdentity | undefined, from: string, action: AuditAction, outcome: AuditEntry['outcome'], target?: string, targetOrganisations?: string[], extra: Pick<AuditEvent, 'unit' | 'reason'> = {}): Promise<AuditEntry> {
    return this.audit.append({
      at: this.now().toISOString(),
      actor: staff?.id ?? 'anonymous',
      ...(staff ? { actorOrganisation: staff.organisationId } : {}),
      action,
      ...(target ? { target } : {}),
      ...(targetOrganisations ? { targetOrganisations } : {}),
      outcome,
      from,
      ...extra,
    });
  }

  /**
   * How a search is written in the audit log: a name or a reference as typed; a personnummer or a
   * phone number only as a keyed hash (HMAC-SHA256 with a secret kept outside the log), so the log
   * does not hand out the numbers people searched for, yet a reviewer with the number can find the
   * searches for it (searchedFor).
   */
  async describeSearch(search: CaseSearch): Promise<string> {
    if (search.kind === 'name' || search.kind === 'reference') return `${search.kind}: ${search.value}`;
    this.secret ??= this.options.searchSecret();
    const hash = createHmac('sha256', await this.secret).update(`${search.kind}:${search.value}`).digest('hex').slice(0, 32);
    return `${search.kind}: hmac-sha256:${hash}`;
  }

  private secret: Promise<string> | undefined;

  /** What describeSearch wrote for this search (to find searches for a number in the log). */
  searchedFor(search: CaseSearch): Promise<string> {
    return this.describeSearch(search);
  }

  /** The case, if this member of staff may read it as part of their units' work; refusals are audited. */
  private async caseFor(staff: StaffIdentity, reference: string, from: string, action: AuditAction): Promise<CaseRecord> {
    if (!REFERENCE_PATTERN.test(reference)) throw new StaffError(400, 'BadRequest', 'A case reference looks like NV-2026-000123.');
    const found = await this.cases.get(reference);
    if (!found) {
      await this.record(staff, from, action, 'denied', reference);
      throw new StaffError(404, 'NotFound', `There is no case ${reference}.`);
    }
    if (!mayReadCase(staff, found)) {
      await this.record(staff, from, action, 'denied', reference, caseOrganisations(found));
      this.logger.warn({ actor: staff.id, organisation: staff.organisationId, reference, action }, 'staff access outside their units refused');
      if (mayReadOutsideUnit(staff, found)) throw new StaffError(403, 'OutsideUnit', 'This case was sent to another unit of your organisation; you can read it only with a stated reason.');
      throw new StaffError(403, 'Forbidden', 'This case was not sent to your organisation.');
    }
    return found;
  }

  private get logger(): Logger {
    return this.options.logger;
  }

  /** The units' newest (or soonest due) cases matching the filter, at most `limit`, with counts. A search is audited as one. */
  async list(staff: StaffIdentity, filter: CaseFilter, from: string, described: string, limit: number): Promise<CasePage> {
    const page = await this.cases.find({ ...filter, units: staff.units ?? [], today: this.today(), limit });
    if (filter.search) {
      const found = page.cases.map((c) => c.reference);
      await this.record(staff, from, 'case.search', 'allowed', found.length ? found.join(',') : NO_HITS, [staff.organisationId], { reason: await this.describeSearch(filter.search) });
    } else {
      await this.record(staff, from, 'case.list', 'allowed', described, [staff.organisationId]);
    }
    return { ...page, cases: page.cases.map((c) => caseForUnits(c, staff.units ?? [])) };
  }

  private async view(record: CaseRecord, units: string[], extra: Partial<CaseView> = {}): Promise<CaseView> {
    const shared = transcriptAgreed(record, units) ? 'conversation' : 'summary';
    const [activities, deliveries] = await Promise.all([
      // The conversation is not even read from the store where the person agreed to the summary only.
      shared === 'conversation' ? wholeTranscript(this.options.transcripts, record.conversation.channelId, record.conversation.conversationId) : Promise.resolve([]),
      this.options.outbox.forCase(record.reference),
    ]);
    const visible = caseForUnits(record, units);
    return {
      case: visible,
      keyFacts: this.keyFacts(visible),
      workUnits: units,
      shared,
      transcript: transcriptLines(activities),
      deliveries: deliveries.filter((d) => units.includes(d.recipientKey)),
      ...extra,
    };
  }

  /** The case with its whole conversation and the deliveries to the reader's units. */
  async read(staff: StaffIdentity, reference: string, from: string): Promise<CaseView> {
    const found = await this.caseFor(staff, reference, from, 'case.read');
    const units = sharedUnits(staff, found);
    const view = await this.view(found, units);
    await this.record(staff, from, 'case.read', 'allowed', found.reference, caseOrganisations(found));
    if (view.shared === 'conversation') await this.record(staff, from, 'transcript.read', 'allowed', found.reference, caseOrganisations(found));
    return view;
  }

  /**
   * A deliberate read of a case sent to another unit of the reader's own organisation, with the
   * reason they gave: the shared case and the work of those units, read-only. Audited with the
   * reason as "case.read.outside"; another organisation's case stays refused.
   */
  async readOutsideUnit(staff: StaffIdentity, reference: string, reason: string, from: string): Promise<CaseView> {
    if (!REFERENCE_PATTERN.test(reference)) throw new StaffError(400, 'BadRequest', 'A case reference looks like NV-2026-000123.');
    const found = await this.cases.get(reference);
    if (!found) {
      await this.record(staff, from, 'case.read.outside', 'denied', reference, undefined, { reason });
      throw new StaffError(404, 'NotFound', `There is no case ${reference}.`);
    }
    if (mayReadCase(staff, found)) return this.read(staff, reference, from);
    if (!mayReadOutsideUnit(staff, found)) {
      await this.record(staff, from, 'case.read.outside', 'denied', reference, caseOrganisations(found), { reason });
      throw new StaffError(403, 'Forbidden', 'This case was not sent to your organisation.');
    }
    const ownOrganisationUnits = Object.values(found.work).filter((w) => w.organisationId === staff.organisationId).map((w) => w.unit);
    const view = await this.view(found, ownOrganisationUnits, { workUnits: [], outsideUnit: true });
    await this.record(staff, from, 'case.read.outside', 'allowed', found.reference, caseOrganisations(found), { reason });
    if (view.shared === 'conversation') await this.record(staff, from, 'transcript.read', 'allowed', found.reference, caseOrganisations(found), { reason });
    return view;
  }

  /** The reader's unit this change is for: the one given, or the only one of theirs the case went to. */
  private unitFor(staff: StaffIdentity, record: CaseRecord, unit: string | undefined): string {
    const units = sharedUnits(staff, record);
    if (unit) {
      if (!units.includes(unit)) throw new StaffError(403, 'Forbidden', 'You do not work in that unit, or the case was not sent to it.');
      return unit;
    }
    if (units.length === 1) return units[0]!;
    throw new StaffError(400, 'UnitRequired', `The case was sent to several of your units; say which: ${units.join(', ')}.`);
  }

  /**
   * Changes the reader's unit's part of the case, adds the journal line and audits it. A change that
   * the unit's state does not allow (a note on a closed part) is a 409 and changes nothing.
   */
  async work(staff: StaffIdentity, reference: string, unit: string | undefined, change: WorkChange | { kind: 'assignTo'; assigneeId: string }, from: string): Promise<CaseRecord> {
    const action = auditActionOf(change.kind);
    const found = await this.caseFor(staff, reference, from, action);
    let chosen: string;
    try {
      chosen = this.unitFor(staff, found, unit);
    } catch (err) {
      await this.record(staff, from, action, 'denied', reference, caseOrganisations(found), unit ? { unit } : {});
      throw err;
    }
    let resolved: WorkChange;
    if (change.kind === 'assignTo') {
      const member = await this.members.member(staff.organisationId, change.assigneeId);
      if (!member || !member.units.includes(chosen)) {
        await this.record(staff, from, action, 'denied', reference, caseOrganisations(found), { unit: chosen });
        throw new StaffError(400, 'BadRequest', 'That person is not a member of the unit; a case can be given only to a colleague in it.');
      }
      resolved = { kind: 'assign', assignee: { id: member.id, name: member.name } };
    } else if (change.kind === 'reclassify') {
      const recipient = found.recipients.find((r) => r.key === chosen);
      resolved = { ...change, responseDays: recipient?.responseDays ?? 0, createdAt: found.createdAt };
    } else resolved = change;
    const at = this.now().toISOString();
    let updated: CaseRecord | undefined;
    try {
      updated = await this.cases.update(found.reference, (c) => ({ ...c, work: { ...c.work, [chosen]: applyWorkChange(c.work[chosen]!, resolved, staff, at) } }));
    } catch (err) {
      if (err instanceof WorkConflict) throw new StaffError(409, 'Conflict', err.message);
      throw err;
    }
    await this.record(staff, from, action, 'allowed', found.reference, caseOrganisations(found), { unit: chosen });
    return caseForUnits(updated!, sharedUnits(staff, updated!));
  }

  /** The case for export (audited as an export): the reader's units' part only. */
  async export(staff: StaffIdentity, reference: string, from: string): Promise<CaseRecord> {
    const found = await this.caseFor(staff, reference, from, 'case.export');
    await this.record(staff, from, 'case.export', 'allowed', found.reference, caseOrganisations(found));
    return caseForUnits(found, sharedUnits(staff, found));
  }
}

function auditActionOf(kind: WorkChange['kind'] | 'assignTo'): AuditAction {
  switch (kind) {
    case 'assign':
    case 'assignTo':
      return 'case.assign';
    case 'note':
    case 'contact':
      return 'case.note';
    case 'close':
      return 'case.close';
    case 'reopen':
      return 'case.reopen';
    case 'reclassify':
      return 'case.reclassify';
  }
}

/**
 * Whether the person agreed that the whole conversation may be read by these units: only where a
 * recipient among them has `transcript` (cases before issue 18 have none: the summary only).
 */
export function transcriptAgreed(record: CaseRecord, units: readonly string[]): boolean {
  return record.recipients.some((r) => r.consent && r.transcript === true && units.includes(r.key));
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
