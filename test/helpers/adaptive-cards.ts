/**
 * Checks Teams cards with the Adaptive Cards parser itself (the `adaptivecards` package, the one
 * Web Chat renders with): version 1.5, which Teams needs for Action.Execute; nothing the parser does
 * not know or cannot validate; every Action.Execute with an Action.Submit fallback for older clients.
 * The package's lib/ is ES modules without file extensions, which Node cannot load; its dist/ bundle
 * is the same code, and parsing needs no browser.
 */
import { createRequire } from 'node:module';

interface ParseEvent {
  message: string;
}
interface AdaptiveCards {
  AdaptiveCard: new () => { parse(json: unknown, context: unknown): void; version?: { toString(): string }; validateProperties(): { validationEvents: ParseEvent[] } };
  SerializationContext: new () => { eventCount: number; getEventAt(i: number): ParseEvent };
}

const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as AdaptiveCards;

/** What is wrong with a card, in words (empty when nothing is). */
export function cardProblems(json: unknown): string[] {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  card.parse(json, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) problems.push(context.getEventAt(i).message);
  problems.push(...card.validateProperties().validationEvents.map((e) => e.message));
  if ((json as { version?: string }).version !== '1.5') problems.push(`version ${(json as { version?: string }).version}, not 1.5`);
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const n = node as Record<string, unknown>;
      if (n['type'] === 'Action.Execute' && (n['fallback'] as { type?: string } | undefined)?.type !== 'Action.Submit') problems.push(`Action.Execute "${String(n['title'])}" has no Action.Submit fallback`);
      Object.values(n).forEach(walk);
    }
  };
  walk(json);
  return problems;
}

/** Every Adaptive Card in some activities (attachments) or invoke responses (value). */
export function adaptiveCards(bodies: unknown[]): unknown[] {
  const cards: unknown[] = [];
  for (const body of bodies) {
    if (!body || typeof body !== 'object') continue;
    const b = body as { attachments?: Array<{ contentType?: string; content?: unknown }>; type?: string; value?: unknown };
    for (const a of b.attachments ?? []) if (a.contentType === 'application/vnd.microsoft.card.adaptive') cards.push(a.content);
    if (b.type === 'application/vnd.microsoft.card.adaptive') cards.push(b.value);
  }
  return cards;
}
