/**
 * Turns the engine's channel-neutral replies into Bot Framework activities: suggested actions for
 * buttons, Adaptive Cards for the summary and multi-choice lists where the channel renders cards,
 * and plain text (with numbered lists) everywhere else.
 */
import { ActionTypes, ActivityTypes, CardFactory, InputHints, type Activity, type Attachment, type CardAction } from 'botbuilder';
import type { Reply } from '../core/interview/replies.js';
import type { Texts } from '../core/i18n.js';

/** Channels known to render Adaptive Cards. Others get plain text. */
const CARD_CHANNELS = new Set(['msteams', 'webchat', 'directline', 'emulator']);

export function supportsCards(channelId: string): boolean {
  return CARD_CHANNELS.has(channelId);
}

const ADAPTIVE_CARD_VERSION = '1.4';

function suggested(labels: string[]): Activity['suggestedActions'] | undefined {
  if (labels.length === 0) return undefined;
  const actions: CardAction[] = labels.map((label) => ({ type: ActionTypes.ImBack, title: label, value: label }));
  return { actions, to: [] };
}

function message(text: string, extra: Partial<Activity> = {}): Partial<Activity> {
  return { type: ActivityTypes.Message, text, textFormat: 'plain', ...extra };
}

/**
 * The list to tick, phone first: the question once (a heading; the list's own label is the short
 * hint, which screen readers read with each box), each option with its number, so that "skriv
 * numren" can be followed, and wrapped texts, never cut off with an ellipsis.
 */
function multiSelectCard(text: string, hints: string[], select: NonNullable<Extract<Reply, { type: 'prompt' }>['multiSelect']>, hint: string): Attachment {
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: ADAPTIVE_CARD_VERSION,
    fallbackText: text,
    speak: text,
    body: [
      { type: 'TextBlock', text, wrap: true, weight: 'Bolder', style: 'heading' },
      ...hints.map((h) => ({ type: 'TextBlock', text: h, wrap: true, isSubtle: true })),
      {
        type: 'Input.ChoiceSet',
        id: 'value',
        label: hint,
        isMultiSelect: true,
        style: 'expanded',
        wrap: true,
        choices: select.options.map((o, i) => ({ title: numbered(i + 1, o.label), value: o.id })),
      },
    ],
    actions: [{ type: 'Action.Submit', title: select.submitLabel, data: { intake: 'answer', question: select.questionId } }],
  });
}

/**
 * "3. Ekonomi": the number a person types to choose it. A no-break space after the dot, so that the
 * card's markdown does not make each option a list of its own and renumber it "1.".
 */
export function numbered(n: number, label: string): string {
  return `${n}.\u00a0${label}`;
}

function summaryCard(reply: Extract<Reply, { type: 'summary' }>): Attachment {
  const { view } = reply;
  const header = [view.urgent, view.forOther, view.topics, view.recipients, view.sip, view.suggested].filter((x): x is string => Boolean(x));
  const items = view.sections.flatMap((s) => s.items);
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: ADAPTIVE_CARD_VERSION,
    fallbackText: reply.plainText,
    body: [
      { type: 'TextBlock', text: view.title, size: 'Large', weight: 'Bolder', wrap: true, style: 'heading' },
      ...header.map((h, i) => ({ type: 'TextBlock', text: h, wrap: true, color: i === 0 && view.urgent ? 'Attention' : 'Default' })),
      ...view.sections.flatMap((s) => [
        { type: 'TextBlock', text: s.title, weight: 'Bolder', size: 'Medium', wrap: true, separator: true, spacing: 'Medium', style: 'heading' },
        // The number sits in its own column: "12. Namn" in a TextBlock would be read as a markdown
        // list and shown renumbered from 1, but the person picks an answer to change by its number.
        ...s.items.map((item) => ({
          type: 'ColumnSet',
          columns: [
            { type: 'Column', width: 'auto', items: [{ type: 'TextBlock', text: String(item.number), weight: 'Bolder', wrap: false }] },
            {
              type: 'Column',
              width: 'stretch',
              items: [
                { type: 'TextBlock', text: asPlainText(item.label), weight: 'Bolder', wrap: true },
                { type: 'TextBlock', text: asPlainText(item.answer), wrap: true, isSubtle: item.skipped, spacing: 'None' },
                ...(item.ibic.length ? [{ type: 'TextBlock', text: item.ibic.join(' · '), wrap: true, isSubtle: true, size: 'Small', spacing: 'None' }] : []),
              ],
            },
          ],
        })),
      ]),
    ],
    actions: [
      { type: 'Action.Submit', title: reply.confirmLabel, style: 'positive', data: { intake: 'confirm' } },
      {
        type: 'Action.ShowCard',
        title: reply.editLabel,
        card: {
          type: 'AdaptiveCard',
          body: [
            {
              type: 'Input.ChoiceSet',
              id: 'question',
              label: reply.editLabel,
              style: 'compact',
              value: items[0]?.questionId,
              choices: items.map((i) => ({ title: `${i.number}. ${i.label}`, value: i.questionId })),
            },
          ],
          actions: [{ type: 'Action.Submit', title: reply.editButtonLabel, data: { intake: 'edit' } }],
        },
      },
    ],
  });
}

/** Channels whose clients open a markdown link to a tel: address as a call (Web Chat since 4.8, Teams in text messages). */
const TEL_LINK_CHANNELS = new Set(['msteams', 'webchat', 'directline', 'emulator']);

/** "020-50 50 50" -> "tel:020505050": what a phone dials. */
export function telUri(number: string): string {
  return `tel:${number.replace(/[^\d+]/gu, '')}`;
}

/** Characters markdown would read as formatting in our own texts, shown as written. */
function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>#|])/gu, '\\$1');
}

/**
 * The emergency numbers: tappable tel: links in a markdown list on Web Chat and Teams (the number is
 * the link, the label follows), numbered plain text lines elsewhere (SMS, the terminal).
 */
function emergencyMessage(reply: Extract<Reply, { type: 'emergency' }>, channelId: string, texts: Texts): Partial<Activity> {
  const tail = reply.outro ? ['', reply.outro] : [];
  if (!TEL_LINK_CHANNELS.has(channelId)) {
    const lines = reply.numbers.map((n) => texts.t('emergency.line', { number: n.number, label: n.label }));
    return message([reply.intro, '', reply.title, ...lines, ...tail].join('\n'), { importance: 'urgent' });
  }
  const items = reply.numbers.map((n) => `- ${texts.t('emergency.line', { number: `[${escapeMarkdown(n.number)}](${telUri(n.number)})`, label: escapeMarkdown(n.label) })}`);
  const body = [escapeMarkdown(reply.intro), '', escapeMarkdown(reply.title), '', ...items, ...(reply.outro ? ['', escapeMarkdown(reply.outro)] : [])].join('\n');
  return { type: ActivityTypes.Message, text: body, textFormat: 'markdown', importance: 'urgent' };
}

/** The activities for a turn's replies on one channel. */
export function renderReplies(replies: Reply[], channelId: string, texts: Texts): Array<Partial<Activity>> {
  const cards = supportsCards(channelId);
  const out: Array<Partial<Activity>> = [];
  for (const reply of replies) {
    switch (reply.type) {
      case 'text':
        out.push(message(reply.text));
        break;
      case 'link':
        // On a phone a plain address is not tappable in Web Chat: a button opens it.
        if (cards) out.push(message(`${reply.text} ${reply.url}`, { attachments: [CardFactory.heroCard('', undefined, [{ type: ActionTypes.OpenUrl, title: reply.label, value: reply.url }])] }));
        else out.push(message(`${reply.text} ${reply.url}`));
        break;
      case 'emergency':
        out.push(emergencyMessage(reply, channelId, texts));
        break;
      case 'prompt': {
        const buttons = reply.buttons.map((b) => b.label);
        if (reply.multiSelect && cards) {
          out.push(
            message('', {
              attachments: [multiSelectCard(reply.text, reply.hints, reply.multiSelect, texts.t('question.multiHint'))],
              suggestedActions: suggested(buttons),
              inputHint: InputHints.ExpectingInput,
            }),
          );
          break;
        }
        const lines = [reply.text, ...reply.hints];
        if (reply.multiSelect) {
          lines.push(...reply.multiSelect.options.map((o, i) => `${i + 1}. ${o.label}`), texts.t('question.multiHintText'));
        }
        out.push(message(lines.join('\n'), { suggestedActions: suggested(buttons), inputHint: InputHints.ExpectingInput }));
        break;
      }
      case 'summary': {
        const buttons = suggested([reply.confirmLabel, reply.editLabel]);
        out.push(message(reply.intro));
        if (cards) out.push(message(reply.question, { attachments: [summaryCard(reply)], suggestedActions: buttons, inputHint: InputHints.ExpectingInput }));
        else out.push(message(`${reply.plainText}\n\n${reply.question}`, { suggestedActions: buttons, inputHint: InputHints.ExpectingInput }));
        break;
      }
    }
  }
  return out;
}

/**
 * The resident's own words in a card TextBlock, which renders markdown: a line starting like a
 * list ("1. …", "- …") is escaped so it is shown as written, not renumbered or turned into bullets.
 */
export function asPlainText(text: string): string {
  return text.replace(/^(\s*\d+)\.(\s)/gmu, '$1\\.$2').replace(/^(\s*)([-*+])(\s)/gmu, '$1\\$2$3');
}
