/**
 * The ways a case reaches staff: e-mail through SMTP (nodemailer; no personal or health data: the
 * key facts that identify no one come first — urgency, municipality, whether the person or a relative
 * answered, what may be read — then the reference and a link), a signed JSON webhook for case systems
 * (the key facts first in its text), and Teams channels (set up with the staff app). Each sender
 * throws when the attempt failed; the worker retries. None of them carries the person's own copy.
 */
import { createHmac } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import type { Activity, Attachment, ConversationReference } from 'botbuilder';
import type { CaseRecord } from '../core/cases.js';
import { staffSummaryText } from '../core/case-text.js';
import { KEY_FACT_QUESTIONS, keyFacts } from '../core/key-facts.js';
import type { OutboxItem } from '../core/delivery.js';
import { fill, type StaffTexts } from './staff-texts.js';

export interface Sender {
  send(item: OutboxItem, record: CaseRecord): Promise<void>;
}

/** Where staff read a case. */
export function staffLink(publicUrl: string, reference: string): string {
  return `${publicUrl}/staff/#/cases/${encodeURIComponent(reference)}`;
}

/** The staff page's list of the organisation's new cases. */
export function staffNewCasesLink(publicUrl: string): string {
  return `${publicUrl}/staff/#/cases?status=new`;
}

export class EmailSender implements Sender {
  private transport: Promise<Transporter> | undefined;

  constructor(
    private readonly smtpUrl: string | undefined,
    private readonly from: string,
    private readonly publicUrl: string,
    private readonly texts: StaffTexts,
  ) {}

  /** nodemailer is loaded with the first mail, not at start-up (a tenth of a second of loading). */
  private transporter(smtpUrl: string): Promise<Transporter> {
    this.transport ??= import('nodemailer').then((m) => m.default.createTransport(smtpUrl));
    return this.transport;
  }

  async send(item: OutboxItem, record: CaseRecord): Promise<void> {
    if (item.target.kind !== 'email') throw new Error('not an e-mail target');
    if (!this.smtpUrl) throw new Error('no SMTP server is configured (set SMTP_URL)');
    const transport = await this.transporter(this.smtpUrl);
    const t = this.texts.mail;
    const recipient = record.recipients.find((r) => r.key === item.recipientKey);
    const relation = record.answers[KEY_FACT_QUESTIONS.relation];
    const relationText = relation?.kind === 'choice' ? this.texts.keyFacts.relations[relation.option] : undefined;
    const values = {
      reference: record.reference,
      urgent: record.urgent ? t.yes : t.no,
      municipality: record.municipality?.name ?? t.unknownMunicipality,
      // Who answered, without a name: the person, or a relative and how they are related.
      answeredBy: record.respondent === 'other' ? fill(t.answeredByRelative, { relation: relationText ?? this.texts.keyFacts.relations['other_relation'] ?? '' }) : t.answeredBySelf,
      shared: recipient?.transcript === true ? this.texts.keyFacts.shared.conversation : this.texts.keyFacts.shared.summary,
      contact: recipient?.contactName ?? '',
      link: staffLink(this.publicUrl, record.reference),
    };
    const reminder = item.purpose === 'reminder';
    await transport.sendMail({
      from: this.from,
      to: item.target.to,
      subject: fill(reminder ? t.subjectReminder : record.urgent ? t.subjectUrgent : t.subjectNew, values),
      text: fill(reminder ? t.reminder : t.body, values),
      // The same id on a retry lets mail systems recognise a duplicate.
      messageId: `<${Buffer.from(item.id).toString('base64url')}@narvard-intake>`,
      ...(record.urgent ? { priority: 'high' as const } : {}),
    });
  }
}

/**
 * The JSON a case system receives: the case for the recipient it concerns, with the key facts for
 * that recipient (also first in `summaryText`). Never the person's own copy.
 */
export function webhookPayload(item: OutboxItem, record: CaseRecord, texts: Pick<StaffTexts, 'export' | 'keyFacts'>): Record<string, unknown> {
  const recipient = record.recipients.find((r) => r.key === item.recipientKey);
  const units = [item.recipientKey];
  return {
    event: item.purpose === 'reminder' ? 'case.reminder' : 'case.created',
    deliveryId: item.id,
    reference: record.reference,
    createdAt: record.createdAt,
    urgent: record.urgent,
    riskCategories: record.riskCategories,
    respondent: record.respondent,
    municipality: record.municipality,
    recipient: recipient ? { organisationId: recipient.organisationId, contactType: recipient.contactType, contactName: recipient.contactName } : null,
    topics: record.topics,
    suggestedTopics: record.suggestedTopics ?? [],
    sipSuggested: record.sipSuggested,
    keyFacts: keyFacts(record, texts.keyFacts, units),
    summaryText: staffSummaryText(record, texts, units),
    answers: record.answers,
  };
}

/** "sha256=<hex>" over "<timestamp>.<body>", as in the X-Narvard-Signature header. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export class WebhookSender implements Sender {
  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly texts: Pick<StaffTexts, 'export' | 'keyFacts'>,
    private readonly timeoutMs = 10_000,
  ) {}

  async send(item: OutboxItem, record: CaseRecord): Promise<void> {
    if (item.target.kind !== 'webhook') throw new Error('not a webhook target');
    const secretName = item.target.secretEnv;
    const secret = secretName ? this.env[secretName] : undefined;
    if (!secret) throw new Error(`the webhook's signing secret is not set (environment variable ${secretName ?? '(webhookSecretEnv missing in data/directory.yaml)'})`);
    const body = JSON.stringify(webhookPayload(item, record, this.texts));
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = await fetch(item.target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-narvard-timestamp': timestamp,
        'x-narvard-signature': signWebhook(secret, timestamp, body),
        // Receivers can drop a repeat of a delivery they already have.
        'idempotency-key': item.id,
      },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw new Error(`the webhook answered ${response.status}`);
  }
}

/** Teams channels need the staff Teams app in the team; until then such items wait, visibly. */
export class UnavailableSender implements Sender {
  constructor(private readonly reason: string) {}

  async send(): Promise<void> {
    throw new Error(this.reason);
  }
}

/**
 * A short case notice in a Teams channel named in the directory (teamsChannel), proactively through
 * the Bot Framework adapter. The channel must have been registered with "registrera kanal <namn>".
 */
export class TeamsSender implements Sender {
  constructor(
    private readonly channels: { get(name: string): Promise<Partial<ConversationReference> | undefined> },
    private readonly post: (reference: Partial<ConversationReference>, activity: Partial<Activity>) => Promise<void>,
    private readonly notice: (record: CaseRecord, item: OutboxItem) => Attachment,
  ) {}

  async send(item: OutboxItem, record: CaseRecord): Promise<void> {
    if (item.target.kind !== 'teams') throw new Error('not a Teams target');
    const reference = await this.channels.get(item.target.channel);
    if (!reference) throw new Error(`no Teams channel is registered as "${item.target.channel}" (write "registrera kanal ${item.target.channel}" in the channel)`);
    // A new top-level post in the channel (the stored reference names the channel, not a thread).
    await this.post(reference, { type: 'message', attachments: [this.notice(record, item)] });
  }
}

/**
 * A live-agent handoff: the handoff.initiate event (EventFactory) in the resident's own conversation,
 * carrying the case reference, the contact point and the summary, for a live-agent system (such as
 * Omnichannel) connected to that channel. Channels without one ignore the event.
 */
export class HandoffSender implements Sender {
  constructor(private readonly post: (channelId: string, conversationId: string, handoffContext: Record<string, unknown>) => Promise<void>) {}

  async send(item: OutboxItem, record: CaseRecord): Promise<void> {
    if (item.target.kind !== 'handoff') throw new Error('not a handoff target');
    const recipient = record.recipients.find((r) => r.key === item.recipientKey);
    await this.post(record.conversation.channelId, record.conversation.conversationId, {
      caseReference: record.reference,
      urgent: record.urgent,
      contact: recipient ? { organisationId: recipient.organisationId, contactType: recipient.contactType, contactName: recipient.contactName } : null,
      summaryText: record.summaryText,
    });
  }
}
