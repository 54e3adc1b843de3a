/**
 * Answers that mean more than the question's own reading: "min pappa" to "Svarar du för dig själv
 * eller för någon annan?" answers that question and the relation too; "ja" to "Bor du i Karlstad?"
 * takes the page's suggestion. Each returns where the conversation goes, or undefined to read the
 * text as any answer (read-answer.ts).
 */
import { forOther, relativeNamed } from './perspective.js';
import { readSuggestion } from './preset-municipality.js';
import { storeAnswer } from './progress.js';
import type { QuestionView } from './questions.js';
import type { Step, Turn } from './turn.js';

/** The answer read with what the interview knows around it, or undefined. */
export function readInContext(turn: Turn, view: QuestionView, text: string): Step {
  return readSuggestion(turn, view, text) ?? readRelative(turn, view, text);
}

/**
 * A relative named where we ask who answers or how they are related ("min pappa", "jag skriver för
 * mamma"): both answers are kept, with the word they used, and the relation is not asked again.
 */
function readRelative(turn: Turn, view: QuestionView, text: string): Step {
  const { content } = turn.context;
  const { respondent, respondentOtherOption } = content.bank.roles;
  if (view.id !== respondent && view.id !== 'relation') return undefined;
  if (view.id === 'relation' && !forOther(content, turn.state)) return undefined;
  const named = relativeNamed(content, turn.state.locale, text);
  // "kanske för min mamma" is unsure: the question's own reading asks "Menar du att …?" first.
  if (!named || turn.kit.recognizer.isHedged(text)) return undefined;
  // "jag är hans dotter" read by the relation question itself wins over a word in it.
  if (view.id === 'relation') {
    const own = turn.kit.recognizer.choice(text, view.options);
    if (own.kind === 'match' && own.id !== named.relation) return undefined;
  }
  const { questions } = content.bank;
  if (view.id === respondent) storeAnswer(questions, turn.state, respondent, { kind: 'choice', option: respondentOtherOption });
  const relation = questions.find((q) => q.id === 'relation');
  if (relation?.options?.some((o) => o.id === named.relation)) storeAnswer(questions, turn.state, 'relation', { kind: 'choice', option: named.relation });
  turn.state.relative = named.key;
  return { to: 'nextQuestion' };
}
