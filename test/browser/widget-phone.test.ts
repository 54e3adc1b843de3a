/**
 * The widget on a phone (issue 18, kind 9): Chromium at 390×844 with touch, a whole interview.
 * Measures what a thumb and an eye meet: the multi-choice card's rows (≥ 44 px tall, the number of
 * each option visible, no option text cut off, the question once), the summary card's height, editing
 * by name ("ändra trygg hemma") and the short confirmation after a change (no second summary card),
 * axe-core with 0 violations at each step. Screenshots in test-output/screenshots/phone-*.png; the
 * figures are printed (PHONE_FIGURES) for the report.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { SEL, botCount, click, expectNoViolations, openDemo, openWidget, runAxe, say, screenshot, transcript, useWidgetBrowser, waitForBot } from '../helpers/browser.js';
import { FIRST_STEPS, LATER_STEPS, runSteps } from '../helpers/widget-steps.js';

declare const document: any;
declare const window: any;

interface OptionRow {
  text: string;
  rowHeight: number;
  tapHeight: number;
  tapWidth: number;
  cut: boolean;
}

/** The rows of the last card's list to tick: the tappable height (label and box together), and whether the text is cut off. */
async function optionRows(page: Page): Promise<OptionRow[]> {
  return page.evaluate((selector: string) => {
    const cards = Array.from(document.querySelectorAll(`${selector} .ac-adaptiveCard`)) as any[];
    const card = cards.at(-1);
    if (!card) return [];
    return (Array.from(card.querySelectorAll('input[type="checkbox"]')) as any[]).map((box) => {
      const row = box.parentElement;
      const label = row.querySelector('label') ?? row;
      const r = row.getBoundingClientRect();
      const l = label.getBoundingClientRect();
      const b = box.getBoundingClientRect();
      const style = window.getComputedStyle(label);
      const cut =
        label.scrollWidth > label.clientWidth + 1 ||
        label.scrollHeight > label.clientHeight + 1 ||
        style.textOverflow === 'ellipsis' && style.overflow === 'hidden' ||
        r.left < card.getBoundingClientRect().left - 1 ||
        r.top < card.getBoundingClientRect().top - 1;
      // What a finger can hit: the label is tied to the box, so both count.
      const top = Math.min(l.top, b.top);
      const bottom = Math.max(l.bottom, b.bottom);
      return { text: String(label.textContent ?? '').trim(), rowHeight: Math.round(r.height), tapHeight: Math.round(bottom - top), tapWidth: Math.round(Math.max(l.right, b.right) - Math.min(l.left, b.left)), cut };
    });
  }, SEL.activity);
}

/** How often a text appears in the last bot activity. */
async function timesInLast(page: Page, text: string): Promise<number> {
  const last = (await transcript(page)).filter((a) => !a.fromUser).at(-1)?.text ?? '';
  return last.split(text).length - 1;
}

/** The height of the last summary card on screen, px. */
async function lastCardHeight(page: Page): Promise<number> {
  return page.evaluate((selector: string) => {
    const cards = Array.from(document.querySelectorAll(`${selector} .ac-adaptiveCard`)) as any[];
    return Math.round(cards.at(-1)?.getBoundingClientRect().height ?? 0);
  }, SEL.activity);
}

async function cardCount(page: Page): Promise<number> {
  return page.evaluate((selector: string) => document.querySelectorAll(`${selector} .ac-adaptiveCard`).length, SEL.activity);
}

describe('the widget on a phone, 390×844 (issue 18: phone first)', function () {
  this.timeout(120000);
  const chromium = useWidgetBrowser();
  const { newPage } = chromium;

  it('options to tick are 44 px rows with their numbers, whole texts, the question once; editing by name gets a short confirmation', async () => {
    const page = await newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const figures: Record<string, unknown> = {};
    await openDemo(page, chromium.server.url);
    await openWidget(page);
    await runSteps(page, FIRST_STEPS);
    await page.waitForSelector(`${SEL.activity} .ac-adaptiveCard input[type="checkbox"]`);
    const rows = await optionRows(page);
    figures['options'] = rows.length;
    figures['optionTapHeightMin'] = Math.min(...rows.map((r) => r.tapHeight));
    figures['optionTapWidthMin'] = Math.min(...rows.map((r) => r.tapWidth));
    figures['optionsCut'] = rows.filter((r) => r.cut).map((r) => r.text);
    figures['questionTimes'] = await timesInLast(page, 'Vad skulle du vilja ha stöd eller hjälp med?');
    await screenshot(page, 'phone-01-multi-choice');
    if (process.env['PHONE_HTML']) console.log('PHONE_HTML', JSON.stringify(await page.evaluate((sel: string) => (Array.from(document.querySelectorAll(`${sel} .ac-adaptiveCard`)) as any[]).at(-1).outerHTML.replace(/ style="[^"]*"/g, '').slice(0, 4000), SEL.activity)));
    expect(rows.length).to.equal(10);
    for (const r of rows) {
      expect(r.tapHeight, `"${r.text}" is tall enough to tap`).to.be.at.least(44);
      expect(r.cut, `"${r.text}" is not cut off`).to.equal(false);
    }
    // The numbers are shown, so "skriv numren" can be followed.
    expect(rows.map((r) => r.text.split('.')[0])).to.deep.equal(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(figures['questionTimes'], 'the question is shown once').to.equal(1);
    expectNoViolations(await runAxe(page), 'the multi-choice card on a phone');

    // Typing the numbers works as the card says.
    await say(page, '1, 7', 'Om vi kunde börja med en enda sak');
    await runSteps(page, LATER_STEPS);
    await page.waitForSelector(`${SEL.activity} .ac-adaptiveCard`);
    figures['summaryCardHeight'] = await lastCardHeight(page);
    await screenshot(page, 'phone-02-summary');
    expectNoViolations(await runAxe(page), 'the summary card on a phone');
    const cardsBefore = await cardCount(page);

    // "ändra trygg hemma": the item by its name, not only its number.
    await say(page, 'ändra trygg hemma', 'Känner du dig trygg hemma?');
    const before = await botCount(page);
    await click(page, 'Nej', 'Stämmer sammanfattningen nu?');
    await waitForBot(page, /Trygg hemma: Nej/u, before);
    figures['cardsAddedByEdit'] = (await cardCount(page)) - cardsBefore;
    const confirmation = await page.evaluate((selector: string) => {
      const all = Array.from(document.querySelectorAll(selector)) as any[];
      const last = all.at(-1);
      return { height: Math.round(last.getBoundingClientRect().height), text: String(last.textContent ?? '') };
    }, SEL.activity);
    figures['editConfirmationHeight'] = confirmation.height;
    await screenshot(page, 'phone-03-after-edit');
    expect(figures['cardsAddedByEdit'], 'no second summary card after a change').to.equal(0);
    expect(confirmation.height, 'a short confirmation').to.be.below(300);
    expectNoViolations(await runAxe(page), 'after an edit on a phone');

    // The whole summary once more on request, then confirmed and shared (issue 18, kinds 10 and 11).
    await click(page, 'Visa hela sammanfattningen', 'Stämmer sammanfattningen?');
    await click(page, 'Det stämmer', 'Hela samtalet, ord för ord, skickar vi bara om du väljer det.');
    const shareButtons = await page.$$eval(SEL.suggestedAction, (bs: any[]) => bs.map((b) => ({ text: String(b.textContent).trim(), height: Math.round(b.getBoundingClientRect().height) })));
    figures['shareButtons'] = shareButtons;
    for (const b of shareButtons) expect(b.height, `"${b.text}" is tall enough to tap`).to.be.at.least(44);
    await screenshot(page, 'phone-04-share');
    await click(page, 'Ja, och hela samtalet', /Får vi skicka sammanfattningen till|ärendenummer/u);
    for (let i = 0; i < 4 && !/ärendenummer/u.test((await transcript(page)).filter((a) => !a.fromUser).map((a) => a.text).join('\n')); i++) {
      await click(page, 'Ja, skicka', /Får vi skicka sammanfattningen till|ärendenummer/u);
    }
    const done = (await transcript(page)).filter((a) => !a.fromUser).map((a) => a.text).join('\n');
    const link = /http:\/\/\S+\/kopia\/NV-\d{4}-\d{6}\/[A-Za-z0-9_-]{43}/u.exec(done)?.[0];
    expect(link, 'the link to the person\'s copy').to.be.a('string');
    // The link is a button to tap, not only an address in the text.
    const open = await page.$$eval(`${SEL.activity} button, ${SEL.activity} a`, (els: any[]) => els.filter((e) => String(e.textContent).trim() === 'Öppna din kopia').map((e) => Math.round(e.getBoundingClientRect().height)));
    figures['copyButtonHeight'] = open[0];
    expect(open, 'the "Öppna din kopia" button').to.have.length(1);
    expect(open[0]).to.be.at.least(44);
    await screenshot(page, 'phone-05-done-with-link');
    // "Avsluta" now: the case is sent, and ending only closes the chat; nothing is said to be erased.
    await page.click(SEL.end);
    await page.locator(SEL.confirm).waitFor({ state: 'visible' });
    const reference = /NV-\d{4}-\d{6}/u.exec(link!)![0];
    expect(await page.locator('#nv-confirm-text').innerText()).to.equal(`Vill du avsluta samtalet? Ditt ärende ${reference} är redan skickat och finns kvar hos mottagarna. Att avsluta stänger bara chatten.`);
    await page.getByRole('button', { name: 'Nej, fortsätt' }).click();
    const copy = await chromium.sessions.context!.newPage();
    await copy.setViewportSize({ width: 390, height: 844 });
    const res = await copy.goto(link!);
    expect(res?.status()).to.equal(200);
    expect(await copy.textContent('h1')).to.equal('Din sammanfattning');
    const copyText = await copy.textContent('main');
    expect(copyText).to.include('fick sammanfattningen och hela samtalet');
    expect(copyText).to.include('Jag bor ensam i en lägenhet på tredje våningen.');
    expect(copyText).not.to.include('Livsområde');
    figures['copyPageHeight'] = await copy.evaluate(() => document.documentElement.scrollHeight);
    figures['copyPageHorizontalScroll'] = await copy.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
    expect(figures['copyPageHorizontalScroll']).to.equal(false);
    expectNoViolations(await runAxe(copy), 'the person\'s copy page');
    await screenshot(copy, 'phone-06-copy-page', true);
    console.log(`PHONE_FIGURES ${JSON.stringify(figures)}`);
  });
});
