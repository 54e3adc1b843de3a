/**
 * Structured logging (pino). Logs carry ids and counts, never what a resident wrote: message
 * text, answers and names stay out, and conversation ids are shortened to a hash.
 */
import { createHash } from 'node:crypto';
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    // Belt and braces: should an activity or answer ever be passed to the logger, drop its content.
    redact: { paths: ['text', '*.text', 'answers', '*.answers', 'activity', '*.activity', 'value', '*.value'], remove: true },
  });
}

/** A short, stable, non-reversible tag for a conversation, for correlating log lines. */
export function conversationTag(channelId: string, conversationId: string): string {
  return createHash('sha256').update(`${channelId}/${conversationId}`).digest('hex').slice(0, 12);
}
