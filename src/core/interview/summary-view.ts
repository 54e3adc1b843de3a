/**
 * The summary of an interview state in one locale's words: shown to the person in their language,
 * and built again in Swedish for the case that staff read.
 */
import type { Content } from '../content/load.js';
import { route } from '../routing.js';
import { buildSummary, type SummaryView } from '../summary.js';
import type { LocaleKit } from './kit.js';
import { forOther, whoOf } from './perspective.js';
import type { InterviewState } from './state.js';

export function summaryOf(content: Content, state: InterviewState, kit: LocaleKit): SummaryView {
  return buildSummary(content, kit.views, kit.texts, {
    answers: state.answers,
    skipped: state.skipped,
    urgent: state.urgent,
    routing: route(content, state.answers),
    ...(state.suggestedTopics ? { suggestedTopics: state.suggestedTopics } : {}),
    ...(forOther(content, state) ? { who: whoOf(content, state, kit.texts.locale) } : {}),
  });
}
