/**
 * Where each resident's conversation can be reached again: its conversation reference, kept from
 * the first turn, so a live-agent handoff can be started in that conversation when the case it led
 * to is delivered (possibly after a restart).
 */
import { TurnContext, type ConversationReference, type Middleware } from 'botbuilder';
import { LRUCache } from 'lru-cache';
import type { Records } from '../storage/records.js';
import { ERASE_CONVERSATION } from '../../dialogs/intake-dialog.js';

export class ConversationReferences {
  constructor(private readonly folder: Records<Partial<ConversationReference>>) {}

  private static key(channelId: string, conversationId: string): string {
    return `${channelId}/${conversationId}`;
  }

  save(reference: Partial<ConversationReference>): Promise<void> {
    return this.folder.write(ConversationReferences.key(reference.channelId ?? '', reference.conversation?.id ?? ''), reference);
  }

  get(channelId: string, conversationId: string): Promise<Partial<ConversationReference> | undefined> {
    return this.folder.read(ConversationReferences.key(channelId, conversationId));
  }

  delete(channelId: string, conversationId: string): Promise<void> {
    return this.folder.delete(ConversationReferences.key(channelId, conversationId));
  }
}

/** Conversations remembered as saved; one forgotten (a long-running process) is saved again, harmlessly. */
const MAX_SEEN = 50_000;

/** Keeps the reference of every conversation the first time this process sees it. */
export class RememberConversation implements Middleware {
  private readonly seen = new LRUCache<string, true>({ max: MAX_SEEN });

  constructor(private readonly references: ConversationReferences) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const { channelId, conversation } = context.activity;
    const key = `${channelId}/${conversation?.id ?? ''}`;
    if (conversation?.id && channelId !== 'msteams' && !this.seen.has(key)) {
      this.seen.set(key, true);
      await this.references.save(TurnContext.getConversationReference(context.activity));
    }
    await next();
    // "Keep nothing" (declined, cancelled, forgotten): the reference goes too.
    if (context.turnState.get(ERASE_CONVERSATION) && conversation?.id) {
      this.seen.delete(key);
      await this.references.delete(channelId, conversation.id);
    }
  }
}
