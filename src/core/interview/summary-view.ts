/**
 * The summary of an interview state in one locale's words: shown to the person in their language,
 * and built again in Swedish for the case that staff read.
 */
import type { Content } from '../content/load.js';
import { route } from '../routing.js';
import { buildSummary, type SummaryAudience, type SummaryView } from '../summary.js';
import type { LocaleKit } from './kit.js';
import { forOther, staffWho, whoOf } from './perspective.js';
import type { InterviewState } from './state.js';

/**
 * The summary of the state as the person sees it, or (audience 'staff') as the case holds it. Staff
 * read of the person in the third person ("Personen känner till kontakten: Ja, han vet…"), never "din
 * pappa", which is the relative's own wording.
 */
export function summaryOf(content: Content, state: InterviewState, kit: LocaleKit, audience: SummaryAudience = 'person'): SummaryView {
  const relative = forOther(content, state);
  const who = relative ? (audience === 'staff' ? staffWho(content, state, kit.texts.locale) : whoOf(content, state, kit.texts.locale)) : undefined;
  return buildSummary(content, kit.views, kit.texts, {
    audience,
    answers: state.answers,
    skipped: state.skipped,
    ...(state.skipNotes ? { skipNotes: state.skipNotes } : {}),
    urgent: state.urgent,
    routing: route(content, state.answers),
    ...(state.suggestedTopics ? { suggestedTopics: state.suggestedTopics } : {}),
    ...(who ? { who, relativeHeadings: audience !== 'staff' } : {}),
  });
}
