/**
 * The staff page (/staff/) in a real browser (Debian's Chromium through playwright-core) against the
 * real app on 127.0.0.1 with a temporary data folder: signing in (and a wrong password), the case
 * list and its filters, opening a case from the list and from an e-mail's #/cases/… link, the
 * summary, the conversation and the delivery history, taking and closing with a note, the exports,
 * another organisation's case, the audit log for administrators only, the organisation's staff
 * accounts for administrators only (add, disable after a confirmation, Swedish refusals),
 * keyboard-only use, 200 % zoom, and axe-core's WCAG 2.1 A/AA rules on every view. Screenshots go to
 * test-output/screenshots/staff-*.png. Every person and address here is invented; nothing leaves
 * 127.0.0.1.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import type { Activity } from 'botbuilder';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import type { CaseRecord, NewCase } from '../../src/core/cases.js';
import type { OutboxItem } from '../../src/core/delivery.js';
import type { SummaryView } from '../../src/core/summary.js';
import { MIN_PASSWORD_LENGTH } from '../../src/staff/accounts.js';
import { PageSessions, describeViolations, focused, isolatedContext, launchBrowser, runAxe, screenshot, startServer, type TestServer } from '../helpers/browser.js';
import { KARLSTAD_BISTAND, KIL_BISTAND, REGION_VARDCENTRAL, caseDraft } from '../helpers/cases.js';
import { REPO_ROOT } from '../helpers/harness.js';

declare const document: any;
declare const window: any;

const PASSWORD = 'korrekt-häst-batteri-häfta';

/** The unit each organisation's people here work in: the one their cases are sent to. */
const UNITS: Record<string, string> = { karlstad: 'karlstad:bistand', region_varmland: 'region_varmland:vardcentral', kil: 'kil:bistand' };

const PEOPLE = {
  karlstadStaff: { email: 'anna.handlaggare@karlstad.test', name: 'Anna Exempel', org: 'karlstad', role: 'staff' as const },
  karlstadAdmin: { email: 'admin@karlstad.test', name: 'Bertil Admin', org: 'karlstad', role: 'admin' as const },
  regionStaff: { email: 'sjukskoterska@region.test', name: 'Cecilia Testsson', org: 'region_varmland', role: 'staff' as const },
  kilStaff: { email: 'david@kil.test', name: 'David Prov', org: 'kil', role: 'staff' as const },
};

/** English texts of the API that must never reach the page. */
const API_ENGLISH = [
  /Wrong e-mail/u,
  /not sent to your organisation/u,
  /Sign in first/u,
  /administrator may read/u,
  /already closed/u,
  /Something went wrong/u,
  /administrator may manage/u,
  /belongs to another organisation/u,
  /password must be/iu,
  /Invalid email/u,
  /no such account/u,
];

/** The summary of an invented resident, as the interview builds it (SummaryView). */
const RICH_SUMMARY: SummaryView = {
  title: 'Sammanfattning',
  topics: 'Det här gäller främst: Äldreomsorg och hjälp hemma, Vård på vårdcentral',
  recipients: 'Föreslagna mottagare: Biståndshandläggning (äldreomsorg), Karlstads kommun; Vårdcentralen (Hälsoval Värmland)',
  sip: 'Både kommunen och regionen kan behöva vara med. Du kan få ett erbjudande om en gemensam plan (SIP).',
  suggested: 'Utifrån svaren kan det också handla om: Psykisk hälsa. Det är bara ett förslag till den som läser; vem som får sammanfattningen bestäms av svaren.',
  sections: [
    {
      title: 'Det som är viktigt för dig',
      items: [
        { number: 1, questionId: 'what_matters', label: 'Vad är viktigast för dig just nu?', answer: 'Att kunna bo kvar hemma och träffa mina barnbarn.', skipped: false, ibic: [] },
        { number: 2, questionId: 'good_day', label: 'Hur ser en riktigt bra dag ut för dig?', answer: 'Kaffe på balkongen och en promenad.', skipped: false, ibic: [] },
      ],
    },
    {
      title: 'Vardagen',
      items: [
        { number: 3, questionId: 'daily_life_now', label: 'Berätta med egna ord hur din vardag ser ut just nu.', answer: 'Jag bor ensam i en lägenhet på tredje våningen.\nHissen är ofta trasig.', skipped: false, ibic: ['Hemliv', 'Förflyttning'] },
        { number: 4, questionId: 'household', label: 'Hur går det med sysslorna hemma?', answer: 'Det går inte så bra', skipped: false, ibic: ['Hemliv'] },
        { number: 5, questionId: 'falls', label: 'Har du ramlat någon gång det senaste året?', answer: '(hoppade över)', skipped: true, ibic: [] },
      ],
    },
    {
      title: 'Hur vi når dig',
      items: [
        { number: 6, questionId: 'name', label: 'Vad heter du?', answer: 'Testa Testsson', skipped: false, ibic: [] },
        { number: 7, questionId: 'personnummer', label: 'Personnummer', answer: '19811218-9876', skipped: false, ibic: [] },
        { number: 8, questionId: 'phone', label: 'Telefonnummer', answer: '070-174 06 42', skipped: false, ibic: [] },
      ],
    },
  ],
};

const URGENT_SUMMARY: SummaryView = {
  title: 'Sammanfattning',
  forOther: 'Svaren är lämnade av en närstående: dotter.',
  urgent: 'Markerat som brådskande.',
  topics: 'Det här gäller främst: Psykisk hälsa, Äldreomsorg och hjälp hemma',
  recipients: 'Föreslagna mottagare: Biståndshandläggning (äldreomsorg), Karlstads kommun; Vårdcentralen (Hälsoval Värmland)',
  sections: [
    {
      title: 'Vardagen',
      items: [{ number: 1, questionId: 'daily_life_now', label: 'Berätta med egna ord hur vardagen ser ut för personen just nu.', answer: 'Mamma orkar inte längre och säger att allt känns meningslöst.', skipped: false, ibic: ['Känsla av trygghet'] }],
    },
  ],
};

/** A message in a stored conversation, as the bot's transcript logger writes it. */
function activity(conversationId: string, at: string, fromBot: boolean, text: string, value?: unknown): Activity {
  return {
    type: 'message',
    id: `${conversationId}-${at}`,
    channelId: 'webchat-test',
    conversation: { id: conversationId },
    from: fromBot ? { id: 'intake-bot', name: 'Intake', role: 'bot' } : { id: 'resident-1', name: 'Invånare', role: 'user' },
    recipient: fromBot ? { id: 'resident-1', role: 'user' } : { id: 'intake-bot', role: 'bot' },
    timestamp: new Date(at),
    text,
    ...(value ? { value } : {}),
  } as unknown as Activity;
}

function outboxItem(record: CaseRecord, organisationId: string, target: OutboxItem['target'], status: OutboxItem['status'], extra: Partial<OutboxItem> = {}): OutboxItem {
  return {
    id: `${record.reference}|new|${organisationId}|${JSON.stringify(target)}`,
    caseReference: record.reference,
    purpose: 'new',
    urgent: record.urgent,
    recipientKey: UNITS[organisationId] ?? `${organisationId}:x`,
    organisationId,
    target,
    status,
    attempts: 0,
    createdAt: record.createdAt,
    // Never due: the delivery worker of the app under test leaves these as they are.
    nextAttemptAt: '2099-01-01T00:00:00.000Z',
    ...extra,
  };
}

function expectNoViolations(violations: Awaited<ReturnType<typeof runAxe>>, where: string): void {
  expect(violations, `axe WCAG 2.1 A/AA violations ${where}:\n${describeViolations(violations)}`).to.deep.equal([]);
}

describe('the staff page in a browser (Swedish)', function () {
  this.timeout(60000);
  let server: TestServer;
  let browser: Browser;
  const sessions = new PageSessions();
  /** Karlstad: a resident's own case with the whole conversation and deliveries (taken and closed below). */
  let richCase: CaseRecord;
  /** Karlstad and the region: urgent, written by a relative. */
  let urgentCase: CaseRecord;
  /** Karlstad: a case without summary sections (only the summary text). */
  let plainCase: CaseRecord;
  /** Kil only: Karlstad's staff may not read it. */
  let kilCase: CaseRecord;
  /** Kil and the region, from a resident of Kil. */
  let kilRegionCase: CaseRecord;

  before(async () => {
    // Started side by side; the server is kept even when the browser cannot start, so the after
    // hook closes it and mocha can exit after reporting the failure.
    const starting = startServer({ URGENT_REMINDER_MINUTES: '0' });
    try {
      browser = await launchBrowser();
    } finally {
      server = await starting;
    }
    const { app } = server;
    for (const p of Object.values(PEOPLE)) {
      await app.accounts.put({ email: p.email, name: p.name, organisationId: p.org, role: p.role, password: PASSWORD });
      await app.members.setUnits(p.org, p.email, [UNITS[p.org]!], 'test');
    }

    const rich: NewCase = {
      ...caseDraft([KARLSTAD_BISTAND, REGION_VARDCENTRAL], { createdAt: '2026-10-05T07:15:00.000Z' }),
      topics: ['elderly_care', 'primary_care'],
      suggestedTopics: ['mental_health'],
      sipSuggested: true,
      summary: RICH_SUMMARY,
      conversation: { channelId: 'webchat-test', conversationId: 'conv-rich' },
    };
    richCase = await app.cases.create(rich);
    kilCase = await app.cases.create(caseDraft([KIL_BISTAND], { createdAt: '2026-11-10T10:00:00.000Z', municipality: { id: 'kil', name: 'Kils kommun', scbCode: '1715' } }));
    kilRegionCase = await app.cases.create({
      ...caseDraft([KIL_BISTAND, REGION_VARDCENTRAL], { createdAt: '2026-11-15T12:30:00.000Z', municipality: { id: 'kil', name: 'Kils kommun', scbCode: '1715' } }),
      topics: ['primary_care'],
    });
    urgentCase = await app.cases.create({
      ...caseDraft([KARLSTAD_BISTAND, REGION_VARDCENTRAL], { urgent: true, createdAt: '2026-11-20T08:05:00.000Z' }),
      respondent: 'other',
      riskCategories: ['suicide_self_harm'],
      topics: ['mental_health', 'elderly_care'],
      summary: URGENT_SUMMARY,
      conversation: { channelId: 'webchat-test', conversationId: 'conv-urgent' },
    });
    plainCase = await app.cases.create(caseDraft([KARLSTAD_BISTAND], { createdAt: '2026-11-22T14:45:00.000Z' }));

    const conv = 'conv-rich';
    for (const a of [
      activity(conv, '2026-10-05T07:01:00.000Z', true, 'Hej! Jag är en automatisk assistent, inte en människa och inte en läkare. Är det akut? Ring 112.\n\nVill du fortsätta?'),
      activity(conv, '2026-10-05T07:01:30.000Z', false, 'Ja, jag vill fortsätta'),
      activity(conv, '2026-10-05T07:02:00.000Z', true, 'Berätta med egna ord hur din vardag ser ut just nu.'),
      activity(conv, '2026-10-05T07:04:00.000Z', false, 'Jag bor ensam i en lägenhet på tredje våningen.\nHissen är ofta trasig.'),
      activity(conv, '2026-10-05T07:05:00.000Z', true, 'Vad skulle du vilja ha stöd eller hjälp med?'),
      activity(conv, '2026-10-05T07:06:00.000Z', false, '', { intake: 'answer', question: 'support_needs', value: 'shopping,transport' }),
      activity(conv, '2026-10-05T07:14:00.000Z', true, 'Tack! Ditt ärende har referensen NV-2026-000001.'),
    ]) {
      await app.transcripts.logActivity(a);
    }
    await app.transcripts.logActivity(activity('conv-urgent', '2026-11-20T08:00:00.000Z', false, 'Mamma säger att allt känns meningslöst.'));
    await app.transcripts.flush();

    await app.outbox.enqueue([
      outboxItem(richCase, 'karlstad', { kind: 'email', to: 'intag-bistand@karlstad.example' }, 'delivered', { attempts: 1, deliveredAt: '2026-10-05T07:15:20.000Z' }),
      outboxItem(richCase, 'karlstad', { kind: 'webhook', url: 'https://verksamhetssystem.karlstad.example/intag' }, 'failing', { attempts: 6, lastError: 'HTTP 502 Bad Gateway' }),
      outboxItem(richCase, 'karlstad', { kind: 'teams', channel: 'karlstad-bistand' }, 'skipped', { lastError: 'example address in data/directory.yaml; replace it with a real one' }),
      // The region's delivery is not Karlstad's to see.
      outboxItem(richCase, 'region_varmland', { kind: 'email', to: 'intag-vardcentral@regionvarmland.example' }, 'delivered', { attempts: 1, deliveredAt: '2026-10-05T07:15:30.000Z' }),
    ]);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(function () {
    return sessions.end(this.currentTest);
  });

  /** A fresh browser context that may only talk to the app under test. */
  async function newPage(options: BrowserContextOptions = {}): Promise<Page> {
    const page = await sessions.open(() => isolatedContext(browser, [server.url], options));
    page.on('console', (m) => {
      // Refusals (401, 403, 404) are answers the page expects; the browser logs them anyway.
      if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/u.test(m.text())) sessions.errors.push(`console: ${m.text()}`);
    });
    return page;
  }

  async function openSignIn(page: Page, hash = ''): Promise<void> {
    await page.goto(`${server.url}/staff/${hash}`);
    await page.waitForSelector('#sign-in-email');
  }

  async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
    await page.fill('#sign-in-email', email);
    await page.fill('#sign-in-password', password);
    await page.click('form.sign-in button[type="submit"]');
  }

  async function waitForList(page: Page): Promise<void> {
    // The cases, or that there are none, or (an account in no unit yet) that there can be none.
    await page.waitForSelector('table.cases tbody tr, p.empty, #no-units');
  }

  async function listReferences(page: Page): Promise<string[]> {
    return page.$$eval('table.cases tbody th a', (links: any[]) => links.map((a) => String(a.textContent).trim()));
  }

  async function applyFilters(page: Page, values: { status?: string; urgent?: string; municipality?: string; from?: string; to?: string }): Promise<string[]> {
    if (values.status !== undefined) await page.selectOption('#filter-status', values.status);
    if (values.urgent !== undefined) await page.selectOption('#filter-urgent', values.urgent);
    if (values.municipality !== undefined) await page.selectOption('#filter-municipality', values.municipality);
    if (values.from !== undefined) await page.fill('#filter-from', values.from);
    if (values.to !== undefined) await page.fill('#filter-to', values.to);
    // The view is built anew for every filter: wait for a new first heading and the new result.
    await page.evaluate(() => (document.getElementById('view-title').dataset.old = '1'));
    await page.click('#filter-apply');
    await page.waitForFunction(() => {
      const title = document.getElementById('view-title');
      return title && !title.dataset.old && !document.getElementById('view').hasAttribute('aria-busy') && document.querySelector('table.cases, p.empty, .notice--error');
    });
    return listReferences(page);
  }

  /** Waits until a live region (role status or alert) says this; returns what they all say. */
  async function message(page: Page, expected: string | RegExp): Promise<string> {
    const read = () => page.evaluate(() => Array.from(document.querySelectorAll('[role="status"], [role="alert"]')).map((r: any) => String(r.textContent)).join(' | '));
    const source = typeof expected === 'string' ? expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : expected.source;
    try {
      await page.waitForFunction(
        (src: string) => Array.from(document.querySelectorAll('[role="status"], [role="alert"]')).some((r: any) => new RegExp(src, 'u').test(String(r.textContent))),
        source,
        { timeout: 5000 },
      );
    } catch {
      throw new Error(`the live regions never said ${String(expected)}; they say "${await read()}"`);
    }
    return read();
  }

  async function bodyText(page: Page): Promise<string> {
    return page.evaluate(() => String(document.body.innerText));
  }

  async function expectSwedishOnly(page: Page): Promise<void> {
    const text = await bodyText(page);
    for (const english of API_ENGLISH) expect(text, `the page shows the API's English text ${english}`).not.to.match(english);
  }

  /** The link's target fetched from the page itself, with its session. */
  async function fetchFromPage(page: Page, href: string): Promise<{ status: number; type: string; disposition: string; text: string }> {
    return page.evaluate(async (url: string) => {
      const res = await window.fetch(url, { credentials: 'same-origin' });
      return { status: res.status, type: String(res.headers.get('content-type')), disposition: String(res.headers.get('content-disposition')), text: await res.text() };
    }, href);
  }

  it('lists the 16 Värmland municipalities of the directory for the filter', () => {
    const page = parseYaml(readFileSync(path.join(REPO_ROOT, 'locales', 'sv', 'staff-page.yaml'), 'utf8')) as { municipalities: Array<{ id: string; scbCode: string; organisation: string }> };
    const directory = parseYaml(readFileSync(path.join(REPO_ROOT, 'data', 'directory.yaml'), 'utf8')) as { organisations: Array<{ id: string; scbCode?: string; name: string }> };
    const fromDirectory = directory.organisations.filter((o) => o.scbCode).map((o) => `${o.id} ${o.scbCode} ${o.name}`).sort();
    expect(page.municipalities.map((m) => `${m.id} ${m.scbCode} ${m.organisation}`).sort()).to.deep.equal(fromDirectory);
    expect(fromDirectory).to.have.length(16);
  });

  it('has every text the page asks for in locales/sv/staff-page.yaml', () => {
    const strings = parseYaml(readFileSync(path.join(REPO_ROOT, 'locales', 'sv', 'staff-page.yaml'), 'utf8')) as Record<string, unknown>;
    const dir = path.join(REPO_ROOT, 'public', 'staff', 'js');
    const script = readdirSync(dir).map((f) => readFileSync(path.join(dir, f), 'utf8')).join('\n');
    const lookup = (key: string): unknown => {
      let node: unknown = strings;
      const parts = key.split('.');
      for (let i = 0; i < parts.length; i++) {
        if (!node || typeof node !== 'object') return undefined;
        const rest = parts.slice(i).join('.');
        if (typeof (node as Record<string, unknown>)[rest] === 'string') return (node as Record<string, unknown>)[rest];
        node = (node as Record<string, unknown>)[parts[i]!];
      }
      return node;
    };
    const keys = [...script.matchAll(/\bt(?:Count)?\('([\w.]+)'/gu)].map((m) => m[1]!);
    expect(keys.length).to.be.greaterThan(100);
    // "status." + status and the like: the group must be there (its members are checked in the views).
    const missing = [...new Set(keys)].filter((k) => (k.endsWith('.') ? typeof lookup(k.slice(0, -1)) !== 'object' : typeof lookup(k) !== 'string'));
    expect(missing, 'texts the staff page modules use that the YAML file lacks').to.deep.equal([]);
  });

  it('signs in: the form passes axe, a wrong password gives a Swedish error, then the case list', async () => {
    const page = await newPage();
    await openSignIn(page);
    expect(await page.getAttribute('html', 'lang')).to.equal('sv');
    expect(await page.textContent('h1')).to.equal('Logga in');
    expect(await page.title()).to.equal('Logga in – Personalsidan');
    expect(await page.isVisible('#nav')).to.equal(false);
    // The first field has the focus: the form is the only thing to do.
    expect((await focused(page)).id).to.equal('sign-in-email');
    expectNoViolations(await runAxe(page), 'on the sign-in form');
    await screenshot(page, 'staff-01-sign-in');

    await signIn(page, PEOPLE.karlstadStaff.email, 'fel-lösenord-123');
    // Said in the form, in a region that screen readers announce.
    await message(page, 'Fel e-postadress eller lösenord');
    expect(await page.textContent('form.sign-in [role="alert"]')).to.equal('Fel e-postadress eller lösenord, eller så är kontot avstängt. Försök igen.');
    expect(await page.getAttribute('#sign-in-password', 'aria-invalid')).to.equal('true');
    expect(await page.inputValue('#sign-in-password')).to.equal('');
    await expectSwedishOnly(page);
    expectNoViolations(await runAxe(page), 'on the sign-in form with an error');
    await screenshot(page, 'staff-02-sign-in-error');

    await page.fill('#sign-in-password', PASSWORD);
    await page.press('#sign-in-password', 'Enter');
    await waitForList(page);
    expect(await page.textContent('h1')).to.equal('Ärenden');
    expect(await page.title()).to.equal('Ärenden – Personalsidan');
    expect(await page.textContent('#who-text')).to.equal('Inloggad som Anna Exempel, Karlstads kommun');
  });

  it('shows the list with reference, date, status, urgency in words, municipality and topics; filters by status, urgency and date', async () => {
    const page = await newPage();
    await openSignIn(page);
    await signIn(page, PEOPLE.karlstadStaff.email);
    await waitForList(page);
    // Newest first; Kil's own case is not Karlstad's.
    expect(await listReferences(page)).to.deep.equal([plainCase.reference, urgentCase.reference, richCase.reference]);
    // The count is for screen readers (the table's caption shows it); the urgent note is for all.
    await message(page, '3 ärenden visas. 1 brådskande ärende har ingen börjat med ännu.');
    expect(await page.getAttribute('#status', 'class')).to.include('visually-hidden');
    expect(await page.textContent('table.cases caption')).to.equal('Ärenden (3)');
    expect(await page.textContent('#urgent-waiting')).to.equal('!1 brådskande ärende har ingen börjat med ännu. Visa de brådskande nya ärendena');
    expect(await page.$$eval('table.cases thead th', (ths: any[]) => ths.map((th) => String(th.textContent)))).to.deep.equal(['Referens', 'Namn', 'Inkommet', 'Status', 'Brådskande', 'Svar senast', 'Handläggare', 'Gäller']);
    // A municipality's staff get no municipality column or filter: every case is their municipality's.
    expect(await page.$$('#filter-municipality')).to.have.length(0);
    const rows = await page.$$eval('table.cases tbody tr', (trs: any[]) => trs.map((tr) => Array.from(tr.children).map((c: any) => String(c.textContent).trim())));
    const urgentRow = rows[1]!;
    expect(urgentRow[0]).to.equal(urgentCase.reference);
    expect(urgentRow[1]).to.equal('Testa Testsson');
    expect(urgentRow[2]).to.equal('2026-11-20 09:05'); // Swedish time
    expect(urgentRow[3]).to.equal('Ny');
    expect(urgentRow[4]).to.equal('!Brådskande');
    expect(urgentRow[5], 'urgent: due the day it came in, and now overdue').to.equal('2026-11-20 !Försenat');
    expect(urgentRow[6]).to.equal('–');
    expect(urgentRow[7]).to.include('Psykisk hälsa, Äldreomsorg och hjälp hemma');
    expect(urgentRow[7]).to.include('för någon annan');
    expect(rows[0]![4]).to.equal('Nej');
    expect(rows[2]![7]).to.include('SIP föreslås');
    // Urgency is written out (the "!" is decoration for sighted readers only).
    expect(await page.getAttribute('tr.is-urgent .badge__icon', 'aria-hidden')).to.equal('true');
    // Staff have no audit log in the menu.
    expect(await page.isVisible('#nav-audit')).to.equal(false);
    expect(await page.getAttribute('#nav-cases', 'aria-current')).to.equal('page');
    expectNoViolations(await runAxe(page), 'on the case list');
    await screenshot(page, 'staff-03-list');

    await page.click('#urgent-waiting a');
    await page.waitForFunction(() => document.querySelectorAll('table.cases tbody tr').length === 1);
    expect(await page.evaluate(() => window.location.hash)).to.equal('#/cases?status=new&urgent=true');
    expect(await page.inputValue('#filter-status')).to.equal('new');
    expect(await page.inputValue('#filter-urgent')).to.equal('true');
    expect(await applyFilters(page, { status: '', urgent: 'true' })).to.deep.equal([urgentCase.reference]);
    expect(await page.evaluate(() => window.location.hash)).to.equal('#/cases?urgent=true');
    await message(page, '1 ärende visas.');
    // The focus stays on the button that applied the filter.
    expect((await focused(page)).id).to.equal('filter-apply');
    // The way back from a case leads to the same filtered list.
    await page.click(`table.cases a:text-is("${urgentCase.reference}")`);
    await page.waitForSelector('.summary');
    await page.click('#back');
    await waitForList(page);
    expect(await page.evaluate(() => window.location.hash)).to.equal('#/cases?urgent=true');
    expect(await listReferences(page)).to.deep.equal([urgentCase.reference]);
    expect(await applyFilters(page, { urgent: 'false', from: '2026-11-01' })).to.deep.equal([plainCase.reference]);
    expect(await applyFilters(page, { urgent: '', from: '2026-11-01', to: '2026-11-21' })).to.deep.equal([urgentCase.reference]);
    expect(await applyFilters(page, { from: '', to: '', status: 'closed' })).to.deep.equal([]);
    expect(await page.textContent('p.empty')).to.equal('Inga ärenden passar filtret.');
    expect(await applyFilters(page, { status: 'new' })).to.have.length(3);
    expectNoViolations(await runAxe(page), 'on the filtered list');
    await applyFilters(page, { status: 'in_progress' });
    // A reload keeps the filter (it is in the address).
    await page.reload();
    await waitForList(page);
    expect(await page.inputValue('#filter-status')).to.equal('in_progress');
    expect(await page.textContent('p.empty')).to.equal('Inga ärenden passar filtret.');
    // A bad date in the address gives a Swedish message, not the API's.
    await page.evaluate(() => (window.location.hash = '#/cases?from=2026-13-45'));
    await page.waitForSelector('.notice--error');
    expect(await page.textContent('.notice--error')).to.include('Filtret gick inte att använda');
    await expectSwedishOnly(page);
    await page.click('#filter-clear');
    await waitForList(page);
    expect(await page.evaluate(() => window.location.hash)).to.equal('#/cases');
    expect(await listReferences(page)).to.have.length(3);
  });

  it('a region nurse sees cases from several municipalities and filters by municipality', async () => {
    const page = await newPage();
    await openSignIn(page);
    await signIn(page, PEOPLE.regionStaff.email);
    await waitForList(page);
    expect(await page.textContent('#who-text')).to.equal('Inloggad som Cecilia Testsson, Region Värmland');
    expect(await listReferences(page)).to.deep.equal([urgentCase.reference, kilRegionCase.reference, richCase.reference]);
    const options = await page.$$eval('#filter-municipality option', (os: any[]) => os.map((o) => String(o.textContent)));
    expect(options).to.have.length(17);
    expect(options[0]).to.equal('Alla kommuner');
    expect(options).to.include.members(['Karlstad', 'Kil', 'Årjäng', 'Säffle']);
    expect(await applyFilters(page, { municipality: '1715' })).to.deep.equal([kilRegionCase.reference]);
    await screenshot(page, 'staff-04-list-region-filtered');

    // Years of cases: the list shows the newest 200 and says how many there are, above the table.
    const many = [];
    for (let i = 0; i < 200; i++) many.push(await server.app.cases.create(caseDraft([REGION_VARDCENTRAL], { createdAt: new Date(Date.parse('2026-11-23T08:00:00.000Z') + i * 60_000).toISOString() })));
    await page.goto(`${server.url}/staff/#/cases`);
    await page.waitForSelector('#list-more');
    expect(await page.textContent('#list-more')).to.equal('De 200 första av 203 ärenden visas. Sök eller välj status, kommun eller datum ovan för att se andra.');
    const references = await listReferences(page);
    expect(references).to.have.length(200);
    expect(references[0]).to.equal(many.at(-1)!.reference);
    expect(references).not.to.include(urgentCase.reference);
    // The urgent case is not among the 200 shown, and is still announced.
    expect(await page.textContent('#urgent-waiting')).to.include('1 brådskande ärende har ingen börjat med ännu.');
    expect(await applyFilters(page, { municipality: '1715' })).to.deep.equal([kilRegionCase.reference]);
  });

  it('opens a case from the list: summary with IBIC areas, the conversation, the delivery history; takes and closes it with a note; the list follows', async () => {
    const page = await newPage();
    await openSignIn(page);
    await signIn(page, PEOPLE.karlstadStaff.email);
    await waitForList(page);
    await page.click(`table.cases a:text-is("${richCase.reference}")`);
    await page.waitForSelector('.summary');
    expect(await page.getAttribute('#back', 'href')).to.equal('#/cases');
    expect(await page.evaluate(() => window.location.hash)).to.equal(`#/cases/${richCase.reference}`);
    expect(await page.textContent('h1')).to.equal(`Ärende ${richCase.reference}`);
    expect((await focused(page)).tag).to.equal('h1');
    expect(await page.title()).to.equal(`Ärende ${richCase.reference} – Personalsidan`);

    const facts = await page.textContent('.facts');
    expect(facts).to.include('2026-10-05 09:15');
    expect(facts).to.include('Äldreomsorg och hjälp hemma, Vård på vårdcentral');
    expect(facts).to.include('Föreslagna områden (bara ett förslag)Psykisk hälsa');
    expect(facts).to.include('Biståndshandläggning (äldreomsorg), Karlstads kommun');
    const keyFacts = await page.textContent('#key-facts');
    expect(keyFacts).to.include('Svaren lämnades avpersonen själv').and.include('Samtycke till att delagavs av personen själv');
    expect(await page.textContent('.work-status')).to.equal('Ny');

    // The summary: its lines, sections as headings, items with their numbers and IBIC areas.
    const summary = await page.textContent('.summary');
    expect(summary).to.include('Det här gäller främst: Äldreomsorg och hjälp hemma, Vård på vårdcentral');
    expect(summary).to.include('SIP: Både kommunen och regionen kan behöva vara med.');
    expect(summary).to.include('Utifrån svaren kan det också handla om: Psykisk hälsa.');
    expect(await page.$$eval('.summary h3', (hs: any[]) => hs.map((x) => String(x.textContent)))).to.deep.equal(['Det som är viktigt för dig', 'Vardagen', 'Hur vi når dig']);
    const item3 = await page.locator('.summary .item').nth(2).innerText();
    expect(item3).to.equal('3. Berätta med egna ord hur din vardag ser ut just nu.\nJag bor ensam i en lägenhet på tredje våningen.\nHissen är ofta trasig.\nIBIC-livsområde: Hemliv, Förflyttning');
    expect(await page.getAttribute('.summary .item:nth-child(3)', 'class')).to.include('item--skipped');

    // The conversation, in order, with who said what.
    const messages = await page.$$eval('.transcript li', (lis: any[]) =>
      lis.map((li) => ({ who: String(li.querySelector('.msg__who').textContent), text: String(li.querySelector('.msg__text').textContent) })),
    );
    expect(messages).to.have.length(7);
    expect(messages[0]!.who).to.equal('Assistenten');
    expect(messages[0]!.text).to.include('automatisk assistent');
    expect(messages[3]).to.deep.equal({ who: 'Personen', text: 'Jag bor ensam i en lägenhet på tredje våningen.\nHissen är ofta trasig.' });
    expect(messages[5]).to.deep.equal({ who: 'Personen', text: 'Svar via formulär: shopping, transport' });
    expect(await page.textContent('.transcript h2')).to.equal('Samtalet (7 meddelanden)');
    expect(await page.textContent('.transcript li:first-child time')).to.equal('2026-10-05 09:01');
    expect(await page.textContent('.transcript li:nth-child(2) time')).to.equal('09:01');

    // Deliveries: only Karlstad's, the failing one marked in words with the error.
    const deliveries = await page.$$eval('.deliveries tbody tr', (trs: any[]) => trs.map((tr) => Array.from(tr.children).map((c: any) => String(c.textContent).trim())));
    expect(deliveries).to.have.length(3);
    expect(deliveries[0]!.slice(0, 3)).to.deep.equal(['E-post: intag-bistand@karlstad.example', 'Levererat', '1']);
    expect(deliveries[1]!.slice(0, 3)).to.deep.equal(['Webbkrok: https://verksamhetssystem.karlstad.example/intag', '⚠ Misslyckas – försöker igen', '6']);
    expect(deliveries[1]![4]).to.equal('Systemets felmeddelande: HTTP 502 Bad Gateway');
    expect(await page.getAttribute('.deliveries tr.is-failing code', 'lang')).to.equal('en');
    expect(deliveries[2]!.slice(0, 2)).to.deep.equal(['Teams-kanal: karlstad-bistand', 'Inte skickat']);
    expect(deliveries[2]![4]).to.equal('Adressen i katalogen är ett exempel och har inte bytts ut mot en riktig.');
    expect(await page.textContent('.deliveries .notice--error')).to.include('Leveransen misslyckas till 1 mottagare');
    expect(await page.textContent('.work .journal, .work p.muted')).to.include('Inga anteckningar ännu.');
    expectNoViolations(await runAxe(page), 'on the case view');
    await screenshot(page, 'staff-05-case', true);

    // Take it.
    await page.click('#take-karlstad-bistand');
    await message(page, `Du har tagit ärende ${richCase.reference}.`);
    // A confirmation of an action is shown as well as announced.
    expect(await page.getAttribute('#status', 'class')).not.to.include('visually-hidden');
    expect((await focused(page)).id).to.equal('work-karlstad-bistand');
    expect(await page.isVisible('#take-karlstad-bistand')).to.equal(false);
    expect(await page.textContent('.work-assignee')).to.equal('Anna Exempel (du)');
    expect(await page.textContent('.work-status')).to.equal('Pågår');
    expect(await page.textContent('.work .journal')).to.include('Taget av Anna Exempel');

    // Close it with a note.
    await page.getByLabel('Anteckning (valfri)').fill('Hembesök bokat 3/12. Anhörig informerad.');
    expectNoViolations(await runAxe(page), 'on the case view with a closing note written');
    await screenshot(page, 'staff-06-case-close-form');
    await page.click('#close-karlstad-bistand');
    await message(page, `Er del av ärende ${richCase.reference} är avslutad.`);
    expect(await page.isVisible('#close-karlstad-bistand')).to.equal(false);
    expect(await page.isVisible('#reopen-karlstad-bistand')).to.equal(true);
    const history = await page.textContent('.work .journal');
    expect(history).to.include('Avslutad av Anna Exempel');
    expect(history).to.include('Hembesök bokat 3/12. Anhörig informerad.');
    expect(await page.textContent('.work-status')).to.equal('Avslutad');
    await screenshot(page, 'staff-07-case-closed', true);

    // The exports, fetched with the page's own session.
    const textHref = (await page.getAttribute('#export-text', 'href'))!;
    const jsonHref = (await page.getAttribute('#export-json', 'href'))!;
    expect(await page.textContent('#export-text')).to.equal('Exportera som text');
    expect(await page.textContent('#export-json')).to.equal('Exportera som JSON');
    const text = await fetchFromPage(page, textHref);
    expect(text.status).to.equal(200);
    expect(text.type).to.include('text/plain');
    expect(text.disposition).to.include(`${richCase.reference}.txt`);
    expect(text.text).to.include(`Ärende ${richCase.reference}`);
    expect(text.text).to.include('Status: avslutad');
    expect(text.text).to.include('Hembesök bokat 3/12. Anhörig informerad.');
    const json = await fetchFromPage(page, jsonHref);
    expect(json.status).to.equal(200);
    expect(json.disposition).to.include(`${richCase.reference}.json`);
    const exported = JSON.parse(json.text) as CaseRecord;
    expect(exported.reference).to.equal(richCase.reference);
    expect(exported.work['karlstad:bistand']!.status).to.equal('closed');
    expect(Object.keys(exported.work), 'only the reader\'s unit').to.deep.equal(['karlstad:bistand']);

    // Back to the list: the status has changed there too.
    await page.click('#back');
    await waitForList(page);
    const row = await page.$$eval(`table.cases tr[data-reference="${richCase.reference}"] > *`, (cells: any[]) => cells.map((c) => String(c.textContent).trim()));
    expect(row[3]).to.equal('Avslutad');
    expect(row[6]).to.equal('Anna Exempel');
    expect(await applyFilters(page, { status: 'closed' })).to.deep.equal([richCase.reference]);
    expect(await applyFilters(page, { status: 'new' })).to.deep.equal([plainCase.reference, urgentCase.reference]);
    await screenshot(page, 'staff-08-list-after-close');
  });

  it('opens an e-mail\'s #/cases/… link after signing in; an urgent case written by a relative stands out', async () => {
    const page = await newPage();
    await openSignIn(page, `#/cases/${urgentCase.reference}`);
    expect(await page.textContent('form.sign-in .hint')).to.equal(`Efter inloggningen visas ärende ${urgentCase.reference}.`);
    await signIn(page, PEOPLE.karlstadStaff.email);
    await page.waitForSelector('.summary');
    expect(await page.evaluate(() => window.location.hash)).to.equal(`#/cases/${urgentCase.reference}`);
    expect(await page.textContent('h1')).to.equal(`Ärende ${urgentCase.reference}`);
    const banner = await page.textContent('#urgent-banner');
    expect(banner).to.include('Brådskande');
    expect(banner).to.include('Signaler i samtalet: tankar på självmord eller självskada');
    expect(await page.textContent('#key-facts')).to.include('inte av personen själv');
    expect(await page.textContent('.summary')).to.include('Svaren är lämnade av en närstående: dotter.');
    expect(await page.textContent('.summary__urgent')).to.include('Markerat som brådskande.');
    expect(await page.textContent('.transcript .msg__who')).to.equal('Den som svarade');
    expect(await page.textContent('.transcript h2')).to.equal('Samtalet (1 meddelande)');
    expect(await page.textContent('.deliveries')).to.include('Inga leveranser är registrerade för din enhet.');
    expectNoViolations(await runAxe(page), 'on an urgent case');
    await screenshot(page, 'staff-09-case-urgent', true);

    // A case without summary sections shows the summary text.
    await page.evaluate((ref: string) => (window.location.hash = `#/cases/${ref}`), plainCase.reference);
    await page.waitForSelector('.summary__text');
    expect(await page.textContent('.summary__text')).to.include('Vardagen just nu: Jag bor ensam och trappan är svår.');
    expect(await page.textContent('.transcript')).to.include('Samtalet finns inte sparat');
  });

  it('another organisation\'s case gives the Swedish "not your organisation" message; an unknown or malformed reference too', async () => {
    const page = await newPage();
    await openSignIn(page, `#/cases/${kilCase.reference}`);
    await signIn(page, PEOPLE.karlstadStaff.email);
    await page.waitForSelector('#case-forbidden');
    expect(await page.textContent('h1')).to.equal('Inte din organisations ärende');
    expect(await page.textContent('#case-forbidden')).to.equal(
      `Ärende ${kilCase.reference} skickades inte till din organisation, så du kan inte läsa det. Är det fel? Kontakta den som skickade länken.`,
    );
    await message(page, 'skickades inte till din organisation');
    expect(await page.isVisible('.summary')).to.equal(false);
    await expectSwedishOnly(page);
    expectNoViolations(await runAxe(page), 'on the refused case');
    await screenshot(page, 'staff-10-case-other-organisation');

    await page.evaluate(() => (window.location.hash = '#/cases/NV-2020-999999'));
    await page.waitForSelector('.notice--error');
    expect(await page.textContent('.notice--error')).to.equal('Det finns inget ärende NV-2020-999999.');
    await page.evaluate(() => (window.location.hash = '#/cases/hej'));
    await page.waitForFunction(() => String(document.querySelector('.notice--error')?.textContent).includes('ingen ärendereferens'));
    await page.evaluate(() => (window.location.hash = '#/nowhere'));
    await page.waitForFunction(() => String(document.querySelector('h1')?.textContent) === 'Sidan finns inte. Gå tillbaka till ärendena.');
    await expectSwedishOnly(page);
  });

  it('shows an administrator the audit log with the chain as whole, and an export; staff are refused', async () => {
    const staff = await newPage();
    await openSignIn(staff, '#/audit');
    await signIn(staff, PEOPLE.karlstadStaff.email);
    await staff.waitForSelector('.notice--error');
    expect(await staff.textContent('.notice--error')).to.equal('Bara administratörer kan läsa granskningsloggen.');
    expect(await staff.isVisible('#nav-audit')).to.equal(false);
    await sessions.context!.close();

    const page = await newPage();
    await openSignIn(page);
    await signIn(page, PEOPLE.karlstadAdmin.email);
    await waitForList(page);
    expect(await page.textContent('#who-text')).to.equal('Inloggad som Bertil Admin, Karlstads kommun (administratör)');
    expect(await page.isVisible('#nav-audit')).to.equal(true);
    await page.click('#nav-audit');
    await page.waitForSelector('#chain-status');
    expect(await page.textContent('h1')).to.equal('Granskningslogg');
    expect(await page.getAttribute('#nav-audit', 'aria-current')).to.equal('page');
    const chain = await page.textContent('#chain-status');
    expect(chain).to.match(/^✓ Loggkedjan är hel: alla \d+ poster i hela loggen \(alla organisationer\) hänger ihop, och ingen har ändrats eller tagits bort\.$/u);
    expect(await page.textContent('table.audit caption')).to.match(/^Poster som gäller Karlstads kommun \(\d+\)$/u);
    const rows = await page.$$eval('table.audit tbody tr', (trs: any[]) => trs.map((tr) => Array.from(tr.children).map((c: any) => String(c.textContent).trim())));
    expect(rows.length).to.be.greaterThan(5);
    // Newest first: this admin's own reading of the list, then signing in.
    expect(rows.map((r) => r[4])).to.include.members(['Inloggning', 'Lista ärenden', 'Läsa ärende', 'Läsa samtal', 'Ge ärende till handläggare', 'Stänga ärende', 'Exportera ärende']);
    expect(Number(rows[0]![0])).to.be.greaterThan(Number(rows[1]![0]));
    // Karlstad's own refusals are there: a member of staff who tried to read Kil's case.
    const denied = rows.filter((r) => r[6] === '✕ Nekat');
    expect(denied.some((r) => r[2] === PEOPLE.karlstadStaff.email && r[4] === 'Läsa ärende' && r[5] === kilCase.reference)).to.equal(true);
    expectNoViolations(await runAxe(page), 'on the audit log');
    await screenshot(page, 'staff-11-audit');

    expect(rows.some((r) => r[4] === 'Lista ärenden' && r[5] === 'filter: status avslutad')).to.equal(true);
    await page.check('#audit-denied');
    await page.waitForFunction(() => document.querySelectorAll('table.audit tbody tr:not(.is-denied)').length === 0);
    await message(page, /\d+ loggposter visas\./u);

    const href = (await page.getAttribute('#audit-export', 'href'))!;
    expect(await page.textContent('#audit-export')).to.equal('Exportera loggen (JSONL)');
    const exported = await fetchFromPage(page, href);
    expect(exported.status).to.equal(200);
    expect(exported.disposition).to.include('audit.jsonl');
    const lines = exported.text.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; hash: string });
    expect(lines.length).to.be.greaterThan(5);
    expect(lines.every((l) => typeof l.hash === 'string')).to.equal(true);
  });

  it('works with the keyboard only: sign in, open a case from the list, take it, with a visible focus', async () => {
    const page = await newPage();
    await openSignIn(page);
    // The e-mail field has the focus; before it there is only the skip link.
    expect((await focused(page)).id).to.equal('sign-in-email');
    await page.keyboard.press('Shift+Tab');
    expect((await focused(page)).id).to.equal('skip');
    await page.keyboard.press('Tab');
    expect((await focused(page)).id).to.equal('sign-in-email');
    await page.keyboard.type(PEOPLE.kilStaff.email);
    await page.keyboard.press('Tab');
    expect((await focused(page)).id).to.equal('sign-in-password');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await waitForList(page);
    expect((await focused(page)).tag).to.equal('h1');

    // Tab through the filters to Kil's own case (the second row).
    let found = false;
    for (let i = 0; i < 40 && !found; i++) {
      await page.keyboard.press('Tab');
      found = (await focused(page)).text === kilCase.reference;
    }
    expect(found, 'reached the first case with Tab').to.equal(true);
    const ring = await page.evaluate(() => {
      const s = window.getComputedStyle(document.activeElement);
      return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
    });
    expect(ring.style).to.equal('solid');
    expect(ring.width).to.be.at.least(2);
    await screenshot(page, 'staff-12-keyboard-focus-on-case');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.summary');
    expect(await page.textContent('h1')).to.equal(`Ärende ${kilCase.reference}`);
    expect((await focused(page)).tag).to.equal('h1');

    found = false;
    for (let i = 0; i < 30 && !found; i++) {
      await page.keyboard.press('Tab');
      found = (await focused(page)).id === 'take-kil-bistand';
    }
    expect(found, 'reached "Ta ärendet" with Tab').to.equal(true);
    await page.keyboard.press('Enter');
    await message(page, `Du har tagit ärende ${kilCase.reference}.`);
    // The focus is on the unit's part, which now says who has it; onwards to giving it to a colleague.
    expect((await focused(page)).id).to.equal('work-kil-bistand');
    expect(await page.textContent('.work-assignee')).to.equal('David Prov (du)');
    await page.keyboard.press('Tab');
    expect((await focused(page)).tag).to.equal('select');
  });

  it('at 200 % zoom the list and a case fit the width without sideways scrolling, and pass axe', async () => {
    // 1280 × 900 at 200 %: the page is laid out for 640 CSS pixels.
    const page = await newPage({ viewport: { width: 640, height: 450 }, deviceScaleFactor: 2 });
    await openSignIn(page);
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    expect(await fits(), 'sign-in fits').to.equal(true);
    await signIn(page, PEOPLE.karlstadStaff.email);
    await waitForList(page);
    expect(await fits(), 'list fits').to.equal(true);
    expectNoViolations(await runAxe(page), 'on the list at 200 %');
    await screenshot(page, 'staff-13-list-200', true);
    await page.click(`table.cases a:text-is("${urgentCase.reference}")`);
    await page.waitForSelector('.summary');
    expect(await fits(), 'case fits').to.equal(true);
    expectNoViolations(await runAxe(page), 'on a case at 200 %');
    await screenshot(page, 'staff-14-case-200', true);
    // The delivery history becomes cards too.
    await page.evaluate((ref: string) => (window.location.hash = `#/cases/${ref}`), richCase.reference);
    await page.waitForSelector('.deliveries tbody tr');
    expect(await fits(), 'case with deliveries fits').to.equal(true);
    await page.locator('.deliveries').screenshot({ path: path.join(REPO_ROOT, 'test-output', 'screenshots', 'staff-15-deliveries-200.png') });

    await page.click('#sign-out');
    await page.waitForSelector('#sign-in-email');
    await signIn(page, PEOPLE.karlstadAdmin.email);
    await waitForList(page);
    await page.click('#nav-audit');
    await page.waitForSelector('table.audit');
    expect(await fits(), 'audit log fits').to.equal(true);
    expectNoViolations(await runAxe(page), 'on the audit log at 200 %');
    await screenshot(page, 'staff-16-audit-200');
  });

  it('reflows at every width from 1280 down to 320 CSS pixels: no view scrolls sideways', async () => {
    const page = await newPage();
    await openSignIn(page);
    await signIn(page, PEOPLE.karlstadAdmin.email);
    await waitForList(page);
    const overflowing: string[] = [];
    const views: Array<[string, string, string]> = [
      ['list', '#/cases', 'table.cases'],
      ['case', `#/cases/${richCase.reference}`, '.deliveries tbody tr'],
      ['audit', '#/audit', 'table.audit'],
      ['accounts', '#/accounts', 'table.accounts'],
    ];
    for (const [name, hash, ready] of views) {
      await page.evaluate((h: string) => (window.location.hash = h), hash);
      await page.waitForSelector(ready);
      for (const width of [1280, 1100, 960, 800, 700, 480, 320]) {
        await page.setViewportSize({ width, height: 800 });
        const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (wide > 0) overflowing.push(`${name} at ${width} px: ${wide} px too wide`);
        if (width === 320 || (name === 'audit' && width === 1100)) await screenshot(page, `staff-18-${name}-${width}`);
      }
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    expect(overflowing).to.deep.equal([]);
  });

  it('signs out; a session that ends in the middle asks to sign in again, for the same view', async () => {
    const page = await newPage();
    await openSignIn(page);
    await signIn(page, PEOPLE.karlstadStaff.email);
    await waitForList(page);
    await page.click('#sign-out');
    await page.waitForSelector('#sign-in-email');
    await message(page, 'Du är utloggad.');
    expect(await page.isVisible('#who')).to.equal(false);
    expect((await fetchFromPage(page, '/staff/api/me')).status).to.equal(401);

    await signIn(page, PEOPLE.karlstadStaff.email);
    await waitForList(page);
    await sessions.context!.clearCookies();
    await page.click(`table.cases a:text-is("${urgentCase.reference}")`);
    await page.waitForSelector('#sign-in-email');
    await message(page, 'Din inloggning har gått ut. Logga in igen.');
    expect(await page.textContent('form.sign-in .hint')).to.equal(`Efter inloggningen visas ärende ${urgentCase.reference}.`);
    await signIn(page, PEOPLE.karlstadStaff.email);
    await page.waitForSelector('.summary');
    expect(await page.textContent('h1')).to.equal(`Ärende ${urgentCase.reference}`);
  });

  /* ---------- staff accounts (administrators, "Personal") ---------- */

  const NEW_PERSON = { email: 'erik.nyanstalld@karlstad.test', name: 'Erik Nyanställd' };
  const NEW_PASSWORD = 'sommar äng blåbär kaffe';

  async function openAccounts(page: Page, email = PEOPLE.karlstadAdmin.email): Promise<void> {
    await openSignIn(page, '#/accounts');
    expect(await page.textContent('form.sign-in .hint')).to.equal('Efter inloggningen visas personalkontona.');
    await signIn(page, email);
    await page.waitForSelector('table.accounts');
  }

  /** The rows as they are seen: what is visually hidden (for screen readers only) or hidden left out. */
  async function accountRows(page: Page): Promise<string[][]> {
    return page.$$eval('table.accounts tbody tr', (trs: any[]) =>
      trs.map((tr) =>
        Array.from(tr.children).map((c: any) => {
          const copy = c.cloneNode(true);
          copy.querySelectorAll('.visually-hidden, [hidden]').forEach((x: any) => x.remove());
          return String(copy.textContent).trim();
        }),
      ),
    );
  }

  async function fillAccount(page: Page, values: { name: string; email: string; role?: 'staff' | 'admin'; password: string }): Promise<void> {
    await page.fill('#account-name', values.name);
    await page.fill('#account-email', values.email);
    await page.selectOption('#account-role', values.role ?? 'staff');
    await page.fill('#account-password', values.password);
  }

  /** Signs in through the API in a context of its own (cookies kept); returns its status. */
  async function apiSignIn(email: string, password: string): Promise<{ status: number; me: () => Promise<number>; close: () => Promise<void> }> {
    const other = await browser.newContext();
    const res = await other.request.post(`${server.url}/staff/api/login`, { data: { email, password }, failOnStatusCode: false });
    return {
      status: res.status(),
      me: async () => (await other.request.get(`${server.url}/staff/api/me`, { failOnStatusCode: false })).status(),
      close: () => other.close(),
    };
  }

  it('an administrator adds an account from "Personal"; wrong input gets Swedish messages; the new account can sign in', async () => {
    const page = await newPage();
    await openSignIn(page);
    await signIn(page, PEOPLE.karlstadAdmin.email);
    await waitForList(page);
    expect(await page.isVisible('#nav-accounts')).to.equal(true);
    expect(await page.textContent('#nav-accounts')).to.equal('Personal');
    await page.click('#nav-accounts');
    await page.waitForSelector('table.accounts');
    expect(await page.evaluate(() => window.location.hash)).to.equal('#/accounts');
    expect(await page.textContent('h1')).to.equal('Personalkonton');
    expect(await page.title()).to.equal('Personalkonton – Personalsidan');
    expect(await page.getAttribute('#nav-accounts', 'aria-current')).to.equal('page');
    expect((await focused(page)).tag).to.equal('h1');
    await message(page, '2 konton visas.');

    // Karlstad's own accounts only, with role and status in words; one's own cannot be disabled here.
    expect(await page.textContent('table.accounts caption')).to.equal('Konton i Karlstads kommun (2)');
    expect(await page.$$eval('table.accounts thead th', (ths: any[]) => ths.map((th) => String(th.textContent)))).to.deep.equal(['Namn', 'E-postadress', 'Roll', 'Status', 'Åtgärd']);
    expect(await accountRows(page)).to.deep.equal([
      ['Anna Exempel', PEOPLE.karlstadStaff.email, 'Handläggare', 'Aktivt', 'Stäng av'],
      ['Bertil Admin (du)', PEOPLE.karlstadAdmin.email, 'Administratör', 'Aktivt', 'Ditt eget konto'],
    ]);
    // Each "Stäng av" says whose account it is to a screen reader.
    expect(await page.textContent(`[data-disable="${PEOPLE.karlstadStaff.email}"]`)).to.equal('Stäng av kontot för Anna Exempel');
    expect(await page.textContent('#view')).not.to.include(PEOPLE.kilStaff.email);

    // The form: labelled fields, the password's rule stated.
    for (const id of ['account-name', 'account-email', 'account-role', 'account-password', 'account-show-password']) {
      expect(await page.locator(`label[for="${id}"]`).count(), `a label for #${id}`).to.equal(1);
    }
    expect(await page.textContent('#account-password-hint')).to.include(`Minst ${MIN_PASSWORD_LENGTH} tecken.`);
    expect(await page.getAttribute('#account-password', 'aria-describedby')).to.include('account-password-hint');
    expect(await page.$$eval('#account-role option', (os: any[]) => os.map((o) => String(o.textContent)))).to.deep.equal(['Handläggare', 'Administratör']);
    expectNoViolations(await runAxe(page), 'on the staff accounts view');

    // Nothing filled in: each field says what it needs; the focus goes to the first.
    await page.click('#account-submit');
    expect(await page.textContent('#account-name-error')).to.equal('Skriv personens namn.');
    expect(await page.textContent('#account-email-error')).to.equal('Skriv personens e-postadress.');
    expect(await page.textContent('#account-password-error')).to.equal(`Skriv ett lösenord på minst ${MIN_PASSWORD_LENGTH} tecken.`);
    expect((await focused(page)).id).to.equal('account-name');

    // A password that is too short.
    await fillAccount(page, { name: NEW_PERSON.name, email: NEW_PERSON.email, password: 'kort-lösen' });
    await page.click('#account-submit');
    await page.waitForSelector('#account-password-error:not([hidden])');
    expect(await page.textContent('#account-password-error')).to.equal('Lösenordet måste vara minst 12 tecken. Det du skrev är 10 tecken.');
    expect(await page.getAttribute('#account-password', 'aria-invalid')).to.equal('true');
    expect(await page.getAttribute('#account-password', 'aria-describedby')).to.include('account-password-error');
    expect(await page.isVisible('#account-name-error')).to.equal(false);
    expect((await focused(page)).id).to.equal('account-password');
    expectNoViolations(await runAxe(page), 'on the staff accounts form with an error');
    await screenshot(page, 'staff-accounts-error', true);

    // The API's own refusals, in Swedish. An address it does not accept (400):
    await fillAccount(page, { name: NEW_PERSON.name, email: 'åsa.nyström@karlstad.test', password: NEW_PASSWORD });
    const refusedEmail = page.waitForResponse((r) => r.url().endsWith('/staff/api/accounts') && r.request().method() === 'POST');
    await page.click('#account-submit');
    expect((await refusedEmail).status()).to.equal(400);
    await page.waitForSelector('#account-email-error:not([hidden])');
    expect(await page.textContent('#account-email-error')).to.match(/^Skriv en giltig e-postadress/u);
    expect((await focused(page)).id).to.equal('account-email');
    // A password the API finds too short (400; here it is shortened on the way, past the form's own check):
    await page.route('**/staff/api/accounts', (route) =>
      route.request().method() === 'POST' ? route.fallback({ postData: JSON.stringify({ ...JSON.parse(route.request().postData() ?? '{}'), password: 'kort' }) }) : route.fallback(),
    );
    await fillAccount(page, { name: NEW_PERSON.name, email: NEW_PERSON.email, password: NEW_PASSWORD });
    const refusedPassword = page.waitForResponse((r) => r.url().endsWith('/staff/api/accounts') && r.request().method() === 'POST');
    await page.click('#account-submit');
    expect((await refusedPassword).status()).to.equal(400);
    await page.waitForSelector('#account-password-error:not([hidden])');
    expect(await page.textContent('#account-password-error')).to.equal('Lösenordet gick inte att använda. Det ska vara minst 12 och högst 500 tecken.');
    await page.unroute('**/staff/api/accounts');
    // Another organisation's account (403):
    await fillAccount(page, { name: 'David Prov', email: PEOPLE.kilStaff.email, password: NEW_PASSWORD });
    await page.click('#account-submit');
    await page.waitForSelector('#account-email-error:not([hidden])');
    expect(await page.textContent('#account-email-error')).to.equal(
      `E-postadressen ${PEOPLE.kilStaff.email} hör till ett konto i en annan organisation. Du kan bara lägga till konton i Karlstads kommun.`,
    );
    await expectSwedishOnly(page);

    // Now right: the account is added, shown in the list with the focus on it, the form emptied.
    await fillAccount(page, { name: NEW_PERSON.name, email: 'Erik.Nyanstalld@Karlstad.test', password: NEW_PASSWORD });
    await page.check('#account-show-password');
    expect(await page.getAttribute('#account-password', 'type')).to.equal('text');
    await page.click('#account-submit');
    await message(page, `Kontot för ${NEW_PERSON.name} (${NEW_PERSON.email}) är tillagt. Ge personen lösenordet på ett säkert sätt.`);
    await page.waitForSelector(`tr[data-account="${NEW_PERSON.email}"]`);
    expect(await accountRows(page)).to.deep.include([NEW_PERSON.name, NEW_PERSON.email, 'Handläggare', 'Aktivt', 'Stäng av']);
    expect(await page.textContent('table.accounts caption')).to.equal('Konton i Karlstads kommun (3)');
    const onRow = await page.evaluate(() => document.activeElement.closest('tr')?.getAttribute('data-account'));
    expect(onRow).to.equal(NEW_PERSON.email);
    expect(await page.inputValue('#account-name')).to.equal('');
    expect(await page.inputValue('#account-password')).to.equal('');
    expect(await page.getAttribute('#account-password', 'type')).to.equal('password');
    expect(await page.isVisible('#account-email-error')).to.equal(false);
    await expectSwedishOnly(page);
    expectNoViolations(await runAxe(page), 'on the staff accounts view after adding');
    await screenshot(page, 'staff-accounts', true);
    await sessions.context!.close();

    // The new account signs in, in a fresh browser, and sees no "Personal".
    const fresh = await newPage();
    await openSignIn(fresh);
    await signIn(fresh, NEW_PERSON.email, NEW_PASSWORD);
    await waitForList(fresh);
    expect(await fresh.textContent('#who-text')).to.equal(`Inloggad som ${NEW_PERSON.name}, Karlstads kommun`);
    expect(await fresh.isVisible('#nav-accounts')).to.equal(false);
  });

  it('disabling asks for confirmation first (Escape and Avbryt leave the account as it was); then the account cannot sign in', async () => {
    // The account has a session open elsewhere: it ends when the account is disabled.
    const elsewhere = await apiSignIn(NEW_PERSON.email, NEW_PASSWORD);
    expect(elsewhere.status).to.equal(200);
    expect(await elsewhere.me()).to.equal(200);

    const page = await newPage();
    await openAccounts(page);
    const button = `[data-disable="${NEW_PERSON.email}"]`;
    const confirmFor = async (): Promise<string> => String(await page.getAttribute(button, 'aria-controls'));
    const box = `#${await confirmFor()}`;
    expect(await page.getAttribute(button, 'aria-expanded')).to.equal('false');
    expect(await page.isVisible(box)).to.equal(false);

    // With the keyboard: Enter asks, Escape takes it back, the focus returns to the button.
    await page.focus(button);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${box}:not([hidden])`);
    expect(await page.textContent(`${box} .confirm__question`)).to.equal(
      `Stänga av kontot för ${NEW_PERSON.name} (${NEW_PERSON.email})? Personen loggas ut direkt och kan inte logga in igen förrän en administratör lägger till kontot på nytt.`,
    );
    expect((await focused(page)).className).to.equal('confirm__question');
    expect(await page.getAttribute(box, 'role')).to.equal('group');
    await page.keyboard.press('Escape');
    expect(await page.isVisible(box)).to.equal(false);
    expect((await focused(page)).text).to.equal(`Stäng av kontot för ${NEW_PERSON.name}`);
    expect(await page.getAttribute(button, 'aria-expanded')).to.equal('false');

    // Tab to "Avbryt": the same.
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect((await focused(page)).text).to.equal('Ja, stäng av');
    await page.keyboard.press('Tab');
    expect((await focused(page)).text).to.equal('Avbryt');
    await page.keyboard.press('Enter');
    expect(await page.isVisible(box)).to.equal(false);
    expect((await focused(page)).text).to.equal(`Stäng av kontot för ${NEW_PERSON.name}`);
    expect(await elsewhere.me(), 'still signed in after Avbryt').to.equal(200);
    expect((await accountRows(page)).find((r) => r[1] === NEW_PERSON.email)![3]).to.equal('Aktivt');

    // Asked again, and confirmed.
    await page.click(button);
    expect(await page.getAttribute(button, 'aria-expanded')).to.equal('true');
    expectNoViolations(await runAxe(page), 'on the staff accounts view with a confirmation open');
    await screenshot(page, 'staff-accounts-confirm', true);
    await page.click(`[data-confirm="${NEW_PERSON.email}"]`);
    await message(page, `Kontot för ${NEW_PERSON.name} är avstängt. Personen kan inte längre logga in.`);
    await page.waitForFunction((email: string) => document.querySelector(`tr[data-account="${email}"]`)?.classList.contains('is-disabled'), NEW_PERSON.email);
    expect((await accountRows(page)).find((r) => r[1] === NEW_PERSON.email)).to.deep.equal([NEW_PERSON.name, NEW_PERSON.email, 'Handläggare', 'Avstängt', '–']);
    expect(await page.evaluate(() => document.activeElement.closest('tr')?.getAttribute('data-account'))).to.equal(NEW_PERSON.email);
    expect(await page.$(button)).to.equal(null);
    await expectSwedishOnly(page);
    expectNoViolations(await runAxe(page), 'on the staff accounts view after disabling');
    await sessions.context!.close();

    // Its open session has ended, and it cannot sign in again.
    expect(await elsewhere.me(), 'the open session ends').to.equal(401);
    await elsewhere.close();
    const fresh = await newPage();
    await openSignIn(fresh);
    await signIn(fresh, NEW_PERSON.email, NEW_PASSWORD);
    await message(fresh, 'Fel e-postadress eller lösenord, eller så är kontot avstängt. Försök igen.');
    expect(await fresh.isVisible('#nav')).to.equal(false);
  });

  it('staff see no "Personal" and get a Swedish refusal at #/accounts; with local accounts off administrators do not see it either', async () => {
    const page = await newPage();
    await openSignIn(page, '#/accounts');
    await signIn(page, PEOPLE.karlstadStaff.email);
    await page.waitForSelector('#accounts-refused');
    expect(await page.textContent('h1')).to.equal('Personalkonton');
    expect(await page.textContent('#accounts-refused')).to.equal('Bara administratörer kan hantera personalkonton.');
    await message(page, 'Bara administratörer kan hantera personalkonton.');
    expect(await page.isVisible('#nav-accounts')).to.equal(false);
    expect(await page.$('table.accounts, #account-name')).to.equal(null);
    // The API refuses too.
    const listed = await fetchFromPage(page, '/staff/api/accounts');
    expect(listed.status).to.equal(403);
    await expectSwedishOnly(page);
    expectNoViolations(await runAxe(page), 'on the refused staff accounts view');
    await screenshot(page, 'staff-accounts-refused');
    await sessions.context!.close();

    // The service has local accounts turned off (STAFF_LOCAL_ACCOUNTS=false): an administrator
    // already signed in sees no "Personal", and #/accounts says why.
    const admin = await newPage();
    await openSignIn(admin);
    await signIn(admin, PEOPLE.karlstadAdmin.email);
    await waitForList(admin);
    expect(await admin.isVisible('#nav-accounts')).to.equal(true);
    await admin.route('**/staff/api/signin-options', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ local: false, entra: true }) }));
    await admin.evaluate(() => (window.location.hash = '#/accounts'));
    await admin.reload();
    await admin.waitForSelector('#accounts-refused');
    expect(await admin.isVisible('#nav-accounts')).to.equal(false);
    expect(await admin.isVisible('#nav-audit')).to.equal(true);
    expect(await admin.textContent('#accounts-refused')).to.match(/^Lokala personalkonton är avstängda i den här tjänsten\./u);
    expect(await admin.$('#account-name')).to.equal(null);
  });

  // Last: it breaks the audit log of the app under test on purpose.
  it('says in words when the audit log\'s chain is broken, and where', async () => {
    const dir = path.join(server.dataDir, 'audit');
    const files = (await readdir(dir)).sort();
    const victim = path.join(dir, files[3]!);
    const raw = JSON.parse(await readFile(victim, 'utf8')) as { value: { actor: string } };
    raw.value.actor = 'någon-annan@karlstad.test';
    await writeFile(victim, JSON.stringify(raw));

    const page = await newPage();
    await openSignIn(page, '#/audit');
    await signIn(page, PEOPLE.karlstadAdmin.email);
    await page.waitForSelector('#chain-status');
    expect(await page.textContent('#chain-status')).to.equal(
      '⚠ Varning: loggkedjan är bruten vid post 4 (innehållet i posten har ändrats). Loggen kan ha ändrats. Kontakta den som ansvarar för informationssäkerheten.',
    );
    await message(page, 'loggkedjan är bruten vid post 4');
    expectNoViolations(await runAxe(page), 'on the audit log with a broken chain');
    await screenshot(page, 'staff-17-audit-broken-chain');
  });
});
