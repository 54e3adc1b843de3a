/**
 * The case an interview becomes: its answers, the routing, the consent per recipient, and the summary
 * in Swedish (staff always read Swedish; free text stays as written).
 */
import type { NewCase } from '../cases.js';
import type { RoutingDecision } from '../routing.js';
import { summaryToText } from '../summary.js';
import { municipalityOf } from './directory.js';
import { summaryOf } from './summary-view.js';
import type { Turn } from './turn.js';

export function caseDraft(turn: Turn, routing: RoutingDecision): NewCase {
  const { state, context, conversation } = turn;
  const { content } = context;
  const staffKit = context.kit(content.defaultLocale);
  const summary = summaryOf(content, state, staffKit, 'staff');
  const org = municipalityOf(content, state.answers);
  const respondent = state.answers[content.bank.roles.respondent];
  return {
    // One case per interview, however often the confirming message is delivered.
    idempotencyKey: `${conversation.channelId}/${conversation.conversationId}/${state.startedAt}`,
    createdAt: context.now().toISOString(),
    locale: state.locale,
    urgent: state.urgent,
    riskCategories: [...state.risk],
    respondent: respondent?.kind === 'choice' && respondent.option === content.bank.roles.respondentOtherOption ? 'other' : 'self',
    municipality: org ? { id: org.id, name: org.name, ...(org.scbCode ? { scbCode: org.scbCode } : {}) } : null,
    topics: routing.topics,
    sipSuggested: routing.sipSuggested,
    suggestedTopics: [...new Set(Object.values(state.suggestedTopics ?? {}).flat())].filter((t) => !routing.topics.includes(t)),
    recipients: routing.recipients.map((r) => {
      const consent = state.consents[r.key] === true;
      return { ...r, consent, transcript: consent && state.transcriptConsents?.[r.key] === true };
    }),
    answers: structuredClone(state.answers),
    summary,
    summaryText: summaryToText(summary, staffKit.texts),
    conversation: { ...conversation },
    ...(state.riskRecord ? { risk: structuredClone(state.riskRecord) } : {}),
  };
}
