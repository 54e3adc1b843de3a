/**
 * Loads the conversation's content from `data/` and `locales/` and checks it: every file against its
 * schema, then the files against each other (every question has texts in every locale, conditions
 * name real questions, every routing topic has a rule). Any problem stops start-up with the file and
 * the field, so a care worker who edited a question sees exactly what to fix.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedValue, parseYamlCached } from './yaml-cache.js';
import { displayPath } from '../display-path.js';
import { normalize } from '../text/normalize.js';
import type { z } from 'zod';
import {
  ROUTING_TOPICS,
  directorySchema,
  emergencyNumbersSchema,
  phrasesSchema,
  questionBankSchema,
  questionTextsSchema,
  riskPatternsSchema,
  routingSchema,
  textsSchema,
  type Condition,
  type Directory,
  type EmergencyNumbers,
  type Phrases,
  type QuestionBank,
  type QuestionTexts,
  type RiskPatterns,
  type RoutingConfig,
  type TextTree,
} from './schema.js';

/** A content file that is missing, unreadable or wrong; the message names the file and the field. */
export class ContentError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    detail: string,
  ) {
    super(`${file}${field ? `: ${field}` : ''}: ${detail}`);
    this.name = 'ContentError';
  }
}

/** Everything one locale provides. */
export interface LocaleContent {
  texts: TextTree;
  questions: QuestionTexts;
  phrases: Phrases;
  risk: RiskPatterns;
}

/** The whole validated content, ready for the engine. */
export interface Content {
  bank: QuestionBank;
  directory: Directory;
  routing: RoutingConfig;
  emergency: EmergencyNumbers;
  locales: Record<string, LocaleContent>;
  defaultLocale: string;
}

export interface ContentPaths {
  dataDir: string;
  localesDir: string;
  defaultLocale: string;
}

function formatPath(p: ReadonlyArray<PropertyKey>): string {
  return p.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

function readYaml(file: string, rootDir: string): unknown {
  const shown = displayPath(file);
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ContentError(shown, '', `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}); check that ${displayPath(rootDir)} is complete`);
  }
  try {
    return parseYamlCached(raw);
  } catch (err) {
    const e = err as { linePos?: Array<{ line: number; col: number }>; message: string };
    const where = e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '';
    throw new ContentError(shown, where, `is not valid YAML: ${e.message.split('\n')[0]}`);
  }
}

/**
 * Reads a YAML file and checks it against a schema; any problem is a ContentError naming the file,
 * the line (for YAML syntax) or the field. Used for every YAML content file, here and elsewhere.
 */
export function parseFile<S extends z.ZodType>(schema: S, file: string, rootDir: string = path.dirname(file)): z.infer<S> {
  const result = schema.safeParse(readYaml(file, rootDir));
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ContentError(displayPath(file), formatPath(issue.path), issue.message);
  }
  return result.data;
}

function conditionAnswers(c: Condition): string[] {
  if ('all' in c) return c.all.flatMap(conditionAnswers);
  if ('any' in c) return c.any.flatMap(conditionAnswers);
  if ('not' in c) return conditionAnswers(c.not);
  return [c.answer];
}

function checkBank(bank: QuestionBank, directory: Directory, file: string): void {
  const ids = bank.questions.map((q) => q.id);
  const seen = new Set<string>();
  bank.questions.forEach((q, i) => {
    if (seen.has(q.id)) throw new ContentError(file, `questions[${i}].id`, `duplicate question id "${q.id}"`);
    seen.add(q.id);
    if (!bank.groups.includes(q.group)) throw new ContentError(file, `questions[${i}].group`, `"${q.group}" is not listed under groups`);
    if (q.askIf) {
      for (const ref of conditionAnswers(q.askIf)) {
        const refIndex = ids.indexOf(ref);
        if (refIndex < 0) throw new ContentError(file, `questions[${i}].askIf`, `refers to unknown question "${ref}"`);
        if (refIndex >= i) throw new ContentError(file, `questions[${i}].askIf`, `refers to "${ref}", which is asked later; a condition can only use earlier answers`);
      }
    }
  });
  const roleChecks: Array<[string, string, string]> = [
    ['respondent', bank.roles.respondent, 'choice'],
    ['municipality', bank.roles.municipality, 'choice'],
  ];
  for (const [role, id, kind] of roleChecks) {
    const q = bank.questions.find((x) => x.id === id);
    if (!q) throw new ContentError(file, `roles.${role}`, `names question "${id}", which does not exist`);
    if (q.kind !== kind || !q.required) throw new ContentError(file, `roles.${role}`, `question "${id}" must be a required ${kind} question`);
  }
  const respondent = bank.questions.find((x) => x.id === bank.roles.respondent)!;
  if (!respondent.options?.some((o) => o.id === bank.roles.respondentOtherOption)) {
    throw new ContentError(file, 'roles.respondentOtherOption', `"${bank.roles.respondentOtherOption}" is not an option of "${respondent.id}"`);
  }
  const municipality = bank.questions.find((x) => x.id === bank.roles.municipality)!;
  if (municipality.optionsFrom !== 'municipalities') {
    throw new ContentError(file, 'roles.municipality', `question "${municipality.id}" must use optionsFrom: municipalities`);
  }
  if (!directory.organisations.some((o) => o.kind === 'municipality')) {
    throw new ContentError('directory', 'organisations', 'no municipality is listed');
  }
}

function checkRouting(routing: RoutingConfig, bank: QuestionBank, directory: Directory, file: string): void {
  const ids = new Set(bank.questions.map((q) => q.id));
  routing.rules.forEach((rule, i) => {
    for (const ref of conditionAnswers(rule.when)) {
      if (!ids.has(ref)) throw new ContentError(file, `rules[${i}].when`, `refers to unknown question "${ref}"`);
    }
  });
  for (const topic of ROUTING_TOPICS) {
    const target = routing.topics[topic];
    if (!target) throw new ContentError(file, `topics.${topic}`, 'every routing topic needs a responsible side and contact');
    const owners = directory.organisations.filter((o) => o.kind === target.responsible);
    const missing = owners.find((o) => !o.contacts.some((c) => c.type === target.contact));
    if (missing) {
      throw new ContentError(file, `topics.${topic}.contact`, `"${target.contact}" is not a contact point of ${missing.name} (${missing.id}) in the directory`);
    }
  }
  for (const [when, target] of Object.entries(routing.noMunicipality)) {
    const org = directory.organisations.find((o) => o.id === target.organisation);
    if (!org) throw new ContentError(file, `noMunicipality.${when}.organisation`, `"${target.organisation}" is not an organisation of the directory`);
    if (!org.contacts.some((c) => c.type === target.contact)) {
      throw new ContentError(file, `noMunicipality.${when}.contact`, `"${target.contact}" is not a contact point of ${org.name} (${org.id}) in the directory`);
    }
  }
  const fallback = directory.organisations.find((o) => o.kind === 'fallback');
  if (!fallback?.contacts.some((c) => c.type === 'samordning')) {
    throw new ContentError('directory', 'organisations', 'the fallback organisation needs a "samordning" contact point (it takes cases when the municipality is unknown)');
  }
}

function checkLocale(locale: string, content: LocaleContent, bank: QuestionBank, localeDir: string): void {
  const file = displayPath(path.join(localeDir, 'questions.yaml'));
  for (const q of bank.questions) {
    const t = content.questions[q.id];
    if (!t) throw new ContentError(file, q.id, `missing: every question in the bank needs its texts in locale "${locale}"`);
    for (const o of q.options ?? []) {
      if (!t.options?.[o.id]) throw new ContentError(file, `${q.id}.options.${o.id}`, `missing label for option "${o.id}"`);
    }
    if (q.kind === 'scale' && (!t.scaleLow || !t.scaleHigh)) {
      throw new ContentError(file, `${q.id}`, 'a scale question needs scaleLow and scaleHigh');
    }
    for (const o of q.options ?? []) {
      const ot = t.options?.[o.id];
      if (o.unsure || !ot || typeof ot === 'string') continue;
      const guess = ot.accept.find((a) => isDontKnow(a, content.phrases.dontKnow));
      if (guess) {
        throw new ContentError(file, `${q.id}.options.${o.id}.accept`, `"${guess}" says the person does not know; kept as this option it would be a guess (mark an honest "vet inte" option unsure: true in data/questions.yaml)`);
      }
    }
  }
  const phrasesFile = displayPath(path.join(localeDir, 'phrases.yaml'));
  const other = content.phrases.municipalityOther.find((a) => isDontKnow(a, content.phrases.dontKnow));
  if (other) throw new ContentError(phrasesFile, 'municipalityOther', `"${other}" says the person does not know: it belongs under municipalityUnknown`);
  const textsFile = displayPath(path.join(localeDir, 'texts.yaml'));
  const groups = content.texts['groups'];
  for (const g of bank.groups) {
    if (typeof groups !== 'object' || typeof groups[g] !== 'string') throw new ContentError(textsFile, `groups.${g}`, 'missing group title');
  }
  const riskFile = displayPath(path.join(localeDir, 'risk.yaml'));
  const lists: Array<[string, string[]]> = [
    ['ignore', content.risk.ignore],
    ['resolved', content.risk.resolved],
    ...Object.entries(content.risk.patterns).map(([category, patterns]): [string, string[]] => [`patterns.${category}`, patterns]),
    ['calm', content.risk.calm],
    ['unsure', content.risk.unsure],
    ['jokes', content.risk.jokes],
    ['negations', content.risk.negations],
    ['others', content.risk.others],
    ['self', content.risk.self],
    ...Object.entries(content.risk.situations).map(([situation, patterns]): [string, string[]] => [`situations.${situation}`, patterns ?? []]),
    ...(['self', 'other'] as const).flatMap((whose) => Object.entries(content.risk.ages[whose]).map(([situation, patterns]): [string, string[]] => [`ages.${whose}.${situation}`, patterns ?? []])),
    ...Object.entries(content.risk.hints).map(([category, patterns]): [string, string[]] => [`hints.${category}`, patterns ?? []]),
  ];
  for (const [name, patterns] of lists) {
    patterns.forEach((p, i) => {
      try {
        new RegExp(p, 'iu');
      } catch (err) {
        throw new ContentError(riskFile, `${name}[${i}]`, `not a valid regular expression: ${(err as Error).message}`);
      }
    });
  }
}

/** Whether a phrase is, or begins with, one of the locale's don't-know phrases ("vet inte om det"). */
function isDontKnow(phrase: string, dontKnow: readonly string[]): boolean {
  const p = ` ${normalize(phrase)} `;
  return dontKnow.some((d) => normalize(d) && p.startsWith(` ${normalize(d)} `));
}


/** Files that hold the YAML of one locale, and the data files, as loadContent reads them. */
const LOCALE_FILES = ['texts.yaml', 'questions.yaml', 'phrases.yaml', 'risk.yaml'] as const;
const DATA_FILES = ['questions.yaml', 'directory.yaml', 'routing.yaml', 'emergency-numbers.yaml'] as const;

/** The locale folders: a folder with texts.yaml (one without it, say training data for a language not translated yet, is not a locale). */
function localeFolders(localesDir: string): string[] {
  return readdirSync(localesDir).filter((n) => statSync(path.join(localesDir, n)).isDirectory() && existsSync(path.join(localesDir, n, 'texts.yaml')));
}

/** What the check of the content depends on besides the files: this folder's code, what it imports, the packages that parse. */
const CHECK_CODE = (() => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const require = createRequire(import.meta.url);
  const code = (dir: string, accept: (name: string) => boolean) =>
    readdirSync(dir)
      .filter((n) => /\.(ts|js)$/u.test(n) && !n.endsWith('.d.ts') && accept(n))
      .sort()
      .map((n) => `${n}\n${readFileSync(path.join(dir, n), 'utf8')}`);
  return () => [
    ...code(here, () => true),
    ...code(path.join(here, '..', 'safety'), (n) => n.startsWith('verdict.')),
    ...['zod', 'yaml'].map((name) => `${name}@${(require(`${name}/package.json`) as { version: string }).version}`),
  ];
})();

/**
 * The key of the checked content: a sha256 of the default locale, every content file's text (named
 * by its place under data/ or its locale folder) and the code that checks it. Undefined when a file cannot be read (the check then says which, as always).
 */
function contentKey(paths: ContentPaths): string | undefined {
  try {
    // Not the folders' paths: the same files checked elsewhere (a container built in one folder and
    // run in another) are the same content.
    const hash = createHash('sha256').update(JSON.stringify(['default locale', paths.defaultLocale]));
    const add = (name: string, text: string) => hash.update(`${name.length} ${name} ${text.length}\n`).update(text);
    for (const part of CHECK_CODE()) add('code', part);
    for (const name of DATA_FILES) add(`data/${name}`, readFileSync(path.join(paths.dataDir, name), 'utf8'));
    for (const locale of localeFolders(paths.localesDir).sort()) {
      for (const name of LOCALE_FILES) add(`${locale}/${name}`, readFileSync(path.join(paths.localesDir, locale, name), 'utf8'));
    }
    return `checked content ${hash.digest('base64url')}`;
  } catch {
    return undefined;
  }
}

/**
 * Loads and checks all content; throws ContentError on the first problem. Content checked before,
 * exactly as it is now, is read back from the cache beside the parsed YAML (yaml-cache.ts).
 */
export function loadContent(paths: ContentPaths): Content {
  const key = contentKey(paths);
  return key ? cachedValue(key, () => checkedContent(paths)) : checkedContent(paths);
}

function checkedContent(paths: ContentPaths): Content {
  const dataFile = (name: string) => path.join(paths.dataDir, name);
  const bank = parseFile(questionBankSchema, dataFile('questions.yaml'), paths.dataDir);
  const directory = parseFile(directorySchema, dataFile('directory.yaml'), paths.dataDir);
  const routing = parseFile(routingSchema, dataFile('routing.yaml'), paths.dataDir);
  const emergency = parseFile(emergencyNumbersSchema, dataFile('emergency-numbers.yaml'), paths.dataDir);
  checkBank(bank, directory, displayPath(dataFile('questions.yaml')));
  checkRouting(routing, bank, directory, displayPath(dataFile('routing.yaml')));

  let localeNames: string[];
  try {
    // A locale is a folder with texts.yaml; a folder without it (say, training data for a language
    // not translated yet) is not a locale. A locale missing any other file stops start-up below.
    localeNames = localeFolders(paths.localesDir);
  } catch (err) {
    throw new ContentError(paths.localesDir, '', `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const locales: Record<string, LocaleContent> = {};
  for (const name of localeNames) {
    const dir = path.join(paths.localesDir, name);
    const content: LocaleContent = {
      texts: parseFile(textsSchema, path.join(dir, 'texts.yaml'), dir),
      questions: parseFile(questionTextsSchema, path.join(dir, 'questions.yaml'), dir),
      phrases: parseFile(phrasesSchema, path.join(dir, 'phrases.yaml'), dir),
      risk: parseFile(riskPatternsSchema, path.join(dir, 'risk.yaml'), dir),
    };
    checkLocale(name, content, bank, dir);
    locales[name] = content;
  }
  if (!locales[paths.defaultLocale]) {
    throw new ContentError(paths.localesDir, '', `the default locale "${paths.defaultLocale}" has no folder (found: ${localeNames.join(', ') || 'none'})`);
  }
  return { bank, directory, routing, emergency, locales, defaultLocale: paths.defaultLocale };
}
