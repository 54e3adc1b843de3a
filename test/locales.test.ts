/**
 * Every language speaks the whole conversation: each locale has every text, with the same
 * placeholders, as the default (Swedish) one. A missing text would otherwise stop a resident's
 * conversation in the middle, in a language we claimed to support.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { loadContent } from '../src/core/content/load.js';
import { REPO_ROOT } from './helpers/harness.js';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const placeholders = (text: string) => [...new Set([...text.matchAll(/\{\{\s*(\w+)\s*\}\}/gu)].map((m) => m[1]))].sort();
const localesDir = path.join(REPO_ROOT, 'locales');

describe('the locales', () => {
  const content = loadContent({ dataDir: path.join(REPO_ROOT, 'data'), localesDir, defaultLocale: 'sv' });

  it('say every opening-hours phrase of the directory in each language that is not Swedish', () => {
    const phrases = new Set(content.directory.organisations.flatMap((o) => o.contacts.flatMap((c) => (c.hours ? [c.hours] : []))));
    expect(phrases.size).to.be.greaterThan(0);
    for (const locale of Object.keys(content.locales).filter((l) => !l.startsWith('sv'))) {
      const table = (content.locales[locale]!.texts as { directoryHours?: Record<string, string> }).directoryHours ?? {};
      expect([...phrases].filter((p) => !table[p]), `${locale}/texts.yaml directoryHours lacks`).to.deep.equal([]);
    }
  });

  it('are Swedish, English and lättläst svenska', () => {
    expect(Object.keys(content.locales).sort()).to.deep.equal(['en', 'sv', 'sv-lattlast']);
  });

  for (const file of ['texts.yaml', 'widget.yaml']) {
    it(`have every text of sv/${file}, with the same placeholders`, () => {
      const sv = flatten(parse(readFileSync(path.join(localesDir, 'sv', file), 'utf8')) as Tree);
      for (const locale of Object.keys(content.locales).filter((l) => l !== 'sv')) {
        const other = flatten(parse(readFileSync(path.join(localesDir, locale, file), 'utf8')) as Tree);
        const missing = [...sv.keys()].filter((k) => !other.has(k));
        expect(missing, `${locale}/${file} lacks`).to.deep.equal([]);
        // directoryHours: the directory's Swedish hours said in another language (none in Swedish).
        const extra = [...other.keys()].filter((k) => !sv.has(k) && !k.startsWith('directoryHours.'));
        expect(extra, `${locale}/${file} has keys sv does not`).to.deep.equal([]);
        for (const [key, text] of sv) expect(placeholders(other.get(key)!), `${locale}/${file} ${key}`).to.deep.equal(placeholders(text));
      }
    });
  }

  it('state every relation in the summaries\' voice ("barn", not the button "Jag är personens barn"), in every locale', () => {
    const relation = content.bank.questions.find((q) => q.id === 'relation')!;
    for (const [locale, l] of Object.entries(content.locales)) {
      for (const o of relation.options ?? []) {
        const t = l.questions['relation']!.options![o.id]!;
        expect(typeof t === 'object' && t.summary, `${locale}/questions.yaml relation.options.${o.id}.summary`).to.be.a('string');
      }
    }
  });

  it('ask once more on "vet inte" to the municipality, for oneself and for a relative, in every locale', () => {
    for (const [locale, l] of Object.entries(content.locales)) {
      const t = l.questions[content.bank.roles.municipality]!;
      expect(t.unsure, `${locale} unsure`).to.be.a('string');
      expect(t.unsureOther, `${locale} unsureOther`).to.include('{{person}}');
      expect(l.phrases.municipalityOther, `${locale} municipalityOther`).not.to.be.empty;
    }
  });

  it('have the privacy and accessibility pages', () => {
    for (const locale of Object.keys(content.locales)) {
      expect(readdirSync(path.join(localesDir, locale, 'pages')).sort(), locale).to.deep.equal(['integritet.md', 'tillganglighet.md', 'villkor.md']);
    }
  });
});
