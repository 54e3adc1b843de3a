/**
 * The person's municipality in the directory (data/directory.yaml): named by the page the chat sits on,
 * or by their answer to the municipality question.
 */
import type { Content } from '../content/load.js';
import type { Organisation } from '../content/schema.js';
import type { Answers } from './answers.js';

/** The municipality with this SCB code or directory id, if it is one. */
export function municipalityByCode(content: Content, code: string | undefined): Organisation | undefined {
  if (!code) return undefined;
  const wanted = code.trim().toLowerCase();
  return content.directory.organisations.find((o) => o.kind === 'municipality' && (o.scbCode === wanted || o.id === wanted));
}

/** The municipality the person chose; undefined before the question is answered or for "annan / vet inte". */
export function municipalityOf(content: Content, answers: Answers): Organisation | undefined {
  const answer = answers[content.bank.roles.municipality];
  if (answer?.kind !== 'choice') return undefined;
  return content.directory.organisations.find((o) => o.kind === 'municipality' && o.id === answer.option);
}

/**
 * Whom someone who asks for a person is told to call: their municipality's contact centre, else its
 * first contact point with a phone, else the shared guidance service. The name says whose it is.
 */
export function humanContact(content: Content, answers: Answers): { name: string; phone?: string; hours?: string } {
  const { organisations } = content.directory;
  const municipality = municipalityOf(content, answers);
  const contact =
    municipality?.contacts.find((c) => c.type === 'kontaktcenter') ??
    municipality?.contacts.find((c) => c.phone) ??
    organisations.find((o) => o.kind === 'fallback')!.contacts.find((c) => c.type === 'samordning')!;
  const name = municipality && !contact.name.includes(municipality.name) ? `${contact.name}, ${municipality.name}` : contact.name;
  return { name, ...(contact.phone ? { phone: contact.phone } : {}), ...(contact.hours ? { hours: contact.hours } : {}) };
}

/**
 * A contact's hours (the directory writes them in Swedish, "vardagar 8–16") in the conversation's
 * language: the locale's texts.yaml `directoryHours` says each phrase its way; one it lacks is shown
 * as written.
 */
export function hoursIn(content: Content, locale: string, hours: string): string {
  const table = (content.locales[locale]?.texts as { directoryHours?: Record<string, unknown> } | undefined)?.directoryHours;
  const said = table?.[hours];
  return typeof said === 'string' ? said : hours;
}
