/**
 * A case worker's day on the staff page, in Debian's Chromium on a desktop and on a tablet, against
 * the real app on 127.0.0.1: finding a case by name in one search among many, the key facts first
 * (about the person, in the third person; a relative's consent said as such), giving the case to a
 * colleague in the unit, writing a note in the unit's journal, seeing it overdue in the case and in
 * the list, the print view without the conversation unless asked, and a case of another unit read
 * only after stating a reason. axe-core's WCAG 2.1 A/AA rules on every view; screenshots in
 * test-output/screenshots/worker-*.png. Every person here is invented.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import type { CaseRecord } from '../../src/core/cases.js';
import { PageSessions, describeViolations, isolatedContext, launchBrowser, runAxe, screenshot, startServer, type TestServer } from '../helpers/browser.js';
import { KARLSTAD_BISTAND, KARLSTAD_IFO, REGION_VARDCENTRAL, caseDraft } from '../helpers/cases.js';

declare const document: any;

const PASSWORD = 'korrekt-häst-batteri-häfta';
const PEOPLE = {
  anna: { email: 'anna@karlstad.test', name: 'Anna Exempel', org: 'karlstad', units: ['karlstad:bistand'] },
  bo: { email: 'bo@karlstad.test', name: 'Bo Kollega', org: 'karlstad', units: ['karlstad:bistand'] },
  erik: { email: 'erik@karlstad.test', name: 'Erik Socialsekreterare', org: 'karlstad', units: ['karlstad:ifo'] },
};
const DEVICES = {
  desktop: { viewport: { width: 1280, height: 900 } },
  tablet: { viewport: { width: 820, height: 1180 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 },
};

async function expectNoViolations(page: Page, where: string): Promise<void> {
  const violations = await runAxe(page);
  expect(violations, `axe WCAG 2.1 A/AA violations ${where}:\n${describeViolations(violations)}`).to.deep.equal([]);
}

describe('the case worker\'s page in a browser (desktop and tablet)', function () {
  this.timeout(90000);
  let server: TestServer;
  let browser: Browser;
  const sessions = new PageSessions();
  /** The person each device's case worker looks for (each run works its own case). */
  const PERSON = { desktop: 'Greta Testsson', tablet: 'Gunnel Provsson' };
  const wanted = {} as Record<keyof typeof DEVICES, CaseRecord>;
  let greta: CaseRecord;
  let relativeCase: CaseRecord;
  let alarmCase: CaseRecord;

  before(async () => {
    const starting = startServer({ URGENT_REMINDER_MINUTES: '0' });
    try {
      browser = await launchBrowser();
    } finally {
      server = await starting;
    }
    const { app } = server;
    for (const p of Object.values(PEOPLE)) {
      await app.accounts.put({ email: p.email, name: p.name, organisationId: p.org, role: 'staff', password: PASSWORD });
      await app.members.setUnits(p.org, p.email, p.units, 'test');
    }
    // Forty cases of Karlstad's elderly care with invented names; Greta's came in on 2 November and was due on the 9th.
    const names = ['Alva Berg', 'Bertil Ek', 'Cornelia Lind', 'Dag Holm', 'Elsa Strand', 'Frans Ås', 'Gun Sjö', 'Hugo Dal'];
    for (let i = 0; i < 40; i++) {
      await app.cases.create(caseDraft([KARLSTAD_BISTAND], { createdAt: new Date(Date.UTC(2026, 10, 3 + (i % 25), 8 + (i % 8))).toISOString(), name: `${names[i % names.length]} ${i}` }));
    }
    for (const device of ['desktop', 'tablet'] as const) {
      wanted[device] = await app.cases.create({
      ...caseDraft([KARLSTAD_BISTAND, REGION_VARDCENTRAL], { createdAt: '2026-11-02T08:00:00.000Z', name: PERSON[device], phone: '070-174 06 42' }),
      answers: {
        person_name: { kind: 'text', text: PERSON[device] },
        personnummer: { kind: 'text', text: '19811218-9876' },
        phone: { kind: 'text', text: '070-174 06 42' },
        language: { kind: 'choice', option: 'interpreter' },
        sip_wish: { kind: 'choice', option: 'yes' },
        contact_way: { kind: 'choice', option: 'phone' },
        daily_life_now: { kind: 'text', text: 'Jag bor ensam och trappan är svår.' },
      },
      });
    }
    greta = wanted.desktop;
    // An urgent case with the safety net's record: the sentence, its level and category, the person's correction.
    alarmCase = await app.cases.create({
      ...caseDraft([KARLSTAD_BISTAND], { urgent: true, createdAt: '2026-12-01T09:00:00.000Z', name: 'Harald Provsson' }),
      riskCategories: ['medical_emergency'],
      risk: {
        triggers: [{ sentence: 'han har slutat äta ordentligt', level: 'unsure', category: 'medical_emergency', at: '2026-12-01T08:55:00.000Z' }],
        correction: { text: 'Va? Det är inget akut', at: '2026-12-01T08:56:00.000Z' },
      },
    });
    // A daughter answered for her mother, who cannot decide; sent to Karlstad's IFO only.
    relativeCase = await app.cases.create({
      ...caseDraft([KARLSTAD_IFO], { createdAt: '2026-11-25T10:00:00.000Z' }),
      respondent: 'other',
      answers: {
        respondent: { kind: 'choice', option: 'other' },
        relation: { kind: 'choice', option: 'child' },
        subject_agrees: { kind: 'choice', option: 'cannot_decide' },
        person_name: { kind: 'text', text: 'Ingrid Testsson' },
        contact_name: { kind: 'text', text: 'Maria Testsson' },
      },
    });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(async function () {
    await sessions.end(this.currentTest);
  });

  async function signIn(device: keyof typeof DEVICES, who: keyof typeof PEOPLE, hash = '#/cases'): Promise<Page> {
    const page = await sessions.open(() => isolatedContext(browser, [server.url], DEVICES[device]));
    await page.goto(`${server.url}/staff/${hash}`);
    await page.locator('#sign-in-email').fill(PEOPLE[who].email);
    await page.locator('#sign-in-password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.locator('#view-title').waitFor();
    return page;
  }

  for (const device of ['desktop', 'tablet'] as const) {
    it(`${device}: finds a case by name in one search, gives it to a colleague, writes a note, sees it overdue`, async () => {
      const page = await signIn(device, 'anna');
      await page.locator('table.cases').waitFor();
      await expectNoViolations(page, `the list (${device})`);
      await screenshot(page, `worker-${device}-list`);

      const mine = wanted[device];
      const search = PERSON[device].toLowerCase();
      // One search, by name.
      await page.getByRole('searchbox', { name: 'Sök ärende' }).fill(search);
      await page.getByRole('button', { name: 'Sök', exact: true }).click();
      await page.locator('#search-kind').waitFor();
      expect(await page.locator('#search-kind').textContent()).to.equal(`Sökte på namn: ${search}`);
      const rows = page.locator('table.cases tbody tr');
      expect(await rows.count()).to.equal(1);
      expect(await rows.first().textContent()).to.include(PERSON[device]).and.include('2026-11-09').and.include('Försenat');
      await expectNoViolations(page, `the search result (${device})`);
      await screenshot(page, `worker-${device}-search`);
      // The search was audited, as a search.
      const searches = (await server.app.audit.entries()).filter((e) => e.action === 'case.search' && e.actor === PEOPLE.anna.email);
      expect(searches.at(-1)).to.deep.include({ target: mine.reference, reason: `name: ${search}` });

      await page.getByRole('link', { name: mine.reference }).click();
      await page.locator('#key-facts').waitFor();
      // The key facts come first, about the person.
      const firstSection = await page.locator('.case__side > section').first().getAttribute('class');
      expect(firstSection).to.include('key-facts');
      const facts = await page.locator('#key-facts').innerText();
      expect(facts).to.include(`${PERSON[device]}, 19811218-9876`).and.include('070-174 06 42').and.include('behöver tolk').and.include('önskar en SIP').and.include('gavs av personen själv');
      expect(facts).not.to.match(/Om dig|Hur vi når dig/u);
      const part = page.locator('section.work[data-unit="karlstad:bistand"]');
      expect(await part.locator('.work-due').innerText()).to.include('2026-11-09').and.include('Försenat');
      expect(await part.locator('.work-status').innerText()).to.equal('Ny');

      // Give it to Bo.
      await part.getByLabel('Ge ärendet till en kollega i enheten').selectOption({ label: 'Bo Kollega' });
      await part.getByRole('button', { name: 'Ge till kollegan' }).click();
      await page.locator('#status').filter({ hasText: 'Bo Kollega har fått ärende' }).waitFor();
      const again = page.locator('section.work[data-unit="karlstad:bistand"]');
      expect(await again.locator('.work-assignee').innerText()).to.equal('Bo Kollega');
      expect(await again.locator('.work-status').innerText()).to.equal('Pågår');

      // A note in the unit's journal.
      await again.getByLabel('Text').fill(`Ringde Greta (${device}), bokade hembesök med tolk.`);
      await again.getByRole('button', { name: 'Spara anteckningen' }).click();
      await page.locator('#status').filter({ hasText: 'Anteckningen är sparad.' }).waitFor();
      const journal = await page.locator('section.work[data-unit="karlstad:bistand"] .journal').innerText();
      expect(journal).to.include(`Ringde Greta (${device}), bokade hembesök med tolk.`).and.include('Anteckning av Anna Exempel').and.include('Taget av Bo Kollega (gavs av Anna Exempel)');
      await expectNoViolations(page, `the case (${device})`);
      await screenshot(page, `worker-${device}-case`, true);

      // Overdue in the list of overdue cases.
      await page.goto(`${server.url}/staff/#/cases?overdue=true&sort=due`);
      await page.locator('table.cases').waitFor();
      const first = await page.locator('table.cases tbody tr').first().innerText();
      expect(await page.locator('table.cases tbody').innerText()).to.include(mine.reference);
      const row = await page.locator(`table.cases tbody tr[data-reference="${mine.reference}"]`).innerText();
      expect(first).to.include('Försenat');
      expect(row).to.include('Försenat').and.include('Bo Kollega');
      await expectNoViolations(page, `the overdue list (${device})`);
      await screenshot(page, `worker-${device}-overdue`);
      // No municipality filter for a municipality: all its cases are its own.
      expect(await page.locator('#filter-municipality').count()).to.equal(0);
    });
  }

  it('shows Bo his cases under "Mina ärenden"', async () => {
    const page = await signIn('desktop', 'bo', '#/cases?mine=true');
    await page.locator('table.cases').waitFor();
    expect(await page.locator('table.cases tbody tr').count(), 'the desktop\'s and the tablet\'s case').to.equal(2);
    expect(await page.locator('#quick-mine').getAttribute('aria-current')).to.equal('page');
  });

  it('prints the key facts and the summary, the conversation only when asked', async () => {
    const page = await signIn('desktop', 'anna', `#/cases/${greta.reference}/utskrift`);
    await page.locator('#key-facts').waitFor();
    expect(await page.locator('#print-conversation').isHidden()).to.equal(true);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.bar').isHidden(), 'no page header on paper').to.equal(true);
    await screenshot(page, 'worker-print', true);
    await page.emulateMedia({ media: 'screen' });
    await page.getByLabel('Ta med hela samtalet (kan bli många sidor)').check();
    expect(await page.locator('#print-conversation').isVisible()).to.equal(true);
    await expectNoViolations(page, 'the print view');
  });

  it('reads a case of another unit only after a stated reason; a relative\'s consent is said as such', async () => {
    const page = await signIn('desktop', 'anna', `#/cases/${relativeCase.reference}`);
    await page.locator('#case-outside').waitFor();
    expect(await page.locator('#key-facts').count(), 'nothing of the case before the reason').to.equal(0);
    await expectNoViolations(page, 'the reason form');
    await page.getByLabel('Varför behöver du läsa ärendet?').fill('Personen ringde mig och IFO:s handläggare är sjuk.');
    await page.getByRole('button', { name: 'Läs ärendet' }).click();
    await page.locator('#key-facts').waitFor();
    expect(await page.locator('#outside-banner').innerText()).to.include('utanför dina enheter');
    const facts = await page.locator('#key-facts').innerText();
    expect(facts).to.include('gavs av Maria Testsson (personens barn), inte av personen själv').and.include('nej, personen kan inte ta ställning själv');
    expect(facts).not.to.include('med personens samtycke');
    expect(await page.locator('.work__actions').count(), 'read-only outside one\'s unit').to.equal(0);
    const entry = (await server.app.audit.entries()).filter((e) => e.action === 'case.read.outside').at(-1);
    expect(entry).to.deep.include({ actor: PEOPLE.anna.email, target: relativeCase.reference, reason: 'Personen ringde mig och IFO:s handläggare är sjuk.', outcome: 'allowed' });
    await screenshot(page, 'worker-outside', true);
  });

  it('shows why an urgent case is urgent (the sentence, level, category and the person\'s correction); reclassifying it is audited', async () => {
    const page = await signIn('desktop', 'anna', `#/cases/${alarmCase.reference}`);
    await page.locator('#urgent-banner').waitFor();
    const banner = await page.locator('#urgent-banner').innerText();
    expect(banner).to.include('Osäkert – tecken på akut sjukdom').and.include('han har slutat äta ordentligt').and.include('Personen rättade själv:').and.include('Va? Det är inget akut');
    const part = page.locator('section.work[data-unit="karlstad:bistand"]');
    await part.getByLabel('Nej, inte brådskande').check();
    await part.getByLabel('Varför?').fill('Ringde dottern: han äter igen, inte akut.');
    await part.getByRole('button', { name: 'Spara bedömningen' }).click();
    await page.locator('#status').filter({ hasText: 'Bedömningen är sparad.' }).waitFor();
    expect(await page.locator('section.work[data-unit="karlstad:bistand"] .work-urgency').innerText()).to.equal('nej');
    expect(await page.locator('#urgent-judged').innerText()).to.include('inte längre är brådskande');
    const judged = await page.locator('#urgent-banner').innerText();
    expect(judged, 'no red call to act once judged').not.to.include('Ta kontakt så snart som möjligt');
    expect(judged, 'why it alarmed stays').to.include('han har slutat äta ordentligt').and.include('Va? Det är inget akut');
    expect(await page.locator('#key-facts').innerText()).to.include('nej, bedömt som inte längre brådskande (se journalen)');
    expect(await page.locator('section.work[data-unit="karlstad:bistand"] .journal').innerText()).to.include('Bedömt som inte brådskande av Anna Exempel').and.include('Ringde dottern: han äter igen, inte akut.');
    const entry = (await server.app.audit.entries()).filter((e) => e.action === 'case.reclassify').at(-1);
    expect(entry).to.deep.include({ actor: PEOPLE.anna.email, target: alarmCase.reference, unit: 'karlstad:bistand', outcome: 'allowed' });
    await expectNoViolations(page, 'an urgent case after reclassification');
    await screenshot(page, 'worker-urgent-reclassified', true);
  });
});
