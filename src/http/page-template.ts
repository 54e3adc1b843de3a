/**
 * The text pages' template (public/page.html) filled in one language: the header, the skip link,
 * the navigation and the footer from `page` in locales/<lang>/texts.yaml, so a page in English is
 * English from top to bottom (the privacy and accessibility pages, the person's own copy).
 */

/** The template's own words, by their key under `page` in texts.yaml. */
export const PAGE_CHROME = ['skip', 'service', 'serviceSub', 'nav', 'privacy', 'accessibility', 'footer'] as const;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/gu, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface PageParts {
  /** The html element's lang. */
  lang: string;
  title: string;
  /** The main content, already HTML. */
  content: string;
  /** The template's words in the page's language: key -> text (`page.<key>` in texts.yaml). */
  text: (key: (typeof PAGE_CHROME)[number]) => string;
  /** The locale the links in the navigation keep ("?lang=en"), empty for the default language. */
  langQuery: string;
}

/** The template with every placeholder filled (texts escaped; the content as given). */
export function renderPage(template: string, page: PageParts): string {
  let html = template.replaceAll('{{lang}}', escapeHtml(page.lang)).replaceAll('{{title}}', escapeHtml(page.title)).replaceAll('{{langQuery}}', escapeHtml(page.langQuery));
  for (const key of PAGE_CHROME) html = html.replaceAll(`{{${key}}}`, escapeHtml(page.text(key)));
  // Last, so that nothing in the content is taken for a placeholder.
  return html.replace('{{content}}', () => page.content);
}

/** "?lang=en" for a locale other than the default one. */
export function langQuery(locale: string, defaultLocale: string): string {
  return locale === defaultLocale ? '' : `?lang=${encodeURIComponent(locale)}`;
}
