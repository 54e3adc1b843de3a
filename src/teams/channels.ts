/**
 * Teams channels where new cases are posted: a name (the directory's `teamsChannel`) → the channel's
 * conversation reference, stored when someone writes "registrera kanal <namn>" in that channel.
 */
import type { ConversationReference } from 'botbuilder';
import type { Records } from '../storage/records.js';

export class TeamsChannels {
  constructor(private readonly folder: Records<Partial<ConversationReference>>) {}

  register(name: string, reference: Partial<ConversationReference>): Promise<void> {
    return this.folder.write(name, reference);
  }

  get(name: string): Promise<Partial<ConversationReference> | undefined> {
    return this.folder.read(name);
  }
}
