/**
 * Questions as the engine asks them in one locale: the structure from data/questions.yaml joined
 * with the wording from locales/<lang>/questions.yaml, and the municipality options from the directory.
 */
import type { Content } from '../content/load.js';
import type { IbicArea, Question, QuestionKind } from '../content/schema.js';
import type { Texts } from '../i18n.js';
import { OUTSIDE_MUNICIPALITY, UNKNOWN_MUNICIPALITY } from '../routing.js';
import type { AnswerValue } from './answers.js';
import { personalize, type Who } from './perspective.js';
import { asLabel } from './own-words.js';
import type { OptionView } from './recognize.js';

// Municipality names are Swedish in every locale, so they are sorted the Swedish way (Å, Ä, Ö last).
const swedishOrder = new Intl.Collator('sv');

export interface QuestionView {
  id: string;
  group: string;
  kind: QuestionKind;
  required: boolean;
  format?: 'personnummer' | 'phone';
  /** Whether a free-text answer is read for suggested topics (data/questions.yaml readTopics). */
  readTopics: boolean;
  text: string;
  textOther?: string;
  label: string;
  /** The summary label when a relative answered, with {{person}} placeholders. */
  labelOther?: string;
  help?: string;
  /** The question in other words, for "vad menar du?" (explainOther: to a relative). */
  explain?: string;
  explainOther?: string;
  /** Asked once on "vet inte" before it is kept ("Vet du ungefär var du bor?"); unsureOther: to a relative. */
  unsure?: string;
  unsureOther?: string;
  options: OptionView[];
  exclusive: string[];
  scale?: { min: number; max: number; low: string; high: string };
  ibic: IbicArea[];
  source: Question;
}

/** Builds every question's view for one locale. */
export function buildQuestionViews(content: Content, locale: string, texts: Texts): Map<string, QuestionView> {
  const l = content.locales[locale]!;
  const views = new Map<string, QuestionView>();
  for (const q of content.bank.questions) {
    const t = l.questions[q.id]!;
    let options: OptionView[] = (q.options ?? []).map((o) => {
      const ot = t.options![o.id]!;
      const unsure = o.unsure ? { unsure: true } : {};
      if (typeof ot === 'string') return { id: o.id, label: ot, accept: [], ...unsure };
      // A relative clicks "Nej, han känner sig ofta ensam": every filled-in form of labelOther is accepted.
      const other = ot.labelOther ? pronounForms(content, locale).map((who) => personalize(ot.labelOther!, who)) : [];
      return {
        id: o.id,
        label: ot.label,
        ...(ot.labelOther ? { labelOther: ot.labelOther } : {}),
        ...(ot.summary ? { summary: ot.summary } : {}),
        accept: [...ot.accept, ...other],
        ...unsure,
      };
    });
    if (q.optionsFrom === 'municipalities') {
      options = content.directory.organisations
        .filter((o) => o.kind === 'municipality')
        .map((o) => ({ id: o.id, label: o.shortName ?? o.name, accept: [o.name, ...(o.scbCode ? [o.scbCode] : [])] }))
        .sort((a, b) => swedishOrder.compare(a.label, b.label));
      // One outside the directory, and not knowing, are two answers (routed as data/routing.yaml noMunicipality says).
      options.push({ id: OUTSIDE_MUNICIPALITY, label: texts.t('question.municipalityOther'), accept: l.phrases.municipalityOther });
      options.push({ id: UNKNOWN_MUNICIPALITY, label: texts.t('question.municipalityUnknown'), accept: l.phrases.municipalityUnknown, unsure: true });
    }
    views.set(q.id, {
      id: q.id,
      group: q.group,
      kind: q.kind,
      required: q.required,
      ...(q.format ? { format: q.format } : {}),
      readTopics: q.readTopics,
      text: t.text,
      ...(t.textOther ? { textOther: t.textOther } : {}),
      label: t.label,
      ...(t.labelOther ? { labelOther: t.labelOther } : {}),
      ...(t.help ? { help: t.help } : {}),
      ...(t.explain ? { explain: t.explain } : {}),
      ...(t.explainOther ? { explainOther: t.explainOther } : {}),
      ...(t.unsure ? { unsure: t.unsure } : {}),
      ...(t.unsureOther ? { unsureOther: t.unsureOther } : {}),
      options,
      exclusive: (q.options ?? []).filter((o) => o.exclusive).map((o) => o.id),
      ...(q.scale ? { scale: { ...q.scale, low: t.scaleLow!, high: t.scaleHigh! } } : {}),
      ibic: [...new Set([...q.ibic])],
      source: q,
    });
  }
  return views;
}

/** Every distinct pronoun of a locale's perspective words, as Who values for filling in labelOther. */
function pronounForms(content: Content, locale: string): Who[] {
  const tree = content.locales[locale]!.texts['perspective'];
  const found = new Map<string, Who>();
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (typeof n['pronoun'] === 'string' && typeof n['Pronoun'] === 'string') found.set(n['pronoun'], n as unknown as Who);
    else Object.values(n).forEach(walk);
  };
  walk(tree);
  return [...found.values()];
}

/**
 * An answer as the person reads it (`inSummary`: in a summary, where an option's `summary` form
 * replaces a label that speaks as the person): option labels, "Ja"/"Nej"/"Vet inte", free text exactly as
 * written, and the person's own words beside a value ("Ja — för det mesta men inte på nätterna").
 * With `who` (a relative answered) an option's labelOther is used: "Nej, han känner sig ofta ensam".
 */
export function displayAnswer(view: QuestionView, answer: AnswerValue, texts: Texts, who?: Who, inSummary = false): string {
  const base = displayValue(view, answer, texts, who, inSummary);
  if (!answer.note) return base;
  // The words stand alone where there is no value of its own ("nja", "Ingen hemtjänst än.").
  return base ? `${base} — ${answer.note}` : asLabel(answer.note);
}

function displayValue(view: QuestionView, answer: AnswerValue, texts: Texts, who: Who | undefined, inSummary: boolean): string {
  const label = (id: string) => {
    const o = view.options.find((x) => x.id === id);
    if (!o) return id;
    // A summary states "Relation: barn", not the button's "Jag är personens barn".
    if (inSummary && o.summary) return asLabel(o.summary);
    return who && o.labelOther ? personalize(o.labelOther, who) : o.label;
  };
  switch (answer.kind) {
    case 'text':
      return answer.text.trim();
    case 'yesno':
      if (answer.value === 'unsure') return answer.note ? '' : texts.t('question.dontKnow');
      return texts.t(answer.value === 'yes' ? 'question.yes' : 'question.no');
    case 'choice':
      return label(answer.option);
    case 'multi':
      // "nej" to "what would you like help with?": none of them, said so (words, if any, follow).
      if (!answer.options.length) return answer.note ? '' : texts.t('question.noneOfThem');
      return answer.options.map(label).join(', ');
    case 'scale': {
      const value = answer.upTo !== undefined ? `${answer.value}–${answer.upTo}` : String(answer.value);
      return view.scale
        ? `${value} (${texts.t('question.scaleHint', { min: view.scale.min, max: view.scale.max, low: view.scale.low, high: view.scale.high })})`
        : value;
    }
  }
}

/** IBIC areas for an answer: the question's own plus those of the chosen options. */
export function ibicFor(view: QuestionView, answer: AnswerValue | undefined): IbicArea[] {
  const areas = new Set<IbicArea>(view.ibic);
  const chosen = answer?.kind === 'choice' ? [answer.option] : answer?.kind === 'multi' ? answer.options : [];
  for (const id of chosen) view.source.options?.find((o) => o.id === id)?.ibic.forEach((a) => areas.add(a));
  return [...areas];
}

/**
 * Whether an answer to the question governs consent or where the case goes (it is required, or an
 * option or a yes points to routing topics): an unsure reading of it is asked about, never assumed.
 */
export function governsRouting(view: QuestionView): boolean {
  return view.required || view.source.consent || (view.source.options ?? []).some((o) => o.topics.length > 0) || view.source.topicsIfYes.length > 0;
}
