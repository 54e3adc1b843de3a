/** Typed Swedish answers: yes/no variants, options by number, text or a small slip, several at once. */
import { expect } from 'chai';
import { AnswerRecognizer, type OptionView } from '../src/core/interview/recognize.js';
import { checkPersonnummer, checkPhone } from '../src/core/validation.js';
import { RiskDetector } from '../src/core/risk.js';
import { repoContent } from './helpers/content.js';

describe('Swedish answer recognition', () => {
  const sv = repoContent().locales['sv']!;
  const r = new AnswerRecognizer(sv.phrases);
  const options: OptionView[] = [
    { id: 'fine', label: 'Det går bra', accept: ['bra'] },
    { id: 'hard', label: 'Det går inte så bra', accept: ['inte så bra', 'dåligt'] },
    { id: 'karlstad', label: 'Karlstad', accept: ['Karlstads kommun', '1780'] },
  ];

  it('knows yes and no in everyday forms', () => {
    for (const y of ['ja', 'Ja!', 'japp', 'jo', 'javisst', 'ja tack', 'Absolut', 'jo, det gör jag ibland']) expect(r.yesNo(y), y).to.equal(true);
    for (const n of ['nej', 'Nä', 'nää', 'nej tack', 'nix', 'inte alls', 'nej, det har jag inte']) expect(r.yesNo(n), n).to.equal(false);
    for (const u of ['kanske', 'vet inte', '']) expect(r.yesNo(u), u).to.equal(undefined);
  });

  it('picks an option by number, number word, text, accepted word or a small slip', () => {
    expect(r.choice('2', options)).to.deep.equal({ kind: 'match', id: 'hard' });
    expect(r.choice('tre', options)).to.deep.equal({ kind: 'match', id: 'karlstad' });
    expect(r.choice('det går bra', options)).to.deep.equal({ kind: 'match', id: 'fine' });
    expect(r.choice('dåligt', options)).to.deep.equal({ kind: 'match', id: 'hard' });
    expect(r.choice('karlstd', options)).to.deep.equal({ kind: 'match', id: 'karlstad' });
    expect(r.choice('1780', options)).to.deep.equal({ kind: 'match', id: 'karlstad' });
    expect(r.choice('jag bor i Karlstad', options)).to.deep.equal({ kind: 'match', id: 'karlstad' });
    expect(r.choice('inte så bra faktiskt', options)).to.deep.equal({ kind: 'match', id: 'hard' });
    expect(r.choice('9', options)).to.deep.equal({ kind: 'none' });
    expect(r.choice('banan', options)).to.deep.equal({ kind: 'none' });
  });

  it('takes several options, and refuses the whole answer if a part is not understood', () => {
    expect(r.multi('1, 3', options)).to.deep.equal(['fine', 'karlstad']);
    expect(r.multi('1 3', options)).to.deep.equal(['fine', 'karlstad']);
    expect(r.multi('dåligt och karlstad', options)).to.deep.equal(['hard', 'karlstad']);
    expect(r.multi('1 och banan', options)).to.equal(undefined);
  });

  it('reads a scale value and rejects one outside the scale', () => {
    expect(r.scale('4', 1, 5)).to.equal(4);
    expect(r.scale('fem', 1, 5)).to.equal(5);
    expect(r.scale('6', 1, 5)).to.equal(undefined);
  });
});

describe('everyday Swedish inside a sentence (issue 18)', () => {
  const r = new AnswerRecognizer(repoContent().locales['sv']!.phrases);
  const contacts: OptionView[] = [
    { id: 'vardcentral', label: 'Vårdcentral', accept: ['vårdcentralen'] },
    { id: 'hemtjanst', label: 'Hemtjänst', accept: ['hemtjänsten'] },
    { id: 'psykiatri', label: 'Psykiatri', accept: ['psykiatrin'] },
    { id: 'none', label: 'Ingen', accept: ['inga'] },
  ];

  it('yes/no: a yes with more words keeps them; "vet inte", "nja", "det beror på" are answers of their own', () => {
    expect(r.yesNoRead('ja för det mesta men inte på nätterna')).to.deep.equal({ value: 'yes', keep: { words: 1 }, hedged: false });
    expect(r.yesNoRead('Ja')).to.deep.equal({ value: 'yes', keep: undefined, hedged: false });
    expect(r.yesNoRead('nej tack')).to.deep.equal({ value: 'no', keep: undefined, hedged: false });
    expect(r.yesNoRead('inte längre, sen jag föll')).to.deep.include({ value: 'no', keep: 'whole' });
    for (const u of ['vet inte', 'idk', 'ingen aning']) expect(r.yesNoRead(u), u).to.deep.include({ value: 'unsure', keep: undefined });
    for (const u of ['nja', 'kanske', 'ibland', 'det beror på vem som har tid']) expect(r.yesNoRead(u), u).to.deep.include({ value: 'unsure', keep: 'whole' });
    expect(r.yesNoRead('potatis')).to.equal(undefined);
  });

  it('a scale: the one number in a sentence, "en" read as a word', () => {
    expect(r.scaleRead('3, han är ofta nere på kvällarna', 1, 5)).to.deep.include({ value: 3, keep: { words: 1 } });
    expect(r.scaleRead('nja kanske en trea', 1, 5)).to.deep.include({ value: 3, keep: 'whole', hedged: true });
    expect(r.scaleRead('4 av 5', 1, 5)).to.deep.include({ value: 4 });
    expect(r.scaleRead('2 eller 4', 1, 5)).to.equal(undefined);
  });

  it('a scale: a range as people give one, never one end picked; words as words', () => {
    for (const t of ['3-4', '4–3', '3/4']) expect(r.scales.range(t, 1, 5), t).to.deep.include({ value: { from: 3, to: 4 }, keep: undefined });
    for (const t of ['3 eller 4', 'mellan 3 och 4', 'tre till fyra', '3,5']) expect(r.scales.range(t, 1, 5), t).to.deep.include({ value: { from: 3, to: 4 }, keep: 'whole' });
    for (const t of ['3', '4 av 5', '3, han är ofta nere', '3 och 7']) expect(r.scales.range(t, 1, 5), t).to.equal(undefined);
    for (const t of ['sådär', 'dåligt', 'ganska bra', 'vet inte', 'han har varit nere']) expect(r.scales.inWords(t), t).to.equal(true);
    for (const t of ['hm', 'x', '?']) expect(r.scales.inWords(t), t).to.equal(false);
  });

  it('several options: denied ones left out, none when every one mentioned is denied', () => {
    expect(r.multiRead('Ingen hemtjänst än.', contacts)).to.deep.include({ value: [], keep: 'whole' });
    expect(r.multiRead('vårdcentralen men inte hemtjänsten', contacts)?.value).to.deep.equal(['vardcentral']);
    expect(r.multiRead('hade hemtjänst förut men inte längre', contacts)?.value).to.deep.equal([]);
    expect(r.multiRead('Psykiatrin inte längre. Vårdcentralen har jag.', contacts)?.value).to.deep.equal(['vardcentral']);
    expect(r.multiRead('både vårdcentralen men även psykiatrin', contacts)?.value).to.deep.equal(['vardcentral', 'psykiatri']);
    expect(r.multiRead('hemtjänst och inte vårdcentral', contacts)?.value).to.deep.equal(['hemtjanst']);
    expect(r.multiRead('1, 3', contacts)).to.deep.equal({ value: ['vardcentral', 'psykiatri'], keep: undefined, hedged: false });
    expect(r.multiRead('inga', contacts)?.value).to.deep.equal(['none']);
    expect(r.multiRead('jag har ingen hemtjänst och inte psykiatrin', contacts)?.value).to.deep.equal([]);
  });

  it('one option: a denied mention does not count; the longest mention wins', () => {
    const ways: OptionView[] = [
      { id: 'phone', label: 'Telefon', accept: ['ring'] },
      { id: 'letter', label: 'Brev', accept: ['post'] },
    ];
    expect(r.choice('inte telefon, hellre brev', ways)).to.deep.equal({ kind: 'match', id: 'letter' });
    expect(r.choice('Ring mig först, inte pappa', ways)).to.deep.equal({ kind: 'match', id: 'phone' });
    expect(r.choice('inte brev utan telefon', ways)).to.deep.equal({ kind: 'match', id: 'phone' });
    expect(r.choice('brev eller ring', ways)).to.deep.equal({ kind: 'ambiguous', ids: ['letter', 'phone'] });
    expect(r.isHedged('jag tror han vet')).to.equal(true);
    expect(r.isHedged('han vet')).to.equal(false);
  });
});

describe('personnummer and phone numbers', () => {
  const today = new Date('2026-11-22T12:00:00Z');

  it('accepts Skatteverket\'s test number in 10 and 12 digits, with or without separator', () => {
    for (const input of ['19811218-9876', '198112189876', '811218-9876', '8112189876', '811218 9876']) {
      expect(checkPersonnummer(input, today), input).to.deep.equal({ ok: true, value: '19811218-9876', coordinationNumber: false });
    }
  });

  it('says what is wrong: length, date or check digit', () => {
    expect(checkPersonnummer('12345', today)).to.deep.equal({ ok: false, reason: 'length' });
    expect(checkPersonnummer('811318-9876', today)).to.deep.equal({ ok: false, reason: 'date' });
    expect(checkPersonnummer('811218-9875', today)).to.deep.equal({ ok: false, reason: 'checksum' });
  });

  it('reads "+" as 100 years or older, and samordningsnummer (day + 60)', () => {
    const plus = checkPersonnummer('811218+9876', today);
    expect(plus).to.deep.include({ ok: true, value: '18811218-9876' });
    // Day 78 = 18 + 60; check digit computed for these nine digits.
    const coordination = checkPersonnummer('811278-9873', today);
    expect(coordination).to.deep.equal({ ok: true, value: '19811278-9873', coordinationNumber: true });
  });

  it('accepts Swedish phone numbers and other countries\' with their country code, and rejects the rest', () => {
    for (const p of ['070-123 45 67', '0701234567', '+46 70 123 45 67', '054-12 34 56', '08-123 456 78', '+47 412 34 567', '0047 412 34 567', '+358 40 123 4567']) expect(checkPhone(p), p).to.equal(p);
    // Too short, not a number, too long, a mobile number a digit short, a country code that does not exist.
    for (const p of ['12345', 'ring mig', '070-123 45 67 89 00', '070-123 45 6', '+999 123 456 78']) expect(checkPhone(p), p).to.equal(undefined);
  });
});

describe('acute-risk detection (first, pattern-based)', () => {
  const detector = new RiskDetector(repoContent().locales['sv']!.risk);

  it('recognises suicide thoughts, medical emergencies and violence', () => {
    expect(detector.detect('Jag vill inte leva längre')).to.deep.equal(['suicide_self_harm']);
    expect(detector.detect('jag tänker på självmord ibland')).to.deep.equal(['suicide_self_harm']);
    expect(detector.detect('Pappa har ont i bröstet och kan inte andas')).to.deep.equal(['medical_emergency']);
    expect(detector.detect('Mamma har ramlat och kommer inte upp')).to.deep.equal(['medical_emergency']);
    expect(detector.detect('Min man slår mig när han dricker')).to.deep.equal(['violence']);
  });

  it('stays quiet for everyday idioms and ordinary worries', () => {
    for (const t of ['Jag är dödstrött', 'jag dör av skratt', 'Vi skrattade ihjäl oss', 'Jag vill leva ett aktivt liv', 'Jag har ont i knät', 'Hon är rädd för mörkret']) {
      expect(detector.detect(t), t).to.deep.equal([]);
    }
  });
});

describe('English answers typed as people type them', () => {
  const en = repoContent().locales['en']!;
  const r = new AnswerRecognizer(en.phrases);
  const given = en.questions['subject_agrees']!.options!;
  const options: OptionView[] = Object.entries(given).map(([id, o]) => (typeof o === 'string' ? { id, label: o, accept: [] } : { id, label: o.label, accept: o.accept }));

  it('a son\'s "she doesnt know yet" (no apostrophe) is "No, they do not know about it"', () => {
    for (const text of ['she doesnt know yet', "she doesn't know yet", 'not yet', 'he doesnt know']) {
      expect(r.choice(text, options), text).to.deep.equal({ kind: 'match', id: 'does_not_know' });
    }
  });

  it('a yes or no beside words that say the opposite ("yes they dont know", "no, he knows") is asked, never read as either', () => {
    for (const text of ['yes they dont know', 'yes but she doesnt know', 'no, he knows']) {
      expect(r.choice(text, options), text).to.deep.include({ kind: 'ambiguous' });
    }
    expect(r.choice('yes she knows', options)).to.deep.equal({ kind: 'match', id: 'agrees' });
  });

  it('"no he doesnt know": a no and the same option\'s words say one thing twice, the no denies nothing', () => {
    for (const text of ['no he doesnt know', 'no he doesnt know, he lives in sunne', 'No, she does not know']) {
      expect(r.choice(text, options), text).to.deep.equal({ kind: 'match', id: 'does_not_know' });
    }
  });
});

describe('a yes or no to sharing, read as a decision', () => {
  for (const [locale, yes, no, unclear] of [
    ['sv', ['ja', 'ja tack', 'ja, skicka', 'japp'], ['nej', 'nej tack', 'nej, det vill jag inte'], ['ja men inte på nätterna', 'ja kanske', 'nej men skicka sen', 'vet inte']],
    ['en', ['yes', 'yes please', 'yes, send it'], ['no', 'no thanks', 'no, i do not want that'], ['yes but not the region', 'yes maybe', 'no but send it later']],
  ] as const) {
    it(`${locale}: a plain yes or no is a decision; a yes with a "but", a hedge or a negation is asked again`, () => {
      const r = new AnswerRecognizer(repoContent().locales[locale]!.phrases);
      for (const text of yes) expect(r.decision(text), text).to.equal(true);
      for (const text of no) expect(r.decision(text), text).to.equal(false);
      for (const text of unclear) expect(r.decision(text), text).to.equal(undefined);
    });
  }
});
