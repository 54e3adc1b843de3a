/**
 * Routing: from the answers to routing topics, and from topics to contact points in the directory.
 * Deterministic and data-driven (data/routing.yaml). When the chosen contacts span municipality and
 * region, the case is flagged as a SIP suggestion; the assistant never decides that a SIP is needed.
 */
import type { Content } from './content/load.js';
import { ROUTING_TOPICS, type ContactType, type Organisation, type Question, type RoutingTopic } from './content/schema.js';
import type { Answers } from './interview/answers.js';
import { evaluate } from './interview/conditions.js';
import type { Situation } from './safety/verdict.js';

/** The id of the municipality option "Vet inte" (not known, even when asked again). */
export const UNKNOWN_MUNICIPALITY = 'unknown';
/** The id of the municipality option "Annan kommun" (one outside the directory). */
export const OUTSIDE_MUNICIPALITY = 'outside';

export interface Recipient {
  /** Stable key for consent: organisation and contact type. */
  key: string;
  organisationId: string;
  organisationName: string;
  contactType: ContactType;
  contactName: string;
  side: 'municipality' | 'region';
  responseDays: number;
  phone?: string;
  hours?: string;
  topics: RoutingTopic[];
}

export interface RoutingDecision {
  topics: RoutingTopic[];
  recipients: Recipient[];
  sipSuggested: boolean;
}

/** Whether a question is asked, given the answers so far. */
export function isApplicable(question: Question, answers: Answers): boolean {
  return !question.askIf || evaluate(question.askIf, answers);
}

/** Topics the answers point to, in the fixed order of ROUTING_TOPICS. */
export function topicsFor(content: Content, answers: Answers): RoutingTopic[] {
  const found = new Set<RoutingTopic>();
  for (const q of content.bank.questions) {
    const a = answers[q.id];
    if (!a || !isApplicable(q, answers)) continue;
    const chosen = a.kind === 'choice' ? [a.option] : a.kind === 'multi' ? a.options : [];
    for (const id of chosen) q.options?.find((o) => o.id === id)?.topics.forEach((t) => found.add(t));
    if (a.kind === 'yesno' && a.value === 'yes') q.topicsIfYes.forEach((t) => found.add(t));
  }
  for (const rule of content.routing.rules) if (evaluate(rule.when, answers)) rule.topics.forEach((t) => found.add(t));
  // "Other" only when nothing more specific was found.
  if (found.size > 1) found.delete('other');
  if (found.size === 0) found.add(content.routing.defaultTopic);
  return ROUTING_TOPICS.filter((t) => found.has(t));
}

function contactOf(org: Organisation, type: ContactType) {
  const c = org.contacts.find((x) => x.type === type);
  if (!c) throw new Error(`directory: ${org.id} has no contact point of type ${type}`);
  return c;
}

/** Topics, recipients and the SIP flag for a set of answers. */
export function route(content: Content, answers: Answers): RoutingDecision {
  return routeTopics(content, answers, topicsFor(content, answers));
}

/**
 * Who takes an urgent case sent at once after an acute alarm: the contact data/routing.yaml names
 * (`urgent`) for the first of the alarm's situations it lists, in the person's municipality as far
 * as the answers say; else the first contact of the answers' routing.
 */
export function urgentRecipient(content: Content, answers: Answers, situations: readonly Situation[]): Recipient {
  const topic = situations.map((s) => content.routing.urgent[s]).find((t) => t !== undefined);
  return (topic ? routeTopics(content, answers, [topic]) : route(content, answers)).recipients[0]!;
}

function routeTopics(content: Content, answers: Answers, topics: RoutingTopic[]): RoutingDecision {
  const orgs = content.directory.organisations;
  const region = orgs.find((o) => o.kind === 'region')!;
  const municipalityAnswer = answers[content.bank.roles.municipality];
  const municipalityId = municipalityAnswer?.kind === 'choice' ? municipalityAnswer.option : UNKNOWN_MUNICIPALITY;
  const municipality = orgs.find((o) => o.kind === 'municipality' && o.id === municipalityId);
  // No municipality of the directory: data/routing.yaml says who takes its topics, for a person who
  // lives elsewhere and for one who does not know (never the same thing by accident).
  const unplaced = content.routing.noMunicipality[municipalityId === OUTSIDE_MUNICIPALITY ? 'outside' : 'unknown'];
  const unplacedOrg = orgs.find((o) => o.id === unplaced.organisation)!;

  const byKey = new Map<string, Recipient>();
  for (const topic of topics) {
    const target = content.routing.topics[topic]!;
    let org: Organisation;
    let type: ContactType;
    if (target.responsible === 'region') {
      org = region;
      type = target.contact;
    } else if (municipality) {
      org = municipality;
      type = target.contact;
    } else {
      org = unplacedOrg;
      type = unplaced.contact;
    }
    const key = `${org.id}:${type}`;
    const existing = byKey.get(key);
    if (existing) {
      existing.topics.push(topic);
      continue;
    }
    const contact = contactOf(org, type);
    byKey.set(key, {
      key,
      organisationId: org.id,
      organisationName: org.name,
      contactType: type,
      contactName: contact.name,
      side: target.responsible,
      responseDays: contact.responseDays,
      ...(contact.phone ? { phone: contact.phone } : {}),
      ...(contact.hours ? { hours: contact.hours } : {}),
      topics: [topic],
    });
  }
  const recipients = [...byKey.values()];
  const sides = new Set(recipients.map((r) => r.side));
  return { topics, recipients, sipSuggested: sides.has('municipality') && sides.has('region') };
}
