/**
 * The safety net in the widget, as a resident on a phone meets it (390×844, Debian's Chromium):
 * the acute path (acknowledgement, the numbers as tappable tel: links, the offer to send now, sending
 * it) and the unsure path (the direct question with buttons, answered no). Screenshots go to
 * test-output/screenshots/safety-*.png. The unsure verdict comes from the tests' scripted recognizer.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { SEL, click, openDemo, openWidget, say, screenshot, useWidgetBrowser } from '../helpers/browser.js';
import { CRISIS, EATING, scripted } from '../helpers/scripted-recognizer.js';

declare const document: any;
declare function getComputedStyle(el: any): any;

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** The tel: links shown in the transcript, as [text, href]. */
async function telLinks(page: Page): Promise<Array<[string, string]>> {
  return page.evaluate(() => Array.from(document.querySelectorAll('a[href^="tel:"]')).map((a: any) => [String(a.textContent).trim(), String(a.getAttribute('href'))] as [string, string]));
}

/** Where the alarm's messages and the offer's buttons are on screen (CSS px), with the offer's height in lines. */
interface OfferFit {
  chatTop: number;
  sendBoxTop: number;
  ackTop: number;
  numbersTop: number;
  offerTop: number;
  offerHeight: number;
  offerLines: number;
  buttonsBottom: number;
}

async function offerFit(page: Page): Promise<OfferFit> {
  // The alarm's turn: the acknowledgement, the numbers (the message with tel: links), the offer (the
  // last message) and its buttons. No named functions inside: the page gets this source as it is.
  return page.evaluate((selector: string) => {
    const activities = Array.from(document.querySelectorAll(selector)) as any[];
    const offer = activities.at(-1);
    const numbersAt = activities.map((a) => Boolean(a.querySelector('a[href^="tel:"]'))).lastIndexOf(true);
    const numbers = activities[numbersAt];
    const ack = activities[numbersAt - 1];
    const buttons = Array.from(document.querySelectorAll('.nv-chat .webchat__suggested-actions button')) as any[];
    const bubble = offer.querySelector('.webchat__bubble__content') ?? offer;
    const lineHeight = parseFloat(getComputedStyle(bubble.querySelector('p') ?? bubble).lineHeight) || 20;
    const bubbleHeight = bubble.getBoundingClientRect().height;
    return {
      chatTop: Math.round(document.querySelector('.nv-chat').getBoundingClientRect().top),
      sendBoxTop: Math.round(document.querySelector('.nv-chat [data-id="webchat-sendbox-input"]').getBoundingClientRect().top),
      ackTop: Math.round(ack.getBoundingClientRect().top),
      numbersTop: Math.round(numbers.getBoundingClientRect().top),
      offerTop: Math.round(offer.getBoundingClientRect().top),
      offerHeight: Math.round(bubbleHeight),
      offerLines: Math.round(bubbleHeight / lineHeight),
      buttonsBottom: Math.round(Math.max(...buttons.map((b) => b.getBoundingClientRect().bottom))),
    };
  }, SEL.activity);
}

/** The whole alarm's turn on one screen: acknowledgement, numbers, the offer and its buttons. */
function expectOneScreen(fit: OfferFit, where: string): void {
  expect(fit.ackTop, `${where}: the acknowledgement is on the screen`).to.be.at.least(fit.chatTop);
  expect(fit.numbersTop, `${where}: the numbers are on the screen`).to.be.at.least(fit.chatTop);
  expect(fit.offerTop, `${where}: the offer is on the screen`).to.be.at.least(fit.chatTop);
  expect(fit.buttonsBottom, `${where}: its buttons end above the send box`).to.be.at.most(fit.sendBoxTop);
}

describe('the safety net in the widget on a phone', function () {
  this.timeout(120000);
  const widget = useWidgetBrowser({}, { overrides: { recognizer: scripted } });

  async function atDailyLife(page: Page): Promise<void> {
    await openDemo(page, widget.server.url);
    await openWidget(page);
    await click(page, 'Ja, jag vill fortsätta', 'Svarar du för dig själv eller för någon annan?');
    await click(page, 'För mig själv', 'Bor du i Karlstad?');
    await click(page, 'Ja, i Karlstad', 'Berätta med egna ord hur din vardag ser ut just nu.');
  }

  it('acute: acknowledgement, tappable numbers for the situation, the offer to send now, and sending it', async () => {
    const page = await widget.newPage(PHONE);
    await atDailyLife(page);
    await say(page, CRISIS, 'som ett brådskande ärende?');
    const links = await telLinks(page);
    expect(links).to.deep.equal([
      ['112', 'tel:112'],
      ['90101', 'tel:90101'],
    ]);
    await screenshot(page, 'safety-1-acute-offer');
    // On a 390×844 phone the offer and its buttons fit on one screen, between the panel's header and
    // the send box, with the numbers (and, if it fits, the acknowledgement) above them.
    const fit = await offerFit(page);
    console.log(`SAFETY_OFFER_FIGURES sv ${JSON.stringify(fit)}`);
    expectOneScreen(fit, 'sv');
    await click(page, 'Ja, skicka nu', /Nu har jag skickat det du har berättat hittills/u);
    await screenshot(page, 'safety-2-acute-sent');
    const reference = /NV-\d{4}-\d{6}/u.exec(await page.locator(SEL.panel).innerText())?.[0];
    expect(reference, 'the urgent case\'s reference').to.be.a('string');
    // "Avsluta" after the alarm: the numbers once more, tappable, where the person chooses to end.
    await page.click(SEL.end);
    const confirm = page.locator(SEL.confirm);
    await confirm.waitFor({ state: 'visible' });
    expect(await confirm.innerText()).to.include('Om du eller någon annan behöver hjälp nu:').and.include('Självmordslinjen');
    // What ending means, truthfully: the urgent case stays with its recipient; only what came after is erased.
    const question = await confirm.locator('#nv-confirm-text').innerText();
    expect(question).to.include(`Det brådskande ärendet ${reference} som du redan har skickat finns kvar hos mottagaren.`);
    expect(question).not.to.include('Svar från ett samtal som inte är klart raderas');
    expect(await confirm.locator('a[href="tel:90101"]').innerText()).to.equal('90101');
    await screenshot(page, 'safety-5-acute-end');
  });

  for (const lang of [
    { code: 'en', yes: 'Yes, I want to continue', self: 'For myself', place: 'Yes, in Karlstad', everyday: 'tell me what your everyday life is like', crisis: 'Everything feels heavy. I do not want to live any more.', offer: 'as an urgent case?' },
    { code: 'sv-lattlast', yes: 'Ja, jag vill fortsätta', self: 'För mig själv', place: 'Ja, i Karlstad', everyday: 'Hur ser din vardag ut just nu?', crisis: CRISIS, offer: 'Vill du att jag skickar' },
  ]) {
    it(`acute in ${lang.code}: the acknowledgement, the numbers, the offer and its buttons on one phone screen`, async () => {
      const page = await widget.newPage(PHONE);
      // The demo page in this language (the page's data-lang, as a municipality's page would set it).
      await page.route(`${widget.server.url}/`, async (route) => {
        const res = await route.fetch();
        await route.fulfill({ response: res, body: (await res.text()).replace('data-lang="sv"', `data-lang="${lang.code}"`) });
      });
      await page.goto(`${widget.server.url}/`);
      await page.click(SEL.launcher);
      await click(page, lang.yes, lang.code === 'en' ? 'yourself or for someone else' : 'för dig själv eller för någon annan');
      await click(page, lang.self, lang.code === 'en' ? 'Do you live in Karlstad?' : 'Bor du i Karlstad?');
      await click(page, lang.place, lang.everyday);
      await say(page, lang.crisis, lang.offer);
      await screenshot(page, `safety-6-acute-offer-${lang.code}`);
      const fit = await offerFit(page);
      console.log(`SAFETY_OFFER_FIGURES ${lang.code} ${JSON.stringify(fit)}`);
      expectOneScreen(fit, lang.code);
    });
  }

  it('unsure: one direct question with buttons; no goes on kindly, without numbers', async () => {
    const page = await widget.newPage(PHONE);
    await atDailyLife(page);
    await say(page, EATING, 'är du eller någon annan i fara just nu?');
    expect(await telLinks(page)).to.deep.equal([]);
    await screenshot(page, 'safety-3-unsure-question');
    await click(page, 'Nej', 'Vad är viktigast för dig just nu?');
    expect(await telLinks(page)).to.deep.equal([]);
    await screenshot(page, 'safety-4-unsure-no');
    await page.click(SEL.end);
    await page.locator(SEL.confirm).waitFor({ state: 'visible' });
    expect(await page.locator(SEL.confirm).innerText(), 'no alarm, no numbers on ending').not.to.include('behöver hjälp nu');
    expect(await page.locator('#nv-confirm-text').innerText(), 'nothing sent: the answers are erased').to.equal('Vill du avsluta samtalet? Svar från ett samtal som inte är klart raderas.');
  });
});
