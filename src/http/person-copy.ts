/**
 * GET /kopia/<reference>/<secret>: the person's own copy of their case (issue 18, kind 10), all of it
 * in their language (the page's header and footer too): after a safety alarm first the emergency
 * numbers for its situation as tel: links (issue 19), then the reference, what was sent to whom (the
 * summary, or the summary and the whole conversation, or nothing) and when to expect contact, and
 * their answers in their own words. Only the link's secret opens it; a wrong or old link, or a
 * case already erased, gets the same friendly 404, so a guess learns nothing. Never cached, never indexed, no referrer leaves the page.
 */
import { readFileSync } from 'node:fs';
import type restify from 'restify';
import type { Request, Response } from 'restify';
import { telUri } from '../bot/render.js';
import { REFERENCE_PATTERN, type CaseRecord, type CaseStore } from '../core/cases.js';
import type { Content } from '../core/content/load.js';
import { TextCatalog, type Texts } from '../core/i18n.js';
import { whenText } from '../core/interview/engine.js';
import { opensCopy, PERSON_COPY_PATH } from '../core/person-copy.js';
import { numbersFor } from '../core/safety/verdict.js';
import { swedishDate } from '../core/swedish-time.js';
import type { Logger } from '../logger.js';
import { escapeHtml, langQuery, renderPage } from './page-template.js';

export interface PersonCopyOptions {
  cases: CaseStore;
  content: Content;
  /** public/page.html: the text pages' template. */
  template: string;
  retentionDays: number;
  logger: Logger;
}

/** Line breaks the person typed are kept. */
function paragraph(text: string): string {
  return escapeHtml(text).replace(/\n/gu, '<br>');
}

/** After an alarm: the numbers for its situation, 112 first, each a tel: link (data/emergency-numbers.yaml). */
function emergencyHtml(situations: Parameters<typeof numbersFor>[0]['situations'], numbers: Content['emergency']['numbers'], t: Texts): string {
  const items = numbersFor({ situations }, numbers).map(
    (n) => `<li>${t.t('emergency.line', { number: `<a href="${escapeHtml(telUri(n.number))}">${escapeHtml(n.number)}</a>`, label: escapeHtml(t.t(`emergency.numbers.${n.id}`)) })}</li>`,
  );
  return [
    '<section class="emergency" aria-labelledby="emergency-title">',
    `<h2 id="emergency-title">${escapeHtml(t.t('personCopy.emergencyTitle'))}</h2>`,
    `<p>${escapeHtml(t.t('personCopy.emergencyIntro'))}</p>`,
    '<ul>',
    ...items,
    '</ul>',
    '</section>',
  ].join('\n');
}

/** The page's main content for a case and its copy. */
export function personCopyHtml(record: CaseRecord, t: Texts, retentionDays: number, numbers: Content['emergency']['numbers'] = []): string {
  const copy = record.personCopy!;
  const view = copy.summary;
  const out: string[] = [];
  out.push(`<h1>${escapeHtml(t.t('personCopy.title'))}</h1>`);
  if (copy.emergency) out.push(emergencyHtml(copy.emergency.situations, numbers, t));
  out.push(`<p>${escapeHtml(t.t('personCopy.reference', { reference: record.reference, date: swedishDate(record.createdAt) }))}</p>`);
  if (view.forOther) out.push(`<p>${escapeHtml(view.forOther)}</p>`);
  out.push(`<h2>${escapeHtml(t.t('personCopy.sentTitle'))}</h2>`, '<ul>');
  for (const r of record.recipients) {
    const what = !r.consent ? 'personCopy.notSent' : r.transcript ? 'personCopy.sentAll' : 'personCopy.sentSummary';
    const when = r.consent ? ` ${escapeHtml(whenText(t, r))}` : '';
    out.push(`<li><strong>${escapeHtml(r.contactName)}</strong>: ${escapeHtml(t.t(what))}${when}</li>`);
  }
  out.push('</ul>');
  if (view.sip) out.push(`<p>${escapeHtml(view.sip)}</p>`);
  out.push(`<h2>${escapeHtml(t.t('personCopy.answersTitle'))}</h2>`);
  for (const section of view.sections) {
    out.push(`<h3>${escapeHtml(section.title)}</h3>`, '<dl>');
    for (const item of section.items) out.push(`<dt>${escapeHtml(item.label)}</dt><dd>${paragraph(item.answer)}</dd>`);
    out.push('</dl>');
  }
  out.push(`<h2>${escapeHtml(t.t('personCopy.aboutTitle'))}</h2>`);
  out.push(`<p>${escapeHtml(t.t('personCopy.print'))}</p>`);
  out.push(`<p>${escapeHtml(t.t('personCopy.kept', { days: retentionDays }))}</p>`);
  out.push(`<p>${escapeHtml(t.t('personCopy.private'))}</p>`);
  return out.join('\n');
}

/** Adds the copy page. */
export function addPersonCopyRoute(server: restify.Server, options: PersonCopyOptions): void {
  const catalog = new TextCatalog(options.content);
  const locales = Object.keys(options.content.locales);
  const headers = {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-robots-tag': 'noindex, nofollow',
    'referrer-policy': 'no-referrer',
  };
  /** The template in the page's language, header and footer included. */
  const page = (t: Texts, title: string, content: string) =>
    renderPage(readFileSync(options.template, 'utf8'), {
      lang: t.locale.split('-')[0]!,
      title,
      content,
      text: (key) => t.t(`page.${key}`),
      langQuery: langQuery(t.locale, options.content.defaultLocale),
    });

  server.get(`${PERSON_COPY_PATH}/:reference/:secret`, async (req: Request, res: Response) => {
    const { reference, secret } = req.params as { reference?: string; secret?: string };
    let record: CaseRecord | undefined;
    try {
      record = reference && REFERENCE_PATTERN.test(reference) ? await options.cases.get(reference) : undefined;
    } catch (err) {
      options.logger.error({ err }, 'person copy: the case store failed');
      const t = catalog.forLocale(options.content.defaultLocale);
      res.writeHead(503, headers);
      res.end(page(t, t.t('personCopy.title'), `<h1>${escapeHtml(t.t('personCopy.title'))}</h1><p>${escapeHtml(t.t('error.generic'))}</p>`));
      return;
    }
    if (!record || !secret || !opensCopy(record.personCopy, secret)) {
      const t = catalog.forLocale(options.content.defaultLocale);
      res.writeHead(404, headers);
      res.end(page(t, t.t('personCopy.notFoundTitle'), `<h1>${escapeHtml(t.t('personCopy.notFoundTitle'))}</h1><p>${escapeHtml(t.t('personCopy.notFound'))}</p>`));
      return;
    }
    const locale = locales.includes(record.personCopy!.locale) ? record.personCopy!.locale : options.content.defaultLocale;
    const t = catalog.forLocale(locale);
    res.writeHead(200, headers);
    res.end(page(t, t.t('personCopy.title'), personCopyHtml(record, t, options.retentionDays, options.content.emergency.numbers)));
  });
}
