/**
 * The key facts staff read first (src/core/key-facts.ts): where the person lives, as they said it.
 * Not knowing and living outside Värmland are different facts (issue 18), each with the person's words.
 */
import path from 'node:path';
import { expect } from 'chai';
import { keyFacts } from '../src/core/key-facts.js';
import { loadStaffTexts } from '../src/delivery/staff-texts.js';
import { caseDraft, KARLSTAD_BISTAND } from './helpers/cases.js';
import { REPO_ROOT } from './helpers/harness.js';

const texts = loadStaffTexts(path.join(REPO_ROOT, 'locales')).keyFacts;

function municipalityFact(option: string, note?: string): string | undefined {
  const record = { ...caseDraft([KARLSTAD_BISTAND]), municipality: null, answers: { municipality: { kind: 'choice' as const, option, ...(note ? { note } : {}) } } };
  return keyFacts(record, texts).find((f) => f.id === 'municipality')?.value;
}

describe('key facts: where the person lives', () => {
  it('says "vet inte" with the words of a relative who does not know', () => {
    const value = municipalityFact('unknown', 'jag vet inte var han bor nu');
    expect(value).to.match(/^vet inte/u);
    expect(value).to.include('jag vet inte var han bor nu');
    expect(value).not.to.include('utanför Värmland');
  });

  it('says a municipality outside Värmland when the person chose "Annan kommun"', () => {
    const value = municipalityFact('outside', 'han bor i Oslo');
    expect(value).to.include('utanför Värmland');
    expect(value).to.include('han bor i Oslo');
    expect(value).not.to.match(/vet inte/u);
  });

  it('names the municipality of the directory when there is one', () => {
    const record = { ...caseDraft([KARLSTAD_BISTAND]), answers: {} };
    expect(keyFacts(record, texts).find((f) => f.id === 'municipality')?.value).to.equal('Karlstads kommun');
  });
});
