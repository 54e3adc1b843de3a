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

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** The tel: links shown in the transcript, as [text, href]. */
async function telLinks(page: Page): Promise<Array<[string, string]>> {
  return page.evaluate(() => Array.from(document.querySelectorAll('a[href^="tel:"]')).map((a: any) => [String(a.textContent).trim(), String(a.getAttribute('href'))] as [string, string]));
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
