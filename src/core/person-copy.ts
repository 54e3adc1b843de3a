/**
 * The person's own copy of what they told (issue 18, kind 10): a page reachable only through the
 * link given at the end of their conversation. The link carries a random secret (256 bits); the case
 * keeps only its SHA-256, with the person's summary in their language, so the page lives exactly as
 * long as the case (deleted with it by retention, in both stores) and a reader of the store cannot
 * rebuild the link.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Situation, SafetyLevel } from './safety/verdict.js';
import type { SummaryView } from './summary.js';

export interface PersonCopy {
  /** SHA-256 (hex) of the link's secret. */
  tokenHash: string;
  /** The locale the person spoke: the page is in their language. */
  locale: string;
  /** The person's own summary (no IBIC areas or topics), in their language. */
  summary: SummaryView;
  /**
   * The conversation raised a safety alarm (acute, or unsure and the person said someone is in
   * danger): the page shows the emergency numbers for these situations first (numbersFor). Absent
   * otherwise, and on copies made before.
   */
  emergency?: { situations: Situation[] };
}

/** What the copy keeps of the conversation's alarm: only an acute one shows the numbers. */
export function copyEmergency(alarm: { level: Exclude<SafetyLevel, 'none'>; situations: readonly Situation[] } | undefined): Pick<PersonCopy, 'emergency'> {
  return alarm?.level === 'acute' ? { emergency: { situations: [...alarm.situations] } } : {};
}

/** The path of the copy page for a case and the secret of its link. */
export const PERSON_COPY_PATH = '/kopia';

/** A new secret for a copy link (base64url, 43 characters) and the hash the case keeps. */
export function newCopySecret(): { secret: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { secret, hash: copySecretHash(secret) };
}

/** SHA-256 (hex) of a link's secret. */
export function copySecretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Whether a secret from a link opens this copy (compared in constant time). */
export function opensCopy(copy: PersonCopy | undefined, secret: string): boolean {
  if (!copy || !/^[A-Za-z0-9_-]{43}$/u.test(secret)) return false;
  const given = Buffer.from(copySecretHash(secret), 'hex');
  const kept = Buffer.from(copy.tokenHash, 'hex');
  return given.length === kept.length && timingSafeEqual(given, kept);
}

/** The link's path: /kopia/NV-2026-000123/<secret>. */
export function copyPath(reference: string, secret: string): string {
  return `${PERSON_COPY_PATH}/${encodeURIComponent(reference)}/${secret}`;
}
