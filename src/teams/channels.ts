/**
 * Teams channels where new cases are posted: a name (the directory's `teamsChannel`) → the channel's
 * conversation reference, stored when someone writes "registrera kanal <namn>" in that channel.
 */
import path from 'node:path';
import type { ConversationReference } from 'botbuilder';
import { RecordFolder } from '../storage/record-folder.js';

export class TeamsChannels {
  private readonly folder: RecordFolder<Partial<ConversationReference>>;

  constructor(dataDir: string) {
    this.folder = new RecordFolder(path.join(dataDir, 'teams', 'channels'));
  }

  register(name: string, reference: Partial<ConversationReference>): Promise<void> {
    return this.folder.write(name, reference);
  }

  get(name: string): Promise<Partial<ConversationReference> | undefined> {
    return this.folder.read(name);
  }
}
