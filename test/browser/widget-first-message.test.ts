/**
 * The widget's first message at once (issue 22), in Debian's Chromium against the real app: with
 * Web Chat's script held back, the tap shows the assistant's greeting and its buttons in the
 * widget's own light panel (a live region, buttons of at least 44 px usable by keyboard, a send
 * box); answers given there go to the conversation; when Web Chat arrives it takes over the same
 * conversation and shows every message once, with a half-written answer and focus moved into its
 * send box, nothing moving on screen. A reload in the light panel resumes, "Avsluta" there ends the
 * conversation on the server, and a Web Chat that cannot be fetched leaves the light panel working.
 * Every text of the light panel comes from locales/<lang>/widget.yaml. Screenshots go to
 * test-output/screenshots/.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import type { Page } from 'playwright-core';
import {
  SEL,
  botCount,
  click,
  expectNoViolations,
  focused,
  openDemo,
  runAxe,
  screenshot,
  storedSession,
  transcript,
  until,
  useWidgetBrowser,
  waitForBot,
  type TestServer,
} from '../helpers/browser.js';
import { REPO_ROOT } from '../helpers/paths.js';

declare const document: any;
declare const window: any;

/** A municipality's own site, on another origin than the service (answered by the test itself). */
const HOST_ORIGIN = 'https://kommun.example';
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const LIGHT = {
  root: '.nv-light',
  log: '.nv-light__log',
  botText: '.nv-light__msg--bot .nv-light__text',
  action: '.nv-light__action',
  input: '.nv-light__input',
  send: '.nv-light__send',
};

interface Gate {
  release(): void;
  /** Whether the browser has asked for it yet. */
  asked(): boolean;
}

/** Holds every request for Web Chat's script (preload and script element) until released. */
async function holdBackWebChat(page: Page): Promise<Gate> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let asked = false;
  await page.route('**/webchat/webchat.js*', async (route) => {
    asked = true;
    await released;
    await route.fallback();
  });
  return { release, asked: () => asked };
}

async function waitForLight(page: Page, text: string): Promise<void> {
  await until(page, ([selector, text]: [string, string]) => String(document.querySelector(selector)?.textContent ?? '').includes(text), [LIGHT.log, text] as [string, string], `the light panel to say "${text}"`);
}

async function waitForStage(page: Page, stage: string): Promise<void> {
  await until(page, (stage: string) => document.querySelector('#nv-panel')?.getAttribute('data-nv-stage') === stage, stage, `the panel's stage "${stage}"`);
}

/** What the server has kept of the conversation: the person's messages and the assistant's, in order. */
async function serverTranscript(session: { conversationId: string; token: string; domain: string }): Promise<Array<{ fromUser: boolean; text: string }>> {
  const res = await fetch(`${session.domain}/conversations/${session.conversationId}/activities`, { headers: { authorization: `Bearer ${session.token}` } });
  expect(res.status).to.equal(200);
  const { activities } = (await res.json()) as { activities: Array<{ type: string; text?: string; from: { role?: string } }> };
  return activities.filter((a) => a.type === 'message').map((a) => ({ fromUser: a.from.role === 'user', text: a.text ?? '' }));
}

/** How often a text occurs among Web Chat's messages of one side. */
async function countInWebChat(page: Page, text: string, fromUser: boolean): Promise<number> {
  return (await transcript(page)).filter((a) => a.fromUser === fromUser && a.text.includes(text)).length;
}

/** Where the send box and the footer are on screen (for "nothing moves" at the hand-over). */
async function edges(page: Page, sendBox: string): Promise<{ sendBoxTop: number; footerTop: number; headerBottom: number }> {
  return page.evaluate(
    (sendBox: string) => ({
      sendBoxTop: document.querySelector(sendBox).getBoundingClientRect().top,
      footerTop: document.querySelector('.nv-footer').getBoundingClientRect().top,
      headerBottom: document.querySelector('.nv-header').getBoundingClientRect().bottom,
    }),
    sendBox,
  );
}

describe('the widget shows its first message before Web Chat has loaded (light panel and hand-over)', function () {
  this.timeout(90000);
  const chromium = useWidgetBrowser({ DIRECTLINE_ALLOWED_ORIGINS: HOST_ORIGIN });
  const { sessions, newPage } = chromium;
  let server: TestServer;
  before(() => {
    server = chromium.server;
  });

  it('the tap shows the greeting and its buttons at once, accessibly, while Web Chat is held back; Web Chat then shows each message once', async () => {
    const page = await newPage(PHONE);
    const webChat = await holdBackWebChat(page);
    await openDemo(page, server.url);
    await page.tap(SEL.launcher);
    await waitForLight(page, 'Vill du fortsätta?');
    // Web Chat was asked for at the tap, and has not run.
    expect(webChat.asked(), 'Web Chat is fetched at the tap').to.equal(true);
    expect(await page.evaluate(() => typeof window.WebChat)).to.equal('undefined');
    expect(await page.getAttribute(SEL.panel, 'data-nv-stage')).to.equal('light');

    // The greeting, in a live region that says who wrote.
    const log = page.locator(LIGHT.log);
    expect(await log.getAttribute('role')).to.equal('log');
    expect(await log.getAttribute('aria-live')).to.equal('polite');
    const said = (await log.textContent()) ?? '';
    expect(said).to.include('Assistenten skrev:');
    expect(said).to.include('automatisk assistent');
    expect(said).to.include('112');
    // Its buttons: real buttons, at least 44 px tall.
    const actions = page.locator(LIGHT.action);
    expect((await actions.allTextContents()).map((t) => t.trim())).to.deep.equal(['Ja, jag vill fortsätta', 'Nej tack']);
    for (const box of await Promise.all((await actions.all()).map((b) => b.boundingBox()))) expect(box!.height).to.be.at.least(44);
    expect(await page.locator('.nv-light__actions').getAttribute('role')).to.equal('group');
    // Focus is in the light panel's send box, which has a name.
    expect((await focused(page)).className).to.include('nv-light__input');
    expect(await page.getAttribute(LIGHT.input, 'aria-label')).to.equal('Skriv ditt meddelande till assistenten');
    expectNoViolations(await runAxe(page), 'in the light panel');
    await screenshot(page, '20-light-panel-greeting-phone');

    // By keyboard: Shift+Tab from the send box reaches the buttons; Enter answers.
    await page.keyboard.press('Shift+Tab');
    expect((await focused(page)).text).to.equal('Nej tack');
    await page.keyboard.press('Shift+Tab');
    expect((await focused(page)).text).to.equal('Ja, jag vill fortsätta');
    await page.keyboard.press('Enter');
    await waitForLight(page, 'Svarar du för dig själv eller för någon annan?');
    expect((await focused(page)).className, 'focus goes back to the send box').to.include('nv-light__input');
    expect((await page.locator(LIGHT.log).textContent()) ?? '').to.include('Du skrev:');
    await screenshot(page, '21-light-panel-answered-phone');
    await page.locator(LIGHT.input).blur();
    const before = await edges(page, '.nv-light__sendbox');

    webChat.release();
    await waitForStage(page, 'webchat');
    expect(await page.locator(LIGHT.root).count(), 'the light panel is gone').to.equal(0);
    expect(await countInWebChat(page, 'Vill du fortsätta?', false)).to.equal(1);
    expect(await countInWebChat(page, 'Ja, jag vill fortsätta', true)).to.equal(1);
    expect(await countInWebChat(page, 'Svarar du för dig själv eller för någon annan?', false)).to.equal(1);
    // Nothing moved: the send box and the footer are where the light panel had them.
    const after = await edges(page, '.nv-chat .webchat__send-box__main');
    expect(Math.abs(after.sendBoxTop - before.sendBoxTop), `send box moved from ${before.sendBoxTop} to ${after.sendBoxTop}`).to.be.at.most(2);
    expect(after.footerTop).to.equal(before.footerTop);
    expect(after.headerBottom).to.equal(before.headerBottom);
    // Web Chat's own live region is there and not hidden, and the page passes axe.
    const live = await page.evaluate(() => {
      const region = document.querySelector('.nv-chat .webchat__live-region-transcript');
      return region ? { live: region.getAttribute('aria-live'), hidden: region.closest('[aria-hidden="true"],[hidden],[inert]') !== null } : null;
    });
    expect(live).to.deep.equal({ live: 'polite', hidden: false });
    expectNoViolations(await runAxe(page), 'after the hand-over to Web Chat');
    await screenshot(page, '22-after-hand-over-phone');

    // Web Chat goes on with the same conversation.
    await click(page, 'För mig själv', 'Bor du i Karlstad?');
    const session = (await storedSession(page))!;
    expect((await serverTranscript(session)).filter((m) => m.fromUser).map((m) => m.text)).to.deep.equal(['Ja, jag vill fortsätta', 'För mig själv']);
  });

  it('a repeat visit runs Web Chat before the tap, out of sight, and the tap hands over to it with focus; a first visit does not', async () => {
    const page = await newPage(PHONE);
    await openDemo(page, server.url);
    // A first visit: nothing of Web Chat is fetched or run before the tap.
    await page.waitForTimeout(1500);
    expect(await page.evaluate(() => typeof window.WebChat), 'first visit, before the tap').to.equal('undefined');
    await page.tap(SEL.launcher);
    await waitForStage(page, 'webchat');
    // The build is noted by its versioned path once it has run.
    const note: string | null = await page.evaluate(() => window.localStorage.getItem(Object.keys(window.localStorage).find((k: string) => k.startsWith('nv-intake-webchat:')) ?? ''));
    expect(note).to.match(/^\/webchat\/webchat\.js\?v=[0-9a-f]{20}$/u);

    // A repeat visit (a new tab, same browser): Web Chat runs in idle time, without a tap …
    const again = await page.context().newPage();
    await openDemo(again, server.url);
    await until(again, () => typeof window.WebChat === 'object', undefined, 'Web Chat to run in idle time');
    // … and nothing of it is on the page, in the way of the keyboard or of a screen reader.
    expect(await again.evaluate(() => document.querySelectorAll('[class*="webchat"]').length)).to.equal(0);
    expect(await again.locator(SEL.launcher).isVisible()).to.equal(true);
    expect(await storedSession(again)).to.equal(null);
    expectNoViolations(await runAxe(again), 'on a repeat visit before the tap');

    await again.tap(SEL.launcher);
    await waitForStage(again, 'webchat');
    expect(await countInWebChat(again, 'Vill du fortsätta?', false)).to.equal(1);
    // Focus went from the light panel's send box into Web Chat's.
    expect((await focused(again)).dataId).to.equal('webchat-sendbox-input');
    expectNoViolations(await runAxe(again), 'after the hand-over on a repeat visit');
    await click(again, 'Ja, jag vill fortsätta', 'Svarar du för dig själv eller för någon annan?');
    await again.close();
  });

  it('an answer half written in the light panel moves into Web Chat\'s send box with focus, and is sent once from there', async () => {
    const page = await newPage();
    const webChat = await holdBackWebChat(page);
    await openDemo(page, server.url);
    await page.click(SEL.launcher);
    await waitForLight(page, 'Vill du fortsätta?');
    await page.click(`${LIGHT.action} >> text=Ja, jag vill fortsätta`);
    await waitForLight(page, 'Svarar du för dig själv eller för någon annan?');
    await page.fill(LIGHT.input, 'För mig själv');
    expect((await focused(page)).className).to.include('nv-light__input');

    webChat.release();
    await waitForStage(page, 'webchat');
    expect((await focused(page)).dataId, 'focus followed the answer').to.equal('webchat-sendbox-input');
    expect(await page.inputValue(SEL.sendBox)).to.equal('För mig själv');
    const count = await botCount(page);
    await page.keyboard.press('Enter');
    await waitForBot(page, 'Bor du i Karlstad?', count);

    const session = (await storedSession(page))!;
    const kept = await serverTranscript(session);
    expect(kept.filter((m) => m.fromUser).map((m) => m.text)).to.deep.equal(['Ja, jag vill fortsätta', 'För mig själv']);
    expect(kept.filter((m) => !m.fromUser && m.text === 'Vill du fortsätta?')).to.have.length(1);
    expect(await countInWebChat(page, 'För mig själv', true)).to.equal(1);
    expect(await countInWebChat(page, 'Vill du fortsätta?', false)).to.equal(1);
  });

  it('a button pressed while Web Chat is getting ready is sent once and shown once: Web Chat takes over only when the answer is through', async () => {
    const page = await newPage();
    const webChat = await holdBackWebChat(page);
    let releasePost!: () => void;
    const postReleased = new Promise<void>((resolve) => (releasePost = resolve));
    let held = 0;
    await page.route('**/v3/directline/conversations/*/activities*', async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      held++;
      await postReleased;
      await route.fallback();
    });
    await openDemo(page, server.url);
    await page.click(SEL.launcher);
    await waitForLight(page, 'Vill du fortsätta?');
    await page.click(`${LIGHT.action} >> text=Ja, jag vill fortsätta`);
    await until(page, () => document.querySelector('.nv-light__msg--sending') !== null, undefined, 'the answer shown as being sent');

    // Web Chat arrives and is drawn out of sight; the answer is still on its way, so no hand-over.
    webChat.release();
    await until(page, () => document.querySelector('.nv-webchat--pending [data-id="webchat-sendbox-input"]') !== null, undefined, 'Web Chat drawn, hidden');
    expect(await page.getAttribute(SEL.panel, 'data-nv-stage')).to.equal('light');
    expect(await page.locator('.nv-webchat--pending').getAttribute('aria-hidden')).to.equal('true');
    expect(held).to.equal(1);

    releasePost();
    await waitForStage(page, 'webchat');
    await waitForBot(page, 'Svarar du för dig själv eller för någon annan?');
    expect(await countInWebChat(page, 'Ja, jag vill fortsätta', true)).to.equal(1);
    expect(await countInWebChat(page, 'Svarar du för dig själv eller för någon annan?', false)).to.equal(1);
    const kept = await serverTranscript((await storedSession(page))!);
    expect(kept.filter((m) => m.fromUser).map((m) => m.text)).to.deep.equal(['Ja, jag vill fortsätta']);
  });

  it('a reload while the light panel is shown resumes the same conversation there; "Avsluta" in the light panel ends it on the server', async () => {
    const page = await newPage(PHONE);
    await holdBackWebChat(page);
    await openDemo(page, server.url);
    await page.tap(SEL.launcher);
    await waitForLight(page, 'Vill du fortsätta?');
    await page.tap(`${LIGHT.action} >> text=Ja, jag vill fortsätta`);
    await waitForLight(page, 'Svarar du för dig själv eller för någon annan?');
    const first = (await storedSession(page))!;

    await page.reload();
    await page.waitForSelector(SEL.panel, { state: 'visible' });
    await waitForLight(page, 'Svarar du för dig själv eller för någon annan?');
    const history = (await page.locator(LIGHT.log).textContent()) ?? '';
    expect(history).to.include('Vill du fortsätta?');
    expect(history).to.include('Du skrev: Ja, jag vill fortsätta');
    expect((await storedSession(page))!.conversationId).to.equal(first.conversationId);
    expect((await page.locator(LIGHT.action).allTextContents()).map((t) => t.trim())).to.deep.equal(['För mig själv', 'För någon annan']);
    await screenshot(page, '23-light-panel-after-reload-phone');

    const ended = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/conversations/${first.conversationId}/activities`) && (r.postData() ?? '').includes('endOfConversation'));
    await page.click(SEL.end);
    await page.click(`${SEL.confirm} >> text=Ja, avsluta`);
    await ended;
    await page.waitForSelector(SEL.panel, { state: 'hidden' });
    expect(await storedSession(page)).to.equal(null);
    expect((await focused(page)).className).to.include('nv-launcher');
    const after = await fetch(`${first.domain}/conversations/${first.conversationId}/activities`, { headers: { authorization: `Bearer ${first.token}` } });
    if (after.status !== 404) expect(((await after.json()) as { activities: unknown[] }).activities).to.deep.equal([]);
  });

  it('when Web Chat cannot be fetched the light panel goes on working, says so, and "Försök igen" brings Web Chat', async () => {
    const page = await newPage();
    let refuse = true;
    await page.route('**/webchat/webchat.js*', (route) => (refuse ? route.abort('connectionrefused') : route.fallback()));
    await openDemo(page, server.url);
    await page.click(SEL.launcher);
    await waitForLight(page, 'Vill du fortsätta?');
    await page.waitForSelector('.nv-status--error', { state: 'visible' });
    expect(await page.textContent('.nv-status')).to.include('Det gick inte att ansluta till chatten');
    // The light panel still answers.
    await page.click(`${LIGHT.action} >> text=Ja, jag vill fortsätta`);
    await waitForLight(page, 'Svarar du för dig själv eller för någon annan?');

    refuse = false;
    await page.locator('.nv-status').getByRole('button', { name: 'Försök igen' }).click();
    await waitForStage(page, 'webchat');
    expect(await page.isVisible('.nv-status--error')).to.equal(false);
    expect(await countInWebChat(page, 'Ja, jag vill fortsätta', true)).to.equal(1);
    await click(page, 'För mig själv', 'Bor du i Karlstad?');
  });

  it('on another site, the widget opens a connection to the service when the pointer comes to the launcher, and the greeting comes from there', async () => {
    const page = await newPage(PHONE);
    await holdBackWebChat(page);
    await page.route(`${HOST_ORIGIN}/**`, (route) =>
      route.fulfill({
        contentType: 'text/html; charset=utf-8',
        body: `<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Annan kommun (test)</title></head><body><main><h1>Stöd i vardagen</h1></main><script src="${server.url}/widget.js" data-lang="sv" async></script></body></html>`,
      }),
    );
    await sessions.context!.grantPermissions(['local-network-access'], { origin: HOST_ORIGIN });
    await page.goto(`${HOST_ORIGIN}/stod`);
    await page.waitForSelector(SEL.launcher, { state: 'visible' });
    expect(await page.locator('link[rel="preconnect"]').count(), 'no connection before any sign of intent').to.equal(0);
    await page.hover(SEL.launcher);
    const preconnect = await page.evaluate(() => Array.from(document.querySelectorAll('link[rel="preconnect"]')).map((l: any) => ({ href: l.href, crossOrigin: l.crossOrigin })));
    expect(preconnect).to.deep.equal([{ href: `${server.url}/`, crossOrigin: 'anonymous' }]);
    await page.click(SEL.launcher);
    await waitForLight(page, 'Vill du fortsätta?');
    // Web Chat is asked for the same way (anonymous, so on the same connection as the Direct Line calls).
    expect(await page.evaluate(() => document.querySelector('link[rel="preload"][as="script"]')?.crossOrigin)).to.equal('anonymous');
  });

  for (const lang of ['sv', 'sv-lattlast', 'en']) {
    it(`every text of the light panel comes from locales/${lang}/widget.yaml`, async () => {
      const strings = parseYaml(readFileSync(path.join(REPO_ROOT, 'locales', lang, 'widget.yaml'), 'utf8')) as Record<string, string>;
      const known = new Set(Object.values(strings).map((s) => String(s).trim()));
      const page = await newPage();
      await holdBackWebChat(page);
      // A page of the service's own origin with the widget in this language.
      const pageUrl = `${server.url}/test-light-${lang}.html`;
      await page.route(pageUrl, (route) =>
        route.fulfill({
          contentType: 'text/html; charset=utf-8',
          body: `<!doctype html><html lang="${strings['htmlLang']}"><head><meta charset="utf-8"><title>Test</title></head><body><main><h1>Test</h1></main><script src="/widget.js" data-municipality="1780" data-lang="${lang}" async></script></body></html>`,
        }),
      );
      await page.goto(pageUrl);
      await page.click(SEL.launcher);
      await until(page, () => document.querySelector('.nv-light__msg--bot') !== null, undefined, 'the light panel');
      const texts: string[] = await page.evaluate(() => {
        const root = document.querySelector('.nv-light');
        const out: string[] = [];
        for (const el of Array.from(root.querySelectorAll('[aria-label]')) as any[]) out.push(el.getAttribute('aria-label'));
        for (const el of Array.from(root.querySelectorAll('[placeholder]')) as any[]) out.push(el.getAttribute('placeholder'));
        for (const el of Array.from(root.querySelectorAll('.nv-visually-hidden')) as any[]) out.push(el.textContent);
        return out.map((t) => t.trim());
      });
      expect(texts.length).to.be.at.least(5);
      for (const text of texts) expect(known.has(text), `"${text}" is not in locales/${lang}/widget.yaml`).to.equal(true);
      expect(texts).to.include(strings['lightInputPlaceholder']);
      expect(texts).to.include(strings['lightBotSaid']);
    });
  }
});
