/**
 * Questions as the engine asks them in one locale: the structure from data/questions.yaml joined
 * with the wording from locales/<lang>/questions.yaml, and the municipality options from the directory.
 */
import type { Content } from '../content/load.js';
import type { IbicArea, Question, QuestionKind } from '../content/schema.js';
import type { Texts } from '../i18n.js';
import { UNKNOWN_MUNICIPALITY } from '../routing.js';
import type { AnswerValue } from './answers.js';
import { asLabel } from './own-words.js';
import type { OptionView } from './recognize.js';

export interface QuestionView {
  id: string;
  group: string;
  kind: QuestionKind;
  required: boolean;
  format?: 'personnummer' | 'phone';
  text: string;
  textOther?: string;
  label: string;
  help?: string;
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
      return typeof ot === 'string' ? { id: o.id, label: ot, accept: [] } : { id: o.id, label: ot.label, accept: ot.accept };
    });
    if (q.optionsFrom === 'municipalities') {
      options = content.directory.organisations
        .filter((o) => o.kind === 'municipality')
        .map((o) => ({ id: o.id, label: o.shortName ?? o.name, accept: [o.name, ...(o.scbCode ? [o.scbCode] : [])] }));
      options.push({ id: UNKNOWN_MUNICIPALITY, label: texts.t('question.municipalityUnknown'), accept: l.phrases.municipalityUnknown });
    }
    views.set(q.id, {
      id: q.id,
      group: q.group,
      kind: q.kind,
      required: q.required,
      ...(q.format ? { format: q.format } : {}),
      text: t.text,
      ...(t.textOther ? { textOther: t.textOther } : {}),
      label: t.label,
      ...(t.help ? { help: t.help } : {}),
      options,
      exclusive: (q.options ?? []).filter((o) => o.exclusive).map((o) => o.id),
      ...(q.scale ? { scale: { ...q.scale, low: t.scaleLow!, high: t.scaleHigh! } } : {}),
      ibic: [...new Set([...q.ibic])],
      source: q,
    });
  }
  return views;
}

/**
 * An answer as the person reads it: option labels, "Ja"/"Nej"/"Vet inte", free text exactly as
 * written, and the person's own words beside a value ("Ja — för det mesta men inte på nätterna").
 */
export function displayAnswer(view: QuestionView, answer: AnswerValue, texts: Texts): string {
  const base = displayValue(view, answer, texts);
  if (!answer.note) return base;
  // The words stand alone where there is no value of its own ("nja", "Ingen hemtjänst än.").
  return base ? `${base} — ${answer.note}` : asLabel(answer.note);
}

function displayValue(view: QuestionView, answer: AnswerValue, texts: Texts): string {
  const label = (id: string) => view.options.find((o) => o.id === id)?.label ?? id;
  switch (answer.kind) {
    case 'text':
      return answer.text.trim();
    case 'yesno':
      if (answer.value === 'unsure') return answer.note ? '' : texts.t('question.dontKnow');
      return texts.t(answer.value === 'yes' ? 'question.yes' : 'question.no');
    case 'choice':
      return label(answer.option);
    case 'multi':
      return answer.options.map(label).join(', ');
    case 'scale':
      return view.scale
        ? `${answer.value} (${texts.t('question.scaleHint', { min: view.scale.min, max: view.scale.max, low: view.scale.low, high: view.scale.high })})`
        : String(answer.value);
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
  return view.required || (view.source.options ?? []).some((o) => o.topics.length > 0) || view.source.topicsIfYes.length > 0;
}
