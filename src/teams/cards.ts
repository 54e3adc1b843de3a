/**
 * Adaptive Cards for staff in Teams, version 1.5: Teams renders Action.Execute (Universal Actions,
 * an invoke answered in place) only from 1.5, so every Action.Execute carries an Action.Submit
 * fallback for older clients (its data reaches the bot as a message with a value). The case card
 * (personal chat only) has the key facts first, the reader's units' part, then the summary; the
 * channel notice has no answers and no name; a list of new cases; a conversation. Swedish words and
 * Swedish time throughout.
 */
import type { Attachment } from 'botbuilder';
import { CardFactory } from 'botbuilder';
import type { CaseRecord } from '../core/cases.js';
import type { CasePage } from '../core/case-query.js';
import { isOverdue } from '../core/case-work.js';
import { workStatusText, type WorkTexts } from '../core/case-text.js';
import type { KeyFact } from '../core/key-facts.js';
import { swedishDate, swedishDateTime } from '../core/swedish-time.js';
import type { TranscriptLine } from '../staff/service.js';
import { fill, type TeamsBotTexts } from './bot-texts.js';
import { staffLink, staffNewCasesLink } from '../delivery/senders.js';

export const CARD_VERSION = '1.5';

type Element = Record<string, unknown>;

/** An Action.Execute with the Action.Submit an older client shows instead (same verb and data). */
export function execute(title: string, verb: string, data: Record<string, unknown>): Element {
  return { type: 'Action.Execute', title, verb, data, fallback: { type: 'Action.Submit', title, data: { ...data, verb } } };
}

function card(body: Element[], actions: Element[] = [], fallbackText?: string): Attachment {
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    body,
    ...(actions.length ? { actions } : {}),
    ...(fallbackText ? { fallbackText } : {}),
  });
}

const heading = (text: string, size: 'Large' | 'Medium' = 'Large'): Element => ({ type: 'TextBlock', text, size, weight: 'Bolder', wrap: true, style: 'heading' });
const line = (text: string, extra: Element = {}): Element => ({ type: 'TextBlock', text, wrap: true, ...extra });

/** The case as staff of some of its units see it in a personal chat. */
export function caseCard(record: CaseRecord, facts: KeyFact[], t: TeamsBotTexts, work: WorkTexts, publicUrl: string, today: string): Attachment {
  const body: Element[] = [
    ...(record.urgent ? [line(t.urgent, { weight: 'Bolder', color: 'Attention' })] : []),
    heading(fill(t.card.case, { reference: record.reference })),
    line(fill(t.card.created, { date: swedishDateTime(record.createdAt) }), { isSubtle: true, spacing: 'None' }),
    line(t.card.keyFacts, { weight: 'Bolder', separator: true }),
    { type: 'FactSet', facts: facts.map((f) => ({ title: f.label, value: f.value })) },
  ];
  for (const w of Object.values(record.work)) {
    const unit = record.recipients.find((r) => r.key === w.unit)?.contactName ?? w.unit;
    body.push(
      line(fill(t.card.unit, { unit }), { weight: 'Bolder', separator: true }),
      line(fill(t.card.status, { status: workStatusText(w.status, work) }), { spacing: 'None' }),
      ...(w.assignee ? [line(fill(t.card.takenBy, { name: w.assignee.name }), { spacing: 'None' })] : []),
      line(fill(isOverdue(w, today) ? t.card.overdue : t.card.due, { due: w.due }), { spacing: 'None', ...(isOverdue(w, today) ? { color: 'Attention' } : {}) }),
    );
  }
  body.push(line(t.card.summary, { weight: 'Bolder', separator: true }), line(record.summary.topics ?? ""));
  if (record.sipSuggested) body.push(line(t.card.sip));
  for (const s of record.summary.sections) {
    body.push(line(s.title, { weight: 'Bolder', separator: true }), ...s.items.map((i) => line(`**${i.label}:** ${i.answer}`, { spacing: 'Small' })));
  }
  const open = Object.values(record.work).filter((w) => w.status !== 'closed');
  const actions: Element[] = [
    ...(open.length === 1 && !open[0]!.assignee ? [execute(t.card.take, 'take', { reference: record.reference, unit: open[0]!.unit })] : []),
    execute(t.card.transcript, 'transcript', { reference: record.reference }),
    { type: 'Action.OpenUrl', title: t.card.staffPage, url: staffLink(publicUrl, record.reference) },
  ];
  return card(body, actions, record.summaryText);
}

/**
 * A short notice of a new case for a unit's channel: no answers, no name. Everyone in a channel
 * could read what is posted there without it being audited, so the case itself is opened in a
 * personal chat or on the staff page, which check who is asking and write the audit log.
 */
export function noticeCard(record: CaseRecord, unit: string, t: TeamsBotTexts, publicUrl: string): Attachment {
  return card(
    [
      ...(record.urgent ? [line(t.urgent, { weight: 'Bolder', color: 'Attention' })] : []),
      heading(fill(t.card.newCase, { reference: record.reference })),
      line(fill(t.card.created, { date: swedishDateTime(record.createdAt) }), { isSubtle: true, spacing: 'None' }),
      line(fill(t.card.municipality, { municipality: record.municipality?.name ?? '–' })),
      line(record.summary.topics ?? ""),
      ...(record.sipSuggested ? [line(t.card.sip)] : []),
    ],
    [
      execute(t.card.open, 'open', { reference: record.reference }),
      execute(t.card.take, 'take', { reference: record.reference, unit }),
      { type: 'Action.OpenUrl', title: t.card.staffPage, url: staffLink(publicUrl, record.reference) },
    ],
  );
}

/** The newest new cases, each with a button to open it; the total, and a link to all when they are more. */
export function listCard(page: CasePage, organisation: string, t: TeamsBotTexts, publicUrl: string): Attachment {
  const more = page.total > page.cases.length;
  return card(
    [
      heading(fill(t.listTitle, { organisation, count: String(page.total) }), 'Medium'),
      ...(more ? [line(fill(t.listNewest, { shown: String(page.cases.length), count: String(page.total) }), { isSubtle: true, spacing: 'None' })] : []),
      ...page.cases.map((r) => ({
        type: 'ColumnSet',
        separator: true,
        columns: [
          {
            type: 'Column',
            width: 'stretch',
            items: [line(`${r.urgent ? `${t.urgent} · ` : ''}${r.reference}`, { weight: 'Bolder' }), line(`${r.municipality?.name ?? '–'} · ${swedishDate(r.createdAt)}`, { isSubtle: true, spacing: 'None' })],
          },
          { type: 'Column', width: 'auto', items: [{ type: 'ActionSet', actions: [execute(t.card.open, 'open', { reference: r.reference })] }] },
        ],
      })),
    ],
    more ? [{ type: 'Action.OpenUrl', title: t.card.allNew, url: staffNewCasesLink(publicUrl) }] : [],
  );
}

/** The resident's conversation, as it happened; or, where they agreed to the summary only, that it stays closed. */
export function transcriptCard(reference: string, lines: TranscriptLine[], t: TeamsBotTexts, agreed = true): Attachment {
  return card([
    heading(fill(t.card.transcriptTitle, { reference }), 'Medium'),
    ...(agreed ? [] : [line(t.card.transcriptNotAgreed)]),
    ...lines.map((l) => line(`**${l.from === 'resident' ? t.card.resident : t.card.assistant}:** ${l.text || l.valueText || l.cardText || ''}`, { spacing: 'Small' })),
  ]);
}
