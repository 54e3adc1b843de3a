/**
 * The municipality the page suggests, confirmed and never assumed. The widget on Karlstad's page
 * presets Karlstad, but a person from Hagfors may use it, and a daughter in Karlstad often writes
 * about a father elsewhere. So the preset is the suggested answer to the municipality question
 * ("Bor du i Karlstad?" / "Bor din pappa i Karlstad?"), first among the municipalities; "ja" takes
 * it, a municipality named takes that one (with a slip: asked about), "nej" asks the whole list.
 */
import type { Content } from '../content/load.js';
import type { Organisation } from '../content/schema.js';
import { municipalityByCode } from './directory.js';
import { withNote } from './own-words.js';
import { storeAnswer } from './progress.js';
import type { Reply } from './replies.js';
import type { InterviewState } from './state.js';
import type { Turn } from './turn.js';
import type { Who } from './perspective.js';
import type { QuestionView } from './questions.js';
import type { Step } from './turn.js';

/**
 * The municipality suggested for the municipality question while it is unanswered: one the person
 * named in passing before it ("ja hon bor i karlstad" to another question), else the page's.
 */
export function suggestedMunicipality(content: Content, state: InterviewState): Organisation | undefined {
  const id = content.bank.roles.municipality;
  if (state.presetDeclined || state.answers[id]) return undefined;
  if (state.toldMunicipality) return municipalityByCode(content, state.toldMunicipality);
  const preset = state.preset?.[id];
  return preset?.kind === 'choice' ? municipalityByCode(content, preset.option) : undefined;
}

/** The municipality question's municipalities, named by name only (made once per question view). */
const namedMunicipalities = new WeakMap<QuestionView, QuestionView['options']>();
function byName(content: Content, view: QuestionView): QuestionView['options'] {
  let options = namedMunicipalities.get(view);
  if (!options) {
    // By name only: a number in a story ("född 1936") is no municipality code.
    options = view.options.filter((o) => !o.unsure && municipalityByCode(content, o.id)).map((o) => ({ ...o, accept: o.accept.filter((a) => !/^\d+$/u.test(a)) }));
    namedMunicipalities.set(view, options);
  }
  return options;
}

/**
 * Remembers a municipality the person named in an answer to another question, before the
 * municipality question ("Nej han bor i Arvika" to "Känner din pappa till …?"), so that the question
 * asks about it ("Du nämnde Arvika. Bor din pappa i Arvika?") instead of the page's. Only one named
 * and not denied counts ("jag bor i Kil, mamma i Arvika" is two: the question is asked as usual).
 * Never an answer: routing follows only what the person confirms.
 */
export function noteToldMunicipality(turn: Turn, current: QuestionView, text: string): void {
  const { content } = turn.context;
  const id = content.bank.roles.municipality;
  const { state } = turn;
  if (current.id === id || state.answers[id] || state.presetDeclined) return;
  const view = turn.kit.views.get(id);
  const municipalities = view && byName(content, view);
  if (!municipalities?.length) return;
  const named = turn.kit.recognizer.mentions.read(text, municipalities);
  if (named.positive.length === 1) state.toldMunicipality = named.positive[0];
  else if (named.positive.length > 1) delete state.toldMunicipality;
}

/**
 * The municipality question as a confirmation of the page's suggestion: "Bor du i Karlstad?" with
 * "Ja, i Karlstad" first and the other municipalities after it, in order.
 */
export function suggestionPrompt(turn: Turn, view: QuestionView, prompt: Reply, who: Who | undefined): Reply {
  const suggested = suggestedMunicipality(turn.context.content, turn.state);
  if (!suggested || prompt.type !== 'prompt' || view.id !== turn.context.content.bank.roles.municipality) return prompt;
  const { texts } = turn.kit;
  const name = suggested.shortName ?? suggested.name;
  const told = turn.state.toldMunicipality !== undefined;
  const key = told ? (who ? 'municipality.toldOther' : 'municipality.told') : who ? 'municipality.confirmOther' : 'municipality.confirm';
  return {
    ...prompt,
    text: texts.t(key, { name, ...(who ? { person: who.person } : {}) }),
    hints: [...prompt.hints, texts.t('municipality.confirmHint')],
    buttons: [{ label: texts.t('municipality.confirmYes', { name }) }, ...view.options.filter((o) => o.id !== suggested.id).map((o) => ({ label: o.label }))],
  };
}

/**
 * A typed answer to the suggestion: another municipality named -> that one; yes -> the suggested
 * one; no -> the whole list. Undefined: not about the suggestion, read as any answer.
 */
export function readSuggestion(turn: Turn, view: QuestionView, text: string): Step {
  const { content } = turn.context;
  const suggested = suggestedMunicipality(content, turn.state);
  if (!suggested || view.id !== content.bank.roles.municipality) return undefined;
  const { recognizer } = turn.kit;
  // Before yes/no: "nej, i Kil" names Kil, and the numbers shown count from the suggestion.
  const number = recognizer.number(text);
  const shown = [suggested.id, ...view.options.filter((o) => o.id !== suggested.id).map((o) => o.id)];
  const others = view.options.filter((o) => o.id !== suggested.id);
  const other = number === undefined ? recognizer.choice(text, others) : undefined;
  // Another municipality named in a sentence ("hon bor i arvika tror jag") is read as any answer is:
  // its words kept, and asked about when it is hedged (a guess would route the case).
  if (other?.kind === 'match' && recognizer.choice(text, others, false).kind !== 'match') return undefined;
  const yes = number === undefined && other?.kind !== 'match' ? recognizer.yesNo(text) : undefined;
  let chosen: string | undefined;
  if (number !== undefined) chosen = shown[number - 1];
  else if (other?.kind === 'match') chosen = other.id;
  else if (yes === true) chosen = suggested.id;
  else if (yes === false && (chosen = namedAfterNo(turn, text, others))) {
    // "no she lives in Sunne": the no is to the suggestion, not to Sunne.
    turn.state.presetDeclined = true;
  } else if (yes === false) {
    turn.state.presetDeclined = true;
    // "nej arvka": another municipality named with a slip is the person's answer, read as any answer
    // is (asked about: "Menar du Arvika?"), not dropped for the whole list.
    if (recognizer.slipMention(text, others)) return undefined;
    return { to: 'question', id: view.id, quiet: true };
  }
  // "Vet inte" is no municipality: it is asked about once more (phases/asking.ts), never stored here.
  if (!chosen || view.options.find((o) => o.id === chosen)?.unsure) return undefined;
  // Words told at this question before the yes (a story, a "vet inte") go beside the answer.
  storeAnswer(content.bank.questions, turn.state, view.id, withNote({ kind: 'choice', option: chosen }, turn.state.heldNote));
  return { to: 'nextQuestion' };
}

/** The municipality named after a leading no ("nej hon bor i Sunne"), read without the no (which would deny it). */
function namedAfterNo(turn: Turn, text: string, others: QuestionView['options']): string | undefined {
  const first = /^\s*[\p{L}]+[\s,.!:;–-]*/u.exec(text)?.[0];
  if (!first || turn.kit.recognizer.yesNo(first) !== false) return undefined;
  const named = turn.kit.recognizer.choice(text.slice(first.length), others);
  return named.kind === 'match' ? named.id : undefined;
}

/** Whether a text answers the suggestion (a yes or a no), which no recognizer needs to read. */
export function answersSuggestion(turn: Turn, view: QuestionView, text: string): boolean {
  return view.id === turn.context.content.bank.roles.municipality && suggestedMunicipality(turn.context.content, turn.state) !== undefined && turn.kit.recognizer.yesNo(text) !== undefined;
}

/**
 * A state saved before the preset became a suggestion holds the page's municipality as if answered.
 * While the interview is still asking, that answer is taken back so the question is asked (a
 * person from Hagfors on Karlstad's page is no longer routed to Karlstad); at the summary, where the
 * person has seen and can change it, it stays.
 */
export function presetAsSuggestion(content: Content, state: InterviewState): void {
  const id = content.bank.roles.municipality;
  const preset = state.preset?.[id];
  const answer = state.answers[id];
  if (state.phase !== 'asking' || preset?.kind !== 'choice' || answer?.kind !== 'choice') return;
  if (answer.option === preset.option && !state.history.includes(id) && state.current !== id) delete state.answers[id];
}
