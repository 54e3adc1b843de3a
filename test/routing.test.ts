/** Routing rules: which contacts a set of answers reaches, and when a SIP is suggested. */
import { expect } from 'chai';
import type { Answers } from '../src/core/interview/answers.js';
import { route } from '../src/core/routing.js';
import { repoContent } from './helpers/content.js';

const choice = (option: string) => ({ kind: 'choice' as const, option });
const multi = (...options: string[]) => ({ kind: 'multi' as const, options });
const yes = { kind: 'yesno' as const, value: 'yes' as const };
const no = { kind: 'yesno' as const, value: 'no' as const };

describe('routing', () => {
  const content = repoContent();

  it('sends home help in Karlstad to Karlstad\'s biståndshandläggning only (no SIP)', () => {
    const answers: Answers = { respondent: choice('self'), municipality: choice('karlstad'), help_with: multi('help_at_home') };
    const r = route(content, answers);
    expect(r.topics).to.deep.equal(['elderly_care']);
    expect(r.recipients.map((x) => x.key)).to.deep.equal(['karlstad:bistand']);
    expect(r.recipients[0]!.contactName).to.equal('Biståndshandläggning (äldreomsorg), Karlstads kommun');
    expect(r.recipients[0]!.responseDays).to.equal(5);
    expect(r.sipSuggested).to.equal(false);
  });

  it('chooses both sides and suggests a SIP when needs span municipality and region', () => {
    const answers: Answers = { respondent: choice('self'), municipality: choice('torsby'), help_with: multi('help_at_home', 'mental') };
    const r = route(content, answers);
    expect(r.recipients.map((x) => x.key)).to.deep.equal(['torsby:bistand', 'region_varmland:vardcentral']);
    expect(r.sipSuggested).to.equal(true);
  });

  it('derives topics from rules: low mood goes to the vårdcentral, a relative needing support to anhörigstöd', () => {
    const answers: Answers = { respondent: choice('other'), municipality: choice('eda'), mood: { kind: 'scale', value: 1 }, relative_needs_support: yes };
    const r = route(content, answers);
    expect(r.topics).to.deep.equal(['carer_support', 'mental_health']);
    expect(r.recipients.map((x) => x.key)).to.deep.equal(['eda:anhorigstod', 'region_varmland:vardcentral']);
  });

  it('ignores answers to questions that no longer apply', () => {
    // Falls only count when household tasks go badly.
    const answers: Answers = { respondent: choice('self'), municipality: choice('kil'), household: choice('fine'), falls: yes };
    expect(route(content, answers).topics).to.deep.equal(['other']);
  });

  it('with no topic, goes to the municipality\'s contact centre', () => {
    const r = route(content, { respondent: choice('self'), municipality: choice('hammaro'), safe_at_home: yes, falls: no });
    expect(r.recipients.map((x) => x.key)).to.deep.equal(['hammaro:kontaktcenter']);
  });

  it('with "Vet inte" or "Annan kommun", municipal topics go where data/routing.yaml noMunicipality says; regional ones still to the region', () => {
    for (const option of ['unknown', 'outside']) {
      const r = route(content, { respondent: choice('self'), municipality: choice(option), help_with: multi('disability', 'health') });
      const target = content.routing.noMunicipality[option as 'unknown' | 'outside'];
      expect(r.recipients.map((x) => x.key)).to.deep.equal([`${target.organisation}:${target.contact}`, 'region_varmland:vardcentral']);
      expect(r.sipSuggested).to.equal(true);
    }
  });

  it('an unknown municipality is routed by data: another organisation in routing.yaml takes the case', () => {
    const changed = { ...content, routing: { ...content.routing, noMunicipality: { ...content.routing.noMunicipality, unknown: { organisation: 'region_varmland', contact: 'samordning' as const } } } };
    const unknown = route(changed, { respondent: choice('self'), municipality: choice('unknown'), help_with: multi('help_at_home') });
    expect(unknown.recipients.map((x) => x.key)).to.deep.equal(['region_varmland:samordning']);
    const outside = route(changed, { respondent: choice('self'), municipality: choice('outside'), help_with: multi('help_at_home') });
    expect(outside.recipients.map((x) => x.key)).to.deep.equal(['fallback:samordning']);
  });

  it('a mood given as a range ("2-3") routes as low mood only when all of it is low', () => {
    const at = (value: number, upTo: number) => route(content, { respondent: choice('self'), municipality: choice('kil'), mood: { kind: 'scale', value, upTo } }).topics;
    expect(at(2, 3)).not.to.include('mental_health');
    expect(at(1, 2)).to.include('mental_health');
  });

  it('every municipality in Värmland is in the directory with its SCB code', () => {
    const codes = content.directory.organisations.filter((o) => o.kind === 'municipality').map((o) => `${o.shortName} ${o.scbCode}`);
    expect(codes).to.have.length(16);
    expect(codes).to.include.members(['Kil 1715', 'Karlstad 1780', 'Säffle 1785', 'Årjäng 1765', 'Hammarö 1761']);
  });
});
