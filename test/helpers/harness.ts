/**
 * Drives the real bot stack (content, engine, dialog, middleware, lowdb stores) through botbuilder's
 * TestAdapter, one conversation at a time, and reads what a person would see.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ActivityTypes, TestAdapter, type Activity } from 'botbuilder';
import { createIntake, type IntakeStack } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { Recognizer } from '../../src/core/nlu/recognizer.js';
import { REPO_ROOT } from './paths.js';

export { REPO_ROOT };

export async function tempDir(prefix = 'intake-test-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export interface HarnessOptions {
  dataDir?: string;
  channelId?: string;
  conversationId?: string;
  env?: Record<string, string>;
  /** Wraps the trained recognizer (scripted verdicts for some texts). */
  recognizer?: (configured: Recognizer) => Recognizer;
}

export class Conversation {
  private seq = 0;

  constructor(
    readonly adapter: TestAdapter,
    readonly stack: IntakeStack,
    readonly dataDir: string,
    readonly channelId: string,
    readonly conversationId: string,
  ) {}

  private activity(extra: Partial<Activity>): Partial<Activity> {
    return {
      channelId: this.channelId,
      conversation: { id: this.conversationId, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: 'resident-1', name: 'Invånare', role: 'user' },
      recipient: { id: 'intake-bot', name: 'Intake', role: 'bot' },
      serviceUrl: 'http://127.0.0.1:9/',
      locale: 'sv-SE',
      id: `in-${++this.seq}`,
      timestamp: new Date(),
      ...extra,
    };
  }

  /** Sends an activity and returns the replies of that turn. */
  async send(extra: Partial<Activity>): Promise<Partial<Activity>[]> {
    await this.adapter.processActivity(this.activity(extra));
    return this.adapter.activeQueue.splice(0);
  }

  /** The person opens the chat. */
  join(): Promise<Partial<Activity>[]> {
    return this.send({ type: ActivityTypes.ConversationUpdate, membersAdded: [{ id: 'resident-1', name: 'Invånare' }] });
  }

  /** The person writes (or clicks a button, which sends the button's text). */
  say(text: string): Promise<Partial<Activity>[]> {
    return this.send({ type: ActivityTypes.Message, text });
  }

  /** The person submits an Adaptive Card. */
  submit(value: Record<string, unknown>): Promise<Partial<Activity>[]> {
    return this.send({ type: ActivityTypes.Message, value });
  }

  /** Says each text in turn; returns the replies to the last. */
  async sayAll(texts: string[]): Promise<Partial<Activity>[]> {
    let last: Partial<Activity>[] = [];
    for (const t of texts) last = await this.say(t);
    return last;
  }

  /** Waits for transcript writes the logger started without awaiting them. */
  flush(): Promise<void> {
    return this.stack.transcripts.flush();
  }

  /** The process ends: its stores are closed (and the data folder let go), the data stays. */
  stop(): Promise<void> {
    return this.stack.stores.close();
  }

  async close(): Promise<void> {
    await this.stack.stores.close();
    await removeDir(this.dataDir);
  }
}

/** All text a person sees in some replies, including card fallback text. */
export function textOf(replies: Partial<Activity>[]): string {
  return replies
    .map((r) => [r.text ?? '', ...(r.attachments ?? []).map((a) => (a.content as { fallbackText?: string })?.fallbackText ?? '')].join('\n'))
    .join('\n');
}

/** Button labels (suggested actions) of the last reply that has any. */
export function buttonsOf(replies: Partial<Activity>[]): string[] {
  const withButtons = replies.filter((r) => r.suggestedActions?.actions?.length);
  return withButtons.at(-1)?.suggestedActions?.actions.map((a) => String(a.title)) ?? [];
}

export async function startConversation(options: HarnessOptions = {}): Promise<Conversation> {
  const dataDir = options.dataDir ?? (await tempDir());
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...options.env }, REPO_ROOT);
  const stack = await createIntake(config, createLogger('silent'), options.recognizer ? { recognizer: options.recognizer } : {});
  const adapter = new TestAdapter((context) => stack.bot.run(context));
  stack.attach(adapter);
  return new Conversation(adapter, stack, dataDir, options.channelId ?? 'test', options.conversationId ?? `conv-${Math.random().toString(36).slice(2)}`);
}
