/**
 * The person's own copy (issue 18, kind 10) over HTTP: the page the link at the end of the
 * conversation opens, in the person's language, with what was sent to whom; a wrong secret, another
 * case's reference or a case without a copy get the same friendly 404; never cached or indexed.
 */
import { expect } from 'chai';
import { createApp, type App } from '../src/app.js';
import type { CaseRecord } from '../src/core/cases.js';
import { copyPath, newCopySecret } from '../src/core/person-copy.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { KARLSTAD_BISTAND, REGION_VARDCENTRAL, caseDraft } from './helpers/cases.js';
import { REPO_ROOT, removeDir, tempDir } from './helpers/harness.js';

describe('the person\'s own copy page (/kopia/…)', function () {
  this.timeout(60000);
  let dataDir: string;
  let app: App;
  let url: string;
  let record: CaseRecord;
  let secret: string;
  let english: { record: CaseRecord; secret: string };
  let alarmed: { record: CaseRecord; secret: string };
  let older: CaseRecord;

  const summary = (title: string, label: string, answer: string) => ({
    title,
    recipients: '',
    sections: [{ title: 'Om dig', items: [{ number: 1, questionId: 'what_matters', label, answer, skipped: false, ibic: [] }] }],
  });

  before(async () => {
    dataDir = await tempDir('intake-copy-');
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, REPO_ROOT);
    app = await createApp({ ...config, port: 0 }, createLogger('silent'));
    ({ url } = await app.listen());
    const copy = newCopySecret();
    secret = copy.secret;
    record = await app.cases.create({
      ...caseDraft([{ ...KARLSTAD_BISTAND, transcript: true }, { ...REGION_VARDCENTRAL, consent: false }]),
      personCopy: { tokenHash: copy.hash, locale: 'sv', summary: summary('Sammanfattning', 'Det viktigaste just nu', 'Att bo kvar hemma <och> se Vänern.\nOch katten.') },
    });
    const en = newCopySecret();
    english = {
      secret: en.secret,
      record: await app.cases.create({ ...caseDraft([{ ...KARLSTAD_BISTAND, transcript: false }]), locale: 'en', personCopy: { tokenHash: en.hash, locale: 'en', summary: summary('Summary', 'What matters most now', 'To stay at home.') } }),
    };
    older = await app.cases.create(caseDraft([KARLSTAD_BISTAND]));
    // After an acute alarm about suicide (issue 19): the copy keeps the alarm's situation.
    const al = newCopySecret();
    alarmed = {
      secret: al.secret,
      record: await app.cases.create({
        ...caseDraft([KARLSTAD_BISTAND], { urgent: true }),
        locale: 'en',
        personCopy: { tokenHash: al.hash, locale: 'en', summary: summary('Summary', 'What matters most now', 'To stay at home.'), emergency: { situations: ['suicide'] } },
      }),
    };
  });

  after(async () => {
    await app.close();
    await removeDir(dataDir);
  });

  it('shows the reference, what was sent to whom and when, and the answers in the person\'s words; not cached, not indexed', async () => {
    const res = await fetch(`${url}${copyPath(record.reference, secret)}`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('cache-control')).to.equal('no-store');
    expect(res.headers.get('x-robots-tag')).to.include('noindex');
    expect(res.headers.get('referrer-policy')).to.equal('no-referrer');
    const html = await res.text();
    expect(html).to.match(/<html lang="sv"/u);
    expect(html).to.include('<h1>Din sammanfattning</h1>');
    expect(html).to.include(`Ärendenummer ${record.reference}`);
    expect(html).to.include('<strong>Biståndshandläggning (äldreomsorg), Karlstads kommun</strong>: fick sammanfattningen och hela samtalet. De hör vanligen av sig inom 5 arbetsdagar.');
    expect(html).to.include('<strong>Vårdcentralen (Hälsoval Värmland)</strong>: fick ingenting, som du valde.');
    // The person's words, escaped, line breaks kept.
    expect(html).to.include('Att bo kvar hemma &lt;och&gt; se Vänern.<br>Och katten.');
    expect(html).to.include('högst 90 dagar');
  });

  it('is in the person\'s language', async () => {
    const html = await (await fetch(`${url}${copyPath(english.record.reference, english.secret)}`)).text();
    expect(html).to.match(/<html lang="en"/u);
    expect(html).to.include('<h1>Your summary</h1>');
    expect(html).to.include('received the summary with your answers.');
    expect(html).to.include('To stay at home.');
  });

  it('is in the person\'s language from top to bottom: the header, the navigation and the footer too', async () => {
    const html = await (await fetch(`${url}${copyPath(english.record.reference, english.secret)}`)).text();
    expect(html).to.include('<a class="skip" href="#innehall">Skip to the content</a>');
    expect(html).to.include('<p class="service">What matters to you?</p>');
    expect(html).to.include('<nav aria-label="About the chat">');
    expect(html).to.include('<a href="/integritet?lang=en">How your personal data is handled</a>');
    expect(html).to.include('In an emergency, call 112. For health advice, call 1177.');
    expect(html).to.include('<title>Your summary – What matters to you?</title>');
    for (const swedish of ['Till sidans innehåll', 'Vad är viktigt för dig', 'Chatten för god', 'Så hanteras', 'Tillgänglighet', 'Vid akuta lägen', 'Om chatten']) expect(html, swedish).not.to.include(swedish);
    // A Swedish copy keeps its Swedish frame, with links that need no language.
    const sv = await (await fetch(`${url}${copyPath(record.reference, secret)}`)).text();
    expect(sv).to.include('<a href="/integritet">Så hanteras dina uppgifter</a>').and.include('Vid akuta lägen, ring 112.');
    // The text pages too: the English privacy page has an English frame.
    const privacy = await (await fetch(`${url}/integritet?lang=en`)).text();
    expect(privacy).to.include('Skip to the content').and.include('<a href="/tillganglighet?lang=en">Accessibility</a>');
    expect(privacy).not.to.include('Till sidans innehåll').and.not.to.include('Vid akuta lägen');
  });

  it('after a safety alarm, shows the numbers for its situation first, as tel: links; without one, none (issue 19)', async () => {
    const html = await (await fetch(`${url}${copyPath(alarmed.record.reference, alarmed.secret)}`)).text();
    const main = html.slice(html.indexOf('<main'));
    const section = /<section class="emergency"[\s\S]*?<\/section>/u.exec(main)?.[0];
    expect(section, 'the numbers').to.be.a('string');
    expect(section).to.include('<h2 id="emergency-title">If you or someone else needs help</h2>');
    expect(section).to.include('<a href="tel:112">112</a>').and.include('<a href="tel:90101">90101</a>');
    expect(section!.indexOf('tel:112'), '112 first').to.be.lessThan(section!.indexOf('tel:90101'));
    expect(section, 'only the numbers for the situation').not.to.include('tel:020505050');
    // First: right after the page's heading, before the reference and the answers.
    expect(main.indexOf('class="emergency"')).to.be.greaterThan(main.indexOf('<h1>')).and.lessThan(main.indexOf('Case number'));
    for (const plain of [copyPath(record.reference, secret), copyPath(english.record.reference, english.secret)]) {
      expect(await (await fetch(`${url}${plain}`)).text(), plain).not.to.include('tel:');
    }
  });

  it('a wrong secret, another case\'s secret, a case without a copy or a malformed reference: the same 404, nothing of the case', async () => {
    const tries = [
      copyPath(record.reference, newCopySecret().secret),
      copyPath(record.reference, english.secret),
      copyPath(older.reference, secret),
      copyPath(record.reference, secret.slice(1)),
      `/kopia/NV-2026/${secret}`,
      `/kopia/${record.reference}/`,
    ];
    for (const path of tries) {
      const res = await fetch(`${url}${path}`);
      expect(res.status, path).to.equal(404);
      const html = await res.text();
      expect(html, path).not.to.include('Vänern');
      if (res.headers.get('content-type')?.includes('html')) expect(html, path).to.include('Sidan finns inte');
    }
  });
});
