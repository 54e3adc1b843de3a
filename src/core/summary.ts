/**
 * The person-centred summary, built deterministically from the answers (no generated prose), in two
 * versions. The person's own: their answers grouped like the conversation, in plain words, with who
 * is proposed to get it; no IBIC life areas and no routing topics (those are staff's words, and a
 * "Elevhälsa" or "LSS" shown to a 78-year-old reads as a mistake about them). The staff's: third
 * person headings, every item tagged with its IBIC life areas, the routing topics, the recipients, the
 * SIP suggestion and the recognizer's suggested topics on top (the key facts come first where staff
 * read it: src/core/key-facts.ts).
 */
import type { RoutingTopic } from './content/schema.js';
import type { Content } from './content/load.js';
import type { Texts } from './i18n.js';
import type { Answers } from './interview/answers.js';
import { displayAnswer, ibicFor, type QuestionView } from './interview/questions.js';
import { groupTitle, personalize, type Who } from './interview/perspective.js';
import { isApplicable, type RoutingDecision } from './routing.js';

export interface SummaryItem {
  /** Number shown to the person, used to pick an answer to change. */
  number: number;
  questionId: string;
  label: string;
  answer: string;
  skipped: boolean;
  ibic: string[];
}

export interface SummaryView {
  title: string;
  forOther?: string;
  urgent?: string;
  /** The routing topics: only in the staff's summary. */
  topics?: string;
  recipients: string;
  sip?: string;
  /** Topics the recognizer suggested from free text: shown to the person and to staff, never routed on. */
  suggested?: string;
  sections: Array<{ title: string; items: SummaryItem[] }>;
}

/** Who reads the summary: the person in the conversation, or staff (the case). */
export type SummaryAudience = 'person' | 'staff';

export interface SummaryInput {
  answers: Answers;
  skipped: readonly string[];
  /** The person's words said with a skip, per skipped question: shown beside "hoppade över". */
  skipNotes?: Readonly<Record<string, string>>;
  urgent: boolean;
  routing: RoutingDecision;
  /** Topics the recognizer suggested, per free-text answer. */
  suggestedTopics?: Record<string, readonly RoutingTopic[]>;
  /** When a relative answered: who they wrote about, for labels and options ("Nej, han känner sig ofta ensam"). */
  who?: Who;
  /** Part titles for a relative ("Om dig och din pappa"); left out in the staff's summary. */
  relativeHeadings?: boolean;
  /** 'person' unless said: the version without IBIC areas and topics. */
  audience?: SummaryAudience;
}

/** The summary of the answers for the person (plain words) or for staff (IBIC areas, topics, third person). */
export function buildSummary(content: Content, views: Map<string, QuestionView>, texts: Texts, input: SummaryInput): SummaryView {
  const { answers, skipped, routing } = input;
  const staff = input.audience === 'staff';
  // Suggestions already covered by the routing say nothing new.
  const suggested = [...new Set(Object.values(input.suggestedTopics ?? {}).flat())].filter((t) => !routing.topics.includes(t));
  let number = 0;
  const sections: SummaryView['sections'] = [];
  for (const group of content.bank.groups) {
    const items: SummaryItem[] = [];
    for (const q of content.bank.questions) {
      if (q.group !== group || !isApplicable(q, answers)) continue;
      const answer = answers[q.id];
      if (!answer && !skipped.includes(q.id)) continue;
      const view = views.get(q.id)!;
      items.push({
        number: ++number,
        questionId: q.id,
        label: input.who && view.labelOther ? personalize(view.labelOther, input.who) : view.label,
        answer: answer ? displayAnswer(view, answer, texts, input.who, true) : skippedAnswer(texts, input.skipNotes?.[q.id]),
        skipped: !answer,
        ibic: staff ? ibicFor(view, answer).map((a) => texts.t(`ibic.${a}`)) : [],
      });
    }
    if (items.length) sections.push({ title: staff ? texts.t(`staffSummary.groups.${group}`) : groupTitle(content, texts, group, input.relativeHeadings ? input.who : undefined), items });
  }
  const respondent = answers[content.bank.roles.respondent];
  const relation = answers['relation'];
  const forOther =
    respondent?.kind === 'choice' && respondent.option === content.bank.roles.respondentOtherOption
      ? texts.t('summary.forOther', { relation: relation ? relationWords(views.get('relation')!, relation, texts, input.who) : texts.t('summary.empty') })
      : undefined;
  return {
    title: texts.t('summary.title'),
    ...(forOther ? { forOther } : {}),
    ...(input.urgent ? { urgent: texts.t('summary.urgent') } : {}),
    ...(staff ? { topics: texts.t('summary.topics', { topics: routing.topics.map((t) => texts.t(`topics.${t}`)).join(', ') }) } : {}),
    recipients: texts.t(staff ? 'summary.recipients' : 'personSummary.recipients', { recipients: routing.recipients.map((r) => r.contactName).join('; ') }),
    ...(routing.sipSuggested ? { sip: texts.t(staff ? 'staffSummary.sip' : 'summary.sip') } : {}),
    ...(staff && suggested.length ? { suggested: texts.t('summary.suggested', { topics: suggested.map((t) => texts.t(`topics.${t}`)).join(', ') }) } : {}),
    sections,
  };
}

/** The relation inside a sentence ("… en närstående: barn."): the option's summary form as written. */
function relationWords(view: QuestionView, answer: Answers[string], texts: Texts, who: Who | undefined): string {
  const form = answer.kind === 'choice' ? view.options.find((o) => o.id === answer.option)?.summary : undefined;
  return form ?? displayAnswer(view, answer, texts, who, true);
}

/** A skipped question as the summary shows it: "(hoppade över)", with the words said with the skip beside it. */
function skippedAnswer(texts: Texts, words: string | undefined): string {
  const skipped = texts.t('summary.skipped');
  return words ? `${skipped} — ${words}` : skipped;
}

/** The summary as plain text: the fallback for channels without cards, and for staff e-mail or records. */
export function summaryToText(view: SummaryView, texts: Texts): string {
  const lines = [view.title];
  if (view.urgent) lines.push(view.urgent);
  if (view.forOther) lines.push(view.forOther);
  if (view.topics) lines.push(view.topics);
  lines.push(view.recipients);
  if (view.sip) lines.push(view.sip);
  if (view.suggested) lines.push(view.suggested);
  for (const s of view.sections) {
    lines.push('', s.title.toUpperCase());
    for (const item of s.items) {
      lines.push(texts.t('summary.item', { number: item.number, label: item.label, answer: item.answer }));
      if (item.ibic.length) lines.push(`   ${texts.t('summary.ibicTitle', { areas: item.ibic.join(', ') })}`);
    }
  }
  return lines.join('\n');
}
