/**
 * Adaptive Cards for staff in Teams: a case (reference, urgency, municipality, topics, SIP
 * suggestion, the summary) with buttons that act through Action.Execute (an invoke, so the card is
 * replaced in place), a list of new cases, and a conversation.
 */
import type { Attachment } from 'botbuilder';
import { CardFactory } from 'botbuilder';
import type { CaseRecord } from '../core/cases.js';
import type { CasePage } from '../core/case-query.js';
import type { TranscriptLine } from '../staff/service.js';
import { fill, type TeamsBotTexts } from './bot-texts.js';
import { staffLink, staffNewCasesLink } from '../delivery/senders.js';

const VERSION = '1.4';

type Element = Record<string, unknown>;

function statusText(record: CaseRecord, t: TeamsBotTexts): string {
  const status =
    record.status === 'new' ? t.card.statusNew : record.status === 'taken' ? fill(t.card.statusTaken, { name: record.takenBy?.name ?? '' }) : t.card.statusClosed;
  return fill(t.card.status, { status });
}

/** The case as staff see it in Teams. */
export function caseCard(record: CaseRecord, t: TeamsBotTexts, publicUrl: string): Attachment {
  const facts: Element[] = [
    ...(record.urgent ? [{ type: 'TextBlock', text: t.urgent, weight: 'Bolder', color: 'Attention', wrap: true }] : []),
    { type: 'TextBlock', text: fill(t.card.newCase, { reference: record.reference }), size: 'Large', weight: 'Bolder', wrap: true, style: 'heading' },
    { type: 'TextBlock', text: fill(t.card.created, { date: record.createdAt.slice(0, 16).replace('T', ' ') }), isSubtle: true, spacing: 'None', wrap: true },
    { type: 'TextBlock', text: fill(t.card.municipality, { municipality: record.municipality?.name ?? '–' }), wrap: true },
    { type: 'TextBlock', text: record.summary.topics, wrap: true },
    ...(record.sipSuggested ? [{ type: 'TextBlock', text: t.card.sip, wrap: true }] : []),
    { type: 'TextBlock', text: statusText(record, t), wrap: true, weight: 'Bolder' },
  ];
  const summary: Element[] = record.summary.sections.flatMap((s) => [
    { type: 'TextBlock', text: s.title, weight: 'Bolder', separator: true, wrap: true },
    ...s.items.map((i) => ({ type: 'TextBlock', text: `**${i.label}:** ${i.answer}`, wrap: true, spacing: 'Small' })),
  ]);
  const actions: Element[] = [
    ...(record.status === 'new' ? [{ type: 'Action.Execute', title: t.card.take, verb: 'take', data: { reference: record.reference } }] : []),
    { type: 'Action.Execute', title: t.card.transcript, verb: 'transcript', data: { reference: record.reference } },
    { type: 'Action.OpenUrl', title: t.card.staffPage, url: staffLink(publicUrl, record.reference) },
  ];
  return CardFactory.adaptiveCard({ type: 'AdaptiveCard', version: VERSION, body: [...facts, ...summary], actions, fallbackText: record.summaryText });
}

/**
 * A short notice of a new case for a channel: no answers. Everyone in a channel could read a summary
 * posted there without it being audited, so the summary and the conversation come with the buttons,
 * which check who is asking and write the audit log.
 */
export function noticeCard(record: CaseRecord, t: TeamsBotTexts, publicUrl: string): Attachment {
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    version: VERSION,
    body: [
      ...(record.urgent ? [{ type: 'TextBlock', text: t.urgent, weight: 'Bolder', color: 'Attention', wrap: true }] : []),
      { type: 'TextBlock', text: fill(t.card.newCase, { reference: record.reference }), size: 'Large', weight: 'Bolder', wrap: true, style: 'heading' },
      { type: 'TextBlock', text: fill(t.card.municipality, { municipality: record.municipality?.name ?? '–' }), wrap: true },
      { type: 'TextBlock', text: record.summary.topics, wrap: true },
      ...(record.sipSuggested ? [{ type: 'TextBlock', text: t.card.sip, wrap: true }] : []),
    ],
    actions: [
      { type: 'Action.Execute', title: t.card.open, verb: 'open', data: { reference: record.reference } },
      { type: 'Action.Execute', title: t.card.take, verb: 'take', data: { reference: record.reference } },
      { type: 'Action.Execute', title: t.card.transcript, verb: 'transcript', data: { reference: record.reference } },
      { type: 'Action.OpenUrl', title: t.card.staffPage, url: staffLink(publicUrl, record.reference) },
    ],
  });
}

/** The newest new cases, each with a button to open it; the total, and a link to all when they are more. */
export function listCard(page: CasePage, organisation: string, t: TeamsBotTexts, publicUrl: string): Attachment {
  const more = page.total > page.cases.length;
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    version: VERSION,
    body: [
      { type: 'TextBlock', text: fill(t.listTitle, { organisation, count: String(page.total) }), size: 'Medium', weight: 'Bolder', wrap: true, style: 'heading' },
      ...(more ? [{ type: 'TextBlock', text: fill(t.listNewest, { shown: String(page.cases.length), count: String(page.total) }), isSubtle: true, spacing: 'None', wrap: true }] : []),
      ...page.cases.map((r) => ({
        type: 'ColumnSet',
        separator: true,
        columns: [
          {
            type: 'Column',
            width: 'stretch',
            items: [
              { type: 'TextBlock', text: `${r.urgent ? `${t.urgent} · ` : ''}${r.reference}`, weight: 'Bolder', wrap: true },
              { type: 'TextBlock', text: `${r.municipality?.name ?? '–'} · ${r.createdAt.slice(0, 10)}`, isSubtle: true, spacing: 'None', wrap: true },
            ],
          },
          { type: 'Column', width: 'auto', items: [{ type: 'ActionSet', actions: [{ type: 'Action.Execute', title: t.card.open, verb: 'open', data: { reference: r.reference } }] }] },
        ],
      })),
    ],
    ...(more ? { actions: [{ type: 'Action.OpenUrl', title: t.card.allNew, url: staffNewCasesLink(publicUrl) }] } : {}),
  });
}

/** The resident's conversation, as it happened. */
export function transcriptCard(reference: string, lines: TranscriptLine[], t: TeamsBotTexts): Attachment {
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    version: VERSION,
    body: [
      { type: 'TextBlock', text: fill(t.card.transcriptTitle, { reference }), size: 'Medium', weight: 'Bolder', wrap: true, style: 'heading' },
      ...lines.map((l) => ({ type: 'TextBlock', text: `**${l.from === 'resident' ? t.card.resident : t.card.assistant}:** ${l.text}`, wrap: true, spacing: 'Small' })),
    ],
  });
}
