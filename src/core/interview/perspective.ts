/**
 * The relative's perspective: who the person writes about, in their own words. A daughter who wrote
 * "min pappa" is asked "Bor din pappa i Karlstad?", not about "personen". The words come from
 * locales/<lang>/texts.yaml (perspective.*) and the relatives a person may name from phrases.yaml;
 * nothing here replies or changes the state.
 */
import type { Content } from '../content/load.js';
import type { TextTree } from '../content/schema.js';
import type { Texts } from '../i18n.js';
import { normalize, paddedWords } from '../text/normalize.js';
import type { InterviewState } from './state.js';

/** The words for the person written about, filled into {{person}}, {{Person}}, {{persons}}, {{pronoun}}, {{Pronoun}}. */
export type Who = Record<'person' | 'Person' | 'persons' | 'pronoun' | 'Pronoun', string>;

const WHO_KEYS = ['person', 'Person', 'persons', 'pronoun', 'Pronoun'] as const;

function branch(tree: TextTree | string | undefined, ...path: string[]): TextTree | undefined {
  let node: TextTree | string | undefined = tree;
  for (const key of path) node = typeof node === 'object' && Object.hasOwn(node, key) ? node[key] : undefined;
  return typeof node === 'object' ? node : undefined;
}

function asWho(node: TextTree | undefined): Who | undefined {
  if (!node || !WHO_KEYS.every((k) => typeof node[k] === 'string')) return undefined;
  return Object.fromEntries(WHO_KEYS.map((k) => [k, node[k] as string])) as Who;
}

/** Whether the person answers for someone else (a relative), by the respondent question's answer. */
export function forOther(content: Content, state: InterviewState): boolean {
  const { respondent, respondentOtherOption } = content.bank.roles;
  const a = state.answers[respondent];
  return a?.kind === 'choice' && a.option === respondentOtherOption;
}

/**
 * Who the person writes about, in one locale: the relative they named ("din pappa"), else the
 * relation they chose ("din förälder"), else "personen".
 */
export function whoOf(content: Content, state: InterviewState, locale: string): Who {
  const texts = content.locales[locale]?.texts;
  const relation = state.answers['relation'];
  // The relative named counts while the relation answer still fits it (changed to "Partner": not "din pappa").
  const named = state.relative ? content.locales[locale]?.phrases.relatives[state.relative] : undefined;
  const fits = named !== undefined && (relation === undefined || (relation.kind === 'choice' && relation.option === named.relation));
  return (
    (fits ? asWho(branch(texts, 'perspective', 'named', state.relative!)) : undefined) ??
    (relation?.kind === 'choice' ? asWho(branch(texts, 'perspective', 'relation', relation.option)) : undefined) ??
    asWho(branch(texts, 'perspective', 'unknown')) ?? { person: '', Person: '', persons: '', pronoun: '', Pronoun: '' }
  );
}

/** For staff: "personen" (never "din pappa"), with the pronoun the relative's words give ("han"). */
export function staffWho(content: Content, state: InterviewState, locale: string): Who {
  const unknown = asWho(branch(content.locales[locale]?.texts, 'perspective', 'unknown'));
  const own = whoOf(content, state, locale);
  return unknown ? { ...unknown, pronoun: own.pronoun, Pronoun: own.Pronoun } : own;
}

/**
 * The title of a part of the interview: for a relative "Om dig och din pappa" (texts.yaml
 * groupsOther), else "Om dig" (groups).
 */
export function groupTitle(content: Content, texts: Texts, group: string, who: Who | undefined): string {
  const other = branch(content.locales[texts.locale]?.texts, 'groupsOther');
  return who && typeof other?.[group] === 'string' ? texts.t(`groupsOther.${group}`, { ...who }) : texts.t(`groups.${group}`);
}

/** A text with the {{person}} placeholders filled in; other text is left as it is. */
export function personalize(text: string, who: Who): string {
  return text.replace(/\{\{\s*(person|Person|persons|pronoun|Pronoun)\s*\}\}/gu, (_, key: keyof Who) => who[key]);
}

/**
 * The relative named in a typed text ("jag skriver för min pappa"): the key in phrases.yaml
 * relatives and the relation option it answers; the longest phrase wins ("min mormor" over "mor").
 */
export function relativeNamed(content: Content, locale: string, text: string): { key: string; relation: string } | undefined {
  const relatives = content.locales[locale]?.phrases.relatives ?? {};
  const padded = paddedWords(text);
  const self = normalize(content.locales[locale]?.phrases.iAm ?? 'jag är');
  let best: { key: string; relation: string; length: number } | undefined;
  for (const [key, r] of Object.entries(relatives)) {
    for (const phrase of r.words) {
      const p = normalize(phrase);
      // "jag är pappa" is about the one writing, not the one written about.
      if (p && padded.includes(` ${p} `) && !padded.includes(` ${self} ${p} `) && (!best || p.length > best.length)) best = { key, relation: r.relation, length: p.length };
    }
  }
  return best ? { key: best.key, relation: best.relation } : undefined;
}
