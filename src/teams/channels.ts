/**
 * Teams channels where new cases are announced: a name (the directory's `teamsChannel`) → the
 * channel's conversation reference, stored when a member of the owning organisation writes
 * "registrera kanal <namn>" in that channel. The reference names the channel itself, never a
 * thread in it, so each notice is a new top-level post.
 */
import type { ConversationReference } from 'botbuilder';
import type { Records } from '../storage/records.js';

export interface TeamsChannel {
  name: string;
  reference: Partial<ConversationReference>;
  organisationId: string;
  registeredBy: string;
  registeredAt: string;
}

/** A registration as releases before issue 20 stored it: the bare conversation reference. */
export type StoredChannel = TeamsChannel | Partial<ConversationReference>;
type Stored = StoredChannel;

function isChannel(stored: Stored): stored is TeamsChannel {
  return 'reference' in stored && typeof (stored as TeamsChannel).name === 'string';
}

/**
 * The channel's own conversation id: Teams sends a message in a thread as "<channel>;messageid=<id>",
 * and posting to that id would answer inside the thread.
 */
export function channelConversationId(conversationId: string): string {
  return conversationId.split(';')[0]!;
}

export class TeamsChannels {
  constructor(private readonly folder: Records<Stored>) {}

  register(channel: TeamsChannel): Promise<void> {
    return this.folder.write(channel.name, channel);
  }

  remove(name: string): Promise<void> {
    return this.folder.delete(name);
  }

  async find(name: string): Promise<TeamsChannel | undefined> {
    const stored = await this.folder.read(name);
    if (!stored) return undefined;
    return isChannel(stored) ? stored : { name, reference: stored, organisationId: '', registeredBy: '', registeredAt: '' };
  }

  /** Where to post a notice: the channel itself (a thread's message id taken off). */
  async get(name: string): Promise<Partial<ConversationReference> | undefined> {
    const found = await this.find(name);
    if (!found) return undefined;
    // Replying to no activity: a registration stored by an earlier release kept the message it came in.
    const { activityId: _reply, ...reference } = found.reference;
    const conversation = reference.conversation;
    return conversation ? { ...reference, conversation: { ...conversation, id: channelConversationId(conversation.id) } } : reference;
  }
}
