/**
 * Locale texts: one i18next instance holds every locale's texts.yaml; `Texts` is the view of one
 * locale that the engine uses. Missing keys throw, so a typo shows up in the tests instead of as a
 * raw key in front of a resident.
 */
import i18next, { type i18n } from 'i18next';
import type { Content } from './content/load.js';

export type TextParams = Record<string, string | number>;

export class TextCatalog {
  private readonly instance: i18n;

  constructor(content: Content) {
    this.instance = i18next.createInstance();
    const resources = Object.fromEntries(Object.entries(content.locales).map(([lng, l]) => [lng, { translation: l.texts }]));
    void this.instance.init({
      resources,
      lng: content.defaultLocale,
      fallbackLng: false,
      initAsync: false,
      returnNull: false,
      returnEmptyString: false,
      interpolation: { escapeValue: false },
      pluralSeparator: '_',
    });
  }

  /** Texts for one locale. */
  forLocale(locale: string): Texts {
    const fixed = this.instance.getFixedT(locale);
    const has = (key: string) => this.instance.exists(key, { lng: locale });
    // Texts are loaded once at start-up: one without parameters is looked up once (a turn asks for
    // dozens of them, and i18next's lookup is not free).
    const plain = new Map<string, string>();
    return {
      locale,
      t(key, params) {
        if (!params) {
          const known = plain.get(key);
          if (known !== undefined) return known;
        }
        if (!has(key) && !(params && 'count' in params && has(`${key}_other`))) {
          throw new Error(`missing text "${key}" in locale "${locale}"`);
        }
        const text = fixed(key, params ?? {}) as string;
        if (!params) plain.set(key, text);
        return text;
      },
    };
  }
}

export interface Texts {
  readonly locale: string;
  /** The text at `key` (dots for nesting) with {{params}} filled in; throws if it does not exist. */
  t(key: string, params?: TextParams): string;
}
