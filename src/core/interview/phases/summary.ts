/**
 * The summary and changing it. The summary waits for "Det stämmer" (returns consent to share), for
 * "Ändra ett svar" (the edit menu), for the number or the name of an answer ("ändra trygg hemma";
 * returns that question), or for "Visa hela sammanfattningen". The edit menu waits for a number or a
 * name (returns that question) or for "Tillbaka till sammanfattningen". After a change the person
 * gets a short confirmation of that item, not the whole card again (on a phone it is 2,000 px tall).
 */
import { summaryToText } from '../../summary.js';
import { PhraseMatcher } from '../../text/phrase-matcher.js';
import { isButtonOrYesNo } from '../kit.js';
import { itemByName, withoutEditVerb } from '../item-by-name.js';
import { summaryOf } from '../summary-view.js';
import { say, type PhaseModule, type Step, type SubmitData, type Turn } from '../turn.js';

export function showSummary(turn: Turn): void {
  const { texts } = turn.kit;
  turn.state.phase = 'summary';
  const view = summaryOf(turn.context.content, turn.state, turn.kit);
  // The case will say "marked as urgent"; the person is told what is true now: it will be, or it was sent already.
  const { sentNow } = turn.state;
  if (sentNow) view.urgent = texts.t('summary.urgentSent', { reference: sentNow.reference });
  else if (view.urgent) view.urgent = texts.t('summary.urgentToSend');
  const edited = turn.state.editing;
  delete turn.state.editing;
  const item = edited ? view.sections.flatMap((s) => s.items).find((i) => i.questionId === edited) : undefined;
  if (item) {
    turn.replies.push({
      type: 'prompt',
      text: [texts.t('editDone.changed'), texts.t('summary.item', { number: item.number, label: item.label, answer: item.answer }), texts.t('editDone.question')].join('\n'),
      hints: [],
      buttons: [{ label: texts.t('summary.confirm') }, { label: texts.t('summary.edit') }, { label: texts.t('editDone.showAll') }],
    });
    return;
  }
  turn.replies.push({
    type: 'summary',
    intro: texts.t('summary.intro'),
    view,
    plainText: summaryToText(view, texts),
    question: texts.t('summary.question'),
    confirmLabel: texts.t('summary.confirm'),
    editLabel: texts.t('summary.edit'),
    editButtonLabel: texts.t('edit.pickButton'),
  });
}

export function showEditMenu(turn: Turn): void {
  const { texts } = turn.kit;
  turn.state.phase = 'pickEdit';
  turn.replies.push({ type: 'prompt', text: texts.t('edit.pick'), hints: [], buttons: [{ label: texts.t('edit.back') }] });
}

function items(turn: Turn) {
  return summaryOf(turn.context.content, turn.state, turn.kit).sections.flatMap((s) => s.items);
}

/** The question behind an item of the summary, asked again with its earlier answer. */
function editItem(turn: Turn, number: number): Step {
  const all = items(turn);
  const item = all.find((i) => i.number === number);
  if (!item) return invalidNumber(turn, all.length);
  turn.state.history = turn.state.history.filter((id) => id !== item.questionId);
  // Remembered until the summary is shown again: then only this item is confirmed.
  turn.state.editing = item.questionId;
  return { to: 'question', id: item.questionId, quiet: true };
}

function invalidNumber(turn: Turn, max = items(turn).length): undefined {
  say(turn, 'edit.invalid', { max });
  showEditMenu(turn);
  return undefined;
}

/** The summary card's buttons: confirm (summary only), open the edit menu, change one item. */
function onCard(turn: Turn, data: SubmitData): Step | false {
  if (data?.intake === 'confirm' && turn.state.phase === 'summary') return { to: 'sharing' };
  if (data?.intake === 'editMenu') return { to: 'editMenu' };
  if (data?.intake === 'edit') {
    const item = items(turn).find((i) => i.questionId === data.question);
    if (item) return editItem(turn, item.number);
  }
  return false;
}

/**
 * The item named in the text, after an edit verb ("ändra trygg hemma") or (in the edit menu) alone;
 * 'unclear' for a verb with words that name no single item (then the edit menu asks which).
 */
function named(turn: Turn, text: string, verbRequired: boolean): number | 'unclear' | undefined {
  const rest = withoutEditVerb(turn.kit.texts, text);
  const words = rest ?? (verbRequired ? undefined : text);
  if (!words) return undefined;
  const found = itemByName(items(turn), words)?.number;
  return found ?? (rest && turn.kit.recognizer.number(rest) === undefined ? 'unclear' : undefined);
}

export const summary: PhaseModule = {
  onText(turn, text) {
    const { texts, recognizer } = turn.kit;
    if (new PhraseMatcher([texts.t('editDone.showAll')]).matches(text)) return { to: 'summary' };
    const byName = named(turn, text, true);
    if (byName === 'unclear') return { to: 'editMenu' };
    if (byName !== undefined) return editItem(turn, byName);
    const n = recognizer.number(text);
    if (n !== undefined) return editItem(turn, n);
    if (new PhraseMatcher([texts.t('summary.confirm')]).matches(text) || recognizer.yesNo(text) === true) return { to: 'sharing' };
    if (new PhraseMatcher([texts.t('summary.edit'), texts.t('edit.pickButton')]).matches(text) || recognizer.yesNo(text) === false) {
      return { to: 'editMenu' };
    }
    say(turn, 'summary.question');
    showSummary(turn);
    return undefined;
  },
  prompt: showSummary,
  expects: (turn, text) => isButtonOrYesNo(turn.kit, text, ['summary.confirm', 'summary.edit', 'edit.pickButton', 'editDone.showAll']) || named(turn, text, true) !== undefined,
  onSubmit: onCard,
};

export const editMenu: PhaseModule = {
  onText(turn, text) {
    if (new PhraseMatcher([turn.kit.texts.t('edit.back')]).matches(text)) return { to: 'summary' };
    const byName = named(turn, text, false);
    if (byName === 'unclear') return invalidNumber(turn);
    if (byName !== undefined) return editItem(turn, byName);
    const n = turn.kit.recognizer.number(text);
    return n === undefined ? invalidNumber(turn) : editItem(turn, n);
  },
  prompt: showEditMenu,
  expects: (turn, text) => isButtonOrYesNo(turn.kit, text, ['edit.back']) || named(turn, text, false) !== undefined,
  onSubmit: onCard,
};
