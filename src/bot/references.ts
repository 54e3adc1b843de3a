/**
 * Where each resident's conversation can be reached again: its conversation reference, kept from
 * the first turn, so a live-agent handoff can be started in that conversation when the case it led
 * to is delivered (possibly after a restart).
 */
import { TurnContext, type ConversationReference, type Middleware } from 'botbuilder';
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

/** Keeps the reference of every conversation the first time this process sees it. */
export class RememberConversation implements Middleware {
  private readonly seen = new Set<string>();

  constructor(private readonly references: ConversationReferences) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const { channelId, conversation } = context.activity;
    const key = `${channelId}/${conversation?.id ?? ''}`;
    if (conversation?.id && channelId !== 'msteams' && !this.seen.has(key)) {
      this.seen.add(key);
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
