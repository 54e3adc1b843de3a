/**
 * A resident's way through the widget to the summary, step by step (the answers of
 * test/helpers/answers.ts SELF_ANSWERS), shared by the widget's browser suites.
 */
import type { Page } from 'playwright-core';
import { click, say } from './browser.js';

/** One step: a button clicked or a message typed, and what the bot must say next. */
export interface WidgetStep {
  click?: string;
  say?: string;
  expect: string | RegExp;
}

/** The first answers of a resident (test/conversation.test.ts SELF_ANSWERS), Karlstad preselected by the page. */
export const FIRST_STEPS: WidgetStep[] = [
  { click: 'Ja, jag vill fortsätta', expect: 'Svarar du för dig själv eller för någon annan?' },
  { click: 'För mig själv', expect: 'Bor du i Karlstad?' },
  { click: 'Ja, i Karlstad', expect: 'Berätta med egna ord hur din vardag ser ut just nu.' },
  { say: 'Jag bor ensam i en lägenhet på tredje våningen.\nHissen är ofta trasig.', expect: 'Vad är viktigast för dig just nu?' },
  { say: 'Att kunna bo kvar hemma och träffa mina barnbarn.', expect: 'Hur ser en riktigt bra dag ut för dig?' },
  { say: 'Kaffe på balkongen och en promenad.', expect: 'Finns det något du vill kunna göra' },
  { say: 'Handla själv.', expect: 'Vad skulle du vilja ha stöd eller hjälp med?' },
];

/** After the multi-choice card ("1, 7"): the rest of SELF_ANSWERS up to the summary. */
export const LATER_STEPS: WidgetStep[] = [
  { say: 'Hjälp med att handla.', expect: 'Hur går det med sysslorna hemma' },
  { click: 'Det går inte så bra', expect: 'Hur går det med den personliga omvårdnaden' },
  { click: 'Det går med lite hjälp', expect: 'Hur går det att röra sig' },
  { click: 'Det går inte så bra', expect: 'Har du ramlat någon gång det senaste året?' },
  { click: 'Ja', expect: 'Hur har du mått de senaste två veckorna?' },
  { click: '2', expect: 'Känner du dig trygg hemma?' },
  { click: 'Ja', expect: 'Har du någon att prata med när du behöver?' },
  { click: 'Ibland', expect: 'Vilka har du kontakt med i dag?' },
  { say: 'Vårdcentral', expect: 'Finns det mediciner eller behandlingar som du undrar över?' },
  { say: 'Jag undrar över mina blodtryckstabletter.', expect: 'Vad är du beredd att göra för din vård' },
  { say: 'Helst besök hemma, inte långa resor.', expect: 'Får du hjälp av någon närstående' },
  { click: 'Nej', expect: 'Har du behövt berätta samma sak för flera olika ställen?' },
  { click: 'Ja', expect: 'Vill du det?' },
  { click: 'Ja, det vill jag', expect: 'Vilket språk vill du använda' },
  { click: 'Svenska', expect: 'Hur vill du helst att vi hör av oss?' },
  { click: 'Telefon', expect: 'Vad heter du?' },
  { say: 'Testa Testsson', expect: 'Vill du skriva ditt personnummer?' },
  { say: '19811218-9876', expect: 'Vilket telefonnummer kan vi nå dig på?' },
  { say: '070-123 45 67', expect: 'Stämmer sammanfattningen?' },
];

/** Takes the steps in order, each waiting for what the bot must say next. */
export async function runSteps(page: Page, steps: readonly WidgetStep[]): Promise<void> {
  for (const step of steps) {
    if (step.click !== undefined) await click(page, step.click, step.expect);
    else await say(page, step.say!, step.expect);
  }
}
