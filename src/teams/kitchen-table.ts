/**
 * Kitchen-table interviews: a member of staff runs the intake together with a resident in their own
 * Teams chat ("nytt samtal"). While one is under way, that chat's messages go to the intake; the
 * case it ends in is recorded as staff-assisted.
 */
import path from 'node:path';
import type { StaffIdentity } from '../core/staff/access.js';
import { RecordFolder } from '../storage/record-folder.js';

export interface KitchenTable {
  conversationId: string;
  staff: Pick<StaffIdentity, 'id' | 'name' | 'organisationId'>;
  startedAt: string;
}

export class KitchenTables {
  private readonly folder: RecordFolder<KitchenTable>;

  constructor(dataDir: string) {
    this.folder = new RecordFolder(path.join(dataDir, 'teams', 'interviews'));
  }

  start(conversationId: string, staff: StaffIdentity): Promise<void> {
    return this.folder.write(conversationId, { conversationId, staff: { id: staff.id, name: staff.name, organisationId: staff.organisationId }, startedAt: new Date().toISOString() });
  }

  get(conversationId: string): Promise<KitchenTable | undefined> {
    return this.folder.read(conversationId);
  }

  end(conversationId: string): Promise<void> {
    return this.folder.delete(conversationId);
  }
}
