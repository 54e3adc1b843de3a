/**
 * Browser tests of the resident-facing widget: the real app on 127.0.0.1 with a temporary data
 * folder, Debian's Chromium driven by playwright-core (never a downloaded browser), and helpers that
 * read what a resident sees in Web Chat. Nothing here reaches the internet: every request that does
 * not go to the app under test is refused.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { buildWebChat } from '../../scripts/build-webchat.js';
import { createApp, type App, type AppOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { REPO_ROOT, removeDir, tempDir } from './harness.js';
import { browserPath } from '../../scripts/browser/find-browser.js';

// The functions passed to page.evaluate run in the browser; the project compiles without the DOM lib.
declare const document: any;
declare const window: any;

export const SCREENSHOTS = path.join(REPO_ROOT, 'test-output', 'screenshots');
const AXE = path.join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js');

/** Web Chat's and the widget's parts, as selectors. */
export const SEL = {
  launcher: '.nv-launcher',
  panel: '#nv-panel',
  title: '#nv-title',
  end: '.nv-btn--end',
  close: '.nv-btn--close',
  confirm: '#nv-confirm',
  sendBox: '.nv-chat [data-id="webchat-sendbox-input"]',
  activity: '.nv-chat article.webchat__basic-transcript__activity',
  suggestedAction: '.nv-chat .webchat__suggested-actions button.webchat__suggested-action',
};

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    // The browser npm test found (or installed): CHROMIUM_PATH, Debian's Chromium, Chrome or Edge.
    executablePath: browserPath(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

export interface TestServer {
  app: App;
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * The real app, in-process, on a free port of 127.0.0.1, with its own data folder, serving the
 * current Web Chat build (made first if it is missing or stale, as `npm start` would).
 */
export async function startServer(env: Record<string, string> = {}, options: AppOptions = {}): Promise<TestServer> {
  await buildWebChat();
  const dataDir = await tempDir('intake-browser-');
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env }, REPO_ROOT);
  const app = await createApp({ ...config, port: 0 }, createLogger('silent'), options);
  const { url } = await app.listen();
  return {
    app,
    url,
    dataDir,
    close: async () => {
      await app.close();
      await removeDir(dataDir);
    },
  };
}

/**
 * Contexts whose clock the tests move forward while they wait. Web Chat polls Direct Line once a
 * second; moving the page's clock on by the polling interval makes the next poll happen at once, so
 * a whole interview takes seconds instead of half a minute. Nothing else about the page changes.
 */
const fastClocks = new WeakSet<BrowserContext>();

/** Refuses every request of the context except to these origins (and data: and blob: URLs). */
async function allowOnly(context: BrowserContext, allowedOrigins: string[]): Promise<void> {
  const origins = allowedOrigins.map((u) => new URL(u).origin);
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (origins.some((o) => url.startsWith(o)) || url.startsWith('data:') || url.startsWith('blob:')) return route.fallback();
    return route.abort('blockedbyclient');
  });
}

/** A fresh browser context (its own cookies and storage) that may only talk to these origins. */
export async function isolatedContext(browser: Browser, allowedOrigins: string[], options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'sv-SE', ...options });
  await allowOnly(context, allowedOrigins);
  return context;
}

/** A context for the widget that may only talk to the app under test, with the fast clock described above. */
export async function newContext(browser: Browser, baseUrl: string, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'sv-SE', ...options });
  await context.clock.install();
  fastClocks.add(context);
  await allowOnly(context, [baseUrl]);
  return context;
}

/**
 * One browser context per test: `open` makes it and its page, `end` (from afterEach) closes it and
 * fails a test that passed while errors showed in its page.
 */
export class PageSessions {
  context: BrowserContext | undefined;
  errors: string[] = [];

  async open(make: () => Promise<BrowserContext>): Promise<Page> {
    this.context = await make();
    const page = await this.context.newPage();
    this.errors = watchErrors(page);
    return page;
  }

  async end(test: { state?: string } | undefined): Promise<void> {
    await this.context?.close();
    this.context = undefined;
    const errors = this.errors;
    this.errors = [];
    if (test?.state === 'passed') expect(errors, 'errors in the page').to.deep.equal([]);
  }
}

/** What a browser suite of the widget uses; `server` and `browser` are there once its before hook has run. */
export interface WidgetBrowser {
  readonly server: TestServer;
  readonly browser: Browser;
  readonly sessions: PageSessions;
  newPage(options?: BrowserContextOptions): Promise<Page>;
}

/**
 * The hooks of a browser suite of the widget: the app (with `env`) and Debian's Chromium, started
 * side by side (the server is kept even when the browser cannot start, so the after hook closes it
 * and mocha can exit after reporting the failure), and a fresh context per test (PageSessions).
 */
export function useWidgetBrowser(env: Record<string, string> = {}, options: AppOptions = {}): WidgetBrowser {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  const sessions = new PageSessions();
  before(async () => {
    const starting = startServer(env, options);
    try {
      browser = await launchBrowser();
    } finally {
      server = await starting;
    }
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(function () {
    return sessions.end(this.currentTest);
  });
  return {
    get server() {
      return server!;
    },
    get browser() {
      return browser!;
    },
    sessions,
    newPage: (options = {}) => sessions.open(() => newContext(browser!, server!.url, options)),
  };
}

/** The conversation the widget keeps in sessionStorage, or null. */
export async function storedSession(page: Page): Promise<{ conversationId: string; token: string; userId: string; domain: string } | null> {
  return page.evaluate(() => {
    const key = Object.keys(window.sessionStorage).find((k: string) => k.startsWith('nv-intake:'));
    return key ? JSON.parse(window.sessionStorage.getItem(key)) : null;
  });
}

export function expectNoViolations(violations: AxeViolation[], where: string): void {
  expect(violations, `axe WCAG 2.1 AA violations ${where}:\n${describeViolations(violations)}`).to.deep.equal([]);
}

/** Collects page errors, and anything the page's Content Security Policy blocked, so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (m) => {
    if (/Content Security Policy/iu.test(m.text())) errors.push(`csp: ${m.text()}`);
  });
  return errors;
}

/** Waits (briefly) until Web Chat has scrolled its transcript to the newest message. */
export async function settle(page: Page): Promise<void> {
  await page
    .waitForFunction(
      () => {
        const el = document.querySelector('.nv-chat .webchat__basic-transcript__scrollable');
        return !el || el.scrollTop + el.clientHeight >= el.scrollHeight - 2;
      },
      undefined,
      { timeout: 2000, polling: 50 },
    )
    .catch(() => undefined);
}

export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  await settle(page);
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string; html: string }>;
}

/** axe-core with the WCAG 2.1 A and AA rules on the whole document. */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof window.axe !== 'undefined');
  // Evaluated through the DevTools protocol, which the page's Content Security Policy does not govern
  // (an added <script> tag would be inline script, which the policy rightly blocks).
  if (!loaded) await page.evaluate(await readFile(AXE, 'utf8'));
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n: any) => ({ target: n.target, failureSummary: n.failureSummary, html: String(n.html).slice(0, 200) })),
    }));
  });
}

export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}: ${n.failureSummary ?? ''}\n    ${n.html}`).join('\n')}`)
    .join('\n');
}

/** Texts of the activities in the transcript, oldest first, with who sent them. */
export async function transcript(page: Page): Promise<Array<{ fromUser: boolean; text: string }>> {
  return page.evaluate((selector: string) => {
    return Array.from(document.querySelectorAll(selector)).map((a: any) => ({
      fromUser: Boolean(a.querySelector('.webchat__stacked-layout--from-user')),
      text: String(a.textContent ?? ''),
    }));
  }, SEL.activity);
}

export async function botCount(page: Page): Promise<number> {
  return (await transcript(page)).filter((a) => !a.fromUser).length;
}

/**
 * Polls a condition in the page until it holds, moving a fast clock on between checks (see
 * fastClocks) so that Web Chat's next Direct Line poll is not a second away.
 */
export async function until(page: Page, condition: (arg: any) => boolean, arg: unknown, what: string, timeout = 15000): Promise<void> {
  const deadline = Date.now() + timeout;
  const fast = fastClocks.has(page.context());
  for (;;) {
    if (await page.evaluate(condition, arg)) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeout} ms waiting for ${what}`);
    if (fast) await page.clock.fastForward(250);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits until a bot activity after the first `after` ones contains the text. */
export async function waitForBot(page: Page, expected: string | RegExp, after = 0, timeout = 15000): Promise<void> {
  const source = typeof expected === 'string' ? escapeRegExp(expected) : expected.source;
  await until(
    page,
    ([selector, after, source]: [string, number, string]) => {
      const re = new RegExp(source);
      const bots = Array.from(document.querySelectorAll(selector)).filter((a: any) => !a.querySelector('.webchat__stacked-layout--from-user'));
      return bots.slice(after).some((a: any) => re.test(String(a.textContent ?? '')));
    },
    [SEL.activity, after, source] as [string, number, string],
    `the bot to say ${String(expected)}`,
    timeout,
  );
}

/** Waits until a suggested action with this exact label is shown. */
export async function waitForSuggestedAction(page: Page, label: string, timeout = 15000): Promise<void> {
  await until(
    page,
    ([selector, label]: [string, string]) =>
      Array.from(document.querySelectorAll(selector)).some((b: any) => String(b.textContent ?? '').trim() === label && !b.disabled && b.getAttribute('aria-disabled') !== 'true'),
    [SEL.suggestedAction, label] as [string, string],
    `the button "${label}"`,
    timeout,
  );
}

/** Types an answer in the send box and sends it with Enter; waits for the bot's next words. */
export async function say(page: Page, text: string, expected: string | RegExp): Promise<void> {
  const before = await botCount(page);
  await page.fill(SEL.sendBox, text);
  await page.press(SEL.sendBox, 'Enter');
  await waitForBot(page, expected, before);
}

/** Clicks a suggested action; waits for the bot's next words. */
export async function click(page: Page, label: string, expected: string | RegExp): Promise<void> {
  await waitForSuggestedAction(page, label);
  const before = await botCount(page);
  await suggestedAction(page, label).click();
  await waitForBot(page, expected, before);
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The suggested action with exactly this label. */
export function suggestedAction(page: Page, label: string) {
  return page.locator(SEL.suggestedAction).filter({ hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }).first();
}

/** Opens the demo page and waits for the launcher. */
export async function openDemo(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.waitForSelector(SEL.launcher, { state: 'visible' });
}

/** Opens the widget and waits for the greeting's question. */
export async function openWidget(page: Page): Promise<void> {
  await page.click(SEL.launcher);
  await page.waitForSelector(SEL.sendBox, { state: 'visible' });
  await waitForBot(page, 'Vill du fortsätta?');
}

/** What has focus, described for assertions. */
export async function focused(page: Page): Promise<{ tag: string; text: string; className: string; dataId: string | null; id: string }> {
  return page.evaluate(() => {
    const el = document.activeElement;
    return {
      tag: String(el?.tagName ?? '').toLowerCase(),
      text: String(el?.textContent ?? '').trim(),
      className: String(el?.className ?? ''),
      dataId: el?.getAttribute?.('data-id') ?? null,
      id: String(el?.id ?? ''),
    };
  });
}
