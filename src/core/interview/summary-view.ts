/**
 * The summary of an interview state in one locale's words: shown to the person in their language,
 * and built again in Swedish for the case that staff read.
 */
import type { Content } from '../content/load.js';
import { route } from '../routing.js';
import { buildSummary, type SummaryAudience, type SummaryView } from '../summary.js';
import type { LocaleKit } from './kit.js';
import type { InterviewState } from './state.js';

/** The summary of the state as the person sees it, or (audience 'staff') as the case holds it. */
export function summaryOf(content: Content, state: InterviewState, kit: LocaleKit, audience: SummaryAudience = 'person'): SummaryView {
  return buildSummary(content, kit.views, kit.texts, {
    audience,
    answers: state.answers,
    skipped: state.skipped,
    urgent: state.urgent,
    routing: route(content, state.answers),
    ...(state.suggestedTopics ? { suggestedTopics: state.suggestedTopics } : {}),
  });
}
